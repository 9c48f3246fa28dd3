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
	RatingN   int    // N of a "+N" target, whose achievement the page explains
	Allowance string // "0.5000%"
	Reachable bool
	Rows      []lineRow
	// BreakPerfect and BreakPerfectHigh: the most BREAK PERFECTs of the
	// lower and higher window the target allows: players call a PERFECT
	// of the higher window (a quarter of the BREAK's bonus lost) "50落"
	// and one of the lower (half of it) "100落".
	BreakPerfect, BreakPerfectHigh int
	HasBreak                       bool
	Targets                        []lineTarget
	Error                          string // why the asked target has no line
}

// lineTargets are the targets the chart page links: the ranks players aim
// for, and one more rating.
var lineTargets = []string{"sss+", "sss", "ss+", "ss", "s", "+1"}

// chartLine is the 分数线 of chart c for ?target= (SSS+ by default); nil
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
		v.Error = s.lineErrorText(r, err)
		return v
	}
	v.Target, v.Reachable, v.RatingN = l.Target.Achievement.String()+"%", l.Reachable, l.Target.Rating
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

// lineErrorText says in the page's language why the chart has no 分数线
// for the target asked. An error that is not the player's target or the
// song data (a database failing) is logged and the page says only that
// the server failed: its text is the storage's, in English, and no help
// to a player.
func (s *Server) lineErrorText(r *http.Request, err error) string {
	var le *archive.LineError
	if !errors.As(err, &le) {
		s.log.Error("chart page: 分数线", "path", r.URL.Path, "err", err)
		return text(r, "line.err.failed")
	}
	switch le.Problem {
	case archive.LineBadTarget:
		return textf(r, "line.err.bad_target", le.Asked)
	case archive.LineNoNotes:
		return textf(r, "line.err.no_notes", string(le.Region), le.Source, le.NotesFrom, archive.NotesCommand(le.Region))
	case archive.LineNoConstant:
		return text(r, "line.err.no_constant")
	case archive.LineTooHigh:
		return textf(r, "line.err.too_high", le.Gain, le.Want)
	}
	return textf(r, "line.err.other", le.Detail)
}
