package web

import (
	"net/http"
	"net/url"
)

// settingsView is the owner's settings of a player.
type settingsView struct {
	Public bool
	Saved  bool
}

func (s *Server) settingsForm(w http.ResponseWriter, r *http.Request) {
	v := settingsView{Public: state(r).access.Public, Saved: r.URL.Query().Get("saved") == "1"}
	s.render(w, r, http.StatusOK, "settings", v)
}

func (s *Server) saveSettings(w http.ResponseWriter, r *http.Request) {
	player := r.PathValue("player")
	if err := s.archive.SetPublic(r.Context(), player, r.PostFormValue("public") == "1"); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.redirect(w, r, "/p/"+url.PathEscape(player)+"/settings?saved=1")
}
