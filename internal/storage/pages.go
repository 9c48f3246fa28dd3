package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Page is one imported page as stored: its raw bytes compressed.
type Page struct {
	ID       int64
	PlayerID int64
	// SHA256 is the hex digest of the raw (uncompressed) bytes.
	SHA256      string
	Kind        string
	Region      string
	Name        string // the source's name, a file name
	Size        int64  // raw size in bytes
	ObservedAt  time.Time
	ImportedAt  time.Time
	Compression string // "zstd"
	Data        []byte // compressed bytes; nil when listed without data
}

// InsertPage stores p unless the player already has a page with the same
// bytes. It sets p.ID to the stored page's id either way (and p.ObservedAt
// to the stored one's when it was there) and reports whether p was added.
func (t *Tx) InsertPage(ctx context.Context, p *Page) (bool, error) {
	id, added, err := t.insert(ctx, "page", `INSERT INTO pages
		(player_id, sha256, kind, region, source_name, size, observed_at, imported_at, compression, data)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?){{ignore}}`,
		p.PlayerID, p.SHA256, p.Kind, p.Region, p.Name, p.Size, utc(p.ObservedAt), utc(p.ImportedAt), p.Compression, p.Data)
	if err != nil {
		return false, fmt.Errorf("storage: insert page: %w", err)
	}
	if added {
		p.ID = id
		return true, nil
	}
	err = t.tx.QueryRowContext(ctx, t.d.rebind("SELECT id, observed_at FROM pages WHERE player_id = ? AND sha256 = ?"),
		p.PlayerID, p.SHA256).Scan(&p.ID, &p.ObservedAt)
	p.ObservedAt = p.ObservedAt.UTC()
	if errors.Is(err, sql.ErrNoRows) {
		// The conflicting insert was rolled back after we waited on it.
		return false, ErrRetry
	}
	if err != nil {
		return false, fmt.Errorf("storage: find page: %w", err)
	}
	return false, nil
}

// Pages lists the player's pages without their data, in the order they were
// observed, then imported. Pages saved and imported at the same instant
// (gen's record page and its details; a clock that stands still) keep the
// order they were stored in, so a reparse derives them as the import did:
// a detail derived before its record page would give the play the
// detail's minute instead of the record's second.
func (t *Tx) Pages(ctx context.Context, playerID int64) ([]Page, error) {
	rows, err := t.query(ctx, `SELECT id, player_id, sha256, kind, region, source_name, size, observed_at, imported_at, compression
		FROM pages WHERE player_id = ? ORDER BY observed_at, imported_at, id`, playerID)
	if err != nil {
		return nil, fmt.Errorf("storage: list pages: %w", err)
	}
	defer rows.Close()
	var ps []Page
	for rows.Next() {
		var p Page
		if err := rows.Scan(&p.ID, &p.PlayerID, &p.SHA256, &p.Kind, &p.Region, &p.Name, &p.Size, &p.ObservedAt, &p.ImportedAt, &p.Compression); err != nil {
			return nil, fmt.Errorf("storage: list pages: %w", err)
		}
		p.ObservedAt, p.ImportedAt = p.ObservedAt.UTC(), p.ImportedAt.UTC()
		ps = append(ps, p)
	}
	return ps, rows.Err()
}

// PageData returns the compressed bytes of page id.
func (t *Tx) PageData(ctx context.Context, id int64) ([]byte, error) {
	var b []byte
	err := t.tx.QueryRowContext(ctx, t.d.rebind("SELECT data FROM pages WHERE id = ?"), id).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("page %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("storage: read page: %w", err)
	}
	return b, nil
}

// LatestPage returns the id, region and time of the player's newest page
// of kind, or ErrNotFound.
func (t *Tx) LatestPage(ctx context.Context, playerID int64, kind string) (Page, error) {
	p := Page{PlayerID: playerID, Kind: kind}
	err := t.tx.QueryRowContext(ctx, t.d.rebind(`SELECT id, region, observed_at FROM pages WHERE player_id = ? AND kind = ?
		ORDER BY observed_at DESC, imported_at DESC LIMIT 1`), playerID, kind).Scan(&p.ID, &p.Region, &p.ObservedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Page{}, ErrNotFound
	}
	if err != nil {
		return Page{}, fmt.Errorf("storage: find page: %w", err)
	}
	p.ObservedAt = p.ObservedAt.UTC()
	return p, nil
}
