package web

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"strings"
	"testing"

	"github.com/maiprobe/maiprobe/internal/analysis"
	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/songs"
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
				// Counts in the thousands are grouped in threes.
				fmt.Sprintf("FAST %s · LATE %s", group(all.Fast), group(all.Late)),
			} {
				if !strings.Contains(page, want) {
					t.Errorf("page lacks %q", want)
				}
			}
			sentence := map[string]string{"zh": " 时，", "en": "on average at level"}[l.lang]
			if !strings.Contains(page, sentence) || l.lang == "zh" && !strings.Contains(page, "平均每局让你损失") {
				t.Errorf("no per-level sentence %q", sentence)
			}
			if all.Fast >= 1000 && strings.Contains(page, fmt.Sprintf("FAST %d", all.Fast)) {
				t.Errorf("FAST %d is not grouped", all.Fast)
			}
			// A web reader cannot open a path of the repository.
			if strings.Contains(page, "docs/") {
				t.Errorf("the page sends readers to a repository path")
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

// TestChartLine: the chart page shows the 分数线 of the asked target from
// the song data's note counts, the same numbers analysis.NewLine gives,
// with links to the other targets; a chart the song data lacks shows none,
// and a bad target says why without failing the page.
func TestChartLine(t *testing.T) {
	ctx := context.Background()
	ap := newApp(t, Config{})
	ap.addUser("owner", "default")
	db := testSongs()
	for _, sg := range db.Songs {
		for i, c := range sg.Charts {
			c.Notes = songs.Notes{Tap: 300 + 50*i, Hold: 40, Slide: 30, Break: 20}
		}
	}
	if _, err := ap.a.SyncSongs(ctx, db); err != nil {
		t.Fatal(err)
	}
	importRecord(t, ap.a, "default", "")
	b := ap.browser()
	ap.mustLogin(b, "", "owner")
	b.headers["Accept-Language"] = "en"
	chart := maimai.Chart{Title: "ウミユリ海底譚", Type: maimai.DX, Difficulty: maimai.Master}
	page := html.UnescapeString(mustGet(t, b, chartPath("default", chart)+"&target=sss"))
	// MASTER is the fourth chart: TAP 450, HOLD 40, SLIDE 30, BREAK 20.
	want, _ := analysis.NewLine([5]int{450, 40, 30, 0, 20}, 1000000)
	for _, k := range []string{"tap", "hold", "slide", "break"} {
		a := want.Allowed[k]
		row := fmt.Sprintf(`<td class="num">%d</td><td class="num">%d</td><td class="num">%d</td>`, a.Great, a.Good, a.Miss)
		if !strings.Contains(page, row) {
			t.Errorf("%s: the page lacks %s", k, row)
		}
	}
	if !strings.Contains(page, "Target 100.0000% allows a loss of 1.0000%") || !strings.Contains(page, "<strong>SSS</strong>") ||
		!strings.Contains(page, "target=sss%2B#line") || strings.Contains(page, ">touches ") {
		t.Errorf("the line's header, targets or rows are wrong:\n%s", page[strings.Index(page, `id="line"`):])
	}
	if bad := html.UnescapeString(mustGet(t, b, chartPath("default", chart)+"&target=200")); !strings.Contains(bad, "give an achievement up to 101") {
		t.Errorf("a bad target does not say why")
	}
	// In Chinese: the BREAK PERFECT windows by the names players use (the
	// higher window loses a quarter of the bonus, "50落"; the lower half,
	// "100落"), the rating target as players write it, and every refusal
	// in Chinese.
	b.headers["Accept-Language"] = "zh-CN"
	zh := html.UnescapeString(mustGet(t, b, chartPath("default", chart)+"&target=100.8"))
	high, _ := analysis.NewLine([5]int{450, 40, 30, 0, 20}, 1008000)
	brk := high.Allowed["break"]
	for _, w := range []string{fmt.Sprintf("50落（少 1/4 绝赞额外分）最多 %d 个", *brk.PerfectHigh), fmt.Sprintf("100落（少一半）最多 %d 个", *brk.Perfect), ">Rating +1<"} {
		if !strings.Contains(zh, w) {
			t.Errorf("the zh line lacks %q", w)
		}
	}
	if *brk.PerfectHigh == *brk.Perfect {
		t.Fatalf("the chart cannot tell the two windows apart (%d each)", *brk.Perfect)
	}
	for target, w := range map[string]string{"abc": "无法识别目标「abc」", "%2B100": "即使打到 101%，这张谱面现在也只能让你的 rating 增加"} {
		page := html.UnescapeString(mustGet(t, b, chartPath("default", chart)+"&target="+target))
		if !strings.Contains(page, w) || strings.Contains(page, "no 分数线") || strings.Contains(page, "give an achievement") {
			t.Errorf("target %s: the zh page lacks %q:\n%s", target, w, page[strings.Index(page, `id="line"`):])
		}
	}
	b.headers["Accept-Language"] = "en"
	list, err := ap.a.ListPlays(ctx, "default", archive.PlayFilter{}, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	tested := false
	for _, p := range list.Plays {
		if p.Info.Link == "" || p.Info.Link == archive.LinkLearned {
			tested = true
			if other := mustGet(t, b, chartPath("default", p.Chart)); strings.Contains(other, `id="line"`) {
				t.Errorf("%s, a chart the song data lacks, shows a 分数线", p.Title)
			}
			break
		}
	}
	if !tested {
		t.Error("no play of a chart outside the song data to test")
	}
	// A +N target says what its achievement is: on some played chart
	// below its top, +1 is reachable.
	b.headers["Accept-Language"] = "zh-CN"
	explained := false
	for _, p := range list.Plays {
		if p.Info.Link == "" || p.Info.Link == archive.LinkLearned || p.Achievement > 1000000 {
			continue
		}
		page := html.UnescapeString(mustGet(t, b, chartPath("default", p.Chart)+"&target=%2B1"))
		if strings.Contains(page, "（让 rating +1 所需的最低达成率）") {
			explained = true
			break
		}
	}
	if !explained {
		t.Error("no chart's +1 line says what its achievement is")
	}
}
