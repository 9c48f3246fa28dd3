package web

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/dxsite/fakesite"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

func testSecretKey(t *testing.T) *archive.SecretKey {
	t.Helper()
	k, err := archive.ParseSecretKey(base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{42}, 32)))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// stubFetch stands in for the site fetcher: it records its calls and
// imports a page given per player, or fails as told.
type stubFetch struct {
	mu     sync.Mutex
	a      *archive.Archive
	calls  []string
	logins map[string]archive.SiteLogin
	fail   map[string]error
	page   []byte
}

func (f *stubFetch) fetch(ctx context.Context, player string, login archive.SiteLogin) (FetchResult, error) {
	f.mu.Lock()
	f.calls = append(f.calls, player)
	f.logins[player] = login
	err := f.fail[player]
	f.mu.Unlock()
	if err != nil {
		return FetchResult{}, err
	}
	res := f.a.Import(ctx, player, archive.Source{Name: "record/", Data: f.page})
	return FetchResult{Summary: fmt.Sprintf("record: %s, %d plays added", res.Status, res.Added.Plays)}, res.Err
}

func TestSchedulerRunsDueFetches(t *testing.T) {
	ctx := context.Background()
	stub := &stubFetch{logins: map[string]archive.SiteLogin{}, fail: map[string]error{}, page: dxnetPage(t, "record-cn-mixed.html")}
	ap := newApp(t, Config{SecretKey: testSecretKey(t), Fetch: stub.fetch})
	stub.a = ap.a
	for _, p := range []string{"alice", "bob", "carol"} {
		ap.addUser(p, p)
	}
	key := ap.s.cfg.SecretKey
	cookie := "userId=42; _t=secret-of-alice"
	store := func(player string, l archive.SiteLogin, every time.Duration) {
		t.Helper()
		if err := ap.a.StoreSiteLogin(ctx, key, player, l, every); err != nil {
			t.Fatal(err)
		}
	}
	store("alice", archive.SiteLogin{Region: maimai.CN, Cookie: cookie}, 6*time.Hour)
	store("bob", archive.SiteLogin{Region: maimai.Intl, SegaID: "bob", Password: "bob-pass"}, 12*time.Hour)
	store("carol", archive.SiteLogin{Region: maimai.JP, SegaID: "carol", Password: "carol-pass"}, 0)
	stub.fail["bob"] = fmt.Errorf("dxsite: login refused: %w", archive.ErrSiteLoginExpired)

	// The archive stamps with the real clock, the app with the test clock
	// (taken earlier): step past the first runs' due time.
	ap.clock.add(time.Minute)
	if n := ap.s.runDue(ctx); n != 2 {
		t.Fatalf("first round ran %d fetches, want 2 (alice, bob; carol has no schedule)", n)
	}
	if got := strings.Join(stub.calls, ","); got != "alice,bob" {
		t.Errorf("calls %s", got)
	}
	if stub.logins["alice"].Cookie != cookie || stub.logins["bob"].Password != "bob-pass" {
		t.Errorf("the fetcher got %+v", stub.logins)
	}
	if n, _ := ap.a.CountPlays(ctx, "alice"); n != 5 {
		t.Errorf("alice has %d plays after the fetch, want 5", n)
	}
	alice, _ := ap.a.SiteLoginStatus(ctx, "alice")
	if alice.LastResult != "record: added, 5 plays added" || alice.LastError != "" || !alice.NextRunAt.Equal(alice.LastRunAt.Add(6*time.Hour)) {
		t.Errorf("alice after the run: %+v", alice)
	}
	bob, _ := ap.a.SiteLoginStatus(ctx, "bob")
	if bob.Enabled || !strings.Contains(bob.LastError, "session expired, log in again") {
		t.Errorf("bob after an expired login: %+v", bob)
	}

	// Nothing is due until alice's period has passed; bob stays off.
	if n := ap.s.runDue(ctx); n != 0 {
		t.Errorf("second round ran %d", n)
	}
	ap.clock.add(6*time.Hour + time.Minute)
	stub.fail["alice"] = errors.New("dxsite: connection reset")
	if n := ap.s.runDue(ctx); n != 1 || stub.calls[len(stub.calls)-1] != "alice" {
		t.Errorf("after 6 h ran %d: %v", n, stub.calls)
	}
	alice, _ = ap.a.SiteLoginStatus(ctx, "alice")
	if !alice.Enabled || alice.LastError != "dxsite: connection reset" {
		t.Errorf("alice after a passing failure: %+v", alice)
	}

	// The owner's pages: status without the secret, fetch now, forget.
	b := ap.browser()
	b.headers["Accept-Language"] = "en"
	ap.mustLogin(b, "", "bob")
	res := b.get("/p/bob/fetch")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.body, "no longer accepts this login") || strings.Contains(res.body, "bob-pass") {
		t.Errorf("bob's fetch page: %d\n%s", res.StatusCode, res.body)
	}
	csrf := b.csrf("/p/bob/fetch")
	res = b.post("/p/bob/fetch", url.Values{"csrf": {csrf}, "region": {"intl"}, "sega_id": {"bob"}, "password": {"bob-pass-2"}, "every": {"24"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("store: %d %s", res.StatusCode, res.body)
	}
	delete(stub.fail, "bob")
	if n := ap.s.runDue(ctx); n != 1 || stub.logins["bob"].Password != "bob-pass-2" {
		t.Errorf("after a new login: ran %d with %+v", n, stub.logins["bob"])
	}
	res = b.get("/p/bob/fetch")
	if !strings.Contains(res.body, "record: added") || strings.Contains(res.body, "bob-pass-2") || !strings.Contains(res.body, "Every 24 hours") {
		t.Errorf("bob's page after a good run:\n%s", res.body)
	}
	res = b.post("/p/bob/fetch/run", url.Values{"csrf": {csrf}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("run now: %d", res.StatusCode)
	}
	if n := ap.s.runDue(ctx); n != 1 {
		t.Errorf("run now ran %d", n)
	}
	res = b.post("/p/bob/fetch/forget", url.Values{"csrf": {csrf}})
	if _, err := ap.a.SiteLoginStatus(ctx, "bob"); res.StatusCode != http.StatusSeeOther || !errors.Is(err, archive.ErrNoSiteLogin) {
		t.Errorf("forget: %d %v", res.StatusCode, err)
	}
}

func TestRunSchedulerLoop(t *testing.T) {
	done := make(chan string, 4)
	fetch := func(ctx context.Context, player string, _ archive.SiteLogin) (FetchResult, error) {
		done <- player
		return FetchResult{Summary: "ok"}, nil
	}
	ap := newApp(t, Config{SecretKey: testSecretKey(t), Fetch: fetch, Now: time.Now})
	ap.addUser("alice", "alice")
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { ap.s.RunScheduler(ctx); close(stopped) }()
	defer func() { cancel(); <-stopped }()

	// Storing a login through the page wakes the scheduler at once.
	b := ap.browser()
	ap.mustLogin(b, "", "alice")
	csrf := b.csrf("/p/alice/fetch")
	if res := b.post("/p/alice/fetch", url.Values{"csrf": {csrf}, "region": {"cn"}, "cookie": {"Cookie: userId=1; _t=2"}, "every": {"3"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("store: %d %s", res.StatusCode, res.body)
	}
	select {
	case p := <-done:
		if p != "alice" {
			t.Errorf("fetched %s", p)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the scheduler did not run the fetch after the login was stored")
	}
}

func TestFetchPageWithoutKey(t *testing.T) {
	ap := newApp(t, Config{})
	ap.addUser("alice", "alice")
	b := ap.browser()
	b.headers["Accept-Language"] = "en"
	ap.mustLogin(b, "", "alice")
	res := b.get("/p/alice/fetch")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.body, `id="fetch-disabled"`) || !strings.Contains(res.body, "MAIPROBE_SECRET_KEY") || strings.Contains(res.body, `name="cookie"`) {
		t.Errorf("page without a key: %d\n%s", res.StatusCode, res.body)
	}
	csrf := b.csrf("/p/alice/tokens")
	res = b.post("/p/alice/fetch", url.Values{"csrf": {csrf}, "region": {"cn"}, "cookie": {"userId=1; _t=2"}, "every": {"3"}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(res.body, "MAIPROBE_SECRET_KEY") {
		t.Errorf("store without a key: %d", res.StatusCode)
	}
	if _, err := ap.a.SiteLoginStatus(context.Background(), "alice"); !errors.Is(err, archive.ErrNoSiteLogin) {
		t.Errorf("a login was stored without a key: %v", err)
	}
}

func TestFetchPageRefusesBadLogins(t *testing.T) {
	ap := newApp(t, Config{SecretKey: testSecretKey(t)})
	ap.addUser("alice", "alice")
	b := ap.browser()
	b.headers["Accept-Language"] = "en"
	ap.mustLogin(b, "", "alice")
	csrf := b.csrf("/p/alice/fetch")
	for _, tt := range []struct {
		name string
		form url.Values
		want string
	}{
		{"cookie without _t", url.Values{"region": {"cn"}, "cookie": {"userId=987654321"}, "every": {"3"}}, "_t="},
		{"no password", url.Values{"region": {"jp"}, "sega_id": {"segaid-987654321"}, "every": {"3"}}, "password"},
		{"minutes", url.Values{"region": {"jp"}, "sega_id": {"a"}, "password": {"pw-987654321"}, "every": {"-1"}}, "whole number of hours"},
		{"bad schedule", url.Values{"region": {"cn"}, "cookie": {"userId=1; _t=2"}, "every": {"often"}}, "whole number of hours"},
		{"unknown site", url.Values{"region": {"kr"}, "cookie": {"userId=1; _t=2"}, "every": {"3"}}, "unknown site region"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.form.Set("csrf", csrf)
			res := b.post("/p/alice/fetch", tt.form)
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(res.body, tt.want) {
				t.Errorf("%d, want 400 saying %q\n%s", res.StatusCode, tt.want, res.body)
			}
			if strings.Contains(res.body, "987654321") {
				t.Error("the page shows what was typed back")
			}
		})
	}
}

// TestSchedulerWithFakeSite runs scheduled fetches through dxsite against
// the fake DX NET: the rotated cookie is kept for the next run, and an
// expired session turns the schedule off.
func TestSchedulerWithFakeSite(t *testing.T) {
	ctx := context.Background()
	site := fakesite.New(t, fakesite.Options{Plays: 30})
	ap := newApp(t, Config{SecretKey: testSecretKey(t)})
	ap.s.cfg.Fetch = SiteFetcher{Archive: ap.a, Site: site.URL(), Interval: -1}.Fetch
	ap.addUser("alice", "alice")
	first := site.Cookie()
	if err := ap.a.StoreSiteLogin(ctx, ap.s.cfg.SecretKey, "alice", archive.SiteLogin{Region: maimai.CN, Cookie: first}, 6*time.Hour); err != nil {
		t.Fatal(err)
	}
	ap.clock.add(time.Minute)
	if n := ap.s.runDue(ctx); n != 1 {
		t.Fatalf("ran %d fetches", n)
	}
	st, _ := ap.a.SiteLoginStatus(ctx, "alice")
	plays, _ := ap.a.CountPlays(ctx, "alice")
	if st.LastError != "" || !st.Enabled || plays != 30 || !strings.Contains(st.LastResult, "plays +30") {
		t.Fatalf("after the first fetch: %d plays, %+v", plays, st)
	}
	login, _ := ap.a.OpenSiteLogin(ctx, ap.s.cfg.SecretKey, "alice")
	if login.Cookie == first || !strings.Contains(login.Cookie, "_t=") {
		t.Errorf("the stored cookie was not rotated: %q", login.Cookie)
	}

	// The next run works only with the rotated _t (the site refuses a stale one).
	site.AddPlays(4)
	ap.clock.add(6 * time.Hour)
	if n := ap.s.runDue(ctx); n != 1 {
		t.Fatalf("second round ran %d", n)
	}
	st, _ = ap.a.SiteLoginStatus(ctx, "alice")
	plays, _ = ap.a.CountPlays(ctx, "alice")
	if st.LastError != "" || plays != 34 || !strings.Contains(st.LastResult, "plays +4") {
		t.Fatalf("after the second fetch: %d plays, %+v", plays, st)
	}

	site.Expire()
	ap.clock.add(6 * time.Hour)
	ap.s.runDue(ctx)
	st, _ = ap.a.SiteLoginStatus(ctx, "alice")
	if st.Enabled || !strings.Contains(st.LastError, "session expired, log in again") || !st.NextRunAt.IsZero() {
		t.Errorf("after the session expired: %+v", st)
	}
	ap.clock.add(24 * time.Hour)
	if n := ap.s.runDue(ctx); n != 0 {
		t.Errorf("an expired login ran again: %d", n)
	}
}

// TestSchedulerSurvivesFailures: a fetcher that panics and a login sealed
// under another key are errors of their runs, recorded for the owner.
func TestSchedulerSurvivesFailures(t *testing.T) {
	ctx := context.Background()
	fetch := func(ctx context.Context, player string, _ archive.SiteLogin) (FetchResult, error) {
		panic("fetcher bug")
	}
	ap := newApp(t, Config{SecretKey: testSecretKey(t), Fetch: fetch})
	ap.addUser("alice", "alice")
	ap.addUser("bob", "bob")
	login := archive.SiteLogin{Region: maimai.CN, Cookie: "userId=1; _t=2"}
	if err := ap.a.StoreSiteLogin(ctx, ap.s.cfg.SecretKey, "alice", login, time.Hour); err != nil {
		t.Fatal(err)
	}
	otherKey, err := archive.ParseSecretKey(base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32)))
	if err != nil {
		t.Fatal(err)
	}
	if err := ap.a.StoreSiteLogin(ctx, otherKey, "bob", login, time.Hour); err != nil {
		t.Fatal(err)
	}
	ap.clock.add(time.Minute)
	if n := ap.s.runDue(ctx); n != 2 {
		t.Fatalf("ran %d", n)
	}
	for player, want := range map[string]string{"alice": "internal error in the fetcher: fetcher bug", "bob": "was the key changed"} {
		st, _ := ap.a.SiteLoginStatus(ctx, player)
		if !strings.Contains(st.LastError, want) || !st.Enabled || st.LastRunAt.IsZero() {
			t.Errorf("%s: %+v, want the error %q and the schedule on", player, st, want)
		}
	}
}
