package history

import (
	"cmp"
	"slices"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// ChartPlays is one chart's plays within a visit or a year.
type ChartPlays struct {
	Chart maimai.Chart `json:"chart"`
	Level string       `json:"level,omitempty"`
	Plays int          `json:"plays"`
	// Best is the highest achievement among those plays, BestPlay the
	// first play that reached it.
	Best     maimai.Achievement `json:"best"`
	BestPlay int64              `json:"best_play"`
}

// PerChart counts plays (oldest first) per chart, most played first, then
// the chart first played first.
func PerChart(plays []Play) []ChartPlays {
	idx := map[maimai.Chart]int{}
	var out []ChartPlays
	for _, p := range plays {
		i, ok := idx[p.Chart]
		if !ok {
			i = len(out)
			idx[p.Chart] = i
			out = append(out, ChartPlays{Chart: p.Chart, Level: p.Level, Best: -1})
		}
		c := &out[i]
		c.Plays++
		if p.Achievement > c.Best {
			c.Best, c.BestPlay = p.Achievement, p.ID
		}
	}
	slices.SortStableFunc(out, func(a, b ChartPlays) int { return cmp.Compare(b.Plays, a.Plays) })
	return out
}

// Usual is each chart's usual achievement: the median of the player's
// plays of it, leaving out the plays in skip (a visit's own, so a visit is
// measured against the player's other days). A chart with no other play
// has no usual.
func Usual(plays []Play, skip map[int64]bool) map[maimai.Chart]maimai.Achievement {
	by := map[maimai.Chart][]maimai.Achievement{}
	for _, p := range plays {
		if !skip[p.ID] {
			by[p.Chart] = append(by[p.Chart], p.Achievement)
		}
	}
	out := make(map[maimai.Chart]maimai.Achievement, len(by))
	for c, as := range by {
		slices.Sort(as)
		n := len(as)
		if n%2 == 1 {
			out[c] = as[n/2]
		} else {
			out[c] = (as[n/2-1] + as[n/2]) / 2
		}
	}
	return out
}

// CurvePoint is one play of a visit against the player's usual on its
// chart: the warm-up and fatigue curve.
type CurvePoint struct {
	// N is the play's number within the visit, from 1.
	N      int   `json:"n"`
	PlayID int64 `json:"play_id"`
	// Delta is the achievement minus the usual, in percentage points;
	// Known is false for a chart with no other play (no usual).
	Delta float64 `json:"delta"`
	Known bool    `json:"known"`
	// Smooth is the mean Delta of the known points among this one and
	// the two before it: the curve's trend with one play's luck damped.
	Smooth      float64 `json:"smooth"`
	SmoothKnown bool    `json:"smooth_known"`
}

// WarmUp is the visit's plays (oldest first) against usual, one point per
// play in order. Maimai's track number (1–4) restarts with every credit,
// so the curve runs by the play's place in the whole visit instead.
func WarmUp(visit []Play, usual map[maimai.Chart]maimai.Achievement) []CurvePoint {
	out := make([]CurvePoint, len(visit))
	for i, p := range visit {
		out[i] = CurvePoint{N: i + 1, PlayID: p.ID}
		if u, ok := usual[p.Chart]; ok {
			out[i].Delta, out[i].Known = pct(p.Achievement-u), true
		}
	}
	for i := range out {
		var sum float64
		n := 0
		for j := max(0, i-2); j <= i; j++ {
			if out[j].Known {
				sum += out[j].Delta
				n++
			}
		}
		if n > 0 {
			out[i].Smooth, out[i].SmoothKnown = sum/float64(n), true
		}
	}
	return out
}

// Trend is the mean Delta of the first and the last third of a curve's
// known points: warmed up when late is above early, tired when below. ok
// is false with fewer than six known points, too few to tell luck from a
// trend.
func Trend(curve []CurvePoint) (early, late float64, ok bool) {
	var known []float64
	for _, p := range curve {
		if p.Known {
			known = append(known, p.Delta)
		}
	}
	if len(known) < 6 {
		return 0, 0, false
	}
	third := len(known) / 3
	mean := func(xs []float64) float64 {
		var s float64
		for _, x := range xs {
			s += x
		}
		return s / float64(len(xs))
	}
	return mean(known[:third]), mean(known[len(known)-third:]), true
}

// PartnerCount is a player met in the matching of plays, and how often.
type PartnerCount struct {
	Name  string `json:"name"`
	Plays int    `json:"plays"`
}

// Partners counts the names of each play's partners (from play details),
// most met first, then by name.
func Partners(perPlay [][]maimai.Partner) []PartnerCount {
	n := map[string]int{}
	for _, ps := range perPlay {
		seen := map[string]bool{}
		for _, p := range ps {
			if p.Name != "" && !seen[p.Name] {
				seen[p.Name] = true
				n[p.Name]++
			}
		}
	}
	out := make([]PartnerCount, 0, len(n))
	for name, c := range n {
		out = append(out, PartnerCount{Name: name, Plays: c})
	}
	slices.SortFunc(out, func(a, b PartnerCount) int {
		if c := cmp.Compare(b.Plays, a.Plays); c != 0 {
			return c
		}
		return cmp.Compare(a.Name, b.Name)
	})
	return out
}
