package archive

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/maiprobe/maiprobe/internal/storage/storagetest"
)

// TestSyncNowInterval: "Sync now" runs at most once per SyncNowInterval
// per player and service, kept in the database (a second archive handle,
// as a second server, refuses alike); a press while a run goes on is not
// dropped when the run is recorded; and a long error in Chinese is cut
// at a character boundary on every database.
func TestSyncNowInterval(t *testing.T) {
	storagetest.Run(t, func(t *testing.T, location string) {
		ctx := context.Background()
		a := openTest(t, location)
		now := testNow
		a.now = func() time.Time { return now }
		if _, err := a.AddUser(ctx, "alice", "alice-password", "alice", false); err != nil {
			t.Fatal(err)
		}
		key := testKey(t, 7)
		if err := a.StoreProberToken(ctx, key, "alice", "lxns", "lxns-token-of-alice-0123456789", 0); err != nil {
			t.Fatal(err)
		}
		due := func(at time.Time) bool {
			t.Helper()
			ok, err := a.ProberSyncDue(ctx, "alice", "lxns", at)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		// A first run: asked for, run, recorded.
		if err := a.RunProberSyncNow(ctx, "alice", "lxns"); err != nil {
			t.Fatalf("first press: %v", err)
		}
		started := now
		// Pressed again while it runs: taken (the run started before
		// the press, so what came since is not in it).
		now = now.Add(20 * time.Second)
		if err := a.RunProberSyncNow(ctx, "alice", "lxns"); err != nil {
			t.Fatalf("press during the run: %v", err)
		}
		now = now.Add(40 * time.Second)
		long := strings.Repeat("落雪拒绝了", 200) // 3,000 bytes: cut inside a character
		if err := a.RecordProberSyncRun(ctx, "alice", "lxns", ProberRun{RanAt: started, Summary: "sent 3", Err: errors.New(long)}); err != nil {
			t.Fatal(err)
		}
		st, err := a.ProberSyncStatus(ctx, "alice", "lxns")
		if err != nil {
			t.Fatal(err)
		}
		if !utf8.ValidString(st.LastError) || len(st.LastError) > 2000 || len(st.LastError) < 1990 {
			t.Errorf("stored error: %d bytes, valid UTF-8 %v", len(st.LastError), utf8.ValidString(st.LastError))
		}
		// The press during the run is still due, after the interval.
		if want := started.Add(SyncNowInterval); !st.NextRunAt.Equal(want) {
			t.Errorf("next run after a press during the run: %v, want %v", st.NextRunAt, want)
		}
		if due(now) || !due(started.Add(SyncNowInterval)) {
			t.Error("the press during the run is not due at the end of the interval (or is due before it)")
		}
		// Twenty presses now: each refused, saying a run is queued;
		// another handle on the same database refuses too.
		b := openTest(t, location)
		b.now = a.now
		for i := range 20 {
			h := a
			if i%2 == 1 {
				h = b
			}
			var soon *SyncTooSoon
			if err := h.RunProberSyncNow(ctx, "alice", "lxns"); !errors.As(err, &soon) || !soon.Queued || soon.Wait <= 0 || soon.Wait > SyncNowInterval {
				t.Fatalf("press %d within the interval: %v", i+1, err)
			}
		}
		// The queued run is recorded; within the interval of its start
		// a press is refused, with nothing queued; after it, taken.
		now = started.Add(SyncNowInterval)
		second := now
		if err := a.RecordProberSyncRun(ctx, "alice", "lxns", ProberRun{RanAt: second, Summary: "sent 0", Complete: true}); err != nil {
			t.Fatal(err)
		}
		now = second.Add(time.Minute)
		var soon *SyncTooSoon
		if err := a.RunProberSyncNow(ctx, "alice", "lxns"); !errors.As(err, &soon) || soon.Queued || soon.Wait != SyncNowInterval-time.Minute {
			t.Errorf("a press a minute after the run: %v", err)
		}
		if due(now.Add(time.Hour)) {
			t.Error("a refused press made the sync due")
		}
		now = second.Add(SyncNowInterval)
		if err := a.RunProberSyncNow(ctx, "alice", "lxns"); err != nil {
			t.Errorf("a press after the interval: %v", err)
		}
		if !due(now) {
			t.Error("the press after the interval is not due")
		}
	})
}
