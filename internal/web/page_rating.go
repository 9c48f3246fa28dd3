package web

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/rating"
)

// ratingRow is one chart of a rating table.
type ratingRow struct {
	N                                 int // place in its table, from 1
	Title, Type, Diff, DiffKey, Level string
	Constant                          string // "" when unknown
	Achievement, Rank, FC, FS         string
	Rating                            int
	ChartURL                          string
	// NextAchievement and NextRating are the chart's next rating step: the
	// smallest achievement that raises its rating, and the rating there.
	NextAchievement string
	NextRating      int
	Card            scoreCard // the same chart as a score card
}

// ratingView is the player's rating computed from the archive.
type ratingView struct {
	Known                     bool // the player has saved pages (and so a region)
	Total, NewTotal, OldTotal int
	Band, Version             string
	New, Old, Unknown         []ratingRow
	Unmatched, Bests          int
	History                   chartData // computed and site-reported rating over time
	// Compared are the latest points with a site-reported rating, newest
	// first, for reading without the chart.
	Compared []ratingPoint
}

// ratingPoint is the computed rating beside the one a saved page showed.
type ratingPoint struct {
	When           string
	Computed, Site int
	Delta          string // computed minus site, signed
}

// comparedPoints is how many points with a site rating the table shows.
const comparedPoints = 20

func newRatingRow(player string, n int, e archive.RatingEntry, rules *rating.Rules) ratingRow {
	row := ratingRow{N: n, Title: e.Title, Type: label(string(e.Type)), Diff: label(string(e.Difficulty)), DiffKey: string(e.Difficulty),
		Level: e.Level, Achievement: e.Achievement.String() + "%", Rank: markLabel(string(e.Rank)), FC: markLabel(string(e.FC)),
		FS: markLabel(string(e.FS)), Rating: e.Rating}
	row.ChartURL = chartPath(player, maimai.Chart{Title: e.Title, Type: e.Type, Difficulty: e.Difficulty})
	if e.Constant.Known() {
		row.Constant = e.Constant.String()
	}
	if e.Next != nil {
		row.NextAchievement, row.NextRating = e.Next.Achievement.String()+"%", e.Next.Rating
	}
	row.Card = entryCard(player, n, e, rules)
	return row
}

func (s *Server) rating(w http.ResponseWriter, r *http.Request) {
	player := r.PathValue("player")
	var v ratingView
	if _, err := s.archive.PlayerRegion(r.Context(), player); errors.Is(err, archive.ErrNotFound) {
		// No saved page yet: no region, so no rules and no rating.
		s.render(w, r, http.StatusOK, "rating", v)
		return
	} else if err != nil {
		s.failErr(w, r, err)
		return
	}
	pr, err := s.archive.Rating(r.Context(), player, time.Time{})
	if err != nil {
		s.archiveFail(w, r, err)
		return
	}
	hist, err := s.archive.RatingHistory(r.Context(), player)
	if err != nil {
		s.archiveFail(w, r, err)
		return
	}
	v = ratingView{Known: true, Total: pr.Total, NewTotal: pr.NewTotal, OldTotal: pr.OldTotal, Band: ratingBand(pr.Total),
		Version: pr.Version, Unmatched: pr.Unmatched, Bests: pr.Bests}
	rules := rulesAt(pr.Region, pr.At)
	for i, e := range pr.New {
		v.New = append(v.New, newRatingRow(player, i+1, e, rules))
	}
	for i, e := range pr.Old {
		v.Old = append(v.Old, newRatingRow(player, i+1, e, rules))
	}
	for _, e := range pr.Unknown {
		v.Unknown = append(v.Unknown, newRatingRow(player, 0, e, rules))
	}
	// A saved page's time shows in its own region's clock, as on the
	// profile page, even when the player's latest pages are of another.
	zones := map[int64]maimai.Region{}
	if n := len(hist); n > 0 {
		ph, err := s.archive.Profile(r.Context(), player, 0, n)
		if err != nil {
			s.archiveFail(w, r, err)
			return
		}
		for _, sn := range ph.Page {
			zones[sn.ObservedAt.Unix()] = sn.Region
		}
	}
	computed := chartSeries{Label: text(r, "rating.computed")}
	site := chartSeries{Label: text(r, "rating.site")}
	for _, p := range hist {
		v.History.X = append(v.History.X, p.At.Unix())
		computed.Values = append(computed.Values, num(float64(p.Computed)))
		if p.Site > 0 {
			region, ok := zones[p.At.Unix()]
			if !ok {
				region = pr.Region
			}
			v.Compared = append([]ratingPoint{{When: localTime(p.At, region), Computed: p.Computed, Site: p.Site,
				Delta: fmt.Sprintf("%+d", p.Computed-p.Site)}}, v.Compared...)
			site.Values = append(site.Values, num(float64(p.Site)))
		} else {
			site.Values = append(site.Values, nil)
		}
	}
	v.History.Series = []chartSeries{computed, site}
	v.History.Offset = zoneOffset(pr.Region)
	if len(v.Compared) > comparedPoints {
		v.Compared = v.Compared[:comparedPoints]
	}
	s.render(w, r, http.StatusOK, "rating", v)
}
