package archive

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/maiprobe/maiprobe/internal/history"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/storage"
)

// The reads behind the milestones, visit report and year in review pages:
// the player's plays reduced to what internal/history's rules read, kept
// under the archive's version so that the pages after the first one of a
// version read one number.

// PlayLog is every play of a player, oldest first, as history reads them.
type PlayLog struct {
	Region maimai.Region
	Plays  []history.Play
}

// histCache keeps each player's play log (cachedPlayLog) and what is
// derived from it (cachedHist).
type histCache struct {
	mu   sync.Mutex
	logs map[string]*cachedPlayLog
	m    map[string]*cachedHist
	// data is the rating data's stamp of each player (dataStamp, a few
	// counting queries) and the archive version read before it: read
	// again only when the version moved.
	data map[string]versionedStamp
}

type versionedStamp struct {
	version int64
	stamp   string
}

// cachedPlayLog is a player's play log as read at a LogStamp. After an
// import it is brought up to date by reading only the plays added since
// (storage.PlayLogStamp says when that is all that changed); a deletion
// (reparse, split: the epoch), a play committed late below the newest id
// read, or a change of the chart database whose levels the log carries
// make it be read again whole. Everything it is keyed by is in the
// database, so an import by another server on the same archive is seen.
type cachedPlayLog struct {
	playerID int64
	stamp    storage.LogStamp // of the plays in log
	// charts are storage.ChartStamp of every region of the log's plays:
	// the levels of its charts were looked up under them.
	charts map[maimai.Region]string
	levels map[chartRef]string // the song data's level of each chart played ("" when it has none)
	log    *PlayLog
	// grown is set once log.Plays' spare capacity was appended to by a
	// newer log: a second extension must copy.
	grown atomic.Bool
	// version is the archive's version (read before the stamps) at which
	// the log was last found current: while it has not moved, nothing was
	// written anywhere and the log is current without counting the plays
	// (PlayLogStamp walks every play of the player: ~20 ms at 100,000).
	version atomic.Int64
}

// key is what the derived values of this log are keyed by, beside the
// rating data's stamp.
func (l *cachedPlayLog) key() string {
	return fmt.Sprintf("%d e%d n%d m%d", l.playerID, l.stamp.Epoch, l.stamp.Count, l.stamp.MaxID)
}

type cachedHist struct {
	stamp      string
	log        *PlayLog
	once       sync.Once
	milestones []history.Milestone
	err        error
	staleOnce  sync.Once
	stale      map[maimai.Chart]int
	counts     map[maimai.Chart]int // plays per chart
	mu         sync.Mutex
	years      map[int]*YearReview
}

// cachedLog is the player's play log and the entry of what is derived
// from it: the entry is kept under the log's stamp and the rating data's
// (bests, score history, chart links, chart database and snapshots: the
// milestones' bands and plates), so logins, settings and tokens, which
// change neither, do not make it be computed again.
func (a *Archive) cachedLog(ctx context.Context, player string) (*cachedHist, error) {
	pl, v, err := a.playLog(ctx, player)
	if err != nil {
		return nil, err
	}
	// Read after the log: reading it may have linked the charts of new
	// plays, which changes this stamp. v was read before either, so a
	// change made meanwhile leaves the stamp under an older version,
	// read again next time.
	a.hist.mu.Lock()
	ds, ok := a.hist.data[player]
	a.hist.mu.Unlock()
	if !ok || ds.version != v {
		ds = versionedStamp{version: v}
		if ds.stamp, err = a.dataStamp(ctx, player); err != nil {
			ds.stamp = fmt.Sprintf("v%d", v) // no region yet (no saved page): the version keys it
		}
		a.hist.mu.Lock()
		if a.hist.data == nil || len(a.hist.data) >= 1000 {
			a.hist.data = map[string]versionedStamp{}
		}
		a.hist.data[player] = ds
		a.hist.mu.Unlock()
	}
	stamp := ds.stamp + "|" + pl.key()
	a.hist.mu.Lock()
	c := a.hist.m[player]
	a.hist.mu.Unlock()
	if c != nil && c.stamp == stamp && c.log == pl.log {
		return c, nil
	}
	c = &cachedHist{stamp: stamp, log: pl.log}
	a.hist.mu.Lock()
	if a.hist.m == nil || len(a.hist.m) >= 64 {
		a.hist.m = map[string]*cachedHist{} // a bound on memory: many players' logs are not kept at once
	}
	a.hist.m[player] = c
	a.hist.mu.Unlock()
	return c, nil
}

// ForgetHistory drops the player's cached play log and milestones, so
// the next read computes them afresh (benchmarks of the first view after
// a write).
func (a *Archive) ForgetHistory(player string) {
	a.hist.mu.Lock()
	delete(a.hist.m, player)
	delete(a.hist.logs, player)
	delete(a.hist.data, player)
	a.hist.mu.Unlock()
}

// PlayLog is every play of the player oldest first with each chart's
// level (the song data's, else the page's). It is shared: callers must
// not change it.
func (a *Archive) PlayLog(ctx context.Context, player string) (*PlayLog, error) {
	pl, _, err := a.playLog(ctx, player)
	if err != nil {
		return nil, err
	}
	return pl.log, nil
}

// playLog is the player's cached play log brought up to date: unchanged,
// extended by the plays added since it was read, or read whole; with the
// archive's version read before it.
func (a *Archive) playLog(ctx context.Context, player string) (*cachedPlayLog, int64, error) {
	a.hist.mu.Lock()
	old := a.hist.logs[player]
	a.hist.mu.Unlock()
	var out *cachedPlayLog
	var v, after int64
	read := func(strict bool) func(tx *storage.Tx, id int64) error {
		return func(tx *storage.Tx, id int64) error {
			var err error
			if v, err = tx.Version(ctx); err != nil {
				return err
			}
			if old != nil && old.playerID == id && old.version.Load() == v {
				out = old // nothing was written since it was found current
				return nil
			}
			if out, err = a.updateLog(ctx, tx, id, strict, old, &after); err != nil {
				return err
			}
			out.version.Store(v)
			return nil
		}
	}
	// As viewCharts, but a chart an import brought that was never linked
	// is looked for among the plays after the cached log only (a walk of
	// every play otherwise: ~50 ms at 100,000).
	err := a.view(ctx, player, read(true))
	if errors.Is(err, errUnlinked) {
		if err = a.linkPlaysAfter(ctx, player, after); err == nil {
			err = a.view(ctx, player, read(false))
		}
	}
	if err != nil {
		return nil, 0, fmt.Errorf("archive: play log: %w", err)
	}
	if out != old {
		a.hist.mu.Lock()
		if a.hist.logs == nil || len(a.hist.logs) >= 64 {
			a.hist.logs = map[string]*cachedPlayLog{}
		}
		a.hist.logs[player] = out
		a.hist.mu.Unlock()
	}
	return out, v, nil
}

// chartStamps reads storage.ChartStamp of each region.
func chartStamps(ctx context.Context, tx *storage.Tx, regions []maimai.Region) (map[maimai.Region]string, error) {
	out := make(map[maimai.Region]string, len(regions))
	for _, r := range regions {
		s, err := tx.ChartStamp(ctx, r)
		if err != nil {
			return nil, err
		}
		out[r] = s
	}
	return out, nil
}

// updateLog brings old up to date; *after is set to the id above which
// it read plays (0: it read them all).
func (a *Archive) updateLog(ctx context.Context, tx *storage.Tx, id int64, strict bool, old *cachedPlayLog, usedAfter *int64) (*cachedPlayLog, error) {
	after := int64(0)
	*usedAfter = 0
	if old != nil && old.playerID == id && old.stamp.MaxID > 0 {
		now, err := chartStamps(ctx, tx, slices.Collect(maps.Keys(old.charts)))
		if err != nil {
			return nil, err
		}
		if maps.Equal(now, old.charts) {
			after = old.stamp.MaxID
		}
	}
	st, newer, err := tx.PlayLogStamp(ctx, id, after)
	if err != nil {
		return nil, err
	}
	if after > 0 && st.Epoch == old.stamp.Epoch && st.Count == old.stamp.Count+newer {
		if newer == 0 {
			return old, nil
		}
		*usedAfter = after
		rows, err := tx.PlayLogAfter(ctx, id, after)
		if err != nil {
			return nil, err
		}
		return a.extendLog(ctx, tx, id, strict, old, rows)
	}
	rows, err := tx.PlayLog(ctx, id)
	if err != nil {
		return nil, err
	}
	empty := &cachedPlayLog{playerID: id, stamp: storage.LogStamp{Epoch: st.Epoch}, charts: map[maimai.Region]string{},
		levels: map[chartRef]string{}, log: &PlayLog{}}
	empty.grown.Store(true) // no spare capacity to share
	return a.extendLog(ctx, tx, id, strict, empty, rows)
}

// extendLog is old with rows (plays with ids above old's) added in their
// places, the levels of charts it did not know looked up.
func (a *Archive) extendLog(ctx context.Context, tx *storage.Tx, id int64, strict bool, old *cachedPlayLog, rows []storage.LogPlay) (*cachedPlayLog, error) {
	out := &cachedPlayLog{playerID: id, stamp: old.stamp, charts: old.charts, levels: old.levels,
		log: &PlayLog{Region: old.log.Region}}
	var refs []chartRef
	seen := map[chartRef]bool{}
	for _, r := range rows {
		ref := chartRef{r.Region, r.Chart}
		if _, ok := old.levels[ref]; !ok && !seen[ref] {
			seen[ref] = true
			refs = append(refs, ref)
		}
	}
	if len(refs) > 0 {
		lk, err := a.lookupCharts(ctx, tx, id, refs, strict)
		if err != nil {
			return nil, err
		}
		out.levels = maps.Clone(old.levels)
		var regions []maimai.Region
		for _, ref := range refs {
			out.levels[ref] = lk.chart(ref.region, ref.chart, "").Level
			if _, ok := old.charts[ref.region]; !ok && !slices.Contains(regions, ref.region) {
				regions = append(regions, ref.region)
			}
		}
		if len(regions) > 0 {
			more, err := chartStamps(ctx, tx, regions)
			if err != nil {
				return nil, err
			}
			out.charts = maps.Clone(old.charts)
			maps.Copy(out.charts, more)
		}
	}
	// The log's order: minute, track, id (ids are unique). Rows after an
	// id come in id order; a whole log comes in storage.PlayLog's order
	// (time, track, id), which differs only for plays of one minute whose
	// seconds and tracks disagree, so the sort finds it nearly done.
	slices.SortFunc(rows, func(x, y storage.LogPlay) int {
		return cmp.Or(cmp.Compare(x.Minute, y.Minute), cmp.Compare(x.Track, y.Track), cmp.Compare(x.ID, y.ID))
	})
	added := make([]history.Play, len(rows))
	for i, r := range rows {
		added[i] = history.Play{ID: r.ID, At: time.Unix(r.Minute*60, 0).UTC(), Track: r.Track, Chart: r.Chart,
			Level: cmpOr(out.levels[chartRef{r.Region, r.Chart}], r.Level), Achievement: r.Achievement, DXScore: r.DXScore,
			DXScoreMax: r.DXScoreMax, FC: r.FC, FS: r.FS}
		out.stamp.Count++
		out.stamp.MaxID = max(out.stamp.MaxID, r.ID)
	}
	prev := old.log.Plays
	switch {
	case len(added) == 0:
		out.log.Plays = prev
	case len(prev) == 0 || logOrder(prev[len(prev)-1], added[0]) < 0:
		// The usual import: every new play after the newest kept. The
		// spare capacity of the old log's array is used once, never
		// seen by the readers of the old log (they stop at its length).
		if cap(prev)-len(prev) >= len(added) && old.grown.CompareAndSwap(false, true) {
			out.log.Plays = append(prev, added...)
		} else {
			grown := make([]history.Play, len(prev), len(prev)+len(added)+len(prev)/8+64)
			copy(grown, prev)
			out.log.Plays = append(grown, added...)
		}
	default:
		// Older plays imported late: merged into a new array.
		merged := make([]history.Play, 0, len(prev)+len(added)+len(prev)/8+64)
		i, j := 0, 0
		for i < len(prev) && j < len(added) {
			if logOrder(added[j], prev[i]) < 0 {
				merged = append(merged, added[j])
				j++
			} else {
				merged = append(merged, prev[i])
				i++
			}
		}
		merged = append(append(merged, prev[i:]...), added[j:]...)
		out.log.Plays = merged
	}
	// The log's region is its newest play's.
	if p := out.log.Plays; len(added) > 0 && p[len(p)-1].ID == added[len(added)-1].ID {
		out.log.Region = rows[len(rows)-1].Region
	}
	return out, nil
}

// linkPlaysAfter is ResolveChartsFor with the plays' charts looked for
// among the plays with ids above after only (all when 0): the plays up to
// it were all linked when the cached log read them, and links are only
// deleted by a songs sync, which changes the chart stamp and so reads the
// log whole. The unlinked bests are matched too, as ResolveChartsFor does:
// the genres they show tell apart songs of one title.
func (a *Archive) linkPlaysAfter(ctx context.Context, player string, after int64) error {
	now := a.now().UTC()
	err := a.db.Update(ctx, func(tx *storage.Tx) error {
		pid, err := tx.PlayerID(ctx, player)
		if err != nil {
			return err
		}
		idents, err := tx.UnlinkedPlaysAfter(ctx, pid, after)
		if err != nil {
			return err
		}
		region, err := tx.PlayerRegion(ctx, pid)
		if isNotFound(err) {
			return link(ctx, tx, idents, now)
		}
		if err != nil {
			return err
		}
		more, err := tx.UnlinkedBests(ctx, pid, region)
		if err != nil {
			return err
		}
		return link(ctx, tx, append(idents, more...), now)
	})
	if err != nil && !isNotFound(err) {
		return fmt.Errorf("archive: match charts of %s: %w", player, err)
	}
	return nil
}

// logOrder orders plays as the play log lists them: by time (the log's
// times are whole minutes), then track number, then id.
func logOrder(x, y history.Play) int {
	if c := x.At.Compare(y.At); c != 0 {
		return c
	}
	if c := cmp.Compare(x.Track, y.Track); c != 0 {
		return c
	}
	return cmp.Compare(x.ID, y.ID)
}

// Milestones is the player's timeline of firsts, newest first
// (history.Milestones): ranks, marks and stars per level from the plays,
// the rating bands crossed along the rating history (the computed rating,
// or a saved page's where higher), and the plates complete now. It is
// computed once per archive version and shared: callers must not change
// it.
func (a *Archive) Milestones(ctx context.Context, player string) ([]history.Milestone, error) {
	c, err := a.cachedLog(ctx, player)
	if err != nil {
		return nil, err
	}
	c.once.Do(func() { c.milestones, c.err = a.milestones(ctx, player, c.log) })
	if c.err != nil {
		// A failed computation (a cancelled request) is not kept.
		a.ForgetHistory(player)
	}
	return c.milestones, c.err
}

func (a *Archive) milestones(ctx context.Context, player string, log *PlayLog) ([]history.Milestone, error) {
	if len(log.Plays) == 0 {
		return nil, nil
	}
	points, err := a.RatingHistory(ctx, player)
	if err != nil {
		return nil, fmt.Errorf("archive: milestones: %w", err)
	}
	var marks []history.RatingMark
	trust := history.Trust(newRatingTrust(points, log).readings)
	for i, p := range points {
		// A computed rating far below the site's (an archive lacking most
		// bests) crosses no band: only what a page printed counts then.
		r := p.Site
		if trust[i] {
			r = max(p.Computed, p.Site)
		}
		rules, err := RulesFor(log.Region, p.At)
		if err != nil || r <= 0 {
			continue // before the DX era: no band table
		}
		marks = append(marks, history.RatingMark{At: p.At, Rating: r, Colour: rules.Band(r).Colour})
	}
	rep, err := a.Plates(ctx, player)
	if err != nil {
		return nil, fmt.Errorf("archive: milestones: %w", err)
	}
	var plates []history.PlateDone
	for _, st := range rep.Plates {
		if len(st.Remaining) > 0 || len(st.Done) == 0 {
			continue
		}
		pd := history.PlateDone{Name: st.Name, Kind: st.Kind}
		for _, e := range st.Done {
			pd.Charts = append(pd.Charts, maimai.Chart{Title: e.Title, Type: e.Type, Difficulty: e.Difficulty})
		}
		plates = append(plates, pd)
	}
	return history.Milestones(log.Plays, marks, plates), nil
}

// StaleAttempts is history.StaleAttempts of the player's plays: per chart,
// the plays since its achievement best last rose.
// It is computed once per stamp and shared: callers must not change it.
func (a *Archive) StaleAttempts(ctx context.Context, player string) (map[maimai.Chart]int, error) {
	c, err := a.cachedLog(ctx, player)
	if err != nil {
		return nil, err
	}
	c.stale, _ = c.staleCounts()
	return c.stale, nil
}

// staleCounts computes the stale attempts and the plays of each chart
// once.
func (c *cachedHist) staleCounts() (stale, counts map[maimai.Chart]int) {
	c.staleOnce.Do(func() {
		c.stale = history.StaleAttempts(c.log.Plays)
		c.counts = map[maimai.Chart]int{}
		for _, p := range c.log.Plays {
			c.counts[p.Chart]++
		}
	})
	return c.stale, c.counts
}

// VisitReport is one visit to the arcade in full: the visit as the
// sessions page lists it, its plays with their details, and what the
// report page draws from them.
type VisitReport struct {
	Visit
	// Plays are the visit's plays oldest first, with details.
	Plays    []StoredPlay                 `json:"plays"`
	PerChart []history.ChartPlays         `json:"per_chart"`
	Curve    []history.CurvePoint         `json:"curve"`
	Partners []history.PartnerCount       `json:"partners"`
	Photos   []maimai.Photo               `json:"photos"` // taken on the visit's day(s), in the region's clock
	Usual    map[int64]maimai.Achievement `json:"-"`      // the usual of each play's chart, by play id
	// Computed is true when RatingBefore and RatingAfter are the
	// archive's computed rating (no page showed the site's around it).
	Computed bool `json:"computed"`
	// Prev and Next are the first plays of the visits before and after,
	// 0 when there is none.
	Prev int64 `json:"prev,omitempty"`
	Next int64 `json:"next,omitempty"`
}

// VisitReport reports the visit (plays no more than gap apart;
// DefaultVisitGap when 0) that holds the player's play id.
func (a *Archive) VisitReport(ctx context.Context, player string, id int64, gap time.Duration) (*VisitReport, error) {
	if gap <= 0 {
		gap = DefaultVisitGap
	}
	// The visits are split from the cached play log's minutes rather
	// than from a read of every play's time.
	log, err := a.PlayLog(ctx, player)
	if err != nil {
		return nil, err
	}
	minutes := make([]int64, len(log.Plays))
	for i, p := range log.Plays {
		minutes[i] = p.At.Unix() / 60
	}
	slices.Sort(minutes) // the log is in time order; this keeps splitVisits' input sorted whatever ties did
	spans := splitVisits(minutes, gap)
	rep := &VisitReport{}
	err = a.viewCharts(ctx, player, func(tx *storage.Tx, pid int64, strict bool) error {
		*rep = VisitReport{}
		row, err := tx.PlayByID(ctx, pid, id)
		if err != nil {
			return err
		}
		m := storage.Minute(row.PlayedAt)
		i, found := spanOf(spans, m)
		if !found {
			// The play was imported after the cached log was read: the
			// spans lack it, and the span the search stopped at is
			// another visit. Split this transaction's own minutes.
			minutes, err := tx.PlayMinutes(ctx, pid)
			if err != nil {
				return err
			}
			spans = splitVisits(minutes, gap)
			if i, found = spanOf(spans, m); !found {
				return fmt.Errorf("visit of play %d: %w", id, storage.ErrNotFound)
			}
		}
		if rep.Visit, err = visit(ctx, tx, pid, spans[i]); err != nil {
			return err
		}
		rows, err := tx.PlaysBetween(ctx, pid, time.Unix(spans[i].from*60, 0), time.Unix((spans[i].to+1)*60, 0))
		if err != nil {
			return err
		}
		if rep.Plays, err = storedPlays(rows); err != nil {
			return err
		}
		firstOf := func(sp span) (int64, error) {
			rows, err := tx.PlaysBetween(ctx, pid, time.Unix(sp.from*60, 0), time.Unix((sp.from+1)*60, 0))
			if err != nil || len(rows) == 0 {
				return 0, err
			}
			return rows[0].ID, nil
		}
		if i > 0 {
			if rep.Prev, err = firstOf(spans[i-1]); err != nil {
				return err
			}
		}
		if i+1 < len(spans) {
			if rep.Next, err = firstOf(spans[i+1]); err != nil {
				return err
			}
		}
		photos, err := tx.Photos(ctx, pid)
		if err != nil {
			return err
		}
		loc := rep.Region.Location()
		first, last := rep.Start.In(loc).Format(time.DateOnly), rep.End.In(loc).Format(time.DateOnly)
		for _, ph := range photos {
			if d := ph.TakenAt.In(loc).Format(time.DateOnly); d >= first && d <= last {
				rep.Photos = append(rep.Photos, ph.Photo)
			}
		}
		lk, err := a.lookupCharts(ctx, tx, pid, playRefs(rep.Plays), strict)
		if err != nil {
			return err
		}
		lk.annotate(rep.Plays)
		for i := range rep.NewBests {
			lk.play(&rep.NewBests[i].StoredPlay)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !rep.RatingKnown && len(rep.Plays) > 0 {
		// No page showed the site's rating around the visit: the
		// archive's own, from the bests before and after it.
		// Not when that is far below what the site printed (an archive
		// lacking most bests): a +3,000 visit it is not.
		before, err1 := a.Rating(ctx, player, rep.Start.Add(-time.Second))
		after, err2 := a.Rating(ctx, player, rep.End.Add(time.Minute))
		points, err3 := a.RatingHistory(ctx, player)
		if err1 == nil && err2 == nil && err3 == nil && newRatingTrust(points, log).at(rep.End) {
			rep.RatingBefore, rep.RatingAfter, rep.RatingKnown, rep.Computed = before.Total, after.Total, true, true
		}
	}
	visit := make([]history.Play, len(rep.Plays))
	skip := map[int64]bool{}
	charts := map[maimai.Chart]bool{}
	var partners [][]maimai.Partner
	for i, p := range rep.Plays {
		visit[i] = history.Play{ID: p.ID, At: p.PlayedAt, Track: p.Track, Chart: p.Chart, Level: cmpOr(p.Info.Level, p.Level),
			Achievement: p.Achievement, DXScore: p.DXScore, DXScoreMax: p.DXScoreMax, FC: p.FC, FS: p.FS}
		skip[p.ID], charts[p.Chart] = true, true
		if p.Detail != nil {
			partners = append(partners, p.Detail.Partners)
		}
	}
	var others []history.Play
	for _, p := range log.Plays {
		if charts[p.Chart] {
			others = append(others, p)
		}
	}
	usual := history.Usual(others, skip)
	rep.Usual = map[int64]maimai.Achievement{}
	for _, p := range visit {
		if u, ok := usual[p.Chart]; ok {
			rep.Usual[p.ID] = u
		}
	}
	rep.PerChart = history.PerChart(visit)
	rep.Curve = history.WarmUp(visit, usual)
	rep.Partners = history.Partners(partners)
	return rep, nil
}

// YearReview is a year in review (history.Review) with what the play log
// alone does not hold.
type YearReview struct {
	history.Year
	Region maimai.Region `json:"region"`
	// Years are the years with plays, newest first, for the page's links.
	Years      []int               `json:"years"`
	Milestones []history.Milestone `json:"milestones"`
	// RatingStart and RatingEnd are the rating before the year's first
	// visit and after its last as the site printed it (the visit
	// reports'), else from the rating history, RatingComputed then
	// (yearRatings); RatingKnown is false when nothing tells.
	RatingStart    int                    `json:"rating_start"`
	RatingEnd      int                    `json:"rating_end"`
	RatingKnown    bool                   `json:"rating_known"`
	RatingComputed bool                   `json:"rating_computed"`
	Partners       []history.PartnerCount `json:"partners"`
}

// YearReview reviews the player's year (in the region's clock); a year
// without plays is ErrNotFound.
// It is computed once per stamp and year, and shared: callers must not
// change it.
func (a *Archive) YearReview(ctx context.Context, player string, year int) (*YearReview, error) {
	c, err := a.cachedLog(ctx, player)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	y, ok := c.years[year]
	c.mu.Unlock()
	if !ok {
		if y, err = a.yearReview(ctx, player, c.log, year); err != nil {
			return nil, err
		}
		c.mu.Lock()
		if c.years == nil {
			c.years = map[int]*YearReview{}
		}
		c.years[year] = y
		c.mu.Unlock()
	}
	// Partners come from play details, which an import may add to plays
	// already in the log without changing its stamp: read each time.
	out := *y
	loc := y.Region.Location()
	if out.Partners, err = a.partners(ctx, player, time.Date(year, 1, 1, 0, 0, 0, 0, loc), time.Date(year+1, 1, 1, 0, 0, 0, 0, loc)); err != nil {
		return nil, err
	}
	return &out, nil
}

// partners counts the partners named by the details of the player's
// plays with from <= played_at < to.
func (a *Archive) partners(ctx context.Context, player string, from, to time.Time) ([]history.PartnerCount, error) {
	var details [][]byte
	err := a.view(ctx, player, func(tx *storage.Tx, id int64) error {
		var err error
		details, err = tx.PartnerDetails(ctx, id, from, to)
		return err
	})
	if err != nil {
		return nil, err
	}
	var partners [][]maimai.Partner
	for _, d := range details {
		var pd maimai.PlayDetail
		if err := json.Unmarshal(d, &pd); err != nil {
			return nil, fmt.Errorf("archive: partners: %w", err)
		}
		partners = append(partners, pd.Partners)
	}
	return history.Partners(partners), nil
}

func (a *Archive) yearReview(ctx context.Context, player string, log *PlayLog, year int) (*YearReview, error) {
	loc := log.Region.Location()
	out := &YearReview{Region: log.Region, Years: history.Years(log.Plays, loc)}
	if !slices.Contains(out.Years, year) {
		return nil, fmt.Errorf("archive: no plays in %d: %w", year, ErrNotFound)
	}
	out.Year = history.Review(log.Plays, year, loc, DefaultVisitGap)
	ms, err := a.Milestones(ctx, player)
	if err != nil {
		return nil, err
	}
	out.Milestones = history.InYear(ms, year, loc)
	points, err := a.RatingHistory(ctx, player)
	if err != nil {
		return nil, err
	}
	if out.RatingStart, out.RatingEnd, out.RatingKnown, out.RatingComputed, err = a.yearRatings(ctx, player, log, year, points); err != nil {
		return nil, err
	}
	return out, nil
}
