package web

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// app is a server over a fresh SQLite archive.
type app struct {
	t     *testing.T
	s     *Server
	a     *archive.Archive
	clock *clock
}

func newApp(t *testing.T, cfg Config) *app {
	t.Helper()
	ctx := context.Background()
	a, err := archive.Open(ctx, filepath.Join(t.TempDir(), "web.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	c := &clock{t: time.Now()}
	if cfg.Now == nil {
		cfg.Now = c.now
	}
	s, err := New(ctx, cfg, a)
	if err != nil {
		t.Fatal(err)
	}
	return &app{t: t, s: s, a: a, clock: c}
}

// addUser adds a user owning player, without the web.
func (ap *app) addUser(name, player string) {
	ap.t.Helper()
	if _, err := ap.a.AddUser(context.Background(), name, "password-"+name, player, false); err != nil {
		ap.t.Fatal(err)
	}
}

// browser is one visitor: an address and a cookie jar.
type browser struct {
	ap      *app
	remote  string            // RemoteAddr, default 192.0.2.1:1234
	host    string            // Host header, default maiprobe.test
	headers map[string]string // sent with every request
	cookies map[string]string
}

func (ap *app) browser() *browser {
	return &browser{ap: ap, remote: "192.0.2.1:1234", host: "maiprobe.test", headers: map[string]string{}, cookies: map[string]string{}}
}

// response is a finished response with its body read.
type response struct {
	*http.Response
	body string
}

func (b *browser) do(req *http.Request) response {
	b.ap.t.Helper()
	req.RemoteAddr = b.remote
	req.Host = b.host
	for k, v := range b.headers {
		req.Header.Set(k, v)
	}
	for k, v := range b.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	rec := httptest.NewRecorder()
	b.ap.s.ServeHTTP(rec, req)
	res := rec.Result()
	for _, c := range res.Cookies() {
		if c.MaxAge < 0 || c.Value == "" {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c.Value
		}
	}
	body, _ := io.ReadAll(res.Body)
	return response{Response: res, body: string(body)}
}

func (b *browser) get(path string) response {
	return b.do(httptest.NewRequest(http.MethodGet, path, nil))
}

// post sends a form; it carries the visitor's CSRF token unless the form
// sets "csrf" itself.
func (b *browser) post(path string, form url.Values) response {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf reads the CSRF token off a page that has a form.
func (b *browser) csrf(path string) string {
	b.ap.t.Helper()
	res := b.get(path)
	m := csrfRE.FindStringSubmatch(res.body)
	if m == nil {
		b.ap.t.Fatalf("GET %s: no csrf field in %d page:\n%s", path, res.StatusCode, res.body)
	}
	return m[1]
}

// login logs the browser in through the login form.
func (b *browser) login(base, name, password string) response {
	b.ap.t.Helper()
	tok := b.csrf(base + "/login")
	return b.post(base+"/login", url.Values{"csrf": {tok}, "name": {name}, "password": {password}})
}

func (ap *app) mustLogin(b *browser, base, name string) {
	ap.t.Helper()
	res := b.login(base, name, "password-"+name)
	if res.StatusCode != http.StatusSeeOther || b.cookies[sessionCookie] == "" {
		ap.t.Fatalf("login %s: %d, cookies %v\n%s", name, res.StatusCode, b.cookies, res.body)
	}
}
