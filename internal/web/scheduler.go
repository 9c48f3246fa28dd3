package web

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/dxsite"
)

// FetchFunc fetches a player's pages from DX NET with a stored login and
// imports them into the archive. Its error wraps
// archive.ErrSiteLoginExpired when the site no longer accepts the login,
// which turns the player's schedule off until the owner stores a new one.
// SiteFetcher.Fetch is the real one.
type FetchFunc func(ctx context.Context, player string, login archive.SiteLogin) (FetchResult, error)

// FetchResult is what a fetch did.
type FetchResult struct {
	// Summary is one line for the owner, e.g. "12 pages: plays +3, …".
	Summary string
	// Cookie is the session's cookie when the fetch ended; the CN site
	// rotates _t with every answer, so it replaces the stored one. ""
	// keeps the stored login as it is.
	Cookie string
}

// SiteFetcher fetches with dxsite, the site client of `maiprobe fetch`.
type SiteFetcher struct {
	Archive *archive.Archive
	// Site and LoginURL replace the real site's addresses (tests: a fake
	// site); empty means the login's region's site.
	Site, LoginURL string
	// Interval is the least time between two requests to the site
	// (default 1 s, as dxsite).
	Interval time.Duration
}

// Fetch logs in (SEGA ID) or uses the stored cookie (CN), then reads and
// imports the player's pages with dxsite.Fetch.
func (f SiteFetcher) Fetch(ctx context.Context, player string, login archive.SiteLogin) (FetchResult, error) {
	s, err := dxsite.NewSession(dxsite.Config{Region: login.Region, Site: f.Site, Cookie: login.Cookie, Interval: f.Interval, CheckHours: f.Site == ""})
	if err != nil {
		return FetchResult{}, err
	}
	if login.SegaID != "" {
		if err := s.Login(ctx, f.LoginURL, login.SegaID, login.Password); err != nil {
			return FetchResult{}, expired(err)
		}
	}
	rep, err := dxsite.Fetch(ctx, f.Archive, player, s, dxsite.Options{})
	res := FetchResult{Summary: fetchSummary(rep)}
	if login.Cookie != "" && !errors.Is(err, dxsite.ErrSessionExpired) {
		res.Cookie = s.Cookie()
	}
	return res, expired(err)
}

// expired marks the site's refusals of the login itself (an expired
// session, a wrong password, missing bot-check cookies) as
// archive.ErrSiteLoginExpired: only a new login helps.
func expired(err error) error {
	if errors.Is(err, dxsite.ErrSessionExpired) || errors.Is(err, dxsite.ErrLogin) || errors.Is(err, dxsite.ErrChallenge) {
		return loginRefused{err}
	}
	return err
}

// loginRefused is a dxsite error (its message says what to do) that is
// also an archive.ErrSiteLoginExpired.
type loginRefused struct{ error }

func (e loginRefused) Is(target error) bool { return target == archive.ErrSiteLoginExpired }
func (e loginRefused) Unwrap() error        { return e.error }

// fetchSummary is the line the fetch page shows for a run.
func fetchSummary(rep dxsite.Report) string {
	a := rep.Added
	return fmt.Sprintf("%d pages new, %d unchanged, %d rejected; plays +%d, details +%d, scores +%d, photos +%d (%d requests)",
		a.Pages, rep.Unchanged.Pages, rep.Rejected, a.Plays, a.Details, a.Scores, a.Photos, rep.Requests)
}

// Scheduler settings.
const (
	// schedulerTick is how often the scheduler looks for due fetches.
	schedulerTick = time.Minute
	// fetchTimeout caps one player's fetch.
	fetchTimeout = 30 * time.Minute
	// leaseTerm is how long a claim on a fetch lasts unless renewed: the
	// longest a fetch whose server died stays taken. The runner renews it
	// every leaseTerm/4, so clocks of servers may differ by up to a minute.
	leaseTerm = 2 * time.Minute
)

// scheduler is the doorbell for "fetch now". Which fetch runs where is in
// the archive's database (a lease per player), so any number of servers
// on one archive, or a function platform's scheduled events, run each due
// fetch once.
type scheduler struct {
	wake chan struct{}
	// renew is how often a running fetch renews its lease (tests shorten it).
	renew time.Duration
}

func newScheduler() *scheduler {
	return &scheduler{wake: make(chan struct{}, 1), renew: leaseTerm / 4}
}

// newHolder names a server in the leases it takes: random, so two
// processes never share a name, with the host for whoever reads the table.
func newHolder() string {
	host, _ := os.Hostname()
	return truncate(host, 40) + "/" + newToken()[:16]
}

// fetchLease is the name of the lease on a player's scheduled fetch.
func fetchLease(player string) string { return "fetch:" + player }

// poke makes the scheduler look for due fetches now.
func (sc *scheduler) poke() {
	select {
	case sc.wake <- struct{}{}:
	default:
	}
}

// fetchRunning reports whether any server is fetching player now.
func (s *Server) fetchRunning(ctx context.Context, player string) (bool, error) {
	return s.archive.LeaseHeld(ctx, fetchLease(player), s.now())
}

// FetchesEnabled says whether stored site logins and scheduled fetches
// work: they need MAIPROBE_SECRET_KEY and a fetcher.
func (s *Server) FetchesEnabled() bool { return s.cfg.SecretKey != nil && s.cfg.Fetch != nil }

// RunScheduler fetches, one player at a time, for every stored site login
// that is due, and syncs every stored diving-fish or Lxns token that is
// due (sync_run.go), until ctx ends: every minute and whenever an owner
// asks for a run. serve runs it in a goroutine; it returns at once
// without MAIPROBE_SECRET_KEY, which both need.
func (s *Server) RunScheduler(ctx context.Context) {
	if s.cfg.SecretKey == nil {
		s.log.Info("scheduled fetches and syncs are off: set MAIPROBE_SECRET_KEY (32 random bytes in base64) to store site logins and tokens")
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

// RunDue runs every fetch and sync due now, one after the other, and
// returns how many ran: what a function platform's schedule calls, where
// RunScheduler does not run. It does nothing without MAIPROBE_SECRET_KEY.
func (s *Server) RunDue(ctx context.Context) int {
	if s.cfg.SecretKey == nil {
		s.log.Info("scheduled fetches and syncs are off: set MAIPROBE_SECRET_KEY (32 random bytes in base64) to store site logins and tokens")
		return 0
	}
	return s.runDue(ctx)
}

// runDue runs every fetch and sync due now, one after the other, and
// returns how many it ran. A run another server (or another scheduled
// event) has taken is left to it.
func (s *Server) runDue(ctx context.Context) int {
	return s.runDueFetches(ctx) + s.runDueSyncs(ctx)
}

// runDueFetches fetches for every player due now; none without a fetcher
// (stored logins are then kept but not used).
func (s *Server) runDueFetches(ctx context.Context) int {
	if s.cfg.Fetch == nil {
		return 0
	}
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
		if s.fetchOne(ctx, d.Player) {
			n++
		}
	}
	return n
}

// fetchOne runs the fetch of one player, if it can take the fetch's lease
// and the fetch is still due, and records its outcome; ran is false when
// another server has it or has done it.
func (s *Server) fetchOne(ctx context.Context, player string) (ran bool) {
	lease, bg := fetchLease(player), context.WithoutCancel(ctx)
	claimed, err := s.archive.ClaimLease(ctx, lease, s.holder, s.now(), leaseTerm)
	if err != nil {
		s.log.Error("scheduler: claim a fetch", "player", player, "err", err)
		return false
	}
	if !claimed {
		return false
	}
	defer func() {
		if err := s.archive.ReleaseLease(bg, lease, s.holder); err != nil {
			s.log.Error("scheduler: release a fetch", "player", player, "err", err)
		}
	}()
	// Listed as due before the claim: another server may have run it
	// and let go of it since.
	if due, err := s.archive.SiteLoginDue(ctx, player, s.now()); err != nil || !due {
		if err != nil {
			s.log.Error("scheduler: check a fetch", "player", player, "err", err)
		}
		return false
	}
	fctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := s.keepLease(fctx, cancel, lease, player)
	defer stop()

	startedAt := s.now()
	res, err := s.callFetch(fctx, player)
	if res.Cookie != "" {
		// Even an interrupted fetch rotated the cookie: keep the newest.
		if cerr := s.archive.UpdateSiteLoginCookie(bg, s.cfg.SecretKey, player, res.Cookie); cerr != nil {
			s.log.Error("scheduler: keep the rotated cookie", "player", player, "err", cerr)
		}
	}
	if fctx.Err() != nil {
		// Shutting down, or the lease was lost: leave the run due, so it
		// happens after the restart (or is the other holder's).
		return true
	}
	if err != nil {
		s.log.Warn("scheduled fetch failed", "player", player, "err", err, "expired", errors.Is(err, archive.ErrSiteLoginExpired))
	} else {
		s.log.Info("scheduled fetch", "player", player, "result", res.Summary)
	}
	if rerr := s.archive.RecordSiteLoginRun(bg, player, startedAt, res.Summary, err); rerr != nil {
		s.log.Error("scheduler: record the outcome", "player", player, "err", rerr)
	}
	return true
}

// keepLease renews the lease every leaseTerm/4 (sched.renew) while the fetch runs, and
// cancels it if the lease was lost (this server stalled past its term and
// another took the fetch). stop ends the renewals.
func (s *Server) keepLease(ctx context.Context, cancel context.CancelFunc, lease, player string) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(s.sched.renew)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
			}
			held, err := s.archive.RenewLease(ctx, lease, s.holder, s.now(), leaseTerm)
			switch {
			case err != nil:
				// Keep going: the lease lasts a while, the next renewal may work.
				s.log.Warn("scheduler: renew a fetch's lease", "player", player, "err", err)
			case !held:
				s.log.Error("scheduler: lost a fetch's lease to another server; stopping", "player", player)
				cancel()
				return
			}
		}
	}()
	return func() { close(done); <-finished }
}

// callFetch opens the stored login and calls the fetcher; a panic in the
// fetcher is an error of this run, not the end of the server.
func (s *Server) callFetch(ctx context.Context, player string) (res FetchResult, err error) {
	login, err := s.archive.OpenSiteLogin(ctx, s.cfg.SecretKey, player)
	if err != nil {
		return FetchResult{}, err
	}
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("scheduler: the fetcher panicked", "player", player, "panic", p)
			res, err = FetchResult{}, fmt.Errorf("internal error in the fetcher: %v", p)
		}
	}()
	fctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	return s.cfg.Fetch(fctx, player, login)
}
