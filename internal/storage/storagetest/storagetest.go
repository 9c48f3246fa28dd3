// Package storagetest gives tests an empty archive location on each
// database: a SQLite file always, and a fresh MariaDB database or
// PostgreSQL schema when MAIPROBE_TEST_MYSQL or MAIPROBE_TEST_POSTGRES
// name a server. Each is dropped when the test ends.
package storagetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib"
)

// Databases are the names Location accepts, in the order tests run them.
var Databases = []string{"sqlite", "mysql", "postgres"}

// Location returns a fresh, empty archive location on db ("sqlite",
// "mysql" or "postgres"), skipping the test when that database is not
// configured. The database or schema is dropped at the end of the test.
func Location(t testing.TB, db string) string {
	t.Helper()
	switch db {
	case "sqlite":
		return filepath.Join(t.TempDir(), "archive.db")
	case "mysql":
		return mysqlLocation(t)
	case "postgres":
		return postgresLocation(t)
	}
	t.Fatalf("storagetest: unknown database %q", db)
	return ""
}

// Run runs fn as a subtest on every database, each with its own location.
func Run(t *testing.T, fn func(t *testing.T, location string)) {
	for _, db := range Databases {
		t.Run(db, func(t *testing.T) { fn(t, Location(t, db)) })
	}
}

func randomName(prefix string) string {
	b := make([]byte, 6)
	rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

func mysqlLocation(t testing.TB) string {
	base := lookupEnv(t, "MAIPROBE_TEST_MYSQL")
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("MAIPROBE_TEST_MYSQL: %v", err)
	}
	pass, _ := u.User.Password()
	admin := u.User.Username()
	if pass != "" {
		admin += ":" + pass
	}
	db, err := sql.Open("mysql", admin+"@tcp("+u.Host+")/"+u.Path[1:])
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	name := randomName("test_")
	if _, err := db.Exec("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		if _, err := db.Exec("DROP DATABASE " + name); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}

func postgresLocation(t testing.TB) string {
	base := lookupEnv(t, "MAIPROBE_TEST_POSTGRES")
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	name := randomName("test_")
	if _, err := db.ExecContext(context.Background(), "CREATE SCHEMA "+name); err != nil {
		t.Fatalf("create test schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := db.Exec("DROP SCHEMA " + name + " CASCADE"); err != nil {
			t.Errorf("drop test schema %s: %v", name, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("MAIPROBE_TEST_POSTGRES: %v", err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}

func lookupEnv(t testing.TB, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		t.Skipf("%s is not set: skipping the tests on this database", name)
	}
	return v
}
