package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/fixtures"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/songs"
)

// benchPlays is the size of the benchmarks' archive: one player's 100,000
// plays over three years.
const benchPlays = 100_000

// bench is the generated archive (over the shared CN song data, so its
// plays are of real charts) and a server over it, made once per test
// binary run (generating takes most of a minute) and shared by every
// benchmark.
var bench struct {
	once sync.Once
	dir  string
	s    *Server
	err  error
}

// TestMain removes the benchmarks' archive when the run ends.
func TestMain(m *testing.M) {
	code := m.Run()
	if bench.dir != "" {
		os.RemoveAll(bench.dir)
	}
	os.Exit(code)
}

func benchServer(b *testing.B) *Server {
	b.Helper()
	songData := fixtures.Shared(b, "data/songs/divingfish-music_data.cn.json")
	bench.once.Do(func() {
		ctx := context.Background()
		bench.dir, bench.err = os.MkdirTemp("", "maiprobe-bench-")
		if bench.err != nil {
			return
		}
		a, err := archive.Open(ctx, filepath.Join(bench.dir, "bench.db"))
		if err != nil {
			bench.err = err
			return
		}
		// With the shared CN song data synced first, the generated plays
		// are of real charts, so the rating, targets and plates pages
		// have a B50, targets and plates to show.
		db, err := songs.Open(ctx, songData, maimai.CN)
		if err == nil {
			_, err = a.SyncSongs(ctx, db)
		}
		if err != nil {
			bench.err = err
			return
		}
		start := time.Now()
		rep, err := a.Generate(ctx, archive.GenOptions{Player: "bench", Plays: benchPlays, Seed: 1,
			End: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			bench.err = err
			return
		}
		b.Logf("generated %+v in %s", rep, time.Since(start).Round(time.Second))
		if err := a.SetPublic(ctx, "bench", true); err != nil {
			bench.err = err
			return
		}
		// Without the response cache, so each iteration renders the page
		// (BenchmarkPageCached measures the cache).
		bench.s, bench.err = New(ctx, Config{PageCacheBytes: -1}, a)
	})
	if bench.err != nil {
		b.Fatal(bench.err)
	}
	return bench.s
}

// benchPage renders path through the whole handler (session, router,
// archive queries, template) per iteration and checks it holds want.
func benchPage(b *testing.B, path, want string) {
	s := benchServer(b)
	get := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.RemoteAddr = "192.0.2.1:1234"
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		return rec
	}
	first := get()
	if first.Code != http.StatusOK || !strings.Contains(first.Body.String(), want) {
		b.Fatalf("GET %s: %d, no %q in\n%.2000s", path, first.Code, want, first.Body.String())
	}
	var times []time.Duration
	cpu0 := cpuTime()
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		get()
		times = append(times, time.Since(start))
	}
	// The median resists the other work of a busy machine better than
	// the mean ns/op does, and the process's CPU time per page better
	// still: waiting for a core is not counted.
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms-median")
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(len(times)), "cpu-ms/op")
	b.ReportMetric(float64(first.Body.Len())/1000, "kB-html")
}

func BenchmarkPagePlaysFirst(b *testing.B) {
	benchPage(b, "/p/bench/plays", `rel="next"`)
}

// BenchmarkPagePlaysDeepFiltered is page 200 of the MASTER plays (of about
// 500 pages): offset pagination under a filter.
func BenchmarkPagePlaysDeepFiltered(b *testing.B) {
	benchPage(b, "/p/bench/plays?diff=master&page=200", "MASTER")
}

func BenchmarkPageDiff(b *testing.B) {
	benchPage(b, "/p/bench/diff", `class="num`)
}

// BenchmarkPageDiffDeepFiltered is page 50 of a title search: the title
// filter has no index, so this walks every play.
func BenchmarkPageDiffDeepFiltered(b *testing.B) {
	benchPage(b, "/p/bench/diff?q=an&page=50", `class="num`)
}

// BenchmarkPageChart is one chart, the newest play's: every attempt, its
// change, the level, constant and chart rating, and the progress curve.
func BenchmarkPageChart(b *testing.B) {
	s := benchServer(b)
	list, err := s.archive.ListPlays(context.Background(), "bench", archive.PlayFilter{}, 0, 1)
	if err != nil || len(list.Plays) == 0 {
		b.Fatalf("no play: %v", err)
	}
	benchPage(b, chartPath("bench", list.Plays[0].Chart), "application/json")
}

func BenchmarkPageOverview(b *testing.B) {
	benchPage(b, "/p/bench/", "application/json")
}

func BenchmarkPageSessions(b *testing.B) {
	benchPage(b, "/p/bench/sessions", "visit")
}

func BenchmarkPageProfile(b *testing.B) {
	benchPage(b, "/p/bench/profile", "application/json")
}

// BenchmarkPageCached is the overview served again with nothing imported
// between: the response cache's answer (the version read, the login from
// its cache, the compressed bytes written).
func BenchmarkPageCached(b *testing.B) {
	c, err := New(context.Background(), Config{}, benchServer(b).archive)
	if err != nil {
		b.Fatal(err)
	}
	get := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "/p/bench/", nil)
		req.RemoteAddr = "192.0.2.1:1234"
		req.Header.Set("Accept-Encoding", "br")
		req.AddCookie(&http.Cookie{Name: csrfCookie, Value: strings.Repeat("x", 43)})
		rec := httptest.NewRecorder()
		c.ServeHTTP(rec, req)
		return rec
	}
	get()
	if rec := get(); rec.Code != http.StatusOK || rec.Header().Get("ETag") == "" {
		b.Fatalf("GET /p/bench/: %d, ETag %q", rec.Code, rec.Header().Get("ETag"))
	}
	cpu0 := cpuTime()
	n := 0
	for b.Loop() {
		get()
		n++
	}
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(n), "cpu-ms/op")
}
