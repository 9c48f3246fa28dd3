package e2e

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// findChromium returns the Chromium binary to drive: $MAIPROBE_CHROMIUM,
// else the first of the usual names on $PATH. Without one the test skips,
// or fails when MAIPROBE_REQUIRE_BROWSER=1 (CI installs Chromium, so a
// skip there would hide a broken web app).
func findChromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("MAIPROBE_CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("e2e: MAIPROBE_CHROMIUM: %v", err)
		}
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("MAIPROBE_REQUIRE_BROWSER") == "1" {
		t.Fatal("e2e: no Chromium found (tried $MAIPROBE_CHROMIUM, chromium, chromium-browser, google-chrome) but MAIPROBE_REQUIRE_BROWSER=1")
	}
	t.Skip("e2e: no Chromium found (install chromium, or set MAIPROBE_CHROMIUM); skipping the browser tests")
	return ""
}

// shared is the one headless Chromium every test of the package uses, each
// tab in a browser context of its own (its own cookies and cache): starting
// one per test cost more than the tests' pages.
var shared struct {
	sync.Mutex
	ctx    context.Context
	cancel func()
}

// TestMain closes the shared Chromium after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	shared.Lock()
	if shared.cancel != nil {
		shared.cancel()
	}
	shared.Unlock()
	os.Exit(code)
}

// newChromium returns the shared headless Chromium, starting it on first
// use; tabs are made from it with newTab. It accepts the test's
// self-signed TLS proxy's certificate (no test reaches any other TLS host).
func newChromium(t *testing.T) context.Context {
	t.Helper()
	bin := findChromium(t)
	shared.Lock()
	defer shared.Unlock()
	if shared.ctx != nil {
		return shared.ctx
	}
	dir, err := os.MkdirTemp("", "maiprobe-e2e-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		// English pages, whatever the machine's locale: the assertions
		// read English labels.
		chromedp.Flag("lang", "en-US"),
		chromedp.Flag("accept-lang", "en-US,en"),
		// Nothing may come from outside: other hosts fail at once
		// instead of waiting for a DNS answer that never comes.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.UserDataDir(dir),
		chromedp.WindowSize(desktop.width, desktop.height),
		chromedp.IgnoreCertErrors,
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, bcancel := chromedp.NewContext(actx)
	// The first Do starts the browser; its life is bound to bctx, not to
	// a timeout of one step.
	if err := chromedp.Do(bctx); err != nil {
		bcancel()
		cancel()
		os.RemoveAll(dir)
		t.Fatalf("e2e: start %s: %v", bin, err)
	}
	shared.ctx = bctx
	shared.cancel = func() {
		bcancel()
		cancel()
		os.RemoveAll(dir)
	}
	return bctx
}

// size is a browser window's size in CSS pixels.
type size struct {
	name          string // names the screenshots
	width, height int
}

// The two windows every page is checked in: a phone (iPhone 12–15) and
// a laptop.
var (
	phone   = size{"390", 390, 844}
	desktop = size{"1280", 1280, 900}
	widths  = []size{phone, desktop}
)

// resize gives the tab's page a window of sz; pages opened after keep it.
func (tb *tab) resize(sz size) {
	tb.t.Helper()
	tb.size = sz
	tb.run("resize to "+sz.name, chromedp.EmulateViewport(int64(sz.width), int64(sz.height)))
}

// tab is one browser tab in a browser context of its own (its own
// cookies), recording everything that went wrong on its pages.
type tab struct {
	t        *testing.T
	ctx      context.Context
	scenario string // names the screenshots
	size     size   // the window, as resize set it

	mu       sync.Mutex
	urls     map[network.RequestID]string
	problems []string // since the last check
	external []string // failed requests to other hosts than the app's
}

// local reports whether u is on the loopback host the tests serve from.
func local(u string) bool {
	p, err := url.Parse(u)
	return err == nil && (p.Hostname() == "127.0.0.1" || p.Scheme == "data")
}

// newTab opens a tab in a fresh browser context of browser: a visitor
// who has never been to the site.
func newTab(t *testing.T, browser context.Context, scenario string) *tab {
	t.Helper()
	tb := &tab{t: t, scenario: scenario, size: desktop, urls: map[network.RequestID]string{}}
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext(), chromedp.WithListener(tb.listen))
	t.Cleanup(cancel)
	tb.ctx = ctx
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("e2e: open a tab: %v", err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatalf("e2e: enable network events: %v", err)
	}
	return tb
}

// listen records console errors, uncaught exceptions, failed requests
// and error responses of everything but the page itself (whose status
// each step checks against what it expects). It runs in the tab's event
// loop, so it only records.
func (tb *tab) listen(ev any) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError {
			var args []string
			for _, a := range ev.Args {
				if a.Description != "" {
					args = append(args, a.Description)
				} else {
					args = append(args, string(a.Value))
				}
			}
			tb.problems = append(tb.problems, "console error: "+strings.Join(args, " "))
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg += " " + d.Exception.Description
		}
		tb.problems = append(tb.problems, fmt.Sprintf("uncaught exception at %s:%d: %s", d.URL, d.LineNumber+1, msg))
	case *network.EventRequestWillBeSent:
		tb.urls[ev.RequestID] = ev.Request.URL
	case *network.EventLoadingFailed:
		// A navigation away cancels what the old page still loads.
		u := tb.urls[ev.RequestID]
		switch {
		case ev.Canceled:
		case !local(u):
			// The site's own images (jackets, photos): this machine may
			// have no internet, and they are not the app's to serve.
			tb.external = append(tb.external, u)
		default:
			tb.problems = append(tb.problems, fmt.Sprintf("request failed: %s %s (%s %s)", ev.Type, u, ev.ErrorText, ev.BlockedReason))
		}
	case *network.EventResponseReceived:
		// The browser asks for /favicon.ico by itself, at the root of the
		// host, outside any base path the app owns.
		if ev.Type != network.ResourceTypeDocument && ev.Response.Status >= 400 && !strings.HasSuffix(ev.Response.URL, "/favicon.ico") {
			tb.problems = append(tb.problems, fmt.Sprintf("%s %s answered %d", ev.Type, ev.Response.URL, ev.Response.Status))
		}
	}
}

// takeProblems returns and forgets what went wrong since the last call.
func (tb *tab) takeProblems() []string {
	// A round trip to the page: the tab hands every event that came
	// before the answer to listen first, so none of this page is missed.
	ctx, cancel := context.WithTimeout(tb.ctx, 20*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[int](`0`)); err != nil {
		tb.t.Errorf("e2e: page round trip: %v", err)
	}
	tb.mu.Lock()
	defer tb.mu.Unlock()
	p := tb.problems
	tb.problems = nil
	for _, u := range tb.external {
		tb.t.Logf("not loaded from outside (no internet needed): %s", u)
	}
	tb.external = nil
	return p
}

// checkClean fails the test when anything went wrong on the page since
// the last check.
func (tb *tab) checkClean(what string) {
	tb.t.Helper()
	for _, p := range tb.takeProblems() {
		tb.t.Errorf("%s: %s", what, p)
	}
}

// run runs steps with a deadline, failing the test on error.
func (tb *tab) run(what string, steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		tb.t.Fatalf("%s: %v", what, err)
	}
}

// page runs steps that end in a page load (a navigation, a click on a
// link or a submit button) and returns the loaded document's status.
func (tb *tab) page(what string, steps ...chromedp.Action[chromedp.Void]) int {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 20*time.Second)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, steps...)
	if err != nil {
		tb.t.Fatalf("%s: %v", what, err)
	}
	if resp == nil {
		tb.t.Fatalf("%s: no page was loaded", what)
	}
	return int(resp.Status)
}

// open loads u and checks its status.
func (tb *tab) open(u string, wantStatus int) {
	tb.t.Helper()
	if got := tb.page("open "+u, chromedp.Navigate(u)); got != wantStatus {
		tb.t.Errorf("open %s: status %d, want %d", u, got, wantStatus)
	}
}

// submit clicks the submit button of the form matching formSel and
// checks the status of the page it leads to.
func (tb *tab) submit(formSel string, wantStatus int) {
	tb.t.Helper()
	sel := chromedp.CSS(formSel + ` [type=submit]`)
	if got := tb.page("submit "+formSel, chromedp.Click(sel)); got != wantStatus {
		tb.t.Errorf("submit %s: status %d, want %d (now at %s)", formSel, got, wantStatus, tb.location())
	}
}

// fill sets the value of the field matching sel.
func (tb *tab) fill(sel, value string) {
	tb.t.Helper()
	tb.run("fill "+sel, chromedp.SetValue(chromedp.CSS(sel), value))
}

// click clicks the element matching sel, without waiting for a page.
func (tb *tab) click(sel string) {
	tb.t.Helper()
	tb.run("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// location is the tab's current URL.
func (tb *tab) location() string {
	tb.t.Helper()
	u, err := chromedp.Run(tb.ctx, chromedp.Location())
	if err != nil {
		tb.t.Fatalf("location: %v", err)
	}
	return u
}

// path is the path and query of the tab's current URL.
func (tb *tab) path() string {
	tb.t.Helper()
	u, err := url.Parse(tb.location())
	if err != nil {
		tb.t.Fatal(err)
	}
	return u.RequestURI()
}

// text is the page's visible text.
func (tb *tab) text() string {
	tb.t.Helper()
	return eval[string](tb, `document.body ? document.body.innerText : ""`)
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](tb *tab, js string) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		tb.t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// wantText fails unless the page shows every one of texts.
func (tb *tab) wantText(what string, texts ...string) {
	tb.t.Helper()
	body := tb.text()
	for _, s := range texts {
		if !strings.Contains(body, s) {
			tb.t.Errorf("%s (%s): page does not show %q; it shows:\n%s", what, tb.path(), s, clip(body, 1500))
		}
	}
}

// cookies returns the browser's cookies for u.
func (tb *tab) cookies(u string) []*network.Cookie {
	tb.t.Helper()
	res, err := chromedp.Call(tb.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{u}})
	if err != nil {
		tb.t.Fatalf("cookies: %v", err)
	}
	return res.Cookies
}

// overflow reports how wide the page's content is and how wide the
// window: content wider than the window means a sideways scroll bar.
func (tb *tab) overflow() (content, window int) {
	tb.t.Helper()
	w := eval[[]int](tb, `[document.scrollingElement.scrollWidth, window.innerWidth]`)
	return w[0], w[1]
}

// checkWidth fails the test when the page is wider than the window, and
// names the widest elements that stick out, to say where to look.
func (tb *tab) checkWidth(what string) {
	tb.t.Helper()
	content, window := tb.overflow()
	if content <= window {
		return
	}
	culprits := eval[[]string](tb, `(() => {
		const w = window.innerWidth, out = [];
		for (const e of document.body.querySelectorAll('*')) {
			const r = e.getBoundingClientRect();
			if (r.right > w + 1 && ![...e.children].some(c => c.getBoundingClientRect().right > w + 1)) {
				out.push(e.tagName.toLowerCase() + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : '') +
					' ends at ' + Math.round(r.right) + ' px: ' + (e.innerText || '').trim().slice(0, 40));
			}
			if (out.length >= 5) break;
		}
		return out;
	})()`)
	tb.t.Errorf("%s: the page is %d px wide in a %d px window; sticking out: %q", what, content, window, culprits)
}

// cardProblems lists the score cards matching sel that lack an
// achievement, a rank or (when needRating) a rating, and returns how many
// cards there are.
func (tb *tab) cardProblems(sel string, needRating bool) (n int, bad []string) {
	tb.t.Helper()
	v := eval[[]string](tb, fmt.Sprintf(`[...document.querySelectorAll(%q)].map(c => {
		// An icon's text is its image's alt text, once the image has loaded.
		const txt = s => {
			const e = c.querySelector(s);
			if (!e) return '';
			const img = e.tagName === 'IMG' ? e : e.querySelector('img');
			if (img) return img.complete && img.naturalWidth > 0 ? img.alt.trim() : '';
			return (e.innerText || '').trim();
		};
		const missing = [];
		if (!/\d+\.\d{4}%%/.test(txt('.achievement'))) missing.push('achievement');
		if (!txt('.rank')) missing.push('rank');
		if (%v && !/^\d+$/.test(txt('.chart-rating'))) missing.push('rating');
		return missing.length ? txt('.title') + ': no ' + missing.join(', ') : '';
	})`, sel, needRating))
	for _, m := range v {
		if m != "" {
			bad = append(bad, m)
		}
	}
	return len(v), bad
}

// checkWrappers fails the test when a table's .scroll wrapper has to
// scroll sideways: the page fits the window, but the table's last columns
// are hidden until the reader scrolls the table.
func (tb *tab) checkWrappers(what string) {
	tb.t.Helper()
	clipped := eval[[]string](tb, `Array.from(document.querySelectorAll(".scroll")).
		filter(e => e.scrollWidth > e.clientWidth).
		map(e => e.scrollWidth + " px of table in " + e.clientWidth + " px")`)
	for _, c := range clipped {
		tb.t.Errorf("%s: a table is cut off: %s", what, c)
	}
}

// screenshot saves a full-page PNG of the tab as <artifacts>/<scenario>-<name>.png;
// every page shot must fit the window's width.
func (tb *tab) screenshot(name string) {
	tb.t.Helper()
	tb.checkWidth(name)
	ctx, cancel := context.WithTimeout(tb.ctx, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.t.Errorf("screenshot %s: %v", name, err)
		return
	}
	p := filepath.Join(artifactDir(tb.t), tb.scenario+"-"+name+"-"+tb.size.name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		tb.t.Errorf("screenshot %s: %v", name, err)
		return
	}
	tb.t.Logf("screenshot: %s", p)
}

var artifactOnce struct {
	sync.Once
	dir string
	err error
}

// artifactDir is where screenshots go: $MAIPROBE_ARTIFACTS, else
// <repo>/artifacts/e2e (ignored by git).
func artifactDir(t *testing.T) string {
	t.Helper()
	artifactOnce.Do(func() {
		dir := os.Getenv("MAIPROBE_ARTIFACTS")
		if dir == "" {
			// Tests run in the package directory, internal/e2e.
			dir = filepath.Join("..", "..", "artifacts", "e2e")
		}
		if artifactOnce.dir, artifactOnce.err = filepath.Abs(dir); artifactOnce.err == nil {
			artifactOnce.err = os.MkdirAll(artifactOnce.dir, 0o755)
		}
	})
	if artifactOnce.err != nil {
		t.Fatalf("e2e: artifact directory: %v", artifactOnce.err)
	}
	return artifactOnce.dir
}

// chartsDrawn returns how many charts (figure.chart) the page has and
// how many of them hold a drawn uPlot canvas of non-zero size that can be
// read: its legend does not cover it. Without uPlot's stylesheet the plot
// layers are not stacked, the canvas drops below its box and the legend
// lies over it (the analysis page once forgot the stylesheet), so a chart
// whose legend box overlaps its canvas does not count as drawn.
func (tb *tab) chartsDrawn() (total, drawn int) {
	tb.t.Helper()
	v := eval[[]int](tb, `(() => {
		const figs = [...document.querySelectorAll('figure.chart')];
		const overlap = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
		const ok = figs.filter(f => [...f.querySelectorAll('.uplot canvas')].some(c => {
			const r = c.getBoundingClientRect();
			if (!(c.width > 0 && c.height > 0 && r.width > 0 && r.height > 0)) return false;
			return ![...f.querySelectorAll('.u-legend')].some(l => overlap(l.getBoundingClientRect(), r));
		}));
		return [figs.length, ok.length];
	})()`)
	return v[0], v[1]
}

// links returns the href of every link matching sel, resolved.
func (tb *tab) links(sel string) []string {
	tb.t.Helper()
	return eval[[]string](tb, fmt.Sprintf(`[...document.querySelectorAll(%q)].map(a => a.href)`, sel))
}

// formActions returns the URL every form of the page submits to, as the
// browser resolves it (an empty action is the page itself).
func (tb *tab) formActions() []string {
	tb.t.Helper()
	return eval[[]string](tb, `[...document.querySelectorAll('form')].map(f => f.action)`)
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
