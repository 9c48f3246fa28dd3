package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/history"
)

// chartIndex is a chart whose x values are plain numbers (the play's
// number within a visit), not times.
const chartIndex = "index"

// visitPath is the report page of the visit whose first play is id.
func visitPath(player string, id int64) string {
	return fmt.Sprintf("/p/%s/sessions/%d", url.PathEscape(player), id)
}

// yearPath is the year in review of year.
func yearPath(player string, year int) string {
	return fmt.Sprintf("/p/%s/year/%d", url.PathEscape(player), year)
}

// chartCountRow is one chart's plays within a visit or a year.
type chartCountRow struct {
	Title, Type, Diff, DiffKey, Level string
	ChartURL, BestURL                 string
	Plays                             int
	Best                              string
}

func newChartCountRows(player string, cs []history.ChartPlays) []chartCountRow {
	out := make([]chartCountRow, 0, len(cs))
	for _, c := range cs {
		out = append(out, chartCountRow{Title: c.Chart.Title, Type: label(string(c.Chart.Type)), Diff: label(string(c.Chart.Difficulty)),
			DiffKey: string(c.Chart.Difficulty), Level: c.Level, ChartURL: chartPath(player, c.Chart),
			BestURL: fmt.Sprintf("/p/%s/plays/%d", url.PathEscape(player), c.BestPlay), Plays: c.Plays, Best: c.Best.String() + "%"})
	}
	return out
}

// visitPlayRow is a play of the visit beside the player's usual on its
// chart.
type visitPlayRow struct {
	playRow
	N     int
	Usual string // "" when the chart has no other play
	Delta string // signed percentage points
	Dir   int
}

// visitReportView is one visit's report.
type visitReportView struct {
	Visit     visitView
	Computed  bool // the rating is the archive's computed one
	Plays     []visitPlayRow
	PerChart  []chartCountRow
	Partners  []history.PartnerCount
	Photos    []photoView
	Curve     chartData
	HasCurve  bool
	Trend     string // a sentence on warm-up or fatigue, "" when too few plays tell
	Prev      string // the neighbouring visits' reports, "" for none
	Next      string
	YearURL   string
	Gap       int
	GapQuery  string // "?gap=N" when not the default, for the links
	Milestone []milestoneRow
}

func (s *Server) visitReport(w http.ResponseWriter, r *http.Request) {
	player := r.PathValue("player")
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return
	}
	gap := int(archive.DefaultVisitGap / time.Hour)
	if h, err := strconv.Atoi(r.URL.Query().Get("gap")); err == nil && h >= 1 && h <= 48 {
		gap = h
	}
	rep, err := s.archive.VisitReport(r.Context(), player, id, time.Duration(gap)*time.Hour)
	if err != nil {
		s.archiveFail(w, r, err)
		return
	}
	v := visitReportView{Visit: newVisitView(player, rep.Visit), Computed: rep.Computed, Partners: rep.Partners, Gap: gap}
	if gap != int(archive.DefaultVisitGap/time.Hour) {
		v.GapQuery = "?gap=" + strconv.Itoa(gap)
	}
	if rep.Prev != 0 {
		v.Prev = visitPath(player, rep.Prev) + v.GapQuery
	}
	if rep.Next != 0 {
		v.Next = visitPath(player, rep.Next) + v.GapQuery
	}
	loc := rep.Region.Location()
	v.YearURL = yearPath(player, rep.Start.In(loc).Year())
	for i, p := range rep.Plays {
		row := visitPlayRow{playRow: newPlayRow(player, p), N: i + 1}
		if u, ok := rep.Usual[p.ID]; ok {
			row.Usual = u.String() + "%"
			row.Delta, row.Dir = signedAchievement(p.Achievement-u), sign(int(p.Achievement-u))
		}
		v.Plays = append(v.Plays, row)
	}
	v.PerChart = newChartCountRows(player, rep.PerChart)
	for _, p := range rep.Photos {
		pv := photoView{When: localTime(p.TakenAt, rep.Region), Title: p.Title, Type: label(string(p.Type)),
			Diff: label(string(p.Difficulty)), DiffKey: string(p.Difficulty), Level: p.Level, Place: p.Place}
		if strings.HasPrefix(p.ImageURL, "https://") {
			pv.ImageURL = p.ImageURL
		}
		if p.Title != "" {
			pv.ChartURL = chartPath(player, p.Chart)
		}
		v.Photos = append(v.Photos, pv)
	}
	// The curve: x is the play's number in the visit, y its achievement
	// against the usual, and the three-play mean of that.
	v.Curve = newChartData(r, chartIndex, 0)
	v.Curve.XLabel = text(r, "visit.play_n")
	delta := chartSeries{Label: text(r, "visit.delta"), Scale: "pt"}
	smooth := chartSeries{Label: text(r, "visit.smooth"), Scale: "pt"}
	for _, p := range rep.Curve {
		v.Curve.X = append(v.Curve.X, int64(p.N))
		var d, sm *float64
		if p.Known {
			d = num(p.Delta)
			v.HasCurve = true
		}
		if p.SmoothKnown {
			sm = num(p.Smooth)
		}
		delta.Values, smooth.Values = append(delta.Values, d), append(smooth.Values, sm)
	}
	v.Curve.Series = []chartSeries{delta, smooth}
	if early, late, ok := history.Trend(rep.Curve); ok {
		key := "visit.trend_steady"
		switch {
		case late-early >= 0.2:
			key = "visit.trend_warmup"
		case early-late >= 0.2:
			key = "visit.trend_fatigue"
		}
		v.Trend = textf(r, key, fmt.Sprintf("%+.2f", early), fmt.Sprintf("%+.2f", late))
	}
	// The milestones this visit reached.
	if ms, err := s.archive.Milestones(r.Context(), player); err == nil {
		for _, m := range ms {
			if !m.At.Before(rep.Start) && !m.At.After(rep.End.Add(time.Minute)) && m.PlayID != 0 {
				v.Milestone = append(v.Milestone, newMilestoneRow(r, player, rep.Region, m))
			}
		}
	} else {
		s.archiveFail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "visit", v)
}

// yearView is a year in review.
type yearView struct {
	Year          int
	Plays, Days   int
	Visits, Hours int
	Minutes       int
	Charts        int
	NewBests      int
	RatingKnown   bool
	RatingStart   int
	RatingEnd     int
	RatingDelta   string
	// RatingComputed: the rating is the archive's, no page printed it
	// around the year's first and last visits.
	RatingComputed bool
	// Empty: the player has no plays, so no year (the page says so).
	Empty         bool
	Busiest       string // the start of the busiest visit, "" without visits
	BusiestURL    string
	BusiestPlays  int
	Months        chartData
	Top           []chartCountRow
	Milestones    []milestoneRow
	MilestoneMore int // milestones of the year beyond those shown
	MilestonesURL string
	Partners      []history.PartnerCount
	Years         []option // Value: the year's page
}

// yearMilestones is how many of the year's milestones the page shows (the
// newest; the milestones page has them all).
const yearMilestones = 30

func (s *Server) yearIndex(w http.ResponseWriter, r *http.Request) {
	player := r.PathValue("player")
	log, err := s.archive.PlayLog(r.Context(), player)
	if err != nil {
		s.archiveFail(w, r, err)
		return
	}
	years := history.Years(log.Plays, log.Region.Location())
	if len(years) == 0 {
		// A player without plays yet: say what to import, not 404.
		s.render(w, r, http.StatusOK, "year", yearView{Empty: true})
		return
	}
	s.redirect(w, r, yearPath(player, years[0]))
}

func (s *Server) year(w http.ResponseWriter, r *http.Request) {
	player := r.PathValue("player")
	y, err := strconv.Atoi(r.PathValue("year"))
	if err != nil || y < 2000 || y > 2200 {
		s.notFound(w, r)
		return
	}
	rep, err := s.archive.YearReview(r.Context(), player, y)
	if errors.Is(err, archive.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.archiveFail(w, r, err)
		return
	}
	v := yearView{Year: y, Plays: rep.Plays, Days: rep.Days, Visits: rep.Visits, Hours: rep.Minutes / 60, Minutes: rep.Minutes % 60,
		Charts: rep.Charts, NewBests: rep.NewBests, RatingKnown: rep.RatingKnown, RatingStart: rep.RatingStart, RatingEnd: rep.RatingEnd,
		RatingDelta: fmt.Sprintf("%+d", rep.RatingEnd-rep.RatingStart), RatingComputed: rep.RatingComputed, Partners: rep.Partners,
		MilestonesURL: "/p/" + url.PathEscape(player) + "/milestones"}
	loc := rep.Region.Location()
	if rep.BusiestPlays > 0 {
		v.Busiest, v.BusiestPlays = localTime(rep.Busiest, rep.Region), rep.BusiestPlays
		if log, err := s.archive.PlayLog(r.Context(), player); err == nil {
			for _, p := range log.Plays {
				if p.At.Equal(rep.Busiest) {
					v.BusiestURL = visitPath(player, p.ID)
					break
				}
			}
		}
	}
	v.Months = newChartData(r, chartMonth, zoneOffset(rep.Region))
	plays := chartSeries{Label: text(r, "year.plays_series")}
	for m, n := range rep.ByMonth {
		v.Months.X = append(v.Months.X, time.Date(y, time.Month(m+1), 1, 0, 0, 0, 0, loc).Unix())
		plays.Values = append(plays.Values, num(float64(n)))
	}
	v.Months.Series = []chartSeries{plays}
	v.Top = newChartCountRows(player, rep.Top)
	for i, m := range rep.Milestones {
		if i == yearMilestones {
			v.MilestoneMore = len(rep.Milestones) - i
			break
		}
		v.Milestones = append(v.Milestones, newMilestoneRow(r, player, rep.Region, m))
	}
	for _, other := range rep.Years {
		v.Years = append(v.Years, option{Value: yearPath(player, other), Label: strconv.Itoa(other), Selected: other == y})
	}
	s.render(w, r, http.StatusOK, "year", v)
}
