package storage

import (
	"context"
	"database/sql"
	"fmt"
)

// Version is the archive's version: a number that grows with every
// committed write transaction that changed a row (an import, a restore, a
// reparse, a split, a song sync, a setting, a token, a login), in this
// process or any other on the same database. Anything derived from the
// archive can be kept under it: the same number means the same data.
func (db *DB) Version(ctx context.Context) (int64, error) {
	return readVersion(db.r.QueryRowContext(ctx, versionQuery))
}

const versionQuery = "SELECT n FROM archive_version WHERE id = 1"

func readVersion(row *sql.Row) (int64, error) {
	var n int64
	if err := row.Scan(&n); err != nil {
		return 0, fmt.Errorf("storage: read archive version: %w", err)
	}
	return n, nil
}

// bumpVersion raises the archive's version inside the write transaction
// that changed something, so the new number commits with the change.
func (t *Tx) bumpVersion(ctx context.Context) error {
	if _, err := t.tx.ExecContext(ctx, "UPDATE archive_version SET n = n + 1 WHERE id = 1"); err != nil {
		return fmt.Errorf("storage: raise archive version: %w", err)
	}
	return nil
}

// touched notes that the transaction changed rows, so its commit raises
// the archive's version.
func (t *Tx) touched(res interface{ RowsAffected() (int64, error) }) {
	if t.changed {
		return
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		t.changed = true
	}
}

// Version is the archive's version as this transaction sees it: with the
// data it reads, for caches of what is derived from them.
func (t *Tx) Version(ctx context.Context) (int64, error) {
	return readVersion(t.tx.QueryRowContext(ctx, versionQuery))
}
