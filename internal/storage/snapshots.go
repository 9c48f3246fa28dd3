package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Snapshot is the profile as one home, playerData or friendCode page
// showed it.
type Snapshot struct {
	ID         int64
	PlayerID   int64
	Kind       string
	ObservedAt time.Time
	PageID     int64
	PageSHA    string // list queries
	Region     string
	// Name, Rating, Stars and PlayCount are columns for charts; Data has
	// the whole parsed profile as JSON and Digest its sha256.
	Name      string
	Rating    int
	Stars     int
	PlayCount int
	Digest    string
	Data      []byte
}

// SnapshotDigestBefore returns the digest of the player's latest snapshot
// of kind observed at or before at, or ErrNotFound.
func (t *Tx) SnapshotDigestBefore(ctx context.Context, playerID int64, kind string, at time.Time) (string, error) {
	var d string
	err := t.tx.QueryRowContext(ctx, t.d.rebind(`SELECT digest FROM snapshots
		WHERE player_id = ? AND kind = ? AND observed_at <= ? ORDER BY observed_at DESC, id DESC LIMIT 1`),
		playerID, kind, utc(at)).Scan(&d)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("storage: find snapshot: %w", err)
	}
	return d, nil
}

// InsertSnapshot adds s unless the same snapshot is stored.
func (t *Tx) InsertSnapshot(ctx context.Context, s *Snapshot) (bool, error) {
	id, added, err := t.insert(ctx, "snapshot", `INSERT INTO snapshots
		(player_id, kind, observed_at, page_id, region, name, rating, stars, play_count, digest, data)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?){{ignore}}`,
		s.PlayerID, s.Kind, utc(s.ObservedAt), nullInt(s.PageID), s.Region, s.Name, s.Rating, s.Stars, s.PlayCount, s.Digest, string(s.Data))
	if err != nil {
		return false, fmt.Errorf("storage: insert snapshot: %w", err)
	}
	s.ID = id
	return added, nil
}

// Snapshots lists the player's snapshots oldest first.
func (t *Tx) Snapshots(ctx context.Context, playerID int64) ([]Snapshot, error) {
	rows, err := t.query(ctx, `SELECT s.id, s.kind, s.observed_at, COALESCE(s.page_id, 0), COALESCE(pg.sha256, ''), s.region,
		s.name, s.rating, s.stars, s.play_count, s.digest, s.data
		FROM snapshots s LEFT JOIN pages pg ON pg.id = s.page_id
		WHERE s.player_id = ? ORDER BY s.observed_at, s.kind, s.digest`, playerID)
	if err != nil {
		return nil, fmt.Errorf("storage: list snapshots: %w", err)
	}
	defer rows.Close()
	var ss []Snapshot
	for rows.Next() {
		s := Snapshot{PlayerID: playerID}
		var data string
		if err := rows.Scan(&s.ID, &s.Kind, &s.ObservedAt, &s.PageID, &s.PageSHA, &s.Region, &s.Name, &s.Rating, &s.Stars,
			&s.PlayCount, &s.Digest, &data); err != nil {
			return nil, fmt.Errorf("storage: list snapshots: %w", err)
		}
		s.ObservedAt = s.ObservedAt.UTC()
		s.Data = []byte(data)
		ss = append(ss, s)
	}
	return ss, rows.Err()
}

// SnapshotNear returns the player's snapshot of kind observed latest at or
// before at (after false), or earliest after at (after true), or ErrNotFound.
func (t *Tx) SnapshotNear(ctx context.Context, playerID int64, kind string, at time.Time, after bool) (Snapshot, error) {
	cond, order := "s.observed_at <= ?", "DESC"
	if after {
		cond, order = "s.observed_at > ?", "ASC"
	}
	s := Snapshot{PlayerID: playerID, Kind: kind}
	var data string
	err := t.tx.QueryRowContext(ctx, t.d.rebind(`SELECT s.id, s.observed_at, COALESCE(s.page_id, 0), s.region,
		s.name, s.rating, s.stars, s.play_count, s.digest, s.data
		FROM snapshots s WHERE s.player_id = ? AND s.kind = ? AND `+cond+`
		ORDER BY s.observed_at `+order+`, s.id `+order+` LIMIT 1`), playerID, kind, utc(at)).Scan(
		&s.ID, &s.ObservedAt, &s.PageID, &s.Region, &s.Name, &s.Rating, &s.Stars, &s.PlayCount, &s.Digest, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return Snapshot{}, ErrNotFound
	}
	if err != nil {
		return Snapshot{}, fmt.Errorf("storage: find snapshot: %w", err)
	}
	s.ObservedAt = s.ObservedAt.UTC()
	s.Data = []byte(data)
	return s, nil
}

// FirstPageBetween returns the id, region and time of the player's earliest
// page of kind observed after from and before to (no bound when to is
// zero), or ErrNotFound.
func (t *Tx) FirstPageBetween(ctx context.Context, playerID int64, kind string, from, to time.Time) (Page, error) {
	q := `SELECT id, region, observed_at FROM pages WHERE player_id = ? AND kind = ? AND observed_at > ?`
	args := []any{playerID, kind, utc(from)}
	if !to.IsZero() {
		q += ` AND observed_at < ?`
		args = append(args, utc(to))
	}
	p := Page{PlayerID: playerID, Kind: kind}
	err := t.tx.QueryRowContext(ctx, t.d.rebind(q+` ORDER BY observed_at, imported_at, sha256 LIMIT 1`), args...).Scan(
		&p.ID, &p.Region, &p.ObservedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Page{}, ErrNotFound
	}
	if err != nil {
		return Page{}, fmt.Errorf("storage: find page: %w", err)
	}
	p.ObservedAt = p.ObservedAt.UTC()
	return p, nil
}

// DeleteSnapshot removes snapshot id.
func (t *Tx) DeleteSnapshot(ctx context.Context, id int64) error {
	res, err := t.tx.ExecContext(ctx, t.d.rebind("DELETE FROM snapshots WHERE id = ?"), id)
	if err != nil {
		return fmt.Errorf("storage: delete snapshot: %w", err)
	}
	t.touched(res)
	return nil
}
