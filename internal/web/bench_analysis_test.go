package web

import (
	"database/sql"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// BenchmarkPageAnalysis is the judgement analysis over every play with a
// detail of the 100,000-play archive (8,228 of them) from the sums kept at
// import: the months, the kept sums by level and their stamp, the charts
// played most, then every summary, table and trend chart; the response
// cache is off (benchServer).
func BenchmarkPageAnalysis(b *testing.B) {
	benchPage(b, "/p/bench/analysis", `class="chart"`)
}

// BenchmarkPageAnalysisAfterImport is the first view after an import
// that added a play with a detail (or a song sync, or a newly matched
// chart): the kept sums by level no longer match their stamp, so the
// database adds up the player's ~3,700 chart rows by level again and the
// page keeps the result. Each iteration forgets the stamp first, outside
// the measured time.
func BenchmarkPageAnalysisAfterImport(b *testing.B) {
	benchAnalysisStale(b, "UPDATE judgement_state SET levels_stamp = NULL")
}

// BenchmarkPageAnalysisRebuild is the first view of an archive from before
// the sums (or whose sums stopped covering its plays): every play with a
// detail is read and the sums are written again. Once per archive.
func BenchmarkPageAnalysisRebuild(b *testing.B) {
	benchAnalysisStale(b, "DELETE FROM judgement_state")
}

// benchAnalysisStale measures the analysis page right after stale ran on
// the benchmarks' archive: median wall time and CPU time of the request
// alone.
func benchAnalysisStale(b *testing.B, stale string) {
	s := benchServer(b)
	raw, err := sql.Open("sqlite", filepath.Join(bench.dir, "bench.db")+"?_pragma=busy_timeout(10000)")
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	get := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "/p/bench/analysis", nil)
		req.RemoteAddr = "192.0.2.1:1234"
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		return rec
	}
	var times []time.Duration
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		if _, err := raw.Exec(stale); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		cpu0, start := cpuTime(), time.Now()
		rec := get()
		times = append(times, time.Since(start))
		cpu += cpuTime() - cpu0
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `class="chart"`) {
			b.Fatalf("analysis: %d", rec.Code)
		}
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms-median")
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(len(times)), "cpu-ms/op")
}
