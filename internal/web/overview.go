package web

import (
	"net/http"

	"github.com/maiprobe/maiprobe/internal/archive"
)

// overviewView is the player's front page. This is a placeholder: the
// name, the play count and the latest plays, until the real overview.
type overviewView struct {
	Name  string
	Count int
	Plays []archive.Play
	Pager Pager
}

// overviewPageSize is how many plays a page of the overview lists.
const overviewPageSize = 20

func (s *Server) overview(w http.ResponseWriter, r *http.Request) {
	player := r.PathValue("player")
	n, err := s.archive.CountPlays(r.Context(), player)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	pg := newPager(r, overviewPageSize, n)
	// The archive lists newest first without an offset yet; take up to
	// the end of this page and keep the page's part.
	plays, err := s.archive.Plays(r.Context(), player, pg.Offset()+pg.Size)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if pg.Offset() < len(plays) {
		plays = plays[pg.Offset():]
	} else {
		plays = nil
	}
	s.render(w, r, http.StatusOK, "overview", overviewView{Name: player, Count: n, Plays: plays, Pager: pg})
}
