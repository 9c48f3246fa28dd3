package web

import (
	"strconv"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/rating"
)

// scoreCard is one chart's score as the score card (templates/cards.html)
// shows it: on the B50, the targets, the overview's recent plays and the
// headers of the chart and play pages. Keys are the lower-case values the
// icons and colours are named after; labels are what the game writes.
type scoreCard struct {
	N                    int    // place in its B50 table, from 1; 0 outside one
	Header               bool   // the page's heading: the title is its h1
	URL, ChartURL        string // app paths: the play (or "") and the chart
	When                 string // when played, in the region's clock; "" for a best
	Title                string
	Jacket               string // the site's jacket file name, "" when unknown
	Type, TypeKey        string // "DX", "dx"
	Diff, DiffKey        string // "MASTER", "master"
	Level, Constant      string // "13+", "13.7"; Constant "" when unknown
	Achievement          string // "100.5000%"
	Rank, RankKey        string // "SSS+", "sssp"
	FC, FCKey, FS, FSKey string
	DXStars              int // 0–5
	// Rating is the chart's rating; HasRating is false when its constant
	// is unknown (the rating would be a guess).
	Rating    int
	HasRating bool
	// NextStep is the smallest achievement that raises the rating, and
	// the rating there; NextRank the next rank's lowest achievement and
	// what reaching it adds to the chart's rating.
	NextStep, NextStepRating string
	NextRank, NextRankAt     string
	NextRankGain             int
	// Estimated marks a Constant learned from plays rather than taken
	// from the song data (archive.ConstantEstimates).
	Estimated bool
	// Prov is where a best came from (nil for a play, or unknown); a
	// badge marks another tool's file.
	Prov *provView
}

// newCard is the card of a chart's score with what every source has.
func newCard(player string, c maimai.Chart, level string, a maimai.Achievement, rk maimai.Rank, fc maimai.FC, fs maimai.FS) scoreCard {
	return scoreCard{
		ChartURL: chartPath(player, c), Title: c.Title,
		Type: label(string(c.Type)), TypeKey: string(c.Type), Diff: label(string(c.Difficulty)), DiffKey: string(c.Difficulty),
		Level: level, Achievement: a.String() + "%", Rank: markLabel(string(rk)), RankKey: string(rk),
		FC: markLabel(string(fc)), FCKey: string(fc), FS: markLabel(string(fs)), FSKey: string(fs),
	}
}

// entryCard is the card of a rating entry (B50, targets). rules, when
// known, give the next rank's rating.
func entryCard(player string, n int, e archive.RatingEntry, rules *rating.Rules) scoreCard {
	c := newCard(player, maimai.Chart{Title: e.Title, Type: e.Type, Difficulty: e.Difficulty}, e.Level, e.Achievement, e.Rank, e.FC, e.FS)
	c.N, c.Jacket, c.DXStars = n, e.Jacket, e.DXStars
	if !e.Constant.Known() {
		return c
	}
	c.Constant, c.Rating, c.HasRating, c.Estimated = e.Constant.String(), e.Rating, true, e.Estimated
	if e.Next != nil {
		c.NextStep, c.NextStepRating = e.Next.Achievement.String()+"%", strconv.Itoa(e.Next.Rating)
	}
	if rules != nil {
		if t, ok := rules.NextRank(rating.Constant(e.Constant), e.Achievement, e.FC); ok {
			c.NextRank, c.NextRankAt, c.NextRankGain = markLabel(string(t.Rank)), t.Achievement.String()+"%", t.Rating-e.Rating
		}
	}
	return c
}

// rulesAt is the rating rules of a region at a time, nil when none apply
// (the card then leaves out the next rank).
func rulesAt(region maimai.Region, at time.Time) *rating.Rules {
	if at.IsZero() {
		at = time.Now()
	}
	r, err := rating.RulesAt(region, at)
	if err != nil {
		return nil
	}
	return &r
}

// playCard is the card of one play.
func playCard(player string, p archive.StoredPlay) scoreCard {
	row := newPlayRow(player, p)
	c := newCard(player, p.Chart, row.Level, p.Achievement, p.Rank, p.FC, p.FS)
	c.URL, c.When, c.Constant = row.URL, row.When, row.Constant
	if row.Constant != "" {
		c.Rating, c.HasRating = row.Rating, true
	}
	c.Jacket, c.DXStars = p.Jacket, p.DXStars
	if c.DXStars == 0 && p.DXScoreMax > 0 {
		c.DXStars = rating.DXStars(p.DXScore, p.DXScoreMax)
	}
	return c
}

// bestCard is the card of a chart's best score.
func bestCard(player string, b maimai.Score) scoreCard {
	c := newCard(player, b.Chart, b.Level, b.Achievement, b.Rank, b.FC, b.FS)
	if b.DXScoreMax > 0 {
		c.DXStars = rating.DXStars(b.DXScore, b.DXScoreMax)
	}
	return c
}
