package archive

import (
	"context"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/storage/storagetest"
)

// TestPrewarmAfterImport: with prewarming on, imports one after another
// prewarm the player once, after the last; the prewarm leaves the play
// log with the new plays and the milestones computed, so the next page
// reads neither; closing the archive with a prewarm pending is clean.
func TestPrewarmAfterImport(t *testing.T) {
	a := openTest(t, storagetest.Location(t, "sqlite"))
	ctx := context.Background()
	mustImport(t, a, "p", "w1.html", window(0, 50), Added) // before prewarming: none
	a.PrewarmAfterImport(300 * time.Millisecond)
	mustImport(t, a, "p", "w2.html", window(50, 100), Added)
	mustImport(t, a, "p", "w3.html", window(100, 120), Added)
	mustImport(t, a, "p", "w3.html", window(100, 120), Unchanged) // adds nothing: no prewarm of its own
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := a.WaitPrewarm(wctx, 1); err != nil {
		t.Fatal(err)
	}
	time.Sleep(600 * time.Millisecond) // a second prewarm would have run by now
	if n := a.PrewarmRuns(); n != 1 {
		t.Errorf("%d prewarms after three imports in a row, want 1", n)
	}
	a.hist.mu.Lock()
	pl, c := a.hist.logs["p"], a.hist.m["p"]
	a.hist.mu.Unlock()
	if pl == nil || len(pl.log.Plays) != 120 {
		t.Fatalf("the prewarmed log: %+v", pl)
	}
	if c == nil || c.milestones == nil || c.stale == nil {
		t.Fatalf("milestones and stale counts not prewarmed: %+v", c)
	}
	// The page's read finds them: the same values, not computed again.
	ms, err := a.Milestones(ctx, "p")
	if err != nil || len(ms) == 0 || &ms[0] != &c.milestones[0] {
		t.Errorf("the milestones were computed again (%d, %v)", len(ms), err)
	}
	// An import and then Close before its prewarm: nothing runs after.
	mustImport(t, a, "p", "w4.html", window(120, 140), Added)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	if n := a.PrewarmRuns(); n != 1 {
		t.Errorf("%d prewarms: one ran after Close", n)
	}
}

// TestPrewarmStaleTimer: a timer that fired just as an import found it
// no longer stoppable (so the import set a new one) leaves the new
// timer's entry alone when its callback runs; the player's own timer's
// callback removes it.
func TestPrewarmStaleTimer(t *testing.T) {
	a := openTest(t, storagetest.Location(t, "sqlite"))
	a.PrewarmAfterImport(time.Hour)
	a.imported(Result{Player: "p", Added: Counts{Plays: 1}})
	a.warm.mu.Lock()
	current := a.warm.timers["p"]
	a.warm.mu.Unlock()
	if current == nil {
		t.Fatal("no timer after an import that added a play")
	}
	stale := time.NewTimer(time.Hour)
	defer stale.Stop()
	a.prewarmNow("p", &stale) // the fired timer's callback
	a.warm.mu.Lock()
	got := a.warm.timers["p"]
	a.warm.mu.Unlock()
	if got != current {
		t.Fatalf("a stale timer's callback changed the entry: %p, want %p", got, current)
	}
	current.Stop()
	a.prewarmNow("p", &current)
	a.warm.mu.Lock()
	left := len(a.warm.timers)
	a.warm.mu.Unlock()
	if left != 0 {
		t.Errorf("%d timers left after the player's own timer ran", left)
	}
}
