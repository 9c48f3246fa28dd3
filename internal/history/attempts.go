package history

import (
	"math"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// ConsistencyWindow is how many of a chart's latest plays its consistency
// is measured over (fewer when it has fewer).
const ConsistencyWindow = 10

// NearBest is how close to the best a play must be to count as "near the
// best" in the consistency: half a percent, about one GREAT on a break in
// a chart of 300 notes, a margin players call a good day's play.
const NearBest maimai.Achievement = 5000

// AttemptStats is how a player's attempts at one chart went.
type AttemptStats struct {
	Attempts int `json:"attempts"`
	// ToSSSP and ToAP are the attempts up to and including the first
	// SSS+ (100.5%) and the first AP (or AP+); 0 while not reached.
	ToSSSP int `json:"to_sssp"`
	ToAP   int `json:"to_ap"`
	// Best is the highest achievement of the plays.
	Best maimai.Achievement `json:"best"`
	// Window is the number of latest plays Mean, Stdev and NearShare are
	// over (ConsistencyWindow or fewer).
	Window int `json:"window"`
	// Mean and Stdev are the achievement of those plays in percent (the
	// population deviation: the plays are all there is, not a sample).
	Mean  float64 `json:"mean"`
	Stdev float64 `json:"stdev"`
	// NearShare is the share (0–1) of those plays within NearBest of Best.
	NearShare float64 `json:"near_share"`
	// SinceImprovement is the plays since the last one that raised the
	// achievement best (0 when the latest play did).
	SinceImprovement int       `json:"since_improvement"`
	LastPlayed       time.Time `json:"last_played"`
	// DaysSince is the calendar days from the last play to now in the
	// region's clock (0: today).
	DaysSince int `json:"days_since"`
}

// Attempts measures one chart's plays (oldest first) as of now, counting
// days in loc.
func Attempts(plays []Play, now time.Time, loc *time.Location) AttemptStats {
	s := AttemptStats{Attempts: len(plays)}
	if len(plays) == 0 {
		return s
	}
	lastRaise := 0
	for i, p := range plays {
		if s.ToSSSP == 0 && p.Achievement >= 1005000 {
			s.ToSSSP = i + 1
		}
		if s.ToAP == 0 && fcLevel(p.FC) >= fcLevel(maimai.AP) {
			s.ToAP = i + 1
		}
		if i == 0 || p.Achievement > s.Best {
			s.Best, lastRaise = p.Achievement, i
		}
	}
	s.SinceImprovement = len(plays) - 1 - lastRaise
	last := plays[max(0, len(plays)-ConsistencyWindow):]
	s.Window = len(last)
	var sum float64
	near := 0
	for _, p := range last {
		sum += pct(p.Achievement)
		if s.Best-p.Achievement <= NearBest {
			near++
		}
	}
	s.Mean = sum / float64(len(last))
	var ss float64
	for _, p := range last {
		d := pct(p.Achievement) - s.Mean
		ss += d * d
	}
	s.Stdev = math.Sqrt(ss / float64(len(last)))
	s.NearShare = float64(near) / float64(len(last))
	s.LastPlayed = plays[len(plays)-1].At
	s.DaysSince = daysBetween(s.LastPlayed, now, loc)
	return s
}

// pct is an achievement in percent.
func pct(a maimai.Achievement) float64 { return float64(a) / 10000 }

// daysBetween counts the calendar days from a to b in loc's clock.
func daysBetween(a, b time.Time, loc *time.Location) int {
	da, db := a.In(loc), b.In(loc)
	ma := time.Date(da.Year(), da.Month(), da.Day(), 0, 0, 0, 0, time.UTC)
	mb := time.Date(db.Year(), db.Month(), db.Day(), 0, 0, 0, 0, time.UTC)
	return int(mb.Sub(ma).Hours() / 24)
}

// RankGap is how far a best is from the next rank: the song list's sort
// "closest to the next rank". ok is false at SSS+ (no rank above) and for
// a chart never played (the caller's to say).
func RankGap(best maimai.Achievement) (next maimai.Rank, gap maimai.Achievement, ok bool) {
	next, at, ok := maimai.NextRank(best)
	return next, at - best, ok
}

// StaleAttempts counts, per chart, the plays since the last play that
// raised the chart's achievement best, over plays oldest first: the song
// list's sort "most attempts without improvement". A chart whose latest
// play raised its best counts 0. Only plays count; a best from a score
// list with no play behind it is not an improvement the archive saw. A
// chart at 101% (AP+ with every break critical) cannot improve and counts
// 0 however often it is played again.
func StaleAttempts(plays []Play) map[maimai.Chart]int {
	best := map[maimai.Chart]maimai.Achievement{}
	stale := map[maimai.Chart]int{}
	for _, p := range plays {
		b, seen := best[p.Chart]
		if !seen || p.Achievement > b {
			best[p.Chart] = p.Achievement
			stale[p.Chart] = 0
			continue
		}
		if b < maimai.MaxAchievement {
			stale[p.Chart]++
		}
	}
	return stale
}
