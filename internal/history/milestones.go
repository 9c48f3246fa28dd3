package history

import (
	"cmp"
	"slices"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/rating"
)

// Kind is what a milestone reached.
type Kind string

// Milestone kinds.
const (
	// KindRank is a rank reached on a level for the first time; Value is
	// "clear" (80%, the game's clear line), "s", "ss", "sss" or "sssp".
	KindRank Kind = "rank"
	// KindCombo is a combo mark (fc, fcp, ap, app) first reached on a level.
	KindCombo Kind = "combo"
	// KindSync is a sync mark (fs, fsp, fsd, fsdp) first reached on a level.
	KindSync Kind = "sync"
	// KindStars is a count of DX stars (1–5) first reached on a level.
	KindStars Kind = "stars"
	// KindBand is a rating colour band (rating.Colour) first reached.
	KindBand Kind = "band"
	// KindPlate is a version plate completed; Value is its name (真将).
	KindPlate Kind = "plate"
)

// Milestone is one first of a player's career, with the play that did it.
type Milestone struct {
	At    time.Time `json:"at"`
	Kind  Kind      `json:"kind"`
	Value string    `json:"value"`
	// Also are the lesser values of the same kind and level this play
	// reached first too (an SSS+ as the first S, SS and SSS of a level),
	// highest first: shown with the milestone rather than as its copies.
	Also []string `json:"also,omitempty"`
	// Level is the level label of rank, combo, sync and star milestones.
	Level string `json:"level,omitempty"`
	// PlayID is the play that reached it, 0 when no archived play is
	// known to have (a band first seen on a saved profile page).
	PlayID      int64              `json:"play_id,omitempty"`
	Chart       maimai.Chart       `json:"chart"`
	Achievement maimai.Achievement `json:"achievement,omitempty"`
	// Rating is the player's rating at a band milestone.
	Rating int `json:"rating,omitempty"`
}

// RatingMark is the player's rating at one moment and its colour band
// under the rules of then.
type RatingMark struct {
	At     time.Time
	Rating int
	Colour rating.Colour
}

// PlateDone is a plate the player has completed, with the charts it asks
// for.
type PlateDone struct {
	Name   string
	Kind   rating.PlateKind
	Charts []maimai.Chart
}

// rankSteps are the ranks a milestone is made of, lowest first, with the
// achievement that reaches each.
var rankSteps = []struct {
	value string
	min   maimai.Achievement
}{{"clear", 800000}, {"s", 970000}, {"ss", 990000}, {"sss", 1000000}, {"sssp", 1005000}}

// colourOrder orders the rating bands, lowest first: one order serves the
// B40 and B50 tables, whose bands differ in their floors only.
var colourOrder = []rating.Colour{rating.White, rating.Blue, rating.Green, rating.Yellow, rating.Red, rating.Purple,
	rating.Bronze, rating.Silver, rating.Gold, rating.Platinum, rating.Rainbow}

// levelKey is a kind of first on one level.
type levelKey struct {
	kind  Kind
	level string
}

// Milestones lists the player's firsts, newest first: ranks, combo and
// sync marks and DX stars per level from plays (oldest first; utage
// charts left out), the rating
// bands crossed from marks (oldest first) and the plates completed.
//
// A band counts when it is above every band before it; the first mark
// only sets where the archive starts, since a player whose archive begins
// at 13,000 did not cross into silver that day. A band is credited to the
// last play at or before its mark on the same day, if any. A plate is
// completed by the play that first met its condition on the last of its
// charts to be met; a plate some of whose charts were met outside the
// archived plays (a score list only) has no date and is left out.
func Milestones(plays []Play, marks []RatingMark, plates []PlateDone) []Milestone {
	var out []Milestone
	best := map[levelKey]int{} // the highest step index reached + 1
	for _, p := range plays {
		// A utage (宴) chart's level ("14?") is a label of its own kind,
		// not a level a player works through: no per-level firsts.
		if p.Level == "" || p.Chart.Difficulty == maimai.Utage {
			continue
		}
		reached := func(kind Kind, steps []string, got int) {
			k := levelKey{kind, p.Level}
			had := best[k]
			if got <= had {
				return
			}
			best[k] = got
			m := Milestone{At: p.At, Kind: kind, Value: steps[got-1], Level: p.Level, PlayID: p.ID, Chart: p.Chart, Achievement: p.Achievement}
			for i := got - 2; i >= had; i-- {
				m.Also = append(m.Also, steps[i])
			}
			out = append(out, m)
		}
		n := 0
		for i, s := range rankSteps {
			if p.Achievement >= s.min {
				n = i + 1
			}
		}
		reached(KindRank, rankValues, n)
		if l := fcLevel(p.FC); l > 0 {
			reached(KindCombo, comboValues, l)
		}
		// Sync (any sync mark, level 1) is no milestone: FS is the first.
		if l := fsLevel(p.FS) - 1; l > 0 {
			reached(KindSync, syncValues, l)
		}
		if s := p.Stars(); s > 0 {
			reached(KindStars, starValues, s)
		}
	}
	out = append(out, bandMilestones(plays, marks)...)
	out = append(out, plateMilestones(plays, plates)...)
	// Newest first; one play's milestones in a fixed order.
	slices.SortStableFunc(out, func(a, b Milestone) int {
		if c := b.At.Compare(a.At); c != 0 {
			return c
		}
		return cmp.Compare(kindOrder(a.Kind), kindOrder(b.Kind))
	})
	return out
}

var (
	rankValues  = []string{"clear", "s", "ss", "sss", "sssp"} // rankSteps' values
	comboValues = []string{string(maimai.FCN), string(maimai.FCP), string(maimai.AP), string(maimai.APP)}
	syncValues  = []string{string(maimai.FSN), string(maimai.FSP), string(maimai.FSD), string(maimai.FSDP)}
	starValues  = []string{"1", "2", "3", "4", "5"}
)

func kindOrder(k Kind) int {
	return slices.Index([]Kind{KindPlate, KindBand, KindRank, KindCombo, KindSync, KindStars}, k)
}

func bandMilestones(plays []Play, marks []RatingMark) []Milestone {
	var out []Milestone
	top := -1
	for _, m := range marks {
		c := slices.Index(colourOrder, m.Colour)
		if c < 0 || m.Rating <= 0 {
			continue
		}
		if top < 0 {
			top = c
			continue
		}
		if c <= top {
			continue
		}
		ms := Milestone{At: m.At, Kind: KindBand, Value: string(m.Colour), Rating: m.Rating}
		for i := c - 1; i > top; i-- {
			ms.Also = append(ms.Also, string(colourOrder[i]))
		}
		top = c
		if i := latestAtOrBefore(plays, m.At); i >= 0 && m.At.Sub(plays[i].At) < 24*time.Hour {
			p := plays[i]
			ms.PlayID, ms.Chart, ms.Achievement = p.ID, p.Chart, p.Achievement
		}
		out = append(out, ms)
	}
	return out
}

// metBy reports whether a play meets a plate kind on its chart.
func metBy(k rating.PlateKind, p Play) bool {
	return k.Met(rating.Best{Achievement: p.Achievement, FC: p.FC, FS: p.FS})
}

func plateMilestones(plays []Play, plates []PlateDone) []Milestone {
	if len(plates) == 0 {
		return nil
	}
	// The first play meeting each kind, per chart: one pass over plays.
	kinds := []rating.PlateKind{rating.Sho, rating.Kiwami, rating.Shin, rating.MaiMai, rating.Hasha}
	first := map[maimai.Chart]*[5]int{} // index into plays + 1
	for i, p := range plays {
		f := first[p.Chart]
		for k, kind := range kinds {
			if (f == nil || f[k] == 0) && metBy(kind, p) {
				if f == nil {
					f = new([5]int)
					first[p.Chart] = f
				}
				f[k] = i + 1
			}
		}
	}
	var out []Milestone
	for _, pl := range plates {
		k := slices.Index(kinds, pl.Kind)
		if k < 0 || len(pl.Charts) == 0 {
			continue
		}
		last := -1
		for _, c := range pl.Charts {
			f := first[c]
			if f == nil || f[k] == 0 {
				last = -1
				break
			}
			last = max(last, f[k]-1)
		}
		if last < 0 {
			continue
		}
		p := plays[last]
		out = append(out, Milestone{At: p.At, Kind: KindPlate, Value: pl.Name, PlayID: p.ID, Chart: p.Chart, Achievement: p.Achievement})
	}
	return out
}

// InYear keeps the milestones reached in year, in the clock of loc.
func InYear(ms []Milestone, year int, loc *time.Location) []Milestone {
	var out []Milestone
	for _, m := range ms {
		if m.At.In(loc).Year() == year {
			out = append(out, m)
		}
	}
	return out
}
