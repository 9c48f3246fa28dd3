package web

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
)

// These reproduce issue 8's attacks on the web's ways in: an export of
// several players posted with one player's import token or login, and
// pages of another in-game player uploaded to a player.

// twoPlayerExport is an export file holding players "alice" (victim of the
// test) and "mallory", with mallory's rows.
func twoPlayerExport(t *testing.T) []byte {
	t.Helper()
	src := newApp(t, Config{})
	ctx := context.Background()
	for _, player := range []string{"alice", "mallory"} {
		for _, page := range []string{"record-cn-mixed.html", "home-cn-2020.html"} {
			if res := src.a.Import(ctx, player, archive.Source{Name: page, Data: dxnetPage(t, page), ObservedAt: time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)}); res.Err != nil {
				t.Fatal(res.Err)
			}
		}
	}
	var buf bytes.Buffer
	if err := src.a.Export(ctx, &buf, "alice", "mallory"); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestSecurityTokenCannotRestoreOtherPlayers: mallory's import token posts
// an export that also lists alice; it used to add plays to alice (and
// create players). Nothing is written now.
func TestSecurityTokenCannotRestoreOtherPlayers(t *testing.T) {
	ap := newApp(t, Config{})
	ctx := context.Background()
	importTestdata(t, ap.a, "alice", "home-cn-2020.html")
	ap.addUser("mallory", "mallory")
	tok := ap.newImportToken("mallory")
	file := twoPlayerExport(t)
	before, _ := ap.a.RowCounts(ctx)
	res, reply := ap.browser().apiPost("/api/import", tok, "application/json", file)
	if res.StatusCode != http.StatusOK || len(reply.Files) != 1 || reply.Files[0].Status != "rejected" ||
		!strings.Contains(reply.Files[0].Error, "holds 2 players") {
		t.Fatalf("export of two players with mallory's token: %d %+v", res.StatusCode, reply)
	}
	if after, _ := ap.a.RowCounts(ctx); after["plays"] != before["plays"] || after["players"] != before["players"] {
		t.Errorf("the refused export wrote rows: %v → %v", before, after)
	}
	if n, _ := ap.a.CountPlays(ctx, "alice"); n != 0 {
		t.Errorf("alice has %d plays from mallory's token", n)
	}
	// A one-player export goes into the token's own player, whatever name
	// the file gives it.
	var one bytes.Buffer
	src := newApp(t, Config{})
	importTestdata(t, src.a, "alice", "record-cn-mixed.html")
	if err := src.a.Export(ctx, &one, "alice"); err != nil {
		t.Fatal(err)
	}
	if _, reply := ap.browser().apiPost("/api/import", tok, "application/json", one.Bytes()); reply.Status != "added" {
		t.Fatalf("a one-player export: %+v", reply)
	}
	if n, _ := ap.a.CountPlays(ctx, "alice"); n != 0 {
		t.Errorf("alice has %d plays after mallory's one-player export", n)
	}
	if n, _ := ap.a.CountPlays(ctx, "mallory"); n != 5 {
		t.Errorf("mallory has %d plays, want the file's 5", n)
	}
}

// TestSecurityUploadCannotRestoreOtherPlayers: the same export uploaded on
// mallory's own import page is refused whole.
func TestSecurityUploadCannotRestoreOtherPlayers(t *testing.T) {
	ap := newApp(t, Config{})
	ap.addUser("mallory", "mallory")
	importTestdata(t, ap.a, "alice", "home-cn-2020.html")
	b := ap.browser()
	ap.mustLogin(b, "", "mallory")
	tok := b.csrf("/p/mallory/import")
	body, ct := multipartForm(t, map[string]string{"csrf": tok}, map[string][]byte{"export.json": twoPlayerExport(t)})
	req := httptest.NewRequest(http.MethodPost, "/p/mallory/import", body)
	req.Header.Set("Content-Type", ct)
	res := b.do(req)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.body, "不是这位玩家的页面") {
		t.Fatalf("upload of a two-player export: %d\n%s", res.StatusCode, res.body)
	}
	if n, _ := ap.a.CountPlays(context.Background(), "alice"); n != 0 {
		t.Errorf("alice has %d plays from mallory's upload", n)
	}
}

// TestSecurityUploadOtherInGamePlayer: a CN record page of another player
// uploaded to an intl player was accepted ("plays +50") and flipped the
// player's region and rating. It is refused now, naming both players.
func TestSecurityUploadOtherInGamePlayer(t *testing.T) {
	ap := newApp(t, Config{})
	ap.addUser("owner", "rin")
	ctx := context.Background()
	importTestdata(t, ap.a, "rin", "home-intl-2025.html")
	b := ap.browser()
	ap.mustLogin(b, "", "owner")
	tok := b.csrf("/p/rin/import")
	post := func(fields map[string]string, files map[string][]byte) response {
		body, ct := multipartForm(t, fields, files)
		req := httptest.NewRequest(http.MethodPost, "/p/rin/import", body)
		req.Header.Set("Content-Type", ct)
		return b.do(req)
	}
	res := post(map[string]string{"csrf": tok}, map[string][]byte{"record.html": dxnetPage(t, "record-cn-mixed.html")})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.body, "不是这位玩家的页面") ||
		!strings.Contains(res.body, "ＲＩＮ☆ＲＩＮ") {
		t.Fatalf("a CN page for an intl player: %d\n%s", res.StatusCode, res.body)
	}
	if n, _ := ap.a.CountPlays(ctx, "rin"); n != 0 {
		t.Errorf("rin has %d plays of another player", n)
	}
	// An owner of two players may have each page sent to its own.
	if err := ap.a.GrantPlayer(ctx, "owner", "ygzz", true); err != nil {
		t.Fatal(err)
	}
	importTestdata(t, ap.a, "ygzz", "home-cn-2020.html")
	form := mustGet(t, b, "/p/rin/import")
	if !strings.Contains(form, `name="auto"`) {
		t.Fatal("the import form of an owner of two players offers no sorting by player")
	}
	res = post(map[string]string{"csrf": tok, "auto": "1"}, map[string][]byte{"record.html": dxnetPage(t, "record-cn-mixed.html")})
	if res.StatusCode != http.StatusOK || !strings.Contains(res.body, "→ ygzz") {
		t.Fatalf("sorted upload: %d\n%s", res.StatusCode, res.body)
	}
	if n, _ := ap.a.CountPlays(ctx, "ygzz"); n != 5 {
		t.Errorf("ygzz has %d plays, want 5", n)
	}
	// Sorting never reaches a player the login does not own.
	importTestdata(t, ap.a, "stranger", "home-intl-2025.html")
	res = post(map[string]string{"csrf": tok, "auto": "1"}, map[string][]byte{"playerData.html": dxnetPage(t, "playerData-cn-2025.html")})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("another in-game player's page, sorted: %d", res.StatusCode)
	}
	if n, _ := ap.a.CountPlays(ctx, "stranger"); n != 0 {
		t.Errorf("stranger got %d plays", n)
	}
}

// TestRenameConfirmedOnSettings: after an in-game rename, pages with the new
// name were refused on every way in but the command line. The owner
// confirms the rename on the settings page; the next page with a new name
// (here through the import API, as the bookmarklet sends it) is accepted
// once, and another new name is refused again.
func TestRenameConfirmedOnSettings(t *testing.T) {
	ap := newApp(t, Config{})
	ap.addUser("owner", "mai")
	ctx := context.Background()
	tok := ap.newImportToken("mai")
	b := ap.browser()
	send := func(page string) apiReply {
		_, reply := b.apiPost("/api/import", tok, "text/html", dxnetPage(t, page))
		return reply
	}
	if r := send("playerData-cn-2020.html"); r.Status != "added" { // ＹＧＺＺ
		t.Fatalf("first page: %+v", r)
	}
	if r := send("playerData-cn-2025.html"); r.Status != "rejected" || !strings.Contains(r.Files[0].Error, "settings page") { // ｍａｉｍａｉ
		t.Fatalf("a new name before the owner confirms: %+v", r)
	}
	owner := ap.browser()
	ap.mustLogin(owner, "", "owner")
	form := mustGet(t, owner, "/p/mai/settings")
	if !strings.Contains(form, `name="rename"`) {
		t.Fatal("the settings page has no rename confirmation")
	}
	tok2 := csrfRE.FindStringSubmatch(form)[1]
	if res := owner.post("/p/mai/settings", url.Values{"csrf": {tok2}, "public": {"0"}, "rename": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save settings: %d", res.StatusCode)
	}
	if r := send("playerData-cn-2025.html"); r.Status != "added" {
		t.Fatalf("the new name after the owner confirmed: %+v", r)
	}
	if pending, _ := ap.a.RenamePending(ctx, "mai"); pending {
		t.Error("the confirmation was not used up")
	}
	if r := send("playerData-cn-2025.html"); r.Status == "rejected" {
		t.Errorf("the new name is the player's now: %+v", r)
	}
}

// TestSortToEmptyGrantedPlayer: a login's player made for another account
// with `user grant --create` and no page yet takes the pages sorted to it.
func TestSortToEmptyGrantedPlayer(t *testing.T) {
	ap := newApp(t, Config{})
	ap.addUser("owner", "cn")
	ctx := context.Background()
	importTestdata(t, ap.a, "cn", "home-cn-2020.html")
	if err := ap.a.GrantPlayer(ctx, "owner", "intl", true); err != nil {
		t.Fatal(err)
	}
	b := ap.browser()
	ap.mustLogin(b, "", "owner")
	tok := b.csrf("/p/cn/import")
	body, ct := multipartForm(t, map[string]string{"csrf": tok, "auto": "1"}, map[string][]byte{"home.html": dxnetPage(t, "home-intl-2025.html")})
	req := httptest.NewRequest(http.MethodPost, "/p/cn/import", body)
	req.Header.Set("Content-Type", ct)
	if res := b.do(req); res.StatusCode != http.StatusOK || !strings.Contains(res.body, "→ intl") {
		t.Fatalf("an intl page sorted by an owner of cn and an empty intl: %d\n%s", res.StatusCode, res.body)
	}
}
