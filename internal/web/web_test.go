package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"

	"github.com/maiprobe/maiprobe/internal/archive"
)

func TestPlayerVisibility(t *testing.T) {
	ap := newApp(t, Config{})
	ap.addUser("owner", "default")
	ap.addUser("eve", "eves")

	anon := ap.browser()
	owner := ap.browser()
	ap.mustLogin(owner, "", "owner")
	eve := ap.browser()
	ap.mustLogin(eve, "", "eve")

	check := func(t *testing.T, who string, b *browser, path string, status int, location string) response {
		t.Helper()
		res := b.get(path)
		if res.StatusCode != status {
			t.Fatalf("%s GET %s: status %d, want %d\n%s", who, path, res.StatusCode, status, res.body)
		}
		if got := res.Header.Get("Location"); got != location {
			t.Errorf("%s GET %s: Location %q, want %q", who, path, got, location)
		}
		return res
	}

	t.Run("private", func(t *testing.T) {
		check(t, "anonymous", anon, "/p/default/", http.StatusSeeOther, "http://maiprobe.test/login?next=%2Fp%2Fdefault%2F")
		res := check(t, "eve", eve, "/p/default/", http.StatusForbidden, "")
		if !strings.Contains(res.body, "你没有权限查看这个页面") {
			t.Errorf("403 page does not say why:\n%s", res.body)
		}
		res = check(t, "owner", owner, "/p/default/", http.StatusOK, "")
		if !strings.Contains(res.body, "<h1>default</h1>") || !strings.Contains(res.body, "共 0 次游玩") {
			t.Errorf("owner's overview lacks the name or the count:\n%s", res.body)
		}
		check(t, "eve", eve, "/p/default/settings", http.StatusForbidden, "")
		check(t, "owner", owner, "/p/nobody/", http.StatusNotFound, "")
		// The owner is sent to their player from the front page.
		check(t, "owner", owner, "/", http.StatusSeeOther, "http://maiprobe.test/p/default/")
	})

	t.Run("owner makes it public", func(t *testing.T) {
		tok := owner.csrf("/p/default/settings")
		res := owner.post("/p/default/settings", url.Values{"csrf": {tok}, "public": {"1"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "http://maiprobe.test/p/default/settings?saved=1" {
			t.Fatalf("save settings: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
		check(t, "anonymous", anon, "/p/default/", http.StatusOK, "")
		check(t, "eve", eve, "/p/default/", http.StatusOK, "")
		// Viewing is public; changing still is the owner's.
		check(t, "anonymous", anon, "/p/default/settings", http.StatusSeeOther, "http://maiprobe.test/login?next=%2Fp%2Fdefault%2Fsettings")
		check(t, "eve", eve, "/p/default/settings", http.StatusForbidden, "")
		res = eve.post("/p/default/settings", url.Values{"csrf": {eve.csrf("/p/eves/settings")}, "public": {"0"}})
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("eve changed the owner's settings: %d", res.StatusCode)
		}
		if acc, _ := ap.a.PlayerAccess(context.Background(), "default", 0); !acc.Public {
			t.Error("the player went private after eve's refused change")
		}
		// The front page lists public players to anonymous visitors.
		res = check(t, "anonymous", anon, "/", http.StatusOK, "")
		if !strings.Contains(res.body, `<a href="/p/default/">default</a>`) {
			t.Errorf("front page does not list the public player:\n%s", res.body)
		}
	})

	t.Run("logout", func(t *testing.T) {
		tok := owner.csrf("/p/default/")
		res := owner.post("/logout", url.Values{"csrf": {tok}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("logout: %d", res.StatusCode)
		}
		if _, ok := owner.cookies[sessionCookie]; ok {
			t.Error("logout left the session cookie")
		}
		check(t, "logged out owner", owner, "/p/default/settings", http.StatusSeeOther, "http://maiprobe.test/login?next=%2Fp%2Fdefault%2Fsettings")
	})
}

func TestCSRF(t *testing.T) {
	ap := newApp(t, Config{})
	ap.addUser("owner", "default")
	owner := ap.browser()
	ap.mustLogin(owner, "", "owner")
	tok := owner.csrf("/p/default/settings")

	tests := []struct {
		name    string
		form    url.Values
		headers map[string]string
		status  int
	}{
		{"no token", url.Values{"public": {"1"}}, nil, http.StatusForbidden},
		{"wrong token", url.Values{"public": {"1"}, "csrf": {tok + "x"}}, nil, http.StatusForbidden},
		{"the anonymous token", url.Values{"public": {"1"}, "csrf": {ap.browser().csrf("/login")}}, nil, http.StatusForbidden},
		{"cross-site fetch", url.Values{"public": {"1"}, "csrf": {tok}}, map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"other origin", url.Values{"public": {"1"}, "csrf": {tok}}, map[string]string{"Origin": "http://evil.test"}, http.StatusForbidden},
		{"same origin", url.Values{"public": {"1"}, "csrf": {tok}}, map[string]string{"Origin": "http://maiprobe.test", "Sec-Fetch-Site": "same-origin"}, http.StatusSeeOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, "/p/default/settings", strings.NewReader(tt.form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range tt.headers {
				req.Header.Set(k, v)
			}
			res := owner.do(req)
			if res.StatusCode != tt.status {
				t.Fatalf("status %d, want %d\n%s", res.StatusCode, tt.status, res.body)
			}
			acc, _ := ap.a.PlayerAccess(context.Background(), "default", 0)
			if acc.Public != (tt.status == http.StatusSeeOther) {
				t.Errorf("public = %v after a %d", acc.Public, res.StatusCode)
			}
		})
	}

	t.Run("login form without token", func(t *testing.T) {
		b := ap.browser()
		b.get("/login")
		res := b.post("/login", url.Values{"name": {"owner"}, "password": {"password-owner"}})
		if res.StatusCode != http.StatusForbidden || b.cookies[sessionCookie] != "" {
			t.Fatalf("login without a CSRF token: %d, session %q", res.StatusCode, b.cookies[sessionCookie])
		}
	})
}

func TestCompression(t *testing.T) {
	ap := newApp(t, Config{})
	ap.addUser("owner", "default")
	importRecord(t, ap.a, "default", "")
	owner := ap.browser()
	ap.mustLogin(owner, "", "owner")
	css := regexp.MustCompile(`href="(/static/style\.[0-9a-f]+\.css)"`).FindStringSubmatch(owner.get("/p/default/").body)
	if css == nil {
		t.Fatal("no stylesheet link on the overview")
	}

	for _, path := range []string{"/p/default/", css[1]} {
		t.Run(path, func(t *testing.T) {
			owner.headers["Accept-Encoding"] = ""
			plain := owner.get(path)
			if plain.StatusCode != http.StatusOK || plain.Header.Get("Content-Encoding") != "" || len(plain.body) < minCompress {
				t.Fatalf("uncompressed: %d, encoding %q, %d bytes", plain.StatusCode, plain.Header.Get("Content-Encoding"), len(plain.body))
			}
			for _, tt := range []struct {
				accept, encoding string
				decode           func(io.Reader) (io.Reader, error)
			}{
				{"gzip, deflate, br, zstd", "br", func(r io.Reader) (io.Reader, error) { return brotli.NewReader(r), nil }},
				{"gzip", "gzip", func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) }},
				{"br;q=0.5, gzip;q=0.8", "gzip", func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) }},
				{"br;q=0, gzip;q=0", "", func(r io.Reader) (io.Reader, error) { return r, nil }},
			} {
				owner.headers["Accept-Encoding"] = tt.accept
				res := owner.get(path)
				if got := res.Header.Get("Content-Encoding"); got != tt.encoding {
					t.Fatalf("Accept-Encoding %q: Content-Encoding %q, want %q", tt.accept, got, tt.encoding)
				}
				if !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
					t.Errorf("Accept-Encoding %q: no Vary: Accept-Encoding", tt.accept)
				}
				r, err := tt.decode(strings.NewReader(res.body))
				if err != nil {
					t.Fatal(err)
				}
				got, err := io.ReadAll(r)
				if err != nil {
					t.Fatalf("Accept-Encoding %q: decode: %v", tt.accept, err)
				}
				// Pages carry no per-request token but the CSRF field, the
				// same within one session.
				if !bytes.Equal(got, []byte(plain.body)) {
					t.Errorf("Accept-Encoding %q: decoded body differs from the uncompressed one (%d vs %d bytes)", tt.accept, len(got), len(plain.body))
				}
				if tt.encoding != "" && len(res.body) >= len(plain.body) {
					t.Errorf("Accept-Encoding %q: %d bytes compressed, %d plain", tt.accept, len(res.body), len(plain.body))
				}
			}
		})
	}

	t.Run("tiny bodies stay plain", func(t *testing.T) {
		owner.headers["Accept-Encoding"] = "br, gzip"
		res := owner.get("/static/nothing.css") // net/http's short 404 text
		if res.StatusCode != http.StatusNotFound || res.Header.Get("Content-Encoding") != "" {
			t.Errorf("tiny 404: %d, encoding %q", res.StatusCode, res.Header.Get("Content-Encoding"))
		}
	})
}

func TestBasePathAndProxies(t *testing.T) {
	ap := newApp(t, Config{BasePath: "/release/", TrustedProxies: mustPrefixes(t, "10.0.0.0/8")})
	ap.addUser("owner", "default")
	const base = "/release"

	t.Run("links, forms and assets under the base path", func(t *testing.T) {
		b := ap.browser()
		ap.mustLogin(b, base, "owner")
		attr := regexp.MustCompile(`(?:href|src|action)="([^"]*)"`)
		for _, page := range []string{"/p/default/", "/p/default/settings", "/nope"} {
			res := b.get(base + page)
			links := attr.FindAllStringSubmatch(res.body, -1)
			if len(links) < 5 {
				t.Fatalf("%s: only %d links", page, len(links))
			}
			for _, m := range links {
				if !strings.HasPrefix(m[1], base+"/") {
					t.Errorf("%s: link %q is outside %s", page, m[1], base)
				}
			}
		}
		css := regexp.MustCompile(`href="(/release/static/[^"]+)"`).FindStringSubmatch(b.get(base + "/p/default/").body)
		if css == nil {
			t.Fatal("no stylesheet under the base path")
		}
		res := b.get(css[1])
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/css") ||
			res.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" || !strings.Contains(res.body, "nav.pages") {
			t.Errorf("stylesheet: %d %q %q", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Cache-Control"))
		}
		// Settings form posts back under the base path and redirects there.
		tok := b.csrf(base + "/p/default/settings")
		res = b.post(base+"/p/default/settings", url.Values{"csrf": {tok}, "public": {"1"}})
		if got := res.Header.Get("Location"); got != "http://maiprobe.test/release/p/default/settings?saved=1" {
			t.Errorf("redirect after saving: %q", got)
		}
		if c := findCookie(res.Response, sessionCookie); c != nil {
			t.Errorf("unexpected session cookie %v", c)
		}
	})

	t.Run("outside the base path", func(t *testing.T) {
		b := ap.browser()
		for path, want := range map[string]int{
			"/healthz": 200, base + "/healthz": 200, "/p/default/": 404, "/": 404, base: 301,
		} {
			res := b.get(path)
			if res.StatusCode != want {
				t.Errorf("GET %s: %d, want %d", path, res.StatusCode, want)
			}
		}
		if got := b.get(base).Header.Get("Location"); got != "http://maiprobe.test/release/" {
			t.Errorf("GET %s: Location %q", base, got)
		}
	})

	tests := []struct {
		name     string
		remote   string
		headers  map[string]string
		location string
		secure   bool
	}{
		{"direct", "192.0.2.1:1000", nil, "http://maiprobe.test/release/login?next=%2Fp%2Fdefault%2F", false},
		{"trusted proxy, https", "10.1.2.3:1000", map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-Host": "scores.example"},
			"https://scores.example/release/login?next=%2Fp%2Fdefault%2F", true},
		{"trusted gateway, X-Api-Scheme", "10.1.2.3:1000", map[string]string{"X-Api-Scheme": "https"},
			"https://maiprobe.test/release/login?next=%2Fp%2Fdefault%2F", true},
		{"untrusted client sending the headers", "192.0.2.9:1000", map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example", "X-Api-Scheme": "https"},
			"http://maiprobe.test/release/login?next=%2Fp%2Fdefault%2F", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := ap.browser()
			b.remote, b.headers = tt.remote, tt.headers
			if tt.headers == nil {
				b.headers = map[string]string{}
			}
			// The player went public above; a private one shows the login redirect.
			if err := ap.a.SetPublic(context.Background(), "default", false); err != nil {
				t.Fatal(err)
			}
			res := b.get(base + "/p/default/")
			if got := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || got != tt.location {
				t.Errorf("status %d, Location %q, want %q", res.StatusCode, got, tt.location)
			}
			c := findCookie(res.Response, csrfCookie)
			if c == nil || c.Secure != tt.secure || c.Path != "/release/" || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
				t.Errorf("cookie %+v, want Secure=%v, Path /release/, HttpOnly, SameSite=Lax", c, tt.secure)
			}
			// A login form from the external origin passes the Origin check
			// only when the external origin was worked out right.
			origin := strings.SplitN(tt.location, "/release", 2)[0]
			tok := b.csrf(base + "/login")
			req, _ := http.NewRequest(http.MethodPost, base+"/login", strings.NewReader(url.Values{"csrf": {tok}, "name": {"owner"}, "password": {"password-owner"}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", origin)
			res = b.do(req)
			sc := findCookie(res.Response, sessionCookie)
			if res.StatusCode != http.StatusSeeOther || sc == nil || sc.Secure != tt.secure {
				t.Errorf("login from %s: %d, session cookie %+v", origin, res.StatusCode, sc)
			}
		})
	}
}

func TestFavicon(t *testing.T) {
	ap := newApp(t, Config{BasePath: "/release"})
	b := ap.browser()
	link := regexp.MustCompile(`<link rel="icon" href="(/release/static/favicon\.[0-9a-f]{12}\.svg)"`).FindStringSubmatch(b.get("/release/login").body)
	if link == nil {
		t.Fatal("the layout links no hashed favicon under the base path")
	}
	icon := b.get(link[1])
	if icon.StatusCode != http.StatusOK || icon.Header.Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(icon.body, "<svg") {
		t.Fatalf("GET %s: %d %q", link[1], icon.StatusCode, icon.Header.Get("Content-Type"))
	}
	for _, path := range []string{"/favicon.ico", "/release/favicon.ico"} {
		t.Run(path, func(t *testing.T) {
			res := b.get(path)
			if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/svg+xml" || res.body != icon.body {
				t.Errorf("GET %s: %d %q, not the linked icon", path, res.StatusCode, res.Header.Get("Content-Type"))
			}
		})
	}
}

func TestHTTPSRedirect(t *testing.T) {
	ap := newApp(t, Config{BasePath: "/test", HTTPSRedirect: true, TrustedProxies: mustPrefixes(t, "10.0.0.1")})
	tests := []struct {
		name, remote, proto string
		status              int
		location            string
	}{
		{"plain http", "192.0.2.1:1", "", http.StatusPermanentRedirect, "https://maiprobe.test/test/login?next=%2F"},
		{"untrusted claims https", "192.0.2.1:1", "https", http.StatusPermanentRedirect, "https://maiprobe.test/test/login?next=%2F"},
		{"trusted proxy terminated TLS", "10.0.0.1:1", "https", http.StatusOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := ap.browser()
			b.remote = tt.remote
			if tt.proto != "" {
				b.headers["X-Forwarded-Proto"] = tt.proto
			}
			res := b.get("/test/login?next=%2F")
			if res.StatusCode != tt.status || res.Header.Get("Location") != tt.location {
				t.Errorf("%d %q, want %d %q", res.StatusCode, res.Header.Get("Location"), tt.status, tt.location)
			}
			for _, path := range []string{"/healthz", "/test/healthz"} {
				if res := b.get(path); res.StatusCode != http.StatusOK {
					t.Errorf("%s over http: %d (load balancers and gateways check over plain HTTP)", path, res.StatusCode)
				}
			}
		})
	}
}

func TestLoginRateLimit(t *testing.T) {
	ap := newApp(t, Config{})
	ap.addUser("owner", "default")
	b := ap.browser()
	for i := 0; i < freeTries; i++ {
		if res := b.login("", "owner", "wrong password"); res.StatusCode != http.StatusUnauthorized || !strings.Contains(res.body, "用户名或密码错误") {
			t.Fatalf("wrong password #%d: %d", i+1, res.StatusCode)
		}
	}
	res := b.login("", "owner", "password-owner")
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") != "30" || b.cookies[sessionCookie] != "" {
		t.Fatalf("after %d failures: %d, Retry-After %q", freeTries, res.StatusCode, res.Header.Get("Retry-After"))
	}
	if !strings.Contains(res.body, "尝试次数过多，请 30 秒后再试") {
		t.Errorf("429 page does not say how long to wait:\n%s", res.body)
	}

	// The user is limited from another address too.
	other := ap.browser()
	other.remote = "198.51.100.7:1"
	if res := other.login("", "owner", "password-owner"); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("same user from another address: %d", res.StatusCode)
	}
	// And the address for another user name.
	if res := b.login("", "someone", "whatever1"); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("same address, other user: %d", res.StatusCode)
	}

	ap.clock.add(31 * time.Second)
	if res := b.login("", "owner", "wrong again"); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("after the wait: %d", res.StatusCode)
	}
	// Each further failure doubles the wait.
	if res := b.login("", "owner", "password-owner"); res.Header.Get("Retry-After") != "60" {
		t.Errorf("second lockout: %d, Retry-After %q, want 60", res.StatusCode, res.Header.Get("Retry-After"))
	}
	ap.clock.add(61 * time.Second)
	if res := b.login("", "owner", "password-owner"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("right password after the wait: %d", res.StatusCode)
	}
}

func TestFirstRunSetup(t *testing.T) {
	ap := newApp(t, Config{BasePath: "/release"})
	setup := ap.s.SetupPath()
	if !strings.HasPrefix(setup, "/release/setup?token=") || len(setup) < len("/release/setup?token=")+40 {
		t.Fatalf("SetupPath %q", setup)
	}
	token := strings.TrimPrefix(setup, "/release/setup?token=")
	form := func(tok string) url.Values {
		return url.Values{"token": {tok}, "name": {"mai"}, "password": {"sekrit-pass"}, "password2": {"sekrit-pass"}, "player": {"mai"}}
	}

	intruder := ap.browser()
	for _, path := range []string{"/release/setup", "/release/setup?token=", "/release/setup?token=" + token[:len(token)-1] + "x"} {
		if res := intruder.get(path); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, res.StatusCode)
		}
	}
	tok := intruder.csrf("/release/login")
	for _, bad := range []string{"", "guess", token + "x"} {
		f := form(bad)
		f.Set("csrf", tok)
		if res := intruder.post("/release/setup", f); res.StatusCode != http.StatusNotFound {
			t.Errorf("POST setup with token %q: %d, want 404", bad, res.StatusCode)
		}
	}
	if n, _ := ap.a.CountUsers(context.Background()); n != 0 {
		t.Fatalf("%d users after refused setups", n)
	}

	admin := ap.browser()
	f := form(token)
	f.Set("csrf", admin.csrf(setup))
	f.Set("password2", "other-pass")
	if res := admin.post("/release/setup", f); res.StatusCode != http.StatusBadRequest || !strings.Contains(res.body, "两次输入的密码不一致") {
		t.Errorf("mismatched passwords: %d", res.StatusCode)
	}
	f.Set("password2", "sekrit-pass")
	res := admin.post("/release/setup", f)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "http://maiprobe.test/release/p/mai/settings" {
		t.Fatalf("setup: %d %q\n%s", res.StatusCode, res.Header.Get("Location"), res.body)
	}
	if res := admin.get("/release/p/mai/settings"); res.StatusCode != http.StatusOK {
		t.Errorf("the new owner's settings: %d", res.StatusCode)
	}
	if p := ap.s.SetupPath(); p != "" {
		t.Errorf("SetupPath after setup: %q", p)
	}
	again := form(token)
	again.Set("csrf", tok)
	again.Set("name", "second")
	if res := intruder.post("/release/setup", again); res.StatusCode != http.StatusNotFound {
		t.Errorf("second setup with the used token: %d", res.StatusCode)
	}
	if u, _ := ap.a.Users(context.Background()); len(u) != 1 || len(u["mai"]) != 1 || u["mai"][0] != "mai" {
		t.Errorf("users %v, want mai owning mai", u)
	}
	// A server started on an archive with users offers no setup.
	s2, err := New(context.Background(), Config{}, ap.a)
	if err != nil {
		t.Fatal(err)
	}
	if p := s2.SetupPath(); p != "" {
		t.Errorf("SetupPath with a user: %q", p)
	}
}

func TestImportedTextIsEscaped(t *testing.T) {
	ap := newApp(t, Config{})
	importRecord(t, ap.a, "default", `&lt;script&gt;alert(1)&lt;/script&gt;`)
	if err := ap.a.SetPublic(context.Background(), "default", true); err != nil {
		t.Fatal(err)
	}
	res := ap.browser().get("/p/default/")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("overview: %d", res.StatusCode)
	}
	if strings.Contains(res.body, "<script>alert(1)") {
		t.Error("the imported title reached the page as markup")
	}
	if !strings.Contains(res.body, `>&lt;script&gt;alert(1)&lt;/script&gt;</a>`) {
		t.Errorf("the imported title is not shown as text:\n%s", res.body)
	}
}

func TestLanguage(t *testing.T) {
	ap := newApp(t, Config{BasePath: "/release"})
	tests := []struct {
		name, accept, cookie, want string
	}{
		{"default", "", "", "登录"},
		{"english browser", "en-GB,en;q=0.9", "", "Log in"},
		{"chinese first", "zh-CN,zh;q=0.9,en;q=0.8", "", "登录"},
		{"english preferred by q", "zh;q=0.5, en;q=0.9", "", "Log in"},
		{"cookie wins", "zh-CN", "en", "Log in"},
		{"unknown languages", "fr, de", "", "登录"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := ap.browser()
			b.headers["Accept-Language"] = tt.accept
			if tt.cookie != "" {
				b.cookies[langCookie] = tt.cookie
			}
			res := b.get("/release/login")
			if !strings.Contains(res.body, "<h1>"+tt.want+"</h1>") {
				t.Errorf("want %q:\n%s", tt.want, res.body)
			}
		})
	}
	t.Run("switch", func(t *testing.T) {
		b := ap.browser()
		page := b.get("/release/login?next=%2Fp%2Fx%2F%3Fpage%3D2%26sort%3Da")
		link := regexp.MustCompile(`<a href="([^"]+)" lang="en">English</a>`).FindStringSubmatch(page.body)
		if link == nil {
			t.Fatalf("no English switch:\n%s", page.body)
		}
		res := b.get(strings.ReplaceAll(link[1], "&amp;", "&"))
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "http://maiprobe.test/release/login?next=%2Fp%2Fx%2F%3Fpage%3D2%26sort%3Da" {
			t.Fatalf("switch: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
		if !strings.Contains(b.get("/release/login").body, "<h1>Log in</h1>") {
			t.Error("the switch did not stick")
		}
		if got := b.get("/release/lang/en?next=//evil.example/").Header.Get("Location"); got != "http://maiprobe.test/release/" {
			t.Errorf("switch to another site: %q", got)
		}
	})
}

// TestCataloguesCoverTemplates: every {{t "key"}} of the templates and
// every key the Go code hands to fail or a view exists in both languages.
func TestCataloguesCoverTemplates(t *testing.T) {
	cats, err := loadCatalogues()
	if err != nil {
		t.Fatal(err)
	}
	keyRE := regexp.MustCompile(`(?:\{\{t |Error = |Error, v\.\w+ = |fail\(w, r, [\w.]+, )"([a-z_]+\.[a-z_.]+)"`)
	files, _ := filepath.Glob("templates/*.html")
	gofiles, _ := filepath.Glob("*.go")
	n := 0
	for _, f := range append(files, gofiles...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyRE.FindAllStringSubmatch(string(b), -1) {
			n++
			for _, l := range langs {
				if _, ok := cats[l][m[1]]; !ok {
					t.Errorf("%s: key %q missing from locales/%s.json", f, m[1], l)
				}
			}
		}
	}
	if n < 30 {
		t.Errorf("found only %d keys; is the pattern still right?", n)
	}
}

func TestURLHelper(t *testing.T) {
	s := &Server{cfg: Config{BasePath: "/release"}}
	tests := []struct {
		format string
		args   []any
		want   string
	}{
		{"/", nil, "/release/"},
		{"/p/%s/plays", []any{"default"}, "/release/p/default/plays"},
		{"/p/%s/plays", []any{"a/b c?"}, "/release/p/a%2Fb%20c%3F/plays"},
		{"/p/%s/plays?page=%d", []any{"x", 3}, "/release/p/x/plays?page=3"},
		{"/lang/en?next=%s", []any{"/p/x/?a=1&b=2"}, "/release/lang/en?next=%2Fp%2Fx%2F%3Fa%3D1%26b%3D2"},
		{"/p/x/?page=2&sort=a%20b", nil, "/release/p/x/?page=2&sort=a%20b"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := s.url(tt.format, tt.args...); got != tt.want {
				t.Errorf("url(%q, %v) = %q, want %q", tt.format, tt.args, got, tt.want)
			}
		})
	}
}

func TestPager(t *testing.T) {
	tests := []struct {
		query               string
		total               int
		page, pages, offset int
		prev, next          bool
		link2               string
	}{
		{"", 0, 1, 1, 0, false, false, "/p/x/plays?page=2"},
		{"page=2", 45, 2, 3, 20, true, true, "/p/x/plays?page=2"},
		{"page=9", 45, 3, 3, 40, true, false, "/p/x/plays?page=2"},
		{"page=-1", 45, 1, 3, 0, false, true, "/p/x/plays?page=2"},
		{"page=abc&level=13%2B", 20, 1, 1, 0, false, false, "/p/x/plays?level=13%2B&page=2"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			r, _ := http.NewRequest(http.MethodGet, "/p/x/plays?"+tt.query, nil)
			p := newPager(r, 20, tt.total)
			if p.Page != tt.page || p.Pages() != tt.pages || p.Offset() != tt.offset || p.HasPrev() != tt.prev || p.HasNext() != tt.next {
				t.Errorf("page %d/%d offset %d prev %v next %v", p.Page, p.Pages(), p.Offset(), p.HasPrev(), p.HasNext())
			}
			if got := p.Link(2); got != tt.link2 {
				t.Errorf("Link(2) = %q, want %q", got, tt.link2)
			}
		})
	}
}

func TestOverviewPages(t *testing.T) {
	ap := newApp(t, Config{})
	importRecord(t, ap.a, "default", "")
	ap.a.SetPublic(context.Background(), "default", true)
	n, _ := ap.a.CountPlays(context.Background(), "default")
	if n < 2 {
		t.Fatalf("the record page gave %d plays", n)
	}
	rows := regexp.MustCompile(`<article class="score-card`)
	b := ap.browser()
	first := b.get("/p/default/")
	if got := len(rows.FindAllString(first.body, -1)); got != min(n, overviewPageSize) {
		t.Errorf("first page lists %d plays of %d", got, n)
	}
	if !strings.Contains(first.body, "共 "+strconv.Itoa(n)+" 次游玩") {
		t.Errorf("no count %d on the overview", n)
	}
}

// importRecord imports the parser's synthetic record page, with the
// title of its first play replaced when title is set (HTML source text).
func importRecord(t *testing.T, a *archive.Archive, player, title string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "dxnet", "testdata", "record-cn-mixed.html"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	if title != "" {
		const orig = "ウミユリ海底譚"
		if !strings.Contains(page, orig) {
			t.Fatalf("record-cn-mixed.html no longer has %q to replace", orig)
		}
		page = strings.Replace(page, orig, title, 1)
	}
	res := a.Import(context.Background(), player, archive.Source{Name: "record.html", Data: []byte(page), ObservedAt: time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)})
	if res.Err != nil || res.Status != archive.Added {
		t.Fatalf("import: %s %v", res.Status, res.Err)
	}
}

func mustPrefixes(t *testing.T, list string) []netip.Prefix {
	t.Helper()
	p, err := ParseTrustedProxies(list)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func findCookie(res *http.Response, name string) *http.Cookie {
	for _, c := range res.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func TestMaxUpload(t *testing.T) {
	ap := newApp(t, Config{MaxUpload: 1024})
	ap.addUser("owner", "default")
	b := ap.browser()
	tok := b.csrf("/login")
	tests := []struct {
		name    string
		padding int
		status  int
	}{
		{"small", 10, http.StatusSeeOther},
		{"over the limit", 2048, http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := b.post("/login", url.Values{"csrf": {tok}, "name": {"owner"}, "password": {"password-owner"}, "pad": {strings.Repeat("x", tt.padding)}})
			if res.StatusCode != tt.status {
				t.Errorf("status %d, want %d", res.StatusCode, tt.status)
			}
			if tt.status == http.StatusRequestEntityTooLarge && !strings.Contains(res.body, "超过 1 KB 上限") {
				t.Errorf("413 page does not say the limit:\n%s", res.body)
			}
		})
	}
}

func TestByteSize(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{
		{64 << 20, "64 MB"}, {3 << 19, "1.5 MB"}, {2048, "2 KB"}, {1000, "1000 B"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := byteSize(tt.n); got != tt.want {
				t.Errorf("byteSize(%d) = %q, want %q", tt.n, got, tt.want)
			}
		})
	}
}

func TestClientAddress(t *testing.T) {
	s := &Server{cfg: Config{TrustedProxies: mustPrefixes(t, "10.0.0.0/8, ::1")}}
	tests := []struct {
		name, remote, xff, want string
	}{
		{"direct", "192.0.2.1:5", "", "192.0.2.1"},
		{"direct, forged header", "192.0.2.1:5", "203.0.113.9", "192.0.2.1"},
		{"one proxy", "10.0.0.2:5", "203.0.113.9", "203.0.113.9"},
		{"client forged the start of the chain", "10.0.0.2:5", "1.1.1.1, 203.0.113.9, 10.0.0.3", "203.0.113.9"},
		{"IPv6 proxy", "[::1]:5", "1.1.1.1", "1.1.1.1"},
		{"proxy without header", "10.0.0.2:5", "", "10.0.0.2"},
		{"garbage", "10.0.0.2:5", "not-an-ip", "10.0.0.2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := http.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tt.remote
			if tt.xff != "" {
				r.Header.Set("X-Forwarded-For", tt.xff)
			}
			if got := s.resolve(r).IP; got != tt.want {
				t.Errorf("IP %q, want %q", got, tt.want)
			}
		})
	}
}
