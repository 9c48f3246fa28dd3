// Package storage keeps the archive in SQL: SQLite (a file), MariaDB/MySQL
// or PostgreSQL, through database/sql with plain SQL and a small dialect
// value for what differs. It stores rows and enforces identity with unique
// keys; the rules that decide what a row is (merging plays, raising best
// scores) live in package archive.
package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// ErrNotFound is returned when a looked-up row does not exist.
var ErrNotFound = errors.New("storage: not found")

// ErrNoSQLite is returned for an SQLite file by a build without the SQLite
// engine (the function build, see HasSQLite).
var ErrNoSQLite = errors.New("this build (the function build, -tags function) has no SQLite: give postgres://… or mysql://…, or use the full binary (go build ./cmd/maiprobe) for an SQLite file")

// DB is an open archive database with its schema migrated.
type DB struct {
	w *sql.DB // writes (one connection for SQLite)
	r *sql.DB // reads; the same pool as w except for SQLite
	d *dialect
}

// Pool bounds the connections to a MySQL or PostgreSQL server; SQLite's
// are fixed (one writer, four readers). Zero values leave database/sql's
// defaults: no bound on open connections, two idle ones kept for ever.
type Pool struct {
	MaxOpen, MaxIdle         int
	MaxLifetime, MaxIdleTime time.Duration
}

// ServerPool is the pool of a long-running process: database/sql's
// defaults.
var ServerPool = Pool{}

// IsServer reports whether location is a MySQL or PostgreSQL server rather
// than an SQLite file.
func IsServer(location string) bool {
	for _, p := range []string{"mysql://", "postgres://", "postgresql://"} {
		if strings.HasPrefix(location, p) {
			return true
		}
	}
	return false
}

// Open connects to location and applies pending migrations. location is a
// SQLite file path, mysql://user:pass@host:port/db?params or
// postgres://… (postgresql://…).
func Open(ctx context.Context, location string) (*DB, error) {
	return OpenWith(ctx, location, ServerPool)
}

// OpenWith is Open with the connection pool of a MySQL or PostgreSQL
// server sized by pool (a function instance wants few connections that
// do not outlive it by much); SQLite ignores it.
func OpenWith(ctx context.Context, location string, pool Pool) (*DB, error) {
	db, err := open(location)
	if err != nil {
		return nil, err
	}
	if db.d != sqliteDialect {
		db.w.SetMaxOpenConns(pool.MaxOpen)
		if pool.MaxIdle != 0 {
			db.w.SetMaxIdleConns(pool.MaxIdle)
		}
		db.w.SetConnMaxLifetime(pool.MaxLifetime)
		db.w.SetConnMaxIdleTime(pool.MaxIdleTime)
	}
	if err := db.connect(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("storage: connect to %s: %w", redact(location), err)
	}
	if err := db.migrate(ctx, migrateLockWait); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// connect makes the first connection. Several processes opening a fresh
// SQLite file at once race to switch it to WAL, which takes the file's
// exclusive lock and fails at once with SQLITE_BUSY instead of waiting out
// busy_timeout: the loser tries again, for as long as busy_timeout.
func (db *DB) connect(ctx context.Context) error {
	err := db.w.PingContext(ctx)
	start, wait := time.Now(), 5*time.Millisecond
	for err != nil && db.d == sqliteDialect && db.d.retryable(err) && time.Since(start) < 10*time.Second {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, 250*time.Millisecond)
		err = db.w.PingContext(ctx)
	}
	return err
}

func open(location string) (*DB, error) {
	switch {
	case strings.HasPrefix(location, "mysql://"):
		dsn, err := mysqlDSN(location)
		if err != nil {
			return nil, err
		}
		w, err := sql.Open("mysql", dsn)
		if err != nil {
			return nil, fmt.Errorf("storage: open mysql: %w", err)
		}
		return &DB{w: w, r: w, d: mysqlDialect}, nil
	case strings.HasPrefix(location, "postgres://"), strings.HasPrefix(location, "postgresql://"):
		w, err := sql.Open("pgx", location)
		if err != nil {
			return nil, fmt.Errorf("storage: open postgres: %w", err)
		}
		return &DB{w: w, r: w, d: postgresDialect}, nil
	case strings.Contains(location, "://"):
		return nil, fmt.Errorf("storage: archive location %q: want a file path, mysql://… or postgres://…", redact(location))
	case location == "":
		return nil, errors.New("storage: archive location is empty: give a file path, mysql://… or postgres://…")
	case !HasSQLite:
		return nil, fmt.Errorf("storage: archive location %q: %w", location, ErrNoSQLite)
	}
	// Every pooled connection must get the pragmas, so they go in the DSN.
	// One writer connection (with BEGIN IMMEDIATE) serialises writers in this
	// process; busy_timeout makes writers of other processes wait their turn.
	// mmap_size is 0: each connection maps the file on its own, so a server
	// under load counted up to the archive's size per connection in its RSS
	// (628 MB at 100,000 plays); reads through SQLite's page cache cost
	// rendering more CPU, but rendered pages are cached (docs/storage.md).
	base := "file:" + sqliteEscape(location) + "?_time_format=sqlite" +
		"&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=mmap_size(0)"
	w, err := sql.Open("sqlite", base+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("storage: open sqlite: %w", err)
	}
	w.SetMaxOpenConns(1)
	r, err := sql.Open("sqlite", base+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("storage: open sqlite: %w", err)
	}
	// Without mmap a reader costs its page cache (2 MB), so four let
	// pages being rendered read at once without bounding memory less.
	r.SetMaxOpenConns(sqliteReaders)
	return &DB{w: w, r: r, d: sqliteDialect}, nil
}

// sqliteReaders is the size of a SQLite archive's read-only pool.
const sqliteReaders = 4

// sqliteEscape makes a file path safe inside a file: URI.
func sqliteEscape(path string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
}

// mysqlDSN turns mysql://user:pass@host:port/db?params into the driver's
// DSN, forcing the settings the archive relies on (UTC times, utf8mb4).
func mysqlDSN(location string) (string, error) {
	u, err := url.Parse(location)
	if err != nil {
		return "", fmt.Errorf("storage: archive location %q: %w", redact(location), err)
	}
	cfg := mysql.NewConfig()
	if u.User != nil {
		cfg.User = u.User.Username()
		cfg.Passwd, _ = u.User.Password()
	}
	cfg.Net = "tcp"
	cfg.Addr = u.Host
	if u.Port() == "" {
		cfg.Addr = u.Host + ":3306"
	}
	cfg.DBName = strings.TrimPrefix(u.Path, "/")
	if cfg.DBName == "" {
		return "", fmt.Errorf("storage: archive location %q names no database (mysql://user:pass@host:port/db)", redact(location))
	}
	if u.RawQuery != "" {
		// Let the driver read its own parameters (timeouts, tls, …).
		extra, err := mysql.ParseDSN("x@tcp(h)/d?" + u.RawQuery)
		if err != nil {
			return "", fmt.Errorf("storage: archive location %q: %w", redact(location), err)
		}
		extra.User, extra.Passwd, extra.Net, extra.Addr, extra.DBName = cfg.User, cfg.Passwd, cfg.Net, cfg.Addr, cfg.DBName
		cfg = extra
	}
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	if cfg.Params == nil {
		cfg.Params = map[string]string{}
	}
	cfg.Params["charset"] = "utf8mb4"
	cfg.Params["time_zone"] = "'+00:00'"
	return cfg.FormatDSN(), nil
}

// redact hides a password in a location for messages.
func redact(location string) string {
	u, err := url.Parse(location)
	if err != nil || u.User == nil {
		return location
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Close closes the database.
func (db *DB) Close() error {
	err := db.w.Close()
	if db.r != db.w {
		if rerr := db.r.Close(); err == nil {
			err = rerr
		}
	}
	return err
}

// Dialect names the database: "sqlite", "mysql" or "postgres".
func (db *DB) Dialect() string { return db.d.name }

// Update runs fn in one transaction: committed when fn returns nil, rolled
// back otherwise. A transaction that loses a race (deadlock, serialisation
// failure, a busy database) is retried a few times from the start, so fn
// must not keep state between calls.
func (db *DB) Update(ctx context.Context, fn func(*Tx) error) error {
	var err error
	for attempt := 0; attempt < 4; attempt++ {
		err = db.update(ctx, fn)
		if err == nil || !db.d.retryable(err) || ctx.Err() != nil {
			return err
		}
		time.Sleep(time.Duration(attempt+1) * 20 * time.Millisecond)
	}
	return err
}

// ErrRetry may be returned by an Update function that found its reads
// outdated by a concurrent writer (an insert it expected to add hit a unique
// key); Update then runs it again.
var ErrRetry = errors.New("storage: concurrent change, retry the transaction")

func (db *DB) update(ctx context.Context, fn func(*Tx) error) error {
	sqltx, err := db.w.BeginTx(ctx, db.d.txOptions)
	if err != nil {
		return fmt.Errorf("storage: begin: %w", err)
	}
	tx := &Tx{tx: sqltx, d: db.d, stmts: map[string]*sql.Stmt{}}
	if err := fn(tx); err != nil {
		tx.close()
		if rerr := sqltx.Rollback(); rerr != nil && !errors.Is(rerr, sql.ErrTxDone) {
			return errors.Join(err, fmt.Errorf("storage: rollback: %w", rerr))
		}
		return err
	}
	tx.close()
	if tx.changed {
		if err := tx.bumpVersion(ctx); err != nil {
			sqltx.Rollback()
			return err
		}
	}
	if err := sqltx.Commit(); err != nil {
		return fmt.Errorf("storage: commit: %w", err)
	}
	return nil
}

// Tx is one archive transaction. Its methods are the SQL of each entity;
// statements are prepared once per transaction.
type Tx struct {
	tx    *sql.Tx
	d     *dialect
	stmts map[string]*sql.Stmt
	// hook, when set, runs before each insert: tests use it to fail a
	// transaction midway.
	hook func(what string) error
	// changed: a statement of the transaction changed a row, so its
	// commit raises the archive's version (version.go).
	changed bool
}

// SetHook makes fn run before every insert of the transaction; an error
// from fn aborts the insert. Tests use it to kill a transaction midway.
func (t *Tx) SetHook(fn func(what string) error) { t.hook = fn }

func (t *Tx) close() {
	for _, s := range t.stmts {
		s.Close()
	}
}

// stmt returns the prepared form of query (written with ? placeholders).
func (t *Tx) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if s, ok := t.stmts[query]; ok {
		return s, nil
	}
	s, err := t.tx.PrepareContext(ctx, t.d.rebind(query))
	if err != nil {
		return nil, err
	}
	t.stmts[query] = s
	return s, nil
}

func (t *Tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	s, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	res, err := s.ExecContext(ctx, args...)
	if err == nil {
		t.touched(res)
	}
	return res, err
}

func (t *Tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	s, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return s.QueryContext(ctx, args...)
}

// queryOnce runs a query that is built per call (an IN list) without
// caching its statement.
func (t *Tx) queryOnce(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(ctx, t.d.rebind(query), args...)
}

// insert runs an INSERT … that does nothing on a unique-key conflict and
// reports whether a row was added, with its id when it was.
func (t *Tx) insert(ctx context.Context, what, query string, args ...any) (id int64, added bool, err error) {
	if t.hook != nil {
		if err := t.hook(what); err != nil {
			return 0, false, err
		}
	}
	if t.d.returning {
		s, err := t.stmt(ctx, query+" RETURNING id")
		if err != nil {
			return 0, false, err
		}
		err = s.QueryRowContext(ctx, args...).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, false, nil
		}
		if err == nil {
			t.changed = true
		}
		return id, err == nil, err
	}
	res, err := t.exec(ctx, query, args...)
	if err != nil {
		return 0, false, err
	}
	n, err := res.RowsAffected()
	if err != nil || n == 0 {
		return 0, false, err
	}
	id, err = res.LastInsertId()
	return id, true, err
}

// utc is how every time is written: UTC, to the microsecond (the precision
// MariaDB and PostgreSQL keep), so all three databases read back the same.
func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func nullInt(n int64) any {
	if n == 0 {
		return nil
	}
	return n
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// View runs fn in a read transaction, so every read sees one state of the
// archive.
func (db *DB) View(ctx context.Context, fn func(*Tx) error) error {
	sqltx, err := db.r.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("storage: begin: %w", err)
	}
	tx := &Tx{tx: sqltx, d: db.d, stmts: map[string]*sql.Stmt{}}
	err = fn(tx)
	tx.close()
	if rerr := sqltx.Rollback(); err == nil && rerr != nil {
		err = fmt.Errorf("storage: end read: %w", rerr)
	}
	return err
}
