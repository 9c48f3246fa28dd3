package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/maiprobe/maiprobe/internal/archive"
)

// TestNewTokenPageIsNotStored: the answer that shows a new token's secret
// is Cache-Control: no-store (no-cache would let the browser keep it on
// disk), while the tokens list itself may be kept and revalidated.
func TestNewTokenPageIsNotStored(t *testing.T) {
	ap := newApp(t, Config{})
	ap.addUser("alice", "alice")
	b := ap.browser()
	ap.mustLogin(b, "", "alice")
	csrf := b.csrf("/p/alice/tokens")
	res := b.post("/p/alice/tokens", url.Values{"csrf": {csrf}, "label": {"phone"}, "scope": {"import"}})
	if res.StatusCode != http.StatusOK || tokenRE.FindStringSubmatch(res.body) == nil {
		t.Fatalf("create: %d", res.StatusCode)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("the page with the new token: Cache-Control %q, want no-store", cc)
	}
	if cc := b.get("/p/alice/tokens").Header.Get("Cache-Control"); cc != "private, no-cache" {
		t.Errorf("the tokens list: Cache-Control %q", cc)
	}
}

// TestTokenCap: a player has at most archive.MaxTokens live tokens; the
// next is refused with a message saying what to do, and revoking one
// makes room.
func TestTokenCap(t *testing.T) {
	ap := newApp(t, Config{})
	ap.addUser("alice", "alice")
	ctx := context.Background()
	var last archive.ImportToken
	for i := range archive.MaxTokens {
		_, tok, err := ap.a.CreateToken(ctx, "alice", "bot", archive.ScopeRead)
		if err != nil {
			t.Fatalf("token %d: %v", i+1, err)
		}
		last = tok
	}
	b := ap.browser()
	b.headers["Accept-Language"] = "en"
	ap.mustLogin(b, "", "alice")
	csrf := b.csrf("/p/alice/tokens")
	res := b.post("/p/alice/tokens", url.Values{"csrf": {csrf}, "label": {"one more"}, "scope": {"import"}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(res.body, "revoke one you no longer use") || tokenRE.FindStringSubmatch(res.body) != nil {
		t.Errorf("token %d: %d, want 400 saying what to do", archive.MaxTokens+1, res.StatusCode)
	}
	if err := ap.a.RevokeImportToken(ctx, "alice", last.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ap.a.CreateToken(ctx, "alice", "bot", archive.ScopeImport); err != nil {
		t.Errorf("after revoking one: %v", err)
	}
}

// TestConstantsPageWithoutPages: a player with no saved page yet has an
// empty constants page, not an internal error.
func TestConstantsPageWithoutPages(t *testing.T) {
	ap := newApp(t, Config{})
	ap.addUser("alice", "alice")
	b := ap.browser()
	ap.mustLogin(b, "", "alice")
	for _, path := range []string{"/p/alice/constants", "/p/alice/rating"} {
		if res := b.get(path); res.StatusCode != http.StatusOK {
			t.Errorf("%s without a saved page: %d", path, res.StatusCode)
		}
	}
}
