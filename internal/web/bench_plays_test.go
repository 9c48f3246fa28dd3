package web

import "testing"

// The play list's filters on the linked chart: the level and constant of
// every play come from a subquery on its chart link, so the count walks
// every play of the player.

// BenchmarkPagePlaysLevelFiltered is the 13 to 13+ plays, page 20.
func BenchmarkPagePlaysLevelFiltered(b *testing.B) {
	benchPage(b, "/p/bench/plays?lv_min=13&lv_max=13%2B&page=20", `class="count"`)
}

// BenchmarkPagePlaysConstantFiltered is the plays of constant 13.0–13.9,
// page 20.
func BenchmarkPagePlaysConstantFiltered(b *testing.B) {
	benchPage(b, "/p/bench/plays?cmin=13.0&cmax=13.9&page=20", `class="count"`)
}

// BenchmarkPagePlaysLampFiltered is the plays of FC+ or better.
func BenchmarkPagePlaysLampFiltered(b *testing.B) {
	benchPage(b, "/p/bench/plays?fc=fcp", `class="count"`)
}
