package archive

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/maiprobe/maiprobe/internal/storage"
)

// The state of syncs to other probers (internal/probersync): each player's
// token per service, sealed like site logins, the schedule, the last
// outcome, and which items each service has accepted. The archive only
// keeps it; what to send and how is probersync's.

// ErrNoProberSync: the player has no sync to that service stored.
var ErrNoProberSync = errors.New("archive: no sync to this service is set up for this player")

// ErrBadSchedule: a sync's schedule is not whole hours from 1 to
// MaxScheduleHours (or none).
var ErrBadSchedule = fmt.Errorf("archive: a sync's schedule is whole hours from 1 to %d, or none", MaxScheduleHours)

// ProberSyncStatus is what the owner sees of a sync: never the token, only
// whether one is stored, the schedule and the last outcome.
type ProberSyncStatus struct {
	Player     string
	Service    string
	HasToken   bool
	Every      time.Duration // 0: no schedule
	Enabled    bool          // false once the service refused the token
	StoredAt   time.Time
	NextRunAt  time.Time
	LastRunAt  time.Time
	LastOKAt   time.Time // the last run the service accepted everything of
	LastResult string
	LastError  string
}

func proberSyncStatus(s storage.ProberSync) ProberSyncStatus {
	return ProberSyncStatus{
		Player: s.Player, Service: s.Service, HasToken: s.Sealed != nil, Every: time.Duration(s.EveryHours) * time.Hour,
		Enabled: s.Enabled, StoredAt: s.StoredAt, NextRunAt: s.NextRunAt, LastRunAt: s.LastRunAt, LastOKAt: s.LastOKAt,
		LastResult: s.LastResult, LastError: s.LastError,
	}
}

// proberContext binds a sealed token to its player and service: a token
// copied to another player's row, or to another service's, does not open.
func proberContext(player, service string) string {
	return "prober-sync\x00" + service + "\x00" + player
}

// proberTx runs fn in a write transaction with the player's id;
// ErrNoPlayer for an unknown player.
func (a *Archive) proberTx(ctx context.Context, player string, fn func(tx *storage.Tx, pid int64) error) error {
	return a.db.Update(ctx, func(tx *storage.Tx) error {
		pid, err := tx.PlayerID(ctx, player)
		if isNotFound(err) {
			return fmt.Errorf("%w: %q", ErrNoPlayer, player)
		}
		if err != nil {
			return err
		}
		return fn(tx, pid)
	})
}

// StoreProberToken seals token with key and stores it as the player's
// token for service, with a schedule of every (whole hours, 0 for none),
// re-enabling the sync. The first scheduled run is due at once.
func (a *Archive) StoreProberToken(ctx context.Context, key *SecretKey, player, service, token string, every time.Duration) error {
	if key == nil {
		return ErrNoSecretKey
	}
	hours, err := scheduleHours(every)
	if err != nil {
		return err
	}
	now := a.now()
	return a.proberTx(ctx, player, func(tx *storage.Tx, pid int64) error {
		var next time.Time
		if hours > 0 {
			next = now
		}
		return tx.PutProberSync(ctx, storage.ProberSync{
			PlayerID: pid, Service: service, Sealed: key.seal([]byte(token), proberContext(player, service)),
			EveryHours: hours, Enabled: true, StoredAt: now, NextRunAt: next,
		})
	})
}

// SetProberSchedule changes the schedule of the player's stored sync
// (every 0 turns it off) and re-enables it; ErrNoProberSync when no token
// is stored.
func (a *Archive) SetProberSchedule(ctx context.Context, player, service string, every time.Duration) error {
	hours, err := scheduleHours(every)
	if err != nil {
		return err
	}
	now := a.now()
	return a.proberTx(ctx, player, func(tx *storage.Tx, pid int64) error {
		s, err := tx.ProberSyncOf(ctx, pid, service)
		if isNotFound(err) || (err == nil && s.Sealed == nil) {
			return ErrNoProberSync
		}
		if err != nil {
			return err
		}
		s.EveryHours, s.Enabled, s.NextRunAt = hours, true, time.Time{}
		if hours > 0 {
			s.NextRunAt = now
			if !s.LastRunAt.IsZero() {
				s.NextRunAt = s.LastRunAt.Add(time.Duration(hours) * time.Hour)
			}
		}
		return tx.PutProberSync(ctx, s)
	})
}

func scheduleHours(every time.Duration) (int, error) {
	hours := int(every / time.Hour)
	if every < 0 || every%time.Hour != 0 || hours > MaxScheduleHours {
		return 0, fmt.Errorf("%w (not %s)", ErrBadSchedule, every)
	}
	return hours, nil
}

// ProberSyncStatus returns what the owner may see of the player's sync to
// service; ErrNoProberSync when there is none.
func (a *Archive) ProberSyncStatus(ctx context.Context, player, service string) (ProberSyncStatus, error) {
	var st ProberSyncStatus
	err := a.db.View(ctx, func(tx *storage.Tx) error {
		pid, err := tx.PlayerID(ctx, player)
		if err != nil {
			return err
		}
		s, err := tx.ProberSyncOf(ctx, pid, service)
		st = proberSyncStatus(s)
		return err
	})
	if isNotFound(err) {
		return ProberSyncStatus{}, ErrNoProberSync
	}
	return st, err
}

// OpenProberToken returns the player's stored token for service in clear,
// for the sync; ErrNoProberSync when none is stored.
func (a *Archive) OpenProberToken(ctx context.Context, key *SecretKey, player, service string) (string, error) {
	if key == nil {
		return "", ErrNoSecretKey
	}
	var sealed []byte
	err := a.db.View(ctx, func(tx *storage.Tx) error {
		pid, err := tx.PlayerID(ctx, player)
		if err != nil {
			return err
		}
		s, err := tx.ProberSyncOf(ctx, pid, service)
		sealed = s.Sealed
		return err
	})
	if isNotFound(err) || (err == nil && sealed == nil) {
		return "", ErrNoProberSync
	}
	if err != nil {
		return "", err
	}
	plain, err := key.open(sealed, proberContext(player, service))
	if err != nil {
		return "", fmt.Errorf("%w (the token of %s)", err, service)
	}
	return string(plain), nil
}

// ForgetProberToken deletes the player's stored token for service and its
// schedule; what the service accepted is still remembered.
func (a *Archive) ForgetProberToken(ctx context.Context, player, service string) error {
	return a.proberTx(ctx, player, func(tx *storage.Tx, pid int64) error {
		return tx.ForgetProberSyncToken(ctx, pid, service)
	})
}

// SyncNowInterval is the least time between the starts of two syncs of a
// player to one service that the owner asks for ("Sync now"): a first
// sync re-reads up to 32 MB from diving-fish, and a button pressed twenty
// times must not make twenty runs.
const SyncNowInterval = 5 * time.Minute

// SyncTooSoon is RunProberSyncNow's refusal within SyncNowInterval of the
// last run's start: Wait is what is left; Queued says a run is due by then
// anyway (asked for while the last one ran).
type SyncTooSoon struct {
	Wait   time.Duration
	Queued bool
}

func (e *SyncTooSoon) Error() string {
	if e.Queued {
		return fmt.Sprintf("archive: a sync to this service is already queued; it runs within %s", e.Wait.Round(time.Second))
	}
	return fmt.Sprintf("archive: the last sync to this service started less than %s ago: ask again in %s", SyncNowInterval, e.Wait.Round(time.Second))
}

// RunProberSyncNow makes the player's stored sync due at once, even
// without a schedule; ErrNoProberSync when no token is stored,
// *SyncTooSoon within SyncNowInterval of the last run's start. The
// interval is kept in the database (the last run's time), so every server
// of the archive refuses alike. Asked for while a run goes on, the
// request is kept: RecordProberSyncRun leaves it due.
func (a *Archive) RunProberSyncNow(ctx context.Context, player, service string) error {
	return a.proberTx(ctx, player, func(tx *storage.Tx, pid int64) error {
		s, err := tx.ProberSyncOf(ctx, pid, service)
		if isNotFound(err) || (err == nil && s.Sealed == nil) {
			return ErrNoProberSync
		}
		if err != nil {
			return err
		}
		now := a.now()
		// A last run stamped after now (another server's clock ahead of
		// this one's) holds nothing back: a skewed clock must not lock
		// the button for longer than the interval.
		if !s.LastRunAt.IsZero() && !now.Before(s.LastRunAt) {
			if until := s.LastRunAt.Add(SyncNowInterval); now.Before(until) {
				queued := s.Enabled && !s.NextRunAt.IsZero() && !s.NextRunAt.After(until)
				return &SyncTooSoon{Wait: until.Sub(now), Queued: queued}
			}
		}
		if !s.Enabled {
			// The owner asks again after the service refused the token:
			// try once more (a new token at the service may work now).
			s.Enabled, s.NextRunAt = true, a.now()
			return tx.PutProberSync(ctx, s)
		}
		return tx.SetProberSyncNextRun(ctx, pid, service, a.now())
	})
}

// DueProberSyncs lists the syncs with a stored token that are due at now.
func (a *Archive) DueProberSyncs(ctx context.Context, now time.Time) ([]ProberSyncStatus, error) {
	var out []ProberSyncStatus
	err := a.db.View(ctx, func(tx *storage.Tx) error {
		ss, err := tx.DueProberSyncs(ctx, now)
		for _, s := range ss {
			out = append(out, proberSyncStatus(s))
		}
		return err
	})
	return out, err
}

// ProberSyncDue reports whether the player's sync to service is due at
// now (another server may have run it since it was listed).
func (a *Archive) ProberSyncDue(ctx context.Context, player, service string, now time.Time) (bool, error) {
	due := false
	err := a.db.View(ctx, func(tx *storage.Tx) error {
		pid, err := tx.PlayerID(ctx, player)
		if err != nil {
			return err
		}
		s, err := tx.ProberSyncOf(ctx, pid, service)
		if err != nil {
			return err
		}
		due = s.Enabled && s.Sealed != nil && !s.NextRunAt.IsZero() && !s.NextRunAt.After(now)
		return nil
	})
	if isNotFound(err) {
		return false, nil
	}
	return due, err
}

// ProberRun is the outcome of one sync run, as RecordProberSyncRun keeps it.
type ProberRun struct {
	RanAt   time.Time
	Summary string
	// Complete: the service accepted everything there was to send.
	Complete bool
	Err      error
	// Refused: the service refused the token; the schedule stops until
	// the owner stores a new one or asks for a run.
	Refused bool
}

// RecordProberSyncRun records the outcome of a sync run. The command line
// syncs with a token of its own: a player without a stored sync gets a
// row without a token, so the web page shows its last run too.
func (a *Archive) RecordProberSyncRun(ctx context.Context, player, service string, run ProberRun) error {
	return a.proberTx(ctx, player, func(tx *storage.Tx, pid int64) error {
		s, err := tx.ProberSyncOf(ctx, pid, service)
		if isNotFound(err) {
			s = storage.ProberSync{PlayerID: pid, Service: service, Enabled: true, StoredAt: run.RanAt}
			err = tx.PutProberSync(ctx, s)
		}
		if err != nil {
			return err
		}
		enabled, errText := true, ""
		var next, okAt time.Time
		if s.EveryHours > 0 && s.Sealed != nil {
			next = run.RanAt.Add(time.Duration(s.EveryHours) * time.Hour)
		}
		if s.Sealed != nil && s.NextRunAt.After(run.RanAt) && (next.IsZero() || s.NextRunAt.Before(next)) {
			// The owner asked for a sync after this run had started
			// (RunProberSyncNow): what was imported meanwhile is not in
			// this run, so the request stays due, no sooner than
			// SyncNowInterval after this run's start.
			next = s.NextRunAt
			if soonest := run.RanAt.Add(SyncNowInterval); next.Before(soonest) {
				next = soonest
			}
		}
		if run.Err != nil {
			errText = cutText(run.Err.Error(), 2000)
		}
		switch {
		case run.Refused && s.Sealed != nil && s.StoredAt.After(run.RanAt):
			// The owner stored a new token while this run went on with the
			// old one: the refusal is the old token's, so the new token
			// keeps its schedule and stays switched on.
			enabled, next = s.Enabled, s.NextRunAt
		case run.Refused:
			enabled, next = false, time.Time{}
		}
		if run.Complete && run.Err == nil {
			okAt = run.RanAt
		}
		return tx.UpdateProberSyncRun(ctx, pid, service, run.RanAt, next, okAt, enabled, run.Summary, errText)
	})
}

// ProberSentItems returns what service has accepted of the player's
// items: each item key's hash of what was sent. An unknown player has
// none.
func (a *Archive) ProberSentItems(ctx context.Context, player, service string) (map[string]string, error) {
	var out map[string]string
	err := a.db.View(ctx, func(tx *storage.Tx) error {
		pid, err := tx.PlayerID(ctx, player)
		if err != nil {
			return err
		}
		out, err = tx.SentItems(ctx, pid, service)
		return err
	})
	if isNotFound(err) {
		return map[string]string{}, nil
	}
	return out, err
}

// MarkProberSent records that service accepted items of the player at.
func (a *Archive) MarkProberSent(ctx context.Context, player, service string, items []storage.SentItem, at time.Time) error {
	return a.proberTx(ctx, player, func(tx *storage.Tx, pid int64) error {
		return tx.MarkSent(ctx, pid, service, items, at)
	})
}

// cutText is s cut to at most n bytes at a character boundary, so a long
// error in Chinese is stored as valid UTF-8 (PostgreSQL refuses anything
// else).
func cutText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
