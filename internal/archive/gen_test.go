package archive

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"reflect"
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

// TestGenerateIgnoresClock checks that without an end the timeline is
// anchored on GenDefaultEnd, not on the clock: archives whose clocks are
// months apart get the same plays at the same times.
func TestGenerateIgnoresClock(t *testing.T) {
	ctx := context.Background()
	var runs [][]Play
	for _, now := range []time.Time{GenDefaultEnd.Add(24 * time.Hour), GenDefaultEnd.AddDate(0, 7, 0)} {
		a := openTest(t, filepath.Join(t.TempDir(), "gen.db"))
		a.now = func() time.Time { return now }
		if _, err := a.Generate(ctx, GenOptions{Player: "gen", Plays: 200, Seed: 4}); err != nil {
			t.Fatal(err)
		}
		plays, err := a.Plays(ctx, "gen", 0)
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, plays)
	}
	first, second := runs[0], runs[1]
	if len(first) != 200 || len(second) != 200 {
		t.Fatalf("stored %d and %d plays, want 200 each", len(first), len(second))
	}
	if newest := first[0].PlayedAt; newest.After(GenDefaultEnd.Add(time.Hour)) || newest.Before(GenDefaultEnd.Add(-24*time.Hour)) {
		t.Errorf("newest play at %s, want just before %s", newest, GenDefaultEnd)
	}
	for i := range first {
		if !first[i].PlayedAt.Equal(second[i].PlayedAt) || first[i].Chart != second[i].Chart || first[i].Achievement != second[i].Achievement {
			t.Fatalf("play %d: %s %v %s with one clock, %s %v %s with the other", i,
				first[i].PlayedAt, first[i].Chart, first[i].Achievement, second[i].PlayedAt, second[i].Chart, second[i].Achievement)
		}
	}
}

// TestGenerateRerun is issue 8's point 7: after an interrupted gen (kill -9,
// Ctrl-C), running it again later with the same options must complete the
// archive, not add shifted copies. Whatever the first run got to, the
// archive after the rerun must equal one clean run's: the same row counts
// and the same export (but for when it was imported).
func TestGenerateRerun(t *testing.T) {
	ctx := context.Background()
	// No End: the default, as maiprobe gen without --end. Each run has a
	// clock of its own, a day apart, as a rerun would.
	opts := GenOptions{Player: "gen", Plays: 600, Seed: 9}
	day := 0
	open := func() *Archive {
		a := openTest(t, filepath.Join(t.TempDir(), "gen.db"))
		day++
		now := GenDefaultEnd.AddDate(0, 0, day)
		a.now = func() time.Time { return now }
		return a
	}
	clean := open()
	want, err := clean.Generate(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if want.Stored != 0 || want.Plays != 600 {
		t.Fatalf("clean run %+v: want 600 plays added and no page already stored", want)
	}
	wantCounts, wantExport := genState(t, clean)

	for _, tc := range []struct {
		name string
		stop int // the first run is cancelled once this many plays are generated; 0: it completes
	}{
		{"twice", 0},
		{"interrupted early", 50},
		{"interrupted midway", 300},
		{"interrupted at the end", 599},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := open()
			first := opts
			runCtx, cancel := context.WithCancel(ctx)
			defer cancel()
			if tc.stop > 0 {
				first.Progress = func(plays int) {
					if plays >= tc.stop {
						cancel()
					}
				}
			}
			rep, err := a.Generate(runCtx, first)
			if tc.stop > 0 && !errors.Is(err, context.Canceled) {
				t.Fatalf("first run cancelled at %d plays: %v, want context.Canceled", tc.stop, err)
			}
			if tc.stop == 0 && err != nil {
				t.Fatal(err)
			}
			if tc.stop > 0 && rep.Pages >= want.Pages {
				t.Fatalf("first run imported all %d pages, want it cut short", rep.Pages)
			}

			later := GenDefaultEnd.AddDate(0, 0, 100+day)
			a.now = func() time.Time { return later }
			again, err := a.Generate(ctx, opts)
			if err != nil {
				t.Fatal(err)
			}
			if again.Pages != want.Pages || rep.Plays+again.Plays != 600 {
				t.Errorf("rerun %+v after %+v: want %d pages and the 600 plays completed", again, rep, want.Pages)
			}
			if tc.stop == 0 && (again.Stored != want.Pages || again.Plays+again.Details+again.Snapshots+again.Photos != 0) {
				t.Errorf("second complete run %+v: want every page already stored and nothing added", again)
			}
			counts, export := genState(t, a)
			if !reflect.DeepEqual(counts, wantCounts) {
				t.Errorf("rows %v, want %v as after one clean run", counts, wantCounts)
			}
			if export != wantExport {
				t.Errorf("export differs from one clean run's (%d bytes against %d)", len(export), len(wantExport))
			}
		})
	}
}

// genState is what a generated archive holds: its row counts and its
// export, without the times that are the clock's (when it was exported,
// when its player was created and its pages imported).
func genState(t *testing.T, a *Archive) (map[string]int, string) {
	t.Helper()
	ctx := context.Background()
	counts, err := a.RowCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := a.Export(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	delete(doc, "exported_at")
	players, _ := doc["players"].([]any)
	for _, p := range players {
		p := p.(map[string]any)
		delete(p, "created_at")
		pages, _ := p["pages"].([]any)
		for _, pg := range pages {
			delete(pg.(map[string]any), "imported_at")
		}
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return counts, string(b)
}
