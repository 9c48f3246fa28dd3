package web

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"testing"
)

var headerNavRE = regexp.MustCompile(`(?s)<nav class="players"[^>]*>(.*?)</nav>`)
var playerLinkRE = regexp.MustCompile(`<a href="/p/([^/"]+)/"`)

// TestHeaderPlayersCapped: the header names the viewer's own players and
// only the first public ones, with a link to the list of all, so a page
// of an archive of many public players neither reads nor prints them all;
// /players lists every one.
func TestHeaderPlayersCapped(t *testing.T) {
	ap := newApp(t, Config{})
	ctx := context.Background()
	var public []string
	for i := range headerPlayers + 5 {
		p := fmt.Sprintf("p%02d", i)
		ap.addUser(fmt.Sprintf("u%02d", i), p)
		if err := ap.a.SetPublic(ctx, p, true); err != nil {
			t.Fatal(err)
		}
		public = append(public, p)
	}
	ap.addUser("zed", "zzz") // private, and last by name

	header := func(b *browser, path string) (names []string, all bool) {
		t.Helper()
		res := b.get(path)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d\n%s", path, res.StatusCode, res.body)
		}
		m := headerNavRE.FindStringSubmatch(res.body)
		if m == nil {
			t.Fatalf("GET %s: no players nav in the header:\n%s", path, res.body)
		}
		for _, l := range playerLinkRE.FindAllStringSubmatch(m[1], -1) {
			names = append(names, l[1])
		}
		return names, regexp.MustCompile(`href="/players"`).MatchString(m[1])
	}

	anon := ap.browser()
	names, all := header(anon, "/p/p03/")
	if want := public[:headerPlayers]; !slices.Equal(names, want) || !all {
		t.Errorf("anonymous header: %v, link to all %v; want %v and the link", names, all, want)
	}
	owner := ap.browser()
	ap.mustLogin(owner, "", "zed")
	names, all = header(owner, "/p/zzz/")
	if want := append([]string{"zzz"}, public[:headerPlayers]...); !slices.Equal(names, want) || !all {
		t.Errorf("owner's header: %v, link to all %v; want %v and the link", names, all, want)
	}

	// The list of all: every public player, and the owner's own first.
	res := owner.get("/players")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /players: %d\n%s", res.StatusCode, res.body)
	}
	var listed []string
	for _, l := range regexp.MustCompile(`<li><a href="/p/([^/"]+)/"`).FindAllStringSubmatch(res.body, -1) {
		listed = append(listed, l[1])
	}
	if want := append([]string{"zzz"}, public...); !slices.Equal(listed, want) {
		t.Errorf("/players lists %v, want %v", listed, want)
	}

	// With no more public players than the header names, no link.
	for _, p := range public[headerPlayers-1:] {
		if err := ap.a.SetPublic(ctx, p, false); err != nil {
			t.Fatal(err)
		}
	}
	names, all = header(ap.browser(), "/p/p03/")
	if want := public[:headerPlayers-1]; !slices.Equal(names, want) || all {
		t.Errorf("header of %d public players: %v, link to all %v; want %v and no link", headerPlayers-1, names, all, want)
	}
}
