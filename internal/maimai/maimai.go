// Package maimai holds the game's vocabulary as plain Go types: regions,
// chart types and difficulties, ranks, combo and sync marks, achievements,
// and the records a player's archive is made of (plays, scores, profile
// snapshots, photos). It imports nothing of the project; every other
// package speaks in these types.
package maimai

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Region is the server a page came from.
type Region string

// The three regions of maimai DX NET.
const (
	CN   Region = "cn"   // 舞萌DX, maimai.wahlap.com
	Intl Region = "intl" // maimaidx-eng.com
	JP   Region = "jp"   // maimaidx.jp
)

var (
	zoneCN = time.FixedZone("UTC+8", 8*3600)
	zoneJP = time.FixedZone("UTC+9", 9*3600)
)

// Location is the time zone the region's pages print their times in:
// CN is UTC+8, intl and JP are UTC+9. Unknown regions get UTC.
func (r Region) Location() *time.Location {
	switch r {
	case CN:
		return zoneCN
	case Intl, JP:
		return zoneJP
	}
	return time.UTC
}

// Valid reports whether r is one of the three known regions.
func (r Region) Valid() bool { return r == CN || r == Intl || r == JP }

// ChartType tells the standard chart of a song from its DX chart.
type ChartType string

// Chart types.
const (
	Std ChartType = "std"
	DX  ChartType = "dx"
)

// Difficulty is a chart's difficulty colour.
type Difficulty string

// Difficulties, in the site's order (diff=0…4, then utage = 10).
const (
	Basic    Difficulty = "basic"
	Advanced Difficulty = "advanced"
	Expert   Difficulty = "expert"
	Master   Difficulty = "master"
	ReMaster Difficulty = "remaster"
	Utage    Difficulty = "utage"
)

// Difficulties lists every difficulty in display order.
var Difficulties = []Difficulty{Basic, Advanced, Expert, Master, ReMaster, Utage}

// Index is the difficulty's position (basic 0 … remaster 4, utage 10, as
// the site numbers them), or -1 for an unknown difficulty.
func (d Difficulty) Index() int {
	switch d {
	case Basic:
		return 0
	case Advanced:
		return 1
	case Expert:
		return 2
	case Master:
		return 3
	case ReMaster:
		return 4
	case Utage:
		return 10
	}
	return -1
}

// Valid reports whether d is a known difficulty.
func (d Difficulty) Valid() bool { return d.Index() >= 0 }

// Rank is the letter rank an achievement earns.
type Rank string

// Ranks from lowest to highest.
const (
	RankD    Rank = "d"
	RankC    Rank = "c"
	RankB    Rank = "b"
	RankBB   Rank = "bb"
	RankBBB  Rank = "bbb"
	RankA    Rank = "a"
	RankAA   Rank = "aa"
	RankAAA  Rank = "aaa"
	RankS    Rank = "s"
	RankSP   Rank = "sp"
	RankSS   Rank = "ss"
	RankSSP  Rank = "ssp"
	RankSSS  Rank = "sss"
	RankSSSP Rank = "sssp"
)

// rankFloors are the lowest achievements (in ten-thousandths of a percent)
// of each rank, highest first.
var rankFloors = []struct {
	min  Achievement
	rank Rank
}{
	{1005000, RankSSSP}, {1000000, RankSSS}, {995000, RankSSP}, {990000, RankSS},
	{980000, RankSP}, {970000, RankS}, {940000, RankAAA}, {900000, RankAA},
	{800000, RankA}, {750000, RankBBB}, {700000, RankBB}, {600000, RankB},
	{500000, RankC}, {0, RankD},
}

// RankOf is the rank the site shows for an achievement.
func RankOf(a Achievement) Rank {
	for _, f := range rankFloors {
		if a >= f.min {
			return f.rank
		}
	}
	return RankD
}

// NextRank is the rank above a's and the achievement that reaches it;
// ok is false at SSS+, the highest.
func NextRank(a Achievement) (next Rank, at Achievement, ok bool) {
	for i := len(rankFloors) - 1; i >= 0; i-- {
		if f := rankFloors[i]; f.min > a {
			return f.rank, f.min, true
		}
	}
	return "", 0, false
}

// Valid reports whether r is a known rank.
func (r Rank) Valid() bool {
	for _, f := range rankFloors {
		if f.rank == r {
			return true
		}
	}
	return false
}

// FC is the combo mark of a play or best score; the empty string means none.
type FC string

// Combo marks, lowest to highest.
const (
	NoFC FC = ""
	FCN  FC = "fc"
	FCP  FC = "fcp"
	AP   FC = "ap"
	APP  FC = "app"
)

// Valid reports whether f is a known combo mark.
func (f FC) Valid() bool {
	switch f {
	case NoFC, FCN, FCP, AP, APP:
		return true
	}
	return false
}

// FS is the sync mark (full sync, full sync DX); the empty string means none.
// The site's "fdx" icons are called fsd here, as players say FSD.
type FS string

// Sync marks, lowest to highest.
const (
	NoFS FS = ""
	Sync FS = "sync"
	FSN  FS = "fs"
	FSP  FS = "fsp"
	FSD  FS = "fsd"
	FSDP FS = "fsdp"
)

// Valid reports whether f is a known sync mark.
func (f FS) Valid() bool {
	switch f {
	case NoFS, Sync, FSN, FSP, FSD, FSDP:
		return true
	}
	return false
}

// Achievement is a play's achievement in ten-thousandths of a percent, the
// precision the site prints: 100.1143% is 1001143. Integers keep rating
// arithmetic exact.
type Achievement int32

// MaxAchievement is the highest achievement of one chart (101%).
const MaxAchievement Achievement = 1010000

// ParseAchievement reads "100.1143%", "100.1143" or "100%" exactly.
func ParseAchievement(s string) (Achievement, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > 4 {
		return 0, fmt.Errorf("achievement %q: want a percentage with at most 4 decimals", s)
	}
	w, err := strconv.Atoi(whole)
	if err != nil || w < 0 {
		return 0, fmt.Errorf("achievement %q: not a number", s)
	}
	f := 0
	if frac != "" {
		f, err = strconv.Atoi(frac + strings.Repeat("0", 4-len(frac)))
		if err != nil || f < 0 {
			return 0, fmt.Errorf("achievement %q: not a number", s)
		}
	}
	if w > 202 { // two players' worth for a utage buddy chart
		return 0, fmt.Errorf("achievement %q: out of range", s)
	}
	return Achievement(w*10000 + f), nil
}

// String prints the achievement as the site does, with four decimals.
func (a Achievement) String() string {
	// A difference of achievements (a play minus the best before it)
	// may be negative: the sign goes in front, not after the point.
	sign := ""
	if a < 0 {
		sign, a = "-", -a
	}
	return fmt.Sprintf("%s%d.%04d", sign, a/10000, a%10000)
}

// MarshalJSON writes the achievement as a plain JSON number such as
// 100.1143, exact to the fourth decimal.
func (a Achievement) MarshalJSON() ([]byte, error) {
	s := a.String()
	s = strings.TrimRight(s, "0")
	s = strings.TrimSuffix(s, ".")
	return []byte(s), nil
}

// UnmarshalJSON reads a JSON number written by MarshalJSON.
func (a *Achievement) UnmarshalJSON(b []byte) error {
	v, err := ParseAchievement(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}
