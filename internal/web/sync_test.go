package web

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/fixtures"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/probersync"
	"github.com/maiprobe/maiprobe/internal/songs"
)

// lxnsStandIn is a small stand-in for Lxns's personal upload API (the
// full fakes are internal/probersync's): it accepts one token and counts
// the plays and the requests it gets.
type lxnsStandIn struct {
	srv      *httptest.Server
	mu       sync.Mutex
	token    string
	requests int
	plays    int
	tokens   []string // every token header received
}

func newLxnsStandIn(t *testing.T, token string) *lxnsStandIn {
	l := &lxnsStandIn{token: token}
	l.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.requests++
		l.tokens = append(l.tokens, r.Header.Get("X-User-Token"))
		if r.URL.Path != "/api/v0/user/maimai/player/scores" || r.Header.Get("X-User-Token") != l.token {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"success": false, "code": 401, "message": "invalid user token"}`)
			return
		}
		var up struct{ Scores []json.RawMessage }
		if err := json.NewDecoder(r.Body).Decode(&up); err != nil {
			t.Errorf("lxns stand-in: %v", err)
		}
		l.plays += len(up.Scores)
		io.WriteString(w, `{"success": true, "code": 200}`)
	}))
	t.Cleanup(l.srv.Close)
	return l
}

func (l *lxnsStandIn) counts() (requests, plays int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.requests, l.plays
}

// TestSyncPageAndSchedule: the owner stores an Lxns token on the sync page
// (never shown back), the scheduler syncs to the operator's address and
// the page shows the result; a second run sends nothing; a token the
// service refuses stops the schedule and says so; forgetting deletes it.
func TestSyncPageAndSchedule(t *testing.T) {
	src := fixtures.Shared(t, "data/songs/divingfish-music_data.cn.json")
	ctx := context.Background()
	const token = "lxns-owner-token-0123456789="
	lx := newLxnsStandIn(t, token)
	ap := newApp(t, Config{SecretKey: testSecretKey(t), SyncURLs: map[probersync.Service]string{probersync.Lxns: lx.srv.URL}})
	ap.addUser("alice", "alice")
	ap.addUser("bob", "bob")
	db, err := songs.Open(ctx, src, maimai.CN)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ap.a.SyncSongs(ctx, db); err != nil {
		t.Fatal(err)
	}
	if _, err := ap.a.Generate(ctx, archive.GenOptions{Player: "alice", Plays: 60, Seed: 3}); err != nil {
		t.Fatal(err)
	}

	b := ap.browser()
	b.headers["Accept-Language"] = "en"
	ap.mustLogin(b, "", "alice")
	res := b.get("/p/alice/sync")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.body, `id="sync-lxns"`) || !strings.Contains(res.body, `id="sync-diving-fish"`) || !strings.Contains(res.body, "Import-Token") {
		t.Fatalf("sync page: %d\n%s", res.StatusCode, res.body)
	}
	csrf := b.csrf("/p/alice/sync")
	for _, bad := range []url.Values{
		{"csrf": {csrf}, "token": {"two words"}, "every": {"6"}},
		{"csrf": {csrf}, "token": {token}, "every": {"-1"}},
	} {
		if res := b.post("/p/alice/sync/lxns", bad); res.StatusCode != http.StatusBadRequest || strings.Contains(res.body, "two words") {
			t.Errorf("a bad form: %d", res.StatusCode)
		}
	}
	if res := b.post("/p/alice/sync/tachi", url.Values{"csrf": {csrf}, "token": {token}, "every": {"6"}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown service: %d, want 404", res.StatusCode)
	}
	res = b.post("/p/alice/sync/lxns", url.Values{"csrf": {csrf}, "token": {token}, "every": {"6"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("store: %d %s", res.StatusCode, res.body)
	}
	res = b.get("/p/alice/sync?done=saved&service=lxns")
	if strings.Contains(res.body, token) || !strings.Contains(res.body, "The token is stored") {
		t.Errorf("the page after storing shows the token, or no notice:\n%s", res.body)
	}

	// bob may not see or change alice's syncs.
	other := ap.browser()
	ap.mustLogin(other, "", "bob")
	if res := other.get("/p/alice/sync"); res.StatusCode == http.StatusOK {
		t.Error("bob sees alice's sync page")
	}
	if res := other.post("/p/alice/sync/lxns/run", url.Values{"csrf": {other.csrf("/p/bob/sync")}}); res.StatusCode == http.StatusSeeOther {
		t.Error("bob ran alice's sync")
	}

	ap.clock.add(time.Minute)
	if n := ap.s.runDue(ctx); n != 1 {
		t.Fatalf("the scheduler ran %d, want alice's sync", n)
	}
	req, plays := lx.counts()
	if req == 0 || plays < 40 {
		t.Fatalf("Lxns got %d plays in %d requests", plays, req)
	}
	st, err := ap.a.ProberSyncStatus(ctx, "alice", "lxns")
	if err != nil || st.LastError != "" || st.LastOKAt.IsZero() || !strings.Contains(st.LastResult, "sent") || !st.NextRunAt.Equal(st.LastRunAt.Add(6*time.Hour)) {
		t.Errorf("after the scheduled sync: %+v %v", st, err)
	}
	res = b.get("/p/alice/sync")
	if !strings.Contains(res.body, st.LastResult) || strings.Contains(res.body, token) {
		t.Errorf("the page does not show the result, or shows the token:\n%s", res.body)
	}

	// Run now: due at once, sends nothing new.
	if res := b.post("/p/alice/sync/lxns/run", url.Values{"csrf": {csrf}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("run now: %d", res.StatusCode)
	}
	if n := ap.s.runDue(ctx); n != 1 {
		t.Errorf("run now ran %d", n)
	}
	if req2, plays2 := lx.counts(); plays2 != plays || req2 != req {
		t.Errorf("the second sync sent %d plays in %d requests, want none", plays2-plays, req2-req)
	}

	// The service stops taking the token: the schedule stops, the page says so.
	lx.mu.Lock()
	lx.token = "a-new-token-made-on-lxns-0000"
	lx.mu.Unlock()
	if _, err := ap.a.Generate(ctx, archive.GenOptions{Player: "alice", Plays: 90, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	if err := ap.a.RunProberSyncNow(ctx, "alice", "lxns"); err != nil {
		t.Fatal(err)
	}
	ap.s.runDue(ctx)
	st, _ = ap.a.ProberSyncStatus(ctx, "alice", "lxns")
	if st.Enabled || !strings.Contains(st.LastError, "refused the token") {
		t.Errorf("after a refused token: %+v", st)
	}
	ap.clock.add(100 * time.Hour)
	if n := ap.s.runDue(ctx); n != 0 {
		t.Errorf("a refused sync ran again on its schedule (%d)", n)
	}
	res = b.get("/p/alice/sync")
	if !strings.Contains(res.body, "no longer accepts this token") {
		t.Errorf("the page does not say the token was refused:\n%s", res.body)
	}

	// Schedule off, then forget.
	if res := b.post("/p/alice/sync/lxns/schedule", url.Values{"csrf": {csrf}, "every": {"0"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("schedule: %d", res.StatusCode)
	}
	if st, _ := ap.a.ProberSyncStatus(ctx, "alice", "lxns"); st.Every != 0 || !st.NextRunAt.IsZero() {
		t.Errorf("after the schedule was turned off: %+v", st)
	}
	if res := b.post("/p/alice/sync/lxns/forget", url.Values{"csrf": {csrf}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("forget: %d", res.StatusCode)
	}
	if _, err := ap.a.OpenProberToken(ctx, ap.s.cfg.SecretKey, "alice", "lxns"); err == nil {
		t.Error("the token is still stored after forgetting it")
	}
	lx.mu.Lock()
	for _, got := range lx.tokens {
		if got != token {
			t.Errorf("Lxns got a token header %q, not the stored token", got)
		}
	}
	lx.mu.Unlock()
}

// TestSyncPageWithoutKey: without MAIPROBE_SECRET_KEY the page says how
// to turn it on and refuses to store a token.
func TestSyncPageWithoutKey(t *testing.T) {
	ap := newApp(t, Config{})
	ap.addUser("alice", "alice")
	b := ap.browser()
	b.headers["Accept-Language"] = "en"
	ap.mustLogin(b, "", "alice")
	res := b.get("/p/alice/sync")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.body, `id="sync-disabled"`) || strings.Contains(res.body, `name="token"`) {
		t.Errorf("page without a key: %d\n%s", res.StatusCode, res.body)
	}
	res = b.post("/p/alice/sync/diving-fish", url.Values{"csrf": {b.csrf("/p/alice/sync")}, "token": {"abcdef0123456789"}, "every": {"3"}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(res.body, "MAIPROBE_SECRET_KEY") {
		t.Errorf("store without a key: %d", res.StatusCode)
	}
}

// TestSyncPageFailure: the archive failing is the server's failure (500,
// logged), not a refusal of the owner's form (400) that would show the
// database's words as if the input were wrong; the owner's own mistakes
// stay 400.
func TestSyncPageFailure(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "web.db")
	a, err := archive.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	c := &clock{t: time.Now()}
	s, err := New(ctx, Config{SecretKey: testSecretKey(t), Now: c.now}, a)
	if err != nil {
		t.Fatal(err)
	}
	ap := &app{t: t, s: s, a: a, clock: c}
	ap.addUser("alice", "alice")
	b := ap.browser()
	b.headers["Accept-Language"] = "en"
	ap.mustLogin(b, "", "alice")
	csrf := b.csrf("/p/alice/sync")

	if res := b.post("/p/alice/sync/lxns/schedule", url.Values{"csrf": {csrf}, "every": {"6"}}); res.StatusCode != http.StatusBadRequest {
		t.Errorf("a schedule without a token: %d, want 400", res.StatusCode)
	}
	if res := b.post("/p/alice/sync/lxns", url.Values{"csrf": {csrf}, "token": {"lxns-owner-token-0123456789="}, "every": {"700"}}); res.StatusCode != http.StatusBadRequest || !strings.Contains(res.body, "672") {
		t.Errorf("a schedule of 700 hours: %d, want 400 saying the limit", res.StatusCode)
	}

	// The database refuses every new sync row, as a full disk or a lost
	// connection would.
	raw, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(60000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	const why = "the database is on fire"
	if _, err := raw.ExecContext(ctx, "CREATE TRIGGER refuse_sync BEFORE INSERT ON prober_syncs BEGIN SELECT RAISE(ABORT, '"+why+"'); END"); err != nil {
		t.Fatal(err)
	}
	res := b.post("/p/alice/sync/lxns", url.Values{"csrf": {csrf}, "token": {"lxns-owner-token-0123456789="}, "every": {"6"}})
	if res.StatusCode != http.StatusInternalServerError || strings.Contains(res.body, why) {
		t.Errorf("storing a token while the database fails: %d, want 500 without the database's words\n%s", res.StatusCode, res.body)
	}
}
