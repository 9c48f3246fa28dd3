package constants

import (
	"slices"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/rating"
)

// Memory is what a run of the estimator knew at its end, so the next run
// can go on from it when the archive only gained plays (Resume) instead
// of sweeping every play again.
type Memory struct {
	// Charts parallels Input.Charts.
	Charts []ChartMemory
	// Plays, Used and Unaligned are Result's counts.
	Plays, Used, Unaligned int
	// Last is the time of the latest play with a printed rating the run
	// saw: a best score step before it changes what those plays said.
	Last time.Time
	// Settled is set when the sweeps stopped because nothing narrowed
	// (not at maxPasses): only then are the candidates a fixed point that
	// new plays can be checked against.
	Settled bool
}

// ChartMemory is one chart's state: an unknown chart's candidates and
// every play's evidence; for a chart with a song-data constant that no
// play refuted, only what its evidence adds up to (Mask, Empty, Count),
// as the report shows none of it.
type ChartMemory struct {
	Seen bool // the run knew the chart (false: a chart new since)
	// Present, Achievement and FC are the chart's best after every step
	// before Last.
	Present     bool
	Achievement maimai.Achievement
	FC          maimai.FC
	Cands       []rating.Constant
	Evidence    []Evidence
	Count       int    // evidence summed up instead of kept
	Mask        uint16 // bit k: every summed play allowed the level's lowest+k
	Empty       bool   // a summed play allowed nothing
	Contradict  bool
	Refuted     bool
	Checked     bool
}

// LearnMemory is Learn, also giving the Memory to Resume from.
func LearnMemory(in Input) (Result, Memory) {
	e := newEstimator(in)
	settled := e.learn()
	return e.result(), e.memory(settled, in.Plays)
}

// Resume goes on from mem (a Memory of in.Charts; a chart without one is
// new) with in.Plays only the plays added since mem and in.Steps only the
// best score steps at or after mem.Last: the bests before are mem's. The
// caller makes sure no step before mem.Last was added or changed since.
// Resume gives what LearnMemory over the old and new plays and every
// step would, and ok, when it can tell that is so: every new play is after
// mem.Last and narrows no chart (then the old plays' candidates
// stand, and so does their evidence, which depends only on the
// candidates and the steps before each), no new play on an unknown chart
// is unaligned or allows nothing (what the sweeps from the level ranges
// would have made of those depends on their path), and no chart the
// plays confirmed so far is refuted by a new one (its old evidence was
// summed up, and the report would list it). Else ok is false and the
// caller runs LearnMemory over every play. Its work grows with the charts
// and the new plays and steps, not with the old ones.
func Resume(in Input, mem Memory) (res Result, next Memory, ok bool) {
	if !mem.Settled || len(mem.Charts) != len(in.Charts) {
		return Result{}, Memory{}, false
	}
	for _, p := range in.Plays {
		if !p.At.After(mem.Last) {
			return Result{}, Memory{}, false // a play not after every one already used
		}
	}
	e := newEstimator(in)
	e.restore(mem)
	step := 0
	for _, pi := range e.plays {
		p := &e.in.Plays[pi]
		for ; step < len(e.steps) && e.in.Steps[e.steps[step]].At.Before(p.At); step++ {
			e.apply(&e.in.Steps[e.steps[step]])
		}
		if p.Chart < 0 || p.Chart >= len(e.charts) || p.Rating <= 0 {
			continue
		}
		e.res.Plays++
		rules, err := e.in.Rules(p.At)
		if err != nil {
			e.res.Unaligned++
			continue
		}
		e.use(rules, p.At)
		x := &e.charts[p.Chart]
		if x.best.Key.Utage() {
			continue
		}
		// The memory's evidence is shared with the state it came from.
		x.evidence = slices.Clip(x.evidence)
		refuted := x.refuted
		if e.evaluate(p, true) {
			return Result{}, Memory{}, false
		}
		if x.unknown && (!e.aligned || e.empty) {
			return Result{}, Memory{}, false
		}
		if !x.unknown && x.refuted && !refuted && x.past > 0 {
			return Result{}, Memory{}, false
		}
	}
	last := mem.Last
	for _, p := range in.Plays {
		if p.At.After(last) {
			last = p.At
		}
	}
	m := e.memory(true, nil)
	m.Last = last
	return e.result(), m, true
}

// ResultOf is the Result a Memory holds, for in.Charts (mem's charts):
// what the run that made mem returned, without sweeping anything.
func ResultOf(in Input, mem Memory) (Result, bool) {
	if len(mem.Charts) != len(in.Charts) {
		return Result{}, false
	}
	e := newEstimator(in)
	e.restore(mem)
	// The song data's constants as the run left them: changed up to its
	// latest play.
	for _, ch := range e.changes {
		if !ch.At.After(mem.Last) {
			e.charts[ch.chart].best.Constant = ch.Constant
		}
	}
	return e.result(), true
}

// restore takes mem's candidates, evidence and bests, as the sweeps left
// them.
func (e *estimator) restore(mem Memory) {
	for i := range e.charts {
		s, m := &e.charts[i], &mem.Charts[i]
		if m.Seen && s.unknown {
			s.cands = slices.Clone(m.Cands)
		}
	}
	e.reset(true)
	for i := range e.charts {
		s, m := &e.charts[i], &mem.Charts[i]
		if !m.Seen {
			continue
		}
		s.present, s.best.Achievement, s.best.FC = m.Present, m.Achievement, m.FC
		s.evidence = m.Evidence // appended to only past its length: clipped when touched
		s.past, s.pastMask, s.pastEmpty = m.Count, m.Mask, m.Empty
		s.contradicted, s.refuted, s.checked = m.Contradict, m.Refuted, m.Checked
	}
	e.res.Plays, e.res.Used, e.res.Unaligned = mem.Plays, mem.Used, mem.Unaligned
}

// memory is the estimator's state after its recording sweep.
func (e *estimator) memory(settled bool, plays []Play) Memory {
	m := Memory{Charts: make([]ChartMemory, len(e.charts)), Plays: e.res.Plays, Used: e.res.Used,
		Unaligned: e.res.Unaligned, Settled: settled}
	for _, p := range plays {
		if p.At.After(m.Last) {
			m.Last = p.At
		}
	}
	for i := range e.charts {
		s := &e.charts[i]
		cm := ChartMemory{Seen: true, Contradict: s.contradicted, Refuted: s.refuted, Checked: s.checked,
			Count: s.past, Mask: s.pastMask, Empty: s.pastEmpty,
			Present: s.present, Achievement: s.best.Achievement, FC: s.best.FC}
		if s.unknown {
			cm.Cands = slices.Clone(s.cands)
		}
		if s.unknown || s.refuted || !s.ranged {
			cm.Evidence = slices.Clip(s.evidence) // never changed in place, only appended to
		} else if len(s.evidence) > 0 {
			if cm.Count == 0 {
				cm.Mask = 1<<(s.levelHi-s.levelLo+1) - 1
			}
			for _, ev := range s.evidence {
				var mask uint16
				for _, c := range ev.Allowed {
					mask |= 1 << (c - s.levelLo)
				}
				cm.Mask &= mask
				cm.Empty = cm.Empty || len(ev.Allowed) == 0
			}
			cm.Count += len(s.evidence)
		}
		m.Charts[i] = cm
	}
	return m
}
