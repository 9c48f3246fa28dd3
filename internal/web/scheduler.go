package web

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
)

// FetchFunc fetches a player's pages from DX NET with a stored login and
// imports them into the archive, returning a one-line summary. It wraps
// archive.ErrSiteLoginExpired when the site no longer accepts the login,
// which turns the player's schedule off until the owner stores a new one.
type FetchFunc func(ctx context.Context, player string, login archive.SiteLogin) (summary string, err error)

// Scheduler settings.
const (
	// schedulerTick is how often the scheduler looks for due fetches.
	schedulerTick = time.Minute
	// fetchTimeout caps one player's fetch.
	fetchTimeout = 30 * time.Minute
)

// scheduler is the state of the scheduled fetches: a doorbell for "fetch
// now" and the player being fetched.
type scheduler struct {
	wake chan struct{}

	mu      sync.Mutex
	running string // the player being fetched now, "" when idle
}

func newScheduler() *scheduler { return &scheduler{wake: make(chan struct{}, 1)} }

// poke makes the scheduler look for due fetches now.
func (sc *scheduler) poke() {
	select {
	case sc.wake <- struct{}{}:
	default:
	}
}

// Running is the player being fetched now, "" when none.
func (sc *scheduler) Running() string {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return sc.running
}

// FetchesEnabled says whether stored site logins and scheduled fetches
// work: they need MAIPROBE_SECRET_KEY and a fetcher.
func (s *Server) FetchesEnabled() bool { return s.cfg.SecretKey != nil && s.cfg.Fetch != nil }

// RunScheduler fetches, one player at a time, for every stored site login
// that is due, until ctx ends: every minute and whenever an owner asks
// for a fetch. serve runs it in a goroutine; it returns at once when
// fetches are off.
func (s *Server) RunScheduler(ctx context.Context) {
	if !s.FetchesEnabled() {
		if s.cfg.SecretKey == nil {
			s.log.Info("scheduled fetches are off: set MAIPROBE_SECRET_KEY (32 random bytes in base64) to store site logins")
		}
		return
	}
	t := time.NewTicker(schedulerTick)
	defer t.Stop()
	for {
		s.runDue(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.sched.wake:
		}
	}
}

// runDue fetches for every player due now, one after the other, and
// returns how many it ran.
func (s *Server) runDue(ctx context.Context) int {
	due, err := s.archive.DueSiteLogins(ctx, s.now())
	if err != nil {
		s.log.Error("scheduler: list due fetches", "err", err)
		return 0
	}
	n := 0
	for _, d := range due {
		if ctx.Err() != nil {
			break
		}
		s.fetchOne(ctx, d.Player)
		n++
	}
	return n
}

// fetchOne runs the fetch of one player and records its outcome.
func (s *Server) fetchOne(ctx context.Context, player string) {
	s.sched.mu.Lock()
	s.sched.running = player
	s.sched.mu.Unlock()
	defer func() {
		s.sched.mu.Lock()
		s.sched.running = ""
		s.sched.mu.Unlock()
	}()

	ran := s.now()
	summary, err := s.callFetch(ctx, player)
	if ctx.Err() != nil {
		// Shutting down: leave the run due, so it happens after the restart.
		return
	}
	if err != nil {
		s.log.Warn("scheduled fetch failed", "player", player, "err", err, "expired", errors.Is(err, archive.ErrSiteLoginExpired))
	} else {
		s.log.Info("scheduled fetch", "player", player, "result", summary)
	}
	if rerr := s.archive.RecordSiteLoginRun(context.WithoutCancel(ctx), player, ran, summary, err); rerr != nil {
		s.log.Error("scheduler: record the outcome", "player", player, "err", rerr)
	}
}

// callFetch opens the stored login and calls the fetcher; a panic in the
// fetcher is an error of this run, not the end of the server.
func (s *Server) callFetch(ctx context.Context, player string) (summary string, err error) {
	login, err := s.archive.OpenSiteLogin(ctx, s.cfg.SecretKey, player)
	if err != nil {
		return "", err
	}
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("scheduler: the fetcher panicked", "player", player, "panic", p)
			summary, err = "", fmt.Errorf("internal error in the fetcher: %v", p)
		}
	}()
	fctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	return s.cfg.Fetch(fctx, player, login)
}
