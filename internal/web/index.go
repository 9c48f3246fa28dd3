package web

import (
	"net/http"
	"net/url"
)

// indexView is the front page: the players a visitor may see.
type indexView struct {
	Players      []string
	SetupPending bool // no user yet: the server log has the setup URL
}

// index sends an owner to their first player and shows everyone else
// the public players.
func (s *Server) index(w http.ResponseWriter, r *http.Request) {
	owned, public, err := s.archive.VisiblePlayers(r.Context(), state(r).userID())
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if len(owned) > 0 {
		s.redirect(w, r, "/p/"+url.PathEscape(owned[0])+"/")
		return
	}
	s.render(w, r, http.StatusOK, "index", indexView{Players: public, SetupPending: s.SetupPath() != ""})
}

// playerList lists every player the viewer may see, owned first: where
// the header's "all players" link goes when it names only the first few.
func (s *Server) playerList(w http.ResponseWriter, r *http.Request) {
	owned, public, err := s.archive.VisiblePlayers(r.Context(), state(r).userID())
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "index", indexView{Players: mergeNames(owned, public)})
}
