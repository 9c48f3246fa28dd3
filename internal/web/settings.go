package web

import (
	"net/http"
	"net/url"
)

// settingsView is the owner's settings of a player.
type settingsView struct {
	Public bool
	Saved  bool
	// Rename: the owner confirmed an in-game rename no page has used yet.
	Rename bool
}

func (s *Server) settingsForm(w http.ResponseWriter, r *http.Request) {
	v := settingsView{Public: state(r).access.Public, Saved: r.URL.Query().Get("saved") == "1"}
	var err error
	if v.Rename, err = s.archive.RenamePending(r.Context(), r.PathValue("player")); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "settings", v)
}

func (s *Server) saveSettings(w http.ResponseWriter, r *http.Request) {
	player := r.PathValue("player")
	if err := s.archive.SetPublic(r.Context(), player, r.PostFormValue("public") == "1"); err != nil {
		s.failErr(w, r, err)
		return
	}
	// The next page with a new in-game name is accepted once, from the
	// web, the API, a fetch or the proxy alike.
	if err := s.archive.AcceptRename(r.Context(), player, r.PostFormValue("rename") == "1"); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.redirect(w, r, "/p/"+url.PathEscape(player)+"/settings?saved=1")
}
