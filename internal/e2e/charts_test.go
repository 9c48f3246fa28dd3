package e2e

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// chartFacts is what one drawn chart shows, read off its uPlot instance
// (charts.js keeps it on the figure) and its legend.
type chartFacts struct {
	Caption string   `json:"caption"`
	Step    string   `json:"step"`   // chartData.step: moment, day or month
	Offset  int      `json:"offset"` // chartData.offset
	X0      int64    `json:"x0"`     // the first x value, unix seconds
	Drawn   bool     `json:"drawn"`
	Label   string   `json:"label"`   // the legend's name of the x values
	Value   string   `json:"value"`   // the legend's x value with the cursor on the first point
	Ticks   []string `json:"ticks"`   // the x axis's tick texts as uPlot drew them
	Strokes []string `json:"strokes"` // each line's colour and dash
}

// chartFactsJS puts the cursor on each chart's first point and reads the
// legend, the x ticks and the lines' colours.
const chartFactsJS = `[...document.querySelectorAll('figure.chart')].map(f => {
	const d = JSON.parse(f.querySelector('script[type="application/json"]').textContent);
	const out = {caption: f.querySelector('figcaption').innerText.trim(), step: d.step, offset: d.offset, x0: d.x[0], drawn: false,
		label: '', value: '', ticks: [], strokes: []};
	const u = f.uplot;
	if (!u) return out;
	u.setCursor({left: u.valToPos(u.data[0][0], 'x'), top: 1});
	const row = f.querySelector('.u-legend tr.u-series');
	out.drawn = true;
	out.label = row ? row.querySelector('th').innerText.trim() : '';
	out.value = row && row.querySelector('.u-value') ? row.querySelector('.u-value').innerText.trim() : '';
	out.ticks = (u.axes[0]._values || []).map(String);
	out.strokes = u.series.slice(1).map((s, i) => String(typeof s.stroke === 'function' ? s.stroke(u, i + 1) : s.stroke) + ' ' + (s.dash || []).join(','));
	return out;
})`

// chartLang is how the charts of one page language must read.
type chartLang struct {
	lang string
	// labels are the legend's names of the x values per step.
	labels map[string]string
	// legend is the Go layout of the legend's x value per step.
	legend map[string]string
	// monthTick is a tick of a monthly chart: a month, with its year
	// under the first and each new year's, or a year.
	monthTick *regexp.Regexp
}

var (
	chartZh = chartLang{lang: "zh",
		labels:    map[string]string{"moment": "时间", "day": "日期", "month": "月份"},
		legend:    map[string]string{"moment": "2006-01-02 15:04", "day": "2006-01-02", "month": "2006年1月"},
		monthTick: regexp.MustCompile(`^(\d{1,2}月(\n\d{4}年)?|\d{4}年)$`)}
	chartEn = chartLang{lang: "en",
		labels:    map[string]string{"moment": "Time", "day": "Date", "month": "Month"},
		legend:    map[string]string{"moment": "2 Jan 2006, 15:04", "day": "2 Jan 2006", "month": "Jan 2006"},
		monthTick: regexp.MustCompile(`^((Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)(\n\d{4})?|\d{4})$`)}
	// usDate is a US-style date (12/7/26) and ampm a 12-hour clock (3am):
	// what uPlot writes unless told otherwise.
	usDate = regexp.MustCompile(`\d+/\d+`)
	ampm   = regexp.MustCompile(`(?i)\d\s*(am|pm)\b`)
	latin  = regexp.MustCompile(`[A-Za-z]`)
)

// checkChartLanguages opens the player's pages with charts (paths under
// /p/<player>) in Chinese and in English, in a phone's window and a
// laptop's, and checks every drawn chart: the legend names the x values
// in the page's language (never "Time" in Chinese), the ticks carry no
// US dates or am/pm (and no Latin letter in Chinese), a monthly chart
// ticks months only, a daily one no clock times, the legend's value of the
// first point is the region's clock in the language's format, and no two
// lines of a chart share a colour. steps are the kinds of chart the pages
// must have among them. The tab is left in English.
func checkChartLanguages(t *testing.T, tb *tab, app string, paths []string, steps []string) {
	t.Helper()
	for _, l := range []chartLang{chartZh, chartEn} {
		tb.open(app+"/lang/"+l.lang+"?next="+url.QueryEscape("/p/"+playerName+"/"), http.StatusOK)
		for _, sz := range widths {
			tb.resize(sz)
			seen := map[string]bool{}
			for _, p := range paths {
				tb.open(app+"/p/"+playerName+p, http.StatusOK)
				what := l.lang + " " + p + " at " + sz.name + " px"
				for _, c := range eval[[]chartFacts](tb, chartFactsJS) {
					seen[c.Step] = true
					checkChart(t, what, l, c)
				}
				tb.screenshot("charts-" + l.lang + strings.ReplaceAll(p, "/", "-"))
				tb.checkClean(what)
			}
			for _, s := range steps {
				if !seen[s] {
					t.Errorf("charts in %s at %s px: no %s chart on %v", l.lang, sz.name, s, paths)
				}
			}
		}
	}
	tb.resize(desktop)
}

func checkChart(t *testing.T, what string, l chartLang, c chartFacts) {
	t.Helper()
	what += " chart " + c.Caption
	if !c.Drawn {
		t.Errorf("%s: not drawn", what)
		return
	}
	if want := l.labels[c.Step]; c.Label != want {
		t.Errorf("%s: the legend names the x values %q, want %q (step %q)", what, c.Label, want, c.Step)
	}
	if want := time.Unix(c.X0, 0).In(time.FixedZone("", c.Offset)).Format(l.legend[c.Step]); c.Value != want {
		t.Errorf("%s: the legend shows the first point at %q, want %q (UTC%+d)", what, c.Value, want, c.Offset/3600)
	}
	if len(c.Ticks) == 0 {
		t.Errorf("%s: no x tick", what)
	}
	for _, tick := range c.Ticks {
		switch {
		case usDate.MatchString(tick) || ampm.MatchString(tick):
			t.Errorf("%s: a tick in US format: %q", what, tick)
		case l.lang == "zh" && latin.MatchString(tick):
			t.Errorf("%s: a Chinese page's tick in Latin letters: %q", what, tick)
		case c.Step == "month" && !l.monthTick.MatchString(tick):
			t.Errorf("%s: a monthly chart's tick %q is not a month or year", what, tick)
		case c.Step == "day" && strings.Contains(tick, ":"):
			t.Errorf("%s: a daily chart's tick %q shows a clock time", what, tick)
		}
	}
	if !slices.Equal(slices.Compact(slices.Sorted(slices.Values(c.Strokes))), slices.Sorted(slices.Values(c.Strokes))) {
		t.Errorf("%s: two lines look the same: %q", what, c.Strokes)
	}
}
