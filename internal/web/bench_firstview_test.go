package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
)

// The history pages' first view after an import: each iteration imports
// a visit of 20 new plays (through the import path, with a home page and
// a player data page, as gen writes them) outside the timer, then renders
// the page once. FirstView* is a server that did not prewarm (another
// server on the same archive, or prewarming off): the play log is read
// incrementally (only the plays the import added), but the rating data,
// its history and the plates are computed again. FirstViewPrewarmed* is
// the server that imported, after its prewarm (archive.PrewarmAfterImport)
// finished; prewarm-cpu-ms is what that prewarm cost in the background.
// BenchmarkMilestonesCold is the whole reread a reparse or a song sync
// costs. Figures in docs/benchmarks.md.

func BenchmarkFirstViewMilestones(b *testing.B) {
	benchAfterImport(b, false, func(*Server) string { return "/p/bench/milestones" }, "milestone-")
}

func BenchmarkFirstViewYear(b *testing.B) {
	benchAfterImport(b, false, func(*Server) string { return "/p/bench/year/2026" }, `id="year-facts"`)
}

func BenchmarkFirstViewVisitReport(b *testing.B) {
	benchAfterImport(b, false, latestVisit(b), `id="visit-curve"`)
}

func BenchmarkFirstViewSongsStale(b *testing.B) {
	benchAfterImport(b, false, func(*Server) string { return "/p/bench/songs?sort=stale" }, "sortnote")
}

func BenchmarkFirstViewPrewarmedMilestones(b *testing.B) {
	benchAfterImport(b, true, func(*Server) string { return "/p/bench/milestones" }, "milestone-")
}

func BenchmarkFirstViewPrewarmedYear(b *testing.B) {
	benchAfterImport(b, true, func(*Server) string { return "/p/bench/year/2026" }, `id="year-facts"`)
}

func BenchmarkFirstViewPrewarmedVisitReport(b *testing.B) {
	benchAfterImport(b, true, latestVisit(b), `id="visit-curve"`)
}

func BenchmarkFirstViewPrewarmedSongsStale(b *testing.B) {
	benchAfterImport(b, true, func(*Server) string { return "/p/bench/songs?sort=stale" }, "sortnote")
}

// BenchmarkFirstViewPlays is the reference of the same runs: the plays
// page, which reads no play log, after the same imports.
func BenchmarkFirstViewPlays(b *testing.B) {
	benchAfterImport(b, false, func(*Server) string { return "/p/bench/plays" }, `rel="next"`)
}

func latestVisit(b *testing.B) func(s *Server) string {
	return func(s *Server) string {
		list, err := s.archive.Visits(context.Background(), "bench", 0, 0, 1)
		if err != nil || len(list.Visits) == 0 {
			b.Fatalf("no visit: %v", err)
		}
		return fmt.Sprintf("/p/bench/sessions/%d", list.Visits[0].FirstPlay)
	}
}

// importDays counts the visits the benchmarks above imported, so each
// lands five hours after the one before, after the archive's last play
// and before the clock's today.
var importDays int

func benchAfterImport(b *testing.B, prewarm bool, path func(*Server) string, want string) {
	s := benchServer(b)
	ctx := context.Background()
	get := func(p string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, p, nil)
		req.RemoteAddr = "192.0.2.1:1234"
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		return rec
	}
	if prewarm {
		s.archive.PrewarmAfterImport(50 * time.Millisecond)
		defer s.archive.PrewarmAfterImport(0)
	}
	var times []time.Duration
	var cpu, warmCPU time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		importDays++
		end := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC).Add(time.Duration(importDays) * 5 * time.Hour)
		runs := s.archive.PrewarmRuns()
		rep, err := s.archive.Generate(ctx, archive.GenOptions{Player: "bench", Plays: 20, Seed: uint64(1000 + importDays), End: end})
		if err != nil || rep.Plays != 20 {
			b.Fatalf("import: %+v %v", rep, err)
		}
		if prewarm {
			cpu0 := cpuTime()
			if err := s.archive.WaitPrewarm(ctx, runs+1); err != nil {
				b.Fatal(err)
			}
			warmCPU += cpuTime() - cpu0
		}
		p := path(s)
		b.StartTimer()
		start, cpu0 := time.Now(), cpuTime()
		rec := get(p)
		cpu += cpuTime() - cpu0
		times = append(times, time.Since(start))
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), want) {
			b.Fatalf("GET %s: %d, no %q in\n%.2000s", p, rec.Code, want, rec.Body.String())
		}
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms-median")
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(len(times)), "cpu-ms/op")
	if prewarm {
		b.ReportMetric(float64(warmCPU.Microseconds())/1000/float64(len(times)), "prewarm-cpu-ms")
	}
}
