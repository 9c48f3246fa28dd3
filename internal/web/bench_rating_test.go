package web

import "testing"

// The rating pages at 100,000 plays (benchServer's archive, over the CN
// song data): each must answer within 50 ms (median) and the rating page
// in under 300 KB of HTML; figures in docs/benchmarks.md.

func BenchmarkPageRating(b *testing.B) {
	benchPage(b, "/p/bench/rating", `id="rating-total"`)
}

// BenchmarkPageRatingAt is the rating page as of a past date: the bests,
// constants and rules of then.
func BenchmarkPageRatingAt(b *testing.B) {
	benchPage(b, "/p/bench/rating?at=2025-03-01", "2025-03-01")
}

func BenchmarkPageTargets(b *testing.B) {
	benchPage(b, "/p/bench/targets", `id="rating-total"`)
}

func BenchmarkPageTargetsAt(b *testing.B) {
	benchPage(b, "/p/bench/targets?at=2025-03-01", "2025-03-01")
}

func BenchmarkPagePlates(b *testing.B) {
	benchPage(b, "/p/bench/plates", "plate-done")
}

func BenchmarkPagePlatesAt(b *testing.B) {
	benchPage(b, "/p/bench/plates?at=2025-03-01", "2025-03-01")
}
