package archive

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// TestGenerate checks that a generated archive is what it says: the plays
// asked for, details, snapshots and photos, the same for the same seed.
func TestGenerate(t *testing.T) {
	ctx := context.Background()
	end := testNow.Add(-time.Hour)
	gen := func(seed uint64) (GenReport, []Play) {
		a := openTest(t, filepath.Join(t.TempDir(), "gen.db"))
		rep, err := a.Generate(ctx, GenOptions{Player: "gen", Plays: 1000, Seed: seed, End: end})
		if err != nil {
			t.Fatal(err)
		}
		plays, err := a.Plays(ctx, "gen", 0)
		if err != nil {
			t.Fatal(err)
		}
		return rep, plays
	}
	rep, plays := gen(7)
	if rep.Plays != 1000 || len(plays) != 1000 {
		t.Fatalf("plays = %d stored, %d listed; want 1000", rep.Plays, len(plays))
	}
	if rep.Details < 40 || rep.Snapshots < 20 || rep.Photos < 3 {
		t.Errorf("report %+v: want details, snapshots and photos", rep)
	}
	if !plays[0].PlayedAt.After(end.Add(-2*time.Hour)) || plays[0].PlayedAt.After(end.Add(24*time.Hour)) {
		t.Errorf("newest play at %s, want about %s", plays[0].PlayedAt, end)
	}
	if span := plays[0].PlayedAt.Sub(plays[len(plays)-1].PlayedAt); span < 2*365*24*time.Hour {
		t.Errorf("plays span %s, want about three years", span)
	}
	_, again := gen(7)
	if again[500].Title != plays[500].Title || again[500].Achievement != plays[500].Achievement {
		t.Errorf("same seed, play 500 = %s %s then %s %s", plays[500].Title, plays[500].Achievement, again[500].Title, again[500].Achievement)
	}
	_, other := gen(8)
	if other[500].Title == plays[500].Title && other[500].Achievement == plays[500].Achievement {
		t.Errorf("seeds 7 and 8 gave the same play 500")
	}
}
