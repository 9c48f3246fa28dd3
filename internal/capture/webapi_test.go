package capture

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/dxsite/fakesite"
	"github.com/maiprobe/maiprobe/internal/web"
)

// TestRemoteIntoWebServer sends a capture's pages to maiprobe's own web
// app through its import API, under a base path.
func TestRemoteIntoWebServer(t *testing.T) {
	ctx := context.Background()
	server := openArchive(t)
	if res := server.Import(ctx, "mai", archive.Source{Name: "first.html", Data: readPage(t, "home-cn-2020.html")}); res.Status != archive.Added {
		t.Fatalf("setting up the server's player: %v", res.Err)
	}
	token, _, err := server.CreateImportToken(ctx, "mai", "proxy")
	if err != nil {
		t.Fatal(err)
	}
	app, err := web.New(ctx, web.Config{BasePath: "/release"}, server)
	if err != nil {
		t.Fatal(err)
	}
	api := httptest.NewServer(app)
	defer api.Close()

	site := fakesite.New(t, fakesite.Options{Plays: 9})
	sess := Session{
		Region:  "cn",
		Base:    mustURL(t, "https://maimai.wahlap.com/maimai-mobile/"),
		Site:    mustURL(t, site.URL()),
		Cookies: parseCookies(t, site.Cookie()),
	}
	fetch := RemoteFetcher(&Remote{Base: api.URL + "/release", Token: token, Player: "mai"}, FetchOptions{Interval: -1})
	rep, err := fetch(ctx, sess, func(Progress) {})
	if err != nil {
		t.Fatalf("%v (report %+v)", err, rep)
	}
	if rep.Rejected != 0 || rep.Added < 10 {
		t.Errorf("report %+v, want every page added", rep)
	}
	if n, err := server.CountPlays(ctx, "mai"); err != nil || n < 9 {
		t.Errorf("the server has %d plays of mai (%v), want the fake site's 9 and more", n, err)
	}

	// A token imports for its own player only.
	_, err = (&Remote{Base: api.URL + "/release", Token: token, Player: "someone-else"}).Import(ctx, "p.html", readPage(t, "home-cn-2020.html"), time.Time{})
	if !errors.Is(err, ErrRemote) {
		t.Errorf("importing for another player: %v, want ErrRemote", err)
	}
}

func parseCookies(t *testing.T, header string) []*http.Cookie {
	t.Helper()
	cs, err := http.ParseCookie(header)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}
