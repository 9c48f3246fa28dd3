package web

import (
	"context"
	"fmt"
	"testing"
)

// The milestones, visit report, year in review, chart (with its attempt
// history) and sorted song list pages at 100,000 plays (benchServer's
// archive): each must answer within 50 ms (median) with the response
// cache off; figures in docs/benchmarks.md. The play log and milestones
// are read once per archive version (archive.PlayLog): the Cold variants
// measure the first view after a write.

func BenchmarkPageMilestones(b *testing.B) {
	benchPage(b, "/p/bench/milestones", "milestone-")
}

func BenchmarkPageVisitReport(b *testing.B) {
	s := benchServer(b)
	list, err := s.archive.Visits(context.Background(), "bench", 0, 0, 1)
	if err != nil || len(list.Visits) == 0 {
		b.Fatalf("no visit: %v", err)
	}
	benchPage(b, fmt.Sprintf("/p/bench/sessions/%d", list.Visits[0].FirstPlay), `id="visit-curve"`)
}

func BenchmarkPageYear(b *testing.B) {
	benchPage(b, "/p/bench/year/2026", `id="year-facts"`)
}

func BenchmarkPageSongsNextRank(b *testing.B) {
	benchPage(b, "/p/bench/songs?sort=next_rank", "sortnote")
}

func BenchmarkPageSongsStale(b *testing.B) {
	benchPage(b, "/p/bench/songs?sort=stale", "sortnote")
}

// BenchmarkMilestonesCold is the first milestones after a write: the play
// log read and every milestone computed (the cache emptied each time).
func BenchmarkMilestonesCold(b *testing.B) {
	s := benchServer(b)
	ctx := context.Background()
	cpu0 := cpuTime()
	n := 0
	for b.Loop() {
		s.archive.ForgetHistory("bench")
		if _, err := s.archive.Milestones(ctx, "bench"); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(n), "cpu-ms/op")
}
