package web

import (
	"context"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/maiprobe/maiprobe/internal/dxsite"
	"github.com/maiprobe/maiprobe/internal/dxsite/fakesite"
)

func TestBookmarkletSource(t *testing.T) {
	u := string(bookmarkletURL("https://mai.example/x/api/import", "mpi_abc"))
	if !strings.HasPrefix(u, "javascript:void%20") {
		t.Fatalf("bookmarklet URL starts %q", u[:min(len(u), 30)])
	}
	src, err := url.PathUnescape(strings.TrimPrefix(u, "javascript:"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"api":"https://mai.example/x/api/import"`, `"token":"mpi_abc"`, `"pace":1000`, `"record/musicGenre/search/?genre=99\u0026diff=0"`} {
		if !strings.Contains(src, want) {
			t.Errorf("the script lacks %s", want)
		}
	}
	// Settings cannot break out of their JSON string.
	evil := bookmarkletSource(bookmarkletSettings{API: `"});alert(1);//</script>`, Token: "t"})
	if !strings.Contains(evil, `"api":"\"});alert(1);//\u003c/script\u003e"`) {
		t.Errorf("settings are not escaped: %s", evil[len(evil)-200:])
	}
	us := userscript("https://mai.example/api/import", "mpi_abc")
	for _, want := range []string{"// ==UserScript==", "// @match       https://maimai.wahlap.com/maimai-mobile/*", `"button":true`, "// ==/UserScript==\n// maiprobe", "\n(function (cfg) {\n"} {
		if !strings.Contains(us, want) {
			t.Errorf("the userscript lacks %q", want)
		}
	}
}

// chromium finds a Chromium to drive, or skips (fails with
// MAIPROBE_REQUIRE_BROWSER=1).
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("MAIPROBE_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("MAIPROBE_REQUIRE_BROWSER") == "1" {
		t.Fatal("no Chromium found (tried $MAIPROBE_CHROMIUM, chromium, chromium-browser, google-chrome) but MAIPROBE_REQUIRE_BROWSER=1")
	}
	t.Skip("no Chromium found (install chromium, or set MAIPROBE_CHROMIUM): skipping the bookmarklet browser test")
	return ""
}

var bookmarkletRE = regexp.MustCompile(`id="bookmarklet" href="(javascript:[^"]+)"`)

// TestBookmarkletInBrowser runs the bookmarklet the tokens page gives on
// the fake DX NET in headless Chromium: it sends the page it runs on, then
// reads the record list, every play detail and every score list with the
// browser's own site session, and the pages arrive in the archive. A page
// of another origin cannot call the API.
func TestBookmarkletInBrowser(t *testing.T) {
	bin := chromium(t)
	ctx := context.Background()
	site := fakesite.New(t, fakesite.Options{Plays: 8})
	siteURL, _ := url.Parse(site.URL())
	siteOrigin := siteURL.Scheme + "://" + siteURL.Host

	ap := newApp(t, Config{ImportOrigins: []string{siteOrigin}, Now: time.Now})
	ap.addUser("alice", "alice")
	srv := httptest.NewServer(ap.s)
	defer srv.Close()
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<!doctype html><title>other</title><p>another site"))
	}))
	defer other.Close()

	// The owner makes a token on the tokens page and takes its bookmarklet.
	b := ap.browser()
	b.host = strings.TrimPrefix(srv.URL, "http://")
	ap.mustLogin(b, "", "alice")
	res := b.post("/p/alice/tokens", url.Values{"csrf": {b.csrf("/p/alice/tokens")}, "label": {"browser"}})
	m := bookmarkletRE.FindStringSubmatch(res.body)
	if m == nil {
		t.Fatalf("no bookmarklet on the new token's page:\n%s", res.body)
	}
	if strings.Contains(res.body, `id="needs-https"`) {
		t.Error("the page warns about plain HTTP for a server on 127.0.0.1")
	}
	// The browser undoes the attribute's entities, then the URL's escapes.
	src, err := url.PathUnescape(strings.TrimPrefix(html.UnescapeString(m[1]), "javascript:"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(src, `"api":"`+srv.URL+`/api/import"`) || !strings.Contains(src, `"pace":1000`) {
		t.Fatalf("bookmarklet settings: %s", src[len(src)-400:])
	}
	// The test does not wait a second between pages.
	src = strings.Replace(src, `"pace":1000`, `"pace":20`, 1)

	actx, cancel := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(bin), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("lang", "en-US"), chromedp.Flag("accept-lang", "en-US,en"),
		chromedp.UserDataDir(t.TempDir()))
	defer cancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()
	// The first Do starts the browser, bound to bctx rather than to a timeout.
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	tctx, tcancel := context.WithTimeout(bctx, 2*time.Minute)
	defer tcancel()

	// The player is logged in to the site: its cookies are in the browser.
	for _, kv := range strings.Split(site.Cookie(), "; ") {
		name, value, _ := strings.Cut(kv, "=")
		if _, err := chromedp.Call(tctx, network.SetCookie, network.SetCookieParams{Name: name, Value: value, URL: site.URL()}); err != nil {
			t.Fatal(err)
		}
	}
	run := func(button string) string {
		t.Helper()
		err := chromedp.Do(tctx,
			chromedp.Evaluate[chromedp.Void](`document.getElementById('maiprobe-overlay').removeAttribute('data-state')`),
			chromedp.Click(chromedp.CSS("#"+button)),
			chromedp.WaitVisible(chromedp.CSS(`#maiprobe-overlay[data-state="done"]`)),
		)
		if err != nil {
			t.Fatalf("click %s: %v", button, err)
		}
		status, err := chromedp.Run(tctx, chromedp.Text(chromedp.CSS("#maiprobe-status")))
		if err != nil {
			t.Fatal(err)
		}
		return status
	}
	err = chromedp.Do(tctx,
		chromedp.Navigate(site.URL()+"record/"),
		chromedp.WaitReady(chromedp.CSS("body")),
		chromedp.Evaluate[chromedp.Void](src),
		chromedp.WaitVisible(chromedp.CSS("#maiprobe-overlay")),
	)
	if err != nil {
		t.Fatal(err)
	}
	// The CN site's pages are in Chinese (lang="zh"), and so is the panel.
	if status := run("maiprobe-page"); status != "完成：新增 1，未变 0，拒绝 0。" {
		t.Fatalf("after sending the page: %q", status)
	}
	if n, _ := ap.a.CountPlays(ctx, "alice"); n != 8 {
		t.Fatalf("%d plays after sending the record page, want 8", n)
	}

	status := run("maiprobe-all")
	log, _ := chromedp.Run(tctx, chromedp.Text(chromedp.CSS("#maiprobe-log")))
	// Added: record/ (new bytes, known plays), 8 details and the first
	// score list; the fake serves the same page for the other 5 lists.
	if status != "完成：新增 10，未变 5，拒绝 0。" {
		t.Fatalf("after sending everything: %q\n%s", status, log)
	}
	if got := site.Requests("record/playlogDetail/"); got != 8 {
		t.Errorf("the bookmarklet read %d play details, want 8\n%s", got, log)
	}
	if got := site.Requests("record/musicGenre/search/") + site.Requests("record/musicSort/search/"); got != len(dxsite.ScoreLists) {
		t.Errorf("the bookmarklet read %d score lists, want %d", got, len(dxsite.ScoreLists))
	}
	plays, err := ap.a.Plays(ctx, "alice", 100)
	if err != nil || len(plays) != 8 {
		t.Fatalf("%d plays, %v", len(plays), err)
	}
	for _, p := range plays {
		if p.Detail == nil {
			t.Errorf("play %s at %s has no detail", p.Title, p.PlayedAt)
		}
	}
	counts, _ := ap.a.RowCounts(ctx)
	if counts["best_scores"] == 0 {
		t.Errorf("no best scores from the score lists: %v", counts)
	}

	// Another site's page may not call the API: the preflight fails.
	if err := chromedp.Do(tctx, chromedp.Navigate(other.URL)); err != nil {
		t.Fatal(err)
	}
	outcome, err := chromedp.Run(tctx, chromedp.Evaluate[string](`fetch(`+jsString(srv.URL+"/api/import")+`, {method: 'POST', mode: 'cors', credentials: 'omit',
		headers: {'Authorization': 'Bearer nothing', 'Content-Type': 'application/json'}, body: '{"name":"x","html":"x"}'})
		.then(function (r) { return 'answered ' + r.status; }, function (e) { return 'blocked'; })`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if outcome != "blocked" {
		t.Errorf("a page of %s called the API: %s", other.URL, outcome)
	}
	if after, _ := ap.a.RowCounts(ctx); after["pages"] != counts["pages"] {
		t.Errorf("pages %d → %d after the other origin's call", counts["pages"], after["pages"])
	}
}

func jsString(s string) string { return `'` + strings.ReplaceAll(s, `'`, `\'`) + `'` }
