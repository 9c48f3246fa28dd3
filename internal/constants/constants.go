// Package constants learns the internal constants (定数) of charts from the
// rating the site printed after each play.
//
// A play detail page shows the player's rating after the play and its
// change. When the archive knows every best score just before the play, the
// B50 before and after can be computed for each constant the played chart's
// level allows; only the constants that give the printed ratings remain.
// Charts whose constant the song data lacks (new CN songs) are pinned this
// way, and the song data's constants of the other charts are checked
// against the same evidence.
//
// The check is sound when several charts are unknown at once: every other
// unknown chart is counted at its lowest and at its highest remaining
// constant, and a candidate stays unless the printed rating lies outside
// what those two extremes allow (a B50 total never falls when one chart's
// rating rises). Narrowing one chart narrows the extremes of the others, so
// the plays are swept again until nothing changes.
package constants

import (
	"slices"
	"sort"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/rating"
)

// Chart is one chart the player has best scores on.
type Chart struct {
	Key     rating.Key
	Level   string         // the level label ("13+"), which bounds the constant
	Version rating.Version // the version that added it (new or old table)
	// Constant is the song data's constant (its first known value when it
	// changed since), 0 when the song data has none: then it is estimated.
	Constant rating.Constant
	// Changes are later values of Constant, oldest first.
	Changes []Change
}

// Change is a constant the song data gave a chart from At on.
type Change struct {
	At       time.Time
	Constant rating.Constant
}

// Step is a best score as an improvement made it (the score history).
type Step struct {
	Chart       int // index into Input.Charts
	At          time.Time
	Achievement maimai.Achievement
	FC          maimai.FC
}

// Play is a play whose detail page printed the rating after it.
type Play struct {
	ID          int64 // the archive's play id, for links
	Chart       int   // index into Input.Charts
	At          time.Time
	Achievement maimai.Achievement
	FC          maimai.FC
	Rating      int // the rating after the play
	Delta       int // its change (the "+N" of the page)
}

// Input is the evidence: the charts, every best score's history, and the
// plays that printed a rating. Steps and Plays may come in any order.
type Input struct {
	// Rules gives the rules in force at a time; an error skips a play.
	Rules  func(time.Time) (rating.Rules, error)
	Charts []Chart
	Steps  []Step
	Plays  []Play
}

// Status says how sure an estimate is.
type Status string

// The statuses of an estimate.
const (
	// Certain: one constant fits every play.
	Certain Status = "certain"
	// Ranged: several constants fit; Candidates lists them.
	Ranged Status = "range"
	// Unpinned: no play narrowed the level's range.
	Unpinned Status = "unpinned"
	// Contradiction: a play fits no constant of the level (or, for a chart
	// the song data has, the song data's constant fits no play).
	Contradiction Status = "contradiction"
)

// Estimate is what the plays say of one chart's constant.
type Estimate struct {
	Chart int        `json:"-"` // index into Input.Charts
	Key   rating.Key `json:"chart"`
	Level string     `json:"level"`
	// Candidates are the constants that fit every play that fitted any,
	// lowest first.
	Candidates []rating.Constant `json:"candidates"`
	Status     Status            `json:"status"`
	// SongData is the song data's constant, 0 when it has none; Disagrees
	// is set when it is not among Candidates or a play contradicts it.
	SongData  rating.Constant `json:"song_data,omitempty"`
	Disagrees bool            `json:"disagrees,omitempty"`
	Evidence  []Evidence      `json:"evidence"`
}

// Evidence is one play on the chart and what it allowed.
type Evidence struct {
	PlayID      int64              `json:"play_id"`
	At          time.Time          `json:"at"`
	Achievement maimai.Achievement `json:"achievement"`
	Rating      int                `json:"rating"`
	Delta       int                `json:"delta"`
	// Allowed are the constants of the level this play allowed, of the
	// level's whole range (not only those other plays left), with the
	// other charts as the estimate ends them; empty when it contradicts.
	Allowed []rating.Constant `json:"allowed"`
}

// Result is every estimate with counts of the evidence.
type Result struct {
	// Estimates are the charts without a song-data constant that have at
	// least one play with a printed rating, then the charts whose song
	// data disagrees with the plays; by title, type and difficulty.
	Estimates []Estimate `json:"estimates"`
	// Plays counts the plays with a printed rating; Used those whose
	// rating before the play the archive could reproduce for some
	// constant (the rest are Unaligned: the archive lacks a best the site
	// counted, or the play is before DX rating).
	Plays, Used, Unaligned int
	// Confirmed counts the charts with a song-data constant that a play
	// could have moved and whose constant every such play fits.
	Confirmed int
}

// LevelRange is the constants a level label allows, lowest first: "13" is 13.0
// to 13.6 and "13+" 13.6 to 13.9 (13.6 was "13" before the "+" moved to
// x.6, so both keep it); levels 1 to 6 have no "+" and run to x.9; 15 is
// 15.0. ok is false for a label that is no level, or a utage one ("13?").
func LevelRange(level string) (lo, hi rating.Constant, ok bool) {
	plus := len(level) > 0 && level[len(level)-1] == '+'
	n := level
	if plus {
		n = level[:len(level)-1]
	}
	whole := 0
	for _, r := range n {
		if r < '0' || r > '9' {
			return 0, 0, false
		}
		whole = whole*10 + int(r-'0')
	}
	switch {
	case n == "" || whole < 1 || whole > 15 || len(n) > 2:
		return 0, 0, false
	case plus && (whole < 7 || whole > 14):
		return 0, 0, false
	case plus:
		return rating.Constant(whole*10 + 6), rating.Constant(whole*10 + 9), true
	case whole == 15:
		return 150, 150, true
	case whole < 7:
		return rating.Constant(whole * 10), rating.Constant(whole*10 + 9), true
	}
	return rating.Constant(whole * 10), rating.Constant(whole*10 + 6), true
}

// maxPasses bounds the sweeps: each narrows at least one chart, and a
// chart has at most 10 candidates, so this is rarely reached.
const maxPasses = 8

// Learn runs the estimator over in. It is a pure function of in.
func Learn(in Input) Result {
	res, _ := LearnMemory(in)
	return res
}

// learn runs the sweeps until nothing narrows (or maxPasses), then the
// recording sweep; it reports whether the sweeps settled.
func (e *estimator) learn() bool {
	settled := false
	for pass := 0; pass < maxPasses; pass++ {
		if !e.sweep(false) {
			settled = true
			break
		}
	}
	// The last sweep evaluates every play, records the evidence and checks
	// the song data's constants; it narrows nothing the sweeps above did
	// not, unless they stopped at maxPasses.
	e.sweep(true)
	return settled
}

type chartState struct {
	best     rating.Best
	present  bool
	unknown  bool              // estimated: the song data has no constant
	cands    []rating.Constant // an unknown chart's remaining constants
	levelLo  rating.Constant   // the level's range, for checking known charts
	levelHi  rating.Constant
	ranged   bool // the level gives a range
	counted  bool // contributes lo/hi ratings to table
	table    int8
	lo, hi   int32
	evidence []Evidence
	// contradicted is set when a play fitted no candidate; refuted when
	// a play refuted the song data's constant of a known chart.
	contradicted, refuted, checked bool
	// past counts the evidence of a chart with a song-data constant that
	// a Memory summed up instead of keeping (not refuted, so not shown):
	// pastMask has bit k set when each of those plays allowed levelLo+k,
	// pastEmpty when one allowed nothing.
	past      int
	pastMask  uint16
	pastEmpty bool
	// bucketed says the chart is in unsure[table][hi] at bpos.
	bucketed bool
	bpos     int
}

type chartChange struct {
	chart int
	Change
}

type estimator struct {
	in     Input
	charts []chartState
	steps  []int // indexes of in.Steps in time order
	plays  []int // indexes of in.Plays in time order
	// changes are every chart's constant changes in time order, and
	// nextCh the first not applied yet in this sweep.
	changes []chartChange
	nextCh  int
	// evaluate's scratch: the unsure charts tried jointly, the prefix
	// sums of each bound, and what fits.
	joint   []int
	pref    [2][]int
	okX     []bool
	okJ     [][]bool
	okJBuf  [][]bool
	idx     []int
	extras  []int
	xr      [][2]int
	unknown []int // the charts without a song-data constant
	// unsure[table][r] are the counted unknown charts with several
	// candidates whose highest rating is r: evaluate looks only at those
	// above the table's lowest counted rating, a few of hundreds.
	unsure [2][][]int
	// counts[bound][table][rating]: how many present charts have that
	// rating at the bound (0 lowest, 1 highest remaining constants).
	counts [2][2][]int32
	rules  rating.Rules
	ruled  bool
	res    Result
	// aligned and empty say of the last play evaluated whether the
	// archive's rating before it fitted and whether it allowed nothing
	// (Resume refuses to go on from either).
	aligned, empty bool
	// probe, when set, are the constants evaluate tries for the played
	// chart instead of its candidates, narrowing nothing and leaving what
	// they allow in probed: the evidence over the level's whole range.
	probe, probed []rating.Constant
}

func newEstimator(in Input) *estimator {
	e := &estimator{in: in, charts: make([]chartState, len(in.Charts))}
	for i, c := range in.Charts {
		s := &e.charts[i]
		s.levelLo, s.levelHi, s.ranged = LevelRange(c.Level)
		if c.Constant == 0 && !c.Key.Utage() {
			s.unknown = true
			e.unknown = append(e.unknown, i)
			if s.ranged {
				for k := s.levelLo; k <= s.levelHi; k++ {
					s.cands = append(s.cands, k)
				}
			}
		}
	}
	e.steps = make([]int, len(in.Steps))
	for i := range e.steps {
		e.steps[i] = i
	}
	sort.SliceStable(e.steps, func(i, j int) bool { return in.Steps[e.steps[i]].At.Before(in.Steps[e.steps[j]].At) })
	for i, c := range in.Charts {
		for _, ch := range c.Changes {
			e.changes = append(e.changes, chartChange{i, ch})
		}
	}
	sort.SliceStable(e.changes, func(i, j int) bool { return e.changes[i].At.Before(e.changes[j].At) })
	e.plays = make([]int, len(in.Plays))
	for i := range e.plays {
		e.plays[i] = i
	}
	sort.SliceStable(e.plays, func(i, j int) bool { return in.Plays[e.plays[i]].At.Before(in.Plays[e.plays[j]].At) })
	return e
}

// reset forgets every best, for a new sweep from the start.
func (e *estimator) reset(record bool) {
	for i := range e.charts {
		s := &e.charts[i]
		c := &e.in.Charts[i]
		s.best = rating.Best{Key: c.Key, Version: c.Version, Constant: c.Constant}
		s.present, s.counted = false, false
		if record {
			s.evidence, s.contradicted, s.refuted, s.checked = nil, false, false, false
			s.past, s.pastMask, s.pastEmpty = 0, 0, false
		}
	}
	e.clearCounts()
	e.ruled, e.nextCh = false, 0
	e.res = Result{}
}

// sweep walks the plays in time order with the bests as they stood before
// each, narrowing each unknown chart to what its plays allow. all also
// evaluates the plays on known charts and records the evidence. It
// reports whether a chart was narrowed.
func (e *estimator) sweep(all bool) bool {
	e.reset(all)
	narrowed := false
	next := 0
	for _, pi := range e.plays {
		p := &e.in.Plays[pi]
		for ; next < len(e.steps) && e.in.Steps[e.steps[next]].At.Before(p.At); next++ {
			st := &e.in.Steps[e.steps[next]]
			e.apply(st)
		}
		if p.Chart < 0 || p.Chart >= len(e.charts) || p.Rating <= 0 {
			continue
		}
		if all {
			e.res.Plays++
		}
		rules, err := e.in.Rules(p.At)
		if err != nil {
			if all {
				e.res.Unaligned++
			}
			continue
		}
		e.use(rules, p.At)
		x := &e.charts[p.Chart]
		if x.best.Key.Utage() || (!all && !x.unknown) {
			continue
		}
		if e.evaluate(p, all) {
			narrowed = true
		}
	}
	return narrowed
}

// apply takes a best score step.
func (e *estimator) apply(st *Step) {
	if st.Chart < 0 || st.Chart >= len(e.charts) {
		return
	}
	s := &e.charts[st.Chart]
	s.present = true
	s.best.Achievement, s.best.FC = st.Achievement, st.FC
	if e.ruled {
		e.recount(st.Chart)
	}
}

// use makes the rules of at current, with the song data's constants of at;
// a new version counts every chart again.
func (e *estimator) use(rules rating.Rules, at time.Time) {
	changed := !e.ruled || rules.Version != e.rules.Version || rules.Era != e.rules.Era || rules.Region != e.rules.Region
	for ; e.nextCh < len(e.changes) && !e.changes[e.nextCh].At.After(at); e.nextCh++ {
		ch := e.changes[e.nextCh]
		e.charts[ch.chart].best.Constant = ch.Constant
		if !changed {
			e.recount(ch.chart)
		}
	}
	if !changed {
		return
	}
	e.rules, e.ruled = rules, true
	e.clearCounts()
	for i := range e.charts {
		e.recount(i)
	}
}

// clearCounts empties the tables' counts and the unsure charts' buckets,
// so that no chart is counted.
func (e *estimator) clearCounts() {
	for b := range e.counts {
		for t := range e.counts[b] {
			clear(e.counts[b][t])
		}
	}
	for t := range e.unsure {
		for r := range e.unsure[t] {
			e.unsure[t][r] = e.unsure[t][r][:0]
		}
	}
	for i := range e.charts {
		e.charts[i].counted, e.charts[i].bucketed = false, false
	}
}

// bounds is chart s's rating at its lowest and highest constant.
func (e *estimator) bounds(s *chartState) (lo, hi int32) {
	if !s.unknown {
		r := int32(e.rules.Rating(s.best))
		return r, r
	}
	if len(s.cands) == 0 {
		return 0, 0 // nothing known: counts as an unknown chart does in the archive's rating
	}
	b := s.best
	b.Constant = s.cands[0]
	lo = int32(e.rules.Rating(b))
	b.Constant = s.cands[len(s.cands)-1]
	hi = int32(e.rules.Rating(b))
	return lo, hi
}

// recount moves chart i's contribution to its current best and bounds.
func (e *estimator) recount(i int) {
	s := &e.charts[i]
	e.uncount(s)
	if !s.present || s.best.Key.Utage() {
		return
	}
	s.table = int8(b2i(e.rules.IsNew(s.best)))
	s.lo, s.hi = e.bounds(s)
	e.add(0, s.table, s.lo, 1)
	e.add(1, s.table, s.hi, 1)
	s.counted = true
	if s.unknown && len(s.cands) > 1 {
		b := &e.unsure[s.table]
		for int(s.hi) >= len(*b) {
			*b = append(*b, nil)
		}
		s.bucketed, s.bpos = true, len((*b)[s.hi])
		(*b)[s.hi] = append((*b)[s.hi], i)
	}
}

func (e *estimator) uncount(s *chartState) {
	if !s.counted {
		return
	}
	e.add(0, s.table, s.lo, -1)
	e.add(1, s.table, s.hi, -1)
	s.counted = false
	if s.bucketed {
		l := e.unsure[s.table][s.hi]
		last := l[len(l)-1]
		l[s.bpos] = last
		e.charts[last].bpos = s.bpos
		e.unsure[s.table][s.hi] = l[:len(l)-1]
		s.bucketed = false
	}
}

func (e *estimator) add(bound int, table int8, r int32, n int32) {
	if r <= 0 {
		return // a zero rating adds nothing to a total
	}
	c := &e.counts[bound][table]
	for int(r) >= len(*c) {
		*c = append(*c, 0)
	}
	(*c)[r] += n
}

// top is the sum of a table's n highest ratings at a bound, and the n-th
// highest (0 when it has fewer): adding a chart of rating r then adds
// max(0, r − nth) to the sum.
func (e *estimator) top(bound int, table int8, n int) (sum, nth int) {
	c := e.counts[bound][table]
	for r := len(c) - 1; r > 0 && n > 0; r-- {
		k := min(int(c[r]), n)
		sum += k * r
		n -= k
		if n == 0 {
			nth = r
		}
	}
	return sum, nth
}

// maxJoint bounds the joint assignments of the played chart and the other
// unsure charts of its table that evaluate tries one by one; unsure
// charts beyond it count at their bounds only.
const maxJoint = 256

// evaluate checks play p against the constants its chart may have. The
// unsure charts of the played chart's table that could reach the table
// (at most maxJoint assignments) are tried jointly with it; every other
// chart counts at its bounds, and the other table, which the play does
// not change, adds one unknown amount between its bounds to both the
// rating before and after. It narrows every unknown chart tried and, when
// record, keeps the evidence. It reports whether it narrowed.
func (e *estimator) evaluate(p *Play, record bool) bool {
	x := &e.charts[p.Chart]
	// The evidence shows what this play allows of the level's whole
	// range, not of the constants other plays left: a row that says
	// "allows 13.7" of every play tells nothing of how 13.7 was found.
	// So an unknown chart already narrowed is first probed over its
	// level (the other charts as they stand; nothing narrows), then
	// evaluated as always.
	var shown []rating.Constant
	probed := false
	if record && x.unknown && x.ranged && e.probe == nil && len(x.cands) < int(x.levelHi-x.levelLo)+1 {
		for k := x.levelLo; k <= x.levelHi; k++ {
			e.probe = append(e.probe, k)
		}
		e.evaluate(p, false)
		shown, probed, e.probe = e.probed, true, nil
	}
	e.aligned, e.empty = true, false
	var cands []rating.Constant
	switch {
	case e.probe != nil:
		cands = e.probe
	case x.unknown:
		cands = x.cands
	case x.ranged:
		for k := x.levelLo; k <= x.levelHi; k++ {
			cands = append(cands, k)
		}
	default:
		cands = []rating.Constant{x.best.Constant}
	}
	if len(cands) == 0 {
		return false
	}
	e.uncount(x)
	t := int8(b2i(e.rules.IsNew(x.best)))
	sizes := [2]int{e.rules.OldSize, e.rules.NewSize}
	n := sizes[t]
	var olo, ohi int
	olo, _ = e.top(0, 1-t, sizes[1-t])
	ohi, _ = e.top(1, 1-t, sizes[1-t])

	// The unsure charts of the table that could enter it, widest first.
	_, nth := e.top(0, t, n)
	joint := e.joint[:0]
	// A chart the song data has is only checked, not learned from: the
	// others count at their bounds (sound, if less sharp), which keeps the
	// check of every play cheap.
	for r := len(e.unsure[t]) - 1; r > nth && x.unknown; r-- {
		for _, i := range e.unsure[t][r] {
			if i != p.Chart {
				joint = append(joint, i)
			}
		}
	}
	slices.SortStableFunc(joint, func(a, b int) int { return int(e.charts[b].hi-e.charts[b].lo) - int(e.charts[a].hi-e.charts[a].lo) })
	size := len(cands)
	k := 0
	for ; k < len(joint) && size*len(e.charts[joint[k]].cands) <= maxJoint; k++ {
		size *= len(e.charts[joint[k]].cands)
	}
	joint = joint[:k]
	e.joint = joint
	for _, i := range joint {
		e.uncount(&e.charts[i])
	}
	// The table's n highest of the rest, at each bound, as prefix sums.
	pref := &e.pref
	for b := range 2 {
		pref[b] = e.prefix(b, t, n, pref[b])
	}

	before := x.best
	if !x.present {
		before.Achievement, before.FC = 0, maimai.NoFC
	}
	after := before
	after.Achievement = max(before.Achievement, p.Achievement)
	if fcRank(p.FC) > fcRank(after.FC) {
		after.FC = p.FC
	}
	rb, ra := p.Rating-p.Delta, p.Rating
	// allowed[j] marks the constants of joint chart j (j = len(joint) for
	// the played chart) some fitting assignment gives it.
	okX := reuse(&e.okX, len(cands))
	okJ := e.okJ[:0]
	for j, i := range joint {
		if j == len(e.okJBuf) {
			e.okJBuf = append(e.okJBuf, nil)
		}
		okJ = append(okJ, reuse(&e.okJBuf[j], len(e.charts[i].cands)))
	}
	e.okJ = okJ
	idx := e.idx[:0]
	for range joint {
		idx = append(idx, 0)
	}
	e.idx = idx
	extras := e.extras[:0]
	aligned := false
	// The played chart's rating before and after at each candidate.
	xr := e.xr[:0]
	for _, c := range cands {
		before.Constant, after.Constant = c, c
		xr = append(xr, [2]int{e.rules.Rating(before), e.rules.Rating(after)})
	}
	e.xr = xr
	for {
		extras = extras[:0]
		for j, i := range joint {
			z := &e.charts[i]
			b := z.best
			b.Constant = z.cands[idx[j]]
			extras = append(extras, e.rules.Rating(b))
		}
		slices.SortFunc(extras, func(a, b int) int { return b - a })
		for ci := range cands {
			xb, xa := xr[ci][0], xr[ci][1]
			var tb, ta [2]int
			for b := range 2 {
				tb[b] = topWith(pref[b], n, extras, xb)
				ta[b] = topWith(pref[b], n, extras, xa)
			}
			// The other table's amount v: olo ≤ v ≤ ohi, and the rating
			// before and after each within this table's bounds plus v.
			vlo, vhi := max(olo, rb-tb[1], ra-ta[1]), min(ohi, rb-tb[0], ra-ta[0])
			if max(olo, rb-tb[1]) <= min(ohi, rb-tb[0]) {
				aligned = true
			}
			if vlo <= vhi {
				okX[ci] = true
				for j := range joint {
					okJ[j][idx[j]] = true
				}
			}
		}
		e.extras = extras
		j := 0
		for ; j < len(idx); j++ {
			if idx[j]++; idx[j] < len(e.charts[joint[j]].cands) {
				break
			}
			idx[j] = 0
		}
		if j == len(idx) {
			break
		}
	}
	for _, i := range joint {
		e.recount(i)
	}
	defer e.recount(p.Chart)

	var allowed []rating.Constant
	for ci, c := range cands {
		if okX[ci] {
			allowed = append(allowed, c)
		}
	}
	if e.probe != nil {
		e.probed = allowed
		return false
	}
	if !probed {
		shown = allowed
	}
	if record {
		if !aligned {
			e.res.Unaligned++
		} else {
			e.res.Used++
		}
	}
	e.aligned, e.empty = aligned, aligned && len(allowed) == 0
	if !aligned {
		return false // the archive's B50 before the play is not the site's: no evidence
	}
	if record {
		x.evidence = append(x.evidence, Evidence{PlayID: p.ID, At: p.At, Achievement: p.Achievement, Rating: p.Rating,
			Delta: p.Delta, Allowed: shown})
	}
	if len(allowed) == 0 {
		// Nothing fits: the played chart's plays are contradictory (or its
		// song data is wrong), and the other charts learn nothing from it.
		if x.unknown {
			x.contradicted = true
		} else if record {
			x.refuted = true
		}
		return false
	}
	narrowed := false
	for j, i := range joint {
		z := &e.charts[i]
		kept := z.cands[:0:0]
		for ci, c := range z.cands {
			if okJ[j][ci] {
				kept = append(kept, c)
			}
		}
		if len(kept) < len(z.cands) {
			z.cands, narrowed = kept, true
			e.recount(i)
		}
	}
	if !x.unknown {
		if record && x.ranged {
			// A play whose every level constant fits says nothing of the
			// song data; one that excludes some confirms or refutes it.
			if len(allowed) < len(cands) {
				x.checked = true
			}
			if !slices.Contains(allowed, x.best.Constant) {
				x.refuted = true
			}
		}
		return narrowed
	}
	if len(allowed) < len(x.cands) {
		x.cands, narrowed = allowed, true
	}
	return narrowed
}

// reuse is *buf cleared to n falses, grown when needed.
func reuse(buf *[]bool, n int) []bool {
	if cap(*buf) < n {
		*buf = make([]bool, n)
	}
	*buf = (*buf)[:n]
	clear(*buf)
	return *buf
}

// prefix is the sums of the table's highest ratings at a bound: p[j] is
// the sum of the j highest, for j up to n (short tables repeat the last).
func (e *estimator) prefix(bound int, table int8, n int, p []int) []int {
	p = append(p[:0], 0)
	c := e.counts[bound][table]
	sum := 0
	for r := len(c) - 1; r > 0 && len(p) <= n; r-- {
		for k := int32(0); k < c[r] && len(p) <= n; k++ {
			sum += r
			p = append(p, sum)
		}
	}
	for len(p) <= n {
		p = append(p, sum)
	}
	return p
}

// topWith is the sum of the n highest of the table (prefix sums pref) with
// the ratings extras (highest first) and x added: the best split between
// the highest j added ones and the table's n−j highest.
func topWith(pref []int, n int, extras []int, x int) int {
	best, sum, j := pref[n], 0, 0
	take := func(v int) {
		if j < n {
			sum += v
			j++
			best = max(best, sum+pref[n-j])
		}
	}
	placed := false
	for _, v := range extras {
		if !placed && x >= v {
			take(x)
			placed = true
		}
		take(v)
	}
	if !placed {
		take(x)
	}
	return best
}

// result collects the estimates after the recording sweep.
func (e *estimator) result() Result {
	res := e.res
	for i := range e.charts {
		s, c := &e.charts[i], &e.in.Charts[i]
		if len(s.evidence) == 0 && s.past == 0 {
			continue
		}
		est := Estimate{Chart: i, Key: c.Key, Level: c.Level, Evidence: s.evidence}
		if s.unknown {
			est.Candidates = append([]rating.Constant{}, s.cands...)
			lo, hi, _ := LevelRange(c.Level)
			switch {
			case s.contradicted:
				est.Status = Contradiction
			case len(s.cands) == 1:
				est.Status = Certain
			case len(s.cands) == int(hi-lo)+1:
				est.Status = Unpinned
			default:
				est.Status = Ranged
			}
			res.Estimates = append(res.Estimates, est)
			continue
		}
		// A known chart: its candidates are what every play allowed.
		est.SongData = s.best.Constant
		if !s.ranged {
			continue
		}
		var cands []rating.Constant
		contradicted := false
		for k := s.levelLo; k <= s.levelHi; k++ {
			ok := s.past == 0 || s.pastMask&(1<<(k-s.levelLo)) != 0
			for _, ev := range s.evidence {
				if !slices.Contains(ev.Allowed, k) {
					ok = false
					break
				}
			}
			if ok {
				cands = append(cands, k)
			}
		}
		contradicted = s.pastEmpty
		for _, ev := range s.evidence {
			if len(ev.Allowed) == 0 {
				contradicted = true
			}
		}
		if !s.refuted {
			if s.checked {
				res.Confirmed++
			}
			continue
		}
		est.Candidates, est.Disagrees = cands, true
		switch {
		case contradicted || len(cands) == 0:
			est.Status = Contradiction
		case len(cands) == 1:
			est.Status = Certain
		default:
			est.Status = Ranged
		}
		if est.Candidates == nil {
			est.Candidates = []rating.Constant{}
		}
		res.Estimates = append(res.Estimates, est)
	}
	sort.SliceStable(res.Estimates, func(i, j int) bool {
		a, b := res.Estimates[i], res.Estimates[j]
		if a.Disagrees != b.Disagrees {
			return !a.Disagrees
		}
		return keyLess(a.Key, b.Key)
	})
	if res.Estimates == nil {
		res.Estimates = []Estimate{}
	}
	return res
}

func keyLess(a, b rating.Key) bool {
	if a.Title != b.Title {
		return a.Title < b.Title
	}
	if a.Type != b.Type {
		return a.Type < b.Type
	}
	if a.Difficulty != b.Difficulty {
		return a.Difficulty < b.Difficulty
	}
	return a.SongID < b.SongID
}

// fcRank orders combo marks: none < FC < FC+ < AP < AP+.
func fcRank(f maimai.FC) int {
	return slices.Index([]maimai.FC{maimai.NoFC, maimai.FCN, maimai.FCP, maimai.AP, maimai.APP}, f) + 1
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
