package rating

import (
	"fmt"
	"testing"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

func TestDXStars(t *testing.T) {
	for _, tt := range []struct {
		score, max, want int
	}{
		// 1000 notes: max 3000, thresholds 2550, 2700, 2790, 2850, 2910.
		{0, 3000, 0}, {2549, 3000, 0}, {2550, 3000, 1}, {2699, 3000, 1}, {2700, 3000, 2},
		{2789, 3000, 2}, {2790, 3000, 3}, {2849, 3000, 3}, {2850, 3000, 4},
		{2909, 3000, 4}, {2910, 3000, 5}, {3000, 3000, 5},
		// 333 notes: max 999; 85% is 849.15, so 849 is not enough.
		{849, 999, 0}, {850, 999, 1}, {969, 999, 4}, {970, 999, 5},
		{100, 0, 0},
	} {
		t.Run(fmt.Sprintf("%d of %d", tt.score, tt.max), func(t *testing.T) {
			if got := DXStars(tt.score, tt.max); got != tt.want {
				t.Errorf("DXStars(%d, %d) = %d, want %d", tt.score, tt.max, got, tt.want)
			}
		})
	}
	if MaxDXScore(333) != 999 {
		t.Errorf("MaxDXScore(333) = %d", MaxDXScore(333))
	}
	for _, tt := range []struct{ stars, max, want int }{
		{1, 3000, 2550}, {2, 3000, 2700}, {3, 3000, 2790}, {4, 3000, 2850}, {5, 3000, 2910},
		{1, 999, 850}, {5, 999, 970}, {0, 999, 0}, {6, 999, 0},
	} {
		got := DXStarScore(tt.stars, tt.max)
		if got != tt.want {
			t.Errorf("DXStarScore(%d, %d) = %d, want %d", tt.stars, tt.max, got, tt.want)
		}
		// The floor earns the stars and one point less does not.
		if got > 0 && (DXStars(got, tt.max) != tt.stars || DXStars(got-1, tt.max) != tt.stars-1) {
			t.Errorf("DXStarScore(%d, %d) = %d is not the boundary", tt.stars, tt.max, got)
		}
	}
}

func TestBands(t *testing.T) {
	b50 := mustRules(t, maimai.CN, CN2026)
	b40 := mustRules(t, maimai.CN, CN2021)
	split := mustRules(t, maimai.JP, DX)
	for _, tt := range []struct {
		rules  Rules
		rating int
		want   Colour
		image  int
	}{
		{b50, 0, White, 1}, {b50, 999, White, 1}, {b50, 1000, Blue, 2}, {b50, 1999, Blue, 2},
		{b50, 2000, Green, 3}, {b50, 3999, Green, 3}, {b50, 4000, Yellow, 4}, {b50, 6999, Yellow, 4},
		{b50, 7000, Red, 5}, {b50, 9999, Red, 5}, {b50, 10000, Purple, 6}, {b50, 11999, Purple, 6},
		{b50, 12000, Bronze, 7}, {b50, 12999, Bronze, 7}, {b50, 13000, Silver, 8}, {b50, 13999, Silver, 8},
		{b50, 14000, Gold, 9}, {b50, 14499, Gold, 9}, {b50, 14500, Platinum, 10}, {b50, 14999, Platinum, 10},
		{b50, 15000, Rainbow, 11}, {b50, 16850, Rainbow, 11}, {b50, -5, White, 1},
		{b40, 2999, Green, 3}, {b40, 3000, Yellow, 4}, {b40, 4000, Red, 5}, {b40, 6999, Bronze, 7},
		{b40, 7999, Silver, 8}, {b40, 8000, Gold, 9}, {b40, 8499, Gold, 9}, {b40, 8500, Rainbow, 0},
		{split, 8500, Rainbow, 0}, {split, 999, White, 1},
	} {
		t.Run(fmt.Sprintf("%s/%d", tt.rules.Era, tt.rating), func(t *testing.T) {
			got := tt.rules.Band(tt.rating)
			if got.Colour != tt.want || got.Image != tt.image {
				t.Errorf("Band(%d) = %+v, want %s image %d", tt.rating, got, tt.want, tt.image)
			}
		})
	}
	if n := len(b50.Bands()); n != 11 {
		t.Errorf("B50 has %d bands, want 11", n)
	}
	if (Rules{}).Band(500) != (Band{}) {
		t.Error("zero Rules have a band")
	}
}

func TestNextStep(t *testing.T) {
	cn := mustRules(t, maimai.CN, CN2026)
	jp := mustRules(t, maimai.JP, Circle)
	for _, tt := range []struct {
		name   string
		rules  Rules
		c      Constant
		ach    string
		fc     maimai.FC
		want   string
		rating int
		rank   maimai.Rank
		ok     bool
	}{
		{"inside SS", cn, 130, "99.0000", "", "99.1125", 268, maimai.RankSS, true},
		{"one below the edge", cn, 130, "100.4999", "", "100.5000", 292, maimai.RankSSSP, true},
		{"edge row", cn, 130, "96.9999", "", "97.0000", 252, maimai.RankS, true},
		{"C", cn, 130, "50.0000", "", "50.9616", 53, maimai.RankC, true},
		{"nothing yet", cn, 120, "0", "", "10.0000", 1, maimai.RankD, true},
		{"at the cap", cn, 130, "100.5000", "", "", 0, "", false},
		{"above the cap", cn, 130, "101.0000", "", "", 0, "", false},
		{"no constant", cn, 0, "90.0000", "", "", 0, "", false},
		{"AP bonus kept", jp, 150, "100.4999", maimai.AP, "100.5000", 338, maimai.RankSSSP, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.rules.NextStep(tt.c, ach(t, tt.ach), tt.fc)
			if ok != tt.ok {
				t.Fatalf("NextStep ok = %v, want %v (%+v)", ok, tt.ok, got)
			}
			if !ok {
				return
			}
			if got.Achievement.String() != tt.want || got.Rating != tt.rating || got.Rank != tt.rank {
				t.Errorf("NextStep = %s %d %s, want %s %d %s", got.Achievement, got.Rating, got.Rank, tt.want, tt.rating, tt.rank)
			}
			// One step less must not be enough.
			if before := tt.rules.ChartRating(tt.c, got.Achievement-1, tt.fc); before > tt.rules.ChartRating(tt.c, ach(t, tt.ach), tt.fc) {
				t.Errorf("%s already raises the rating to %d", got.Achievement-1, before)
			}
		})
	}
}

func TestNextRank(t *testing.T) {
	cn := mustRules(t, maimai.CN, CN2026)
	for _, tt := range []struct {
		ach    string
		want   string
		rank   maimai.Rank
		rating int
		ok     bool
	}{
		{"99.0000", "99.5000", maimai.RankSSP, 272, true},
		{"99.4999", "99.5000", maimai.RankSSP, 272, true},
		{"100.4999", "100.5000", maimai.RankSSSP, 292, true},
		{"96.9999", "97.0000", maimai.RankS, 252, true},
		{"79.9999", "80.0000", maimai.RankA, 141, true},
		{"0", "50.0000", maimai.RankC, 52, true},
		{"100.5000", "", "", 0, false},
		{"101.0000", "", "", 0, false},
	} {
		t.Run(tt.ach, func(t *testing.T) {
			got, ok := cn.NextRank(130, ach(t, tt.ach), maimai.NoFC)
			if ok != tt.ok {
				t.Fatalf("NextRank ok = %v, want %v (%+v)", ok, tt.ok, got)
			}
			if ok && (got.Achievement.String() != tt.want || got.Rank != tt.rank || got.Rating != tt.rating) {
				t.Errorf("NextRank = %s %s %d, want %s %s %d", got.Achievement, got.Rank, got.Rating, tt.want, tt.rank, tt.rating)
			}
		})
	}
}
