package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ProberSync is a player's sync to one other prober (migration 0016): the
// sealed token (storage never sees it in clear; nil when none is stored),
// the schedule and the last outcome.
type ProberSync struct {
	PlayerID   int64
	Player     string // the player's name (read only)
	Service    string
	Sealed     []byte
	EveryHours int  // 0: no schedule
	Enabled    bool // false after the service refused the token
	StoredAt   time.Time
	NextRunAt  time.Time // zero when nothing is scheduled
	LastRunAt  time.Time // zero when never run
	LastOKAt   time.Time // zero when never accepted
	LastResult string
	LastError  string
}

const proberSyncColumns = "s.player_id, p.name, s.service, s.sealed, s.every_hours, s.enabled, s.stored_at, s.next_run_at, s.last_run_at, s.last_ok_at, s.last_result, s.last_error FROM prober_syncs s JOIN players p ON p.id = s.player_id"

func scanProberSync(scan func(...any) error) (ProberSync, error) {
	var s ProberSync
	var enabled int
	var next, last, ok sql.NullTime
	err := scan(&s.PlayerID, &s.Player, &s.Service, &s.Sealed, &s.EveryHours, &enabled, &s.StoredAt, &next, &last, &ok, &s.LastResult, &s.LastError)
	if errors.Is(err, sql.ErrNoRows) {
		return ProberSync{}, err
	}
	if err != nil {
		return ProberSync{}, fmt.Errorf("storage: read prober sync: %w", err)
	}
	s.Enabled = enabled == 1
	s.StoredAt = s.StoredAt.UTC()
	for _, p := range []struct {
		n *sql.NullTime
		t *time.Time
	}{{&next, &s.NextRunAt}, {&last, &s.LastRunAt}, {&ok, &s.LastOKAt}} {
		if p.n.Valid {
			*p.t = p.n.Time.UTC()
		}
	}
	if len(s.Sealed) == 0 {
		s.Sealed = nil
	}
	return s, nil
}

// ProberSyncOf returns the player's sync to service, or ErrNotFound.
func (t *Tx) ProberSyncOf(ctx context.Context, playerID int64, service string) (ProberSync, error) {
	row := t.tx.QueryRowContext(ctx, t.d.rebind("SELECT "+proberSyncColumns+" WHERE s.player_id = ? AND s.service = ?"), playerID, service)
	s, err := scanProberSync(row.Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return ProberSync{}, fmt.Errorf("prober sync: %w", ErrNotFound)
	}
	return s, err
}

// ProberSyncsOf lists the player's syncs, by service.
func (t *Tx) ProberSyncsOf(ctx context.Context, playerID int64) ([]ProberSync, error) {
	return t.proberSyncs(ctx, "SELECT "+proberSyncColumns+" WHERE s.player_id = ? ORDER BY s.service", playerID)
}

// DueProberSyncs lists the enabled syncs with a token whose next run is at
// or before now, the longest overdue first.
func (t *Tx) DueProberSyncs(ctx context.Context, now time.Time) ([]ProberSync, error) {
	return t.proberSyncs(ctx, "SELECT "+proberSyncColumns+" WHERE s.enabled = 1 AND s.sealed IS NOT NULL AND s.next_run_at IS NOT NULL AND s.next_run_at <= ? ORDER BY s.next_run_at, s.player_id, s.service", utc(now))
}

func (t *Tx) proberSyncs(ctx context.Context, query string, args ...any) ([]ProberSync, error) {
	rows, err := t.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: list prober syncs: %w", err)
	}
	defer rows.Close()
	var out []ProberSync
	for rows.Next() {
		s, err := scanProberSync(rows.Scan)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// PutProberSync stores the player's sync settings for s.Service: the
// sealed token, the schedule, enabled and the next run. The last outcome
// and what was sent are kept.
func (t *Tx) PutProberSync(ctx context.Context, s ProberSync) error {
	_, added, err := t.insert(ctx, "prober_sync", "INSERT INTO prober_syncs (player_id, service, sealed, every_hours, enabled, stored_at, next_run_at, last_result, last_error) VALUES (?, ?, ?, ?, ?, ?, ?, '', ''){{ignore}}",
		s.PlayerID, s.Service, nullBlob(s.Sealed), s.EveryHours, boolInt(s.Enabled), utc(s.StoredAt), nullTime(s.NextRunAt))
	if err != nil {
		return fmt.Errorf("storage: insert prober sync: %w", err)
	}
	if added {
		return nil
	}
	_, err = t.exec(ctx, "UPDATE prober_syncs SET sealed = ?, every_hours = ?, enabled = ?, stored_at = ?, next_run_at = ? WHERE player_id = ? AND service = ?",
		nullBlob(s.Sealed), s.EveryHours, boolInt(s.Enabled), utc(s.StoredAt), nullTime(s.NextRunAt), s.PlayerID, s.Service)
	if err != nil {
		return fmt.Errorf("storage: update prober sync: %w", err)
	}
	return nil
}

// UpdateProberSyncRun records a run's outcome: when it ran, the next run
// (zero: none), whether the sync stays enabled, and okAt when the service
// accepted everything (zero keeps the last one).
func (t *Tx) UpdateProberSyncRun(ctx context.Context, playerID int64, service string, ranAt, next, okAt time.Time, enabled bool, result, errText string) error {
	q := "UPDATE prober_syncs SET last_run_at = ?, next_run_at = ?, enabled = ?, last_result = ?, last_error = ? WHERE player_id = ? AND service = ?"
	args := []any{utc(ranAt), nullTime(next), boolInt(enabled), result, errText, playerID, service}
	if !okAt.IsZero() {
		q = "UPDATE prober_syncs SET last_run_at = ?, next_run_at = ?, enabled = ?, last_result = ?, last_error = ?, last_ok_at = ? WHERE player_id = ? AND service = ?"
		args = []any{utc(ranAt), nullTime(next), boolInt(enabled), result, errText, utc(okAt), playerID, service}
	}
	if _, err := t.exec(ctx, q, args...); err != nil {
		return fmt.Errorf("storage: update prober sync: %w", err)
	}
	return nil
}

// SetProberSyncNextRun sets when the player's sync runs next (zero: not
// scheduled).
func (t *Tx) SetProberSyncNextRun(ctx context.Context, playerID int64, service string, next time.Time) error {
	if _, err := t.exec(ctx, "UPDATE prober_syncs SET next_run_at = ? WHERE player_id = ? AND service = ?", nullTime(next), playerID, service); err != nil {
		return fmt.Errorf("storage: update prober sync: %w", err)
	}
	return nil
}

// ForgetProberSyncToken deletes the stored token and the schedule of the
// player's sync; the record of what was sent stays, so a token stored
// again sends only what changed.
func (t *Tx) ForgetProberSyncToken(ctx context.Context, playerID int64, service string) error {
	if _, err := t.exec(ctx, "UPDATE prober_syncs SET sealed = NULL, every_hours = 0, next_run_at = NULL WHERE player_id = ? AND service = ?", playerID, service); err != nil {
		return fmt.Errorf("storage: forget prober sync token: %w", err)
	}
	return nil
}

// SentItems returns what the service has accepted from the player: the
// item hash of each item key.
func (t *Tx) SentItems(ctx context.Context, playerID int64, service string) (map[string]string, error) {
	rows, err := t.query(ctx, "SELECT item_key, item_hash FROM prober_sync_sent WHERE player_id = ? AND service = ?", playerID, service)
	if err != nil {
		return nil, fmt.Errorf("storage: read sent items: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, h string
		if err := rows.Scan(&k, &h); err != nil {
			return nil, fmt.Errorf("storage: read sent items: %w", err)
		}
		out[k] = h
	}
	return out, rows.Err()
}

// SentItem is one item a service accepted: the hash of its identity and
// of what was sent.
type SentItem struct {
	Key, Hash string
}

// MarkSent records that the service accepted items at.
func (t *Tx) MarkSent(ctx context.Context, playerID int64, service string, items []SentItem, at time.Time) error {
	for _, it := range items {
		_, added, err := t.insert(ctx, "prober_sync_sent", "INSERT INTO prober_sync_sent (player_id, service, item_key, item_hash, sent_at) VALUES (?, ?, ?, ?, ?){{ignore}}",
			playerID, service, it.Key, it.Hash, utc(at))
		if err != nil {
			return fmt.Errorf("storage: mark sent: %w", err)
		}
		if added {
			continue
		}
		if _, err := t.exec(ctx, "UPDATE prober_sync_sent SET item_hash = ?, sent_at = ? WHERE player_id = ? AND service = ? AND item_key = ?",
			it.Hash, utc(at), playerID, service, it.Key); err != nil {
			return fmt.Errorf("storage: mark sent: %w", err)
		}
	}
	return nil
}

// nullBlob is b for a binary column, NULL when b is nil.
func nullBlob(b []byte) any {
	if b == nil {
		return nil
	}
	return b
}
