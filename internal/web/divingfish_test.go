package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/maiprobe/maiprobe/internal/archive"
)

// dfRequest sends a request to the diving-fish-compatible endpoints from
// b's address with headers ("Name: value").
func (b *browser) dfRequest(method, path, body string, headers ...string) response {
	b.ap.t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
	return b.do(req)
}

// TestDivingFishMounted: the endpoints answer under the default prefix and
// under a configured one below the base path, not at all when off, and
// never read the login cookie.
func TestDivingFishMounted(t *testing.T) {
	query := `{"username": "default", "b50": true}`
	for _, tc := range []struct {
		name   string
		cfg    Config
		path   string
		status int
	}{
		{"default prefix", Config{}, "/api/maimaidxprober/query/player", 200},
		{"own prefix under a base path", Config{BasePath: "/release", DivingFishPrefix: "/df"}, "/release/df/query/player", 200},
		{"own prefix: the default is free", Config{DivingFishPrefix: "/df"}, "/api/maimaidxprober/query/player", 404},
		{"off", Config{DivingFishPrefix: "off"}, "/api/maimaidxprober/query/player", 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ap := newApp(t, tc.cfg)
			importRecord(t, ap.a, "default", "")
			if err := ap.a.SetPublic(context.Background(), "default", true); err != nil {
				t.Fatal(err)
			}
			res := ap.browser().dfRequest("POST", tc.path, query)
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", res.StatusCode, tc.status, res.body)
			}
			if tc.status == 200 && !strings.Contains(res.body, `"username":"default"`) {
				t.Errorf("not a diving-fish answer: %s", res.body)
			}
		})
	}
	if _, err := New(context.Background(), Config{DivingFishPrefix: "/api/v1"}, nil); err == nil {
		t.Error("a prefix over the read API was accepted")
	}

	// The owner's login does not open a private player here: a bot has
	// no cookie, and a page on another site must not read with one.
	ap := newApp(t, Config{})
	ap.addUser("owner", "default")
	importRecord(t, ap.a, "default", "")
	b := ap.browser()
	ap.mustLogin(b, "", "owner")
	if res := b.dfRequest("POST", "/api/maimaidxprober/query/player", query); res.StatusCode != http.StatusForbidden {
		t.Errorf("private player with the owner's cookie: status %d, want 403: %s", res.StatusCode, res.body)
	}
}

// TestDivingFishSharesTokenGuard: wrong tokens sent to the import API
// count with those sent to the diving-fish endpoints (and the other way
// round): after five, a wrong token at either is 429, while a right token
// is still served; another address is not locked.
func TestDivingFishSharesTokenGuard(t *testing.T) {
	ap := newApp(t, Config{})
	ap.addUser("owner", "default")
	importRecord(t, ap.a, "default", "")
	read, _, err := ap.a.CreateToken(context.Background(), "default", "bot", archive.ScopeRead)
	if err != nil {
		t.Fatal(err)
	}
	guesser := ap.browser()
	guesser.remote = "198.51.100.7:999"
	for i := range freeTries {
		if i%2 == 0 {
			if res, _ := guesser.apiPost("/api/import", "mpi_guess", "text/html", []byte("<html></html>")); res.StatusCode != http.StatusUnauthorized {
				t.Fatalf("guess %d at the import API: %d", i+1, res.StatusCode)
			}
		} else if res := guesser.dfRequest("GET", "/api/maimaidxprober/player/records", "", "Import-Token: mpi_guess"); res.StatusCode != http.StatusBadRequest {
			t.Fatalf("guess %d at player/records: %d %s", i+1, res.StatusCode, res.body)
		}
	}
	if res := guesser.dfRequest("GET", "/api/maimaidxprober/player/records", "", "Import-Token: "+read); res.StatusCode != http.StatusOK {
		t.Errorf("right token after %d wrong ones: status %d, want 200 (a valid token is always served): %s", freeTries, res.StatusCode, res.body)
	}
	if res := guesser.dfRequest("GET", "/api/maimaidxprober/player/records", "", "Import-Token: mpi_guess"); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("wrong token after %d wrong ones: status %d, want 429: %s", freeTries, res.StatusCode, res.body)
	}
	if res, _ := guesser.apiPost("/api/import", "mpi_guess", "text/html", []byte("<html></html>")); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("wrong token at the import API after %d at either: %d, want 429", freeTries, res.StatusCode)
	}
	if res := ap.browser().dfRequest("GET", "/api/maimaidxprober/player/records", "", "Import-Token: "+read); res.StatusCode != http.StatusOK {
		t.Errorf("right token from another address: status %d: %s", res.StatusCode, res.body)
	}
}
