package archive

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/storage"
)

// parserPage reads a synthetic page of the parser's testdata.
func parserPage(t *testing.T, name string) Source {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "dxnet", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return Source{Name: name, Data: b, ObservedAt: pagesNow.Add(-24 * time.Hour)}
}

// pagesNow is a clock after every synthetic page of the parser's testdata.
var pagesNow = time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)

// mixedArchive makes the archive of issue 8's point 6 as it was before
// players were bound to one in-game player: player "mix" holds a CN record
// page, CN pages of two names (ＹＧＺＺ, ｍａｉｍａｉ) and intl pages
// (ＲＩＮ☆ＲＩＮ's home and an album).
func mixedArchive(t *testing.T) *Archive {
	t.Helper()
	ctx := context.Background()
	a := openDB(t, "sqlite")
	a.now = func() time.Time { return pagesNow }
	for player, pages := range map[string][]string{
		"mix":  {"record-cn-mixed.html", "home-cn-2020.html"},
		"tmp1": {"playerData-cn-2025.html"},
		"tmp2": {"home-intl-2025.html", "photo-intl-album.html"},
	} {
		for _, p := range pages {
			if res := a.Import(ctx, player, parserPage(t, p)); res.Status != Added {
				t.Fatalf("import %s: %s %v", p, res.Status, res.Err)
			}
		}
	}
	mergeAsBefore(t, a, "mix", "tmp1", "tmp2")
	return a
}

// mergeAsBefore moves the pages of the players from into player into, as
// an archive could before players were bound to one in-game player (no
// identity check), forgets into's identity and rebuilds what its pages
// say.
func mergeAsBefore(t *testing.T, a *Archive, into string, from ...string) {
	t.Helper()
	ctx := context.Background()
	err := a.db.Update(ctx, func(tx *storage.Tx) error {
		to, err := tx.PlayerID(ctx, into)
		if err != nil {
			return err
		}
		for _, name := range from {
			id, err := tx.PlayerID(ctx, name)
			if err != nil {
				return err
			}
			pages, err := tx.Pages(ctx, id)
			if err != nil {
				return err
			}
			var ids []int64
			for _, p := range pages {
				ids = append(ids, p.ID)
			}
			if err := tx.DeleteDerived(ctx, id); err != nil {
				return err
			}
			if err := tx.MovePages(ctx, ids, to); err != nil {
				return err
			}
		}
		if err := tx.ClearIdentity(ctx, to); err != nil {
			return err
		}
		var rep ReparseReport
		return a.rederive(ctx, tx, to, &rep)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestMixedPlayerIsReportedAndSplit: a player that already holds several
// in-game players' pages is reported, refuses more pages until it is split,
// and Split gives each in-game player a player of its own, keeping every
// page and play.
func TestMixedPlayerIsReportedAndSplit(t *testing.T) {
	ctx := context.Background()
	a := mixedArchive(t)
	ids, err := a.Identities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var mix *PlayerIdentity
	for i := range ids {
		if ids[i].Player == "mix" {
			mix = &ids[i]
		}
	}
	if mix == nil || !mix.Mixed || !strings.Contains(mix.Problem, "maiprobe split --player mix") ||
		!strings.Contains(mix.Seen, "cn: 3 pages") || !strings.Contains(mix.Seen, "intl: 2 pages") {
		t.Fatalf("identities: %+v, want mix reported as mixed with the split command", ids)
	}
	if res := a.Import(ctx, "mix", parserPage(t, "playlogDetail-cn-dx.html")); res.Status != Rejected ||
		!errors.Is(res.Err, ErrIdentity) || !strings.Contains(res.Err.Error(), "split") {
		t.Fatalf("import into the mixed player: %s %v, want refused until split", res.Status, res.Err)
	}
	before := rowCounts(t, a)

	rep, err := a.Split(ctx, "mix")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]SplitPart{}
	for _, p := range rep.Parts {
		got[p.Player] = p
	}
	// The intl player has the most pages (2) and stays; the two CN names
	// get players of their own; the CN record page, which shows no name,
	// cannot tell which of them it is: it gets a CN player of its own.
	want := map[string]SplitPart{
		"mix":    {Player: "mix", Region: "intl", Name: "ＲＩＮ☆ＲＩＮ", Pages: 2},
		"YGZZ":   {Player: "YGZZ", Region: "cn", Name: "ＹＧＺＺ", Pages: 1, New: true},
		"maimai": {Player: "maimai", Region: "cn", Name: "ｍａｉｍａｉ", Pages: 1, New: true},
		"cn":     {Player: "cn", Region: "cn", Pages: 1, New: true},
	}
	if len(got) != len(want) {
		t.Errorf("split into %+v, want %+v", rep.Parts, want)
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("part %s: %+v, want %+v", name, got[name], w)
		}
	}
	after := rowCounts(t, a)
	if after["pages"] != before["pages"] || after["plays"] != before["plays"] || after["photos"] != before["photos"] {
		t.Errorf("split lost rows: %v → %v", before, after)
	}
	if n := countPlays(t, a, "cn"); n != 5 {
		t.Errorf("the CN record's player has %d plays, want 5", n)
	}
	ids, _ = a.Identities(ctx)
	for _, id := range ids {
		if id.Mixed {
			t.Errorf("still mixed after the split: %+v", id)
		}
	}
	// Each player takes its own pages again, and a second split does nothing.
	if res := a.Import(ctx, "mix", parserPage(t, "record-cn-mixed.html")); res.Status != Rejected {
		t.Errorf("a CN page into the intl player after the split: %s", res.Status)
	}
	if res := a.Import(ctx, "YGZZ", parserPage(t, "home-cn-2020.html")); res.Status == Rejected {
		t.Errorf("YGZZ's own page: %v", res.Err)
	}
	if rep, err := a.Split(ctx, "mix"); err != nil || len(rep.Parts) != 1 {
		t.Errorf("second split: %+v %v, want nothing to do", rep, err)
	}
}

// TestLegacyPlayerIsBound: a player of an archive made before identities,
// with one in-game player's pages, is bound to it on its next import.
func TestLegacyPlayerIsBound(t *testing.T) {
	ctx := context.Background()
	a := openDB(t, "sqlite")
	a.now = func() time.Time { return pagesNow }
	if res := a.Import(ctx, "old", parserPage(t, "home-cn-2020.html")); res.Status != Added {
		t.Fatal(res.Err)
	}
	err := a.db.Update(ctx, func(tx *storage.Tx) error {
		id, err := tx.PlayerID(ctx, "old")
		if err != nil {
			return err
		}
		return tx.ClearIdentity(ctx, id)
	})
	if err != nil {
		t.Fatal(err)
	}
	if res := a.Import(ctx, "old", parserPage(t, "home-intl-2025.html")); res.Status != Rejected || !errors.Is(res.Err, ErrIdentity) {
		t.Errorf("an intl page into the old CN player: %s %v", res.Status, res.Err)
	}
	if res := a.Import(ctx, "old", parserPage(t, "record-cn-mixed.html")); res.Status != Added {
		t.Errorf("a CN page into the old CN player: %s %v", res.Status, res.Err)
	}
}

// TestSplitMovesForeignFiles: a file of another tool in a mixed player
// goes with the one named player of its region, as a page that shows no
// name does, and its bests (with their provenance) go with it.
func TestSplitMovesForeignFiles(t *testing.T) {
	ctx := context.Background()
	a := openDB(t, "sqlite")
	a.now = func() time.Time { return pagesNow }
	lxns, err := os.ReadFile(filepath.Join("..", "interchange", "testdata", "lxns.csv"))
	if err != nil {
		t.Fatal(err)
	}
	imports := map[string][]Source{
		"mix": {parserPage(t, "home-intl-2025.html"), parserPage(t, "photo-intl-album.html"), parserPage(t, "playlogDetail-intl-std.html")},
		"tmp": {parserPage(t, "home-cn-2020.html"), {Name: "lxns.csv", Data: lxns, ObservedAt: pagesNow.Add(-time.Hour)}},
	}
	for player, srcs := range imports {
		for _, src := range srcs {
			if res := a.Import(ctx, player, src); res.Status != Added {
				t.Fatalf("import %s: %s %v", src.Name, res.Status, res.Err)
			}
		}
	}
	mergeAsBefore(t, a, "mix", "tmp")
	if best, _ := bestOf(t, a, "mix"); len(best) == 0 {
		t.Fatal("the mixed player has no bests from the file before the split")
	}
	rep, err := a.Split(ctx, "mix")
	if err != nil {
		t.Fatal(err)
	}
	var cn SplitPart
	for _, p := range rep.Parts {
		if p.Region == "cn" {
			cn = p
		}
	}
	if cn.Name != "ＹＧＺＺ" || cn.Pages != 2 || !cn.New {
		t.Fatalf("split: %+v, want the CN player with its home page and the Lxns file", rep)
	}
	best, _ := bestOf(t, a, cn.Player)
	foreign := 0
	for _, b := range best {
		if b.Source == "lxns-csv" && b.SourcePageID != 0 {
			foreign++
		}
	}
	if foreign == 0 {
		t.Errorf("%s's bests: %+v, want the Lxns file's with their provenance", cn.Player, best)
	}
	kept, _ := bestOf(t, a, "mix")
	for c, b := range kept {
		if b.Foreign() {
			t.Errorf("the intl player kept the CN file's best of %v", c)
		}
	}
}
