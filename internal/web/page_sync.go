package web

import (
	"errors"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/probersync"
)

// syncView is the owner's syncs to diving-fish and Lxns: per service
// whether a token is stored (never the token), the schedule and what the
// last run did.
type syncView struct {
	NoKey    bool // MAIPROBE_SECRET_KEY is not set: tokens cannot be stored
	Services []syncService
	// Done says what the last form did ("saved", "queued", "forgotten",
	// "scheduled") and to which service.
	Done, DoneService string
	Error             string // why the last form was refused, "" when it was not
	ErrorService      string
	// Wait says when "Sync now" may be pressed again (SyncNowInterval),
	// for ErrorService; "" when it may.
	Wait string
}

// syncService is one service's part of the page.
type syncService struct {
	Service    string
	Status     *archive.ProberSyncStatus // nil: never set up
	Running    bool                      // a server is syncing it now
	EveryHours int
	Schedules  []int
}

func (s *Server) syncPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	v := syncView{}
	if svc, err := probersync.ParseService(q.Get("service")); err == nil {
		v.DoneService = string(svc)
		switch d := q.Get("done"); d {
		case "saved", "queued", "forgotten", "scheduled":
			v.Done = d
		}
	}
	s.showSync(w, r, http.StatusOK, v)
}

func (s *Server) showSync(w http.ResponseWriter, r *http.Request, status int, v syncView) {
	player := r.PathValue("player")
	v.NoKey = s.cfg.SecretKey == nil
	for _, svc := range probersync.Services {
		ss := syncService{Service: string(svc), EveryHours: 24, Schedules: fetchSchedules}
		st, err := s.archive.ProberSyncStatus(r.Context(), player, string(svc))
		switch {
		case err == nil:
			ss.Status = &st
			if st.HasToken {
				ss.EveryHours = int(st.Every / time.Hour)
			}
		case !errors.Is(err, archive.ErrNoProberSync):
			s.failErr(w, r, err)
			return
		}
		if ss.Running, err = s.archive.LeaseHeld(r.Context(), syncLease(player, svc), s.now()); err != nil {
			s.failErr(w, r, err)
			return
		}
		v.Services = append(v.Services, ss)
	}
	s.render(w, r, status, "sync", v)
}

// syncForm reads the {service} of a form's URL for h: only the exact
// names, so one service has one URL; any other is not found.
func (s *Server) syncForm(h func(http.ResponseWriter, *http.Request, probersync.Service)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		svc := probersync.Service(r.PathValue("service"))
		if svc != probersync.DivingFish && svc != probersync.Lxns {
			s.notFound(w, r)
			return
		}
		h(w, r, svc)
	}
}

// syncDone redirects to the page saying what was done.
func (s *Server) syncDone(w http.ResponseWriter, r *http.Request, svc probersync.Service, done string) {
	s.redirect(w, r, "/p/"+url.PathEscape(r.PathValue("player"))+"/sync?done="+done+"&service="+string(svc))
}

// syncFailed answers an error of the archive's sync calls: the owner's
// own doing (no such player or sync, no secret key, a schedule out of
// range) refuses the form (400); anything else is the server's failure,
// logged and answered 500, not shown as if the form were wrong.
func (s *Server) syncFailed(w http.ResponseWriter, r *http.Request, svc probersync.Service, err error) {
	for _, refusal := range []error{archive.ErrNoPlayer, archive.ErrNoProberSync, archive.ErrNoSecretKey, archive.ErrBadSchedule} {
		if errors.Is(err, refusal) {
			s.syncRefused(w, r, svc, err)
			return
		}
	}
	s.failErr(w, r, err)
}

// syncRefused shows the page again with why the form was refused. The
// reasons are about the owner's own input, which is never echoed back.
func (s *Server) syncRefused(w http.ResponseWriter, r *http.Request, svc probersync.Service, err error) {
	s.showSync(w, r, http.StatusBadRequest, syncView{Error: strings.TrimPrefix(strings.TrimPrefix(err.Error(), "archive: "), "probersync: "), ErrorService: string(svc)})
}

// syncHours reads the schedule field.
func syncHours(r *http.Request) (time.Duration, error) {
	hours, err := strconv.Atoi(r.PostFormValue("every"))
	if err != nil || hours < 0 {
		return 0, errors.New("the schedule must be a whole number of hours")
	}
	return time.Duration(hours) * time.Hour, nil
}

func (s *Server) storeSync(w http.ResponseWriter, r *http.Request, svc probersync.Service) {
	if s.cfg.SecretKey == nil {
		s.syncRefused(w, r, svc, archive.ErrNoSecretKey)
		return
	}
	every, err := syncHours(r)
	if err != nil {
		s.syncRefused(w, r, svc, err)
		return
	}
	token := strings.TrimSpace(r.PostFormValue("token"))
	if err := probersync.CheckToken(token); err != nil {
		s.syncRefused(w, r, svc, err)
		return
	}
	if err := s.archive.StoreProberToken(r.Context(), s.cfg.SecretKey, r.PathValue("player"), string(svc), token, every); err != nil {
		s.syncFailed(w, r, svc, err)
		return
	}
	s.sched.poke()
	s.syncDone(w, r, svc, "saved")
}

func (s *Server) scheduleSync(w http.ResponseWriter, r *http.Request, svc probersync.Service) {
	every, err := syncHours(r)
	if err != nil {
		s.syncRefused(w, r, svc, err)
		return
	}
	if err := s.archive.SetProberSchedule(r.Context(), r.PathValue("player"), string(svc), every); err != nil {
		s.syncFailed(w, r, svc, err)
		return
	}
	s.sched.poke()
	s.syncDone(w, r, svc, "scheduled")
}

func (s *Server) runSync(w http.ResponseWriter, r *http.Request, svc probersync.Service) {
	if err := s.archive.RunProberSyncNow(r.Context(), r.PathValue("player"), string(svc)); err != nil {
		var soon *archive.SyncTooSoon
		if errors.As(err, &soon) {
			// Not an error of the owner's input: say when to ask again,
			// in the page's language (429: the same limit for a script).
			cats, cerr := texts()
			if cerr != nil {
				s.failErr(w, r, cerr)
				return
			}
			key := "sync.too_soon"
			if soon.Queued {
				key = "sync.already_queued"
			}
			minutes := int(math.Ceil(soon.Wait.Minutes()))
			s.showSync(w, r, http.StatusTooManyRequests, syncView{Wait: cats[state(r).Lang].translate(key, minutes), ErrorService: string(svc)})
			return
		}
		s.syncFailed(w, r, svc, err)
		return
	}
	s.sched.poke()
	s.syncDone(w, r, svc, "queued")
}

func (s *Server) forgetSync(w http.ResponseWriter, r *http.Request, svc probersync.Service) {
	if err := s.archive.ForgetProberToken(r.Context(), r.PathValue("player"), string(svc)); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.syncDone(w, r, svc, "forgotten")
}
