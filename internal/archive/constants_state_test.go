package archive

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/dxnet"
	"github.com/maiprobe/maiprobe/internal/fixtures"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/storage"
	"github.com/maiprobe/maiprobe/internal/storage/storagetest"
)

// TestConstantsIncrementalEqualsFull imports a generated archive's pages
// (every play with its detail, a fifth of the constants hidden) into
// another archive a visit at a time, one visit held back and imported
// last (older than everything before it), and after each import checks
// that the estimate the archive keeps and goes on from is the estimate
// made from every play, and that a second archive on the same database
// shows the same without making it again. The incremental path must have
// been taken (else the test proves nothing), and the late visit must have
// made it start again.
func TestConstantsIncrementalEqualsFull(t *testing.T) {
	raw, err := os.ReadFile(fixtures.Shared(t, "data/songs/divingfish-music_data.cn.json"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	end := GenDefaultEnd.AddDate(0, 0, 1)
	src := openTest(t, filepath.Join(t.TempDir(), "src.db"))
	src.now = func() time.Time { return end }
	syncFrom(t, src, serveSongs(t, &raw))
	rep, err := src.Generate(ctx, GenOptions{Player: "gen", Plays: 1500, Seed: 11, DetailEvery: 1, HideConstants: 0.2})
	if err != nil {
		t.Fatal(err)
	}
	visits := genVisits(t, src, "gen")
	if len(visits) < 8 {
		t.Fatalf("only %d visits", len(visits))
	}

	path := filepath.Join(t.TempDir(), "dst.db")
	dst := openTest(t, path)
	dst.now = src.now
	syncFrom(t, dst, serveSongs(t, &raw))
	hideLike(t, dst, rep.Hidden)
	other := openTest(t, path) // a second server on the same database
	other.now = src.now

	late := len(visits) / 2
	order := append(append(append([]int{}, seq(0, late)...), seq(late+1, len(visits))...), late)
	var lastFull, lastResumed int
	for n, vi := range order {
		for _, s := range visits[vi] {
			// gen's pages are JSON, which only gen and a reparse read.
			page, err := dxnet.ParseJSON(s.Data)
			if err != nil {
				t.Fatal(err)
			}
			if r := dst.importPage(ctx, "gen", s, page); r.Err != nil {
				t.Fatalf("import %s: %v", s.Name, r.Err)
			}
		}
		got, err := dst.ConstantEstimates(ctx, "gen")
		if err != nil {
			t.Fatal(err)
		}
		want := fullEstimate(t, dst, "gen")
		if g, w := mustJSON(t, got), mustJSON(t, want); g != w {
			t.Fatalf("after visit %d (%d of %d): the kept estimate differs from one made from every play:\n got %.3000s\nwant %.3000s",
				vi, n+1, len(order), g, w)
		}
		full, resumed := dst.ConstantRuns()
		if vi == late && full == lastFull {
			t.Errorf("the late visit %d was gone on from, not made again from every play", vi)
		}
		lastFull, lastResumed = full, resumed
		o, err := other.ConstantEstimates(ctx, "gen")
		if err != nil {
			t.Fatal(err)
		}
		if g, w := mustJSON(t, o), mustJSON(t, want); g != w {
			t.Fatalf("after visit %d the second server shows another estimate", vi)
		}
	}
	if of, or := other.ConstantRuns(); of+or != 0 {
		t.Errorf("the second server made the estimate %d times and went on %d times; it should read the stored one", of, or)
	}
	t.Logf("%d visits imported; %d estimates made from every play, %d gone on from the one before", len(order), lastFull, lastResumed)
	// A young archive with a fifth of its constants unknown narrows often
	// (then everything is swept again); 23 of 68 when this was written.
	if lastResumed < len(order)/4 {
		t.Errorf("only %d of %d imports were gone on from", lastResumed, len(order))
	}
	final, _ := dst.ConstantEstimates(ctx, "gen")
	if len(final.Estimates) == 0 || final.Used == 0 {
		t.Fatalf("no estimate to compare: %+v", final)
	}
}

// fullEstimate is the estimate made from every play, as before anything
// was kept.
func fullEstimate(t *testing.T, a *Archive, player string) *ConstantReport {
	t.Helper()
	ctx := context.Background()
	pd, err := a.playerData(ctx, player)
	if err != nil {
		t.Fatal(err)
	}
	var plays []storage.RatedPlay
	err = a.db.View(ctx, func(tx *storage.Tx) error {
		plays, err = tx.RatedPlays(ctx, pd.d.playerID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return pd.d.learnConstants(plays)
}

// genVisits is the player's stored pages as sources, grouped by the visit
// (record page) they came with, oldest first.
func genVisits(t *testing.T, a *Archive, player string) [][]Source {
	t.Helper()
	ctx := context.Background()
	var out [][]Source
	err := a.db.View(ctx, func(tx *storage.Tx) error {
		id, err := tx.PlayerID(ctx, player)
		if err != nil {
			return err
		}
		pages, err := tx.Pages(ctx, id)
		if err != nil {
			return err
		}
		var cur []Source
		for _, p := range pages {
			comp, err := tx.PageData(ctx, p.ID)
			if err != nil {
				return err
			}
			data, err := a.decode(comp, p.Size)
			if err != nil {
				return err
			}
			cur = append(cur, Source{Name: p.Name, Data: data, ObservedAt: p.ObservedAt})
			if p.Kind == "record" {
				out = append(out, cur)
				cur = nil
			}
		}
		if len(cur) > 0 {
			out = append(out, cur)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// hideLike makes a's song data forget the constants gen hid in another
// archive.
func hideLike(t *testing.T, a *Archive, hidden []GenHidden) {
	t.Helper()
	ctx := context.Background()
	err := a.db.Update(ctx, func(tx *storage.Tx) error {
		set, err := loadCharts(ctx, tx, maimai.CN)
		if err != nil {
			return err
		}
		ids := map[maimai.Chart]int64{}
		for _, s := range set.db.Songs {
			for _, c := range s.Charts {
				if c.Side == 0 {
					ids[maimai.Chart{Title: cmpOr(s.SiteTitle, s.Title), Type: s.Type, Difficulty: c.Difficulty}] = set.id[c]
				}
			}
		}
		for _, h := range hidden {
			if err := tx.HideConstant(ctx, ids[h.Chart]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func seq(from, to int) []int {
	var out []int
	for i := from; i < to; i++ {
		out = append(out, i)
	}
	return out
}

func mustJSON(t *testing.T, r *ConstantReport) string {
	t.Helper()
	c := *r
	c.Player = ""
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestConstantStateDatabases: on every database, the estimate is stored
// (inserted, then replaced), a second server reads it instead of making
// it, and after more plays the one gone on from is the full one.
func TestConstantStateDatabases(t *testing.T) {
	storagetest.Run(t, func(t *testing.T, location string) {
		ctx := context.Background()
		a := openTest(t, location)
		a.now = func() time.Time { return GenDefaultEnd.AddDate(0, 0, 2) }
		if _, err := a.Generate(ctx, GenOptions{Player: "gen", Plays: 300, Seed: 5, DetailEvery: 1}); err != nil {
			t.Fatal(err)
		}
		check := func(a *Archive) *ConstantReport {
			t.Helper()
			got, err := a.ConstantEstimates(ctx, "gen")
			if err != nil {
				t.Fatal(err)
			}
			if g, w := mustJSON(t, got), mustJSON(t, fullEstimate(t, a, "gen")); g != w {
				t.Fatalf("kept estimate\n%.2000s\nwant\n%.2000s", g, w)
			}
			return got
		}
		if r := check(a); r.Plays == 0 {
			t.Fatal("no play with a printed rating")
		}
		b := openTest(t, location)
		b.now = a.now
		check(b)
		if f, r := b.ConstantRuns(); f+r != 0 {
			t.Errorf("second server: %d full, %d resumed; want the stored estimate read", f, r)
		}
		if _, err := a.Generate(ctx, GenOptions{Player: "gen", Plays: 20, Seed: 6, DetailEvery: 1,
			End: GenDefaultEnd.AddDate(0, 0, 1)}); err != nil {
			t.Fatal(err)
		}
		check(a)
		check(b)
		// A setting moves the archive's version but no estimate: the
		// current rating's key and the estimate stay.
		stamp, err := a.ratingStamp(ctx, "gen", a.now())
		if err != nil {
			t.Fatal(err)
		}
		full, resumed := a.ConstantRuns()
		if err := a.SetPublic(ctx, "gen", true); err != nil {
			t.Fatal(err)
		}
		if s2, _ := a.ratingStamp(ctx, "gen", a.now()); s2 != stamp {
			t.Errorf("a setting changed the current rating's key: %q, then %q", stamp, s2)
		}
		check(a)
		if f, r := a.ConstantRuns(); f != full || r != resumed {
			t.Errorf("a setting made the estimate again (%d, %d full and resumed; before %d, %d)", f, r, full, resumed)
		}
		// A reparse deletes and stores every play again: made again, the
		// same as from scratch, on both servers.
		if _, err := a.Reparse(ctx, "gen"); err != nil {
			t.Fatal(err)
		}
		check(a)
		check(b)
		if f, _ := a.ConstantRuns(); f == full {
			t.Error("the estimate was not made again after a reparse")
		}
		full, resumed = a.ConstantRuns()
		t.Logf("first server: %d full, %d resumed", full, resumed)
	})
}
