package web

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/maiprobe/maiprobe/internal/archive"
)

var (
	pagesNavRE = regexp.MustCompile(`(?s)<nav class="pages"[^>]*>(.*?)</nav>`)
	navLinkRE  = regexp.MustCompile(`<li><a href="([^"]+)"( aria-current="(page|true)")?>`)
	openTabRE  = regexp.MustCompile(`<div class="group open">\s*<a class="tab" href="([^"]+)"`)
)

// navOf returns the page links of the player's nav on body (tabs left
// out), the one marked aria-current with its value, and the first page
// of the open group ("" when none is open).
func navOf(t *testing.T, body string) (links []string, current, how, open string) {
	t.Helper()
	m := pagesNavRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no player nav in:\n%s", body)
	}
	for _, l := range navLinkRE.FindAllStringSubmatch(m[1], -1) {
		links = append(links, l[1])
		if l[3] != "" {
			if current != "" {
				t.Errorf("two links marked current: %s and %s", current, l[1])
			}
			current, how = l[1], l[3]
		}
	}
	if o := openTabRE.FindAllStringSubmatch(m[1], -1); len(o) > 1 {
		t.Errorf("%d groups open", len(o))
	} else if len(o) == 1 {
		open = o[0][1]
	}
	return links, current, how, open
}

// TestNavGroups: the owner's nav links every nav page once, each answers
// the owner and marks itself (and opens its group); a visitor of the
// public player gets exactly the pages it may open, none of ownerPages
// (every one of which refuses it); a play's detail marks the plays as its
// page; and every group and page has its name in both languages.
func TestNavGroups(t *testing.T) {
	cats, err := loadCatalogues()
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, g := range navGroups {
		for _, l := range langs {
			if _, ok := cats[l]["nav.group_"+g.key]; !ok {
				t.Errorf("locales %s: no nav.group_%s", l, g.key)
			}
		}
		for _, p := range g.pages {
			if slices.Contains(all, p) {
				t.Errorf("page %s is in two groups", p)
			}
			all = append(all, p)
			for _, l := range langs {
				if _, ok := cats[l]["nav."+p]; !ok {
					t.Errorf("locales %s: no nav.%s", l, p)
				}
			}
		}
	}
	for p := range ownerPages {
		if !slices.Contains(all, p) {
			t.Errorf("owner's page %s is in no group", p)
		}
	}

	ap := publicApp(t, "record-cn-mixed.html")
	ap.addUser("mai", "default")
	owner := ap.browser()
	ap.mustLogin(owner, "", "mai")
	visitor := ap.browser()
	want := func(pages []string) []string {
		var out []string
		for _, p := range pages {
			out = append(out, fmt.Sprintf(navPath(p), "default"))
		}
		return out
	}
	// groupFirst is the path of the first page of p's group the viewer sees.
	groupFirst := func(p string, isOwner bool) string {
		for _, g := range navGroups {
			if slices.Contains(g.pages, p) {
				for _, q := range g.pages {
					if isOwner || !ownerPages[q] {
						return fmt.Sprintf(navPath(q), "default")
					}
				}
			}
		}
		return ""
	}

	links, _, _, _ := navOf(t, getOK(t, owner, "/p/default/"))
	if !slices.Equal(links, want(all)) {
		t.Errorf("the owner's nav links\n%q, want\n%q", links, want(all))
	}
	for _, p := range all {
		path := fmt.Sprintf(navPath(p), "default")
		_, cur, how, open := navOf(t, getOK(t, owner, path))
		if cur != path || how != "page" || open != groupFirst(p, true) {
			t.Errorf("owner at %s: marked %s (%q), open group at %s; want this page, \"page\", group at %s", path, cur, how, open, groupFirst(p, true))
		}
	}

	var public []string
	for _, p := range all {
		if !ownerPages[p] {
			public = append(public, p)
		}
	}
	links, _, _, _ = navOf(t, getOK(t, visitor, "/p/default/"))
	if !slices.Equal(links, want(public)) {
		t.Errorf("a visitor's nav links\n%q, want\n%q", links, want(public))
	}
	for _, p := range all {
		path := fmt.Sprintf(navPath(p), "default")
		res := visitor.get(path)
		switch {
		case ownerPages[p] && res.StatusCode == http.StatusOK:
			t.Errorf("a visitor may open owner's page %s: ownerPages is out of date with the routes", path)
		case !ownerPages[p] && res.StatusCode != http.StatusOK:
			t.Errorf("a visitor gets %d at %s, a page the nav offers", res.StatusCode, path)
		case !ownerPages[p]:
			if _, cur, _, open := navOf(t, res.body); cur != path || open != groupFirst(p, false) {
				t.Errorf("visitor at %s: marked %s, open group at %s", path, cur, open)
			}
		}
	}

	list, err := ap.a.ListPlays(context.Background(), "default", archive.PlayFilter{}, 0, 1)
	if err != nil || len(list.Plays) == 0 {
		t.Fatalf("no play: %v", err)
	}
	_, cur, how, open := navOf(t, getOK(t, visitor, fmt.Sprintf("/p/default/plays/%d", list.Plays[0].ID)))
	if cur != "/p/default/plays" || how != "true" || open != "/p/default/" {
		t.Errorf("a play's detail marks %s (%q), open group at %s; want the plays (\"true\") in the records", cur, how, open)
	}
	if strings.Contains(getOK(t, visitor, "/p/default/"), `aria-current="true"`) {
		t.Error("the overview marks a parent page")
	}
}
