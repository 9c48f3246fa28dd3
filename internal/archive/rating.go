package archive

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
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
	// DXScore and DXScoreMax are the best's DX score and the chart's
	// highest (from the song data's note counts when the page gave none);
	// DXStars the stars (0–5) that score earns.
	DXScore    int `json:"dx_score"`
	DXScoreMax int `json:"dx_score_max,omitempty"`
	DXStars    int `json:"dx_stars"`
	// Jacket is the file name of the song's jacket image the site's pages
	// showed ("" when no saved page showed one).
	Jacket string `json:"jacket,omitempty"`
	Rating int    `json:"rating"`
	// Next is the smallest achievement that raises the chart's rating, and
	// the rating there; nil at 100.5% or when the constant is unknown.
	Next    *NextStep `json:"next,omitempty"`
	SongID  int       `json:"song_id,omitempty"`
	Version string    `json:"version,omitempty"`
	// Link is the chart's link status: LinkMatched, LinkLearned or
	// LinkAmbiguous.
	Link string `json:"link"`
	// Estimated is set when Constant is not the song data's but learned
	// from the ratings the site printed after plays (ConstantEstimates).
	Estimated bool `json:"estimated,omitempty"`
	// Source and SourceAt are the best's provenance (storage.Provenance:
	// "dxnet:scores", "divingfish-json", …, and when that source says the
	// score was set); empty in past ratings and for bests stored before
	// provenance was kept.
	Source   string    `json:"source,omitempty"`
	SourceAt time.Time `json:"source_at,omitzero"`
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
	snaps    []storage.Snapshot              // the snapshots with a rating, without their data
	jackets  map[string]string               // jacket file by title (bestJackets)
	unlinked bool
}

// bestJackets is the jacket file of each best's title: from the jacket
// index (JacketsFor: every page that drew it, score lists and musicDetail
// included, so a chart never played since saving still has one), else the
// one the player's plays showed (a title the index finds ambiguous, such
// as the two "Link"s, when the player's plays show it).
func (a *Archive) bestJackets(ctx context.Context, tx *storage.Tx, playerID int64, region maimai.Region, bests []storage.BestScore) (map[string]string, error) {
	titles := make([]string, 0, len(bests))
	for _, b := range bests {
		titles = append(titles, b.Title)
	}
	out, err := jacketsIn(ctx, tx, region, titles)
	if err != nil {
		return nil, err
	}
	played, err := a.playJackets(ctx, tx, playerID)
	if err != nil {
		return nil, err
	}
	for t, f := range played {
		if _, ok := out[t]; !ok {
			out[t] = f
		}
	}
	return out, nil
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
				return noRegion(player)
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
		if d.jackets, err = a.bestJackets(ctx, tx, id, d.region, bests); err != nil {
			return err
		}
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
		if d.history, err = a.scoreSteps(ctx, tx, id); err != nil { // read on from the steps added since, no page hashes
			return err
		}
		if d.snaps, err = tx.SnapshotRatings(ctx, id); err != nil {
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

// Rating computes the player's rating at time at (the zero time, or a
// time not before now: now) from the archive: the best score of each chart
// (at a past time, the best the score history had then), the constants of
// the synced song data (at a past time, the constant the history had then)
// and the rules of the player's region and version at that time.
func (a *Archive) Rating(ctx context.Context, player string, at time.Time) (*PlayerRating, error) {
	past := !at.IsZero() && at.Before(a.now())
	stamp := ""
	if !past {
		at = a.now()
		var r *PlayerRating
		if r, stamp = a.ratings.get(ctx, a, player, at); r != nil {
			return r, nil
		}
	}
	pd, err := a.playerData(ctx, player)
	if err != nil {
		return nil, fmt.Errorf("archive: rating: %w", err)
	}
	d := pd.d
	rules, err := RulesFor(d.region, at)
	if err != nil {
		return nil, fmt.Errorf("archive: rating: %w", err)
	}
	if past {
		// A past rating is computed once per change of the archive and
		// time asked for; callers get a copy.
		res, err := memoized(pd, a.memoKey(pd, "rating", at), func() (*PlayerRating, error) {
			res := d.rate(rules, bestsAt(d.history, at), at, true)
			res.Player = player
			return res, nil
		})
		if err != nil {
			return nil, err
		}
		return res.clone(), nil
	}
	scores := make([]maimai.Score, 0, len(d.bests))
	for _, b := range d.bests {
		scores = append(scores, b.Score)
	}
	// The current rating counts the constants learned from plays for the
	// charts the song data has none for, marked (docs/constants.md).
	est, err := a.constantsOf(ctx, pd)
	if err != nil {
		return nil, fmt.Errorf("archive: rating: %w", err)
	}
	res := d.rateWith(rules, scores, at, false, est.estimated())
	res.Player = player
	if stamp != "" {
		a.ratings.put(player, stamp, res)
	}
	return res, nil
}

// ParseAt reads the time a rating is asked for: a date (YYYY-MM-DD) in
// the region's clock, meaning the end of that day (after its last play),
// or an RFC 3339 time.
func ParseAt(s string, region maimai.Region) (time.Time, error) {
	if d, err := time.ParseInLocation(time.DateOnly, s, region.Location()); err == nil {
		return d.AddDate(0, 0, 1).Add(-time.Nanosecond), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither a date (2006-01-02) nor an RFC 3339 time", s)
	}
	return t, nil
}

// ratingCache keeps each player's latest current rating with the stamp of
// what it was computed from (storage.RatingStamp), so showing the rating
// again costs one small query until an import or a sync changes its data;
// and each player's rating data with score history and the rating history
// computed from it, under the stamp of that data (dataStamp), so a rating
// at a past time, the history, targets and plates read nothing but the
// stamp until the archive changes.
type ratingCache struct {
	mu   sync.Mutex
	m    map[string]cachedRating
	data map[string]*playerData
	// sweeps counts rating histories computed, so tests can tell a
	// cached history from a recomputed one.
	sweeps atomic.Int64
	// consts are the constants learned from plays (constants_state.go).
	consts constStates
}

type cachedRating struct {
	stamp string
	res   PlayerRating
}

// playerData is a player's rating data as of one stamp, and the rating
// history computed from it on first use. Nothing changes d once cached:
// readers share it.
type playerData struct {
	stamp  string
	d      *ratingData
	once   sync.Once
	points []RatingPoint
	// memo holds targets and plate reports computed from d, by what was
	// asked and when (memoKey), so showing them again is free until the
	// archive changes; at most maxMemo of them.
	mu   sync.Mutex
	memo map[string]any
}

// maxMemo bounds a player's memo of targets and plates (each date asked
// for is one entry).
const maxMemo = 32

// memoized returns what compute gives for key, from pd's memo when it was
// computed before.
func memoized[T any](pd *playerData, key string, compute func() (T, error)) (T, error) {
	pd.mu.Lock()
	v, ok := pd.memo[key]
	pd.mu.Unlock()
	if ok {
		return v.(T), nil
	}
	res, err := compute()
	if err != nil {
		return res, err
	}
	pd.mu.Lock()
	if pd.memo == nil || len(pd.memo) >= maxMemo {
		pd.memo = map[string]any{}
	}
	pd.memo[key] = res
	pd.mu.Unlock()
	return res, nil
}

// history is the player's rating history, computed once per playerData.
func (c *ratingCache) history(pd *playerData) []RatingPoint {
	pd.once.Do(func() {
		pd.points = pd.d.ratingHistory()
		c.sweeps.Add(1)
	})
	return pd.points
}

// ErrNoPages: the player has no saved page that names its region, so
// nothing region-bound (rating, constants, 分数线 by rating) can be told.
var ErrNoPages = errors.New("archive: the player has no saved pages yet")

// NoPagesError is ErrNoPages for one player; the command line reads the
// player off it to say what to import in the user's language.
type NoPagesError struct{ Player string }

func (e *NoPagesError) Error() string {
	return fmt.Sprintf("player %q has no saved pages yet, so the region (and the rating) is not known: import a saved page of the player first", e.Player)
}

// Is makes errors.Is(err, ErrNoPages) hold.
func (e *NoPagesError) Is(target error) bool { return target == ErrNoPages }

// noRegion is the error for a player without a saved page that names a
// region.
func noRegion(player string) error { return &NoPagesError{Player: player} }

// dataStamp is a value that changes whenever anything the player's rating
// data holds does: storage.RatingStamp (bests, score history, links, chart
// database) and the snapshots.
func (a *Archive) dataStamp(ctx context.Context, player string) (string, error) {
	var stamp string
	err := a.db.View(ctx, func(tx *storage.Tx) error {
		id, err := tx.PlayerID(ctx, player)
		if err != nil {
			return err
		}
		region, err := tx.PlayerRegion(ctx, id)
		if isNotFound(err) {
			return noRegion(player)
		}
		if err != nil {
			return err
		}
		stamp, err = dataStampIn(ctx, tx, id, region)
		return err
	})
	return stamp, err
}

// dataStampIn is dataStamp of the player with id and region, read in tx.
func dataStampIn(ctx context.Context, tx *storage.Tx, id int64, region maimai.Region) (string, error) {
	rs, err := tx.RatingStamp(ctx, id, region)
	if err != nil {
		return "", err
	}
	ss, err := tx.SnapshotStamp(ctx, id)
	return fmt.Sprintf("%d %s %s|%s", id, region, rs, ss), err
}

// playerData returns the player's rating data with its history, from the
// cache while the archive has not changed since it was read.
func (a *Archive) playerData(ctx context.Context, player string) (*playerData, error) {
	stamp, err := a.dataStamp(ctx, player)
	if err != nil {
		return nil, err
	}
	a.ratings.mu.Lock()
	pd := a.ratings.data[player]
	a.ratings.mu.Unlock()
	if pd != nil && pd.stamp == stamp {
		return pd, nil
	}
	d, err := a.loadRating(ctx, player, true)
	if err != nil {
		return nil, err
	}
	if d.unlinked {
		// Linking changes the stamp: read it again before the data, so
		// a change made meanwhile is not cached as seen.
		if err := a.ResolveChartsFor(ctx, player); err != nil {
			return nil, err
		}
		if stamp, err = a.dataStamp(ctx, player); err != nil {
			return nil, err
		}
		if d, err = a.loadRating(ctx, player, true); err != nil {
			return nil, err
		}
	}
	pd = &playerData{stamp: stamp, d: d}
	a.ratings.mu.Lock()
	if a.ratings.data == nil {
		a.ratings.data = map[string]*playerData{}
	}
	a.ratings.data[player] = pd
	a.ratings.mu.Unlock()
	return pd, nil
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
		if err != nil {
			return err
		}
		// And the plays with a printed rating: a detail page changes no
		// best but may pin a constant the rating counts
		// (ConstantEstimates). Not the archive's version, which a login,
		// a setting or a token moves too.
		e, seq, err := tx.RatingsStamp(ctx, id)
		stamp = fmt.Sprintf("%d %s %s|%d %d", id, rules.Version, s, e, seq)
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
// each row of history is the best as an improvement made it. history is
// in storage.ScoreHistory's order (by chart, then time), so the best of a
// chart at at is the last row of its run not after at; a chart met again
// in a later run (a database whose collation orders titles differently
// from Go) keeps the later of the two.
func bestsAt(history []storage.ScoreStep, at time.Time) []maimai.Score {
	var out []maimai.Score
	var when []time.Time
	seen := map[bestKey]int{}
	for i := 0; i < len(history); {
		j, last := i, -1
		for ; j < len(history) && sameChart(&history[i], &history[j]); j++ {
			if !history[j].ObservedAt.After(at) {
				last = j
			}
		}
		if last >= 0 {
			s := history[last]
			k := bestKey{s.Chart, s.Genre}
			if o, ok := seen[k]; !ok {
				seen[k] = len(out)
				out = append(out, stepScore(s))
				when = append(when, s.ObservedAt)
			} else if !s.ObservedAt.Before(when[o]) {
				out[o], when[o] = stepScore(s), s.ObservedAt
			}
		}
		i = j
	}
	return out
}

// sameChart reports whether two steps are of one best (chart and genre).
func sameChart(x, y *storage.ScoreStep) bool {
	return x.Chart == y.Chart && x.Genre == y.Genre
}

func stepScore(s storage.ScoreStep) maimai.Score {
	return maimai.Score{Chart: s.Chart, Genre: s.Genre, Played: true, Achievement: s.Achievement, Rank: s.Rank, DXScore: s.DXScore,
		DXScoreMax: s.DXScoreMax, FC: s.FC, FS: s.FS}
}

// rate applies rules to scores. past picks the constants from the
// constant history as of at.
func (d *ratingData) rate(rules rating.Rules, scores []maimai.Score, at time.Time, past bool) *PlayerRating {
	return d.rateWith(rules, scores, at, past, nil)
}

// rateWith is rate counting the constants est gives charts without a
// song-data constant, marked Estimated.
func (d *ratingData) rateWith(rules rating.Rules, scores []maimai.Score, at time.Time, past bool, est map[maimai.Chart]songs.Constant) *PlayerRating {
	res := &PlayerRating{Region: d.region, At: at.UTC(), Version: rules.Version.Name(d.region), Era: rules.Era.String(),
		Bests: len(scores), New: []RatingEntry{}, Old: []RatingEntry{}, Unknown: []RatingEntry{}}
	bests := make([]rating.Best, 0, len(scores))
	entries := make([]RatingEntry, 0, len(scores))
	var prov map[bestKey]storage.Provenance
	if !past {
		// Today's scores are d.bests: each says where it came from.
		prov = make(map[bestKey]storage.Provenance, len(d.bests))
		for _, b := range d.bests {
			prov[bestKey{b.Chart, b.Genre}] = b.Provenance
		}
	}
	for _, s := range scores {
		e := RatingEntry{Title: s.Title, Type: s.Type, Difficulty: s.Difficulty, Level: s.Level, Achievement: s.Achievement,
			Rank: rankOr(s.Rank, s.Achievement), FC: s.FC, FS: s.FS, DXScore: s.DXScore, DXScoreMax: s.DXScoreMax,
			Jacket: d.jackets[s.Title], Link: LinkLearned}
		if p, ok := prov[bestKey{s.Chart, s.Genre}]; ok {
			e.Source, e.SourceAt = p.Source, p.SourceAt
		}
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
			if e.DXScoreMax == 0 {
				e.DXScoreMax = rating.MaxDXScore(sc.chart.Notes.Total())
			}
			b.SongID, b.Constant, b.Version = sc.song.MusicID, rating.Constant(c), sc.version
		}
		if c, ok := est[s.Chart]; ok && !e.Constant.Known() {
			e.Constant, e.Estimated, b.Constant = c, true, rating.Constant(c)
		}
		if b.Utage() {
			continue // utage never counts and is not missing from the rating
		}
		e.DXStars = rating.DXStars(e.DXScore, e.DXScoreMax)
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
	// Region is the region of the saved page of a site point, whose
	// clock its time is shown in.
	Region maimai.Region `json:"region,omitempty"`
}

// RatingHistory is the player's rating at every point the archive knows,
// oldest first: after the last improvement of each day (in the region's
// time) and at every saved profile page, beside the rating that page
// showed. Each point uses the score history and the constants as of its
// time and the rules of its version. It is computed once per change of the
// archive (an import, a sync) and cached until the next.
func (a *Archive) RatingHistory(ctx context.Context, player string) ([]RatingPoint, error) {
	pd, err := a.playerData(ctx, player)
	if err != nil {
		return nil, fmt.Errorf("archive: rating history: %w", err)
	}
	return append([]RatingPoint(nil), a.ratings.history(pd)...), nil
}

// historyPoints are the moments the rating history is computed at, oldest
// first: the last improvement of each day and each snapshot with a rating.
func (d *ratingData) historyPoints() []RatingPoint {
	loc := d.region.Location()
	lastOfDay := map[string]time.Time{}
	for _, s := range d.history {
		day := s.ObservedAt.In(loc).Format(time.DateOnly)
		if s.ObservedAt.After(lastOfDay[day]) {
			lastOfDay[day] = s.ObservedAt
		}
	}
	points := make([]RatingPoint, 0, len(lastOfDay)+len(d.snaps))
	for _, t := range lastOfDay {
		points = append(points, RatingPoint{At: t, Kind: "day"})
	}
	sort.Slice(points, func(i, j int) bool { return points[i].At.Before(points[j].At) })
	for _, s := range d.snaps {
		if s.Rating > 0 {
			points = append(points, RatingPoint{At: s.ObservedAt, Site: s.Rating, Kind: s.Kind, Region: maimai.Region(s.Region)})
		}
	}
	sort.SliceStable(points, func(i, j int) bool { return points[i].At.Before(points[j].At) })
	return points
}

// sweepChart is one chart of the history sweep: what the rules need of it,
// fixed by its link, and its best and constant as the sweep has reached.
type sweepChart struct {
	best    rating.Best // Key, SongID and Version fixed; Constant, Achievement and FC as of now
	key     int32       // index of best.Key among the sweep's keys
	utage   bool        // never counts
	linked  bool        // has a chart of the song data (else its constant is unknown)
	present bool        // has a best yet
	counted bool        // rated at least once (and so in unknown when not known)
	known   bool        // its constant is known
	rating  int32
	isNew   bool
	dirty   bool
}

// constEvent is a constant change of one chart: hist row FirstSeen.
type constEvent struct {
	at    time.Time
	chart int32
	c     songs.Constant
}

// topTables is the two rating tables of a sweep as counts of chart
// ratings: the total of a table is the sum of its n highest ratings, which
// a walk down the counts finds without sorting (ratings are below 400),
// and a chart whose rating changes moves between two counts.
type topTables struct {
	counts [2][]int32 // [old, new][rating]
}

func (t *topTables) add(isNew bool, r int32, n int32) {
	if r <= 0 {
		return // a zero rating adds nothing to any total
	}
	c := &t.counts[b2i(isNew)]
	for int(r) >= len(*c) {
		*c = append(*c, 0)
	}
	(*c)[r] += n
}

func (t *topTables) total(isNew bool, n int) int {
	c := t.counts[b2i(isNew)]
	sum := 0
	for r := len(c) - 1; r > 0 && n > 0; r-- {
		k := min(int(c[r]), n)
		sum += k * r
		n -= k
	}
	return sum
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ratingHistory computes the rating at every point of historyPoints in one sweep
// over the score and constant history, oldest first. Between two points
// only the charts improved (or whose constant changed) are rated again;
// each table keeps its charts' ratings as counts (topTables), and a chart
// counted under two entries (rate's dedup by rating.Key) counts once, at
// its higher rating. A change of version rebuilds the tables under the new
// rules. The result equals rating every point from scratch (d.rate), which
// the tests check.
func (d *ratingData) ratingHistory() []RatingPoint {
	points := d.historyPoints()
	if len(points) == 0 {
		return points
	}
	// The charts, one per run of the history (by chart, then time), and
	// the steps in time order.
	var charts []sweepChart
	stepChart := make([]int32, len(d.history))
	byKey := map[bestKey]int32{}
	keys := map[rating.Key]int32{}
	var members [][]int32 // the charts of each key
	var events []constEvent
	for i := 0; i < len(d.history); i++ {
		s := &d.history[i]
		if i > 0 && sameChart(&d.history[i-1], s) {
			stepChart[i] = stepChart[i-1]
			continue
		}
		bk := bestKey{s.Chart, s.Genre}
		if c, ok := byKey[bk]; ok {
			stepChart[i] = c
			continue
		}
		ci := int32(len(charts))
		byKey[bk], stepChart[i] = ci, ci
		ch := sweepChart{best: rating.Best{Key: rating.Key{Chart: s.Chart}}}
		if l, ok := d.links[bk]; ok {
			if sc := d.set.byID[l.ChartID]; sc != nil {
				ch.linked = true
				ch.best.SongID, ch.best.Version = sc.song.MusicID, sc.version
				hist := d.hist[l.ChartID]
				c := sc.chart.Constant
				if len(hist) > 0 {
					c = songs.Constant(hist[0].Constant)
				}
				ch.best.Constant = rating.Constant(c)
				for _, h := range hist[min(1, len(hist)):] {
					events = append(events, constEvent{at: h.FirstSeen, chart: ci, c: songs.Constant(h.Constant)})
				}
			}
		}
		ch.utage = ch.best.Utage()
		k, ok := keys[ch.best.Key]
		if !ok {
			k = int32(len(members))
			keys[ch.best.Key] = k
			members = append(members, nil)
		}
		ch.key = k
		members[k] = append(members[k], ci)
		charts = append(charts, ch)
	}
	order := make([]int32, len(d.history))
	for i := range order {
		order[i] = int32(i)
	}
	sort.SliceStable(order, func(i, j int) bool { return d.history[order[i]].ObservedAt.Before(d.history[order[j]].ObservedAt) })
	sort.SliceStable(events, func(i, j int) bool { return events[i].at.Before(events[j].at) })

	var (
		tables  topTables
		slot    = make([][2]int32, len(members)) // each key's counted rating per table, 0 for none
		rules   rating.Rules
		ruled   bool
		unknown int
		dirty   []int32
		next    int
		nextEv  int
	)
	// value is the rating key k counts in a table: its best chart's there.
	value := func(k int32, isNew bool) int32 {
		v := int32(0)
		for _, ci := range members[k] {
			c := &charts[ci]
			if c.present && c.known && !c.utage && c.isNew == isNew {
				v = max(v, c.rating)
			}
		}
		return v
	}
	// rerate rates chart ci again and moves its key's counts.
	rerate := func(ci int32) {
		c := &charts[ci]
		c.dirty = false
		if c.utage || !c.present {
			return
		}
		if c.counted && !c.known {
			unknown--
		}
		c.counted = true
		k := c.key
		for t := range 2 {
			tables.add(t == 1, slot[k][t], -1)
		}
		c.known = c.linked && songs.Constant(c.best.Constant).Known()
		if c.known {
			c.rating = int32(rules.Rating(c.best))
			c.isNew = rules.IsNew(c.best)
		} else {
			unknown++
		}
		for t := range 2 {
			slot[k][t] = value(k, t == 1)
			tables.add(t == 1, slot[k][t], 1)
		}
	}
	out := points[:0]
	for _, p := range points {
		for ; next < len(order) && !d.history[order[next]].ObservedAt.After(p.At); next++ {
			s := &d.history[order[next]]
			ci := stepChart[order[next]]
			c := &charts[ci]
			c.present = true
			c.best.Achievement, c.best.FC, c.best.FS = s.Achievement, s.FC, s.FS
			if !c.dirty {
				c.dirty = true
				dirty = append(dirty, ci)
			}
		}
		for ; nextEv < len(events) && !events[nextEv].at.After(p.At); nextEv++ {
			ev := events[nextEv]
			c := &charts[ev.chart]
			c.best.Constant = rating.Constant(ev.c)
			if c.present && !c.dirty {
				c.dirty = true
				dirty = append(dirty, ev.chart)
			}
		}
		r, err := RulesFor(d.region, p.At)
		if err != nil {
			continue // before DX rating existed: nothing to compute; the changes wait for the next point
		}
		if !ruled || r.Region != rules.Region || r.Version != rules.Version {
			rules, ruled = r, true
			tables = topTables{}
			clear(slot)
			// Every present chart is rated again under the new rules.
			for ci := range charts {
				if c := &charts[ci]; c.present && !c.dirty {
					c.dirty = true
					dirty = append(dirty, int32(ci))
				}
			}
		}
		for _, ci := range dirty {
			rerate(ci)
		}
		dirty = dirty[:0]
		p.Computed = tables.total(true, rules.NewSize) + tables.total(false, rules.OldSize)
		p.Unknown = unknown
		out = append(out, p)
	}
	return out
}
