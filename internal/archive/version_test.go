package archive

import (
	"context"
	"path/filepath"
	"testing"
)

// TestSnapshotPointsReadOncePerVersion checks the overview's and the loss
// meter's snapshot numbers: read once while nothing is written, read again
// (with the new snapshot) after an import.
func TestSnapshotPointsReadOncePerVersion(t *testing.T) {
	ctx := context.Background()
	a := openTest(t, filepath.Join(t.TempDir(), "a.db"))
	end := testNow
	if _, err := a.Generate(ctx, GenOptions{Player: "gen", Plays: 300, Seed: 2, End: end}); err != nil {
		t.Fatal(err)
	}
	// The first view would match the charts (a write) otherwise.
	if err := a.ResolveCharts(ctx); err != nil {
		t.Fatal(err)
	}
	first, err := a.Overview(ctx, "gen", 20)
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Points) == 0 {
		t.Fatal("no snapshot points")
	}
	if _, err := a.LossMeter(ctx, "gen"); err != nil {
		t.Fatal(err)
	}
	again, err := a.Overview(ctx, "gen", 20)
	if err != nil {
		t.Fatal(err)
	}
	if n := a.pointReads.Load(); n != 1 {
		t.Errorf("snapshot points read %d times for three views with nothing written, want once", n)
	}
	if len(again.Points) != len(first.Points) {
		t.Errorf("cached points: %d, first read %d", len(again.Points), len(first.Points))
	}
	// More plays and snapshots: the next view reads them.
	if _, err := a.Generate(ctx, GenOptions{Player: "gen", Plays: 600, Seed: 2, End: end}); err != nil {
		t.Fatal(err)
	}
	if err := a.ResolveCharts(ctx); err != nil {
		t.Fatal(err)
	}
	after, err := a.Overview(ctx, "gen", 20)
	if err != nil {
		t.Fatal(err)
	}
	if n := a.pointReads.Load(); n != 2 {
		t.Errorf("%d reads after an import, want 2", n)
	}
	if len(after.Points) <= len(first.Points) {
		t.Errorf("after the import %d points, before %d: the cache hid the new snapshots", len(after.Points), len(first.Points))
	}
}
