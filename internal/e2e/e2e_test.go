// Package e2e drives the real web app in a headless Chromium: the real
// server on a loopback port over a fresh SQLite archive, the real setup,
// login and import forms, every page checked for its status, its text,
// console errors, failed requests and drawn charts, with a screenshot of
// each. The tests skip without a Chromium; MAIPROBE_REQUIRE_BROWSER=1
// (CI) makes them fail instead.
package e2e

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/fixtures"
	"github.com/maiprobe/maiprobe/internal/web"
)

// pageCheck is one page of a player and what it must show.
type pageCheck struct {
	name   string // names the screenshot
	path   string // under /p/<player>
	texts  []string
	charts bool // the page draws uPlot charts
}

// playerPages are the pages of a player every scenario opens.
func playerPages() []pageCheck {
	return []pageCheck{
		{name: "overview", path: "/", texts: []string{playerName, "plays", "Desperado Waltz"}},
		{name: "settings", path: "/settings", texts: []string{"Settings", "Only me (private)"}},
	}
}

// seedPages are the saved pages every scenario imports: real ones from
// ../shared and synthetic ones of the parser tests.
func seedPages(t *testing.T) []string {
	t.Helper()
	return []string{
		fixtures.DXNet(t, "cn/record-mainetcn-1.html"),
		fixtures.DXNet(t, "cn/home-mainetcn-1.html"),
		dxnetTestdata(t, "playlogDetail-cn-dx.html"),
		dxnetTestdata(t, "home-cn-2020.html"),
		dxnetTestdata(t, "playerData-cn-2025.html"),
		dxnetTestdata(t, "photo-jp-album.html"),
	}
}

// dxnetTestdata is the path of a synthetic page of the parser's tests.
func dxnetTestdata(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "dxnet", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("e2e: %v", err)
	}
	return p
}

// importDirect stores files in the archive without the browser, for
// scenarios about something other than importing.
func importDirect(t *testing.T, s *server, files []string) {
	t.Helper()
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		res := s.archive.Import(context.Background(), playerName, archive.Source{Name: filepath.Base(f), Data: b, ObservedAt: time.Now()})
		if res.Status == archive.Rejected {
			t.Fatalf("import %s: rejected: %v", f, res.Err)
		}
	}
}

// checkPages opens every page of the player at app (origin plus base
// path) and checks status, text, charts and problems, with a screenshot.
func checkPages(t *testing.T, tb *tab, app string, pages []pageCheck) {
	t.Helper()
	for _, pc := range pages {
		u := app + "/p/" + playerName + pc.path
		tb.open(u, http.StatusOK)
		tb.wantText(pc.name, pc.texts...)
		if pc.charts {
			total, drawn := tb.chartsDrawn()
			if total == 0 || drawn != total {
				t.Errorf("%s: %d of %d uPlot charts drawn, want all of at least one", pc.name, drawn, total)
			}
		}
		tb.screenshot(pc.name)
		tb.checkClean(pc.name)
	}
}

// TestOwnerInBrowser is scenario 1: first-run setup, log out, a wrong and
// a right login, import, every page, and a private player refused to a
// fresh visitor until the owner makes it public.
func TestOwnerInBrowser(t *testing.T) {
	t.Parallel()
	files := seedPages(t)
	browser := newChromium(t, false)
	s := startServer(t, web.Config{})
	tb := newTab(t, browser, "1-owner")

	setupOwner(t, tb, s, s.Origin)
	tb.screenshot("setup-done")
	logout(t, tb)
	if got := tb.path(); got != "/" {
		t.Errorf("logout: ended at %s, want /", got)
	}
	tb.checkClean("logout")

	tb.open(s.App+"/login", http.StatusOK)
	tb.fill(`form[action$="/login"] input[name=name]`, ownerName)
	tb.fill(`form[action$="/login"] input[name=password]`, "not the password")
	tb.submit(`form[action$="/login"]`, http.StatusUnauthorized)
	tb.wantText("wrong login", "Wrong user name or password.")
	tb.screenshot("login-failed")
	tb.takeProblems() // the 401 page itself is the expected outcome
	login(t, tb, s.Origin, "")
	tb.checkClean("login")

	importDirect(t, s, files)
	checkPages(t, tb, s.App, playerPages())

	t.Run("private player", func(t *testing.T) {
		visitor := newTab(t, browser, "1-visitor")
		overview := s.App + "/p/" + playerName + "/"
		visitor.open(overview, http.StatusOK)
		if got := visitor.path(); !strings.HasPrefix(got, "/login?next=") {
			t.Errorf("a visitor opening a private player ended at %s, want the login form", got)
		}
		if strings.Contains(visitor.text(), "Desperado Waltz") {
			t.Error("a visitor sees a private player's plays")
		}
		visitor.screenshot("private-refused")
		visitor.checkClean("private player, visitor")

		tb.open(s.App+"/p/"+playerName+"/settings", http.StatusOK)
		tb.click(`input[name=public][value="1"]`)
		tb.submit(`form[action$="/settings"]`, http.StatusOK)
		tb.wantText("settings saved", "Saved.")
		tb.checkClean("make public")

		visitor.open(overview, http.StatusOK)
		if got := visitor.path(); got != "/p/"+playerName+"/" {
			t.Errorf("a visitor opening a public player ended at %s", got)
		}
		visitor.wantText("public player", playerName, "Desperado Waltz")
		visitor.screenshot("public-shown")
		// Public means readable, not changeable.
		visitor.open(s.App+"/p/"+playerName+"/settings", http.StatusOK)
		if got := visitor.path(); !strings.HasPrefix(got, "/login?next=") {
			t.Errorf("a visitor opening the settings of a public player ended at %s, want the login form", got)
		}
		visitor.checkClean("public player, visitor")
	})
}
