package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
)

// TestSyncNowCooldown: twenty presses of "Sync now" within seconds of a
// run make no more runs: each is answered 429 with when to press again
// (or that a run is queued), in the page's language; after the interval
// the button works again.
func TestSyncNowCooldown(t *testing.T) {
	ctx := context.Background()
	ap := newApp(t, Config{SecretKey: testSecretKey(t)})
	ap.addUser("alice", "alice")
	if err := ap.a.StoreProberToken(ctx, ap.s.cfg.SecretKey, "alice", "lxns", "lxns-owner-token-0123456789=", 0); err != nil {
		t.Fatal(err)
	}
	if err := ap.a.RecordProberSyncRun(ctx, "alice", "lxns", archive.ProberRun{RanAt: time.Now(), Summary: "sent 1", Complete: true}); err != nil {
		t.Fatal(err)
	}
	b := ap.browser()
	b.headers["Accept-Language"] = "en"
	ap.mustLogin(b, "", "alice")
	csrf := b.csrf("/p/alice/sync")
	for i := range 20 {
		res := b.post("/p/alice/sync/lxns/run", url.Values{"csrf": {csrf}})
		if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(res.body, `id="sync-wait-lxns"`) || !strings.Contains(res.body, "press Sync now again in 5 min") {
			t.Fatalf("press %d just after a run: %d", i+1, res.StatusCode)
		}
	}
	if due, err := ap.a.ProberSyncDue(ctx, "alice", "lxns", time.Now().Add(time.Hour)); err != nil || due {
		t.Errorf("refused presses made the sync due: %v %v", due, err)
	}
	zh := ap.browser()
	ap.mustLogin(zh, "", "alice")
	if res := zh.post("/p/alice/sync/lxns/run", url.Values{"csrf": {zh.csrf("/p/alice/sync")}}); !strings.Contains(res.body, "分钟后再点") {
		t.Errorf("the Chinese page does not say when to press again: %d", res.StatusCode)
	}
	// The archive reads the real clock: a run recorded as started an
	// interval ago stands for the time passing.
	if err := ap.a.RecordProberSyncRun(ctx, "alice", "lxns", archive.ProberRun{RanAt: time.Now().Add(-archive.SyncNowInterval - time.Second), Complete: true}); err != nil {
		t.Fatal(err)
	}
	if res := b.post("/p/alice/sync/lxns/run", url.Values{"csrf": {csrf}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("a press after the interval: %d", res.StatusCode)
	}
}
