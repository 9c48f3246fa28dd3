package web

import (
	"fmt"
	"net/http"

	"github.com/maiprobe/maiprobe/internal/analysis"
	"github.com/maiprobe/maiprobe/internal/archive"
)

// analysisKind is one note kind's row of a summary table.
type analysisKind struct {
	Key                        string // tap, hold, slide, touch, break
	Loss                       string // mean loss per play, "0.3100%"
	Great, Good, Miss          string // rates, "1.23%"
	Notes                      int
	Worst                      bool // the kind that lost the most
	LossBar                    int  // width of the loss bar, 0–100 (of the largest kind)
	GreatBar, GoodBar, MissBar int
}

// analysisLevel is one level's row of the by-level table.
type analysisLevel struct {
	Level     string
	Plays     int
	Loss      string
	Kinds     []string // mean loss by kind, table order
	FastShare string
}

// analysisChart is one chart's row: the charts played most.
type analysisChart struct {
	Title, Type, Diff, DiffKey, Level, URL string
	Plays                                  int
	Loss, Achievement, Worst               string
}

// analysisFinding is one sentence with its numbers.
type analysisFinding struct {
	Level, Kind string // Kind is the catalogue key's last part
	Loss, Share string
	Plays       int
}

// analysisView is the judgement analysis: where the player's achievement
// goes, from every play with a detail.
type analysisView struct {
	Plays       int
	Loss        string // mean total loss per play
	Achievement string // mean achievement
	Fast, Late  int
	FastShare   string
	Lean        string // "fast", "late" or "even": the sentence about timing
	Findings    []analysisFinding
	Kinds       []analysisKind
	Levels      []analysisLevel
	Charts      []analysisChart
	// Trend charts, one per measure, by month.
	LossChart, GreatChart, MissChart, FastChart chartData
}

// analysisCharts is how many of the most played charts the page lists.
const analysisCharts = 20

// analysisMinPlays is the fewest plays of a level that say a sentence,
// and analysisLevels how many levels (those played most) do.
const (
	analysisMinPlays = 5
	analysisLevels   = 4
)

func pct(f float64, digits int) string { return fmt.Sprintf("%.*f%%", digits, f) }

func (s *Server) analysis(w http.ResponseWriter, r *http.Request) {
	player := r.PathValue("player")
	rep, err := s.archive.JudgementReport(r.Context(), player, analysisCharts)
	if err != nil {
		s.archiveFail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "analysis", newAnalysisView(r, player, rep))
}

func newAnalysisView(r *http.Request, player string, rep archive.JudgementReport) analysisView {
	all := rep.Summary
	v := analysisView{Plays: all.Plays}
	if all.Plays == 0 {
		return v
	}
	v.Loss, v.Achievement = pct(all.Loss, 4), pct(all.Achievement, 4)
	v.Fast, v.Late, v.FastShare = all.Fast, all.Late, pct(100*all.FastShare(), 1)
	switch fs := all.FastShare(); {
	case fs >= 0.55:
		v.Lean = "fast"
	case fs <= 0.45:
		v.Lean = "late"
	default:
		v.Lean = "even"
	}
	v.Kinds = kindRows(all)
	levels := rep.Levels
	for _, f := range analysis.Findings(all, levels, analysisMinPlays, analysisLevels) {
		v.Findings = append(v.Findings, analysisFinding{Level: f.Level, Kind: f.Kind, Loss: pct(f.Loss, 2), Share: pct(100*f.Share, 0), Plays: f.Plays})
	}
	for _, g := range levels {
		row := analysisLevel{Level: g.Level, Plays: g.Plays, Loss: pct(g.Loss, 4), FastShare: pct(100*g.FastShare(), 1)}
		for _, k := range g.Kinds {
			row.Kinds = append(row.Kinds, pct(k.Loss, 4))
		}
		v.Levels = append(v.Levels, row)
	}
	for _, c := range rep.Charts {
		v.Charts = append(v.Charts, analysisChart{Title: c.Chart.Title, Type: label(string(c.Chart.Type)), DiffKey: string(c.Chart.Difficulty),
			Diff: label(string(c.Chart.Difficulty)), Level: c.Level, URL: chartPath(player, c.Chart), Plays: c.Plays,
			Loss: pct(c.Loss, 4), Achievement: pct(c.Achievement, 4), Worst: c.Worst().String()})
	}
	trendCharts(r, &v, rep.Months, zoneOffset(rep.Region))
	return v
}

// kindRows is the per-kind table of a summary, with bars scaled to its
// largest value so the table reads at a glance on a phone.
func kindRows(s analysis.Summary) []analysisKind {
	worst := s.Worst()
	var top, topGreat, topGood, topMiss float64
	for _, k := range s.Kinds {
		top, topGreat, topGood, topMiss = max(top, k.Loss), max(topGreat, k.GreatRate()), max(topGood, k.GoodRate()), max(topMiss, k.MissRate())
	}
	bar := func(v, of float64) int {
		if of <= 0 {
			return 0
		}
		return int(100*v/of + 0.5)
	}
	var out []analysisKind
	for i, k := range s.Kinds {
		if k.Notes == 0 {
			continue // no TOUCH on standard charts
		}
		out = append(out, analysisKind{Key: k.Kind, Loss: pct(k.Loss, 4), Notes: k.Notes,
			Great: pct(100*k.GreatRate(), 2), Good: pct(100*k.GoodRate(), 2), Miss: pct(100*k.MissRate(), 2),
			Worst: analysis.Kind(i) == worst && k.Loss > 0, LossBar: bar(k.Loss, top),
			GreatBar: bar(k.GreatRate(), topGreat), GoodBar: bar(k.GoodRate(), topGood), MissBar: bar(k.MissRate(), topMiss)})
	}
	return out
}

// trendCharts draws the measures by month: the mean loss of each kind,
// the GREAT and MISS rates of each kind, and the FAST share.
func trendCharts(r *http.Request, v *analysisView, months []analysis.Period, zone int) {
	v.LossChart = newChartData(r, chartMonth, zone)
	v.GreatChart = newChartData(r, chartMonth, zone)
	v.MissChart = newChartData(r, chartMonth, zone)
	v.FastChart = newChartData(r, chartMonth, zone)
	kinds := func(value func(analysis.KindStats) float64) []chartSeries {
		var out []chartSeries
		for _, k := range analysis.Kinds {
			s := chartSeries{Label: text(r, "analysis.kind."+k.String())}
			seen := false
			for _, m := range months {
				ks := m.Kinds[k]
				if ks.Notes == 0 {
					s.Values = append(s.Values, nil)
					continue
				}
				seen = true
				s.Values = append(s.Values, num(value(ks)))
			}
			if seen {
				out = append(out, s)
			}
		}
		return out
	}
	fast := chartSeries{Label: text(r, "analysis.fast_share")}
	for _, m := range months {
		x := monthStart(m.Start, zone)
		v.LossChart.X = append(v.LossChart.X, x)
		v.GreatChart.X = append(v.GreatChart.X, x)
		v.MissChart.X = append(v.MissChart.X, x)
		v.FastChart.X = append(v.FastChart.X, x)
		if m.Fast+m.Late == 0 {
			fast.Values = append(fast.Values, nil)
		} else {
			fast.Values = append(fast.Values, num(round(100*m.FastShare(), 1)))
		}
	}
	v.LossChart.Series = kinds(func(k analysis.KindStats) float64 { return round(k.Loss, 4) })
	v.GreatChart.Series = kinds(func(k analysis.KindStats) float64 { return round(100*k.GreatRate(), 2) })
	v.MissChart.Series = kinds(func(k analysis.KindStats) float64 { return round(100*k.MissRate(), 2) })
	v.FastChart.Series = []chartSeries{fast}
}

// round keeps d decimals, so the page's JSON stays short.
func round(f float64, d int) float64 {
	p := 1.0
	for range d {
		p *= 10
	}
	if f < 0 {
		return -float64(int64(-f*p+0.5)) / p
	}
	return float64(int64(f*p+0.5)) / p
}
