package rating

// starPercents are the DX score ratios, in percent of the maximum, for 1
// to 5 stars (LX getDeluxeScoreStars; MT dx-star.ts). The game stops at 5.
var starPercents = [5]int{85, 90, 93, 95, 97}

// MaxDXScore is a chart's highest DX score: 3 per note (CRITICAL PERFECT).
func MaxDXScore(notes int) int { return 3 * notes }

// DXStars is the number of stars (0–5) a DX score earns out of max. A
// threshold counts as reached when the ratio is equal to it, as LX and MT
// compute it (open point 5: LX's score table lists one point above;
// unconfirmed in game).
func DXStars(score, max int) int {
	if max <= 0 {
		return 0
	}
	stars := 0
	for i, p := range starPercents {
		if 100*score >= p*max {
			stars = i + 1
		}
	}
	return stars
}

// DXStarScore is the smallest DX score that earns stars (1–5) out of max,
// or 0 for stars outside 1–5.
func DXStarScore(stars, max int) int {
	if stars < 1 || stars > len(starPercents) || max <= 0 {
		return 0
	}
	p := starPercents[stars-1]
	return (p*max + 99) / 100 // ceil(p% × max)
}
