package storage

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// migrations are applied in the order of their file names' numbers; each
// runs once, in its own transaction, and is recorded in schema_migrations.
//
//go:embed migrations/*.sql
var migrations embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations() ([]migration, error) {
	files, err := migrations.ReadDir("migrations")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, f := range files {
		num, _, _ := strings.Cut(f.Name(), "_")
		v, err := strconv.Atoi(num)
		if err != nil {
			return nil, fmt.Errorf("storage: migration %s: name must start with its number", f.Name())
		}
		b, err := migrations.ReadFile(path.Join("migrations", f.Name()))
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: f.Name(), sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms, nil
}

// statements splits a migration into statements: each ends with ; at the
// end of a line. Comment lines are dropped.
func statements(script string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(script, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "--") {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(strings.TrimSpace(line), ";") {
			s := strings.TrimSuffix(strings.TrimSpace(cur.String()), ";")
			out = append(out, s)
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}

// migrateLockWait is how long Open waits for another process that is
// migrating the same archive before it gives up.
const migrateLockWait = 60 * time.Second

// migrate applies the migrations the archive lacks. Processes opening a
// fresh archive at once (a serverless cold start) must not apply the same
// migration twice, so the versions are read again under a lock held by
// one process at a time: an advisory lock on MariaDB/MySQL and PostgreSQL,
// the writer lock of each migration's BEGIN IMMEDIATE on SQLite.
func (db *DB) migrate(ctx context.Context, lockWait time.Duration) error {
	ms, err := loadMigrations()
	if err != nil {
		return err
	}
	// An archive that has every migration needs no lock: that is every
	// open but the first after an upgrade. A read that fails (no
	// schema_migrations yet) takes the locked path, which reports errors.
	if applied, err := db.appliedVersions(ctx); err == nil && len(pendingMigrations(ms, applied)) == 0 {
		return nil
	}
	unlock, err := db.lockMigrations(ctx, lockWait)
	if err != nil {
		return err
	}
	defer unlock()
	create := db.d.types.Replace("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER NOT NULL PRIMARY KEY, applied_at {{time}} NOT NULL){{table}}")
	if _, err := db.w.ExecContext(ctx, create); err != nil {
		return fmt.Errorf("storage: create schema_migrations: %w", err)
	}
	applied, err := db.appliedVersions(ctx)
	if err != nil {
		return err
	}
	for _, m := range pendingMigrations(ms, applied) {
		err := db.update(ctx, func(tx *Tx) error {
			// Once more inside the transaction: on SQLite its BEGIN
			// IMMEDIATE is the lock, and another process may have applied
			// this migration since the read above.
			var n int
			q := db.d.rebind("SELECT COUNT(*) FROM schema_migrations WHERE version = ?")
			if err := tx.tx.QueryRowContext(ctx, q, m.version).Scan(&n); err != nil {
				return fmt.Errorf("storage: read schema version: %w", err)
			}
			if n > 0 {
				return nil
			}
			for _, s := range statements(m.sql) {
				if _, err := tx.tx.ExecContext(ctx, db.d.types.Replace(s)); err != nil {
					return fmt.Errorf("storage: migration %s: %w\n%s", m.name, err, s)
				}
			}
			_, err := tx.tx.ExecContext(ctx, db.d.rebind("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)"), m.version, utc(time.Now()))
			return err
		})
		if err != nil && db.d.name == "sqlite" && db.d.retryable(err) {
			return fmt.Errorf("storage: migration %s: another process kept the archive file locked for over the busy timeout (10s): "+
				"let it finish and try again: %w", m.name, err)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// appliedVersions reads the versions recorded in schema_migrations.
func (db *DB) appliedVersions(ctx context.Context) (map[int]bool, error) {
	applied := map[int]bool{}
	rows, err := db.w.QueryContext(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		return nil, fmt.Errorf("storage: read schema version: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("storage: read schema version: %w", err)
		}
		applied[v] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: read schema version: %w", err)
	}
	return applied, nil
}

// pendingMigrations are the migrations not applied yet, in order. Every one
// of them runs, not only those above the highest applied: numbers are
// reserved in parallel work, so 0004 may land after an archive already has
// 0005.
func pendingMigrations(ms []migration, applied map[int]bool) []migration {
	var out []migration
	for _, m := range ms {
		if !applied[m.version] {
			out = append(out, m)
		}
	}
	return out
}

// lockMigrations takes the archive's migration lock, waiting at most wait
// for a process that holds it, and returns what releases it. The lock is
// per database (MariaDB/MySQL) or per database and schema (PostgreSQL), so
// archives side by side on one server do not wait for each other. It is
// held by one dedicated connection: if the process dies, the server ends
// its session and the lock goes with it.
func (db *DB) lockMigrations(ctx context.Context, wait time.Duration) (unlock func(), err error) {
	switch db.d.name {
	case "mysql":
		return db.lockMySQL(ctx, wait)
	case "postgres":
		return db.lockPostgres(ctx, wait)
	}
	// SQLite has one writer at a time: each migration's transaction begins
	// IMMEDIATE and reads the versions again once it is the writer.
	return func() {}, nil
}

func (db *DB) lockMySQL(ctx context.Context, wait time.Duration) (func(), error) {
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("storage: migration lock: %w", err)
	}
	var schema string
	if err := conn.QueryRowContext(ctx, "SELECT DATABASE()").Scan(&schema); err != nil {
		conn.Close()
		return nil, fmt.Errorf("storage: migration lock: %w", err)
	}
	// Lock names are server-wide and at most 64 characters.
	name := "maiprobe.migrate." + schema
	if len(name) > 64 {
		sum := sha256.Sum256([]byte(schema))
		name = "maiprobe.migrate." + hex.EncodeToString(sum[:20])
	}
	var got sql.NullInt64
	if err := conn.QueryRowContext(ctx, "SELECT GET_LOCK(?, ?)", name, wait.Seconds()).Scan(&got); err != nil {
		discard(conn)
		return nil, fmt.Errorf("storage: migration lock %q: %w", name, err)
	}
	if got.Int64 != 1 {
		conn.Close()
		return nil, fmt.Errorf("storage: another process has been migrating this archive for over %s (MySQL lock %q): "+
			"let it finish and try again; if none is running, end the session holding the lock (SELECT IS_USED_LOCK('%s') names it)",
			wait, name, name)
	}
	return func() {
		// Released even when ctx is cancelled: until the session ends, the
		// lock would keep every other process waiting.
		rctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := conn.ExecContext(rctx, "DO RELEASE_LOCK(?)", name); err != nil {
			discard(conn)
			return
		}
		conn.Close()
	}, nil
}

func (db *DB) lockPostgres(ctx context.Context, wait time.Duration) (func(), error) {
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("storage: migration lock: %w", err)
	}
	var database string
	var schema sql.NullString
	if err := conn.QueryRowContext(ctx, "SELECT current_database(), current_schema()").Scan(&database, &schema); err != nil {
		conn.Close()
		return nil, fmt.Errorf("storage: migration lock: %w", err)
	}
	h := fnv.New64a()
	h.Write([]byte("maiprobe.migrate." + database + "." + schema.String))
	key := int64(h.Sum64())
	// The wait is the server's lock_timeout, set for this transaction only
	// (SET LOCAL), so the pooled connection keeps its settings; the lock
	// itself is the session's and outlives the transaction.
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("storage: migration lock: %w", err)
	}
	_, err = tx.ExecContext(ctx, "SELECT set_config('lock_timeout', $1, true)", fmt.Sprint(wait.Milliseconds()))
	if err == nil {
		_, err = tx.ExecContext(ctx, "SELECT pg_advisory_lock($1)", key)
	}
	if err != nil {
		tx.Rollback()
	} else {
		err = tx.Commit()
	}
	if err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "55P03" { // lock_not_available: lock_timeout ran out
			conn.Close()
			return nil, fmt.Errorf("storage: another process has been migrating this archive for over %s (PostgreSQL advisory lock %d on %s.%s): "+
				"let it finish and try again; if none is running, end the session holding the lock (pg_locks, locktype 'advisory')",
				wait, key, database, schema.String)
		}
		// Whether the lock was granted is unknown: ending the session
		// releases it if it was.
		discard(conn)
		return nil, fmt.Errorf("storage: migration lock: %w", err)
	}
	return func() {
		rctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := conn.ExecContext(rctx, "SELECT pg_advisory_unlock($1)", key); err != nil {
			discard(conn)
			return
		}
		conn.Close()
	}, nil
}

// discard closes conn's session instead of returning it to the pool, so a
// session lock it may hold is released by the server.
func discard(conn *sql.Conn) {
	conn.Raw(func(any) error { return driver.ErrBadConn })
	conn.Close()
}

// SchemaVersion is the number of the last migration applied.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := db.r.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&v)
	return v, err
}
