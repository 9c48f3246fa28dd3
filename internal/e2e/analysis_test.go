package e2e

import (
	"context"
	"net/url"
	"testing"

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
	s, tb := ownerWithSongs(t, web.Config{}, "6-analysis")
	ctx := context.Background()
	if _, err := s.archive.Generate(ctx, archive.GenOptions{Player: playerName, Plays: genPlays, Seed: 1, End: genEnd}); err != nil {
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
	if !docsShots() {
		return
	}
	tb.resize(phone)
	tb.open(s.App+"/p/"+playerName+"/analysis", 200)
	tb.docsShot("analysis")
}
