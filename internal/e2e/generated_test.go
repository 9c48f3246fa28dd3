package e2e

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/maiprobe/maiprobe/internal/web"
)

// genEnd is where the pages' generated archives end: a fixed day, so a
// run's plays (and the screenshots in docs/) do not move with the clock.
var genEnd = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// ownerWithSongs is the preamble of the tests of one page over a
// generated archive: a server with cfg and the CN song data synced, a
// tab for scenario, and the owner set up in it. The caller generates the
// plays it needs.
func ownerWithSongs(t *testing.T, cfg web.Config, scenario string) (*server, *tab) {
	t.Helper()
	browser := newChromium(t)
	s := startServer(t, cfg)
	syncSongs(t, s)
	tb := newTab(t, browser, scenario)
	setupOwner(t, tb, s, s.Origin)
	return s, tb
}

// docsShots says whether this run also writes the pictures in
// docs/screenshots (MAIPROBE_DOCS_SCREENSHOTS=1), which the README shows.
func docsShots() bool { return os.Getenv("MAIPROBE_DOCS_SCREENSHOTS") == "1" }

// docsShot writes the tab's window (not the whole page: the README shows
// what a phone shows first) to docs/screenshots/<name>.png, and fails the
// test when it is over 200 KB, which would bloat the repository.
func (tb *tab) docsShot(name string) {
	tb.t.Helper()
	png, err := chromedp.Run(tb.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		tb.t.Fatal(err)
	}
	if len(png) > 200_000 {
		tb.t.Errorf("%s: the screenshot is %d bytes, over 200 KB", name, len(png))
	}
	p := filepath.Join("..", "..", "docs", "screenshots", name+".png")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		tb.t.Fatal(err)
	}
	if err := os.WriteFile(p, png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
}
