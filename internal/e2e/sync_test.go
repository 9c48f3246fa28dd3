package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/probersync"
	"github.com/maiprobe/maiprobe/internal/web"
)

// TestSyncPageInBrowser stores an Lxns token through the sync page at
// phone and laptop width, lets the scheduler sync to a stand-in for Lxns
// (the operator's address), and checks that the page shows the result
// and never the token, with nothing scrolling sideways and no console
// error.
//
// With MAIPROBE_DOCS_SCREENSHOTS=1 it also writes the phone window to
// docs/screenshots/sync.png.
func TestSyncPageInBrowser(t *testing.T) {
	t.Parallel()
	const token = "lxns-browser-token-0123456789="
	var mu sync.Mutex
	plays := 0
	lxns := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.Header.Get("X-User-Token") != token {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"success": false, "code": 401}`)
			return
		}
		var up struct{ Scores []json.RawMessage }
		json.NewDecoder(r.Body).Decode(&up)
		plays += len(up.Scores)
		io.WriteString(w, `{"success": true, "code": 200}`)
	}))
	defer lxns.Close()
	key, err := archive.ParseSecretKey(base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{9}, 32)))
	if err != nil {
		t.Fatal(err)
	}
	s, tb := ownerWithSongs(t, web.Config{SecretKey: key, SyncURLs: map[probersync.Service]string{probersync.Lxns: lxns.URL}}, "7-sync")
	ctx := context.Background()
	if _, err := s.archive.Generate(ctx, archive.GenOptions{Player: playerName, Plays: 150, Seed: 4, End: genEnd}); err != nil {
		t.Fatal(err)
	}

	tb.resize(phone)
	tb.open(s.App+"/p/"+playerName+"/sync", http.StatusOK)
	tb.fill(`#sync-lxns input[name="token"]`, token)
	tb.fill(`#sync-lxns form.form select[name="every"]`, "12")
	tb.submit("#sync-lxns form.form", http.StatusOK)
	if n := s.web.RunDue(ctx); n != 1 {
		t.Fatalf("the scheduler ran %d syncs, want 1", n)
	}
	mu.Lock()
	got := plays
	mu.Unlock()
	if got < 100 {
		t.Fatalf("Lxns got %d plays", got)
	}
	checkPages(t, tb, s.App, []pageCheck{{name: "sync", path: "/sync", texts: []string{"diving-fish", "Lxns", "sent", "every 12 hours"}}})
	if strings.Contains(tb.text(), token) {
		t.Error("the sync page shows the token")
	}
	if !docsShots() {
		return
	}
	tb.resize(phone)
	tb.open(s.App+"/p/"+playerName+"/sync", http.StatusOK)
	// The Lxns part, which now shows its stored token and last run.
	eval[bool](tb, `(document.getElementById("sync-lxns").scrollIntoView(), true)`)
	tb.docsShot("sync")
}
