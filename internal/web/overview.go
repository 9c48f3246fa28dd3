package web

import (
	"net/http"
	"time"
)

// profileCard is the latest saved profile as the overview shows it.
type profileCard struct {
	Name, Band, Trophy, TrophyColor string
	Rating, RatingMax, Stars        int
	CourseRank, ClassRank, Grade    string // rank names (rankLabel): 真二段, S5, or the code of an unknown image
	// The image file names, shown on hover: the names' source.
	CourseRankFile, ClassRankFile, GradeFile string
	Icon, Comment, When                      string
}

// overviewView is the player's front page: the profile, rating and plays
// over time, and the latest visit.
type overviewView struct {
	Name    string
	Count   int
	Loss    lossView
	Profile *profileCard
	Rating  chartData // rating over time (snapshots)
	Plays   chartData // plays per month (archive) and the site's play count (snapshots)
	Latest  *visitView
	Recent  []scoreCard // the latest plays
}

// overviewPageSize is how many of the latest plays the overview lists.
const overviewPageSize = 20

func (s *Server) overview(w http.ResponseWriter, r *http.Request) {
	player := r.PathValue("player")
	o, err := s.archive.Overview(r.Context(), player, overviewPageSize)
	if err != nil {
		s.archiveFail(w, r, err)
		return
	}
	v := overviewView{Name: player, Count: o.Plays}
	m, err := s.archive.LossMeter(r.Context(), player)
	if err != nil {
		s.archiveFail(w, r, err)
		return
	}
	v.Loss = newLossView(r, m, s.now())
	if p := o.Profile; p != nil {
		v.Profile = &profileCard{Name: p.Name, Band: p.RatingBand, Trophy: p.Trophy, TrophyColor: p.TrophyColor, Rating: p.Rating,
			RatingMax: p.RatingMax, Stars: p.Stars, CourseRank: rankLabel(r, p.CourseRank), ClassRank: rankLabel(r, p.ClassRank),
			Grade: rankLabel(r, p.Grade), CourseRankFile: p.CourseRank, ClassRankFile: p.ClassRank, GradeFile: p.Grade,
			Comment: p.Comment, When: localTime(p.ObservedAt, p.Region)}
		if v.Profile.Band == "" {
			v.Profile.Band = ratingBand(p.Rating)
		}
	}
	zone := s.playerZone(r, player)
	v.Rating = newChartData(r, chartMoment, zone)
	rating := chartSeries{Label: text(r, "profile.rating")}
	for _, sn := range o.Points {
		v.Rating.X = append(v.Rating.X, sn.ObservedAt.Unix())
		rating.Values = append(rating.Values, num(float64(sn.Rating)))
	}
	v.Rating.Series = []chartSeries{rating}
	v.Plays = newChartData(r, chartMonth, zone)
	monthly := chartSeries{Label: text(r, "overview.plays_per_month")}
	for _, m := range o.PlaysByMonth {
		v.Plays.X = append(v.Plays.X, monthStart(m.Month, zone))
		monthly.Values = append(monthly.Values, num(float64(m.Plays)))
	}
	v.Plays.Series = []chartSeries{monthly}
	if o.Latest != nil {
		lv := newVisitView(player, *o.Latest)
		v.Latest = &lv
	}
	for _, p := range o.Recent {
		v.Recent = append(v.Recent, playCard(player, p))
	}
	s.render(w, r, http.StatusOK, "overview", v)
}

// monthStart is the first moment of m's month in the clock offset seconds
// east of UTC, where the chart's month ticks fall.
func monthStart(m time.Time, offset int) int64 {
	return time.Date(m.Year(), m.Month(), 1, 0, 0, 0, 0, time.FixedZone("", offset)).Unix()
}
