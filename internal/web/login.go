package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
)

// loginView is the login form.
type loginView struct {
	Next  string // where to go after logging in (an app path)
	Name  string
	Error string // a catalogue key
	Wait  int    // seconds to wait, with Error "login.limited"
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "login", loginView{Next: localPath(r.URL.Query().Get("next"))})
}

// login checks the password (rate limited per address and per user name)
// and starts a session.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	name, password := r.PostFormValue("name"), r.PostFormValue("password")
	v := loginView{Next: localPath(r.PostFormValue("next")), Name: name}
	// A user name is at most 64 characters; a longer one cannot exist,
	// and cutting it bounds the work of hashing the limiter's key.
	keys := []string{"ip:" + state(r).IP, "user:" + truncate(name, 256)}
	wait, failed, err := s.logins.wait(r.Context(), keys...)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if wait > 0 {
		secs := int((wait + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		v.Error, v.Wait = "login.limited", secs
		s.render(w, r, http.StatusTooManyRequests, "login", v)
		return
	}
	u, err := s.archive.Authenticate(r.Context(), name, password)
	if errors.Is(err, archive.ErrBadLogin) {
		if err := s.logins.fail(r.Context(), keys...); err != nil {
			s.log.Error("count a failed login", "err", err)
		}
		s.log.Warn("login failed", "user", name, "ip", state(r).IP)
		v.Error = "login.failed"
		s.render(w, r, http.StatusUnauthorized, "login", v)
		return
	}
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if failed {
		if err := s.logins.succeed(r.Context(), keys...); err != nil {
			s.log.Error("forget failed logins", "err", err)
		}
	}
	if err := s.startSession(w, r, u); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.redirect(w, r, v.Next)
}

// startSession logs the browser in as u with a fresh token (never one
// the browser had before, so a planted cookie is worthless).
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, u archive.User) error {
	token, _, err := s.archive.StartLogin(r.Context(), u, s.cfg.SessionTTL)
	if err != nil {
		return err
	}
	s.setCookie(w, r, sessionCookie, token, int(s.cfg.SessionTTL/time.Second))
	s.setCookie(w, r, csrfCookie, "", -1)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		s.forgetSession(c.Value)
		if err := s.archive.EndLogin(r.Context(), c.Value); err != nil {
			s.failErr(w, r, err)
			return
		}
	}
	s.setCookie(w, r, sessionCookie, "", -1)
	s.redirect(w, r, "/")
}

// truncate cuts s to at most n bytes.
func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
