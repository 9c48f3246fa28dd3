package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/maiprobe/maiprobe/internal/archive"
)

// TestTokenScopesPage: the tokens page makes a token of the chosen scope,
// shows the read API's example (and no bookmarklet) for a read-only one,
// the bookmarklet for an import-only one only,
// lists each token's scope, refuses an unknown scope, and the import API
// refuses a read-only token with 403 without counting it as a guess.
func TestTokenScopesPage(t *testing.T) {
	ap := newApp(t, Config{})
	ap.addUser("alice", "alice")
	b := ap.browser()
	b.headers["Accept-Language"] = "en"
	ap.mustLogin(b, "", "alice")
	csrf := b.csrf("/p/alice/tokens")

	res := b.post("/p/alice/tokens", url.Values{"csrf": {csrf}, "label": {"bot"}, "scope": {"read"}})
	m := tokenRE.FindStringSubmatch(res.body)
	if res.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("create: %d\n%s", res.StatusCode, res.body)
	}
	read := m[1]
	if !strings.Contains(res.body, `id="read-api-example"`) || !strings.Contains(res.body, "http://maiprobe.test/api/v1/players/alice/b50") {
		t.Error("a read token's page lacks the read API example")
	}
	if strings.Contains(res.body, `id="bookmarklet"`) {
		t.Error("a read-only token's page offers the bookmarklet, which would fail")
	}
	res, _ = ap.browser().apiPost("/api/import", read, "text/html", dxnetPage(t, "record-cn-mixed.html"))
	if res.StatusCode != http.StatusForbidden || !strings.Contains(res.body, "import scope") {
		t.Errorf("import with a read-only token: %d %s", res.StatusCode, res.body)
	}
	if n, _ := ap.a.CountPlays(context.Background(), "alice"); n != 0 {
		t.Errorf("a read-only token imported %d plays", n)
	}
	if fails, _ := ap.a.FailedTries(context.Background(), "api:192.0.2.1"); len(fails) != 0 {
		t.Errorf("a good token of the wrong scope counted as a wrong token: %v", fails)
	}

	// A token that may read is never put in the site's pages (least
	// privilege): the bookmarklet and userscript are for import tokens.
	res = b.post("/p/alice/tokens", url.Values{"csrf": {csrf}, "label": {"both"}, "scope": {"both"}})
	if !strings.Contains(res.body, `id="read-api-example"`) || !strings.Contains(res.body, `id="api-example"`) {
		t.Error("a token of both scopes lacks the read or import API example")
	}
	if strings.Contains(res.body, `id="bookmarklet"`) || strings.Contains(res.body, `id="userscript"`) || strings.Contains(res.body, "javascript:") ||
		!strings.Contains(res.body, `id="no-bookmarklet"`) {
		t.Error("a token of both scopes is offered as a bookmarklet or userscript, or the page does not say why not")
	}
	res = b.post("/p/alice/tokens", url.Values{"csrf": {csrf}, "label": {"old form"}})
	if strings.Contains(res.body, `id="read-api-example"`) || !strings.Contains(res.body, `id="bookmarklet"`) {
		t.Error("a post without a scope did not make an import token")
	}
	if res := b.post("/p/alice/tokens", url.Values{"csrf": {csrf}, "label": {"x"}, "scope": {"admin"}}); res.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown scope: %d", res.StatusCode)
	}
	toks, err := ap.a.ImportTokens(context.Background(), "alice")
	if err != nil || len(toks) != 3 {
		t.Fatalf("tokens %+v %v", toks, err)
	}
	want := map[string]archive.TokenScope{"bot": archive.ScopeRead, "both": archive.ScopeBoth, "old form": archive.ScopeImport}
	for _, tok := range toks {
		if want[tok.Label] != tok.Scopes {
			t.Errorf("token %q has scopes %s", tok.Label, tok.Scopes)
		}
	}
	list := b.get("/p/alice/tokens").body
	for _, s := range []string{"read only", "import and read"} {
		if !strings.Contains(list, `<span class="token-scope">`+s+`</span>`) {
			t.Errorf("the list does not show the scope %q", s)
		}
	}
}
