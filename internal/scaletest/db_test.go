package scaletest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"

	_ "github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib"
)

// scaleDB is a database made for one run, dropped at its end.
type scaleDB struct {
	kind     string  // "postgres" or "mysql"
	location string  // the archive location maiprobe is given
	sql      *sql.DB // a connection of the test's own to it
	reused   bool    // an earlier run's database (MAIPROBE_SCALE_REUSE)
}

// newDB creates a database named scale_… on the server admin names (a
// maiprobe location) and drops it when the test ends.
// With MAIPROBE_SCALE_REUSE=<name> it opens that database (kept by an
// earlier run) instead, and with MAIPROBE_SCALE_KEEP=1 it keeps the
// database it made, so a change can be measured again without the minutes
// of building the archive.
func newDB(t *testing.T, kind, admin string) *scaleDB {
	b := make([]byte, 5)
	rand.Read(b)
	name := "scale_" + hex.EncodeToString(b)
	reuse := os.Getenv("MAIPROBE_SCALE_REUSE")
	if reuse != "" {
		name = reuse
	}
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("%s: %v", admin, err)
	}
	driver, adminDSN := dsn(kind, u)
	adm, err := sql.Open(driver, adminDSN)
	if err != nil {
		t.Fatal(err)
	}
	create := "CREATE DATABASE " + name
	if kind == "mysql" {
		create += " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
	}
	if reuse != "" {
		create = "SELECT 1"
	}
	if _, err := adm.Exec(create); err != nil {
		adm.Close()
		t.Fatalf("create the scale database: %v", err)
	}
	u.Path = "/" + name
	d := &scaleDB{kind: kind, location: u.String(), reused: reuse != ""}
	_, own := dsn(kind, u)
	if d.sql, err = sql.Open(driver, own); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		d.sql.Close()
		if reuse != "" || os.Getenv("MAIPROBE_SCALE_KEEP") != "" {
			t.Logf("kept database %s (MAIPROBE_SCALE_REUSE=%s runs on it again)", name, name)
			adm.Close()
			return
		}
		drop := "DROP DATABASE " + name
		if kind == "postgres" {
			drop += " WITH (FORCE)"
		}
		if _, err := adm.Exec(drop); err != nil {
			t.Errorf("drop %s: %v", name, err)
		} else {
			t.Logf("dropped database %s", name)
		}
		adm.Close()
	})
	t.Logf("database %s on %s", name, u.Host)
	return d
}

// dsn is the driver name and data source of a maiprobe location.
func dsn(kind string, u *url.URL) (string, string) {
	if kind == "postgres" {
		return "pgx", u.String()
	}
	user := u.User.Username()
	if p, ok := u.User.Password(); ok {
		user += ":" + p
	}
	return "mysql", user + "@tcp(" + u.Host + ")/" + strings.TrimPrefix(u.Path, "/") + "?parseTime=true&loc=UTC"
}

// int runs a query that returns one integer.
func (d *scaleDB) int(t *testing.T, query string, args ...any) int64 {
	t.Helper()
	var n sql.NullInt64
	if err := d.sql.QueryRowContext(context.Background(), d.rebind(query), args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n.Int64
}

// exec runs a statement.
func (d *scaleDB) exec(t *testing.T, query string, args ...any) int64 {
	t.Helper()
	res, err := d.sql.ExecContext(context.Background(), d.rebind(query), args...)
	if err != nil {
		t.Fatalf("%.300s: %v", query, err)
	}
	n, _ := res.RowsAffected()
	return n
}

// rebind turns ? placeholders into PostgreSQL's $1, $2, ….
func (d *scaleDB) rebind(query string) string {
	if d.kind != "postgres" {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
