package storage

import (
	"context"
	"fmt"
)

// What the rating history reads besides bests and score history: the
// ratings saved profile pages showed, without their JSON, and the jacket
// file the player's plays showed beside each title.

// SnapshotRatings lists the player's snapshots that show a rating, oldest
// first, with their kind, time, region and rating only (no Data).
func (t *Tx) SnapshotRatings(ctx context.Context, playerID int64) ([]Snapshot, error) {
	rows, err := t.query(ctx, `SELECT id, kind, observed_at, region, rating FROM snapshots
		WHERE player_id = ? AND rating > 0 ORDER BY observed_at, kind, digest`, playerID)
	if err != nil {
		return nil, fmt.Errorf("storage: list snapshot ratings: %w", err)
	}
	defer rows.Close()
	var ss []Snapshot
	for rows.Next() {
		s := Snapshot{PlayerID: playerID}
		if err := rows.Scan(&s.ID, &s.Kind, &s.ObservedAt, &s.Region, &s.Rating); err != nil {
			return nil, fmt.Errorf("storage: list snapshot ratings: %w", err)
		}
		s.ObservedAt = s.ObservedAt.UTC()
		ss = append(ss, s)
	}
	return ss, rows.Err()
}

// SnapshotStamp is a value that changes whenever the player's snapshots
// do, so a rating history beside the site's ratings can be cached.
func (t *Tx) SnapshotStamp(ctx context.Context, playerID int64) (string, error) {
	var n, maxID int64
	err := t.tx.QueryRowContext(ctx, t.d.rebind(`SELECT COUNT(*), COALESCE(MAX(id), 0) FROM snapshots WHERE player_id = ?`),
		playerID).Scan(&n, &maxID)
	if err != nil {
		return "", fmt.Errorf("storage: snapshot stamp: %w", err)
	}
	return fmt.Sprintf("%d %d", n, maxID), nil
}

// PlayJackets maps each title the player has played to the jacket file
// name its plays showed (one of them when several did), for titles with
// one.
func (t *Tx) PlayJackets(ctx context.Context, playerID int64) (map[string]string, error) {
	rows, err := t.query(ctx, `SELECT title, MAX(jacket) FROM plays WHERE player_id = ? AND jacket <> '' GROUP BY title`, playerID)
	if err != nil {
		return nil, fmt.Errorf("storage: list play jackets: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var title, jacket string
		if err := rows.Scan(&title, &jacket); err != nil {
			return nil, fmt.Errorf("storage: list play jackets: %w", err)
		}
		out[title] = jacket
	}
	return out, rows.Err()
}
