package analysis

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// Target is what a 分数线 aims at: an achievement, a rank (its floor), or
// Rating more rating for the player (resolved by whoever knows the
// player's rating, into Achievement).
type Target struct {
	Achievement maimai.Achievement `json:"achievement"`
	Rank        maimai.Rank        `json:"rank,omitempty"`
	Rating      int                `json:"rating,omitempty"`
}

// rankNames are the spellings ParseTarget takes for each rank.
var rankNames = map[string]maimai.Rank{
	"sss+": maimai.RankSSSP, "sssp": maimai.RankSSSP, "sss": maimai.RankSSS,
	"ss+": maimai.RankSSP, "ssp": maimai.RankSSP, "ss": maimai.RankSS,
	"s+": maimai.RankSP, "sp": maimai.RankSP, "s": maimai.RankS,
	"aaa": maimai.RankAAA, "aa": maimai.RankAA, "a": maimai.RankA,
}

// ParseTarget reads a target: an achievement ("100.5", "100.5%"), a rank
// ("sss+", "SSS", "ss+", … "a"), or "+N" for the achievement that adds N
// to the player's rating (N from 1 to 100).
func ParseTarget(s string) (Target, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if r, ok := rankNames[s]; ok {
		return Target{Achievement: RankFloor(r), Rank: r}, nil
	}
	if n, ok := strings.CutPrefix(s, "+"); ok {
		v, err := strconv.Atoi(n)
		if err != nil || v < 1 || v > 100 {
			return Target{}, fmt.Errorf("target %q: +N must be a whole number of rating from 1 to 100, e.g. +5", s)
		}
		return Target{Rating: v}, nil
	}
	a, err := maimai.ParseAchievement(s)
	if err != nil || a > maimai.MaxAchievement {
		return Target{}, fmt.Errorf("target %q: give an achievement up to 101 (e.g. 100.5), a rank (sss+, sss, ss+, ss, s+, s, aaa) or +N rating", s)
	}
	return Target{Achievement: a}, nil
}

// RankFloor is the lowest achievement of rank r (maimai.RankOf's floors,
// found by bisection so the table stays in one place).
func RankFloor(r maimai.Rank) maimai.Achievement {
	order := func(x maimai.Rank) int {
		for i, k := range []maimai.Rank{maimai.RankD, maimai.RankC, maimai.RankB, maimai.RankBB, maimai.RankBBB,
			maimai.RankA, maimai.RankAA, maimai.RankAAA, maimai.RankS, maimai.RankSP, maimai.RankSS,
			maimai.RankSSP, maimai.RankSSS, maimai.RankSSSP} {
			if k == x {
				return i
			}
		}
		return -1
	}
	want := order(r)
	return maimai.Achievement(sort.Search(int(maimai.MaxAchievement)+1, func(a int) bool {
		return order(maimai.RankOf(maimai.Achievement(a))) >= want
	}))
}

// Allowed is the most of each judgement of one note kind a target allows,
// every other note a CRITICAL PERFECT. For a BREAK, Great counts GREATs of
// the lowest window (×0.5 of the note, 40% of its bonus), so that any mix
// of GREAT windows up to that many still reaches the target; Perfect
// counts PERFECTs of the lower window (50% of the bonus; CN players call
// one "100落", as their bots count a quarter of the bonus lost as "50落")
// and PerfectHigh of the higher (75%, "50落").
type Allowed struct {
	Great       int  `json:"great"`
	Good        int  `json:"good"`
	Miss        int  `json:"miss"`
	Perfect     *int `json:"perfect,omitempty"`
	PerfectHigh *int `json:"perfect_high,omitempty"`
}

// Cost is what one judgement of a kind loses, in percentage points, every
// other note a CRITICAL PERFECT (BREAK GREAT: the lowest window; BREAK
// PERFECT: the lower and the higher window).
type Cost struct {
	Great       float64  `json:"great"`
	Good        float64  `json:"good"`
	Miss        float64  `json:"miss"`
	Perfect     *float64 `json:"perfect,omitempty"`
	PerfectHigh *float64 `json:"perfect_high,omitempty"`
}

// Line is the 分数线 of one chart and target.
type Line struct {
	Target maimai.Achievement `json:"target"`
	// Max is the chart's highest achievement (101%, all CRITICAL PERFECT).
	Max maimai.Achievement `json:"max"`
	// Reachable is false when the target is above Max; Allowed is zero then.
	Reachable bool `json:"reachable"`
	// Allowance is the loss the target allows, in percentage points: what
	// may go to BREAK PERFECTs, GREATs and so on, in any mix.
	Allowance float64            `json:"allowance"`
	Notes     map[string]int     `json:"notes"`
	Allowed   map[string]Allowed `json:"allowed"`
	Each      map[string]Cost    `json:"each"`
}

// NewLine is the 分数线 of a chart with notes by kind for target.
func NewLine(notes [5]int, target maimai.Achievement) (Line, error) {
	total := 0
	for _, n := range notes {
		if n < 0 {
			return Line{}, fmt.Errorf("analysis: negative note count")
		}
		total += n
	}
	if total == 0 {
		return Line{}, fmt.Errorf("the chart's note counts are not known: sync song data that has them (maiprobe songs sync)")
	}
	perfect := Perfect(notes)
	maxNum, maxDen := exactOf(perfect, Windows{}).value()
	l := Line{Target: target, Max: Achievement(perfect, Windows{}), Notes: map[string]int{},
		Allowed: map[string]Allowed{}, Each: map[string]Cost{}}
	l.Reachable = target <= l.Max
	if l.Reachable {
		l.Allowance = float64(maxNum)/float64(maxDen)/10000 - float64(target)/10000
	}
	for _, k := range Kinds {
		l.Notes[k.String()] = notes[k]
		if notes[k] == 0 {
			continue
		}
		// with is the table with n notes of kind k judged by set.
		most := func(set func(r *maimai.NoteJudgement, n int)) int {
			if !l.Reachable {
				return 0
			}
			return sort.Search(notes[k]+1, func(n int) bool { return Achievement(with(notes, k, n, set), Windows{}) < target }) - 1
		}
		cost := func(set func(r *maimai.NoteJudgement, n int)) float64 {
			num, den := exactOf(with(notes, k, 1, set), Windows{}).value()
			return (float64(maxNum)/float64(maxDen) - float64(num)/float64(den)) / 10000
		}
		great := func(r *maimai.NoteJudgement, n int) { r.Great += n }
		good := func(r *maimai.NoteJudgement, n int) { r.Good += n }
		miss := func(r *maimai.NoteJudgement, n int) { r.Miss += n }
		a := Allowed{Great: most(great), Good: most(good), Miss: most(miss)}
		c := Cost{Great: cost(great), Good: cost(good), Miss: cost(miss)}
		if k == Break {
			low := func(r *maimai.NoteJudgement, n int) { r.Perfect += n }
			p, pc := most(low), cost(low)
			a.Perfect, c.Perfect = &p, &pc
			// The higher PERFECT window: a PERFECT counted in Windows.
			high := func(n int) maimai.Achievement {
				t := with(notes, k, n, low)
				return Achievement(t, Windows{Perfect75: n})
			}
			ph := 0
			if l.Reachable {
				ph = sort.Search(notes[k]+1, func(n int) bool { return high(n) < target }) - 1
			}
			num, den := exactOf(with(notes, k, 1, low), Windows{Perfect75: 1}).value()
			phc := (float64(maxNum)/float64(maxDen) - float64(num)/float64(den)) / 10000
			a.PerfectHigh, c.PerfectHigh = &ph, &phc
		}
		l.Allowed[k.String()] = a
		l.Each[k.String()] = c
	}
	return l, nil
}

// with is the all-CRITICAL table of notes with n notes of kind k moved
// from CRITICAL PERFECT to what set gives them.
func with(notes [5]int, k Kind, n int, set func(r *maimai.NoteJudgement, n int)) Table {
	t := Perfect(notes)
	t[k].CriticalPerfect -= n
	set(&t[k], n)
	return t
}
