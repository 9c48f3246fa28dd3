// Package e2e drives the real web app in a headless Chromium: the real
// server on a loopback port over a fresh SQLite archive, the real setup,
// login and import forms, every page checked for its status, its text,
// console errors, failed requests and drawn charts, with a screenshot of
// each. The tests skip without a Chromium; MAIPROBE_REQUIRE_BROWSER=1
// (CI) makes them fail instead.
package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/fixtures"
	"github.com/maiprobe/maiprobe/internal/web"
)

// pageCheck is one page of a player and what it must show.
type pageCheck struct {
	name   string // names the screenshot
	path   string // under /p/<player>
	texts  []string
	charts bool // the page draws uPlot charts
	// cards is a selector of score cards the page must show (at least
	// one), each with its achievement and rank; rated cards have a rating
	// too.
	cards string
	rated bool
}

// playerPages are the pages of a player every scenario opens after
// importing its pages; song is a title the imported record page has.
// synced says the archive has song data, so the B50 and targets have
// charts.
func playerPages(song string, synced bool) []pageCheck {
	b50, targets := "", ""
	if synced {
		b50, targets = "section.b50 .score-card", ".targets .score-card"
	}
	return []pageCheck{
		{name: "overview", path: "/", texts: []string{playerName, song}, charts: true, cards: ".recent .score-card"},
		{name: "plays", path: "/plays", texts: []string{"Plays", song, "BREaK! BREaK! BREaK!"}},
		{name: "diff", path: "/diff", texts: []string{"Changes", "First play", song}},
		{name: "sessions", path: "/sessions", texts: []string{"Sessions", "new personal bests"}},
		{name: "album", path: "/album", texts: []string{"Album", "1 photos"}},
		{name: "profile", path: "/profile", texts: []string{"Profile history", "Rating, stars and play count over time"}, charts: true},
		{name: "songs", path: "/songs", texts: []string{"Songs"}},
		{name: "rating", path: "/rating", texts: []string{"Rating"}, cards: b50, rated: true},
		{name: "targets", path: "/targets", texts: []string{"Targets"}, cards: targets, rated: true},
		{name: "plates", path: "/plates", texts: []string{"Plates"}},
		{name: "import", path: "/import", texts: []string{"Import", "Or paste a page's HTML"}},
		{name: "tokens", path: "/tokens", texts: []string{"Import tokens"}},
		{name: "fetch", path: "/fetch", texts: []string{"Automatic fetch"}},
		{name: "settings", path: "/settings", texts: []string{"Settings", "Only me (private)"}},
	}
}

// realPages are saved pages from ../shared (the test skips without it,
// fails in CI) with synthetic ones of the parser tests; realSong is on
// their record page.
func realPages(t *testing.T) []string {
	t.Helper()
	return []string{
		fixtures.DXNet(t, "cn/record-mainetcn-1.html"),
		fixtures.DXNet(t, "cn/home-mainetcn-1.html"),
		dxnetTestdata(t, "playlogDetail-cn-dx.html"),
		// An archive player takes one in-game player's pages: the
		// synthetic player data and album, made ＳＣＨＷＩ's CN pages.
		rewritten(t, "playerData-cn-2025.html", "ｍａｉｍａｉ", "ＳＣＨＷＩ"),
		rewritten(t, "photo-jp-album.html", "maimaidx.jp", "maimai.wahlap.com"),
	}
}

// rewritten is a copy of a synthetic page with old replaced by new, in a
// folder of the test's (the same file name, so results name it alike).
func rewritten(t *testing.T, name, old, new string) string {
	t.Helper()
	b, err := os.ReadFile(dxnetTestdata(t, name))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, bytes.ReplaceAll(b, []byte(old), []byte(new)), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const realSong = "Desperado Waltz"

// syntheticPages are the parser tests' own pages only, so the scenarios
// that use them run in a clone without ../shared; syntheticSong is on
// their record page.
func syntheticPages(t *testing.T) []string {
	t.Helper()
	return []string{
		dxnetTestdata(t, "record-cn-mixed.html"),
		dxnetTestdata(t, "playlogDetail-cn-dx.html"),
		dxnetTestdata(t, "home-cn-2020.html"),
		rewritten(t, "playerData-cn-2025.html", "ｍａｉｍａｉ", "ＹＧＺＺ"),
		rewritten(t, "photo-jp-album.html", "maimaidx.jp", "maimai.wahlap.com"),
	}
}

const syntheticSong = "ウミユリ海底譚"

// dxnetTestdata is the path of a synthetic page of the parser's tests.
func dxnetTestdata(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "dxnet", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("e2e: %v", err)
	}
	return p
}

// importDirect stores files in the archive without the browser, for
// scenarios about something other than importing.
func importDirect(t *testing.T, s *server, files []string) {
	t.Helper()
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		res := s.archive.Import(context.Background(), playerName, archive.Source{Name: filepath.Base(f), Data: b, ObservedAt: time.Now()})
		if res.Status == archive.Rejected {
			t.Fatalf("import %s: rejected: %v", f, res.Err)
		}
	}
}

// importInBrowser uploads files (and two that must be rejected) at once
// through the import page, with a page pasted into its text box, and
// checks the result of each.
func importInBrowser(t *testing.T, tb *tab, app string, files []string) {
	t.Helper()
	bad := map[string]string{ // file → its reason
		dxnetTestdata(t, "notdxnet-othersite.html"):    "not a maimai DX NET page",
		fixtures.DXNet(t, "cn/error-bakapiano-1.html"): "not player data",
		// Pages of other in-game players: another region, another name.
		fixtures.DXNet(t, "intl/record-minty-1.html"):     "another player's page: this page is of an intl player",
		fixtures.DXNet(t, "cn/friendCode-truerou-1.html"): "another player's page: this page is of the cn player Ｃｉａ～（・ω",
	}
	upload := append([]string(nil), files...)
	for f := range bad {
		upload = append(upload, f)
	}
	pasted, err := os.ReadFile(fixtures.DXNet(t, "cn/record-truerou-1.html"))
	if err != nil {
		t.Fatal(err)
	}

	tb.open(app+"/p/"+playerName+"/import", http.StatusOK)
	tb.run("choose files", chromedp.SetUploadFiles(chromedp.CSS(`form input[type=file][name=files]`), upload))
	tb.fill(`form textarea[name=html]`, string(pasted))
	tb.submit(`form[action$="/import"]`, http.StatusOK)
	tb.screenshot("import-results")
	tb.checkWrappers("import results")
	tb.resize(phone)
	tb.screenshot("import-results")
	tb.checkWrappers("import results at " + phone.name + " px")
	tb.resize(desktop)
	tb.checkClean("import")

	type row struct{ Name, Kind, Status, What string }
	rows := eval[[]row](tb, `[...document.querySelectorAll('table.import tbody tr')].map(tr => {
		const c = [...tr.cells].map(td => td.innerText.trim());
		return {Name: c[0], Kind: c[1], Status: c[2], What: c[3]};
	})`)
	got := map[string]row{}
	for _, r := range rows {
		got[r.Name] = r
	}
	if len(rows) != len(upload)+1 {
		t.Errorf("import: %d result rows, want %d (every file and the pasted page): %+v", len(rows), len(upload)+1, rows)
	}
	for _, f := range upload {
		name := filepath.Base(f)
		r, ok := got[name]
		switch reason, isBad := bad[f]; {
		case !ok:
			t.Errorf("import: no result for %s", name)
		case isBad && (r.Status != "rejected" || !strings.Contains(r.What, reason)):
			t.Errorf("import %s: %s %q, want rejected with %q", name, r.Status, r.What, reason)
		case !isBad && (r.Status != "added" || !strings.Contains(r.What, "+")):
			t.Errorf("import %s: %s %q, want added with counts", name, r.Status, r.What)
		}
	}
	if r := got["pasted page"]; r.Status != "added" || !strings.Contains(r.Kind, "record") || !strings.Contains(r.What, "plays +") {
		t.Errorf("import of the pasted record page: %+v, want an added record with plays", r)
	}
	tb.wantText("import summary", fmt.Sprintf("%d added, %d rejected, %d files in all", len(files)+1, len(bad), len(upload)+1))
}

// followPlay reaches a filtered play list, a play's detail and its chart
// page the way a player does: through the filter form and the links.
func followPlay(t *testing.T, tb *tab, app string) {
	t.Helper()
	tb.open(app+"/p/"+playerName+"/plays", http.StatusOK)
	tb.fill(`form.filter input[name=q]`, "BREaK")
	tb.submit(`form.filter`, http.StatusOK)
	if got := tb.path(); !strings.Contains(got, "q=BREaK") {
		t.Errorf("filter: ended at %s, want the query in the URL", got)
	}
	tb.wantText("filtered plays", "BREaK! BREaK! BREaK!", "plays match")
	if body := tb.text(); strings.Contains(body, "Desperado Waltz") || strings.Contains(body, "LAMIA") {
		t.Error("filter q=BREaK still lists other songs")
	}
	tb.screenshot("plays-filtered")
	tb.checkClean("filtered plays")

	// The play of playlogDetail-cn-dx.html, imported with its detail.
	detail := eval[string](tb, `(() => {
		const tr = [...document.querySelectorAll('table.plays tbody tr')].find(tr => tr.innerText.includes('99.2315%'));
		const a = tr && tr.querySelector('td:last-child a');
		return a ? a.href : '';
	})()`)
	if !strings.Contains(detail, "/plays/") {
		t.Fatalf("filtered plays: the 99.2315%% play links to %q, want its play page", detail)
	}
	for _, sz := range widths {
		tb.resize(sz)
		what := " at " + sz.name + " px"
		tb.open(detail, http.StatusOK)
		tb.wantText("play detail", "BREaK! BREaK! BREaK!", "Max combo", "This chart's history", "GOOD", "MISS")
		checkCharts(t, tb, "play detail"+what)
		checkCards(t, tb, "play detail"+what, "main .score-card.header", false)
		tb.checkWrappers("play detail" + what)
		tb.screenshot("play-detail")
		tb.checkClean("play detail" + what)

		chart := eval[string](tb, `(() => { const a = document.querySelector('main h1 a'); return a ? a.href : ''; })()`)
		if !strings.Contains(chart, "/chart") {
			t.Fatalf("play detail: the title links to %q, want the chart page", chart)
		}
		tb.open(chart, http.StatusOK)
		tb.wantText("chart page", "BREaK! BREaK! BREaK!", "Achievement and DX score over time")
		checkCharts(t, tb, "chart page"+what)
		checkCards(t, tb, "chart page"+what, "main .score-card.header", false)
		tb.checkWrappers("chart page" + what)
		tb.screenshot("chart")
		tb.checkClean("chart page" + what)
	}
	tb.resize(desktop)
}

// checkCharts fails unless the page has charts and uPlot drew all of them.
func checkCharts(t *testing.T, tb *tab, what string) {
	t.Helper()
	total, drawn := tb.chartsDrawn()
	if total == 0 || drawn != total {
		t.Errorf("%s: %d of %d charts drawn by uPlot, want all of at least one", what, drawn, total)
	}
}

// checkPages opens every page of the player at app (origin plus base
// path) in a phone's window and a laptop's, and checks status, text,
// width, tables, cards, charts and problems, with a screenshot of each.
func checkPages(t *testing.T, tb *tab, app string, pages []pageCheck) {
	t.Helper()
	for _, sz := range widths {
		tb.resize(sz)
		for _, pc := range pages {
			u := app + "/p/" + playerName + pc.path
			tb.open(u, http.StatusOK)
			tb.wantText(pc.name, pc.texts...)
			what := pc.name + " at " + sz.name + " px"
			if pc.charts {
				checkCharts(t, tb, what)
			}
			if pc.cards != "" {
				checkCards(t, tb, what, pc.cards, pc.rated)
			}
			tb.checkWrappers(what)
			tb.screenshot(pc.name)
			tb.checkClean(what)
		}
	}
	tb.resize(desktop)
}

// checkCards fails unless the page shows score cards matching sel, each
// with its achievement and rank (and its rating when rated).
func checkCards(t *testing.T, tb *tab, what, sel string, rated bool) {
	t.Helper()
	n, bad := tb.cardProblems(sel, rated)
	if n == 0 {
		t.Errorf("%s: no score card (%s)", what, sel)
	}
	for _, b := range bad {
		t.Errorf("%s: a card is incomplete: %s", what, b)
	}
}

// TestOwnerInBrowser is scenario 1: first-run setup, log out, a wrong and
// a right login, import, every page, and a private player refused to a
// fresh visitor until the owner makes it public.
func TestOwnerInBrowser(t *testing.T) {
	t.Parallel()
	files := realPages(t)
	browser := newChromium(t)
	s := startServer(t, web.Config{})
	syncSongs(t, s)
	tb := newTab(t, browser, "1-owner")

	setupOwner(t, tb, s, s.Origin)
	tb.screenshot("setup-done")
	logout(t, tb)
	if got := tb.path(); got != "/" {
		t.Errorf("logout: ended at %s, want /", got)
	}
	tb.checkClean("logout")

	tb.open(s.App+"/login", http.StatusOK)
	tb.fill(`form[action$="/login"] input[name=name]`, ownerName)
	tb.fill(`form[action$="/login"] input[name=password]`, "not the password")
	tb.submit(`form[action$="/login"]`, http.StatusUnauthorized)
	tb.wantText("wrong login", "Wrong user name or password.")
	tb.screenshot("login-failed")
	tb.takeProblems() // the 401 page itself is the expected outcome
	login(t, tb, s.Origin, "")
	tb.checkClean("login")

	importInBrowser(t, tb, s.App, files)
	checkPages(t, tb, s.App, playerPages(realSong, true))
	followPlay(t, tb, s.App)
	// The real pages' plays fall in one month: the monthly chart must
	// still tick months, not hours.
	checkChartLanguages(t, tb, s.App, []string{"/", "/profile", "/rating"}, []string{"moment", "day", "month"})

	checkVisibility(t, browser, tb, s)
}

// checkVisibility checks a private player's pages refused to a visitor in
// a fresh browser context, then shown after the owner (logged in in
// owner) makes the player public on the settings page.
func checkVisibility(t *testing.T, browser context.Context, owner *tab, s *server) {
	t.Helper()
	visitor := newTab(t, browser, "1-visitor")
	// refused is whether a visitor is sent to log in instead of seeing
	// the page (the app's answer to an anonymous visitor).
	refused := func(pc pageCheck) bool {
		visitor.open(s.App+"/p/"+playerName+pc.path, http.StatusOK)
		return strings.HasPrefix(visitor.path(), "/login?next=")
	}
	for _, pc := range playerPages(realSong, true) {
		if !refused(pc) {
			t.Errorf("a visitor sees %s of a private player (at %s)", pc.name, visitor.path())
		}
	}
	if strings.Contains(visitor.text(), realSong) {
		t.Error("a visitor sees a private player's plays")
	}
	visitor.screenshot("private-refused")
	visitor.checkClean("private player, visitor")

	owner.open(s.App+"/p/"+playerName+"/settings", http.StatusOK)
	owner.click(`input[name=public][value="1"]`)
	owner.submit(`form[action$="/settings"]`, http.StatusOK)
	owner.wantText("settings saved", "Saved.")
	owner.checkClean("make public")

	// Public means readable by anyone, changeable by the owner only.
	ownerOnly := map[string]bool{"import": true, "tokens": true, "fetch": true, "settings": true}
	for _, pc := range playerPages(realSong, true) {
		switch got := refused(pc); {
		case ownerOnly[pc.name] && !got:
			t.Errorf("a visitor reaches %s of a public player (at %s)", pc.name, visitor.path())
		case !ownerOnly[pc.name] && got:
			t.Errorf("a visitor is refused %s of a public player", pc.name)
		case !ownerOnly[pc.name]:
			visitor.wantText(pc.name+" of a public player", pc.texts...)
		}
	}
	visitor.open(s.App+"/p/"+playerName+"/", http.StatusOK)
	visitor.wantText("public player", playerName, realSong)
	if strings.Contains(visitor.text(), "Settings") {
		t.Error("a visitor of a public player is offered the settings")
	}
	visitor.screenshot("public-shown")
	visitor.checkClean("public player, visitor")
}

// TestBasePathInBrowser is scenario 2: the app under /release. Every link
// of the overview leads to a page (no 404), every asset loads, and every
// form posts to a URL under the base path.
func TestBasePathInBrowser(t *testing.T) {
	t.Parallel()
	const base = "/release"
	files := syntheticPages(t)
	browser := newChromium(t)
	s := startServer(t, web.Config{BasePath: base})
	tb := newTab(t, browser, "2-base")

	// The setup path the server logs carries the base path.
	if p := s.web.SetupPath(); !strings.HasPrefix(p, base+"/setup?token=") {
		t.Fatalf("setup path %q is not under %s", p, base)
	}
	setupOwner(t, tb, s, s.Origin)
	logout(t, tb)
	if got := tb.path(); got != base+"/" {
		t.Errorf("logout: ended at %s, want %s/", got, base)
	}
	login(t, tb, s.Origin, base)
	tb.checkClean("login")
	importDirect(t, s, files)

	overview := s.App + "/p/" + playerName + "/"
	tb.open(overview, http.StatusOK)
	styles := eval[[]string](tb, `[...document.querySelectorAll('link[rel=stylesheet]')].map(l => l.getAttribute('href'))`)
	if len(styles) == 0 {
		t.Error("the overview links no stylesheet")
	}
	for _, h := range styles {
		if !strings.HasPrefix(h, base+"/static/") {
			t.Errorf("stylesheet %s is not under %s/static/", h, base)
		}
	}
	// A stylesheet that loaded has rules; one that 404ed has none.
	if n := eval[int](tb, `[...document.styleSheets].reduce((n, s) => n + s.cssRules.length, 0)`); n == 0 {
		t.Error("the overview's stylesheets have no rules: the CSS did not load")
	}
	tb.checkClean("overview")

	links := tb.links(`a[href]`)
	if len(links) < 5 {
		t.Fatalf("the overview has only %d links: %q", len(links), links)
	}
	seen := map[string]bool{}
	for _, l := range links {
		if seen[l] {
			continue
		}
		seen[l] = true
		if !strings.HasPrefix(l, s.App+"/") {
			t.Errorf("link %s leaves the base path %s", l, base)
			continue
		}
		tb.open(l, http.StatusOK)
		if got := tb.path(); !strings.HasPrefix(got, base+"/") {
			t.Errorf("link %s ended at %s, outside %s", l, got, base)
		}
		for _, a := range tb.formActions() {
			if !strings.HasPrefix(a, s.App+"/") {
				t.Errorf("page %s has a form sent to %s, outside %s", tb.path(), a, base)
			}
		}
		tb.checkClean("link " + l)
	}
	tb.open(s.App+"/p/"+playerName+"/", http.StatusOK)
	tb.screenshot("overview")

	// Forms work under the base path: the settings form posts and saves.
	tb.open(s.App+"/p/"+playerName+"/settings", http.StatusOK)
	tb.click(`input[name=public][value="1"]`)
	tb.submit(`form[action="`+base+`/p/`+playerName+`/settings"]`, http.StatusOK)
	if got := tb.path(); got != base+"/p/"+playerName+"/settings?saved=1" {
		t.Errorf("settings form: ended at %s", got)
	}
	tb.screenshot("settings-saved")
	tb.checkClean("settings form")

	// Outside the base path there is nothing; the bare base path leads in.
	tb.open(s.Origin+"/p/"+playerName+"/", http.StatusNotFound)
	tb.takeProblems()
	tb.open(s.Origin+base, http.StatusOK)
	if got := tb.path(); !strings.HasPrefix(got, base+"/") {
		t.Errorf("%s led to %s, want a page under %s/", base, got, base)
	}
	tb.checkClean("bare base path")
}

// TestBehindProxyInBrowser is scenario 3: the browser talks HTTPS to a
// TLS-terminating reverse proxy (a trusted 127.0.0.1) that forwards plain
// HTTP with X-Forwarded-Proto: https and X-Forwarded-Host. Redirects,
// absolute URLs and Secure cookies follow the browser's view, and the
// pages work.
func TestBehindProxyInBrowser(t *testing.T) {
	t.Parallel()
	const base = "/app"
	files := syntheticPages(t)
	trusted, err := web.ParseTrustedProxies("127.0.0.1/32")
	if err != nil {
		t.Fatal(err)
	}
	browser := newChromium(t)
	s := startServer(t, web.Config{BasePath: base, TrustedProxies: trusted})
	proxy := tlsProxy(t, s.Origin)
	front := proxy.URL // https://127.0.0.1:port, what the browser sees
	tb := newTab(t, browser, "3-proxy")

	setupOwner(t, tb, s, front)
	if got := tb.location(); !strings.HasPrefix(got, front+base+"/") {
		t.Errorf("after setup the browser is at %s, want a page of %s%s/", got, front, base)
	}
	logout(t, tb)
	login(t, tb, front, base)
	if got := tb.location(); got != front+base+"/p/"+playerName+"/" {
		t.Errorf("after login the browser is at %s, want %s%s/p/%s/", got, front, base, playerName)
	}
	var session bool
	for _, c := range tb.cookies(front + base + "/") {
		if c.Name == "maiprobe_session" {
			session = true
			if !c.Secure || !c.HTTPOnly {
				t.Errorf("session cookie behind HTTPS: Secure=%v HttpOnly=%v, want both", c.Secure, c.HTTPOnly)
			}
			if c.Path != base+"/" {
				t.Errorf("session cookie path %q, want %s/", c.Path, base)
			}
		}
	}
	if !session {
		t.Error("no session cookie after logging in through the proxy")
	}
	tb.checkClean("login through the proxy")
	importDirect(t, s, files)
	checkPages(t, tb, front+base, playerPages(syntheticSong, false))

	// A page that prints an absolute URL: the import API's address shown
	// with a new import token is the one the browser sees.
	tb.open(front+base+"/p/"+playerName+"/tokens", http.StatusOK)
	tb.fill(`form[action$="/tokens"] input[name=label]`, "e2e")
	tb.submit(`form[action$="/tokens"]`, http.StatusOK)
	api := eval[string](tb, `(document.querySelector('#api-example') || {innerText: ''}).innerText`)
	if want := `"` + front + base + "/api/import?name=record.html" + `"`; !strings.Contains(api, want) {
		t.Errorf("tokens page behind the proxy shows the API as %q, want it to contain %s", api, want)
	}
	tb.screenshot("token-created")
	tb.checkClean("tokens page")

	// What the browser does not show: the raw redirects and headers.
	c := noRedirects(proxy)
	resp, _ := get(t, c, front+base)
	if got, want := resp.Header.Get("Location"), front+base+"/"; got != want {
		t.Errorf("GET %s through the proxy: Location %q, want %q", base, got, want)
	}
	resp, _ = get(t, c, front+base+"/p/"+playerName+"/")
	if got := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(got, front+base+"/login?next=") {
		t.Errorf("a private player through the proxy: %d to %q, want 303 to %s%s/login?next=…", resp.StatusCode, got, front, base)
	}
	resp, _ = get(t, c, front+base+"/login")
	if got := resp.Header.Get("Strict-Transport-Security"); got == "" {
		t.Error("no Strict-Transport-Security behind HTTPS")
	}
	if ck := findCookie(resp, "maiprobe_csrf"); ck == nil || !ck.Secure {
		t.Errorf("login form through the proxy: CSRF cookie %+v, want Secure", ck)
	}
	// The same server reached directly over plain HTTP says so: the
	// https above came from the proxy's headers, not from a constant.
	direct := &http.Client{CheckRedirect: c.CheckRedirect}
	resp, _ = get(t, direct, s.App+"/login")
	if ck := findCookie(resp, "maiprobe_csrf"); ck == nil || ck.Secure {
		t.Errorf("login form over plain HTTP: CSRF cookie %+v, want not Secure", ck)
	}
	resp, _ = get(t, direct, s.App)
	if got, want := resp.Header.Get("Location"), s.App+"/"; got != want {
		t.Errorf("GET %s directly: Location %q, want %q", base, got, want)
	}
}

func findCookie(resp *http.Response, name string) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// TestGeneratedInBrowser is scenario 4: a generated archive (maiprobe gen)
// over synced song data, as a player with years of plays sees it: every
// page, a play and its chart, in a phone's window and a laptop's.
func TestGeneratedInBrowser(t *testing.T) {
	t.Parallel()
	s, tb := ownerWithSongs(t, web.Config{}, "4-gen")
	rep, err := s.archive.Generate(context.Background(), archive.GenOptions{Player: playerName, Plays: genPlays, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Plays != genPlays {
		t.Fatalf("gen made %d plays, want %d", rep.Plays, genPlays)
	}
	pages := []pageCheck{
		{name: "overview", path: "/", texts: []string{playerName}, charts: true, cards: ".recent .score-card"},
		{name: "plays", path: "/plays", texts: []string{"Plays"}},
		{name: "diff", path: "/diff", texts: []string{"Changes"}},
		{name: "sessions", path: "/sessions", texts: []string{"Sessions"}},
		{name: "album", path: "/album", texts: []string{"Album"}},
		{name: "profile", path: "/profile", texts: []string{"Profile history"}, charts: true},
		{name: "songs", path: "/songs", texts: []string{"Songs"}},
		{name: "rating", path: "/rating", texts: []string{"Rating"}, charts: true, cards: "section.b50 .score-card", rated: true},
		{name: "targets", path: "/targets", texts: []string{"Targets"}, cards: ".targets .score-card", rated: true},
		{name: "plates", path: "/plates", texts: []string{"Plates"}},
	}
	checkPages(t, tb, s.App, pages)

	// The newest play with a detail, and its chart.
	tb.open(s.App+"/p/"+playerName+"/plays", http.StatusOK)
	detail := eval[string](tb, `(() => { const a = document.querySelector('table.plays tbody tr td:last-child a'); return a ? a.href : ''; })()`)
	if !strings.Contains(detail, "/plays/") {
		t.Fatalf("plays: the first row links to %q, want its play page", detail)
	}
	for _, sz := range widths {
		tb.resize(sz)
		what := " at " + sz.name + " px"
		tb.open(detail, http.StatusOK)
		checkCards(t, tb, "play detail"+what, "main .score-card.header", false)
		tb.screenshot("play-detail")
		tb.checkClean("play detail" + what)
		chart := eval[string](tb, `(() => { const a = document.querySelector('main h1 a'); return a ? a.href : ''; })()`)
		tb.open(chart, http.StatusOK)
		checkCards(t, tb, "chart page"+what, "main .score-card.header", false)
		checkCharts(t, tb, "chart page"+what)
		tb.screenshot("chart")
		tb.checkClean("chart page" + what)
	}
	checkChartLanguages(t, tb, s.App, []string{"/", "/profile", "/rating"}, []string{"moment", "day", "month"})
}

// genPlays is the size of the generated archive: enough for a full B50,
// sessions, a profile history and several pages of every list.
const genPlays = 2000
