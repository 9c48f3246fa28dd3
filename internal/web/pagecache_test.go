package web

import (
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// settle links the imported charts, as the first page view would (a
// write, which changes the archive's version), so the page views of a
// test change nothing.
func settle(t *testing.T, ap *app) {
	t.Helper()
	if err := ap.a.ResolveCharts(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// countRenders makes the app count the pages it renders (each one a run
// of the page's handler, with its archive queries).
func countRenders(ap *app) *atomic.Int64 {
	settle(ap.t, ap)
	var n atomic.Int64
	ap.s.onRender = func(string) { n.Add(1) }
	return &n
}

func TestPageCacheServesRepeatWithoutRendering(t *testing.T) {
	ap := publicApp(t, "record-cn-mixed.html")
	n := countRenders(ap)
	b := ap.browser()
	b.headers["Accept-Encoding"] = "gzip"
	first := b.get("/p/default/plays")
	if first.StatusCode != http.StatusOK || n.Load() != 1 {
		t.Fatalf("first GET: %d, %d renders", first.StatusCode, n.Load())
	}
	second := b.get("/p/default/plays")
	if second.StatusCode != http.StatusOK || second.body != first.body {
		t.Fatalf("second GET: %d, same body %v", second.StatusCode, second.body == first.body)
	}
	if got := n.Load(); got != 1 {
		t.Errorf("the same page with nothing imported between was rendered %d times, want once", got)
	}
	for _, h := range []string{"Content-Security-Policy", "X-Frame-Options", "ETag"} {
		if second.Header.Get(h) == "" {
			t.Errorf("the cached answer lacks %s", h)
		}
	}
	if got := second.Header.Get("Content-Encoding"); got != "gzip" {
		t.Errorf("cached answer's Content-Encoding %q, want gzip", got)
	}
	if cc := second.Header.Get("Cache-Control"); !strings.Contains(cc, "private") || !strings.Contains(cc, "no-cache") {
		t.Errorf("Cache-Control %q: a page is private and must be revalidated", cc)
	}
	// Another encoding is another entry, rendered once more.
	b.headers["Accept-Encoding"] = "br"
	if res := b.get("/p/default/plays"); res.Header.Get("Content-Encoding") != "br" {
		t.Errorf("br request answered with %q", res.Header.Get("Content-Encoding"))
	}
	// Another query is another page.
	b.get("/p/default/plays?page=2")
	if got := n.Load(); got != 3 {
		t.Errorf("%d renders after a new encoding and a new query, want 3", got)
	}
	// The clock moves on past the TTL: what depends on it is fresh.
	ap.clock.add(pageTTL)
	b.get("/p/default/plays?page=2")
	if got := n.Load(); got != 4 {
		t.Errorf("%d renders after the page's TTL, want 4", got)
	}
}

func TestPageCacheImportIsSeenAtOnce(t *testing.T) {
	ap := publicApp(t, "home-cn-2020.html")
	n := countRenders(ap)
	b := ap.browser()
	v0, err := ap.a.Version(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	before := mustGet(t, b, "/p/default/plays")
	mustGet(t, b, "/p/default/plays")
	if len(titleCell.FindAllString(before, -1)) != 0 || n.Load() != 1 {
		t.Fatalf("before the import: %d rows, %d renders", len(titleCell.FindAllString(before, -1)), n.Load())
	}
	importTestdata(t, ap.a, "default", "record-cn-mixed.html")
	v1, err := ap.a.Version(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if v1 <= v0 {
		t.Fatalf("the import left the archive version at %d (was %d)", v1, v0)
	}
	settle(t, ap)
	after := mustGet(t, b, "/p/default/plays")
	if len(titleCell.FindAllString(after, -1)) == 0 {
		t.Error("the first page after an import does not show its plays")
	}
	if n.Load() != 2 {
		t.Errorf("%d renders, want 2 (the import made the page fresh)", n.Load())
	}
	// A setting is a write too: making the player private must not leave
	// the public page cached for an anonymous visitor.
	if err := ap.a.SetPublic(context.Background(), "default", false); err != nil {
		t.Fatal(err)
	}
	if res := b.get("/p/default/plays"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("a player made private: %d for an anonymous visitor, want the login redirect", res.StatusCode)
	}
}

func TestPageCacheKeepsViewersAndLanguagesApart(t *testing.T) {
	ap := publicApp(t, "record-cn-mixed.html")
	ap.addUser("alice", "default")
	ap.addUser("bob", "other")
	n := countRenders(ap)
	alice, bob, anon := ap.browser(), ap.browser(), ap.browser()
	ap.mustLogin(alice, "", "alice")
	ap.mustLogin(bob, "", "bob")
	a1 := mustGet(t, alice, "/p/default/plays")
	b1 := mustGet(t, bob, "/p/default/plays")
	x1 := mustGet(t, anon, "/p/default/plays")
	if !strings.Contains(a1, "alice") || strings.Contains(a1, "bob") {
		t.Error("alice's page does not show her, or shows bob")
	}
	if !strings.Contains(b1, "bob") || strings.Contains(b1, "alice") {
		t.Error("bob got a page that is not his (someone else's cached page?)")
	}
	if strings.Contains(x1, "alice") || strings.Contains(x1, "bob") {
		t.Error("an anonymous visitor got a logged-in user's page")
	}
	if csrfRE.FindStringSubmatch(a1)[1] == csrfRE.FindStringSubmatch(b1)[1] {
		t.Error("two sessions' pages carry the same CSRF token")
	}
	renders := n.Load()
	alice.headers["Accept-Language"] = "en"
	en := mustGet(t, alice, "/p/default/plays")
	if en == a1 || n.Load() != renders+1 {
		t.Error("the English page came from the cache of the Chinese one")
	}
	// The same pages again come from the cache, each to its own viewer.
	delete(alice.headers, "Accept-Language")
	if mustGet(t, alice, "/p/default/plays") != a1 || mustGet(t, bob, "/p/default/plays") != b1 {
		t.Error("a cached page went to the wrong viewer")
	}
	if n.Load() != renders+1 {
		t.Errorf("%d renders for pages already cached", n.Load()-renders-1)
	}
}

func TestPageCacheLogoutEndsCachedSession(t *testing.T) {
	ap := newApp(t, Config{})
	importTestdata(t, ap.a, "default", "record-cn-mixed.html") // private
	ap.addUser("alice", "default")
	b := ap.browser()
	ap.mustLogin(b, "", "alice")
	mustGet(t, b, "/p/default/plays")
	mustGet(t, b, "/p/default/plays") // the session and the page are cached now
	old := b.cookies[sessionCookie]
	tok := b.csrf("/p/default/plays")
	if res := b.post("/logout", url.Values{"csrf": {tok}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", res.StatusCode)
	}
	// A copy of the old cookie must not open the private page.
	thief := ap.browser()
	thief.cookies[sessionCookie] = old
	if res := thief.get("/p/default/plays"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the logged-out session's cookie still got %d for a private page", res.StatusCode)
	}
	// A password changed elsewhere (maiprobe user passwd) ends the logins too.
	ap.mustLogin(b, "", "alice")
	mustGet(t, b, "/p/default/plays")
	if err := ap.a.SetPassword(context.Background(), "alice", "another long password"); err != nil {
		t.Fatal(err)
	}
	if res := b.get("/p/default/plays"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("after a password change the old session got %d, want the login redirect", res.StatusCode)
	}
}

func TestPageCacheETag(t *testing.T) {
	ap := publicApp(t, "record-cn-mixed.html")
	n := countRenders(ap)
	b := ap.browser()
	res := b.get("/p/default/plays")
	etag := res.Header.Get("ETag")
	if etag == "" {
		t.Fatal("a page without an ETag")
	}
	b.headers["If-None-Match"] = etag
	res = b.get("/p/default/plays")
	if res.StatusCode != http.StatusNotModified || res.body != "" {
		t.Errorf("GET with If-None-Match %s: %d with %d bytes, want an empty 304", etag, res.StatusCode, len(res.body))
	}
	b.headers["If-None-Match"] = `"something-else"`
	if res := b.get("/p/default/plays"); res.StatusCode != http.StatusOK {
		t.Errorf("GET with another ETag: %d, want 200", res.StatusCode)
	}
	// After a write the page is rendered again; unchanged, it keeps its
	// ETag, so the browser's copy is still good.
	if err := ap.a.SetPublic(context.Background(), "default", true); err != nil {
		t.Fatal(err)
	}
	ap.addUser("carol", "elsewhere")
	b.headers["If-None-Match"] = etag
	if res := b.get("/p/default/plays"); res.StatusCode != http.StatusNotModified {
		t.Errorf("an unchanged page after an unrelated write: %d, want 304", res.StatusCode)
	}
	if n.Load() != 2 {
		t.Errorf("%d renders, want 2", n.Load())
	}
}

func TestPageCacheNeverKeepsErrorsOrCookies(t *testing.T) {
	ap := publicApp(t, "record-cn-mixed.html")
	n := countRenders(ap)
	b := ap.browser()
	for range 2 {
		if res := b.get("/p/nobody/plays"); res.StatusCode != http.StatusNotFound {
			t.Fatalf("unknown player: %d", res.StatusCode)
		}
	}
	if n.Load() != 2 {
		t.Errorf("a 404 page was served from the cache (%d renders of 2)", n.Load())
	}
	// The login form carries the visitor's own token: not shared with
	// another, also when compressed.
	fresh, other := ap.browser(), ap.browser()
	fresh.headers["Accept-Encoding"], other.headers["Accept-Encoding"] = "gzip", "gzip"
	token := func(b *browser) string {
		t.Helper()
		res := b.get("/login")
		zr, err := gzip.NewReader(strings.NewReader(res.body))
		if err != nil {
			t.Fatalf("login form: %d %q: %v", res.StatusCode, res.Header.Get("Content-Encoding"), err)
		}
		html, _ := io.ReadAll(zr)
		m := csrfRE.FindSubmatch(html)
		if m == nil {
			t.Fatal("no CSRF token on the login form")
		}
		return string(m[1])
	}
	t1 := token(fresh)
	token(fresh)
	t2 := token(other)
	if t1 == t2 || t1 != fresh.cookies[csrfCookie] || t2 != other.cookies[csrfCookie] {
		t.Error("the login form of one visitor went to another")
	}
	if ap.s.pageCache.len() != 0 {
		t.Errorf("%d pages cached, want none (error pages and login forms)", ap.s.pageCache.len())
	}
}

// TestPageCacheRendersOnceUnderConcurrency sends 32 requests for one page
// at once: one renders it, the others wait and get its bytes.
func TestPageCacheRendersOnceUnderConcurrency(t *testing.T) {
	ap := publicApp(t, "record-cn-mixed.html")
	n := countRenders(ap)
	var wg sync.WaitGroup
	bodies := make([]string, 32)
	for i := range bodies {
		wg.Go(func() {
			req := httptest.NewRequest(http.MethodGet, "/p/default/plays", nil)
			req.AddCookie(&http.Cookie{Name: csrfCookie, Value: strings.Repeat("x", 43)})
			rec := httptest.NewRecorder()
			ap.s.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				t.Errorf("request %d: %d", i, rec.Code)
			}
			bodies[i] = rec.Body.String()
		})
	}
	wg.Wait()
	if n.Load() != 1 {
		t.Errorf("32 concurrent requests rendered the page %d times, want once", n.Load())
	}
	for i, b := range bodies {
		if b != bodies[0] {
			t.Errorf("request %d got another body", i)
		}
	}
}

func TestPageCacheBoundedInBytes(t *testing.T) {
	ap := newApp(t, Config{PageCacheBytes: 64 << 10})
	importTestdata(t, ap.a, "default", "record-cn-mixed.html")
	settle(t, ap)
	if err := ap.a.SetPublic(context.Background(), "default", true); err != nil {
		t.Fatal(err)
	}
	b := ap.browser()
	for i := range 40 {
		mustGet(t, b, "/p/default/plays?q="+url.QueryEscape(strings.Repeat("z", i)))
	}
	c := ap.s.pageCache
	c.mu.Lock()
	size, entries := c.size, len(c.entries)
	c.mu.Unlock()
	if size > 64<<10 || entries == 0 || entries >= 40 {
		t.Errorf("cache of 64 KB holds %d bytes in %d pages after 40 pages", size, entries)
	}
}
