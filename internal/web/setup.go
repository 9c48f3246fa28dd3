package web

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"

	"github.com/maiprobe/maiprobe/internal/archive"
)

// setupView is the first-run form that creates the first user.
type setupView struct {
	Token  string
	Name   string
	Player string
	Error  string // a catalogue key
	Detail string // the archive's reason, for a refused name or password
}

// setupToken reports whether token is the live first-run token. Anyone
// without it gets a 404: a fresh server on the internet cannot be claimed
// by whoever finds it first.
func (s *Server) setupToken(token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.setup != "" && subtle.ConstantTimeCompare([]byte(token), []byte(s.setup)) == 1
}

func (s *Server) setupForm(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("token")
	if !s.setupToken(token) {
		s.notFound(w, r)
		return
	}
	s.render(w, r, http.StatusOK, "setup", setupView{Token: token, Player: "default"})
}

func (s *Server) doSetup(w http.ResponseWriter, r *http.Request) {
	token := r.PostFormValue("token")
	if !s.setupToken(token) {
		s.notFound(w, r)
		return
	}
	v := setupView{Token: token, Name: r.PostFormValue("name"), Player: r.PostFormValue("player")}
	if v.Player == "" {
		v.Player = "default"
	}
	password := r.PostFormValue("password")
	if password != r.PostFormValue("password2") {
		v.Error = "setup.mismatch"
		s.render(w, r, http.StatusBadRequest, "setup", v)
		return
	}
	// One setup at a time: the archive refuses a second first user anyway,
	// but on MariaDB and PostgreSQL two transactions could both see none.
	s.setupRun.Lock()
	defer s.setupRun.Unlock()
	if !s.setupToken(token) {
		s.notFound(w, r)
		return
	}
	u, err := s.archive.AddUser(r.Context(), v.Name, password, v.Player, true)
	switch {
	case errors.Is(err, archive.ErrNotFirstUser):
		s.mu.Lock()
		s.setup = ""
		s.mu.Unlock()
		s.notFound(w, r)
		return
	case err != nil && (archive.CheckUserName(v.Name) != nil || archive.CheckPassword(password) != nil):
		v.Error, v.Detail = "setup.invalid", err.Error()
		s.render(w, r, http.StatusBadRequest, "setup", v)
		return
	case err != nil:
		s.failErr(w, r, err)
		return
	}
	s.mu.Lock()
	s.setup = ""
	s.mu.Unlock()
	s.log.Info("first user created by setup", "user", u.Name, "player", v.Player)
	if err := s.startSession(w, r, u); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.redirect(w, r, "/p/"+url.PathEscape(v.Player)+"/settings")
}
