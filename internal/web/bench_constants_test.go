package web

import "testing"

// BenchmarkPageConstants is the constants page at 100,000 plays
// (benchServer's archive: CN song data, a detail for one play in 12, so
// about 8,300 plays with a printed rating, each checked against the song
// data): after the first request the estimate is kept until the archive
// changes, so a page reads the archive's version and renders. The
// estimate itself is BenchmarkConstants in internal/archive.
func BenchmarkPageConstants(b *testing.B) {
	benchPage(b, "/p/bench/constants", `id="constants-facts"`)
}
