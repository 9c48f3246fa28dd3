package api

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/history"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

// The history of a career (docs/history.md): milestones, visit reports,
// years in review, attempts per chart and the charts stuck longest. Each
// answers what the web page of the same name shows, from the same archive
// call, so the numbers agree.

// milestonesAnswer is GET /players/{player}/milestones: one page of the
// timeline of firsts, newest first, of one kind or all.
type milestonesAnswer struct {
	Total      int                 `json:"total"`
	Page       int                 `json:"page"`
	PerPage    int                 `json:"per_page"`
	Milestones []history.Milestone `json:"milestones"`
}

// milestoneKinds are the values ?kind= takes, as on the milestones page.
var milestoneKinds = []history.Kind{history.KindRank, history.KindCombo, history.KindSync, history.KindStars, history.KindBand, history.KindPlate}

func (a *API) milestones(w http.ResponseWriter, r *http.Request, acc Access) {
	page, per, err := paging(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	kind := history.Kind(r.URL.Query().Get("kind"))
	if kind != "" && !slices.Contains(milestoneKinds, kind) {
		a.fail(w, r, errBadRequest(fmt.Sprintf("kind %q: want rank, combo, sync, stars, band or plate (or none for all)", kind)))
		return
	}
	all, err := a.a.Milestones(r.Context(), acc.Player)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var ms []history.Milestone
	for _, m := range all {
		if kind == "" || m.Kind == kind {
			ms = append(ms, m)
		}
	}
	out := milestonesAnswer{Total: len(ms), Page: page, PerPage: per, Milestones: pageOf(ms, page, per)}
	WriteJSON(w, http.StatusOK, out)
}

// pageOf is one page of list (an empty, non-nil slice past its end).
func pageOf[T any](list []T, page, per int) []T {
	from := min((page-1)*per, len(list))
	to := min(from+per, len(list))
	return append(make([]T, 0, to-from), list[from:to]...)
}

// visitAnswer is GET /players/{player}/visits/{id}: the report of the
// visit holding play id (archive.VisitReport).
type visitAnswer struct {
	Start     time.Time     `json:"start"`
	End       time.Time     `json:"end"`
	Region    maimai.Region `json:"region"`
	FirstPlay int64         `json:"first_play"`
	GapHours  int           `json:"gap_hours"`
	// RatingKnown is false when neither a page nor the archive tells the
	// rating around the visit; Computed when it is the archive's own.
	RatingBefore int                    `json:"rating_before"`
	RatingAfter  int                    `json:"rating_after"`
	RatingKnown  bool                   `json:"rating_known"`
	Computed     bool                   `json:"computed"`
	Plays        []archive.StoredPlay   `json:"plays"`
	Usual        []usualPlay            `json:"usual"`
	NewBests     []chartPlay            `json:"new_bests"`
	PerChart     []history.ChartPlays   `json:"per_chart"`
	Curve        []history.CurvePoint   `json:"curve"`
	Partners     []history.PartnerCount `json:"partners"`
	Photos       []maimai.Photo         `json:"photos"`
	Prev         int64                  `json:"prev"`
	Next         int64                  `json:"next"`
}

// usualPlay is a play of the visit beside the player's usual on its chart
// (the median of every other archived play of it).
type usualPlay struct {
	PlayID int64              `json:"play_id"`
	Usual  maimai.Achievement `json:"usual"`
}

func (a *API) visit(w http.ResponseWriter, r *http.Request, acc Access) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		a.fail(w, r, errBadRequest(fmt.Sprintf("visit %q: want the id of any play of the visit (the id field of a plays answer)", r.PathValue("id"))))
		return
	}
	gap := int(archive.DefaultVisitGap / time.Hour)
	if s := r.URL.Query().Get("gap"); s != "" {
		if gap, err = strconv.Atoi(s); err != nil || gap < 1 || gap > 48 {
			a.fail(w, r, errBadRequest(fmt.Sprintf("gap %q: want the hours (1 to 48) between two plays that end a visit", s)))
			return
		}
	}
	rep, err := a.a.VisitReport(r.Context(), acc.Player, id, time.Duration(gap)*time.Hour)
	if err != nil {
		a.fail(w, r, notFoundAs(err, fmt.Sprintf("player %q has no play %d", acc.Player, id)))
		return
	}
	out := visitAnswer{Start: rep.Start, End: rep.End, Region: rep.Region, FirstPlay: rep.FirstPlay, GapHours: gap,
		RatingBefore: rep.RatingBefore, RatingAfter: rep.RatingAfter, RatingKnown: rep.RatingKnown, Computed: rep.Computed,
		Plays: nonNil(rep.Plays), Usual: []usualPlay{}, NewBests: []chartPlay{}, PerChart: nonNil(rep.PerChart),
		Curve: nonNil(rep.Curve), Partners: nonNil(rep.Partners), Photos: nonNil(rep.Photos), Prev: rep.Prev, Next: rep.Next}
	for _, p := range rep.Plays {
		if u, ok := rep.Usual[p.ID]; ok {
			out.Usual = append(out.Usual, usualPlay{PlayID: p.ID, Usual: u})
		}
	}
	for _, b := range rep.NewBests {
		out.NewBests = append(out.NewBests, chartPlay{StoredPlay: b.StoredPlay, Change: newChange(b.Change)})
	}
	WriteJSON(w, http.StatusOK, out)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// yearsAnswer is GET /players/{player}/years: the years with plays,
// newest first, in the region's clock.
type yearsAnswer struct {
	Years []int `json:"years"`
}

func (a *API) years(w http.ResponseWriter, r *http.Request, acc Access) {
	log, err := a.a.PlayLog(r.Context(), acc.Player)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, yearsAnswer{Years: nonNil(history.Years(log.Plays, log.Region.Location()))})
}

// year is GET /players/{player}/years/{year}: archive.YearReview.
func (a *API) year(w http.ResponseWriter, r *http.Request, acc Access) {
	y, err := strconv.Atoi(r.PathValue("year"))
	if err != nil || y < 2000 || y > 2200 {
		a.fail(w, r, errBadRequest(fmt.Sprintf("year %q: want a year such as 2025 (the years answer lists those with plays)", r.PathValue("year"))))
		return
	}
	rep, err := a.a.YearReview(r.Context(), acc.Player, y)
	if err != nil {
		a.fail(w, r, notFoundAs(err, fmt.Sprintf("player %q has no plays in %d", acc.Player, y)))
		return
	}
	out := *rep
	out.Top, out.Years, out.Milestones, out.Partners = nonNil(out.Top), nonNil(out.Years), nonNil(out.Milestones), nonNil(out.Partners)
	WriteJSON(w, http.StatusOK, out)
}

// attemptsAnswer is GET /players/{player}/attempts: how the attempts at
// one chart went (history.Attempts over the chart's plays), as the chart
// page's Attempts shows.
type attemptsAnswer struct {
	maimai.Chart
	history.AttemptStats
}

func (a *API) attempts(w http.ResponseWriter, r *http.Request, acc Access) {
	cv, ok := a.playedChart(w, r, acc)
	if !ok {
		return
	}
	out := attemptsAnswer{Chart: cv.Chart}
	if len(cv.Plays) == 0 {
		out.AttemptStats = history.Attempts(nil, a.now(), time.UTC)
		WriteJSON(w, http.StatusOK, out)
		return
	}
	plays := make([]history.Play, len(cv.Plays))
	for i, p := range cv.Plays {
		plays[i] = history.Play{ID: p.ID, At: p.PlayedAt, Chart: p.Chart, Achievement: p.Achievement, FC: p.FC, FS: p.FS}
	}
	out.AttemptStats = history.Attempts(plays, a.now(), cv.Plays[0].Region.Location())
	WriteJSON(w, http.StatusOK, out)
}

// staleAnswer is GET /players/{player}/stale: the charts by the plays
// since their achievement best last rose (archive.StaleAttempts), most
// first; charts whose latest play raised it are left out.
type staleAnswer struct {
	Total   int          `json:"total"`
	Page    int          `json:"page"`
	PerPage int          `json:"per_page"`
	Charts  []staleChart `json:"charts"`
}

type staleChart struct {
	maimai.Chart
	Stale int `json:"stale"`
}

func (a *API) stale(w http.ResponseWriter, r *http.Request, acc Access) {
	page, per, err := paging(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	counts, err := a.a.StaleAttempts(r.Context(), acc.Player)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var list []staleChart
	for c, n := range counts {
		if n > 0 {
			list = append(list, staleChart{Chart: c, Stale: n})
		}
	}
	slices.SortFunc(list, func(x, y staleChart) int {
		return cmp.Or(cmp.Compare(y.Stale, x.Stale), cmp.Compare(x.Title, y.Title), cmp.Compare(x.Type, y.Type),
			cmp.Compare(x.Difficulty, y.Difficulty))
	})
	WriteJSON(w, http.StatusOK, staleAnswer{Total: len(list), Page: page, PerPage: per, Charts: pageOf(list, page, per)})
}
