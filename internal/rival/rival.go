// Package rival puts two players' best scores side by side per chart:
// both bests, the difference and who leads, with counts over the charts
// compared. A diving-fish or Lxns export imported into a player of its
// own (maiprobe import) is compared the same way: it holds bests.
package rival

import (
	"cmp"
	"context"
	"math"
	"slices"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/songs"
)

// Who leads on a chart.
const (
	LeadMe    = "me"
	LeadRival = "rival"
	LeadTie   = "tie"
)

// Side is one player's best on a chart.
type Side struct {
	Achievement maimai.Achievement `json:"achievement"`
	Rank        maimai.Rank        `json:"rank"`
	DXScore     int                `json:"dx_score"`
	FC          maimai.FC          `json:"fc"`
	FS          maimai.FS          `json:"fs"`
	Rating      int                `json:"rating"` // the chart's rating under today's rules, 0 when the constant is unknown
}

// Row is one chart with both players' bests; Me or Rival is nil for the
// player who has none on it.
type Row struct {
	Title      string            `json:"title"`
	Genre      string            `json:"genre,omitempty"` // tells apart songs of one title (the two "Link")
	Type       maimai.ChartType  `json:"type"`
	Difficulty maimai.Difficulty `json:"difficulty"`
	Level      string            `json:"level"`
	Constant   songs.Constant    `json:"constant"` // null when unknown
	Me         *Side             `json:"me"`
	Rival      *Side             `json:"rival"`
	// Difference is Me's achievement minus Rival's (a missing best counts
	// as 0%); DXScoreDifference likewise.
	Difference        maimai.Achievement `json:"difference"`
	DXScoreDifference int                `json:"dx_score_difference"`
	Lead              string             `json:"lead"` // me, rival or tie
}

// Summary counts the charts compared.
type Summary struct {
	Charts     int `json:"charts"`      // charts either has a best on
	Both       int `json:"both"`        // charts both have a best on
	MeAhead    int `json:"me_ahead"`    // charts where Me's achievement is higher (also where only Me played)
	RivalAhead int `json:"rival_ahead"` // likewise for Rival
	Ties       int `json:"ties"`
	OnlyMe     int `json:"only_me"`    // charts only Me has a best on
	OnlyRival  int `json:"only_rival"` // charts only Rival has a best on
}

// Comparison is two players' bests side by side.
type Comparison struct {
	Me      string  `json:"me"`
	Rival   string  `json:"rival"`
	Summary Summary `json:"summary"`
	// Rows are every chart compared: those both have a best on first
	// (the head-to-head), each part the highest constant (then level)
	// first, then by title, genre, type and difficulty.
	Rows []Row `json:"rows"`
}

// key is a chart of the comparison. The genre is in it because two songs
// share a title ("Link" in maimai and in niconico): without it their bests
// would be compared with each other.
type key struct {
	title string
	genre string
	typ   maimai.ChartType
	diff  maimai.Difficulty
}

func side(c archive.SongListChart) *Side {
	b := c.Best
	return &Side{Achievement: b.Achievement, Rank: b.Rank, DXScore: b.DXScore, FC: b.FC, FS: b.FS, Rating: c.Rating}
}

// Compare joins two lists of bests (charts without a best are skipped)
// by title, genre, chart type and difficulty.
func Compare(meName, rivalName string, me, rival []archive.SongListChart) Comparison {
	rows := map[key]*Row{}
	var order []key
	add := func(c archive.SongListChart, mine bool) {
		if c.Best == nil || !c.Best.Played {
			return
		}
		k := key{c.Title, c.Genre, c.Type, c.Difficulty}
		r, ok := rows[k]
		if !ok {
			r = &Row{Title: c.Title, Genre: c.Genre, Type: c.Type, Difficulty: c.Difficulty, Level: c.Level, Constant: c.Constant}
			rows[k] = r
			order = append(order, k)
		}
		if !r.Constant.Known() && c.Constant.Known() {
			r.Constant = c.Constant
		}
		if r.Level == "" {
			r.Level = c.Level
		}
		if mine {
			r.Me = side(c)
		} else {
			r.Rival = side(c)
		}
	}
	for _, c := range me {
		add(c, true)
	}
	for _, c := range rival {
		add(c, false)
	}
	out := Comparison{Me: meName, Rival: rivalName, Rows: make([]Row, 0, len(order))}
	for _, k := range order {
		r := rows[k]
		var a, b maimai.Achievement
		var da, db int
		if r.Me != nil {
			a, da = r.Me.Achievement, r.Me.DXScore
		}
		if r.Rival != nil {
			b, db = r.Rival.Achievement, r.Rival.DXScore
		}
		r.Difference, r.DXScoreDifference = a-b, da-db
		s := &out.Summary
		s.Charts++
		switch {
		case r.Me != nil && r.Rival != nil:
			s.Both++
		case r.Me != nil:
			s.OnlyMe++
		default:
			s.OnlyRival++
		}
		switch {
		case a > b:
			r.Lead = LeadMe
			s.MeAhead++
		case b > a:
			r.Lead = LeadRival
			s.RivalAhead++
		default:
			r.Lead = LeadTie
			s.Ties++
		}
		out.Rows = append(out.Rows, *r)
	}
	slices.SortStableFunc(out.Rows, func(x, y Row) int {
		return cmp.Or(
			cmp.Compare(both(y), both(x)),
			cmp.Compare(y.Constant, x.Constant),
			cmp.Compare(levelIndex(y.Level), levelIndex(x.Level)),
			cmp.Compare(x.Title, y.Title),
			cmp.Compare(x.Genre, y.Genre),
			cmp.Compare(x.Type, y.Type),
			cmp.Compare(x.Difficulty.Index(), y.Difficulty.Index()),
		)
	})
	return out
}

// both is 1 for a row both players have a best on, else 0.
func both(r Row) int {
	if r.Me != nil && r.Rival != nil {
		return 1
	}
	return 0
}

// levels are the level labels in the game's order (13 < 13+ < 14).
var levels = archive.LevelLabels()

// levelIndex is a level's place in the game's order, -1 when unknown.
func levelIndex(l string) int { return slices.Index(levels, l) }

// Load compares the bests of players me and rival on the charts f keeps
// (f.Played is implied).
func Load(ctx context.Context, a *archive.Archive, me, rival string, f archive.SongFilter) (Comparison, error) {
	f.Played = true
	mine, err := a.SongList(ctx, me, f, 0, math.MaxInt)
	if err != nil {
		return Comparison{}, err
	}
	theirs, err := a.SongList(ctx, rival, f, 0, math.MaxInt)
	if err != nil {
		return Comparison{}, err
	}
	return Compare(me, rival, mine.Charts, theirs.Charts), nil
}
