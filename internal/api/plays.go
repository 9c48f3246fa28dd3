package api

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/query"
)

// Paging of the lists: ?page= from 1, ?per_page= up to maxPerPage.
const (
	defaultPerPage = 50
	maxPerPage     = 200
)

// paging reads ?page= and ?per_page=. Unlike the web pages (which show
// the last page for a page past the end), a client asking past the end
// gets an empty list: a program paging on must see the end.
func paging(r *http.Request) (page, perPage int, err error) {
	q := r.URL.Query()
	page, perPage = 1, defaultPerPage
	if s := q.Get("page"); s != "" {
		if page, err = strconv.Atoi(s); err != nil || page < 1 || page > 1_000_000 {
			return 0, 0, errBadRequest(fmt.Sprintf("page %q: want a number from 1", s))
		}
	}
	if s := q.Get("per_page"); s != "" {
		if perPage, err = strconv.Atoi(s); err != nil || perPage < 1 || perPage > maxPerPage {
			return 0, 0, errBadRequest(fmt.Sprintf("per_page %q: want a number from 1 to %d", s, maxPerPage))
		}
	}
	return page, perPage, nil
}

// filteredPaging is paging for a list with a filter, which check
// (query.CheckPlayFilter or CheckSongFilter) reads: unlike the web's
// pages, which ignore a malformed filter, the API refuses it.
func filteredPaging(r *http.Request, check func(url.Values) error) (page, perPage int, err error) {
	if page, perPage, err = paging(r); err != nil {
		return 0, 0, err
	}
	if err := check(r.URL.Query()); err != nil {
		return 0, 0, errBadRequest(err.Error())
	}
	return page, perPage, nil
}

// playsAnswer is GET /players/{player}/plays: one page of the plays
// matching the filter, newest first.
type playsAnswer struct {
	Total   int                  `json:"total"`
	Page    int                  `json:"page"`
	PerPage int                  `json:"per_page"`
	Plays   []archive.StoredPlay `json:"plays"`
}

// plays takes the filters of the web's plays page (query.PlayFilter), so
// a list URL of the site and of the API list the same plays; unlike the
// page, a malformed filter is refused (query.CheckPlayFilter).
func (a *API) plays(w http.ResponseWriter, r *http.Request, acc Access) {
	page, per, err := filteredPaging(r, query.CheckPlayFilter)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	list, err := a.a.ListPlays(r.Context(), acc.Player, query.PlayFilter(r.URL.Query()), (page-1)*per, per)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := playsAnswer{Total: list.Total, Page: page, PerPage: per, Plays: list.Plays}
	if out.Plays == nil {
		out.Plays = []archive.StoredPlay{}
	}
	WriteJSON(w, http.StatusOK, out)
}

// change is a play beside the best of its chart before it.
type change struct {
	First            bool               `json:"first"` // no earlier play of the chart is archived
	Before           archive.Best       `json:"before"`
	AchievementDelta maimai.Achievement `json:"achievement_delta"`
	DXScoreDelta     int                `json:"dx_score_delta"`
	RankDelta        int                `json:"rank_delta"` // +1 above the best before, -1 below, 0 equal
	FCDelta          int                `json:"fc_delta"`
	FSDelta          int                `json:"fs_delta"`
	NewBest          bool               `json:"new_best"` // the play raised any field of the best
}

func newChange(c archive.Change) change {
	return change{First: c.First, Before: c.Before, AchievementDelta: c.AchievementDelta, DXScoreDelta: c.DXScoreDelta,
		RankDelta: c.RankDelta, FCDelta: c.FCDelta, FSDelta: c.FSDelta, NewBest: c.NewBest}
}

// playAnswer is GET /players/{player}/plays/{id}: the play with its
// detail (judgements, combo, rating after it) and its change.
type playAnswer struct {
	Play   archive.StoredPlay `json:"play"`
	Change change             `json:"change"`
}

func (a *API) play(w http.ResponseWriter, r *http.Request, acc Access) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		a.fail(w, r, errBadRequest(fmt.Sprintf("play id %q: want the number of a play (the id field of a plays answer)", r.PathValue("id"))))
		return
	}
	pv, err := a.a.PlayByID(r.Context(), acc.Player, id)
	if err != nil {
		a.fail(w, r, notFoundAs(err, fmt.Sprintf("player %q has no play %d", acc.Player, id)))
		return
	}
	out := playAnswer{Play: pv.Play}
	for _, d := range pv.Chart.Plays {
		if d.ID == id {
			out.Change = newChange(d.Change)
		}
	}
	WriteJSON(w, http.StatusOK, out)
}

// chartAnswer is GET /players/{player}/chart: one chart's best, every
// play oldest first with its change, and the best's history.
type chartAnswer struct {
	maimai.Chart
	Info archive.ChartInfo `json:"info"`
	Best *maimai.Score     `json:"best"` // null when no best is stored
	// BestUpdatedAt is when the best last changed; null without a best.
	BestUpdatedAt *time.Time  `json:"best_updated_at"`
	Plays         []chartPlay `json:"plays"`
	History       []scoreStep `json:"history"`
}

type chartPlay struct {
	archive.StoredPlay
	Change change `json:"change"`
}

// scoreStep is the best as one improvement (a play or a saved score
// page) made it.
type scoreStep struct {
	ObservedAt  time.Time          `json:"observed_at"`
	Achievement maimai.Achievement `json:"achievement"`
	Rank        maimai.Rank        `json:"rank"`
	DXScore     int                `json:"dx_score"`
	DXScoreMax  int                `json:"dx_score_max"`
	FC          maimai.FC          `json:"fc"`
	FS          maimai.FS          `json:"fs"`
}

// playedChart reads the chart the query names (title, type, diff) and
// the player's view of it, for the chart and attempts answers; false once
// it has answered why not (a malformed name, or a chart the player has
// neither played nor scored).
func (a *API) playedChart(w http.ResponseWriter, r *http.Request, acc Access) (archive.ChartView, bool) {
	q := r.URL.Query()
	c := maimai.Chart{Title: q.Get("title"), Type: maimai.ChartType(q.Get("type")), Difficulty: maimai.Difficulty(q.Get("diff"))}
	if c.Title == "" || !c.Difficulty.Valid() || (c.Type != maimai.Std && c.Type != maimai.DX) {
		a.fail(w, r, errBadRequest("name the chart with title, type (std or dx) and diff (basic, advanced, expert, master, remaster or utage)"))
		return archive.ChartView{}, false
	}
	cv, err := a.a.Chart(r.Context(), acc.Player, c)
	if err != nil {
		a.fail(w, r, notFoundAs(err, fmt.Sprintf("player %q has neither played nor scored %s %s %s", acc.Player, c.Title, c.Type, c.Difficulty)))
		return archive.ChartView{}, false
	}
	return cv, true
}

func (a *API) chart(w http.ResponseWriter, r *http.Request, acc Access) {
	cv, ok := a.playedChart(w, r, acc)
	if !ok {
		return
	}
	out := chartAnswer{Chart: cv.Chart, Info: cv.Info, Plays: []chartPlay{}, History: []scoreStep{}}
	if cv.Best != nil {
		out.Best, out.BestUpdatedAt = &cv.Best.Score, &cv.Best.UpdatedAt
	}
	for _, p := range cv.Plays {
		out.Plays = append(out.Plays, chartPlay{StoredPlay: p.StoredPlay, Change: newChange(p.Change)})
	}
	for _, s := range cv.History {
		out.History = append(out.History, scoreStep{ObservedAt: s.ObservedAt, Achievement: s.Achievement, Rank: s.Rank,
			DXScore: s.DXScore, DXScoreMax: s.DXScoreMax, FC: s.FC, FS: s.FS})
	}
	WriteJSON(w, http.StatusOK, out)
}

// bestsAnswer is GET /players/{player}/bests: one page of the charts the
// player has a best on, in the song list's order, with the best and its
// chart rating.
type bestsAnswer struct {
	Region  maimai.Region           `json:"region"`
	Synced  bool                    `json:"synced"` // false: no song data, only charts learned from pages
	Total   int                     `json:"total"`
	Page    int                     `json:"page"`
	PerPage int                     `json:"per_page"`
	Charts  []archive.SongListChart `json:"charts"`
}

// bests takes the song list's filters (query.SongFilter); played is
// always on.
func (a *API) bests(w http.ResponseWriter, r *http.Request, acc Access) {
	page, per, err := filteredPaging(r, query.CheckSongFilter)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	f := query.SongFilter(r.URL.Query())
	f.Played = true
	list, err := a.a.SongList(r.Context(), acc.Player, f, (page-1)*per, per)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, bestsAnswer{Region: list.Region, Synced: list.Synced, Total: list.Total, Page: page, PerPage: per, Charts: list.Charts})
}

// notFoundAs gives an archive's not-found a message that names what was
// asked for; other errors pass.
func notFoundAs(err error, msg string) error {
	if errorsIsNotFound(err) {
		return errNotFound(msg)
	}
	return err
}
