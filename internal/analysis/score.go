// Package analysis turns judgement tables into where a player's
// achievement goes: the exact achievement of a table (the game's scoring
// weights, docs/rating.md "Achievement from a judgement table"), the
// achievement each note kind lost, aggregates of many plays (per chart,
// per level, over time) and the 分数线, the most GREATs, GOODs and MISSes a
// target achievement allows on a chart. The game's arithmetic is done in
// integers; float64 only for losses, averages and shares.
package analysis

import (
	"github.com/maiprobe/maiprobe/internal/maimai"
)

// Kind is a note kind, in the order the site's judgement table shows them.
type Kind int

// The note kinds.
const (
	Tap Kind = iota
	Hold
	Slide
	Touch
	Break
)

// Kinds lists every note kind in table order.
var Kinds = [5]Kind{Tap, Hold, Slide, Touch, Break}

// String is the kind's key: tap, hold, slide, touch, break (JSON keys and
// catalogue keys use it).
func (k Kind) String() string {
	return [...]string{"tap", "hold", "slide", "touch", "break"}[k]
}

// Weights are the note kinds' weights in the 100% part of the
// achievement, a TAP being 1: mai-tools' base scores 500/1000/1500/500/2500
// over 500 (docs/rating.md cites the sources).
var Weights = [5]int64{1, 2, 3, 1, 5}

// Table is a play's judgement table by kind. A standard chart's TOUCH row
// is all zero.
type Table [5]maimai.NoteJudgement

// TableOf is the table of a detail page's judgements (nil rows are zero).
func TableOf(j maimai.Judgements) Table {
	var t Table
	for k, r := range [5]*maimai.NoteJudgement{j.Tap, j.Hold, j.Slide, j.Touch, j.Break} {
		if r != nil {
			t[k] = *r
		}
	}
	return t
}

// Notes is the table's notes by kind.
func (t Table) Notes() [5]int {
	var n [5]int
	for k := range t {
		n[k] = t[k].Notes()
	}
	return n
}

// Perfect is the table of a play with every note a CRITICAL PERFECT on a
// chart with notes by kind.
func Perfect(notes [5]int) Table {
	var t Table
	for k, n := range notes {
		t[k].CriticalPerfect = n
	}
	return t
}

// Windows is what a judgement table does not tell apart but the
// achievement needs: of the BREAK PERFECTs, how many were in the inner
// window (75% of the BREAK bonus; the rest earn 50%), and of the BREAK
// GREATs how many were in the first (×0.8) and second (×0.6) window, the
// rest being in the third (×0.5).
type Windows struct {
	Perfect75, Great80, Great60 int
}

// Best is the windows that score highest for t: every BREAK PERFECT in the
// inner window, every BREAK GREAT in the first.
func Best(t Table) Windows {
	return Windows{Perfect75: t[Break].Perfect, Great80: t[Break].Great}
}

// Worst is the windows that score lowest for t.
func Worst(Table) Windows { return Windows{} }

// The exact achievement is (base·100000·brk + bonus·500·w) / (w·brk) in
// units of 0.0001%: base is the 100% part earned in tenths of a TAP, w the
// chart's total weight in TAPs, bonus the BREAK bonus earned in twentieths
// of one BREAK's share, brk the BREAKs. These are the integers of it.
type exact struct{ base, w, bonus, brk int64 }

func exactOf(t Table, win Windows) exact {
	var e exact
	for k, r := range t {
		e.w += Weights[k] * int64(r.Notes())
		if Kind(k) != Break {
			e.base += Weights[k] * int64(10*(r.CriticalPerfect+r.Perfect)+8*r.Great+5*r.Good)
		}
	}
	b := t[Break]
	great50 := b.Great - win.Great80 - win.Great60
	e.base += Weights[Break] * int64(10*(b.CriticalPerfect+b.Perfect)+8*win.Great80+6*win.Great60+5*great50+4*b.Good)
	e.bonus = int64(20*b.CriticalPerfect + 15*win.Perfect75 + 10*(b.Perfect-win.Perfect75) + 8*b.Great + 6*b.Good)
	e.brk = int64(b.Notes())
	return e
}

// value is the exact achievement as a fraction num/den of 0.0001%.
func (e exact) value() (num, den int64) {
	switch {
	case e.w == 0:
		return 0, 1
	case e.brk == 0:
		// No chart of the song data lacks BREAKs; a made-up one may.
		// Take the bonus as whole rather than divide by zero.
		return e.base*100000 + 10000*e.w, e.w
	}
	return e.base*100000*e.brk + e.bonus*500*e.w, e.w * e.brk
}

// Achievement is the achievement the game shows for table t with BREAK
// windows win: the 100% part shared among the notes by weight (a GREAT
// ×0.8 and a GOOD ×0.5, a BREAK GREAT ×0.8, ×0.6 or ×0.5 by window and a
// BREAK GOOD ×0.4), plus the 1% BREAK bonus shared among the BREAKs
// (CRITICAL PERFECT all of its share, PERFECT 75% or 50% by window, GREAT
// 40%, GOOD 30%), rounded down to 4 decimals.
func Achievement(t Table, win Windows) maimai.Achievement {
	num, den := exactOf(t, win).value()
	return maimai.Achievement(num / den)
}
