package web

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"strings"
	"testing"

	"github.com/maiprobe/maiprobe/internal/analysis"
)

// TestAnalysisPage: the page says the numbers the analysis package
// computes from the archive's samples, in both languages, with one trend
// chart per measure by month in the region's clock; a player without
// details gets the explanation; a private player's page needs its owner.
func TestAnalysisPage(t *testing.T) {
	ap := generated(t, 1500)
	ctx := context.Background()
	j, err := ap.a.JudgementSamples(ctx, "gen")
	if err != nil || len(j.Samples) == 0 {
		t.Fatalf("samples: %d, %v", len(j.Samples), err)
	}
	all := analysis.Summarize(j.Samples)
	worst := all.Worst()
	for _, l := range chartLangs {
		t.Run(l.lang, func(t *testing.T) {
			b := ap.browser()
			b.headers["Accept-Language"] = l.accept
			body := mustGet(t, b, "/p/gen/analysis")
			page := html.UnescapeString(body)
			for _, want := range []string{
				fmt.Sprintf("%d", all.Plays), fmt.Sprintf("%.4f%%", all.Loss), fmt.Sprintf("%.4f%%", all.Achievement),
				fmt.Sprintf("%.4f%%", all.Kinds[worst].Loss), fmt.Sprintf("%.2f%%", 100*all.Kinds[analysis.Tap].GreatRate()),
				fmt.Sprintf("FAST %d · LATE %d", all.Fast, all.Late),
			} {
				if !strings.Contains(page, want) {
					t.Errorf("page lacks %q", want)
				}
			}
			sentence := map[string]string{"zh": "平均让你损失", "en": "on average at level"}[l.lang]
			if !strings.Contains(page, sentence) {
				t.Errorf("no per-level sentence %q", sentence)
			}
			charts := pageCharts(t, body)
			if len(charts) != 4 {
				t.Fatalf("%d charts, want 4 (loss, GREAT, MISS, FAST)", len(charts))
			}
			months := analysis.Monthly(j.Samples, j.Region.Location())
			for _, c := range charts {
				d := c.Data
				if d.Lang != l.lang || d.Step != chartMonth || d.XLabel != l.month || d.Offset != 8*3600 || len(d.X) != len(months) || len(d.Series) == 0 {
					t.Errorf("chart %q: lang %q step %q xlabel %q offset %d, %d points of %d months, %d series",
						c.Caption, d.Lang, d.Step, d.XLabel, d.Offset, len(d.X), len(months), len(d.Series))
				}
			}
			// The loss chart's SLIDE line is each month's mean SLIDE loss.
			slide := charts[0].Data.Series[analysis.Slide]
			if v := slide.Values[len(months)-1]; v == nil || *v != round(months[len(months)-1].Kinds[analysis.Slide].Loss, 4) {
				t.Errorf("last month's SLIDE loss %v, want %v", v, months[len(months)-1].Kinds[analysis.Slide].Loss)
			}
		})
	}

	// A player without details; a private player.
	ap.addUser("owner", "default")
	b := ap.browser()
	if res := b.get("/p/default/analysis"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("private player, anonymous: %d, want a redirect to the login", res.StatusCode)
	}
	ap.mustLogin(b, "", "owner")
	b.headers["Accept-Language"] = "en"
	if body := mustGet(t, b, "/p/default/analysis"); !strings.Contains(body, "No play with a detail yet") {
		t.Errorf("empty player's page lacks the explanation")
	}
}
