package analysis

import (
	"cmp"
	"math"
	"slices"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// LossUnits is how many units of loss make a percentage point. Losses are
// added up as whole units (1e-10 of a point) rather than as float64, so a
// sum does not depend on the order it was taken in: the totals the archive
// keeps per month and chart (added to at each import) and a from-scratch
// pass over the same plays give the same numbers to the last digit. A
// play loses at most 101 points, 1.01e12 units: 100,000 plays' sum is
// 1.01e17, far inside an int64.
const LossUnits = 1e10

// KindTotals is one note kind's sums over many plays.
type KindTotals struct {
	Notes, Great, Good, Miss int64
	// Loss is the kind's summed loss in LossUnits.
	Loss int64
}

// Totals are sums over many plays: what the mean and rates of a Summary
// are made of. Sums of sums are sums, so totals kept per month or per
// chart add up to any larger group's.
type Totals struct {
	Plays       int64
	Achievement int64 // the plays' achievements, in 0.0001%
	Fast, Late  int64
	Kinds       [5]KindTotals
}

// TotalsOf is one play's totals.
func TotalsOf(t Table, ach maimai.Achievement, fast, late int) Totals {
	loss := LossOf(t, ach).ByKind
	out := Totals{Plays: 1, Achievement: int64(ach), Fast: int64(fast), Late: int64(late)}
	for k := range Kinds {
		r := t[k]
		out.Kinds[k] = KindTotals{Notes: int64(r.Notes()), Great: int64(r.Great), Good: int64(r.Good), Miss: int64(r.Miss),
			Loss: int64(math.Round(loss[k] * LossUnits))}
	}
	return out
}

// Add adds o to t.
func (t *Totals) Add(o Totals) {
	t.Plays += o.Plays
	t.Achievement += o.Achievement
	t.Fast += o.Fast
	t.Late += o.Late
	for k := range Kinds {
		a, b := &t.Kinds[k], o.Kinds[k]
		a.Notes += b.Notes
		a.Great += b.Great
		a.Good += b.Good
		a.Miss += b.Miss
		a.Loss += b.Loss
	}
}

// Summary is the means and rates of the totals.
func (t Totals) Summary() Summary {
	s := Summary{Plays: int(t.Plays), Fast: int(t.Fast), Late: int(t.Late)}
	for _, k := range Kinds {
		x := t.Kinds[k]
		s.Kinds[k] = KindStats{Kind: k.String(), Notes: int(x.Notes), Great: int(x.Great), Good: int(x.Good), Miss: int(x.Miss)}
	}
	if t.Plays == 0 {
		return s
	}
	n := float64(t.Plays)
	for _, k := range Kinds {
		s.Kinds[k].Loss = float64(t.Kinds[k].Loss) / LossUnits / n
		s.Loss += s.Kinds[k].Loss
	}
	s.Achievement = float64(t.Achievement) / n / 10000
	return s
}

// SortCharts puts chart groups in ByChart's order: the charts played most
// first, ties the higher mean loss first, then by title, type and
// difficulty.
func SortCharts(gs []*ChartGroup) {
	slices.SortFunc(gs, func(x, y *ChartGroup) int {
		return cmp.Or(cmp.Compare(y.Plays, x.Plays), cmp.Compare(y.Loss, x.Loss),
			cmp.Compare(x.Chart.Title, y.Chart.Title), cmp.Compare(x.Chart.Type, y.Chart.Type),
			cmp.Compare(x.Chart.Difficulty.Index(), y.Chart.Difficulty.Index()))
	})
}

// SortLevels puts level groups in the game's order (13 < 13+ < 14),
// unknown levels last.
func SortLevels(gs []LevelGroup) {
	slices.SortFunc(gs, func(x, y LevelGroup) int {
		return cmp.Or(cmp.Compare(levelOrder(x.Level), levelOrder(y.Level)), cmp.Compare(x.Level, y.Level))
	})
}
