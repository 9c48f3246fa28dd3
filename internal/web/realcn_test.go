package web

import (
	"context"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/fixtures"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/songs"
)

// syncCNSongs syncs the real CN song data (../shared/data/songs) into
// ap's archive; it skips without it.
func syncCNSongs(t *testing.T, ap *app) {
	t.Helper()
	src := fixtures.Shared(t, "data/songs/divingfish-music_data.cn.json")
	ctx := context.Background()
	db, err := songs.Open(ctx, src, maimai.CN)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ap.a.SyncSongs(ctx, db); err != nil {
		t.Fatal(err)
	}
}

// realCNApp is an app whose player "default" (owned by "owner", logged
// in) has the real CN song data and the two CN record pages
// (cn/record-mainetcn-1.html, cn/record-truerou-1.html, seen on 22
// November 2026); it skips without the shared fixtures.
func realCNApp(t *testing.T) (*app, *browser) {
	t.Helper()
	ap := newApp(t, Config{})
	ap.addUser("owner", "default")
	syncCNSongs(t, ap)
	for _, name := range []string{"record-mainetcn-1.html", "record-truerou-1.html"} {
		res := ap.a.Import(context.Background(), "default", archive.Source{Name: name, Data: fixtures.ReadDXNet(t, "cn/"+name), ObservedAt: time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)})
		if res.Err != nil {
			t.Fatalf("import %s: %v", name, res.Err)
		}
	}
	b := ap.browser()
	ap.mustLogin(b, "", "owner")
	return ap, b
}
