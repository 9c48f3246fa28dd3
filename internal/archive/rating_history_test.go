package archive

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/songs"
	"github.com/maiprobe/maiprobe/internal/storage"
)

// genSongData is diving-fish song data for every title of Generate's song
// pool ("Generated Song 0001" …), standard and DX, basic to Re:MASTER,
// spread over the CN versions of the generated timeline, so a generated
// archive links every chart and its rating history has content. shift
// moves every MASTER constant by that many tenths: a second sync with
// another shift gives the charts a constant history.
func genSongData(shift songs.Constant) []byte {
	froms := []string{"maimai でらっくす FESTiVAL", "maimai でらっくす BUDDiES", "maimai でらっくす PRiSM", "maimai でらっくす PRiSM PLUS",
		"maimai でらっくす UNiVERSE", "maimai でらっくす Splash"}
	var list []genSong
	for s := 0; s < genSongs; s++ {
		title := fmt.Sprintf("Generated Song %04d", s+1)
		for j, typ := range []string{"SD", "DX"} {
			g := genSong{id: 100 + s, title: title, typ: typ, from: froms[(s*7+j)%len(froms)]}
			if typ == "DX" {
				g.id += 10000
			}
			base := songs.Constant(110 + (s*13+j*5)%40) // 11.0 … 14.9
			g.ds = []songs.Constant{songs.Constant(20 + s%30), songs.Constant(50 + s%40), songs.Constant(80 + s%45), base + shift,
				min(150, base+3)}
			list = append(list, g)
		}
	}
	return dfJSON(list)
}

// genArchive generates plays plays for player "gen" over song data that
// matches them, synced twice (the second time with moved constants) so
// that constants have a history.
func genArchive(t testing.TB, plays int) *Archive {
	t.Helper()
	ctx := context.Background()
	a := openTest(t, filepath.Join(t.TempDir(), "gen.db"))
	dir := t.TempDir()
	for i, shift := range []songs.Constant{0, 1} {
		path := filepath.Join(dir, "music_data.json")
		if err := os.WriteFile(path, genSongData(shift), 0o644); err != nil {
			t.Fatal(err)
		}
		if i == 1 {
			a.now = func() time.Time { return time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC) }
		} else {
			a.now = func() time.Time { return time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC) }
		}
		syncFrom(t, a, path)
	}
	a.now = func() time.Time { return GenDefaultEnd }
	if _, err := a.Generate(ctx, GenOptions{Player: "gen", Plays: plays, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	return a
}

// BenchmarkRatingHistory computes the rating history of a generated
// archive as `maiprobe rating --history` does once: "load" reads the data
// and sweeps (the cache emptied each time), "sweep" is the sweep alone,
// "scratch" the former computation (a whole B50 at every point) over the
// same data, for reference. MAIPROBE_BENCH_PLAYS sets the plays (default
// 10,000; the figures in docs/benchmarks.md are at 100,000).
func BenchmarkRatingHistory(b *testing.B) {
	n := 10_000
	if v, err := strconv.Atoi(os.Getenv("MAIPROBE_BENCH_PLAYS")); err == nil && v > 0 {
		n = v
	}
	a := genArchive(b, n)
	ctx := context.Background()
	if _, err := a.RatingHistory(ctx, "gen"); err != nil { // links the charts
		b.Fatal(err)
	}
	d, err := a.loadRating(ctx, "gen", true)
	if err != nil || d.unlinked {
		b.Fatal(err, d.unlinked)
	}
	b.Logf("%d plays: %d score steps, %d bests, %d snapshots", n, len(d.history), len(d.bests), len(d.snaps))
	b.Run("load", func(b *testing.B) {
		for b.Loop() {
			a.ratings.mu.Lock()
			a.ratings.data = nil
			a.ratings.mu.Unlock()
			pts, err := a.RatingHistory(ctx, "gen")
			if err != nil || len(pts) == 0 {
				b.Fatal(err, len(pts))
			}
		}
	})
	b.Run("sweep", func(b *testing.B) {
		for b.Loop() {
			d.ratingHistory()
		}
	})
	b.Run("scratch", func(b *testing.B) {
		for b.Loop() {
			slowRatingHistory(d)
		}
	})
}

// slowRatingHistory is the history as it was computed before the sweep:
// a whole B50 (d.rate) at every point. It is the oracle of the sweep.
func slowRatingHistory(d *ratingData) []RatingPoint {
	points := d.historyPoints()
	steps := append([]storage.ScoreStep(nil), d.history...)
	sort.SliceStable(steps, func(i, j int) bool { return steps[i].ObservedAt.Before(steps[j].ObservedAt) })
	cur := map[bestKey]int{}
	var scores []maimai.Score
	next := 0
	out := points[:0]
	for _, p := range points {
		for ; next < len(steps) && !steps[next].ObservedAt.After(p.At); next++ {
			s := steps[next]
			if i, ok := cur[bestKey{s.Chart, s.Genre}]; ok {
				scores[i] = stepScore(s)
			} else {
				cur[bestKey{s.Chart, s.Genre}] = len(scores)
				scores = append(scores, stepScore(s))
			}
		}
		rules, err := RulesFor(d.region, p.At)
		if err != nil {
			continue
		}
		r := d.rate(rules, scores, p.At, true)
		p.Computed, p.Unknown = r.Total, len(r.Unknown)
		out = append(out, p)
	}
	return out
}

// checkHistory compares the player's (cached) history with the oracle
// over freshly loaded data.
func checkHistory(t *testing.T, a *Archive, player string) []RatingPoint {
	t.Helper()
	ctx := context.Background()
	got, err := a.RatingHistory(ctx, player)
	if err != nil {
		t.Fatal(err)
	}
	d, err := a.loadRating(ctx, player, true)
	if err != nil {
		t.Fatal(err)
	}
	want := slowRatingHistory(d)
	if len(got) != len(want) {
		t.Fatalf("%d points, want %d", len(got), len(want))
	}
	bad := 0
	for i := range want {
		if got[i] != want[i] {
			if bad++; bad <= 5 {
				t.Errorf("point %d: %+v, want %+v", i, got[i], want[i])
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d points differ", bad, len(want))
	}
	return got
}

func TestRatingHistoryCachedAndIncremental(t *testing.T) {
	ctx := context.Background()
	a := genArchive(t, 3000)
	sweeps := func() int64 { return a.ratings.sweeps.Load() }
	pts := checkHistory(t, a, "gen")
	if sweeps() != 1 {
		t.Fatalf("%d history computations, want 1", sweeps())
	}
	// The points must say something: a B50 that grows, a site rating
	// beside some, constants that changed (synced twice), both tables.
	last := pts[len(pts)-1]
	site := 0
	for _, p := range pts {
		if p.Site > 0 {
			site++
		}
	}
	if last.Computed < 5000 || site == 0 || pts[0].Computed >= last.Computed || last.Unknown != 0 {
		t.Fatalf("weak history: first %+v, last %+v, %d site points of %d", pts[0], last, site, len(pts))
	}
	r, err := a.Rating(ctx, "gen", time.Time{})
	if err != nil || len(r.New) != 15 || len(r.Old) != 35 || r.Total != last.Computed {
		t.Fatalf("current rating %v: %d new, %d old, total %d; history ends at %d", err, len(r.New), len(r.Old), r.Total, last.Computed)
	}

	// Nothing imported: the cached history, not a new computation.
	for range 3 {
		if _, err := a.RatingHistory(ctx, "gen"); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Rating(ctx, "gen", last.At.Add(-48*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	if sweeps() != 1 {
		t.Fatalf("%d history computations without an import, want 1", sweeps())
	}

	// An import changes it: the history is computed again and still
	// equals the oracle. More plays of the same generator extend the
	// archive with new days, bests and snapshots.
	if _, err := a.Generate(ctx, GenOptions{Player: "gen", Plays: 3600, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	pts2 := checkHistory(t, a, "gen")
	if sweeps() != 2 || len(pts2) <= len(pts) {
		t.Fatalf("after an import: %d computations (want 2), %d points (before %d)", sweeps(), len(pts2), len(pts))
	}
	// A sync that changes constants changes it too.
	path := filepath.Join(t.TempDir(), "music_data.json")
	if err := os.WriteFile(path, genSongData(-2), 0o644); err != nil {
		t.Fatal(err)
	}
	syncFrom(t, a, path)
	checkHistory(t, a, "gen")
	if sweeps() != 3 {
		t.Fatalf("after a sync: %d computations, want 3", sweeps())
	}
}

// TestRatingAtMatchesHistory rates at past points from scratch (Rating
// with a time) and finds the history's totals.
func TestRatingAtMatchesHistory(t *testing.T) {
	ctx := context.Background()
	a := genArchive(t, 2000)
	pts, err := a.RatingHistory(ctx, "gen")
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{len(pts) / 4, len(pts) / 2, len(pts) - 2} {
		p := pts[i]
		r, err := a.Rating(ctx, "gen", p.At)
		if err != nil {
			t.Fatal(err)
		}
		if r.Total != p.Computed || len(r.Unknown) != p.Unknown {
			t.Errorf("rating at %s: %d (%d unknown), history says %d (%d)", p.At, r.Total, len(r.Unknown), p.Computed, p.Unknown)
		}
		for _, e := range append(append([]RatingEntry{}, r.New...), r.Old...) {
			if e.Jacket == "" || e.DXScoreMax == 0 || e.Rank == "" {
				t.Fatalf("entry without what a card shows: %+v", e)
			}
		}
	}
}
