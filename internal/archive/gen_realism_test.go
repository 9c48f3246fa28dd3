package archive

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/fixtures"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

// TestArcadeHours: a visit start moved into opening hours lands in
// 10:00–22:00 CN, at least 12 hours before the time asked (never later),
// and order is kept.
func TestArcadeHours(t *testing.T) {
	loc := maimai.CN.Location()
	prev := time.Time{}
	for t0, i := time.Date(2025, 3, 1, 0, 0, 0, 0, loc), 0; i < 24*14*4; i++ {
		at := t0.Add(time.Duration(i) * 15 * time.Minute)
		got := arcadeHours(at)
		if h := got.In(loc).Hour(); h < 10 || h >= 22 {
			t.Fatalf("arcadeHours(%s) = %s: outside 10:00–22:00", at, got.In(loc))
		}
		if got.After(at.Add(-12 * time.Hour)) {
			t.Fatalf("arcadeHours(%s) = %s: later than 12 hours before", at, got)
		}
		if !got.After(prev) {
			t.Fatalf("arcadeHours(%s) = %s, not after the one before, %s", at, got, prev)
		}
		prev = got
	}
}

// TestGenerateRealism: a generated archive over the real CN charts plays
// at the arcade's hours: every visit but the last, which --end places,
// starts 10:00–22:00 CN (a review found visits at 05:27).
func TestGenerateRealism(t *testing.T) {
	ctx := context.Background()
	raw, err := os.ReadFile(fixtures.Shared(t, "data/songs/divingfish-music_data.cn.json"))
	if err != nil {
		t.Fatal(err)
	}
	a := openTest(t, filepath.Join(t.TempDir(), "gen.db"))
	end := GenDefaultEnd.AddDate(0, 0, 1)
	a.now = func() time.Time { return end }
	syncFrom(t, a, serveSongs(t, &raw))
	if _, err := a.Generate(ctx, GenOptions{Player: "gen", Plays: 4000, Seed: 5}); err != nil {
		t.Fatal(err)
	}
	log, err := a.PlayLog(ctx, "gen")
	if err != nil {
		t.Fatal(err)
	}
	loc := maimai.CN.Location()
	var starts []time.Time
	for i, p := range log.Plays {
		if i == 0 || p.At.Sub(log.Plays[i-1].At) > DefaultVisitGap {
			starts = append(starts, p.At)
		}
	}
	for _, s := range starts[:len(starts)-1] {
		if h := s.In(loc).Hour(); h < 10 || h >= 22 {
			t.Errorf("a visit starts at %s CN", s.In(loc).Format("2006-01-02 15:04"))
		}
	}
}
