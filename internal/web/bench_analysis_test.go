package web

import "testing"

// BenchmarkPageAnalysis is the judgement analysis over every play with a
// detail of the 100,000-play archive (about 8,400 of them): read their
// judgements column, the charts' levels, then every summary, table and
// trend chart; the response cache is off (benchServer).
func BenchmarkPageAnalysis(b *testing.B) {
	benchPage(b, "/p/bench/analysis", `class="chart"`)
}
