package storage

import (
	"context"
	"testing"

	"github.com/maiprobe/maiprobe/internal/storage/storagetest"
)

// OpenEach runs fn on every configured database (storagetest.Run), opened
// (so migrated) and closed after fn. Exported, in a test file, for the
// storage_test package's tests too.
func OpenEach(t *testing.T, fn func(t *testing.T, db *DB)) {
	storagetest.Run(t, func(t *testing.T, location string) {
		db, err := Open(context.Background(), location)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		fn(t, db)
	})
}
