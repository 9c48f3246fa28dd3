package api

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/maiprobe/maiprobe/internal/analysis"
	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

// analysisAnswer is GET /players/{player}/analysis: what the web's
// analysis page shows (docs/analysis.md), every plays with a detail
// together, by level, by month (the region's clock) and by chart.
type analysisAnswer struct {
	Player   string                `json:"player"`
	Region   maimai.Region         `json:"region"`
	Summary  analysis.Summary      `json:"summary"`
	Findings []analysis.Finding    `json:"findings"`
	Levels   []analysis.LevelGroup `json:"levels"`
	Months   []analysis.Period     `json:"months"`
	Charts   []analysis.ChartGroup `json:"charts"`
}

// analysisFindingLevels is how many levels' sentences the answer has, as
// on the web page.
const analysisFindingLevels = 4

func (a *API) analysis(w http.ResponseWriter, r *http.Request, acc Access) {
	limit := 50
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			a.fail(w, r, errBadRequest("limit: a number of charts from 1 to 1000"))
			return
		}
		limit = n
	}
	rep, err := a.a.JudgementReport(r.Context(), acc.Player, limit)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := analysisAnswer{Player: acc.Player, Region: rep.Region, Summary: rep.Summary, Levels: rep.Levels, Months: rep.Months, Charts: rep.Charts}
	out.Findings = append([]analysis.Finding{}, analysis.Findings(out.Summary, out.Levels, 5, analysisFindingLevels)...)
	// Empty lists, not null, for a player with nothing analysed yet.
	if out.Levels == nil {
		out.Levels = []analysis.LevelGroup{}
	}
	if out.Months == nil {
		out.Months = []analysis.Period{}
	}
	if out.Charts == nil {
		out.Charts = []analysis.ChartGroup{}
	}
	WriteJSON(w, http.StatusOK, out)
}

// line is GET /players/{player}/line: the 分数线 of a chart for a target,
// what `maiprobe line --json` prints.
func (a *API) line(w http.ResponseWriter, r *http.Request, acc Access) {
	q := r.URL.Query()
	c := maimai.Chart{Title: q.Get("title"), Type: maimai.ChartType(q.Get("type")), Difficulty: maimai.Difficulty(q.Get("diff"))}
	if c.Title == "" || !c.Difficulty.Valid() || c.Difficulty == maimai.Utage || (c.Type != maimai.Std && c.Type != maimai.DX) {
		a.fail(w, r, errBadRequest("name the chart with title, type (std or dx) and diff (basic, advanced, expert, master or remaster)"))
		return
	}
	target := q.Get("target")
	if target == "" {
		target = "100.5"
	}
	if _, err := analysis.ParseTarget(target); err != nil {
		a.fail(w, r, errBadRequest(err.Error()))
		return
	}
	l, err := a.a.Line(r.Context(), acc.Player, c, target)
	var le *archive.LineError
	switch {
	case errors.As(err, &le) && le.Problem == archive.LineAmbiguous:
		// The song data has the chart more than once under this title
		// (Link and Link(CoF)): not missing, so say which ones there are.
		a.fail(w, r, errBadRequest(fmt.Sprintf("more than one song is called %q and has a %s %s chart: %s; give the title exactly as the song data spells it", c.Title, c.Type, c.Difficulty, le.Detail)))
		return
	case errors.Is(err, archive.ErrNoChart):
		// The archive's error names its packages; the caller needs the
		// chart and what to do.
		a.fail(w, r, errNotFound(fmt.Sprintf("no chart %s %s %s in the song data: check the title as the song data spells it (the server's operator loads song data with maiprobe songs sync)", c.Title, c.Type, c.Difficulty)))
		return
	case errors.Is(err, archive.ErrNoLine):
		a.fail(w, r, errBadRequest(err.Error()))
		return
	case err != nil:
		a.fail(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, l)
}
