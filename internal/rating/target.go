package rating

import (
	"sort"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// Target is an achievement worth aiming at on one chart, and what the
// chart is worth there.
type Target struct {
	Achievement maimai.Achievement
	Rating      int
	Rank        maimai.Rank
}

// NextStep is the smallest achievement above a that raises the chart's
// rating by at least 1, with the rating there. ok is false when no
// achievement does (the chart is at 100.5% or its constant is 0). The AP
// bonus is taken as it stands: fc is the mark the player already has.
func (r Rules) NextStep(c Constant, a maimai.Achievement, fc maimai.FC) (t Target, ok bool) {
	a = max(a, 0)
	now := r.ChartRating(c, a, fc)
	if a >= capAchievement || r.ChartRating(c, capAchievement, fc) <= now {
		return Target{}, false
	}
	// The rating never falls as achievement rises, so the first
	// achievement past a with a higher rating is found by bisection.
	span := int(capAchievement - a)
	i := sort.Search(span, func(i int) bool {
		return r.ChartRating(c, a+1+maimai.Achievement(i), fc) > now
	})
	next := a + 1 + maimai.Achievement(i)
	return Target{Achievement: next, Rating: r.ChartRating(c, next, fc), Rank: maimai.RankOf(next)}, true
}

// NextRank is the lowest achievement of the next rank above a's, with the
// chart's rating there. ok is false at SSS+.
func (r Rules) NextRank(c Constant, a maimai.Achievement, fc maimai.FC) (t Target, ok bool) {
	a = max(a, 0)
	if a >= maimai.MaxAchievement {
		return Target{}, false
	}
	// Ranks only rise with achievement; bisect on maimai.RankOf rather
	// than keep a second copy of its boundaries here.
	now := maimai.RankOf(a)
	span := int(maimai.MaxAchievement - a)
	i := sort.Search(span, func(i int) bool {
		return maimai.RankOf(a+1+maimai.Achievement(i)) != now
	})
	if i == span {
		return Target{}, false
	}
	next := a + 1 + maimai.Achievement(i)
	return Target{Achievement: next, Rating: r.ChartRating(c, next, fc), Rank: maimai.RankOf(next)}, true
}
