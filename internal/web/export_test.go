package web

import (
	"context"
	"encoding/csv"
	"mime"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/interchange"
)

// TestExportDownload: the owner downloads every format from the import
// page's links; a stranger gets the login page (private player) or the
// file (public player), never a private player's scores; an unknown
// format is 404.
func TestExportDownload(t *testing.T) {
	ctx := context.Background()
	ap := newApp(t, Config{})
	ap.addUser("mai", "mai")
	if res := ap.a.Import(ctx, "mai", archive.Source{Name: "record.html", Data: dxnetTestdata(t, "record-cn-mixed.html"),
		ObservedAt: time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)}); res.Err != nil {
		t.Fatal(res.Err)
	}
	owner := ap.browser()
	ap.mustLogin(owner, "", "mai")
	page := owner.get("/p/mai/import")
	for _, f := range interchange.ExportFormats {
		link := `href="/p/mai/export/` + string(f) + `"`
		if !strings.Contains(page.body, link) {
			t.Errorf("the import page has no link %s", link)
		}
		res := owner.get("/p/mai/export/" + string(f))
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != f.ContentType() {
			t.Fatalf("%s: %d %s\n%.300s", f, res.StatusCode, res.Header.Get("Content-Type"), res.body)
		}
		_, params, err := mime.ParseMediaType(res.Header.Get("Content-Disposition"))
		if err != nil || params["filename"] != "maiprobe-mai-"+string(f)+f.Ext() {
			t.Errorf("%s: Content-Disposition %q (%v)", f, res.Header.Get("Content-Disposition"), err)
		}
		if res.Header.Get("Cache-Control") != "private, no-store" {
			t.Errorf("%s: Cache-Control %q", f, res.Header.Get("Cache-Control"))
		}
		if f == interchange.ExportCSV {
			rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.body, "\ufeff"))).ReadAll()
			if err != nil || len(rows) < 3 || !strings.Contains(res.body, "cn,") {
				t.Errorf("csv: %d rows, %v", len(rows), err)
			}
		}
	}

	stranger := ap.browser()
	if res := stranger.get("/p/mai/export/csv"); res.StatusCode != http.StatusSeeOther || strings.Contains(res.body, "play_id") {
		t.Errorf("a stranger downloads a private player's scores: %d\n%.200s", res.StatusCode, res.body)
	}
	ap.addUser("other", "other")
	otherUser := ap.browser()
	ap.mustLogin(otherUser, "", "other")
	if res := otherUser.get("/p/mai/export/tachi"); res.StatusCode != http.StatusForbidden || strings.Contains(res.body, "maimaidx") {
		t.Errorf("another user downloads a private player's scores: %d", res.StatusCode)
	}
	if err := ap.a.SetPublic(ctx, "mai", true); err != nil {
		t.Fatal(err)
	}
	if res := stranger.get("/p/mai/export/csv"); res.StatusCode != http.StatusOK || !strings.Contains(res.body, "play_id") {
		t.Errorf("a public player's scores: %d", res.StatusCode)
	}
	if res := owner.get("/p/mai/export/xlsx"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown format: %d", res.StatusCode)
	}
	if res := owner.get("/p/nobody/export/csv"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown player: %d", res.StatusCode)
	}
}
