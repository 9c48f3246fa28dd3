package storage

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// TestVersionRaisedByWritesOnly checks the archive's version: a write
// transaction that changed a row raises it, one that changed nothing, a
// failed one and a read leave it.
func TestVersionRaisedByWritesOnly(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "v.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	version := func() int64 {
		t.Helper()
		v, err := db.Version(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	v0 := version()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := db.Update(ctx, func(tx *Tx) error { _, err := tx.EnsurePlayer(ctx, "mai", now); return err }); err != nil {
		t.Fatal(err)
	}
	v1 := version()
	if v1 <= v0 {
		t.Fatalf("adding a player left the version at %d (was %d)", v1, v0)
	}
	// The player exists: ensuring it again changes no row.
	if err := db.Update(ctx, func(tx *Tx) error { _, err := tx.EnsurePlayer(ctx, "mai", now); return err }); err != nil {
		t.Fatal(err)
	}
	if v := version(); v != v1 {
		t.Errorf("a transaction that changed nothing moved the version %d → %d", v1, v)
	}
	if err := db.View(ctx, func(tx *Tx) error { _, err := tx.PlayerID(ctx, "mai"); return err }); err != nil {
		t.Fatal(err)
	}
	if v := version(); v != v1 {
		t.Errorf("a read moved the version %d → %d", v1, v)
	}
	errBoom := context.Canceled
	err = db.Update(ctx, func(tx *Tx) error {
		if _, err := tx.EnsurePlayer(ctx, "other", now); err != nil {
			return err
		}
		return errBoom
	})
	if err != errBoom {
		t.Fatalf("update: %v", err)
	}
	if v := version(); v != v1 {
		t.Errorf("a rolled-back transaction moved the version %d → %d", v1, v)
	}
	id, err := func() (id int64, err error) {
		err = db.View(ctx, func(tx *Tx) error { id, err = tx.PlayerID(ctx, "mai"); return err })
		return
	}()
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(ctx, func(tx *Tx) error { return tx.DeleteDerived(ctx, id) }); err != nil {
		t.Fatal(err)
	}
	if v := version(); v != v1 {
		t.Errorf("deleting nothing moved the version %d → %d", v1, v)
	}
}
