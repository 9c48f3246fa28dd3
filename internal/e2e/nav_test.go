package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/web"
)

// small is the narrowest phone the pages are made for (360 px).
var small = size{"360", 360, 740}

// navMaxHeight is the most the player's nav may take on a phone: two
// lines of links and its padding (it took about 170 px, six lines, with
// all 20 links in a row).
const navMaxHeight = 80

// navState is what the player's nav shows on one page: the links a
// reader can see (and so tap), how many lines they take, its height, and
// the visible links marked as the current page.
type navState struct {
	Visible []string `json:"visible"` // resolved hrefs of the links shown
	All     []string `json:"all"`     // resolved hrefs of every page link, shown or not (tabs left out)
	Lines   int      `json:"lines"`   // distinct tops of the links shown
	Height  float64  `json:"height"`
	Current []string `json:"current"` // shown links with aria-current="page"
	Parent  []string `json:"parent"`  // shown links with aria-current="true" (a sub-page's page)
}

// readNav reads the nav of the open page.
func readNav(tb *tab) navState {
	tb.t.Helper()
	return eval[navState](tb, `(() => {
		const nav = document.querySelector('nav.pages');
		if (!nav) return {visible: [], all: [], lines: 0, height: 0, current: [], parent: []};
		const shown = a => a.getClientRects().length > 0 && a.getBoundingClientRect().width > 0;
		const links = [...nav.querySelectorAll('a')];
		const vis = links.filter(shown);
		return {
			visible: vis.map(a => a.href),
			all: [...nav.querySelectorAll('ul a')].map(a => a.href),
			lines: new Set(vis.map(a => Math.round(a.getBoundingClientRect().top))).size,
			height: nav.getBoundingClientRect().height,
			current: vis.filter(a => a.getAttribute('aria-current') === 'page').map(a => a.href),
			parent: vis.filter(a => a.getAttribute('aria-current') === 'true').map(a => a.href),
		};
	})()`)
}

// ownerPages are the nav pages only the owner may use.
var ownerPages = []string{"import", "tokens", "fetch", "sync", "settings"}

// TestNavInBrowser: the player's nav on a phone (360 and 390 px) takes at
// most two lines and navMaxHeight px, shows the current page marked, and
// reaches every page in at most two taps on links it shows; at 1280 px it
// shows every page at once. In both languages, for the owner (who also
// gets the pages that change the player) and for a visitor of the public
// player (who gets none of them, not even hidden); a play's detail keeps
// the plays marked as its page; no page scrolls sideways.
func TestNavInBrowser(t *testing.T) {
	t.Parallel()
	browser := newChromium(t)
	s := startServer(t, web.Config{})
	tb := newTab(t, browser, "7-nav")
	setupOwner(t, tb, s, s.Origin)
	ctx := context.Background()
	if _, err := s.archive.Generate(ctx, archive.GenOptions{Player: playerName, Plays: 300, Seed: 3, End: genEnd}); err != nil {
		t.Fatal(err)
	}
	home := s.App + "/p/" + playerName + "/"

	tb.open(home, http.StatusOK)
	pages := readNav(tb).All
	if len(pages) < 19 { // the 19 of 2026-12, when the nav was grouped
		t.Fatalf("the owner's nav links %d pages, want at least 19: %q", len(pages), pages)
	}
	for _, p := range ownerPages {
		if !slices.Contains(pages, home+p) {
			t.Errorf("the owner's nav lacks %s", p)
		}
	}
	checkNav(t, tb, s, "owner", pages)

	// A play's detail: the records group stays open, the plays marked.
	list, err := s.archive.ListPlays(ctx, playerName, archive.PlayFilter{}, 0, 1)
	if err != nil || len(list.Plays) == 0 {
		t.Fatalf("no play: %v", err)
	}
	tb.resize(phone)
	tb.open(fmt.Sprintf("%splays/%d", home, list.Plays[0].ID), http.StatusOK)
	if n := readNav(tb); len(n.Current) != 0 || !slices.Equal(n.Parent, []string{home + "plays"}) || n.Lines > 2 {
		t.Errorf("a play's detail: nav marks page %q, parent %q in %d lines; want the plays as parent in at most 2", n.Current, n.Parent, n.Lines)
	}
	tb.resize(desktop)

	// A visitor of the public player: no page it may not use.
	if err := s.archive.SetPublic(ctx, playerName, true); err != nil {
		t.Fatal(err)
	}
	visitor := newTab(t, browser, "7-nav-visitor")
	visitor.open(home, http.StatusOK)
	public := readNav(visitor).All
	for _, p := range ownerPages {
		if slices.Contains(public, home+p) {
			t.Errorf("a visitor's nav links %s", p)
		}
	}
	if len(public) != len(pages)-len(ownerPages) {
		t.Errorf("a visitor's nav links %d pages, want %d: %q", len(public), len(pages)-len(ownerPages), public)
	}
	checkNav(t, visitor, s, "visitor", public)
}

// checkNav opens every page of pages in both languages at 360, 390 and
// 1280 px and checks the nav on each (see TestNavInBrowser).
func checkNav(t *testing.T, tb *tab, s *server, who string, pages []string) {
	t.Helper()
	for _, lang := range []string{"zh", "en"} {
		tb.open(s.App+"/lang/"+lang+"?next="+url.QueryEscape("/p/"+playerName+"/"), http.StatusOK)
		for _, sz := range []size{small, phone, desktop} {
			tb.resize(sz)
			seen := map[string]navState{} // page → its nav
			for _, p := range pages {
				tb.open(p, http.StatusOK)
				what := fmt.Sprintf("%s, %s, %s px, %s", who, lang, sz.name, strings.TrimPrefix(p, s.App))
				n := readNav(tb)
				seen[p] = n
				if !slices.Equal(n.Current, []string{p}) {
					t.Errorf("%s: the nav shows %q as the current page, want this page alone", what, n.Current)
				}
				if sz != desktop && (n.Lines > 2 || n.Height > navMaxHeight) {
					t.Errorf("%s: the nav takes %d lines, %.0f px; want at most 2 lines, %d px", what, n.Lines, n.Height, navMaxHeight)
				}
				if sz == desktop {
					for _, q := range pages {
						if !slices.Contains(n.Visible, q) {
							t.Errorf("%s: the nav does not show %s", what, strings.TrimPrefix(q, s.App))
						}
					}
				}
				tb.checkWidth(what)
				tb.checkClean(what)
			}
			tb.open(pages[len(pages)-1], http.StatusOK)
			navShot(tb, "nav-"+who+"-"+lang)
			// Two taps: a link shown here, then one shown there.
			for _, p := range pages {
				reach := map[string]bool{p: true}
				for _, one := range seen[p].Visible {
					reach[one] = true
					for _, two := range seen[one].Visible {
						reach[two] = true
					}
				}
				for _, q := range pages {
					if !reach[q] {
						t.Errorf("%s, %s, %s px: %s is more than two taps from %s", who, lang, sz.name, strings.TrimPrefix(q, s.App), strings.TrimPrefix(p, s.App))
					}
				}
			}
		}
	}
	tb.resize(desktop)
}

// navShot saves the window (not the whole page: the nav is at its top) as
// <artifacts>/<scenario>-<name>-<width>.png.
func navShot(tb *tab, name string) {
	tb.t.Helper()
	png, err := chromedp.Run(tb.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		tb.t.Errorf("screenshot %s: %v", name, err)
		return
	}
	p := filepath.Join(artifactDir(tb.t), tb.scenario+"-"+name+"-"+tb.size.name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		tb.t.Errorf("screenshot %s: %v", name, err)
	}
}
