package archive

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/storage"
	"github.com/maiprobe/maiprobe/internal/storage/storagetest"
)

// TestProberSyncState checks the state of syncs to other probers on every
// database: the token is sealed to its player and service and never shown,
// the schedule and refusals decide what is due, and the record of what a
// service accepted survives forgetting the token.
func TestProberSyncState(t *testing.T) {
	storagetest.Run(t, func(t *testing.T, location string) {
		ctx := context.Background()
		a := openTest(t, location)
		now := testNow
		a.now = func() time.Time { return now }
		for _, p := range []string{"alice", "bob"} {
			if _, err := a.AddUser(ctx, p, p+"-password", p, false); err != nil {
				t.Fatal(err)
			}
		}
		key := testKey(t, 7)
		const token = "df-token-of-alice-0123456789abcdef"

		if err := a.StoreProberToken(ctx, nil, "alice", "diving-fish", token, 0); !errors.Is(err, ErrNoSecretKey) {
			t.Errorf("storing without a key: %v, want ErrNoSecretKey", err)
		}
		if err := a.StoreProberToken(ctx, key, "nobody", "diving-fish", token, 0); !errors.Is(err, ErrNoPlayer) {
			t.Errorf("storing for an unknown player: %v, want ErrNoPlayer", err)
		}
		if err := a.StoreProberToken(ctx, key, "alice", "diving-fish", token, 90*time.Minute); err == nil {
			t.Error("a schedule of 90 minutes was accepted")
		}
		if err := a.StoreProberToken(ctx, key, "alice", "diving-fish", token, 3*time.Hour); err != nil {
			t.Fatal(err)
		}
		st, err := a.ProberSyncStatus(ctx, "alice", "diving-fish")
		if err != nil {
			t.Fatal(err)
		}
		if !st.HasToken || st.Every != 3*time.Hour || !st.Enabled || !st.NextRunAt.Equal(now.UTC().Truncate(time.Microsecond)) {
			t.Errorf("status after storing: %+v", st)
		}
		if strings.Contains(strings.Join([]string{st.LastResult, st.LastError}, " "), token) {
			t.Error("the status shows the token")
		}
		if _, err := a.ProberSyncStatus(ctx, "alice", "lxns"); !errors.Is(err, ErrNoProberSync) {
			t.Errorf("status of a service never set up: %v, want ErrNoProberSync", err)
		}
		if _, err := a.ProberSyncStatus(ctx, "bob", "diving-fish"); !errors.Is(err, ErrNoProberSync) {
			t.Errorf("bob's status shows alice's sync: %v", err)
		}
		got, err := a.OpenProberToken(ctx, key, "alice", "diving-fish")
		if err != nil || got != token {
			t.Fatalf("OpenProberToken = %q, %v", got, err)
		}
		if _, err := a.OpenProberToken(ctx, testKey(t, 8), "alice", "diving-fish"); err == nil || strings.Contains(err.Error(), token) {
			t.Errorf("another key opened the token, or the error shows it: %v", err)
		}
		if _, err := a.OpenProberToken(ctx, key, "bob", "diving-fish"); !errors.Is(err, ErrNoProberSync) {
			t.Errorf("bob opened a token: %v", err)
		}

		// A sealed token is bound to its player and service: copied to
		// another row it does not open.
		var sealed []byte
		if err := a.db.View(ctx, func(tx *storage.Tx) error {
			pid, _ := tx.PlayerID(ctx, "alice")
			s, err := tx.ProberSyncOf(ctx, pid, "diving-fish")
			sealed = s.Sealed
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if err := a.db.Update(ctx, func(tx *storage.Tx) error {
			for _, row := range []struct{ player, service string }{{"bob", "diving-fish"}, {"alice", "lxns"}} {
				pid, _ := tx.PlayerID(ctx, row.player)
				if err := tx.PutProberSync(ctx, storage.ProberSync{PlayerID: pid, Service: row.service, Sealed: sealed, Enabled: true, StoredAt: now}); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		for _, row := range []struct{ player, service string }{{"bob", "diving-fish"}, {"alice", "lxns"}} {
			if tok, err := a.OpenProberToken(ctx, key, row.player, row.service); err == nil {
				t.Errorf("alice's diving-fish token opened as %s's %s token: %q", row.player, row.service, tok)
			}
		}
		for _, row := range []struct{ player, service string }{{"bob", "diving-fish"}, {"alice", "lxns"}} {
			if err := a.ForgetProberToken(ctx, row.player, row.service); err != nil {
				t.Fatal(err)
			}
		}

		due := func(at time.Time) []string {
			t.Helper()
			ds, err := a.DueProberSyncs(ctx, at)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, d := range ds {
				out = append(out, d.Player+"/"+d.Service)
			}
			return out
		}
		if d := due(now); len(d) != 1 || d[0] != "alice/diving-fish" {
			t.Fatalf("due now: %v, want alice/diving-fish", d)
		}
		if err := a.RecordProberSyncRun(ctx, "alice", "diving-fish", ProberRun{RanAt: now, Summary: "12 sent", Complete: true}); err != nil {
			t.Fatal(err)
		}
		if d := due(now.Add(2 * time.Hour)); len(d) != 0 {
			t.Errorf("due two hours after a run every three: %v", d)
		}
		if d := due(now.Add(3 * time.Hour)); len(d) != 1 {
			t.Errorf("not due three hours after a run every three: %v", d)
		}
		st, _ = a.ProberSyncStatus(ctx, "alice", "diving-fish")
		if st.LastResult != "12 sent" || !st.LastOKAt.Equal(st.LastRunAt) || st.LastError != "" {
			t.Errorf("status after a complete run: %+v", st)
		}

		// A refused token stops the schedule until the owner asks again.
		later := now.Add(3 * time.Hour)
		if err := a.RecordProberSyncRun(ctx, "alice", "diving-fish", ProberRun{RanAt: later, Err: errors.New("refused"), Refused: true}); err != nil {
			t.Fatal(err)
		}
		if d := due(later.Add(100 * time.Hour)); len(d) != 0 {
			t.Errorf("a refused sync is still due: %v", d)
		}
		st, _ = a.ProberSyncStatus(ctx, "alice", "diving-fish")
		if st.Enabled || st.LastError != "refused" || !st.LastOKAt.Equal(now.UTC().Truncate(time.Microsecond)) {
			t.Errorf("status after a refusal: %+v", st)
		}
		if err := a.RunProberSyncNow(ctx, "alice", "diving-fish"); err != nil {
			t.Fatal(err)
		}
		if ok, err := a.ProberSyncDue(ctx, "alice", "diving-fish", now); err != nil || !ok {
			t.Errorf("not due after run now: %v %v", ok, err)
		}
		if err := a.SetProberSchedule(ctx, "alice", "diving-fish", 0); err != nil {
			t.Fatal(err)
		}
		if ok, _ := a.ProberSyncDue(ctx, "alice", "diving-fish", now.Add(1000*time.Hour)); ok {
			t.Error("due with the schedule off")
		}
		if err := a.SetProberSchedule(ctx, "bob", "lxns", time.Hour); !errors.Is(err, ErrNoProberSync) {
			t.Errorf("a schedule without a token: %v, want ErrNoProberSync", err)
		}
		if err := a.RunProberSyncNow(ctx, "bob", "lxns"); !errors.Is(err, ErrNoProberSync) {
			t.Errorf("run now without a token: %v, want ErrNoProberSync", err)
		}

		// What was accepted, per player and service.
		marks := []storage.SentItem{{Key: "k1", Hash: "h1"}, {Key: "k2", Hash: "h2"}}
		if err := a.MarkProberSent(ctx, "alice", "diving-fish", marks, now); err != nil {
			t.Fatal(err)
		}
		if err := a.MarkProberSent(ctx, "alice", "diving-fish", []storage.SentItem{{Key: "k2", Hash: "h2b"}}, now); err != nil {
			t.Fatal(err)
		}
		sent, err := a.ProberSentItems(ctx, "alice", "diving-fish")
		if err != nil || len(sent) != 2 || sent["k1"] != "h1" || sent["k2"] != "h2b" {
			t.Errorf("sent items = %v, %v", sent, err)
		}
		for _, other := range []struct{ player, service string }{{"alice", "lxns"}, {"bob", "diving-fish"}, {"nobody", "diving-fish"}} {
			if s, err := a.ProberSentItems(ctx, other.player, other.service); err != nil || len(s) != 0 {
				t.Errorf("%s/%s has sent items %v, %v", other.player, other.service, s, err)
			}
		}
		if err := a.ForgetProberToken(ctx, "alice", "diving-fish"); err != nil {
			t.Fatal(err)
		}
		if st, _ := a.ProberSyncStatus(ctx, "alice", "diving-fish"); st.HasToken || st.LastError != "refused" || st.LastRunAt.IsZero() {
			t.Errorf("after forgetting: %+v, want no token and the last run kept", st)
		}
		if s, _ := a.ProberSentItems(ctx, "alice", "diving-fish"); len(s) != 2 {
			t.Errorf("forgetting the token forgot what was sent: %v", s)
		}

		// A token stored while a run with the old one goes on is not
		// switched off by the old token's refusal.
		if err := a.StoreProberToken(ctx, key, "alice", "lxns", "old-lxns-token-aaaaaaaaaaaa", 24*time.Hour); err != nil {
			t.Fatal(err)
		}
		runStart := now
		now = now.Add(2 * time.Minute)
		if err := a.StoreProberToken(ctx, key, "alice", "lxns", "new-lxns-token-bbbbbbbbbbbb", 24*time.Hour); err != nil {
			t.Fatal(err)
		}
		storedAt := now
		now = now.Add(time.Minute)
		if err := a.RecordProberSyncRun(ctx, "alice", "lxns", ProberRun{RanAt: runStart, Err: errors.New("refused"), Refused: true}); err != nil {
			t.Fatal(err)
		}
		if st, err := a.ProberSyncStatus(ctx, "alice", "lxns"); err != nil || !st.Enabled || !st.HasToken || !st.NextRunAt.Equal(storedAt.UTC().Truncate(time.Microsecond)) {
			t.Errorf("after the old token's refusal: %+v, %v; want the new token on and due at %v", st, err, storedAt)
		}
		// The new token's own refusal still stops the schedule.
		if err := a.RecordProberSyncRun(ctx, "alice", "lxns", ProberRun{RanAt: now, Err: errors.New("refused"), Refused: true}); err != nil {
			t.Fatal(err)
		}
		if st, _ := a.ProberSyncStatus(ctx, "alice", "lxns"); st.Enabled || !st.NextRunAt.IsZero() {
			t.Errorf("after the new token's refusal: %+v, want it switched off", st)
		}
		if err := a.ForgetProberToken(ctx, "alice", "lxns"); err != nil {
			t.Fatal(err)
		}
		now = runStart

		// The command line's runs, with a token of its own, are recorded
		// too, but never scheduled.
		if err := a.RecordProberSyncRun(ctx, "bob", "lxns", ProberRun{RanAt: now, Summary: "cli", Complete: true}); err != nil {
			t.Fatal(err)
		}
		if st, err := a.ProberSyncStatus(ctx, "bob", "lxns"); err != nil || st.HasToken || st.LastResult != "cli" {
			t.Errorf("bob's command-line run: %+v, %v", st, err)
		}
		if d := due(now.Add(1000 * time.Hour)); len(d) != 0 {
			t.Errorf("due without tokens: %v", d)
		}
	})
}
