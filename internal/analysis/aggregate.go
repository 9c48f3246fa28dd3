package analysis

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// Sample is one play with a judgement table, what the aggregates read.
type Sample struct {
	At          time.Time
	Chart       maimai.Chart
	Level       string // the chart's level label ("13+"), "" when unknown
	Achievement maimai.Achievement
	Table       Table
	Fast, Late  int
	// tot is the play's Totals once an aggregate has computed them
	// (hasTot), so four aggregates of one set of samples compute each
	// play's loss once.
	tot    Totals
	hasTot bool
}

// Totals is the play's totals (TotalsOf).
func (x *Sample) Totals() Totals {
	if !x.hasTot {
		x.tot, x.hasTot = TotalsOf(x.Table, x.Achievement, x.Fast, x.Late), true
	}
	return x.tot
}

// KindStats is one note kind over many plays.
type KindStats struct {
	Kind  string `json:"kind"`
	Notes int    `json:"notes"` // the kind's notes over every play
	Great int    `json:"great"`
	Good  int    `json:"good"`
	Miss  int    `json:"miss"`
	// Loss is the mean achievement the kind lost per play, in percentage
	// points (LossOf).
	Loss float64 `json:"loss"`
}

// rate is n over the kind's notes, 0 when there are none.
func (k KindStats) rate(n int) float64 {
	if k.Notes == 0 {
		return 0
	}
	return float64(n) / float64(k.Notes)
}

// GreatRate is the share of the kind's notes judged GREAT.
func (k KindStats) GreatRate() float64 { return k.rate(k.Great) }

// GoodRate is the share of the kind's notes judged GOOD.
func (k KindStats) GoodRate() float64 { return k.rate(k.Good) }

// MissRate is the share of the kind's notes missed.
func (k KindStats) MissRate() float64 { return k.rate(k.Miss) }

// Summary is many plays' judgements together.
type Summary struct {
	Plays int          `json:"plays"`
	Kinds [5]KindStats `json:"kinds"`
	// Loss is the mean total loss per play (percentage points of 101%),
	// Achievement the mean achievement in percent.
	Loss        float64 `json:"loss"`
	Achievement float64 `json:"achievement"`
	Fast        int     `json:"fast"`
	Late        int     `json:"late"`
}

// FastShare is FAST over FAST and LATE, 0.5 when there are neither.
func (s Summary) FastShare() float64 {
	if s.Fast+s.Late == 0 {
		return 0.5
	}
	return float64(s.Fast) / float64(s.Fast+s.Late)
}

// Worst is the kind that lost the most on average (ties: table order).
func (s Summary) Worst() Kind {
	w := Tap
	for _, k := range Kinds {
		if s.Kinds[k].Loss > s.Kinds[w].Loss {
			w = k
		}
	}
	return w
}

// Summarize is every sample together.
func Summarize(samples []Sample) Summary {
	var a Totals
	for i := range samples {
		a.Add(samples[i].Totals())
	}
	return a.Summary()
}

// LevelGroup is the plays of one level.
type LevelGroup struct {
	Level string `json:"level"`
	Summary
}

// ByLevel groups the samples by level label, in the game's order (13 <
// 13+ < 14), plays of unknown level last under "".
func ByLevel(samples []Sample) []LevelGroup {
	m := map[string]*Totals{}
	for i := range samples {
		x := &samples[i]
		a := m[x.Level]
		if a == nil {
			a = &Totals{}
			m[x.Level] = a
		}
		a.Add(x.Totals())
	}
	out := make([]LevelGroup, 0, len(m))
	for lv, a := range m {
		out = append(out, LevelGroup{Level: lv, Summary: a.Summary()})
	}
	SortLevels(out)
	return out
}

// levelOrder orders level labels: "13" is 130, "13+" 137 (x.7 and up were
// "+"; only the order matters), unknown labels after every level.
func levelOrder(s string) int {
	plus := strings.HasSuffix(s, "+")
	n, err := strconv.Atoi(strings.TrimSuffix(s, "+"))
	if err != nil {
		return 1 << 30
	}
	if plus {
		return n*10 + 7
	}
	return n * 10
}

// ChartGroup is the plays of one chart.
type ChartGroup struct {
	Chart maimai.Chart `json:"chart"`
	Level string       `json:"level,omitempty"`
	Summary
}

// ByChart groups the samples by chart, the charts played most first
// (ties: the higher mean loss first, then title).
func ByChart(samples []Sample) []ChartGroup {
	type group struct {
		level string
		Totals
	}
	m := map[maimai.Chart]*group{}
	for i := range samples {
		x := &samples[i]
		g := m[x.Chart]
		if g == nil {
			g = &group{level: x.Level}
			m[x.Chart] = g
		}
		g.Add(x.Totals())
	}
	// Sorted as pointers: a ChartGroup is large, and a player may have
	// played thousands of charts.
	ptrs := make([]*ChartGroup, 0, len(m))
	for c, g := range m {
		ptrs = append(ptrs, &ChartGroup{Chart: c, Level: g.level, Summary: g.Summary()})
	}
	SortCharts(ptrs)
	out := make([]ChartGroup, len(ptrs))
	for i, g := range ptrs {
		out[i] = *g
	}
	return out
}

// Period is one step of a trend: the plays of a calendar month.
type Period struct {
	Start time.Time `json:"start"` // the first of the month, midnight, in the clock given to Monthly
	Summary
}

// Monthly groups the samples by calendar month in loc, oldest first;
// months without a sample are left out.
func Monthly(samples []Sample, loc *time.Location) []Period {
	m := map[time.Time]*Totals{}
	for i := range samples {
		x := &samples[i]
		start := MonthOf(x.At, loc)
		a := m[start]
		if a == nil {
			a = &Totals{}
			m[start] = a
		}
		a.Add(x.Totals())
	}
	out := make([]Period, 0, len(m))
	for t, a := range m {
		out = append(out, Period{Start: t, Summary: a.Summary()})
	}
	slices.SortFunc(out, func(x, y Period) int { return x.Start.Compare(y.Start) })
	return out
}

// MonthOf is the first of t's calendar month in loc, at midnight.
func MonthOf(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, loc)
}

// Finding is one sentence of the analysis: at a level ("" for every
// level), the kind that lost the most, with its mean loss per play.
type Finding struct {
	Level string  `json:"level,omitempty"`
	Kind  string  `json:"kind"`
	Loss  float64 `json:"loss"`
	Plays int     `json:"plays"`
	// Share is the kind's part of the mean total loss (0–1).
	Share float64 `json:"share"`
}

// Findings are the sentences a player wants: overall, then for the at
// most maxLevels levels played most (of those with at least minPlays
// plays), in the game's order, which kind costs the most and how much.
// Groups that lost nothing say nothing.
func Findings(all Summary, levels []LevelGroup, minPlays, maxLevels int) []Finding {
	var out []Finding
	add := func(level string, s Summary) {
		if s.Plays == 0 || s.Loss <= 0 {
			return
		}
		k := s.Worst()
		out = append(out, Finding{Level: level, Kind: k.String(), Loss: s.Kinds[k].Loss, Plays: s.Plays, Share: s.Kinds[k].Loss / s.Loss})
	}
	add("", all)
	var most []LevelGroup
	for _, g := range levels {
		if g.Level != "" && g.Plays >= minPlays {
			most = append(most, g)
		}
	}
	slices.SortStableFunc(most, func(x, y LevelGroup) int { return cmp.Compare(y.Plays, x.Plays) })
	most = most[:min(len(most), maxLevels)]
	slices.SortStableFunc(most, func(x, y LevelGroup) int { return cmp.Compare(levelOrder(x.Level), levelOrder(y.Level)) })
	for _, g := range most {
		add(g.Level, g.Summary)
	}
	return out
}
