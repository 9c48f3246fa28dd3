package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/api"
	"github.com/maiprobe/maiprobe/internal/archive"
)

// playerPaths are a request to every route that names a player, for
// player p.
func playerPaths(p string) []string {
	var out []string
	for _, r := range api.Routes() {
		_, path, _ := strings.Cut(r, " ")
		if !strings.Contains(path, "{player}") {
			continue
		}
		path = strings.ReplaceAll(path, "{player}", p)
		path = strings.ReplaceAll(path, "{id}", "1")
		path = strings.ReplaceAll(path, "{year}", "2001")
		switch {
		case strings.HasSuffix(path, "/chart"), strings.HasSuffix(path, "/attempts"), strings.HasSuffix(path, "/line"):
			path += "?title=x&type=dx&diff=master"
		case strings.HasSuffix(path, "/rival"):
			path += "?with=carol"
		}
		out = append(out, path)
	}
	return out
}

// TestTokenScopes: on every endpoint of a player, no token reaches
// another player, an import-only token reads nothing of a private
// player, a revoked token is refused, nobody reads a private player and
// a login reads only its own; a read token cannot import.
func TestTokenScopes(t *testing.T) {
	w := newWorld(t, api.Limits{})
	paths := playerPaths("alice")
	if len(paths) < 10 {
		t.Fatalf("only %d player routes: %v", len(paths), paths)
	}
	wrong := 0
	for _, path := range paths {
		for _, tc := range []struct {
			cred   string
			status int
			code   string
		}{
			{"bobRead", 403, "forbidden"},
			{"aliceImport", 403, "insufficient_scope"},
			{"revoked", 401, "unauthorized"},
			{"", 401, "unauthorized"},
			{"cookie:bob", 403, "forbidden"},
		} {
			if tc.cred == "revoked" {
				// Wrong tokens are counted per address, and valid
				// ones in between do not reset the count: after five
				// the answer is 429.
				if wrong++; wrong > 5 {
					tc.status, tc.code = 429, "rate_limited"
				}
			}
			if a := w.get(path, tc.cred); a.status != tc.status || a.errorCode() != tc.code {
				t.Errorf("GET %s as %s: %d %q, want %d %q", path, tc.cred, a.status, a.errorCode(), tc.status, tc.code)
			}
		}
		// Alice's own read token and login get past the checks (a
		// made-up play or chart is then not found, nothing else).
		for _, cred := range []string{"aliceRead", "aliceBoth", "cookie:alice"} {
			if a := w.get(path, cred); a.status != 200 && a.errorCode() != "not_found" {
				t.Errorf("GET %s as %s: %d %s", path, cred, a.status, a.body)
			}
		}
	}
	// A token of a public player's owner still reads only its player;
	// the public player itself is open without one.
	for _, path := range playerPaths("bob") {
		if strings.Contains(path, "/rival") {
			continue
		}
		if a := w.get(path, "aliceRead"); a.status != 403 {
			t.Errorf("GET %s with alice's token: %d, want 403", path, a.status)
		}
		if a := w.get(path, ""); a.status != 200 && a.errorCode() != "not_found" {
			t.Errorf("GET %s as nobody (bob is public): %d %s", path, a.status, a.body)
		}
	}
	// The players list shows nobody alice, and alice's token only alice
	// among the owned.
	for cred, wantAlice := range map[string]bool{"": false, "aliceRead": true, "cookie:alice": true, "cookie:bob": false} {
		a := w.get("/api/v1/players", cred)
		if got := strings.Contains(string(a.body), `"alice"`); got != wantAlice {
			t.Errorf("players as %q lists alice: %v, want %v: %s", cred, got, wantAlice, a.body)
		}
	}

	// A read-only token cannot import; an import token can.
	page, err := os.ReadFile(filepath.Join("..", "dxnet", "testdata", "record-cn-mixed.html"))
	if err != nil {
		t.Fatal(err)
	}
	before, _ := w.a.CountPlays(context.Background(), "alice")
	for tok, want := range map[string]int{"aliceRead": 403, "revoked": 429} {
		if got := w.importWith(t, page, tok); got != want {
			t.Errorf("import with %s: %d, want %d", tok, got, want)
		}
	}
	if after, _ := w.a.CountPlays(context.Background(), "alice"); after != before {
		t.Errorf("plays went from %d to %d", before, after)
	}
	// The API reads; it writes nothing.
	req, _ := http.NewRequest(http.MethodPost, w.srv.URL+"/api/v1/players/alice/b50", nil)
	req.Header.Set("Authorization", "Bearer "+w.tokens["aliceBoth"])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST to the read API: %d", res.StatusCode)
	}
}

// TestB50SameAsRating: the API's B50 is archive.Rating's value, which
// `maiprobe rating --json` prints and the web rating page shows, field
// for field, now and at a past date.
func TestB50SameAsRating(t *testing.T) {
	w := newWorld(t, api.Limits{})
	ctx := context.Background()
	region, err := w.a.PlayerRegion(ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range []string{"", "2025-06-01"} {
		var when time.Time
		path := "/api/v1/players/alice/b50"
		if at != "" {
			path += "?at=" + at
			if when, err = parseAtFor(at, string(region)); err != nil {
				t.Fatal(err)
			}
		}
		pr, err := w.a.Rating(ctx, "alice", when)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(pr)
		got := w.get(path, "aliceRead")
		var wantAny any
		json.Unmarshal(want, &wantAny)
		if at == "" {
			// "Now" is each call's own clock reading.
			got.json.(map[string]any)["at"] = wantAny.(map[string]any)["at"]
		}
		g, _ := json.Marshal(got.json)
		wv, _ := json.Marshal(wantAny)
		if !bytes.Equal(g, wv) {
			t.Errorf("b50 at %q differs from archive.Rating:\n got %.400s\nwant %.400s", at, g, wv)
		}
		if pr.Total == 0 || len(pr.New)+len(pr.Old) == 0 {
			t.Errorf("b50 at %q is empty (total %d): the test compares nothing", at, pr.Total)
		}
	}
}

// TestRateLimits: a token's budget runs out and says when to come back
// (429, Retry-After, rate_limited), as does an address without one; a
// budget lives in the database, so a second server on the same archive
// shares it.
func TestRateLimits(t *testing.T) {
	w := newWorld(t, api.Limits{TokenBurst: 3, TokenEvery: time.Hour, AddrBurst: 2, AddrEvery: time.Hour})
	for i := range 3 {
		if a := w.get("/api/v1/players/alice", "aliceRead"); a.status != 200 {
			t.Fatalf("request %d: %d %s", i+1, a.status, a.body)
		}
	}
	a := w.get("/api/v1/players/alice", "aliceRead")
	if a.status != 429 || a.errorCode() != "rate_limited" {
		t.Fatalf("fourth request: %d %s", a.status, a.body)
	}
	if s, err := strconv.Atoi(a.header.Get("Retry-After")); err != nil || s < 3000 || s > 3600 {
		t.Errorf("Retry-After %q, want about an hour", a.header.Get("Retry-After"))
	}
	// Another token of the same player has its own budget.
	if a := w.get("/api/v1/players/alice", "aliceBoth"); a.status != 200 {
		t.Errorf("another token: %d", a.status)
	}
	for i := range 2 {
		if a := w.get("/api/v1/players/bob", ""); a.status != 200 {
			t.Fatalf("anonymous request %d: %d", i+1, a.status)
		}
	}
	if a := w.get("/api/v1/players/bob", ""); a.status != 429 || a.header.Get("Retry-After") == "" {
		t.Errorf("third anonymous request: %d %v", a.status, a.header)
	}
	// A second server on the same archive sees the spent budget.
	second := w.second(t, api.Limits{TokenBurst: 3, TokenEvery: time.Hour, AddrBurst: 2, AddrEvery: time.Hour})
	if a := second.get("/api/v1/players/alice", "aliceRead"); a.status != 429 {
		t.Errorf("the second server lets the spent token through: %d", a.status)
	}
}

// TestWrongTokensLockOut: wrong tokens from one address are counted with
// the import API's and the diving-fish-compatible endpoints', and after
// five a wrong token is answered 429 with Retry-After, on a second server
// of the archive too. A valid token is looked up first and always served:
// a bot that serves many players from one address is not locked out by
// one player's revoked token, and its valid tokens do not reset the count
// for the next wrong one.
func TestWrongTokensLockOut(t *testing.T) {
	w := newWorld(t, api.Limits{})
	ctx := context.Background()
	// Many players' bots behind one address: a read token of each.
	valid := []string{"aliceRead", "aliceBoth", "bobRead"}
	for i := range 6 {
		p := "bot" + strconv.Itoa(i)
		if err := w.a.GrantPlayer(ctx, "bob", p, true); err != nil {
			t.Fatal(err)
		}
		secret, _, err := w.a.CreateToken(ctx, p, "bot", archive.ScopeRead)
		if err != nil {
			t.Fatal(err)
		}
		w.tokens[p] = secret
		valid = append(valid, p)
	}
	playerOf := func(tok string) string {
		switch {
		case strings.HasPrefix(tok, "alice"):
			return "alice"
		case strings.HasPrefix(tok, "bob"):
			return "bob"
		}
		return tok
	}
	for i := range 5 {
		if a := w.get("/api/v1/players/alice", "revoked"); a.status != 401 {
			t.Fatalf("wrong token %d: %d %s", i+1, a.status, a.body)
		}
	}
	second := w.second(t, api.Limits{})
	for round := range 2 {
		for _, tok := range valid {
			if a := w.get("/api/v1/players/"+playerOf(tok), tok); a.status != 200 {
				t.Errorf("round %d: %s's valid token after five wrong ones from its address: %d %s", round, tok, a.status, a.body)
			}
			if a := second.get("/api/v1/players/"+playerOf(tok)+"/b50", tok); a.status != 200 && a.errorCode() != "not_found" {
				t.Errorf("round %d: %s's valid token on the second server: %d %s", round, tok, a.status, a.body)
			}
		}
		// Still locked for wrong tokens, on both servers, although valid
		// ones were served in between.
		for _, srv := range []*world{w, second} {
			a := srv.get("/api/v1/players/alice", "raw:Bearer mpi_guess"+strconv.Itoa(round))
			if n, err := strconv.Atoi(a.header.Get("Retry-After")); a.status != 429 || a.errorCode() != "rate_limited" || err != nil || n < 1 || n > 3600 {
				t.Errorf("round %d: a wrong token after five: %d Retry-After %q %s", round, a.status, a.header.Get("Retry-After"), a.body)
			}
		}
	}
	// The import API and the diving-fish-compatible endpoints take the
	// valid tokens from the locked address too.
	page, err := os.ReadFile(filepath.Join("..", "dxnet", "testdata", "record-cn-mixed.html"))
	if err != nil {
		t.Fatal(err)
	}
	for tok, want := range map[string]int{"aliceImport": 200, "revoked": 429} {
		if got := w.importWith(t, page, tok); got != want {
			t.Errorf("import with %s from the locked address: %d, want %d", tok, got, want)
		}
	}
	for tok, want := range map[string]int{"bobRead": 200, "bot0": 200, "revoked": 429} {
		req, _ := http.NewRequest(http.MethodGet, w.srv.URL+"/api/maimaidxprober/player/records", nil)
		req.Header.Set("Import-Token", w.tokens[tok])
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("diving-fish player/records with %s from the locked address: %d, want %d", tok, res.StatusCode, want)
		}
	}
	if a := w.get("/api/v1/players/bob", ""); a.status != 200 {
		t.Errorf("a request without a token is not locked out: %d", a.status)
	}
}

// TestBearerScheme: the Authorization scheme is matched without regard to
// case (RFC 7235), and anything but a bearer token is refused.
func TestBearerScheme(t *testing.T) {
	w := newWorld(t, api.Limits{})
	tok := w.tokens["aliceRead"]
	for auth, want := range map[string]int{
		"Bearer " + tok: 200, "bearer " + tok: 200, "BEARER  " + tok + " ": 200,
		"Basic " + tok: 401, "Bearer": 401, tok: 401,
	} {
		if a := w.get("/api/v1/players/alice", "raw:"+auth); a.status != want {
			t.Errorf("Authorization %.12q…: %d, want %d: %s", auth, a.status, want, a.body)
		}
	}
}

// importWith posts the record page to /api/import with the token named
// tok and says what the API answered.
func (w *world) importWith(t *testing.T, page []byte, tok string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, w.srv.URL+"/api/import", bytes.NewReader(page))
	req.Header.Set("Content-Type", "text/html")
	req.Header.Set("Authorization", "Bearer "+w.tokens[tok])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}
