package archive

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/dxnet"
	"github.com/maiprobe/maiprobe/internal/fixtures"
	"github.com/maiprobe/maiprobe/internal/storage/storagetest"
)

// TestReparseGenerated is the review's finding: `gen` then `reparse` left
// the player with no plays, because reparse could not read the pages gen
// stores and deleted their rows anyway. Now a reparse of a generated
// archive gives back every row and the same rating, on every database.
func TestReparseGenerated(t *testing.T) {
	for _, db := range storagetest.Databases {
		t.Run(db, func(t *testing.T) {
			a := openDB(t, db)
			if _, err := a.Generate(context.Background(), GenOptions{Player: "carol", Plays: 300, Seed: 3, End: testNow.Add(-time.Hour)}); err != nil {
				t.Fatal(err)
			}
			checkReparseKeeps(t, a, "carol", 300)
		})
	}
}

// TestReparseGeneratedRealCharts: the same with the CN song data synced,
// so the rating is a real B50 with constants, and with details on every
// tenth play.
func TestReparseGeneratedRealCharts(t *testing.T) {
	raw, err := os.ReadFile(fixtures.Shared(t, "data/songs/divingfish-music_data.cn.json"))
	if err != nil {
		t.Fatal(err)
	}
	a := openTest(t, filepath.Join(t.TempDir(), "gen.db"))
	end := GenDefaultEnd.AddDate(0, 0, 1)
	a.now = func() time.Time { return end }
	syncFrom(t, a, serveSongs(t, &raw))
	if _, err := a.Generate(context.Background(), GenOptions{Player: "gen", Plays: 1500, Seed: 8, DetailEvery: 10}); err != nil {
		t.Fatal(err)
	}
	r := checkReparseKeeps(t, a, "gen", 1500)
	if r.Total == 0 {
		t.Error("the generated archive has no rating: the comparison proves nothing")
	}
}

// TestReparseRealPages: an archive of every real saved page in ../shared
// is derived again into the same rows, export and rating, player by player.
func TestReparseRealPages(t *testing.T) {
	ctx := context.Background()
	root := fixtures.DXNet(t, "")
	a := openTest(t, filepath.Join(t.TempDir(), "real.db"))
	a.now = func() time.Time { return time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC) }
	players := map[string]int{}
	for _, region := range []string{"cn", "intl", "jp"} {
		files, _ := filepath.Glob(filepath.Join(root, region, "*.html"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			name := filepath.Base(f)
			player := fixtureOwner(name)
			res := a.Import(ctx, player, Source{Name: name, Data: b, ObservedAt: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)})
			if res.Status == Added {
				players[player] += res.Added.Plays
			}
		}
	}
	if len(players) < 3 {
		t.Fatalf("pages of %d players imported from %s, want at least 3", len(players), root)
	}
	for p, plays := range players {
		t.Run(p, func(t *testing.T) { checkReparseKeeps(t, a, p, plays) })
	}
}

// checkReparseKeeps reparses player and fails unless the archive (its rows
// and its export, whose pages, plays, details, snapshots, photos, bests and
// history are all compared) and the player's rating are what they were.
// plays is how many plays the player has, so the test cannot pass on an
// empty archive. It returns the rating.
func checkReparseKeeps(t *testing.T, a *Archive, player string, plays int) *PlayerRating {
	t.Helper()
	ctx := context.Background()
	rating := func() (*PlayerRating, string) {
		r, err := a.Rating(ctx, player, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		return r, string(b)
	}
	countsBefore, exportBefore := genState(t, a)
	_, ratingBefore := rating()
	if n := countPlays(t, a, player); n != plays {
		t.Fatalf("%s has %d plays before the reparse, want %d", player, n, plays)
	}

	rep, err := a.Reparse(ctx, player)
	if err != nil {
		t.Fatalf("reparse: %v", err)
	}
	if rep.Before != rep.After || rep.After.Plays != plays || len(rep.Failed) != 0 {
		t.Errorf("reparse report: before %+v, after %+v, failed %d; want %d plays both times", rep.Before, rep.After, len(rep.Failed), plays)
	}
	countsAfter, exportAfter := genState(t, a)
	if !maps.Equal(countsBefore, countsAfter) {
		t.Errorf("rows after the reparse %v, before %v", countsAfter, countsBefore)
	}
	if exportAfter != exportBefore {
		t.Errorf("the export changed with the reparse (%d bytes before, %d after)", len(exportBefore), len(exportAfter))
	}
	r, ratingAfter := rating()
	if ratingAfter != ratingBefore {
		t.Errorf("the rating changed with the reparse: %d bytes of JSON, %d before", len(ratingAfter), len(ratingBefore))
	}
	return r
}

// TestReparseUnreadableChangesNothing: a stored page the current parsers
// cannot read (here: bytes that were never a page, and a JSON page with a
// field no page has) stops the reparse before anything is lost. Reparse
// fails with an *UnreadableError naming both pages and why, and the
// archive is exactly as it was; split refuses the same way.
func TestReparseUnreadableChangesNothing(t *testing.T) {
	for _, db := range storagetest.Databases {
		t.Run(db, func(t *testing.T) {
			ctx := context.Background()
			a := openDB(t, db)
			for i, w := range []*dxnet.RecordPage{window(0, 50), window(10, 60)} {
				src := Source{Name: []string{"record-1.html", "record-2.html"}[i], Data: recordHTML(t, w.Plays), ObservedAt: testNow.Add(time.Duration(i-5) * time.Hour)}
				if res := a.Import(ctx, "alice", src); res.Status != Added {
					t.Fatalf("import %s: %s %v", src.Name, res.Status, res.Err)
				}
			}
			// The stored bytes are not the page the import derived from,
			// as with a page a later parser no longer reads.
			junk := Source{Name: "junk.html", Data: []byte("<html><body>a page of a layout no parser reads</body></html>"), ObservedAt: testNow.Add(-time.Hour)}
			if res := a.importPage(ctx, "alice", junk, window(60, 70)); res.Status != Added {
				t.Fatalf("import junk: %s %v", res.Status, res.Err)
			}
			odd := source(t, "odd.json", detailPage(playAt(100)))
			odd.Data = []byte(strings.Replace(string(odd.Data), `{`, `{"extra":1,`, 1))
			if res := a.importPage(ctx, "alice", odd, detailPage(playAt(100))); res.Status != Added {
				t.Fatalf("import odd: %s %v", res.Status, res.Err)
			}
			countsBefore, exportBefore := genState(t, a)
			if n := countPlays(t, a, "alice"); n != 71 {
				t.Fatalf("%d plays before the reparse, want 71", n)
			}

			rep, err := a.Reparse(ctx, "alice")
			var ue *UnreadableError
			if !errors.Is(err, ErrUnreadable) || !errors.As(err, &ue) {
				t.Fatalf("reparse: %v, want an UnreadableError", err)
			}
			names := map[string]error{}
			for _, f := range ue.Pages {
				names[f.Name] = f.Err
			}
			if len(names) != 2 || !errors.Is(names["junk.html"], dxnet.ErrNotDXNet) || !errors.Is(names["odd.json"], dxnet.ErrLayout) ||
				!strings.Contains(names["odd.json"].Error(), `"extra"`) {
				t.Errorf("unreadable pages %v, want junk.html (not a page) and odd.json (its unknown field)", names)
			}
			if len(rep.Failed) != 2 || rep.Pages != 4 || rep.Before.Plays != 71 {
				t.Errorf("report of the failed reparse: %+v", rep)
			}
			if !strings.Contains(err.Error(), "nothing was changed") {
				t.Errorf("error %q does not say that nothing changed", err)
			}
			countsAfter, exportAfter := genState(t, a)
			if !maps.Equal(countsBefore, countsAfter) || exportAfter != exportBefore {
				t.Errorf("a refused reparse changed the archive: rows %v, before %v", countsAfter, countsBefore)
			}

			if _, err := a.Split(ctx, "alice"); !errors.As(err, &ue) || len(ue.Pages) != 2 {
				t.Errorf("split: %v, want an UnreadableError naming the two pages", err)
			}
			countsAfter, exportAfter = genState(t, a)
			if !maps.Equal(countsBefore, countsAfter) || exportAfter != exportBefore {
				t.Errorf("a refused split changed the archive: rows %v, before %v", countsAfter, countsBefore)
			}
		})
	}
}

// BenchmarkReparseGenerated reparses a generated archive of 3,000 plays
// (about 500 JSON pages: records, details, snapshots, photos) on SQLite.
func BenchmarkReparseGenerated(b *testing.B) {
	ctx := context.Background()
	a := openTest(b, filepath.Join(b.TempDir(), "gen.db"))
	if _, err := a.Generate(ctx, GenOptions{Player: "gen", Plays: 3000, Seed: 1, End: testNow.Add(-time.Hour)}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := a.Reparse(ctx, "gen"); err != nil {
			b.Fatal(err)
		}
	}
}
