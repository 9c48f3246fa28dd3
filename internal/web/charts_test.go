package web

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

// figureChart is one <figure class="chart"> as a page renders it: the
// data charts.js reads and the caption under it.
var figureChart = regexp.MustCompile(`(?s)<figure class="chart">\s*<script type="application/json">(.*?)</script>\s*<figcaption>(.*?)</figcaption>`)

type pageChart struct {
	Caption string
	Data    chartData
}

// pageCharts reads every chart of a page's HTML.
func pageCharts(t *testing.T, body string) []pageChart {
	t.Helper()
	var out []pageChart
	for _, m := range figureChart.FindAllStringSubmatch(body, -1) {
		var d chartData
		if err := json.Unmarshal([]byte(m[1]), &d); err != nil {
			t.Fatalf("chart data %q: %v", m[1], err)
		}
		out = append(out, pageChart{Caption: html.UnescapeString(m[2]), Data: d})
	}
	return out
}

// chartLangs are the languages the charts are checked in, with the
// legend's names of the x values and a browser asking for the language.
var chartLangs = []struct {
	lang, accept             string
	time, month, date, ranks string
}{
	{"zh", "zh-CN", "时间", "月份", "日期", "各评级的曲目数"},
	{"en", "en", "Time", "Month", "Date", "Charts per rank"},
}

// TestOverviewChartsData checks the overview's two charts in both
// languages: the x values' legend name, the language the ticks are
// written in, what one x value stands for, and the region's clock (CN
// UTC+8, intl UTC+9) with each month's count at that clock's first of the
// month.
func TestOverviewChartsData(t *testing.T) {
	ap := publicApp(t, "home-cn-2020.html", "playerData-cn-2025.html", "record-cn-mixed.html")
	importTestdata(t, ap.a, "intl", "record-intl-level.html")
	if err := ap.a.SetPublic(context.Background(), "intl", true); err != nil {
		t.Fatal(err)
	}
	for _, l := range chartLangs {
		for _, p := range []struct {
			player string
			offset int
			plays  int
		}{{"default", 8 * 3600, 5}, {"intl", 9 * 3600, 0}} {
			t.Run(l.lang+"/"+p.player, func(t *testing.T) {
				b := ap.browser()
				b.headers["Accept-Language"] = l.accept
				charts := pageCharts(t, mustGet(t, b, "/p/"+p.player+"/"))
				var monthly *chartData
				for i, c := range charts {
					d := c.Data
					if d.Lang != l.lang || d.Offset != p.offset {
						t.Errorf("chart %q: lang %q offset %d, want %q %d", c.Caption, d.Lang, d.Offset, l.lang, p.offset)
					}
					switch d.Step {
					case chartMonth:
						monthly = &charts[i].Data
						if d.XLabel != l.month {
							t.Errorf("monthly chart's x label %q, want %q", d.XLabel, l.month)
						}
					case chartMoment:
						if d.XLabel != l.time {
							t.Errorf("chart %q: x label %q, want %q", c.Caption, d.XLabel, l.time)
						}
					default:
						t.Errorf("chart %q: step %q", c.Caption, d.Step)
					}
				}
				if monthly == nil {
					t.Fatalf("no monthly chart among %d", len(charts))
				}
				zone := time.FixedZone("", p.offset)
				total := 0
				for i, x := range monthly.X {
					at := time.Unix(x, 0).In(zone)
					if at.Day() != 1 || at.Hour() != 0 || at.Minute() != 0 {
						t.Errorf("month %d is at %s, want the first of a month at midnight in UTC%+d", i, at, p.offset/3600)
					}
					total += int(*monthly.Series[0].Values[i])
				}
				if p.plays > 0 && total != p.plays {
					t.Errorf("the monthly chart counts %d plays, want %d", total, p.plays)
				}
				if len(monthly.X) == 0 {
					t.Error("the monthly chart has no month")
				}
			})
		}
	}
}

// TestProfileSmallCharts checks the profile's counters: one small chart
// per group with its caption in the page's language, no chart with more
// lines than charts.js has colours, no counter twice.
func TestProfileSmallCharts(t *testing.T) {
	ap := publicApp(t, "home-cn-2020.html", "playerData-cn-2020.html", "playerData-cn-2025.html")
	for _, l := range chartLangs {
		t.Run(l.lang, func(t *testing.T) {
			b := ap.browser()
			b.headers["Accept-Language"] = l.accept
			charts := pageCharts(t, mustGet(t, b, "/p/default/profile"))
			if len(charts) < 3 {
				t.Fatalf("%d charts on the profile, want the profile's and at least two counter groups", len(charts))
			}
			captions := map[string]bool{}
			seen := map[string]string{}
			for _, c := range charts {
				captions[c.Caption] = true
				d := c.Data
				if d.Lang != l.lang || d.XLabel != l.time || d.Step != chartMoment || d.Offset != 8*3600 {
					t.Errorf("chart %q: lang %q, x label %q, step %q, offset %d", c.Caption, d.Lang, d.XLabel, d.Step, d.Offset)
				}
				if n := len(d.Series); n == 0 || n > 8 {
					t.Errorf("chart %q has %d lines, want 1 to 8 (one colour each)", c.Caption, n)
				}
				for _, s := range d.Series {
					if len(s.Values) != len(d.X) {
						t.Errorf("chart %q, %s: %d values for %d times", c.Caption, s.Label, len(s.Values), len(d.X))
					}
					if c.Caption == charts[0].Caption {
						continue
					}
					if other, ok := seen[s.Label]; ok {
						t.Errorf("counter %s is on %q and %q", s.Label, other, c.Caption)
					}
					seen[s.Label] = c.Caption
				}
			}
			if !captions[l.ranks] {
				t.Errorf("no chart captioned %q among %v", l.ranks, captions)
			}
			for _, want := range []string{"SSS+", "AP", "SYNC", "✦5"} {
				if _, ok := seen[want]; !ok {
					t.Errorf("no counter %s charted; charted: %v", want, seen)
				}
			}
		})
	}
}

// TestRatingChartDays checks the rating history's chart: one point a day
// of the region's clock, at that day's midnight, holding the day's last
// ratings, with the legend's "date" name in the page's language.
func TestRatingChartDays(t *testing.T) {
	cn := time.FixedZone("CST", 8*3600)
	hist := []archive.RatingPoint{
		{At: time.Date(2026, 12, 6, 10, 0, 0, 0, cn), Computed: 15000},
		{At: time.Date(2026, 12, 6, 23, 0, 0, 0, cn), Computed: 15010, Site: 15005},
		// 16:30 UTC is half past midnight in China: the next day.
		{At: time.Date(2026, 12, 6, 16, 30, 0, 0, time.UTC), Computed: 15020},
		{At: time.Date(2026, 12, 7, 21, 0, 0, 0, cn), Computed: 15030},
	}
	for _, l := range chartLangs {
		t.Run(l.lang, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/p/x/rating", nil)
			r = r.WithContext(context.WithValue(r.Context(), stateKey{}, &reqState{Lang: l.lang}))
			c := ratingChart(r, hist, maimai.CN)
			if c.Step != chartDay || c.XLabel != l.date || c.Lang != l.lang || c.Offset != 8*3600 {
				t.Errorf("step %q, x label %q, lang %q, offset %d", c.Step, c.XLabel, c.Lang, c.Offset)
			}
			want := []int64{time.Date(2026, 12, 6, 0, 0, 0, 0, cn).Unix(), time.Date(2026, 12, 7, 0, 0, 0, 0, cn).Unix()}
			if len(c.X) != len(want) || c.X[0] != want[0] || c.X[1] != want[1] {
				t.Fatalf("x %v, want the two days' midnights %v", c.X, want)
			}
			computed, site := c.Series[0].Values, c.Series[1].Values
			if *computed[0] != 15010 || *computed[1] != 15030 || site[0] == nil || *site[0] != 15005 || site[1] != nil {
				t.Errorf("computed %v %v, site %v %v: want each day's last", *computed[0], *computed[1], site[0], site[1])
			}
		})
	}
}

// TestChartCurveData checks a chart page's progress curve: moments in the
// play's region's clock with the page's language.
func TestChartCurveData(t *testing.T) {
	ap := publicApp(t, "playlogDetail-cn-dx.html", "record-cn-mixed.html")
	for _, l := range chartLangs {
		t.Run(l.lang, func(t *testing.T) {
			b := ap.browser()
			b.headers["Accept-Language"] = l.accept
			charts := pageCharts(t, mustGet(t, b, "/p/default/chart?title=BREaK%21+BREaK%21+BREaK%21&type=dx&diff=master"))
			if len(charts) != 1 {
				t.Fatalf("%d charts on the chart page, want 1", len(charts))
			}
			d := charts[0].Data
			if d.Step != chartMoment || d.XLabel != l.time || d.Lang != l.lang || d.Offset != 8*3600 || len(d.X) == 0 {
				t.Errorf("step %q, x label %q, lang %q, offset %d, %d points", d.Step, d.XLabel, d.Lang, d.Offset, len(d.X))
			}
		})
	}
}
