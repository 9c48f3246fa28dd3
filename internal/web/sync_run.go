package web

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/probersync"
)

// syncTimeout caps one scheduled sync: a first sync of a long history to
// Lxns is some tens of requests.
const syncTimeout = 20 * time.Minute

// syncLease is the name of the lease on a player's scheduled sync to svc.
func syncLease(player string, svc probersync.Service) string {
	return "sync:" + string(svc) + ":" + player
}

// runDueSyncs runs every sync to diving-fish or Lxns that is due now, one
// after the other, and returns how many it ran. Like fetches, each is
// claimed with a lease, so several servers on one archive run it once.
func (s *Server) runDueSyncs(ctx context.Context) int {
	due, err := s.archive.DueProberSyncs(ctx, s.now())
	if err != nil {
		s.log.Error("scheduler: list due syncs", "err", err)
		return 0
	}
	n := 0
	for _, d := range due {
		if ctx.Err() != nil {
			break
		}
		svc, err := probersync.ParseService(d.Service)
		if err != nil {
			continue
		}
		if s.syncOne(ctx, d.Player, svc) {
			n++
		}
	}
	return n
}

// syncOne runs one player's sync to svc if it can take its lease and the
// sync is still due, and records the outcome; ran is false when another
// server has it or has done it.
func (s *Server) syncOne(ctx context.Context, player string, svc probersync.Service) (ran bool) {
	lease, bg := syncLease(player, svc), context.WithoutCancel(ctx)
	claimed, err := s.archive.ClaimLease(ctx, lease, s.holder, s.now(), leaseTerm)
	if err != nil {
		s.log.Error("scheduler: claim a sync", "player", player, "service", svc, "err", err)
		return false
	}
	if !claimed {
		return false
	}
	defer func() {
		if err := s.archive.ReleaseLease(bg, lease, s.holder); err != nil {
			s.log.Error("scheduler: release a sync", "player", player, "service", svc, "err", err)
		}
	}()
	if due, err := s.archive.ProberSyncDue(ctx, player, string(svc), s.now()); err != nil || !due {
		if err != nil {
			s.log.Error("scheduler: check a sync", "player", player, "service", svc, "err", err)
		}
		return false
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := s.keepLease(sctx, cancel, lease, player)
	defer stop()

	startedAt := s.now()
	rep, err := s.callSync(sctx, player, svc)
	if sctx.Err() != nil {
		// Shutting down, or the lease was lost: what was accepted is
		// recorded; the run stays due and resumes after the restart.
		return true
	}
	refused := errors.Is(err, probersync.ErrTokenRefused)
	if err != nil {
		// The error never holds the token (probersync keeps it out).
		s.log.Warn("scheduled sync failed", "player", player, "service", svc, "err", err, "refused", refused)
	} else {
		s.log.Info("scheduled sync", "player", player, "service", svc, "result", rep.Summary())
	}
	run := archive.ProberRun{RanAt: startedAt, Summary: rep.Summary(), Complete: err == nil, Err: err, Refused: refused}
	if rerr := s.archive.RecordProberSyncRun(bg, player, string(svc), run); rerr != nil {
		s.log.Error("scheduler: record a sync's outcome", "player", player, "service", svc, "err", rerr)
	}
	return true
}

// callSync opens the stored token and syncs to the operator's address of
// the service (Config.SyncURLs, else the real one: a player never chooses
// where the server posts); a panic is an error of this run.
func (s *Server) callSync(ctx context.Context, player string, svc probersync.Service) (rep probersync.Report, err error) {
	rep = probersync.Report{Service: svc, Player: player}
	token, err := s.archive.OpenProberToken(ctx, s.cfg.SecretKey, player, string(svc))
	if err != nil {
		return rep, err
	}
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("scheduler: the sync panicked", "player", player, "service", svc, "panic", p)
			err = fmt.Errorf("internal error in the sync: %v", p)
		}
	}()
	sctx, cancel := context.WithTimeout(ctx, syncTimeout)
	defer cancel()
	return probersync.Sync(sctx, s.archive, player, svc, token, probersync.Options{BaseURL: s.cfg.SyncURLs[svc]})
}
