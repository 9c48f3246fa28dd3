package storage

import (
	"context"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/storage/storagetest"
)

// TestOpenWithPool: a server database's pool takes the given bounds (a
// function instance's few, short-lived connections); SQLite keeps its
// one writer whatever is asked.
func TestOpenWithPool(t *testing.T) {
	pool := Pool{MaxOpen: 3, MaxIdle: 1, MaxLifetime: time.Minute, MaxIdleTime: 10 * time.Second}
	storagetest.Run(t, func(t *testing.T, loc string) {
		ctx := context.Background()
		db, err := OpenWith(ctx, loc, pool)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		want := pool.MaxOpen
		if !IsServer(loc) {
			want = 1
		}
		if got := db.w.Stats().MaxOpenConnections; got != want {
			t.Errorf("MaxOpenConnections = %d, want %d", got, want)
		}
		// Hold more connections than MaxIdle, give them back, and only
		// MaxIdle stay open.
		if !IsServer(loc) {
			return
		}
		var conns []interface{ Close() error }
		for range pool.MaxOpen {
			c, err := db.w.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			conns = append(conns, c)
		}
		for _, c := range conns {
			c.Close()
		}
		if s := db.w.Stats(); s.Idle != pool.MaxIdle || s.MaxIdleClosed == 0 {
			t.Errorf("after giving back %d connections: %d idle, %d closed as over MaxIdle; want %d idle", pool.MaxOpen, s.Idle, s.MaxIdleClosed, pool.MaxIdle)
		}
	})
	for loc, want := range map[string]bool{"postgres://h/db": true, "postgresql://h/db": true, "mysql://u@h/db": true,
		"maiprobe.db": false, "/tmp/mysql://x": false, "": false} {
		if IsServer(loc) != want {
			t.Errorf("IsServer(%q) = %v", loc, !want)
		}
	}
}
