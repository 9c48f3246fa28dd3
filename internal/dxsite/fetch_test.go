package dxsite

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/dxsite/fakesite"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/storage/storagetest"
)

// noon is a clock outside every maintenance window.
func noon() time.Time { return time.Date(2026, 11, 23, 4, 0, 0, 0, time.UTC) }

func openArchive(t *testing.T) *archive.Archive {
	t.Helper()
	return openAt(t, filepath.Join(t.TempDir(), "archive.db"))
}

func openAt(t *testing.T, location string) *archive.Archive {
	t.Helper()
	a, err := archive.Open(context.Background(), location)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// session is a fast session on the fake site with its valid cookie.
func session(t *testing.T, site *fakesite.Server, cookie string) *Session {
	t.Helper()
	s, err := NewSession(Config{Region: site.Region, Site: site.URL(), Cookie: cookie, Interval: -1,
		Backoff: time.Millisecond, Timeout: 2 * time.Second, Now: noon})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func rows(t *testing.T, a *archive.Archive) map[string]int {
	t.Helper()
	c, err := a.RowCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestFetchSyntheticCN fetches a synthetic CN player twice, into every
// configured database.
func TestFetchSyntheticCN(t *testing.T) {
	storagetest.Run(t, testFetchSyntheticCN)
}

func testFetchSyntheticCN(t *testing.T, location string) {
	ctx := context.Background()
	site := fakesite.New(t, fakesite.Options{Plays: 60})
	a := openAt(t, location)
	s := session(t, site, site.Cookie())
	rep, err := Fetch(ctx, a, "p", s, Options{})
	for _, r := range rep.Results {
		if r.Err != nil {
			t.Errorf("%s: %v", r.Name, r.Err)
		}
	}
	if err != nil {
		t.Fatalf("fetch: %v", err)
	}
	// The window shows the last 50 of 60 plays, each with its detail.
	if rep.Added.Plays != 50 || rep.Added.Details != 50 {
		t.Errorf("added %d plays, %d details; want 50, 50", rep.Added.Plays, rep.Added.Details)
	}
	if got := site.Requests("record/playlogDetail/"); got != 50 {
		t.Errorf("%d detail requests, want 50", got)
	}
	if rep.PhotoImages != 3 {
		t.Errorf("stored %d photo images, want the album's 3", rep.PhotoImages)
	}
	if rep.PlayCount != 60 {
		t.Errorf("play count %d, want 60", rep.PlayCount)
	}
	// The record's 50 plays show the jackets of 37 songs.
	if rep.Jackets != 37 || rep.JacketErrors != 0 {
		t.Errorf("stored %d jackets (%d errors), want the record's 37", rep.Jackets, rep.JacketErrors)
	}
	// home, playerData, album + 3 images, record, 50 details, 6 lists, 37
	// jackets: 100.
	if rep.Requests != 100 || site.Requests("") != 100 {
		t.Errorf("%d requests (site saw %d), want 100", rep.Requests, site.Requests(""))
	}
	// First fetch: 50 plays wait in the window, the 10 before are lost.
	want := archive.Loss{Known: true, Waiting: 50, SlotsLeft: 0, LostBefore: 10}
	if rep.Loss != want {
		t.Errorf("loss %+v, want %+v", rep.Loss, want)
	}
	if rep.Album == nil || rep.Album.Waiting != 3 {
		t.Errorf("album loss %+v, want 3 waiting", rep.Album)
	}
	img, err := a.PhotoImage(ctx, "p", "https://maimai.wahlap.com/maimai-mobile/img/photo/2c7e9a41f0b35d68.jpg")
	if err != nil || string(img.Data) != string(fakesite.PhotoBytes("/maimai-mobile/img/photo/2c7e9a41f0b35d68.jpg")) {
		t.Errorf("stored image %q, %v", img.Data, err)
	}
	if rep.Rejected != 0 {
		for _, r := range rep.Results {
			if r.Err != nil {
				t.Errorf("%s: %v", r.Name, r.Err)
			}
		}
	}

	// The player plays 7 more; a second fetch reads only their details.
	site.AddPlays(7)
	before := site.Requests("record/playlogDetail/")
	rep, err = Fetch(ctx, a, "p", s, Options{})
	if err != nil {
		t.Fatalf("second fetch: %v", err)
	}
	if got := site.Requests("record/playlogDetail/") - before; got != 7 || rep.Added.Plays != 7 || rep.Added.Details != 7 {
		t.Errorf("second fetch: %d detail requests, %d plays and %d details added; want 7 each", got, rep.Added.Plays, rep.Added.Details)
	}
	want = archive.Loss{Known: true, Waiting: 7, SlotsLeft: 43, LostBefore: 10}
	if rep.Loss != want {
		t.Errorf("second loss %+v, want %+v", rep.Loss, want)
	}
	if rep.Jackets != 0 || rep.JacketErrors != 0 {
		t.Errorf("second fetch stored %d jackets (%d errors), want none: every jacket is stored", rep.Jackets, rep.JacketErrors)
	}
	if rep.PhotoImages != 0 || rep.Album.Waiting != 0 {
		t.Errorf("second fetch stored %d images, album %+v; want none waiting", rep.PhotoImages, rep.Album)
	}
	if n, _ := a.CountPlays(ctx, "p"); n != 57 {
		t.Errorf("archive has %d plays, want 57", n)
	}
}

func TestStaleTokenRefused(t *testing.T) {
	ctx := context.Background()
	site := fakesite.New(t, fakesite.Options{Plays: 3})
	old := site.Cookie()
	s := session(t, site, old)
	for _, rel := range []string{"home/", "record/", "playerData/"} {
		if _, err := s.Get(ctx, rel); err != nil {
			t.Fatalf("%s with the rotated _t: %v", rel, err)
		}
	}
	if strings.Contains(s.Cookie(), strings.Split(old, "; ")[1]) {
		t.Errorf("the session still holds the first _t: %s", s.Cookie())
	}
	stale := session(t, site, old)
	_, err := stale.Get(ctx, "home/")
	if !errors.Is(err, ErrSessionExpired) {
		t.Errorf("stale _t: %v, want ErrSessionExpired", err)
	}
}

func TestStops(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(*fakesite.Server)
		bot   bool
		want  error
		text  string
	}{
		{"expired", func(s *fakesite.Server) { s.Expire() }, true, ErrSessionExpired, "session expired, log in again"},
		{"logout", func(s *fakesite.Server) { s.LogOut() }, true, ErrSessionExpired, "session expired, log in again"},
		{"maintenance", func(s *fakesite.Server) { s.SetMaintenance(true) }, true, ErrMaintenance, "maintenance"},
		{"challenge", func(*fakesite.Server) {}, false, ErrChallenge, "__tst_status"},
		{"rate limit forever", func(s *fakesite.Server) { s.RateLimit(100) }, true, ErrRateLimited, "567"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			site := fakesite.New(t, fakesite.Options{Plays: 5})
			cookie := site.Cookie()
			if !tc.bot {
				cookie = site.CookieWithoutBot()
			}
			tc.setup(site)
			a := openArchive(t)
			_, err := Fetch(context.Background(), a, "p", session(t, site, cookie), Options{})
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.text) {
				t.Fatalf("fetch: %v, want %v containing %q", err, tc.want, tc.text)
			}
			// Nothing of the site's answer is archived.
			if c := rows(t, a); c["pages"] != 0 || c["plays"] != 0 || c["snapshots"] != 0 {
				t.Errorf("archived %v", c)
			}
		})
	}
}

func TestRetries(t *testing.T) {
	for _, tc := range []struct {
		name      string
		setup     func(*fakesite.Server)
		wantExtra int
	}{
		{"567", func(s *fakesite.Server) { s.RateLimit(2) }, 2},
		{"503", func(s *fakesite.Server) { s.Fail(3, 503) }, 3},
		{"dropped", func(s *fakesite.Server) { s.Drop(1) }, 1},
		{"stalled once", func(s *fakesite.Server) { s.Stall(1, time.Second) }, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			site := fakesite.New(t, fakesite.Options{Plays: 5})
			s := session(t, site, site.Cookie())
			s.cfg.Timeout = 200 * time.Millisecond
			s.hc.Timeout = s.cfg.Timeout
			tc.setup(site)
			pg, err := s.Get(context.Background(), "home/")
			if err != nil {
				t.Fatalf("get after retries: %v", err)
			}
			if pg.Parsed == nil || pg.Parsed.Head().Kind != "home" {
				t.Errorf("got %T", pg.Parsed)
			}
			if s.Requests != 1+tc.wantExtra || site.Requests("home/") != 1+tc.wantExtra {
				t.Errorf("%d requests (site saw %d), want %d", s.Requests, site.Requests("home/"), 1+tc.wantExtra)
			}
		})
	}
}

func TestRetriesBounded(t *testing.T) {
	site := fakesite.New(t, fakesite.Options{Plays: 5})
	s := session(t, site, site.Cookie())
	s.cfg.Retries = 2
	site.Fail(10, 503)
	_, err := s.Get(context.Background(), "home/")
	if !errors.Is(err, ErrRateLimited) || s.Requests != 3 {
		t.Errorf("err %v after %d requests; want ErrRateLimited after 3", err, s.Requests)
	}
}

func TestBackoffDoubles(t *testing.T) {
	site := fakesite.New(t, fakesite.Options{Plays: 5})
	s := session(t, site, site.Cookie())
	s.cfg.Backoff = 40 * time.Millisecond
	site.RateLimit(3)
	start := time.Now()
	if _, err := s.Get(context.Background(), "home/"); err != nil {
		t.Fatal(err)
	}
	// 40 + 80 + 160 ms of waiting.
	if d := time.Since(start); d < 280*time.Millisecond {
		t.Errorf("three retries took %v, want at least 280ms of backoff", d)
	}
}

func TestStallTimesOut(t *testing.T) {
	site := fakesite.New(t, fakesite.Options{Plays: 5})
	s := session(t, site, site.Cookie())
	s.cfg.Retries = 1
	s.hc.Timeout = 100 * time.Millisecond
	site.Stall(5, 3*time.Second)
	start := time.Now()
	_, err := s.Get(context.Background(), "home/")
	if err == nil || !strings.Contains(err.Error(), "did not answer in time") {
		t.Fatalf("stalled: %v, want a timeout", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("gave up after %v; the timeout is 100ms", d)
	}
}

func TestPacing(t *testing.T) {
	site := fakesite.New(t, fakesite.Options{Plays: 5})
	s := session(t, site, site.Cookie())
	s.cfg.Interval = 150 * time.Millisecond
	start := time.Now()
	for range 3 {
		if _, err := s.Get(context.Background(), "home/"); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("3 requests in %v, want ≥ 300ms at 150ms apart", d)
	}
}

func TestResumeAfterInterruption(t *testing.T) {
	ctx := context.Background()
	// The uninterrupted run, for comparison.
	whole := openArchive(t)
	site1 := fakesite.New(t, fakesite.Options{Plays: 60})
	if _, err := Fetch(ctx, whole, "p", session(t, site1, site1.Cookie()), Options{}); err != nil {
		t.Fatal(err)
	}
	want := rows(t, whole)

	site := fakesite.New(t, fakesite.Options{Plays: 60})
	a := openArchive(t)
	cctx, cancel := context.WithCancel(ctx)
	n := 0
	site.OnRequest(func(string) {
		if n++; n == 30 {
			cancel()
		}
	})
	_, err := Fetch(cctx, a, "p", session(t, site, site.Cookie()), Options{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted fetch: %v, want context.Canceled", err)
	}
	site.OnRequest(nil)
	mid := rows(t, a)
	if mid["plays"] == 0 || mid["plays"] > 50 {
		t.Fatalf("after the interruption: %v", mid)
	}
	firstRequests := site.Requests("")
	// The request cancelled midway rotated _t on the site but never
	// reached the session: the player starts again with the site's cookie,
	// as after a killed process.
	rep, err := Fetch(ctx, a, "p", session(t, site, site.Cookie()), Options{})
	if err != nil {
		t.Fatalf("resumed fetch: %v", err)
	}
	if !rep.Resumed || rep.Skipped == 0 {
		t.Errorf("resumed %v, skipped %d; want a resumed run that skips what was done", rep.Resumed, rep.Skipped)
	}
	got := rows(t, a)
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %d rows after resuming, %d after one run", k, got[k], v)
		}
	}
	// Together the two runs read no page twice but the record, one page
	// (the one cancelled midway) and nothing else.
	total := site.Requests("")
	if extra := total - site1.Requests(""); extra > 2 {
		t.Errorf("interrupted + resumed made %d requests (%d then %d), one run %d", total, firstRequests, total-firstRequests, site1.Requests(""))
	}
}

func TestParseParts(t *testing.T) {
	got, err := ParseParts("home, record,scores")
	if err != nil || len(got) != 3 || got[0] != PartHome || got[2] != PartScores {
		t.Errorf("ParseParts: %v, %v", got, err)
	}
	if _, err := ParseParts("home,photos"); err == nil || !strings.Contains(err.Error(), `"photos"`) {
		t.Errorf("unknown part: %v", err)
	}
}

func TestOnlyRecord(t *testing.T) {
	site := fakesite.New(t, fakesite.Options{Plays: 12})
	a := openArchive(t)
	rep, err := Fetch(context.Background(), a, "p", session(t, site, site.Cookie()), Options{Only: []Part{PartRecord}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Added.Plays != 12 || site.Requests("record/playlogDetail/") != 0 || site.Requests("home/") != 0 {
		t.Errorf("--only record: %d plays, %d detail and %d home requests", rep.Added.Plays, site.Requests("record/playlogDetail/"), site.Requests("home/"))
	}
	// Without a play count the loss meter is unknown.
	if rep.Loss.Known {
		t.Errorf("loss %+v without a play count", rep.Loss)
	}
}

func TestHeaders(t *testing.T) {
	ctx := context.Background()
	site := fakesite.New(t, fakesite.Options{Plays: 3, RequireWeChat: true})
	s := session(t, site, site.Cookie())
	if _, err := s.Get(ctx, "home/"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, "record/"); err != nil {
		t.Fatal(err)
	}
	h := site.LastHeader()
	if ua := h.Get("User-Agent"); !strings.Contains(ua, "MicroMessenger") {
		t.Errorf("User-Agent %q is not WeChat's", ua)
	}
	if ref := h.Get("Referer"); ref != site.URL()+"home/" {
		t.Errorf("Referer %q, want the previous page %s", ref, site.URL()+"home/")
	}

	// The CN site serves the WeChat browser only.
	other, err := NewSession(Config{Region: maimai.CN, Site: site.URL(), Cookie: site.Cookie(), Interval: -1, UserAgent: "curl/8.0"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Get(ctx, "home/"); !errors.Is(err, ErrNotPage) {
		t.Errorf("without the WeChat User-Agent: %v, want ErrNotPage", err)
	}
}

func TestInMaintenance(t *testing.T) {
	for _, tc := range []struct {
		region maimai.Region
		at     string
		want   bool
	}{
		{maimai.CN, "2026-11-23T19:59:59Z", false}, // 03:59 in Beijing
		{maimai.CN, "2026-11-23T20:00:00Z", true},  // 04:00
		{maimai.CN, "2026-11-23T22:59:00Z", true},  // 06:59
		{maimai.CN, "2026-11-23T23:00:00Z", false}, // 07:00
		{maimai.JP, "2026-11-23T19:30:00Z", true},  // 04:30 in Tokyo
		{maimai.Intl, "2026-11-23T18:30:00Z", false},
	} {
		at, _ := time.Parse(time.RFC3339, tc.at)
		if got := InMaintenance(tc.region, at); got != tc.want {
			t.Errorf("InMaintenance(%s, %s) = %v, want %v", tc.region, tc.at, got, tc.want)
		}
	}
}

func TestMaintenanceHoursRefuseEarly(t *testing.T) {
	site := fakesite.New(t, fakesite.Options{Plays: 3})
	s, err := NewSession(Config{Region: maimai.CN, Site: site.URL(), Cookie: site.Cookie(), Interval: -1, CheckHours: true,
		Now: func() time.Time { return time.Date(2026, 11, 23, 21, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(context.Background(), "home/"); !errors.Is(err, ErrMaintenance) || site.Requests("") != 0 {
		t.Errorf("in the maintenance hours: %v after %d requests; want ErrMaintenance and no request", err, site.Requests(""))
	}
}
