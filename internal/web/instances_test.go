package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/dxsite/fakesite"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/storage/storagetest"
)

// The tests of this file run two servers — two Servers over two Archives
// opened on one database, as two instances behind a load balancer or two
// copies of a function — on SQLite always, and on MariaDB and PostgreSQL
// when MAIPROBE_TEST_MYSQL and MAIPROBE_TEST_POSTGRES name them. Whatever
// one server learns, the other must know.

// twoServers opens location twice and starts a server on each, both on one
// test clock.
func twoServers(t *testing.T, location string, cfg Config) (*app, *app) {
	t.Helper()
	c := &clock{t: time.Now()}
	if cfg.Now == nil {
		cfg.Now = c.now
	}
	open := func() *app {
		t.Helper()
		ctx := context.Background()
		a, err := archive.Open(ctx, location)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.Close() })
		s, err := New(ctx, cfg, a)
		if err != nil {
			t.Fatal(err)
		}
		return &app{t: t, s: s, a: a, clock: c}
	}
	return open(), open()
}

// on sends the browser's next requests to ap (another server behind the
// same load balancer), keeping its cookies.
func (b *browser) on(ap *app) *browser {
	b.ap = ap
	return b
}

func TestInstancesShareLoginLimiter(t *testing.T) {
	storagetest.Run(t, func(t *testing.T, location string) {
		one, two := twoServers(t, location, Config{})
		one.addUser("owner", "default")
		b := one.browser()
		for i := range freeTries {
			srv := []*app{one, two}[i%2]
			if res := b.on(srv).login("", "owner", "wrong password"); res.StatusCode != http.StatusUnauthorized {
				t.Fatalf("wrong password #%d: %d", i+1, res.StatusCode)
			}
		}
		// The fifth failure was on one; the sixth try, on two, must wait.
		res := b.on(two).login("", "owner", "password-owner")
		if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") != "30" || b.cookies[sessionCookie] != "" {
			t.Fatalf("sixth try on the other server: %d, Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
		}
		// Five more on one server only lock the name on the other too.
		other := one.browser()
		other.remote = "198.51.100.7:1"
		if res := other.on(two).login("", "owner", "password-owner"); res.StatusCode != http.StatusTooManyRequests {
			t.Errorf("same name from another address on the other server: %d", res.StatusCode)
		}
		one.clock.add(31 * time.Second)
		if res := b.on(one).login("", "owner", "password-owner"); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("right password after the wait: %d", res.StatusCode)
		}
		// The success forgot the failures everywhere.
		for i := range freeTries - 1 {
			if res := other.on(two).login("", "owner", "wrong again"); res.StatusCode != http.StatusUnauthorized {
				t.Fatalf("after a success, wrong password #%d: %d", i+1, res.StatusCode)
			}
		}
	})
}

func TestInstancesShareSessions(t *testing.T) {
	storagetest.Run(t, func(t *testing.T, location string) {
		one, two := twoServers(t, location, Config{})
		one.addUser("alice", "alice")
		b := one.browser()
		one.mustLogin(b, "", "alice")
		// Made on one, it works on two: pages and a form with its CSRF token.
		if res := b.on(two).get("/p/alice/settings"); res.StatusCode != http.StatusOK {
			t.Fatalf("the session on the other server: %d", res.StatusCode)
		}
		csrf := b.on(one).csrf("/p/alice/tokens")
		if res := b.on(two).post("/p/alice/tokens", url.Values{"csrf": {csrf}, "label": {"phone"}}); res.StatusCode != http.StatusOK && res.StatusCode != http.StatusSeeOther {
			t.Fatalf("a form of one posted to two: %d\n%s", res.StatusCode, res.body)
		}
		if toks, _ := two.a.ImportTokens(context.Background(), "alice"); len(toks) != 1 {
			t.Errorf("%d tokens after the post", len(toks))
		}
		// Two has the login in its cache now; a logout on one ends it there
		// at its next request (the archive's version changed), well within
		// sessionCacheTTL.
		if res := b.on(two).get("/p/alice/settings"); res.StatusCode != http.StatusOK {
			t.Fatalf("again on two: %d", res.StatusCode)
		}
		cookie := b.cookies[sessionCookie]
		if res := b.on(one).post("/logout", url.Values{"csrf": {csrf}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("logout: %d", res.StatusCode)
		}
		b.cookies[sessionCookie] = cookie // a stolen copy of the cookie
		res := b.on(two).get("/p/alice/settings")
		if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "/login") {
			t.Errorf("the logged-out session on the other server: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
	})
}

func TestInstancesShareSetupToken(t *testing.T) {
	storagetest.Run(t, func(t *testing.T, location string) {
		one, two := twoServers(t, location, Config{})
		setup := one.s.SetupPath()
		if setup == "" || two.s.SetupPath() != setup {
			t.Fatalf("setup paths %q and %q, want one and the same", setup, two.s.SetupPath())
		}
		token := strings.TrimPrefix(setup, "/setup?token=")
		// Made by one, accepted by two; two setups at once, one on each
		// server, make one user.
		var wg sync.WaitGroup
		codes := make([]int, 2)
		for i, srv := range []*app{one, two} {
			b := srv.browser()
			csrf := b.csrf(setup)
			form := url.Values{"csrf": {csrf}, "token": {token}, "name": {[]string{"mai", "mallory"}[i]}, "password": {"sekrit-pass"}, "password2": {"sekrit-pass"}, "player": {"mai"}}
			wg.Add(1)
			go func() {
				defer wg.Done()
				codes[i] = b.post("/setup", form).StatusCode
			}()
		}
		wg.Wait()
		if !(codes[0] == http.StatusSeeOther && codes[1] == http.StatusNotFound || codes[0] == http.StatusNotFound && codes[1] == http.StatusSeeOther) {
			t.Errorf("two setups at once answered %v, want one 303 and one 404", codes)
		}
		if n, _ := one.a.CountUsers(context.Background()); n != 1 {
			t.Errorf("%d users, want 1", n)
		}
		for _, srv := range []*app{one, two} {
			if p := srv.s.SetupPath(); p != "" {
				t.Errorf("SetupPath after setup: %q", p)
			}
			if res := srv.browser().get(setup); res.StatusCode != http.StatusNotFound {
				t.Errorf("the used setup URL: %d", res.StatusCode)
			}
		}
	})
}

func TestInstancesShareImportLimits(t *testing.T) {
	storagetest.Run(t, func(t *testing.T, location string) {
		one, two := twoServers(t, location, Config{})
		one.addUser("alice", "alice")
		token := one.newImportToken("alice")
		page := []byte("not a page")
		b := one.browser()
		for i := range apiBurst {
			srv := []*app{one, two}[i%2]
			if res, _ := b.on(srv).apiPost("/api/import", token, "text/html", page); res.StatusCode != http.StatusOK {
				t.Fatalf("request %d: %d %s", i+1, res.StatusCode, res.body)
			}
		}
		for _, srv := range []*app{one, two} {
			res, _ := b.on(srv).apiPost("/api/import", token, "text/html", page)
			if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") != "1" {
				t.Errorf("over the budget on either: %d Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
			}
		}
		one.clock.add(2 * time.Second)
		for i, srv := range []*app{two, one} {
			if res, _ := b.on(srv).apiPost("/api/import", token, "text/html", page); res.StatusCode != http.StatusOK {
				t.Errorf("after 2 s, request %d: %d", i+1, res.StatusCode)
			}
		}
		if res, _ := b.on(two).apiPost("/api/import", token, "text/html", page); res.StatusCode != http.StatusTooManyRequests {
			t.Errorf("third after 2 s: %d", res.StatusCode)
		}

		// Wrong tokens guessed through either server slow the address down on both.
		guesser := one.browser()
		guesser.remote = "198.51.100.9:999"
		for i := range freeTries {
			srv := []*app{one, two}[i%2]
			if res, _ := guesser.on(srv).apiPost("/api/import", "mpi_guess", "text/html", page); res.StatusCode != http.StatusUnauthorized {
				t.Fatalf("guess %d: %d", i+1, res.StatusCode)
			}
		}
		for _, srv := range []*app{two, one} {
			if res, _ := guesser.on(srv).apiPost("/api/import", "mpi_guess", "text/html", page); res.StatusCode != http.StatusTooManyRequests {
				t.Errorf("a wrong token after five guesses on both servers: %d", res.StatusCode)
			}
		}
		if res, _ := guesser.on(two).apiPost("/api/import", one.newImportToken("alice"), "text/html", page); res.StatusCode != http.StatusOK {
			t.Errorf("a right token after five guesses, on the other server: %d, want 200 (valid tokens are looked up first)", res.StatusCode)
		}
	})
}

// fetchServers are two servers with stored site logins, fetching from one
// fake DX NET, and alice's CN login stored and due.
func fetchServers(t *testing.T, location string, site *fakesite.Server) (*app, *app) {
	t.Helper()
	one, two := twoServers(t, location, Config{SecretKey: testSecretKey(t)})
	for _, ap := range []*app{one, two} {
		ap.s.cfg.Fetch = SiteFetcher{Archive: ap.a, Site: site.URL(), Interval: -1}.Fetch
	}
	one.addUser("alice", "alice")
	if err := one.a.StoreSiteLogin(context.Background(), one.s.cfg.SecretKey, "alice", archive.SiteLogin{Region: maimai.CN, Cookie: site.Cookie()}, 6*time.Hour); err != nil {
		t.Fatal(err)
	}
	one.clock.add(time.Minute)
	return one, two
}

func TestInstancesRunADueFetchOnce(t *testing.T) {
	storagetest.Run(t, func(t *testing.T, location string) {
		ctx := context.Background()
		site := fakesite.New(t, fakesite.Options{Plays: 30})
		one, two := fetchServers(t, location, site)
		// The first page the site serves is slow, so the two runs overlap.
		var once sync.Once
		site.OnRequest(func(string) { once.Do(func() { time.Sleep(300 * time.Millisecond) }) })
		ran := make([]int, 2)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i, srv := range []*app{one, two} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				ran[i] = srv.s.RunDue(ctx)
			}()
		}
		close(start)
		wg.Wait()
		if ran[0]+ran[1] != 1 {
			t.Errorf("the servers ran %v fetches, want 1 in all", ran)
		}
		if n := site.Requests("record/"); n != 1 {
			t.Errorf("the site served the record page %d times, want 1", n)
		}
		st, _ := one.a.SiteLoginStatus(ctx, "alice")
		plays, _ := two.a.CountPlays(ctx, "alice")
		if st.LastError != "" || plays != 30 || !st.NextRunAt.After(one.clock.now()) {
			t.Errorf("after the fetch: %d plays, %+v", plays, st)
		}
		// Nothing is due now on either.
		if n := one.s.RunDue(ctx) + two.s.RunDue(ctx); n != 0 {
			t.Errorf("ran %d more", n)
		}
	})
}

func TestInstancesTakeOverADeadRunnersFetch(t *testing.T) {
	storagetest.Run(t, func(t *testing.T, location string) {
		ctx := context.Background()
		site := fakesite.New(t, fakesite.Options{Plays: 30})
		one, two := fetchServers(t, location, site)
		// One took alice's fetch and died: its lease is never renewed nor
		// released.
		if ok, err := one.a.ClaimLease(ctx, fetchLease("alice"), one.s.holder, one.clock.now(), leaseTerm); err != nil || !ok {
			t.Fatalf("claim: %v %v", ok, err)
		}
		b := two.browser()
		b.headers["Accept-Language"] = "en"
		two.mustLogin(b, "", "alice")
		if running, err := two.s.fetchRunning(ctx, "alice"); err != nil || !running {
			t.Errorf("the other server does not see the fetch running: %v %v", running, err)
		}
		if n := two.s.RunDue(ctx); n != 0 || site.Requests("") != 0 {
			t.Fatalf("the other server ran a held fetch: %d, %d requests", n, site.Requests(""))
		}
		two.clock.add(leaseTerm - time.Second)
		if n := two.s.RunDue(ctx); n != 0 {
			t.Fatalf("ran before the lease expired: %d", n)
		}
		two.clock.add(2 * time.Second)
		if n := two.s.RunDue(ctx); n != 1 {
			t.Fatalf("after the lease expired ran %d, want 1", n)
		}
		plays, _ := two.a.CountPlays(ctx, "alice")
		if running, _ := one.s.fetchRunning(ctx, "alice"); plays != 30 || running {
			t.Errorf("after the take-over: %d plays, running %v", plays, running)
		}
		if n := one.s.RunDue(ctx); n != 0 {
			t.Errorf("the dead runner's server ran it again: %d", n)
		}
	})
}

// TestLeaseLostStopsTheFetch: a runner that stalls past its lease, so that
// another server takes the fetch, stops its own at its next renewal.
func TestLeaseLostStopsTheFetch(t *testing.T) {
	ctx := context.Background()
	one, _ := twoServers(t, storagetest.Location(t, "sqlite"), Config{})
	lease := fetchLease("alice")
	if ok, _ := one.a.ClaimLease(ctx, lease, one.s.holder, one.clock.now(), leaseTerm); !ok {
		t.Fatal("no claim")
	}
	// Another server took it after this one's lease ran out.
	one.clock.add(leaseTerm + time.Second)
	if ok, _ := one.a.ClaimLease(ctx, lease, "other", one.clock.now(), leaseTerm); !ok {
		t.Fatal("the other server could not take the expired lease")
	}
	one.s.sched.renew = 10 * time.Millisecond
	fctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := one.s.keepLease(fctx, cancel, lease, "alice")
	defer stop()
	select {
	case <-fctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the fetch went on after its lease was lost")
	}
}
