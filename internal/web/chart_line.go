package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/maiprobe/maiprobe/internal/analysis"
	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

// lineRow is one note kind of the chart page's 分数线: the most GREATs,
// GOODs and MISSes the target allows.
type lineRow struct {
	Kind              string
	Notes             int
	Great, Good, Miss int
}

// lineTarget is one of the targets the chart page offers.
type lineTarget struct {
	Label, URL string
	Current    bool
}

// lineView is the chart page's 分数线 (chart.html, "chartline").
type lineView struct {
	Target    string // "100.5000%"
	Allowance string // "0.5000%"
	Reachable bool
	Rows      []lineRow
	// BreakPerfect and BreakPerfectHigh: the most BREAK PERFECTs of the
	// lower and higher window (50落 and 25落) the target allows.
	BreakPerfect, BreakPerfectHigh int
	HasBreak                       bool
	Targets                        []lineTarget
	Error                          string // why the asked target has no line
}

// lineTargets are the targets the chart page links: the ranks players aim
// for, and one more rating.
var lineTargets = []string{"sss+", "sss", "ss+", "ss", "s", "+1"}

// chartLine is the 分数線 of chart c for ?target= (SSS+ by default); nil
// when the song data lacks the chart, as then there is nothing to count.
func (s *Server) chartLine(r *http.Request, player string, c maimai.Chart) *lineView {
	asked := r.URL.Query().Get("target")
	if asked == "" {
		asked = "sss+"
	}
	v := &lineView{}
	base := chartPath(player, c)
	for _, t := range lineTargets {
		label := markLabel(analysisRank(t))
		if t == "+1" {
			label = text(r, "line.plus_one")
		}
		v.Targets = append(v.Targets, lineTarget{Label: label, URL: base + "&target=" + url.QueryEscape(t) + "#line", Current: t == asked})
	}
	l, err := s.archive.Line(r.Context(), player, c, asked)
	switch {
	case errors.Is(err, archive.ErrNoChart):
		return nil
	case err != nil:
		v.Error = err.Error()
		return v
	}
	v.Target, v.Reachable = l.Target.Achievement.String()+"%", l.Reachable
	v.Allowance = fmt.Sprintf("%.4f%%", l.Allowance)
	for _, k := range analysis.Kinds {
		a, ok := l.Allowed[k.String()]
		if !ok {
			continue
		}
		v.Rows = append(v.Rows, lineRow{Kind: k.String(), Notes: l.Notes[k.String()], Great: a.Great, Good: a.Good, Miss: a.Miss})
		if a.Perfect != nil {
			v.HasBreak, v.BreakPerfect, v.BreakPerfectHigh = true, *a.Perfect, *a.PerfectHigh
		}
	}
	return v
}

// analysisRank is the rank key of a target spelling ("sss+" → "sssp"),
// for markLabel; other targets pass through.
func analysisRank(t string) string {
	if tg, err := analysis.ParseTarget(t); err == nil && tg.Rank != "" {
		return string(tg.Rank)
	}
	return t
}
