package web

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
)

// visitView is one visit to the arcade as the sessions page and the
// overview show it.
type visitView struct {
	URL          string // the visit's report
	Start, End   string
	Minutes      int
	Plays        int
	NewBests     []diffRow
	RatingKnown  bool
	RatingBefore int
	RatingAfter  int
	RatingDelta  string // signed
}

func newVisitView(player string, v archive.Visit) visitView {
	out := visitView{Plays: v.Plays, Minutes: int(v.End.Sub(v.Start) / time.Minute), RatingKnown: v.RatingKnown,
		RatingBefore: v.RatingBefore, RatingAfter: v.RatingAfter, RatingDelta: fmt.Sprintf("%+d", v.RatingDelta())}
	out.Start, out.End = localTime(v.Start, v.Region), localTime(v.End, v.Region)
	if v.FirstPlay != 0 {
		out.URL = visitPath(player, v.FirstPlay)
	}
	for _, d := range v.NewBests {
		out.NewBests = append(out.NewBests, newDiffRow(player, d))
	}
	return out
}

// sessionsView lists visits newest first.
type sessionsView struct {
	Gap    int // hours
	Total  int
	Visits []visitView
	Pager  Pager
}

// sessionsPageSize is how many visits a page lists: each shows its new
// bests, so fewer than a list of plays.
const sessionsPageSize = 10

func (s *Server) sessions(w http.ResponseWriter, r *http.Request) {
	player := r.PathValue("player")
	gap := int(archive.DefaultVisitGap / time.Hour)
	if h, err := strconv.Atoi(r.URL.Query().Get("gap")); err == nil && h >= 1 && h <= 48 {
		gap = h
	}
	want := requestedPage(r)
	list, err := s.archive.Visits(r.Context(), player, time.Duration(gap)*time.Hour, (want-1)*sessionsPageSize, sessionsPageSize)
	if err != nil {
		s.archiveFail(w, r, err)
		return
	}
	pg := newPager(r, sessionsPageSize, list.Total)
	if pg.Page != want {
		if list, err = s.archive.Visits(r.Context(), player, time.Duration(gap)*time.Hour, pg.Offset(), pg.Size); err != nil {
			s.archiveFail(w, r, err)
			return
		}
	}
	v := sessionsView{Gap: gap, Total: list.Total, Pager: pg}
	for _, vis := range list.Visits {
		v.Visits = append(v.Visits, newVisitView(player, vis))
	}
	s.render(w, r, http.StatusOK, "sessions", v)
}
