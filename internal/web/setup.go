package web

import (
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

// setupToken reports whether token is the live first-run token, which
// lives in the archive's database: any server on it accepts the token
// another made. Anyone without it gets a 404: a fresh server on the
// internet cannot be claimed by whoever finds it first.
func (s *Server) setupToken(r *http.Request, token string) (bool, error) {
	if s.setupDone.Load() {
		return false, nil
	}
	return s.archive.CheckSetupToken(r.Context(), token)
}

func (s *Server) setupForm(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("token")
	if ok, err := s.setupToken(r, token); err != nil || !ok {
		s.setupRefused(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "setup", setupView{Token: token, Player: "default"})
}

func (s *Server) doSetup(w http.ResponseWriter, r *http.Request) {
	token := r.PostFormValue("token")
	if ok, err := s.setupToken(r, token); err != nil || !ok {
		s.setupRefused(w, r, err)
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
	// The archive uses the token up in the transaction that creates the
	// user: of setups racing on any number of servers, one wins.
	u, err := s.archive.SetupFirstUser(r.Context(), token, v.Name, password, v.Player)
	switch {
	case errors.Is(err, archive.ErrNotFirstUser), errors.Is(err, archive.ErrBadSetupToken):
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
	s.setupDone.Store(true)
	s.log.Info("first user created by setup", "user", u.Name, "player", v.Player)
	if err := s.startSession(w, r, u); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.redirect(w, r, "/p/"+url.PathEscape(v.Player)+"/settings")
}

// setupRefused answers a request without the live setup token: 404, or
// the archive's error.
func (s *Server) setupRefused(w http.ResponseWriter, r *http.Request, err error) {
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.notFound(w, r)
}
