package archive

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/rating"
	"github.com/maiprobe/maiprobe/internal/songs"
	"github.com/maiprobe/maiprobe/internal/storage"
)

// RatingEntry is one chart of a player's rating tables.
type RatingEntry struct {
	Title       string             `json:"title"`
	Type        maimai.ChartType   `json:"type"`
	Difficulty  maimai.Difficulty  `json:"difficulty"`
	Level       string             `json:"level"`
	Constant    songs.Constant     `json:"constant"` // null when unknown
	Achievement maimai.Achievement `json:"achievement"`
	Rank        maimai.Rank        `json:"rank"`
	FC          maimai.FC          `json:"fc"`
	FS          maimai.FS          `json:"fs"`
	Rating      int                `json:"rating"`
	// Next is the smallest achievement that raises the chart's rating, and
	// the rating there; nil at 100.5% or when the constant is unknown.
	Next    *NextStep `json:"next,omitempty"`
	SongID  int       `json:"song_id,omitempty"`
	Version string    `json:"version,omitempty"`
	// Link is the chart's link status: LinkMatched, LinkLearned or
	// LinkAmbiguous.
	Link string `json:"link"`
}

// NextStep is the smallest achievement that raises a chart's rating, with
// the rating and rank there (rating.Rules.NextStep).
type NextStep struct {
	Achievement maimai.Achievement `json:"achievement"`
	Rating      int                `json:"rating"`
	Rank        maimai.Rank        `json:"rank"`
}

// PlayerRating is a player's rating computed from the archive.
type PlayerRating struct {
	Player string        `json:"player"`
	Region maimai.Region `json:"region"`
	At     time.Time     `json:"at"`
	// Version and Era are the rules applied: the version the region's
	// cabinets ran at At.
	Version  string `json:"version"`
	Era      string `json:"era"`
	Total    int    `json:"total"`
	NewTotal int    `json:"new_total"`
	OldTotal int    `json:"old_total"`
	// New and Old are the two tables (B15 and B35 in the B50 era).
	New []RatingEntry `json:"new"`
	Old []RatingEntry `json:"old"`
	// Unknown are best scores on charts whose constant is unknown (charts
	// learned from pages, or ambiguous ones), which cannot count; the
	// total may be low by what they are worth.
	Unknown []RatingEntry `json:"unknown"`
	// Unmatched counts the Unknown entries whose chart is not in the song
	// data at all (learned or ambiguous), as opposed to a known chart
	// without a constant.
	Unmatched int `json:"unmatched"`
	// Bests is the number of charts with a best score at At.
	Bests int `json:"bests"`
}

// RulesFor is the rating rules of region at time at. JP and CN use their
// version dates; intl, whose dates are not known, uses the JP version of
// the day (intl follows JP within weeks).
func RulesFor(region maimai.Region, at time.Time) (rating.Rules, error) {
	if region == maimai.Intl {
		v, err := rating.VersionAt(maimai.JP, at)
		if err != nil {
			return rating.Rules{}, err
		}
		return rating.RulesFor(region, v)
	}
	return rating.RulesAt(region, at)
}

// ratingData is what a rating reads from the archive.
type ratingData struct {
	playerID int64
	region   maimai.Region
	set      *chartSet
	links    map[bestKey]storage.ChartLink // of the player's charts, by chart and genre
	bests    []storage.BestScore
	history  []storage.ScoreStep
	hist     map[int64][]storage.ConstantRow // constant history by chart, when asked
	snaps    []storage.Snapshot
	unlinked bool
}

// load reads a player's rating data in one read transaction; withHistory
// adds score and constant history and snapshots.
func (a *Archive) loadRating(ctx context.Context, player string, withHistory bool) (*ratingData, error) {
	d := &ratingData{}
	err := a.db.View(ctx, func(tx *storage.Tx) error {
		id, err := tx.PlayerID(ctx, player)
		if err != nil {
			return err
		}
		d.playerID = id
		if d.region, err = tx.PlayerRegion(ctx, id); err != nil {
			if isNotFound(err) {
				return fmt.Errorf("player %q has no saved pages yet, so the region (and the rating) is not known", player)
			}
			return err
		}
		if d.set, err = a.cachedCharts(ctx, tx, d.region); err != nil {
			return err
		}
		bests, links, err := tx.BestScoresLinked(ctx, id, d.region)
		if err != nil {
			return err
		}
		d.bests = bests
		d.links = make(map[bestKey]storage.ChartLink, len(links))
		for _, l := range links {
			if l.Status == "" {
				d.unlinked = true
				continue
			}
			d.links[bestKey{l.Chart, l.Genre}] = l
		}
		if !withHistory {
			return nil
		}
		if d.history, err = tx.ScoreHistory(ctx, id); err != nil {
			return err
		}
		if d.snaps, err = tx.Snapshots(ctx, id); err != nil {
			return err
		}
		hist, err := tx.ConstantHistory(ctx, d.region)
		if err != nil {
			return err
		}
		d.hist = map[int64][]storage.ConstantRow{}
		for _, h := range hist {
			d.hist[h.ChartID] = append(d.hist[h.ChartID], h)
		}
		return nil
	})
	return d, err
}

// loadLinked is loadRating after linking any chart not linked yet.
func (a *Archive) loadLinked(ctx context.Context, player string, withHistory bool) (*ratingData, error) {
	d, err := a.loadRating(ctx, player, withHistory)
	if err != nil || !d.unlinked {
		return d, err
	}
	if err := a.ResolveCharts(ctx); err != nil {
		return nil, err
	}
	return a.loadRating(ctx, player, withHistory)
}

// Rating computes the player's rating at time at (the zero time: now)
// from the archive: the best score of each chart (at a past time, the
// best the score history had then), the constants of the synced song data
// (at a past time, the constant the history had then) and the rules of
// the player's region and version at that time.
func (a *Archive) Rating(ctx context.Context, player string, at time.Time) (*PlayerRating, error) {
	past := !at.IsZero()
	stamp := ""
	if !past {
		at = a.now()
		var r *PlayerRating
		if r, stamp = a.ratings.get(ctx, a, player, at); r != nil {
			return r, nil
		}
	}
	d, err := a.loadLinked(ctx, player, past)
	if err != nil {
		return nil, fmt.Errorf("archive: rating: %w", err)
	}
	rules, err := RulesFor(d.region, at)
	if err != nil {
		return nil, fmt.Errorf("archive: rating: %w", err)
	}
	scores := make([]maimai.Score, 0, len(d.bests))
	if past {
		scores = bestsAt(d.history, at)
	} else {
		for _, b := range d.bests {
			scores = append(scores, b.Score)
		}
	}
	res := d.rate(rules, scores, at, past)
	res.Player = player
	if stamp != "" {
		a.ratings.put(player, stamp, res)
	}
	return res, nil
}

// ratingCache keeps each player's latest current rating with the stamp of
// what it was computed from (storage.RatingStamp), so showing the rating
// again costs one small query until an import or a sync changes its data.
type ratingCache struct {
	mu sync.Mutex
	m  map[string]cachedRating
}

type cachedRating struct {
	stamp string
	res   PlayerRating
}

// stamp is the player's rating stamp under the rules of at.
func (a *Archive) ratingStamp(ctx context.Context, player string, at time.Time) (string, error) {
	var stamp string
	err := a.db.View(ctx, func(tx *storage.Tx) error {
		id, err := tx.PlayerID(ctx, player)
		if err != nil {
			return err
		}
		region, err := tx.PlayerRegion(ctx, id)
		if err != nil {
			return err
		}
		rules, err := RulesFor(region, at)
		if err != nil {
			return err
		}
		s, err := tx.RatingStamp(ctx, id, region)
		stamp = fmt.Sprintf("%d %s %s", id, rules.Version, s)
		return err
	})
	return stamp, err
}

// get returns a copy of the cached rating when its data has not changed,
// and the stamp it checked ("" when it could not read one).
func (c *ratingCache) get(ctx context.Context, a *Archive, player string, at time.Time) (*PlayerRating, string) {
	stamp, err := a.ratingStamp(ctx, player, at)
	if err != nil {
		return nil, "" // the full path reports it
	}
	c.mu.Lock()
	cr, ok := c.m[player]
	c.mu.Unlock()
	if !ok || cr.stamp != stamp {
		return nil, stamp
	}
	r := cr.res.clone()
	r.At = at.UTC()
	return r, stamp
}

// put caches res under the stamp read before its data was: a change made
// in between leaves the entry keyed by the older stamp, so it is
// recomputed next time rather than served stale.
func (c *ratingCache) put(player, stamp string, res *PlayerRating) {
	c.mu.Lock()
	if c.m == nil {
		c.m = map[string]cachedRating{}
	}
	c.m[player] = cachedRating{stamp: stamp, res: *res.clone()}
	c.mu.Unlock()
}

// clone copies r with its tables, so callers may change what they get.
func (r *PlayerRating) clone() *PlayerRating {
	c := *r
	c.New = append([]RatingEntry{}, r.New...)
	c.Old = append([]RatingEntry{}, r.Old...)
	c.Unknown = append([]RatingEntry{}, r.Unknown...)
	return &c
}

// bestsAt is the best of each chart as the score history had it at at:
// each row of history is the best as an improvement made it.
func bestsAt(history []storage.ScoreStep, at time.Time) []maimai.Score {
	last := map[bestKey]storage.ScoreStep{}
	var order []bestKey
	for _, s := range history {
		if s.ObservedAt.After(at) {
			continue
		}
		k := bestKey{s.Chart, s.Genre}
		if _, ok := last[k]; !ok {
			order = append(order, k)
		}
		if prev, ok := last[k]; !ok || !s.ObservedAt.Before(prev.ObservedAt) {
			last[k] = s
		}
	}
	out := make([]maimai.Score, 0, len(order))
	for _, c := range order {
		s := last[c]
		out = append(out, stepScore(s))
	}
	return out
}

func stepScore(s storage.ScoreStep) maimai.Score {
	return maimai.Score{Chart: s.Chart, Genre: s.Genre, Played: true, Achievement: s.Achievement, Rank: s.Rank, DXScore: s.DXScore,
		DXScoreMax: s.DXScoreMax, FC: s.FC, FS: s.FS}
}

// rate applies rules to scores. past picks the constants from the
// constant history as of at.
func (d *ratingData) rate(rules rating.Rules, scores []maimai.Score, at time.Time, past bool) *PlayerRating {
	res := &PlayerRating{Region: d.region, At: at.UTC(), Version: rules.Version.Name(d.region), Era: rules.Era.String(),
		Bests: len(scores), New: []RatingEntry{}, Old: []RatingEntry{}, Unknown: []RatingEntry{}}
	bests := make([]rating.Best, 0, len(scores))
	entries := make([]RatingEntry, 0, len(scores))
	for _, s := range scores {
		e := RatingEntry{Title: s.Title, Type: s.Type, Difficulty: s.Difficulty, Level: s.Level, Achievement: s.Achievement,
			Rank: rankOr(s.Rank, s.Achievement), FC: s.FC, FS: s.FS, Link: LinkLearned}
		b := rating.Best{Key: rating.Key{Chart: s.Chart}, Achievement: s.Achievement, FC: s.FC, FS: s.FS}
		l, linked := d.links[bestKey{s.Chart, s.Genre}]
		var sc *storedChart
		if linked {
			e.Link = l.Status
			sc = d.set.byID[l.ChartID]
		}
		if sc != nil {
			c := sc.chart.Constant
			if past {
				c = constantAt(d.hist[l.ChartID], at, c)
			}
			e.Constant = c
			e.Level = cmpOr(sc.chart.Level, e.Level)
			e.SongID = sc.song.MusicID
			if sc.version != 0 {
				e.Version = sc.version.Name(d.region)
			}
			b.SongID, b.Constant, b.Version = sc.song.MusicID, rating.Constant(c), sc.version
		}
		if b.Utage() {
			continue // utage never counts and is not missing from the rating
		}
		if !e.Constant.Known() {
			if e.Link != LinkMatched {
				res.Unmatched++
			}
			res.Unknown = append(res.Unknown, e)
			continue
		}
		bests = append(bests, b)
		entries = append(entries, e)
	}
	r := rules.PlayerRating(bests)
	fill := func(es []rating.Entry) []RatingEntry {
		out := make([]RatingEntry, len(es))
		for i, x := range es {
			e := entries[x.Index]
			e.Rating = x.Rating
			if t, ok := rules.NextStep(x.Constant, x.Achievement, x.FC); ok {
				e.Next = &NextStep{Achievement: t.Achievement, Rating: t.Rating, Rank: t.Rank}
			}
			out[i] = e
		}
		return out
	}
	res.New, res.Old = fill(r.New), fill(r.Old)
	res.NewTotal, res.OldTotal, res.Total = r.NewTotal, r.OldTotal, r.Total()
	sort.SliceStable(res.Unknown, func(i, j int) bool { return res.Unknown[i].Achievement > res.Unknown[j].Achievement })
	return res
}

// constantAt is the constant a chart had at t by its history: the value
// first seen last at or before t, or, before the first sync, the first
// value known (the best guess there is); now when there is no history.
func constantAt(hist []storage.ConstantRow, t time.Time, now songs.Constant) songs.Constant {
	if len(hist) == 0 {
		return now
	}
	c := hist[0].Constant
	for _, h := range hist {
		if h.FirstSeen.After(t) {
			break
		}
		c = h.Constant
	}
	return songs.Constant(c)
}

// RatingPoint is the player's rating at one moment of the archive.
type RatingPoint struct {
	At time.Time `json:"at"`
	// Computed is the rating computed from the archive as it knew the
	// best scores at At.
	Computed int `json:"computed"`
	// Site is the rating a home, playerData or friendCode page saved at At
	// showed, 0 for a point without one.
	Site int    `json:"site,omitempty"`
	Kind string `json:"kind"` // "day" (the last improvement of a day with plays or score pages) or the snapshot's page kind
	// Unknown counts the best scores not counted for want of a constant.
	Unknown int `json:"unknown"`
}

// RatingHistory recomputes the player's rating at every point the archive
// knows, oldest first: after the last improvement of each day (in the
// region's time) and at every saved profile page, beside the rating that
// page showed. Each point uses the score history and the constants as of
// its time and the rules of its version.
func (a *Archive) RatingHistory(ctx context.Context, player string) ([]RatingPoint, error) {
	d, err := a.loadLinked(ctx, player, true)
	if err != nil {
		return nil, fmt.Errorf("archive: rating history: %w", err)
	}
	loc := d.region.Location()
	var points []RatingPoint
	lastOfDay := map[string]time.Time{}
	for _, s := range d.history {
		day := s.ObservedAt.In(loc).Format(time.DateOnly)
		if s.ObservedAt.After(lastOfDay[day]) {
			lastOfDay[day] = s.ObservedAt
		}
	}
	for _, t := range lastOfDay {
		points = append(points, RatingPoint{At: t, Kind: "day"})
	}
	for _, s := range d.snaps {
		if s.Rating > 0 {
			points = append(points, RatingPoint{At: s.ObservedAt, Site: s.Rating, Kind: s.Kind})
		}
	}
	sort.SliceStable(points, func(i, j int) bool { return points[i].At.Before(points[j].At) })
	// One sweep over the history, oldest first, keeps the bests current.
	steps := append([]storage.ScoreStep(nil), d.history...)
	sort.SliceStable(steps, func(i, j int) bool { return steps[i].ObservedAt.Before(steps[j].ObservedAt) })
	cur := map[bestKey]int{}
	var scores []maimai.Score
	next := 0
	out := points[:0]
	for _, p := range points {
		for ; next < len(steps) && !steps[next].ObservedAt.After(p.At); next++ {
			s := steps[next]
			if i, ok := cur[bestKey{s.Chart, s.Genre}]; ok {
				scores[i] = stepScore(s)
			} else {
				cur[bestKey{s.Chart, s.Genre}] = len(scores)
				scores = append(scores, stepScore(s))
			}
		}
		rules, err := RulesFor(d.region, p.At)
		if err != nil {
			continue // before DX rating existed: nothing to compute
		}
		r := d.rate(rules, scores, p.At, true)
		p.Computed, p.Unknown = r.Total, len(r.Unknown)
		out = append(out, p)
	}
	return out, nil
}
