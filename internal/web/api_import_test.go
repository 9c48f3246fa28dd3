package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/capture"
)

// dxnetPage reads a synthetic page of the parsers' testdata.
func dxnetPage(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("../dxnet/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// newToken makes an import token for player without the web.
func (ap *app) newImportToken(player string) string {
	ap.t.Helper()
	secret, _, err := ap.a.CreateImportToken(context.Background(), player, "test")
	if err != nil {
		ap.t.Fatal(err)
	}
	return secret
}

// apiReply is an import API answer as a client reads it.
type apiReply struct {
	Player string    `json:"player"`
	Name   string    `json:"name"`   // set when the request held one page
	Status string    `json:"status"` // set when the request held one page
	Files  []apiFile `json:"files"`
}

// apiPost posts body to the import API with a token (none when "").
func (b *browser) apiPost(path, token, contentType string, body []byte) (response, apiReply) {
	b.ap.t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res := b.do(req)
	var ans apiReply
	if res.StatusCode == http.StatusOK {
		if err := json.Unmarshal([]byte(res.body), &ans); err != nil {
			b.ap.t.Fatalf("POST %s: %v\n%s", path, err, res.body)
		}
		if one := len(ans.Files) == 1; one != (ans.Status != "") || one && (ans.Name != ans.Files[0].Name || ans.Status != string(ans.Files[0].Status)) {
			b.ap.t.Errorf("POST %s: the top level does not repeat the one file: %s", path, res.body)
		}
	}
	return res, ans
}

func apiErrorOf(t *testing.T, res response) string {
	t.Helper()
	var e struct{ Error string }
	if err := json.Unmarshal([]byte(res.body), &e); err != nil || e.Error == "" {
		t.Fatalf("%d: want a JSON error, got %q", res.StatusCode, res.body)
	}
	return e.Error
}

func TestImportAPIFormats(t *testing.T) {
	ap := newApp(t, Config{})
	ap.addUser("alice", "alice")
	token := ap.newImportToken("alice")
	record := dxnetPage(t, "record-cn-mixed.html")
	detail := dxnetPage(t, "playlogDetail-cn-dx.html")
	login := dxnetPage(t, "login-cn-wechat.html")

	var multi bytes.Buffer
	mw := multipart.NewWriter(&multi)
	for _, f := range []struct {
		name string
		data []byte
	}{{"a-record.html", record}, {"b-detail.html", detail}} {
		fw, _ := mw.CreateFormFile("file", f.name)
		fw.Write(f.data)
	}
	mw.Close()
	jsonList, _ := json.Marshal([]apiPage{{Name: "record.html", HTML: string(record)}, {Name: "login.html", HTML: string(login)}})
	jsonOne, _ := json.Marshal(apiPage{Name: "detail.html", HTML: string(detail)})

	type file struct {
		name, status, kind string
		plays              int
	}
	for _, tt := range []struct {
		name, path, ctype string
		body              []byte
		want              []file
	}{
		{"html body", "/api/import?name=record.html", "text/html; charset=utf-8", record,
			[]file{{"record.html", "added", "record", 5}}},
		{"same page again", "/api/import", "text/html", record,
			[]file{{"page.html", "unchanged", "record", 0}}},
		{"multipart", "/api/import", mw.FormDataContentType(), multi.Bytes(),
			[]file{{"a-record.html", "unchanged", "record", 0}, {"b-detail.html", "added", "playlogDetail", 1}}},
		{"json list with a login page", "/api/import", "application/json", jsonList,
			[]file{{"record.html", "unchanged", "record", 0}, {"login.html", "rejected", "login", 0}}},
		{"json object", "/api/import", "application/json", jsonOne,
			[]file{{"detail.html", "unchanged", "playlogDetail", 0}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, ans := ap.browser().apiPost(tt.path, token, tt.ctype, tt.body)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %s", res.StatusCode, res.body)
			}
			if ans.Player != "alice" || len(ans.Files) != len(tt.want) {
				t.Fatalf("answer %+v", ans)
			}
			for i, w := range tt.want {
				f := ans.Files[i]
				if f.Name != w.name || string(f.Status) != w.status || f.Kind != w.kind || f.Added.Plays != w.plays {
					t.Errorf("file %d = %+v, want %+v", i, f, w)
				}
				if (f.Status == "rejected") != (f.Error != "") {
					t.Errorf("file %d: status %s with error %q", i, f.Status, f.Error)
				}
			}
		})
	}
	if n, err := ap.a.CountPlays(context.Background(), "alice"); err != nil || n != 6 {
		t.Errorf("alice has %d plays (%v), want 6: the record's 5 and the detail's", n, err)
	}
}

func TestImportAPIRefusals(t *testing.T) {
	ap := newApp(t, Config{MaxUpload: 1 << 20})
	ap.addUser("alice", "alice")
	token := ap.newImportToken("alice")
	record := dxnetPage(t, "record-cn-mixed.html")

	revoked, tok, err := ap.a.CreateImportToken(context.Background(), "alice", "old")
	if err != nil {
		t.Fatal(err)
	}
	if err := ap.a.RevokeImportToken(context.Background(), "alice", tok.ID); err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct {
		name, token, ctype string
		body               []byte
		status             int
		want               string
	}{
		{"no token", "", "text/html", record, http.StatusUnauthorized, "no import token"},
		{"wrong token", token + "x", "text/html", record, http.StatusUnauthorized, "unknown or was revoked"},
		{"revoked token", revoked, "text/html", record, http.StatusUnauthorized, "unknown or was revoked"},
		{"no content type", token, "", record, http.StatusUnsupportedMediaType, "Content-Type"},
		{"image", token, "image/png", record, http.StatusUnsupportedMediaType, "image/png"},
		{"empty", token, "text/html", nil, http.StatusOK, ""},
		{"bad json", token, "application/json", []byte(`{"name": 1`), http.StatusBadRequest, "bad JSON"},
		{"json without html", token, "application/json", []byte(`{"name": "x.html"}`), http.StatusBadRequest, `no "html"`},
		{"too large", token, "text/html", bytes.Repeat([]byte("a"), 2<<20), http.StatusRequestEntityTooLarge, "limit of 1048576 bytes"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, ans := ap.browser().apiPost("/api/import", tt.token, tt.ctype, tt.body)
			if res.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", res.StatusCode, tt.status, res.body)
			}
			if tt.status == http.StatusOK {
				// An empty body is a file the archive rejects, said per file.
				if len(ans.Files) != 1 || ans.Files[0].Status != "rejected" {
					t.Errorf("answer %+v", ans)
				}
				return
			}
			if msg := apiErrorOf(t, res); !strings.Contains(msg, tt.want) {
				t.Errorf("error %q, want it to say %q", msg, tt.want)
			}
		})
	}

	t.Run("the login cookie is no credential", func(t *testing.T) {
		b := ap.browser()
		ap.mustLogin(b, "", "alice")
		res, _ := b.apiPost("/api/import", "", "text/html", record)
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("logged-in browser without a token: %d, want 401", res.StatusCode)
		}
		if findCookie(res.Response, sessionCookie) != nil || findCookie(res.Response, csrfCookie) != nil {
			t.Error("the API set a cookie")
		}
	})

	t.Run("other methods and paths", func(t *testing.T) {
		b := ap.browser()
		if res := b.get("/api/import"); res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != "POST, OPTIONS" {
			t.Errorf("GET: %d Allow %q", res.StatusCode, res.Header.Get("Allow"))
		}
		if res := b.get("/api/other"); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET /api/other: %d", res.StatusCode)
		}
	})
}

func TestImportAPIBasePath(t *testing.T) {
	ap := newApp(t, Config{BasePath: "/mai"})
	ap.addUser("alice", "alice")
	res, ans := ap.browser().apiPost("/mai/api/import?name=r.html", ap.newImportToken("alice"), "text/html", dxnetPage(t, "record-cn-mixed.html"))
	if res.StatusCode != http.StatusOK || len(ans.Files) != 1 || ans.Files[0].Status != "added" {
		t.Fatalf("%d %+v %s", res.StatusCode, ans, res.body)
	}
}

func TestImportAPIRateLimits(t *testing.T) {
	ap := newApp(t, Config{})
	ap.addUser("alice", "alice")
	token := ap.newImportToken("alice")
	other := ap.newImportToken("alice")
	page := []byte("not a page")

	b := ap.browser()
	for i := 0; i < apiBurst; i++ {
		if res, _ := b.apiPost("/api/import", token, "text/html", page); res.StatusCode != http.StatusOK {
			t.Fatalf("request %d: %d %s", i+1, res.StatusCode, res.body)
		}
	}
	res, _ := b.apiPost("/api/import", token, "text/html", page)
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") != "1" {
		t.Fatalf("request %d: %d Retry-After %q, want 429 after 1 s", apiBurst+1, res.StatusCode, res.Header.Get("Retry-After"))
	}
	if res, _ := b.apiPost("/api/import", other, "text/html", page); res.StatusCode != http.StatusOK {
		t.Errorf("another token is limited too: %d", res.StatusCode)
	}
	ap.clock.add(3 * time.Second)
	for i := 0; i < 3; i++ {
		if res, _ := b.apiPost("/api/import", token, "text/html", page); res.StatusCode != http.StatusOK {
			t.Errorf("after 3 s, request %d: %d", i+1, res.StatusCode)
		}
	}
	if res, _ := b.apiPost("/api/import", token, "text/html", page); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("4th request after 3 s: %d, want 429", res.StatusCode)
	}

	// Guessing tokens from one address is slowed down; a right token
	// from it is still taken (looked up first), and does not reset the
	// count for the next guess.
	guesser := ap.browser()
	guesser.remote = "198.51.100.7:999"
	for i := 0; i < freeTries; i++ {
		if res, _ := guesser.apiPost("/api/import", "mpi_guess", "text/html", page); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d", i+1, res.StatusCode)
		}
	}
	if res, _ := guesser.apiPost("/api/import", other, "text/html", page); res.StatusCode != http.StatusOK {
		t.Errorf("a right token after %d wrong tokens: %d, want 200", freeTries, res.StatusCode)
	}
	if res, _ := guesser.apiPost("/api/import", "mpi_guess", "text/html", page); res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Errorf("a wrong token after %d: %d, want 429 with Retry-After", freeTries, res.StatusCode)
	}
}

func TestImportAPICORS(t *testing.T) {
	ap := newApp(t, Config{ImportOrigins: []string{"http://127.0.0.1:9999"}})
	ap.addUser("alice", "alice")
	token := ap.newImportToken("alice")

	preflight := func(origin, method, headers string, private bool) response {
		req := httptest.NewRequest(http.MethodOptions, "/api/import", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", method)
		if headers != "" {
			req.Header.Set("Access-Control-Request-Headers", headers)
		}
		if private {
			req.Header.Set("Access-Control-Request-Private-Network", "true")
		}
		return ap.browser().do(req)
	}
	for _, tt := range []struct {
		name, origin, method, headers string
		ok                            bool
	}{
		{"CN site", "https://maimai.wahlap.com", "POST", "authorization,content-type", true},
		{"intl site", "https://maimaidx-eng.com", "POST", "Authorization, Content-Type", true},
		{"JP site", "https://maimaidx.jp", "POST", "authorization", true},
		{"configured origin", "http://127.0.0.1:9999", "POST", "authorization,content-type", true},
		{"other site", "https://evil.example", "POST", "authorization,content-type", false},
		{"plain http CN", "http://maimai.wahlap.com", "POST", "authorization", false},
		{"look-alike", "https://maimai.wahlap.com.evil.example", "POST", "authorization", false},
		{"DELETE", "https://maimai.wahlap.com", "DELETE", "authorization", false},
		{"cookie header", "https://maimai.wahlap.com", "POST", "authorization,cookie", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := preflight(tt.origin, tt.method, tt.headers, true)
			acao := res.Header.Get("Access-Control-Allow-Origin")
			if tt.ok {
				if res.StatusCode != http.StatusNoContent || acao != tt.origin ||
					!strings.Contains(res.Header.Get("Access-Control-Allow-Headers"), "Authorization") ||
					res.Header.Get("Access-Control-Allow-Methods") != "POST" ||
					res.Header.Get("Access-Control-Allow-Private-Network") != "true" {
					t.Errorf("preflight: %d %v", res.StatusCode, res.Header)
				}
			} else if res.StatusCode < 400 || res.Header.Get("Access-Control-Allow-Methods") != "" {
				t.Errorf("preflight allowed: %d %v", res.StatusCode, res.Header)
			}
			if res.Header.Get("Access-Control-Allow-Credentials") != "" {
				t.Error("credentials allowed")
			}
		})
	}

	// The import itself: the site's origin gets its answer, another origin
	// imports nothing.
	b := ap.browser()
	b.headers["Origin"] = "https://maimaidx-eng.com"
	res, ans := b.apiPost("/api/import", token, "text/html", dxnetPage(t, "record-intl-level.html"))
	if res.StatusCode != http.StatusOK || res.Header.Get("Access-Control-Allow-Origin") != "https://maimaidx-eng.com" || len(ans.Files) != 1 {
		t.Errorf("from the intl site: %d %v %s", res.StatusCode, res.Header, res.body)
	}
	before, _ := ap.a.CountPlays(context.Background(), "alice")
	evil := ap.browser()
	evil.headers["Origin"] = "https://evil.example"
	res, _ = evil.apiPost("/api/import", token, "text/html", dxnetPage(t, "record-cn-mixed.html"))
	if res.StatusCode != http.StatusForbidden || res.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("from another origin: %d %v", res.StatusCode, res.Header)
	}
	if n, _ := ap.a.CountPlays(context.Background(), "alice"); n != before || before == 0 {
		t.Errorf("%d plays stored, want the intl page's %d only", n, before)
	}
}

var tokenRE = regexp.MustCompile(`id="token" value="(mpi_[A-Za-z0-9_-]+)"`)

func TestTokensPage(t *testing.T) {
	ap := newApp(t, Config{})
	ap.addUser("alice", "alice")
	ap.addUser("bob", "bob")
	b := ap.browser()
	b.headers["Accept-Language"] = "en"
	ap.mustLogin(b, "", "alice")

	res := b.get("/p/alice/tokens")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.body, "No tokens yet.") {
		t.Fatalf("empty page: %d\n%s", res.StatusCode, res.body)
	}
	csrf := b.csrf("/p/alice/tokens")
	res = b.post("/p/alice/tokens", url.Values{"csrf": {csrf}, "label": {"phone <b>"}})
	m := tokenRE.FindStringSubmatch(res.body)
	if res.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("create: %d\n%s", res.StatusCode, res.body)
	}
	secret := m[1]
	for _, want := range []string{
		`href="javascript:`, "// @match       https://maimaidx-eng.com/maimai-mobile/*",
		"phone &lt;b&gt;", "Bearer " + secret, "http://maiprobe.test/api/import",
	} {
		if !strings.Contains(res.body, want) {
			t.Errorf("the new token's page lacks %q", want)
		}
	}
	if strings.Contains(res.body, "phone <b>") {
		t.Error("the label is not escaped")
	}
	if !strings.Contains(res.body, `id="needs-https"`) {
		t.Error("no warning that the bookmarklet cannot call a plain-HTTP server")
	}
	// The token works, and is not shown again.
	if res, _ := ap.browser().apiPost("/api/import", secret, "text/html", dxnetPage(t, "record-cn-mixed.html")); res.StatusCode != http.StatusOK {
		t.Fatalf("the new token: %d %s", res.StatusCode, res.body)
	}
	res = b.get("/p/alice/tokens")
	if strings.Contains(res.body, secret) || !strings.Contains(res.body, "phone &lt;b&gt;") || strings.Contains(res.body, "never") {
		t.Errorf("list after use shows the secret, lacks the label or says never used:\n%s", res.body)
	}

	// Bob may neither see nor revoke Alice's tokens.
	bob := ap.browser()
	ap.mustLogin(bob, "", "bob")
	if res := bob.get("/p/alice/tokens"); res.StatusCode != http.StatusForbidden {
		t.Errorf("bob sees alice's tokens: %d", res.StatusCode)
	}
	toks, _ := ap.a.ImportTokens(context.Background(), "alice")
	id := toks[0].ID
	bobCSRF := bob.csrf("/p/bob/tokens")
	if res := bob.post("/p/bob/tokens/"+itoa(id)+"/revoke", url.Values{"csrf": {bobCSRF}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("bob revokes alice's token through his player: %d", res.StatusCode)
	}
	if res := b.post("/p/alice/tokens/"+itoa(id)+"/revoke", url.Values{}); res.StatusCode != http.StatusForbidden {
		t.Errorf("revoke without the CSRF token: %d", res.StatusCode)
	}
	res = b.post("/p/alice/tokens/"+itoa(id)+"/revoke", url.Values{"csrf": {csrf}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasSuffix(res.Header.Get("Location"), "/p/alice/tokens?revoked=1") {
		t.Fatalf("revoke: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if res, _ := ap.browser().apiPost("/api/import", secret, "text/html", []byte("x")); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("revoked token: %d", res.StatusCode)
	}
	if res := b.post("/p/alice/tokens", url.Values{"csrf": {csrf}, "label": {strings.Repeat("x", 101)}}); res.StatusCode != http.StatusBadRequest || !strings.Contains(res.body, "too long") {
		t.Errorf("long label: %d", res.StatusCode)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestImportAPIForCaptureProxy posts pages the way the capture proxy does
// (docs/proxy.md), with its own client.
func TestImportAPIForCaptureProxy(t *testing.T) {
	ctx := context.Background()
	ap := newApp(t, Config{})
	ap.addUser("alice", "alice")
	ap.addUser("bob", "bob")
	srv := httptest.NewServer(ap.s)
	defer srv.Close()
	token := ap.newImportToken("alice")
	record := dxnetPage(t, "record-cn-mixed.html")

	rm := &capture.Remote{Base: srv.URL + "/", Token: token, Player: "alice"}
	res, err := rm.Import(ctx, "https://maimai.wahlap.com/maimai-mobile/record/", record, ap.clock.now().Add(-time.Hour))
	if err != nil || res.Status != "added" || res.Kind != "record" || res.Region != "cn" || res.Name != "https://maimai.wahlap.com/maimai-mobile/record/" {
		t.Fatalf("record: %+v %v", res, err)
	}
	res, err = (&capture.Remote{Base: srv.URL, Token: token}).Import(ctx, "record/", record, time.Time{})
	if err != nil || res.Status != "unchanged" {
		t.Errorf("again without a player: %+v %v", res, err)
	}
	res, err = rm.Import(ctx, "login/", dxnetPage(t, "login-cn-wechat.html"), time.Time{})
	if err != nil || res.Status != "rejected" || res.Error == "" {
		t.Errorf("login page: %+v %v", res, err)
	}
	res, err = rm.Import(ctx, "future/", dxnetPage(t, "playlogDetail-cn-dx.html"), ap.clock.now().Add(72*time.Hour))
	if err != nil || res.Status != "rejected" || !strings.Contains(res.Error, "in the future") {
		t.Errorf("observed_at in the future: %+v %v", res, err)
	}
	if _, err := (&capture.Remote{Base: srv.URL, Token: token, Player: "bob"}).Import(ctx, "record/", record, time.Time{}); !errors.Is(err, capture.ErrRemote) {
		t.Errorf("alice's token for bob: %v, want refused", err)
	}
	if n, _ := ap.a.CountPlays(ctx, "bob"); n != 0 {
		t.Errorf("bob got %d plays through alice's token", n)
	}
	if _, err := (&capture.Remote{Base: srv.URL, Token: "mpi_wrong"}).Import(ctx, "record/", record, time.Time{}); !errors.Is(err, capture.ErrRemote) {
		t.Errorf("wrong token: %v", err)
	}
}

func TestLoopbackHost(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost:8080": true, "127.0.0.1": true, "127.0.0.1:8080": true, "[::1]:8080": true, "mai.localhost": true,
		"maiprobe.test": false, "192.168.1.2:8080": false, "[fe80::1]:80": false, "localhost.example": false,
	} {
		if got := loopbackHost(host); got != want {
			t.Errorf("loopbackHost(%q) = %v, want %v", host, got, want)
		}
	}
}
