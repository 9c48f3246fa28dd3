package web

// The player's pages, in groups. On a phone the nav shows one line of
// group tabs and one line of the current group's pages (19 links in a row
// took six lines, 170 px of a 844 px screen, before any content), so every
// page is at most two taps away: its group's tab, then the page. On a wide
// screen every group's pages are shown and the tabs hidden (style.css).
// Plain links, no script and no <details>: WeChat's browser may be old.
//
// A group holds few and short names on purpose: its line must fit 360 px
// in both languages (TestNavInBrowser in internal/e2e measures it).

// NavGroup is one group of the player's nav, as the layout shows it.
type NavGroup struct {
	Key     string    // the catalogue key of its tab: nav.group_<Key>
	First   string    // the path format of its first page, what its tab links to
	Current bool      // the page shown is in this group (or is a sub-page of one of its pages)
	Items   []NavItem // its pages
}

// NavItem is one page of a group.
type NavItem struct {
	Name    string // the page's name: its template, its nav.<Name> label, its Page.Nav
	Path    string // the path format under /p/{player}/ (for url with the player)
	Current string // aria-current: "page" on the page itself, "true" on a sub-page of it, else ""
}

// navGroup is one group of navGroups: its tab's key and its pages by name.
type navGroup struct {
	key   string
	pages []string
}

// navGroups are the groups in order. Each line must fit a 360 px phone in
// both languages: that is why the owner's sync (pushing the scores to
// diving-fish and Lxns) sits with the scores rather than with the other
// owner's pages, whose English names fill their line already.
var navGroups = []navGroup{
	{key: "records", pages: []string{"overview", "plays", "diff", "sessions"}},
	{key: "scores", pages: []string{"songs", "rating", "targets", "plates", "sync"}},
	{key: "analysis", pages: []string{"analysis", "constants", "rival"}},
	{key: "journey", pages: []string{"milestones", "album", "profile"}},
	{key: "manage", pages: []string{"import", "tokens", "fetch", "settings"}},
}

// ownerPages are the pages that change the player (canChange in web.go):
// the nav offers them to the owner only, as everyone else gets a 403.
var ownerPages = map[string]bool{"import": true, "tokens": true, "fetch": true, "sync": true, "settings": true}

// navParent names the nav page a page without a nav entry of its own
// belongs to (a play's detail to the plays, a visit to the sessions), so
// its group stays open and the page it came from is marked.
var navParent = map[string]string{
	"play":  "plays",
	"visit": "sessions",
	"year":  "sessions",
	"chart": "songs",
}

// navPath is the path format of a nav page under /p/{player}/.
func navPath(name string) string {
	if name == "overview" {
		return "/p/%s/"
	}
	return "/p/%s/" + name
}

// NavGroups returns the groups of the player's nav for this page and
// viewer: the pages that change the player for the owner only (a group
// left empty is left out), the group of p.Nav (or of its parent page)
// marked current. A page in no group (an error page) leaves every group
// closed: the phone then shows the tabs alone.
func (p Page) NavGroups() []NavGroup {
	cur, how := p.Nav, "page"
	if parent, ok := navParent[cur]; ok {
		cur, how = parent, "true"
	}
	out := make([]NavGroup, 0, len(navGroups))
	for _, g := range navGroups {
		var ng NavGroup
		for _, name := range g.pages {
			if ownerPages[name] && !p.Owner {
				continue
			}
			it := NavItem{Name: name, Path: navPath(name)}
			if name == cur {
				it.Current, ng.Current = how, true
			}
			ng.Items = append(ng.Items, it)
		}
		if len(ng.Items) == 0 {
			continue
		}
		ng.Key, ng.First = g.key, ng.Items[0].Path
		out = append(out, ng)
	}
	return out
}
