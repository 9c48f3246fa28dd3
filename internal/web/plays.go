package web

import (
	"net/http"
)

// playsView is the list of plays, newest first, filtered.
type playsView struct {
	Filter filterView
	Total  int
	Rows   []playRow
	Pager  Pager
}

func (s *Server) plays(w http.ResponseWriter, r *http.Request) {
	player := r.PathValue("player")
	f, fv := playFilter(r)
	want := requestedPage(r)
	list, err := s.archive.ListPlays(r.Context(), player, f, (want-1)*listPageSize, listPageSize)
	if err != nil {
		s.archiveFail(w, r, err)
		return
	}
	pg := newPager(r, listPageSize, list.Total)
	if pg.Page != want {
		// A page past the end (an old link after a filter narrowed the
		// list): show the last page.
		if list, err = s.archive.ListPlays(r.Context(), player, f, pg.Offset(), pg.Size); err != nil {
			s.archiveFail(w, r, err)
			return
		}
	}
	v := playsView{Filter: fv, Total: list.Total, Pager: pg}
	for _, p := range list.Plays {
		v.Rows = append(v.Rows, newPlayRow(player, p))
	}
	s.render(w, r, http.StatusOK, "plays", v)
}

// diffView is the list of plays each beside the best before it.
type diffView struct {
	Filter filterView
	Total  int
	Rows   []diffRow
	Pager  Pager
}

func (s *Server) diff(w http.ResponseWriter, r *http.Request) {
	player := r.PathValue("player")
	f, fv := playFilter(r)
	want := requestedPage(r)
	list, err := s.archive.Diff(r.Context(), player, f, (want-1)*listPageSize, listPageSize)
	if err != nil {
		s.archiveFail(w, r, err)
		return
	}
	pg := newPager(r, listPageSize, list.Total)
	if pg.Page != want {
		if list, err = s.archive.Diff(r.Context(), player, f, pg.Offset(), pg.Size); err != nil {
			s.archiveFail(w, r, err)
			return
		}
	}
	v := diffView{Filter: fv, Total: list.Total, Pager: pg}
	for _, d := range list.Rows {
		v.Rows = append(v.Rows, newDiffRow(player, d))
	}
	s.render(w, r, http.StatusOK, "diff", v)
}
