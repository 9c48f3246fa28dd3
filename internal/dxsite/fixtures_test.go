package dxsite

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/dxsite/fakesite"
	"github.com/maiprobe/maiprobe/internal/fixtures"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

// testdataPage reads one of dxnet's synthetic pages.
func testdataPage(t *testing.T, name string) []byte {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	b, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "dxnet", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestFetchRealCN serves real CN pages (home, a record of 50 plays, a
// genre list) from the fake site.
func TestFetchRealCN(t *testing.T) {
	site := fakesite.New(t, fakesite.Options{Pages: map[string][]byte{
		"home/":                     fixtures.ReadDXNet(t, "cn/home-mainetcn-1.html"),
		"record/":                   fixtures.ReadDXNet(t, "cn/record-mainetcn-1.html"),
		"record/musicGenre/search/": fixtures.ReadDXNet(t, "cn/musicGenre-truerou-1.html"),
		"record/musicSort/search/":  fixtures.ReadDXNet(t, "cn/musicGenre-truerou-1.html"),
	}})
	a := openArchive(t)
	rep, err := Fetch(context.Background(), a, "schwi", session(t, site, site.Cookie()),
		Options{Only: []Part{PartHome, PartRecord, PartScores}})
	for _, r := range rep.Results {
		if r.Err != nil {
			t.Errorf("%s: %v", r.Name, r.Err)
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	// Scores: the charts of the record's plays and of the list's 8 songs.
	if rep.Added.Plays != 50 || rep.Added.Scores != 44 || rep.Added.Snapshots != 1 || rep.Added.Pages != 3 {
		t.Errorf("added %+v; want 3 pages, the record's 50 plays, 44 charts and 1 home snapshot", rep.Added)
	}
	// The six score lists were read; the same bytes are one stored page.
	if got := site.Requests("record/musicGenre/search/") + site.Requests("record/musicSort/search/"); got != 6 {
		t.Errorf("%d score list requests, want 6", got)
	}
	plays, _ := a.Plays(context.Background(), "schwi", 1)
	if len(plays) != 1 || plays[0].Idx != "26,1763819495" || plays[0].Region != maimai.CN {
		t.Errorf("newest play %+v", plays)
	}
}

// TestFetchRealIntl logs in with a SEGA ID and serves real intl pages
// (playerData with its play count 602, a record, the genre lists).
func TestFetchRealIntl(t *testing.T) {
	genre := map[string]string{"0": "1", "1": "1", "2": "3", "3": "3", "4": "5"}
	pages := map[string][]byte{
		// The synthetic home page, showing the real pages' player: the
		// archive refuses pages of another in-game player.
		"home/":                    bytes.ReplaceAll(testdataPage(t, "home-intl-2025.html"), []byte("ＲＩＮ☆ＲＩＮ"), []byte("ＭＩＮＴＹ")),
		"playerData/":              fixtures.ReadDXNet(t, "intl/playerData-minty-1.html"),
		"playerData/photo/":        testdataPage(t, "photo-intl-album.html"),
		"record/":                  fixtures.ReadDXNet(t, "intl/record-minty-1.html"),
		"record/musicSort/search/": fixtures.ReadDXNet(t, "intl/musicGenre-minty-5.html"),
	}
	for d, f := range genre {
		pages["record/musicGenre/search/?diff="+d+"&genre=99"] = fixtures.ReadDXNet(t, "intl/musicGenre-minty-"+f+".html")
	}
	site := fakesite.New(t, fakesite.Options{Region: maimai.Intl, Pages: pages, SegaID: "minty", Password: "hunter2"})
	s := session(t, site, "")
	ctx := context.Background()
	if err := s.Login(ctx, site.LoginURL(), "minty", "wrong"); !errors.Is(err, ErrLogin) {
		t.Fatalf("wrong password: %v, want ErrLogin", err)
	}
	if err := s.Login(ctx, site.LoginURL(), "minty", "hunter2"); err != nil {
		t.Fatalf("login: %v", err)
	}
	a := openArchive(t)
	rep, err := Fetch(ctx, a, "minty", s, Options{Only: []Part{PartHome, PartPlayerData, PartAlbum, PartRecord, PartScores}})
	for _, r := range rep.Results {
		if r.Err != nil {
			t.Errorf("%s: %v", r.Name, r.Err)
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	if rep.PlayCount != 602 || rep.Added.Plays != 50 || rep.PhotoImages != 3 {
		t.Errorf("play count %d, %d plays, %d images; want 602, 50, 3", rep.PlayCount, rep.Added.Plays, rep.PhotoImages)
	}
	// The lists show 1357 charts of which the player played some; with
	// the record's that makes 630 bests.
	if rep.Added.Scores != 630 || rep.Added.Snapshots != 2 {
		t.Errorf("added %d scores, %d snapshots; want 630, 2", rep.Added.Scores, rep.Added.Snapshots)
	}
	want := archive.Loss{Known: true, Waiting: 50, LostBefore: 552}
	if rep.Loss != want {
		t.Errorf("loss %+v, want %+v", rep.Loss, want)
	}
}
