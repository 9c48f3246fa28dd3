package web

import "testing"

// The constants page and the rating page (which counts the constants
// learned from plays) at their first view after an import of a visit of
// 20 plays (benchAfterImport; BenchmarkFirstViewPlays is the reference of
// the same run): the rating data is read again for both, the estimate is
// gone on from the one kept (archive/constants_state.go) rather than made
// again from every play's detail. FirstViewPrewarmed* are the server that
// imported, after its prewarm (which computes the current rating, and so
// the estimate). BenchmarkPageConstants and BenchmarkPageRating are the
// views after.

func BenchmarkFirstViewConstants(b *testing.B) {
	benchAfterImport(b, false, func(*Server) string { return "/p/bench/constants" }, `id="constants-facts"`)
}

func BenchmarkFirstViewRating(b *testing.B) {
	benchAfterImport(b, false, func(*Server) string { return "/p/bench/rating" }, `id="rating-total"`)
}

func BenchmarkFirstViewPrewarmedConstants(b *testing.B) {
	benchAfterImport(b, true, func(*Server) string { return "/p/bench/constants" }, `id="constants-facts"`)
}

func BenchmarkFirstViewPrewarmedRating(b *testing.B) {
	benchAfterImport(b, true, func(*Server) string { return "/p/bench/rating" }, `id="rating-total"`)
}
