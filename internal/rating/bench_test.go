package rating

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// BenchmarkB50 rates a player with 10,000 best scores, far more than the
// game has charts.
func BenchmarkB50(b *testing.B) {
	rules := mustRules(b, maimai.CN, CN2026)
	rng := rand.New(rand.NewPCG(1, 2))
	versions := []Version{Maimai, Finale, CNDX, CN2021, CN2022, CN2023, CN2024, CN2025, CN2026}
	bests := make([]Best, 10000)
	for i := range bests {
		bests[i] = Best{
			Key:         Key{SongID: i, Chart: maimai.Chart{Title: fmt.Sprint("song ", i), Type: maimai.DX, Difficulty: maimai.Master}},
			Constant:    Constant(10 + rng.IntN(141)),
			Achievement: maimai.Achievement(rng.IntN(int(maimai.MaxAchievement) + 1)),
			Version:     versions[rng.IntN(len(versions))],
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if res := rules.PlayerRating(bests); len(res.Old) != 35 || len(res.New) != 15 {
			b.Fatalf("tables of %d + %d", len(res.Old), len(res.New))
		}
	}
}
