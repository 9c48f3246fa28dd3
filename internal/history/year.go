package history

import (
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// TopCharts is how many most-played charts a year in review lists.
const TopCharts = 10

// Year is a year in review: what a player's plays of one calendar year
// (in the region's clock) add up to.
type Year struct {
	Year  int `json:"year"`
	Plays int `json:"plays"`
	// Days is the number of days with a play; Visits the visits (plays
	// no more than the visit gap apart) and Minutes their length summed.
	Days    int `json:"days"`
	Visits  int `json:"visits"`
	Minutes int `json:"minutes"`
	// Charts is the number of distinct charts played.
	Charts int `json:"charts"`
	// NewBests counts the year's plays that raised their chart's
	// achievement best over every earlier play (a chart's first play
	// counts).
	NewBests int `json:"new_bests"`
	// ByMonth is the plays of each month, January first.
	ByMonth [12]int `json:"by_month"`
	// Top are the most played charts, at most TopCharts.
	Top []ChartPlays `json:"top"`
	// Busiest is the start of the visit with the most plays.
	Busiest      time.Time `json:"busiest"`
	BusiestPlays int       `json:"busiest_plays"`
}

// Years lists the calendar years (in loc) that have plays, newest first.
func Years(plays []Play, loc *time.Location) []int {
	var out []int
	for i := len(plays) - 1; i >= 0; i-- {
		y := plays[i].At.In(loc).Year()
		if len(out) == 0 || out[len(out)-1] != y {
			out = append(out, y)
		}
	}
	return out
}

// Review sums up year from every play of the player (oldest first; earlier
// years are read for the bests the year's plays are measured against),
// days and months in loc, visits split at gap.
func Review(plays []Play, year int, loc *time.Location, gap time.Duration) Year {
	y := Year{Year: year}
	best := map[maimai.Chart]maimai.Achievement{}
	var in []Play
	var lastDay string
	var vStart, vLast time.Time
	vPlays := 0
	endVisit := func() {
		if vPlays == 0 {
			return
		}
		y.Visits++
		y.Minutes += int(vLast.Sub(vStart) / time.Minute)
		if vPlays > y.BusiestPlays {
			y.Busiest, y.BusiestPlays = vStart, vPlays
		}
	}
	for _, p := range plays {
		t := p.At.In(loc)
		if t.Year() > year {
			break
		}
		b, seen := best[p.Chart]
		raised := !seen || p.Achievement > b
		if raised {
			best[p.Chart] = p.Achievement
		}
		if t.Year() < year {
			continue
		}
		in = append(in, p)
		y.Plays++
		y.ByMonth[t.Month()-1]++
		if raised {
			y.NewBests++
		}
		if d := t.Format(time.DateOnly); d != lastDay {
			y.Days++
			lastDay = d
		}
		if vPlays > 0 && p.At.Sub(vLast) > gap {
			endVisit()
			vPlays = 0
		}
		if vPlays == 0 {
			vStart = p.At
		}
		vLast = p.At
		vPlays++
	}
	endVisit()
	per := PerChart(in)
	y.Charts = len(per)
	y.Top = per[:min(len(per), TopCharts)]
	return y
}
