package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// What every server on the archive must agree on (migration 0014): failed
// tries, import tokens' budgets, the setup token and leases. Each is one
// or two statements outside any archive transaction, atomic on its own,
// so none of them raises the archive version and the hot path (every
// login attempt, every API request) stays a few indexed statements.

// Failure is the count of failed tries under one key and the last one.
type Failure struct {
	KeyHash string
	N       int
	LastAt  time.Time
}

// Failures returns the failures recorded under the given key hashes (a
// key without failures is left out).
func (db *DB) Failures(ctx context.Context, keyHashes ...string) ([]Failure, error) {
	if len(keyHashes) == 0 {
		return nil, nil
	}
	q := "SELECT key_hash, n, last_at FROM throttle_failures WHERE key_hash IN (" + placeholders(len(keyHashes)) + ")"
	rows, err := db.r.QueryContext(ctx, db.d.rebind(q), anys(keyHashes)...)
	if err != nil {
		return nil, fmt.Errorf("storage: read failures: %w", err)
	}
	defer rows.Close()
	var out []Failure
	for rows.Next() {
		var f Failure
		if err := rows.Scan(&f.KeyHash, &f.N, &f.LastAt); err != nil {
			return nil, fmt.Errorf("storage: read failures: %w", err)
		}
		f.LastAt = f.LastAt.UTC()
		out = append(out, f)
	}
	return out, rows.Err()
}

// AddFailure counts one failed try under keyHash at at; a count whose last
// failure was before forgetBefore starts again from one. Concurrent calls
// from any number of servers all count.
func (db *DB) AddFailure(ctx context.Context, keyHash string, at, forgetBefore time.Time) error {
	for range 3 {
		// n is set first: MySQL evaluates SET left to right, so last_at is
		// still the old one here.
		res, err := db.w.ExecContext(ctx, db.d.rebind("UPDATE throttle_failures SET n = CASE WHEN last_at < ? THEN 1 ELSE n + 1 END, last_at = ? WHERE key_hash = ?"),
			utc(forgetBefore), utc(at), keyHash)
		if err != nil {
			return fmt.Errorf("storage: count failure: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n > 0 {
			return err
		}
		res, err = db.w.ExecContext(ctx, db.d.rebind("INSERT INTO throttle_failures (key_hash, n, last_at) VALUES (?, 1, ?){{ignore}}"), keyHash, utc(at))
		if err != nil {
			return fmt.Errorf("storage: count failure: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n > 0 {
			return err
		}
		// Another server inserted the key between the two: count on it.
	}
	return errors.New("storage: count failure: the row kept changing")
}

// ClearFailures forgets the failures under the given key hashes.
func (db *DB) ClearFailures(ctx context.Context, keyHashes ...string) error {
	if len(keyHashes) == 0 {
		return nil
	}
	q := "DELETE FROM throttle_failures WHERE key_hash IN (" + placeholders(len(keyHashes)) + ")"
	if _, err := db.w.ExecContext(ctx, db.d.rebind(q), anys(keyHashes)...); err != nil {
		return fmt.Errorf("storage: clear failures: %w", err)
	}
	return nil
}

// PruneFailures deletes the failures last counted before before, so a
// flood of made-up names does not grow the table for ever.
func (db *DB) PruneFailures(ctx context.Context, before time.Time) (int64, error) {
	res, err := db.w.ExecContext(ctx, db.d.rebind("DELETE FROM throttle_failures WHERE last_at < ?"), utc(before))
	if err != nil {
		return 0, fmt.Errorf("storage: prune failures: %w", err)
	}
	return res.RowsAffected()
}

// TakeBudget spends one request of an import token's budget of burst
// requests, refilled at one per every: the generic cell rate algorithm
// over one integer per token, tested and spent by one UPDATE, so servers
// sharing the archive share the budget. It returns 0 when the request may
// go ahead, else how long until it may.
func (db *DB) TakeBudget(ctx context.Context, tokenID int64, now time.Time, burst int, every time.Duration) (time.Duration, error) {
	return db.takeBudget(ctx, "import_token_budgets", "token_id", tokenID, now, burst, every)
}

// TakeKeyBudget is TakeBudget for the read API's budgets, kept under any
// key hash (a token's, or an address's for callers without one), in
// api_budgets (migration 0017).
func (db *DB) TakeKeyBudget(ctx context.Context, keyHash string, now time.Time, burst int, every time.Duration) (time.Duration, error) {
	return db.takeBudget(ctx, "api_budgets", "key_hash", keyHash, now, burst, every)
}

// PruneKeyBudgets deletes the read API's budgets that are full again at
// now: a missing row is a full budget, so nothing changes but the size.
func (db *DB) PruneKeyBudgets(ctx context.Context, now time.Time) (int64, error) {
	res, err := db.w.ExecContext(ctx, db.d.rebind("DELETE FROM api_budgets WHERE full_us < ?"), now.UnixMicro())
	if err != nil {
		return 0, fmt.Errorf("storage: prune api budgets: %w", err)
	}
	return res.RowsAffected()
}

// takeBudget spends one request of the budget in table's row whose keyCol
// is key (both constants of this package, never input).
func (db *DB) takeBudget(ctx context.Context, table, keyCol string, key any, now time.Time, burst int, every time.Duration) (time.Duration, error) {
	nowUS, step := now.UnixMicro(), every.Microseconds()
	limit := nowUS + int64(burst)*step
	for range 3 {
		res, err := db.w.ExecContext(ctx, db.d.rebind(`UPDATE `+table+` SET full_us = CASE WHEN full_us < ? THEN ? ELSE full_us END + ?
			WHERE `+keyCol+` = ? AND CASE WHEN full_us < ? THEN ? ELSE full_us END + ? <= ?`),
			nowUS, nowUS, step, key, nowUS, nowUS, step, limit)
		if err != nil {
			return 0, fmt.Errorf("storage: spend %s: %w", table, err)
		}
		if n, err := res.RowsAffected(); err != nil || n > 0 {
			return 0, err
		}
		var full int64
		err = db.w.QueryRowContext(ctx, db.d.rebind("SELECT full_us FROM "+table+" WHERE "+keyCol+" = ?"), key).Scan(&full)
		if err == nil {
			return time.Duration(max(full, nowUS)+step-limit) * time.Microsecond, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, fmt.Errorf("storage: read %s: %w", table, err)
		}
		res, err = db.w.ExecContext(ctx, db.d.rebind("INSERT INTO "+table+" ("+keyCol+", full_us) VALUES (?, ?){{ignore}}"), key, nowUS+step)
		if err != nil {
			return 0, fmt.Errorf("storage: spend %s: %w", table, err)
		}
		if n, err := res.RowsAffected(); err != nil || n > 0 {
			return 0, err
		}
	}
	return 0, fmt.Errorf("storage: spend %s: the row kept changing", table)
}

// SetupToken returns the first-run setup token, or ErrNotFound.
func (db *DB) SetupToken(ctx context.Context) (string, error) {
	var tok string
	err := db.w.QueryRowContext(ctx, "SELECT token FROM setup_token WHERE id = 1").Scan(&tok)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("setup token: %w", ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("storage: read setup token: %w", err)
	}
	return tok, nil
}

// PutSetupToken stores token as the setup token unless there is one, and
// returns the one stored: every server starting on an archive without a
// user agrees on the first one's.
func (db *DB) PutSetupToken(ctx context.Context, token string, at time.Time) (string, error) {
	if _, err := db.w.ExecContext(ctx, db.d.rebind("INSERT INTO setup_token (id, token, created_at) VALUES (1, ?, ?){{ignore}}"), token, utc(at)); err != nil {
		return "", fmt.Errorf("storage: store setup token: %w", err)
	}
	return db.SetupToken(ctx)
}

// DeleteSetupToken removes the setup token (the archive has a user).
func (db *DB) DeleteSetupToken(ctx context.Context) error {
	if _, err := db.w.ExecContext(ctx, "DELETE FROM setup_token WHERE id = 1"); err != nil {
		return fmt.Errorf("storage: delete setup token: %w", err)
	}
	return nil
}

// UseSetupToken deletes the setup token if it is token, inside the
// transaction that creates the first user; used is false when it was not
// (never made, or another transaction used it first: on MariaDB and
// PostgreSQL that one holds the row until it ends, so exactly one wins).
func (t *Tx) UseSetupToken(ctx context.Context, token string) (used bool, err error) {
	res, err := t.exec(ctx, "DELETE FROM setup_token WHERE id = 1 AND token = ?", token)
	if err != nil {
		return false, fmt.Errorf("storage: use setup token: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("storage: use setup token: %w", err)
	}
	return n == 1, nil
}

// ClaimLease gives the lease name to holder until until, if nobody holds
// it at now (never taken, released, or expired because its holder died).
// One UPDATE … WHERE expires_at < now decides between servers claiming at
// once, on all three databases: its row lock makes the second re-read the
// row the first wrote, and SQLite has one writer.
func (db *DB) ClaimLease(ctx context.Context, name, holder string, now, until time.Time) (bool, error) {
	res, err := db.w.ExecContext(ctx, db.d.rebind("UPDATE leases SET holder = ?, expires_at = ? WHERE name = ? AND expires_at < ?"),
		holder, utc(until), name, utc(now))
	if err != nil {
		return false, fmt.Errorf("storage: claim lease: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return err == nil, err
	}
	res, err = db.w.ExecContext(ctx, db.d.rebind("INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?){{ignore}}"), name, holder, utc(until))
	if err != nil {
		return false, fmt.Errorf("storage: claim lease: %w", err)
	}
	n, err := res.RowsAffected()
	return err == nil && n > 0, err
}

// RenewLease moves the end of holder's lease to until; held is false when
// the lease is no longer holder's (it expired and another took it).
func (db *DB) RenewLease(ctx context.Context, name, holder string, until time.Time) (held bool, err error) {
	res, err := db.w.ExecContext(ctx, db.d.rebind("UPDATE leases SET expires_at = ? WHERE name = ? AND holder = ?"), utc(until), name, holder)
	if err != nil {
		return false, fmt.Errorf("storage: renew lease: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return err == nil, err
	}
	// MySQL counts only rows it changed: the same end twice is still held.
	h, _, err := db.Lease(ctx, name)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	return err == nil && h == holder, err
}

// ReleaseLease ends holder's lease (nothing when another holds it).
func (db *DB) ReleaseLease(ctx context.Context, name, holder string) error {
	if _, err := db.w.ExecContext(ctx, db.d.rebind("DELETE FROM leases WHERE name = ? AND holder = ?"), name, holder); err != nil {
		return fmt.Errorf("storage: release lease: %w", err)
	}
	return nil
}

// Lease returns who holds the lease name and until when (possibly in the
// past), or ErrNotFound.
func (db *DB) Lease(ctx context.Context, name string) (holder string, until time.Time, err error) {
	err = db.w.QueryRowContext(ctx, db.d.rebind("SELECT holder, expires_at FROM leases WHERE name = ?"), name).Scan(&holder, &until)
	if errors.Is(err, sql.ErrNoRows) {
		return "", time.Time{}, fmt.Errorf("lease %q: %w", name, ErrNotFound)
	}
	if err != nil {
		return "", time.Time{}, fmt.Errorf("storage: read lease: %w", err)
	}
	return holder, until.UTC(), nil
}
