package analysis

import "github.com/maiprobe/maiprobe/internal/maimai"

// Loss is what a play lost of the 101% by note kind, in percentage points
// (0.31 is 0.31%). A TAP, HOLD, SLIDE or TOUCH's loss is exact: a GREAT
// loses a fifth of the note's weight, a GOOD half, a MISS all of it, a
// non-BREAK PERFECT nothing. A BREAK's is not: the page counts its
// PERFECTs and GREATs without their windows, so the table allows a range
// (BreakMin to BreakMax); ByKind[Break] is the play's shown achievement
// minus the other kinds' exact losses, taken into that range.
type Loss struct {
	ByKind             [5]float64
	BreakMin, BreakMax float64
}

// Total is the loss of every kind: 101% minus the achievement (up to the
// 0.0001% the shown achievement is rounded down by).
func (l Loss) Total() float64 {
	s := 0.0
	for _, v := range l.ByKind {
		s += v
	}
	return s
}

// LossOf is the loss of a play with table t whose achievement was shown
// as a.
func LossOf(t Table, a maimai.Achievement) Loss {
	var l Loss
	e := exactOf(t, Best(t))
	if e.w == 0 {
		return l
	}
	w := float64(e.w)
	// 100% × weight × lost tenths / (10 × total weight).
	for _, k := range Kinds[:Break] {
		r := t[k]
		l.ByKind[k] = 10 * float64(Weights[k]) * float64(2*r.Great+5*r.Good+10*r.Miss) / w
	}
	l.BreakMin = breakLoss(t, Best(t), e.w)
	l.BreakMax = breakLoss(t, Worst(t), e.w)
	// What the shown achievement leaves for the BREAKs: 101% minus it
	// minus the other kinds, less half the 0.0001% it was rounded down by.
	rest := float64(maimai.MaxAchievement-a)/10000 - 0.00005
	for _, v := range l.ByKind[:Break] {
		rest -= v
	}
	l.ByKind[Break] = min(max(rest, l.BreakMin), l.BreakMax)
	return l
}

// breakLoss is the BREAKs' loss of t with windows win: their part of the
// 100% and of the 1% bonus.
func breakLoss(t Table, win Windows, w int64) float64 {
	b := t[Break]
	if b.Notes() == 0 {
		return 0
	}
	great50 := b.Great - win.Great80 - win.Great60
	// tenths of a TAP lost of the 100% part; twentieths of a share lost of the bonus.
	base := Weights[Break] * int64(2*win.Great80+4*win.Great60+5*great50+6*b.Good+10*b.Miss)
	bonus := int64(5*win.Perfect75 + 10*(b.Perfect-win.Perfect75) + 12*b.Great + 14*b.Good + 20*b.Miss)
	return 10*float64(base)/float64(w) + float64(bonus)/(20*float64(b.Notes()))
}
