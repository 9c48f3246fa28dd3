package e2e

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/web"
)

// TestAnalysisPageInBrowser opens the judgement analysis of a generated
// archive over the CN song data, and a chart page with its 分数线, at phone
// and laptop width: the sentences and tables shown, no sideways scroll, no
// table cut off, all four trend charts drawn, no console error.
//
// With MAIPROBE_DOCS_SCREENSHOTS=1 it also writes the phone window of the
// analysis page to docs/screenshots/analysis.png, the picture the README
// shows.
func TestAnalysisPageInBrowser(t *testing.T) {
	t.Parallel()
	browser := newChromium(t)
	s := startServer(t, web.Config{})
	syncSongs(t, s)
	tb := newTab(t, browser, "6-analysis")
	setupOwner(t, tb, s, s.Origin)
	ctx := context.Background()
	end := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	if _, err := s.archive.Generate(ctx, archive.GenOptions{Player: playerName, Plays: genPlays, Seed: 1, End: end}); err != nil {
		t.Fatal(err)
	}
	j, err := s.archive.JudgementSamples(ctx, playerName)
	if err != nil || len(j.Samples) == 0 {
		t.Fatalf("no play with a detail: %v", err)
	}
	c := j.Samples[len(j.Samples)-1].Chart
	chart := "/chart?" + url.Values{"title": {c.Title}, "type": {string(c.Type)}, "diff": {string(c.Difficulty)}, "target": {"sss"}}.Encode()
	pages := []pageCheck{
		{name: "analysis", path: "/analysis", texts: []string{"Where your score goes", "on average at level", "By note kind", "Charts played most"}, charts: true},
		{name: "chart-line", path: chart, texts: []string{"Tolerance", "Target 100.0000% allows a loss of 1.0000%", "GREAT"}},
	}
	checkPages(t, tb, s.App, pages)
	for _, sz := range widths {
		tb.resize(sz)
		tb.open(s.App+"/p/"+playerName+"/analysis", 200)
		if total, drawn := tb.chartsDrawn(); total != 4 || drawn != 4 {
			t.Errorf("analysis at %s px: %d of %d charts drawn, want all 4", sz.name, drawn, total)
		}
	}
	tb.resize(desktop)
	if os.Getenv("MAIPROBE_DOCS_SCREENSHOTS") != "1" {
		return
	}
	tb.resize(phone)
	tb.open(s.App+"/p/"+playerName+"/analysis", 200)
	png, err := chromedp.Run(tb.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if len(png) > 200_000 {
		t.Errorf("the screenshot is %d bytes, over 200 KB", len(png))
	}
	p := filepath.Join("..", "..", "docs", "screenshots", "analysis.png")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
}
