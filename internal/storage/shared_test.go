package storage

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/storage/storagetest"
)

// openTwice opens location n times, as n servers on one database.
func openTwice(t *testing.T, location string, n int) []*DB {
	t.Helper()
	var dbs []*DB
	for range n {
		db, err := Open(context.Background(), location)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs = append(dbs, db)
	}
	return dbs
}

// together runs fn(i) for i < n at once and waits for them all.
func together(n int, fn func(i int)) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() { defer wg.Done(); <-start; fn(i) }()
	}
	close(start)
	wg.Wait()
}

// TestSharedStateUnderRaces: what servers on one database share holds when
// they write it at once: every failure counts, a lease goes to exactly one
// claimant (and to another once it expired), a budget is spent exactly, and
// none of it raises the archive version.
func TestSharedStateUnderRaces(t *testing.T) {
	storagetest.Run(t, func(t *testing.T, location string) {
		ctx := context.Background()
		const servers, each = 4, 5
		dbs := openTwice(t, location, servers)
		v0, err := dbs[0].Version(ctx)
		if err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

		together(servers, func(i int) {
			for range each {
				if err := dbs[i].AddFailure(ctx, "k", now, now.Add(-24*time.Hour)); err != nil {
					t.Error(err)
				}
			}
		})
		fs, err := dbs[1].Failures(ctx, "k", "none")
		if err != nil || len(fs) != 1 || fs[0].N != servers*each || !fs[0].LastAt.Equal(now) {
			t.Errorf("failures %+v %v, want %d at %v", fs, err, servers*each, now)
		}
		// A count older than the forget time starts again.
		later := now.Add(25 * time.Hour)
		if err := dbs[2].AddFailure(ctx, "k", later, later.Add(-24*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if fs, _ := dbs[0].Failures(ctx, "k"); len(fs) != 1 || fs[0].N != 1 {
			t.Errorf("after a day: %+v, want 1", fs)
		}
		if err := dbs[3].ClearFailures(ctx, "k"); err != nil {
			t.Fatal(err)
		}
		if fs, _ := dbs[0].Failures(ctx, "k"); len(fs) != 0 {
			t.Errorf("after clearing: %+v", fs)
		}

		for round := range 3 {
			claimed := make([]bool, servers)
			together(servers, func(i int) {
				var err error
				claimed[i], err = dbs[i].ClaimLease(ctx, "fetch:alice", []string{"a", "b", "c", "d"}[i], now, now.Add(time.Minute))
				if err != nil {
					t.Error(err)
				}
			})
			n := 0
			for _, c := range claimed {
				if c {
					n++
				}
			}
			if n != 1 {
				t.Fatalf("round %d: %d servers claimed the lease at once, want 1 (%v)", round, n, claimed)
			}
			// Rounds alternate between a released lease and an expired one.
			if round%2 == 0 {
				for i, c := range claimed {
					if c {
						dbs[i].ReleaseLease(ctx, "fetch:alice", []string{"a", "b", "c", "d"}[i])
					}
				}
			} else {
				now = now.Add(time.Minute + time.Second)
			}
		}
		if ok, err := dbs[3].ClaimLease(ctx, "fetch:alice", "z", now, now.Add(time.Minute)); err != nil || !ok {
			t.Fatalf("claim a released lease: %v %v", ok, err)
		}
		holder, until, err := dbs[0].Lease(ctx, "fetch:alice")
		if err != nil || holder != "z" || !until.After(now) {
			t.Fatalf("lease %q until %v: %v", holder, until, err)
		}
		if held, err := dbs[1].RenewLease(ctx, "fetch:alice", holder, until.Add(time.Minute)); err != nil || !held {
			t.Errorf("renew by its holder: %v %v", held, err)
		}
		if held, err := dbs[1].RenewLease(ctx, "fetch:alice", "someone else", until.Add(time.Minute)); err != nil || held {
			t.Errorf("renew by another: %v %v", held, err)
		}

		var tokenID int64
		if err := dbs[0].Update(ctx, func(tx *Tx) error {
			pid, err := tx.EnsurePlayer(ctx, "alice", now)
			if err != nil {
				return err
			}
			tokenID, err = tx.AddImportToken(ctx, ImportToken{PlayerID: pid, TokenHash: "h", Label: "t", CreatedAt: now})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if v0, err = dbs[0].Version(ctx); err != nil {
			t.Fatal(err)
		}
		const burst = 10
		allowed := make([]int, servers)
		together(servers, func(i int) {
			for range 2 * burst / servers {
				wait, err := dbs[i].TakeBudget(ctx, tokenID, now, burst, time.Second)
				if err != nil {
					t.Error(err)
				}
				if wait == 0 {
					allowed[i]++
				}
			}
		})
		if n := allowed[0] + allowed[1] + allowed[2] + allowed[3]; n != burst {
			t.Errorf("%d requests went through at once, want the burst of %d", n, burst)
		}
		if wait, _ := dbs[0].TakeBudget(ctx, tokenID, now, burst, time.Second); wait != time.Second {
			t.Errorf("wait %v, want 1s", wait)
		}
		if wait, _ := dbs[0].TakeBudget(ctx, tokenID, now.Add(time.Second), burst, time.Second); wait != 0 {
			t.Errorf("after 1 s: wait %v", wait)
		}

		// The read API's budgets under a key (migration 0017) agree
		// across servers alike, and a full one is pruned.
		keyAllowed := make([]int, servers)
		together(servers, func(i int) {
			for range 2 * burst / servers {
				wait, err := dbs[i].TakeKeyBudget(ctx, "ip-hash", now, burst, time.Second)
				if err != nil {
					t.Error(err)
				}
				if wait == 0 {
					keyAllowed[i]++
				}
			}
		})
		if n := keyAllowed[0] + keyAllowed[1] + keyAllowed[2] + keyAllowed[3]; n != burst {
			t.Errorf("%d keyed requests went through at once, want the burst of %d", n, burst)
		}
		if wait, _ := dbs[1].TakeKeyBudget(ctx, "ip-hash", now, burst, time.Second); wait != time.Second {
			t.Errorf("keyed wait %v, want 1s", wait)
		}
		if wait, _ := dbs[1].TakeKeyBudget(ctx, "other-hash", now, burst, time.Second); wait != 0 {
			t.Errorf("another key waits %v", wait)
		}
		if n, err := dbs[0].PruneKeyBudgets(ctx, now.Add(time.Minute)); err != nil || n != 2 {
			t.Errorf("pruned %d budgets, %v; want 2", n, err)
		}

		if tok, err := dbs[0].PutSetupToken(ctx, "first", now); err != nil || tok != "first" {
			t.Errorf("setup token %q %v", tok, err)
		}
		if tok, err := dbs[1].PutSetupToken(ctx, "second", now); err != nil || tok != "first" {
			t.Errorf("a second server's setup token %q %v, want the first's", tok, err)
		}
		if v, _ := dbs[0].Version(ctx); v != v0 {
			t.Errorf("the archive version went from %d to %d", v0, v)
		}
	})
}
