// Package rating holds the rating rules of maimai DX as pure functions over
// integers: the per-chart rating of each era, the player's rating (B50, or
// B40 and the older SD/DX split), DX stars, the rating colour bands, the
// achievement a chart needs for its next rating step, and version plates.
// Every number comes from shared/docs/rating-rules.md; docs/rating.md says
// what is implemented and which open points were decided how.
package rating

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// Constant is a chart's internal level (定数) in tenths: 13.7 is 137.
type Constant int32

// ParseConstant reads "13.7" or "13" exactly.
func ParseConstant(s string) (Constant, error) {
	s = strings.TrimSpace(s)
	whole, frac, _ := strings.Cut(s, ".")
	w, err := strconv.Atoi(whole)
	if err != nil || w < 0 || len(frac) > 1 {
		return 0, fmt.Errorf("rating: constant %q: want a level with at most one decimal, such as 13.7", s)
	}
	f := 0
	if frac != "" {
		if f, err = strconv.Atoi(frac); err != nil || f < 0 {
			return 0, fmt.Errorf("rating: constant %q: not a number", s)
		}
	}
	return Constant(w*10 + f), nil
}

// String prints the constant with one decimal, such as "13.7".
func (c Constant) String() string { return fmt.Sprintf("%d.%d", c/10, c%10) }

// Era is a generation of the rating formula (rating-rules.md §5).
type Era int

// The eras, oldest first.
const (
	// EraTypeSplit is era A: best 25 standard charts plus best 15 DX
	// charts, split by chart type, with the table topped by 15.
	EraTypeSplit Era = iota + 1
	// EraB40 is era B: best 25 old plus best 15 new charts, split by
	// version, with the table topped by 14.
	EraB40
	// EraB50 is era C: best 35 old plus best 15 new charts, with the
	// table topped by 22.4.
	EraB50
)

// String names the era as players do.
func (e Era) String() string {
	switch e {
	case EraTypeSplit:
		return "SD25+DX15"
	case EraB40:
		return "B40"
	case EraB50:
		return "B50"
	}
	return "unknown era"
}

// factorRow is one row of a factor table: achievements from min up earn
// factor (in tenths: 22.4 is 224).
type factorRow struct {
	min    maimai.Achievement
	factor int64
}

// factorsB50 is the current table (§3): DF, LX and DXR agree, edge rows
// included. TH, a JP source, lacks the 98.9999 and 79.9999 rows; DXR, a
// JP/intl tool, has them, so every region uses the full table (open
// point 1).
var factorsB50 = []factorRow{
	{1005000, 224}, {1004999, 222}, {1000000, 216}, {999999, 214},
	{995000, 211}, {990000, 208}, {989999, 206}, {980000, 203},
	{970000, 200}, {969999, 176}, {940000, 168}, {900000, 152},
	{800000, 136}, {799999, 128}, {750000, 120}, {700000, 112},
	{600000, 96}, {500000, 80}, {400000, 64}, {300000, 48},
	{200000, 32}, {100000, 16}, {0, 0},
}

// factorsB40 is era B's table (§5, DF-hist 056207e4 after the e28a2806
// fix of 13.25 → 13.2 and 12.75 → 12.7).
var factorsB40 = []factorRow{
	{1005000, 140}, {1000000, 135}, {995000, 132}, {990000, 130},
	{980000, 127}, {970000, 125}, {940000, 105}, {900000, 95},
	{800000, 85}, {750000, 75}, {700000, 70}, {600000, 60},
	{500000, 50}, {0, 0},
}

// factorsTypeSplit is era A's table (§5), including its 99.99 row.
var factorsTypeSplit = []factorRow{
	{1005000, 150}, {1000000, 140}, {999900, 135}, {995000, 130},
	{990000, 120}, {980000, 110}, {970000, 100}, {940000, 94},
	{900000, 90}, {800000, 80}, {750000, 75}, {700000, 70},
	{600000, 60}, {500000, 50}, {0, 0},
}

// capAchievement is where achievement stops counting (100.5%).
const capAchievement maimai.Achievement = 1005000

// Rules are the rating rules in force in one region under one game
// version. Build them with RulesFor.
type Rules struct {
	Region  maimai.Region
	Version Version // the version the cabinets run
	Era     Era
	// OldSize and NewSize are how many charts of each table count: 35 and
	// 15 in the B50 era, 25 and 15 before. In EraTypeSplit "old" holds the
	// standard charts and "new" the DX charts.
	OldSize, NewSize int
	// APBonus adds 1 to the rating of every AP or AP+ chart (JP and intl
	// from CiRCLE).
	APBonus bool
	// FirstNew is the oldest chart version counted as new: the current
	// version, or from CiRCLE on the one before it too.
	FirstNew Version
	// PlusFrom is the tenth from which a level label gets its "+": 6 (x.6
	// is "x+") from BUDDiES PLUS in JP/intl and 舞萌DX 2025 in CN, 7 before.
	PlusFrom Constant

	factors []factorRow
	bands   []Band
}

// RulesFor returns the rules of region r under game version v: for CN one
// of CNVersions, for JP and intl a DX-era version (DX rating did not exist
// before maimai でらっくす). Unknown versions are an error rather than a
// guess, since a new version may change the rules (open point 6: CN is
// expected to take CiRCLE's AP bonus and two-version B15 some day).
func RulesFor(r maimai.Region, v Version) (Rules, error) {
	rules := Rules{Region: r, Version: v, FirstNew: v, PlusFrom: 7}
	switch r {
	case maimai.CN:
		if !v.isCN() {
			return Rules{}, fmt.Errorf("rating: %s is not a 舞萌DX version; want one of %v", v, CNVersions())
		}
		switch {
		case v < CN2021:
			rules.Era = EraTypeSplit
		case v < CN2023:
			rules.Era = EraB40
		default:
			rules.Era = EraB50
		}
		if v >= CN2025 {
			rules.PlusFrom = 6
		}
	case maimai.JP, maimai.Intl:
		if !v.Valid() || v < DX {
			return Rules{}, fmt.Errorf("rating: %s has no DX rating in %s; want maimaiでらっくす or later", v, r)
		}
		switch {
		case v < Splash:
			rules.Era = EraTypeSplit
		case v < Universe:
			// JP's era dates are inferred from CN's (rating-rules.md §5).
			rules.Era = EraB40
		default:
			rules.Era = EraB50
		}
		if v >= BuddiesPlus {
			rules.PlusFrom = 6
		}
		if v >= Circle {
			rules.APBonus = true
			rules.FirstNew = v.Previous()
		}
	default:
		return Rules{}, fmt.Errorf("rating: unknown region %q", r)
	}
	switch rules.Era {
	case EraTypeSplit:
		rules.OldSize, rules.NewSize = 25, 15
		rules.factors, rules.bands = factorsTypeSplit, bandsB40
	case EraB40:
		rules.OldSize, rules.NewSize = 25, 15
		rules.factors, rules.bands = factorsB40, bandsB40
	case EraB50:
		rules.OldSize, rules.NewSize = 35, 15
		rules.factors, rules.bands = factorsB50, bandsB50
	}
	return rules, nil
}

// RulesAt returns the rules a region's cabinets used at time t, for
// recomputing historical ratings: VersionAt, then RulesFor. Intl has no
// dates; use RulesFor with the version the page shows.
func RulesAt(r maimai.Region, t time.Time) (Rules, error) {
	v, err := VersionAt(r, t)
	if err != nil {
		return Rules{}, err
	}
	return RulesFor(r, v)
}

// Factor is the rank factor, in tenths, an achievement earns: 224 for
// SSS+ in the B50 era.
func (r Rules) Factor(a maimai.Achievement) int {
	for _, row := range r.factors {
		if a >= row.min {
			return int(row.factor)
		}
	}
	return 0
}

// ChartRating is one chart's rating: floor(constant × factor ×
// min(achievement, 100.5%)), computed in integers, plus the AP bonus where
// the rules have it. Utage charts have no rating; callers with a Best use
// Rules.Rating, which knows.
func (r Rules) ChartRating(c Constant, a maimai.Achievement, fc maimai.FC) int {
	if c <= 0 || a <= 0 {
		return 0
	}
	capped := min(a, capAchievement)
	// const10 × factor10 × ach4 is 10^8 times the rating; the largest
	// product, 150 × 224 × 1005000, needs int64.
	n := int(int64(c) * int64(r.Factor(a)) * int64(capped) / 100_000_000)
	if r.APBonus && (fc == maimai.AP || fc == maimai.APP) {
		n++
	}
	return n
}

// Level is the label the site prints for a constant under these rules:
// 13.6 is "13+" from BUDDiES PLUS (JP) or 舞萌DX 2025 (CN) on and "13"
// before. Only levels 7 to 14 have a "+".
func (r Rules) Level(c Constant) string {
	whole, tenth := c/10, c%10
	label := strconv.Itoa(int(whole))
	if whole >= 7 && whole <= 14 && tenth >= r.PlusFrom {
		label += "+"
	}
	return label
}
