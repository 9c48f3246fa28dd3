package storage

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
)

// TestSQLitePragmasOnEveryConnection checks that the settings are in the
// DSN: every pooled connection, not only the first, has them.
func TestSQLitePragmasOnEveryConnection(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "a?b#c%d.db") // characters a file: URI must escape
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := os.Stat(path); err != nil {
		t.Errorf("the archive is not at %s: %v", path, err)
	}
	var conns []*sql.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	// The writer and every reader. mmap_size 0: every connection mapping the
	// file counted it again in the server's RSS (docs/storage.md).
	pools := []*sql.DB{db.w}
	for range sqliteReaders {
		pools = append(pools, db.r)
	}
	if n := db.r.Stats().MaxOpenConnections; n != sqliteReaders {
		t.Errorf("the read pool opens up to %d connections, want %d", n, sqliteReaders)
	}
	for _, pool := range pools {
		c, err := pool.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		for pragma, want := range map[string]string{"foreign_keys": "1", "journal_mode": "wal", "busy_timeout": "10000", "synchronous": "1", "mmap_size": "0"} {
			var got string
			if err := c.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("connection %d: %s = %s, want %s", len(conns), pragma, got, want)
			}
		}
	}
	// The read pool cannot write.
	if _, err := conns[1].ExecContext(ctx, "INSERT INTO players (name, created_at) VALUES ('x', CURRENT_TIMESTAMP)"); err == nil {
		t.Error("a read connection wrote to the archive")
	}
}
