package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

// fetchView is the owner's stored site login of a player: never the
// secret, only that it is stored, its schedule and what the last run did.
type fetchView struct {
	NoKey                    bool // MAIPROBE_SECRET_KEY is not set: the feature is off
	NoFetcher                bool // this server has no fetcher: logins are kept but not used
	Stored                   *archive.SiteLoginStatus
	Running                  bool // a server is fetching this player now
	EveryHours               int
	Schedules                []int // the schedule choices, in hours (0: none)
	Saved, Queued, Forgotten bool
	Error                    string // the reason a login was not stored, "" when none
}

// fetchSchedules are the schedules offered, in hours (0: only on request).
var fetchSchedules = []int{0, 1, 3, 6, 12, 24, 48, 168}

func (s *Server) fetchPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.showFetch(w, r, http.StatusOK, fetchView{Saved: q.Get("saved") == "1", Queued: q.Get("queued") == "1", Forgotten: q.Get("forgotten") == "1"})
}

func (s *Server) showFetch(w http.ResponseWriter, r *http.Request, status int, v fetchView) {
	player := r.PathValue("player")
	v.NoKey, v.NoFetcher, v.Schedules = s.cfg.SecretKey == nil, s.cfg.Fetch == nil, fetchSchedules
	v.EveryHours = 24
	st, err := s.archive.SiteLoginStatus(r.Context(), player)
	switch {
	case err == nil:
		v.Stored, v.EveryHours = &st, int(st.Every/time.Hour)
	case !errors.Is(err, archive.ErrNoSiteLogin):
		s.failErr(w, r, err)
		return
	}
	if v.Running, err = s.fetchRunning(r.Context(), player); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.render(w, r, status, "fetch", v)
}

func (s *Server) storeFetch(w http.ResponseWriter, r *http.Request) {
	player := r.PathValue("player")
	if s.cfg.SecretKey == nil {
		s.showFetch(w, r, http.StatusBadRequest, fetchView{Error: archive.ErrNoSecretKey.Error()})
		return
	}
	hours, err := strconv.Atoi(r.PostFormValue("every"))
	if err != nil || hours < 0 {
		s.showFetch(w, r, http.StatusBadRequest, fetchView{Error: "the schedule must be a whole number of hours"})
		return
	}
	login := archive.SiteLogin{Region: maimai.Region(r.PostFormValue("region"))}
	if login.Region == maimai.CN {
		login.Cookie = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(r.PostFormValue("cookie")), "Cookie:"))
	} else {
		login.SegaID, login.Password = strings.TrimSpace(r.PostFormValue("sega_id")), r.PostFormValue("password")
	}
	if err := s.archive.StoreSiteLogin(r.Context(), s.cfg.SecretKey, player, login, time.Duration(hours)*time.Hour); err != nil {
		// The reasons are the owner's own input (never echoed back):
		// say what is wrong with it.
		s.showFetch(w, r, http.StatusBadRequest, fetchView{Error: strings.TrimPrefix(err.Error(), "archive: ")})
		return
	}
	s.sched.poke()
	s.redirect(w, r, "/p/"+url.PathEscape(player)+"/fetch?saved=1")
}

func (s *Server) runFetch(w http.ResponseWriter, r *http.Request) {
	player := r.PathValue("player")
	err := s.archive.RunSiteLoginNow(r.Context(), player)
	if errors.Is(err, archive.ErrNoSiteLogin) {
		s.showFetch(w, r, http.StatusBadRequest, fetchView{Error: strings.TrimPrefix(err.Error(), "archive: ")})
		return
	}
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.sched.poke()
	s.redirect(w, r, "/p/"+url.PathEscape(player)+"/fetch?queued=1")
}

func (s *Server) forgetFetch(w http.ResponseWriter, r *http.Request) {
	player := r.PathValue("player")
	if err := s.archive.ForgetSiteLogin(r.Context(), player); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.redirect(w, r, "/p/"+url.PathEscape(player)+"/fetch?forgotten=1")
}
