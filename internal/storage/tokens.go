package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ImportToken is a player's import token: the hash of the secret, a label
// the owner chose, and when it was made and last used.
type ImportToken struct {
	ID         int64
	PlayerID   int64
	Player     string // the player's name (read only)
	TokenHash  string
	Label      string
	CreatedAt  time.Time
	LastUsedAt time.Time // zero when never used
	// Scopes is what the token may do, a bit set: 1 import, 2 read
	// (migration 0017; older tokens are import tokens).
	Scopes int
}

// AddImportToken stores a token and returns its id.
func (t *Tx) AddImportToken(ctx context.Context, tok ImportToken) (int64, error) {
	id, added, err := t.insert(ctx, "import_token", "INSERT INTO import_tokens (player_id, token_hash, label, created_at, scopes) VALUES (?, ?, ?, ?, ?){{ignore}}",
		tok.PlayerID, tok.TokenHash, tok.Label, utc(tok.CreatedAt), tok.Scopes)
	if err != nil {
		return 0, fmt.Errorf("storage: insert import token: %w", err)
	}
	if !added {
		return 0, errors.New("storage: insert import token: the token hash exists already")
	}
	return id, nil
}

// ImportTokens lists the player's tokens, newest first.
func (t *Tx) ImportTokens(ctx context.Context, playerID int64) ([]ImportToken, error) {
	rows, err := t.query(ctx, "SELECT "+importTokenColumns+" WHERE t.player_id = ? ORDER BY t.created_at DESC, t.id DESC", playerID)
	if err != nil {
		return nil, fmt.Errorf("storage: list import tokens: %w", err)
	}
	defer rows.Close()
	var out []ImportToken
	for rows.Next() {
		tok, err := scanImportToken(rows.Scan)
		if err != nil {
			return nil, err
		}
		out = append(out, tok)
	}
	return out, rows.Err()
}

// ImportTokenByHash returns the token whose secret hashes to hash, or
// ErrNotFound.
func (t *Tx) ImportTokenByHash(ctx context.Context, hash string) (ImportToken, error) {
	row := t.tx.QueryRowContext(ctx, t.d.rebind("SELECT "+importTokenColumns+" WHERE t.token_hash = ?"), hash)
	tok, err := scanImportToken(row.Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return ImportToken{}, fmt.Errorf("import token: %w", ErrNotFound)
	}
	return tok, err
}

const importTokenColumns = "t.id, t.player_id, p.name, t.token_hash, t.label, t.created_at, t.last_used_at, t.scopes FROM import_tokens t JOIN players p ON p.id = t.player_id"

func scanImportToken(scan func(...any) error) (ImportToken, error) {
	var tok ImportToken
	var used sql.NullTime
	if err := scan(&tok.ID, &tok.PlayerID, &tok.Player, &tok.TokenHash, &tok.Label, &tok.CreatedAt, &used, &tok.Scopes); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return ImportToken{}, err
		}
		return ImportToken{}, fmt.Errorf("storage: read import token: %w", err)
	}
	tok.CreatedAt = tok.CreatedAt.UTC()
	if used.Valid {
		tok.LastUsedAt = used.Time.UTC()
	}
	return tok, nil
}

// TouchImportToken records that the token was used at.
func (t *Tx) TouchImportToken(ctx context.Context, id int64, at time.Time) error {
	if _, err := t.exec(ctx, "UPDATE import_tokens SET last_used_at = ? WHERE id = ?", utc(at), id); err != nil {
		return fmt.Errorf("storage: update import token: %w", err)
	}
	return nil
}

// DeleteImportToken deletes the player's token id; deleted is false when
// the player has no such token.
func (t *Tx) DeleteImportToken(ctx context.Context, playerID, id int64) (deleted bool, err error) {
	res, err := t.exec(ctx, "DELETE FROM import_tokens WHERE id = ? AND player_id = ?", id, playerID)
	if err != nil {
		return false, fmt.Errorf("storage: delete import token: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("storage: delete import token: %w", err)
	}
	return n > 0, nil
}

// SiteLogin is a player's stored DX NET login: the sealed credentials
// (storage never sees them in clear), the schedule and the last outcome.
type SiteLogin struct {
	PlayerID   int64
	Player     string // the player's name (read only)
	Region     string
	Sealed     []byte
	EveryHours int  // 0: no schedule, fetch on request only
	Enabled    bool // false after the site refused the login
	StoredAt   time.Time
	NextRunAt  time.Time // zero when nothing is scheduled
	LastRunAt  time.Time // zero when never run
	LastResult string
	LastError  string
}

// PutSiteLogin stores the player's login, replacing any earlier one (and
// its outcome).
func (t *Tx) PutSiteLogin(ctx context.Context, l SiteLogin) error {
	if _, err := t.exec(ctx, "DELETE FROM site_logins WHERE player_id = ?", l.PlayerID); err != nil {
		return fmt.Errorf("storage: replace site login: %w", err)
	}
	_, _, err := t.insert(ctx, "site_login", "INSERT INTO site_logins (player_id, region, sealed, every_hours, enabled, stored_at, next_run_at, last_run_at, last_result, last_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		l.PlayerID, l.Region, l.Sealed, l.EveryHours, boolInt(l.Enabled), utc(l.StoredAt), nullTime(l.NextRunAt), nullTime(l.LastRunAt), l.LastResult, l.LastError)
	if err != nil {
		return fmt.Errorf("storage: insert site login: %w", err)
	}
	return nil
}

const siteLoginColumns = "s.player_id, p.name, s.region, s.sealed, s.every_hours, s.enabled, s.stored_at, s.next_run_at, s.last_run_at, s.last_result, s.last_error FROM site_logins s JOIN players p ON p.id = s.player_id"

// SiteLoginOf returns the player's stored login, or ErrNotFound.
func (t *Tx) SiteLoginOf(ctx context.Context, playerID int64) (SiteLogin, error) {
	row := t.tx.QueryRowContext(ctx, t.d.rebind("SELECT "+siteLoginColumns+" WHERE s.player_id = ?"), playerID)
	l, err := scanSiteLogin(row.Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return SiteLogin{}, fmt.Errorf("site login: %w", ErrNotFound)
	}
	return l, err
}

// DueSiteLogins lists the enabled logins whose next run is at or before
// now, the longest overdue first.
func (t *Tx) DueSiteLogins(ctx context.Context, now time.Time) ([]SiteLogin, error) {
	rows, err := t.query(ctx, "SELECT "+siteLoginColumns+" WHERE s.enabled = 1 AND s.next_run_at IS NOT NULL AND s.next_run_at <= ? ORDER BY s.next_run_at, s.player_id", utc(now))
	if err != nil {
		return nil, fmt.Errorf("storage: list due site logins: %w", err)
	}
	defer rows.Close()
	var out []SiteLogin
	for rows.Next() {
		l, err := scanSiteLogin(rows.Scan)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

func scanSiteLogin(scan func(...any) error) (SiteLogin, error) {
	var l SiteLogin
	var enabled int
	var next, last sql.NullTime
	err := scan(&l.PlayerID, &l.Player, &l.Region, &l.Sealed, &l.EveryHours, &enabled, &l.StoredAt, &next, &last, &l.LastResult, &l.LastError)
	if errors.Is(err, sql.ErrNoRows) {
		return SiteLogin{}, err
	}
	if err != nil {
		return SiteLogin{}, fmt.Errorf("storage: read site login: %w", err)
	}
	l.Enabled = enabled == 1
	l.StoredAt = l.StoredAt.UTC()
	if next.Valid {
		l.NextRunAt = next.Time.UTC()
	}
	if last.Valid {
		l.LastRunAt = last.Time.UTC()
	}
	return l, nil
}

// UpdateSiteLoginRun records a run's outcome and the next run (zero: none)
// and whether the login stays enabled.
func (t *Tx) UpdateSiteLoginRun(ctx context.Context, playerID int64, ranAt, next time.Time, enabled bool, result, errText string) error {
	_, err := t.exec(ctx, "UPDATE site_logins SET last_run_at = ?, next_run_at = ?, enabled = ?, last_result = ?, last_error = ? WHERE player_id = ?",
		utc(ranAt), nullTime(next), boolInt(enabled), result, errText, playerID)
	if err != nil {
		return fmt.Errorf("storage: update site login: %w", err)
	}
	return nil
}

// SetSiteLoginNextRun sets when the player's login runs next (zero: not
// scheduled).
func (t *Tx) SetSiteLoginNextRun(ctx context.Context, playerID int64, next time.Time) error {
	if _, err := t.exec(ctx, "UPDATE site_logins SET next_run_at = ? WHERE player_id = ?", nullTime(next), playerID); err != nil {
		return fmt.Errorf("storage: update site login: %w", err)
	}
	return nil
}

// SetSiteLoginSealed replaces the sealed credentials of the player's login
// and nothing else (the CN site's cookie changes with every answer).
func (t *Tx) SetSiteLoginSealed(ctx context.Context, playerID int64, sealed []byte) error {
	if _, err := t.exec(ctx, "UPDATE site_logins SET sealed = ? WHERE player_id = ?", sealed, playerID); err != nil {
		return fmt.Errorf("storage: update site login: %w", err)
	}
	return nil
}

// DeleteSiteLogin forgets the player's stored login.
func (t *Tx) DeleteSiteLogin(ctx context.Context, playerID int64) error {
	if _, err := t.exec(ctx, "DELETE FROM site_logins WHERE player_id = ?", playerID); err != nil {
		return fmt.Errorf("storage: delete site login: %w", err)
	}
	return nil
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return utc(t)
}
