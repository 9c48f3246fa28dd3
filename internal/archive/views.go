package archive

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/maiprobe/maiprobe/internal/dxnet"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/songs"
	"github.com/maiprobe/maiprobe/internal/storage"
)

// ErrNotFound is returned by the read views when the player, play or chart
// asked for does not exist.
var ErrNotFound = storage.ErrNotFound

// StoredPlay is a play with its archive id, for links to its own page.
type StoredPlay struct {
	ID int64 `json:"id"`
	Play
	// HasDetail says a detail page is stored, also in lists, which leave
	// the detail itself out to stay fast.
	HasDetail bool `json:"has_detail"`
	// Info is the chart's level, constant and ratings from the song data.
	Info ChartInfo `json:"chart_info"`
}

// PlayFilter narrows a list of plays; zero fields do not filter.
type PlayFilter struct {
	Title      string // substring of the title, any case
	Difficulty maimai.Difficulty
	Type       maimai.ChartType
	From, To   time.Time   // played at or after From, before To
	Rank       maimai.Rank // exactly this rank
	// FC and FS keep plays with this mark or a higher one: FC+ keeps AP
	// and AP+, FS keeps FS+, FDX and FDX+ (the order of maimai's marks).
	FC maimai.FC
	FS maimai.FS
	// MinLevel and MaxLevel bound the chart's level label (inclusive, in
	// the game's order: 13 < 13+ < 14); the level is the song data's, else
	// the one the page showed. One alone leaves the other side open.
	MinLevel, MaxLevel string
	// MinConstant and MaxConstant bound the chart's constant as the song
	// data has it now (inclusive); a chart without a known constant fails
	// either bound.
	MinConstant, MaxConstant songs.Constant
}

// Active reports whether the filter narrows the list at all.
func (f PlayFilter) Active() bool { return f != PlayFilter{} }

// charted reports whether the filter reads the song data of the plays'
// charts (level or constant).
func (f PlayFilter) charted() bool {
	return f.MinLevel != "" || f.MaxLevel != "" || f.MinConstant > 0 || f.MaxConstant > 0
}

// storage is the filter for storage, its chart conditions on the song
// data of region (the player's).
func (f PlayFilter) storage(region maimai.Region) storage.PlayFilter {
	out := storage.PlayFilter{Title: f.Title, Difficulty: f.Difficulty, Type: f.Type, From: f.From, To: f.To, Rank: f.Rank,
		FC: f.FC, FS: f.FS, MinConstant: int(f.MinConstant), MaxConstant: int(f.MaxConstant), ChartRegion: region}
	if f.MinLevel != "" || f.MaxLevel != "" {
		out.Levels = levelsBetween(f.MinLevel, f.MaxLevel)
	}
	return out
}

// filterPlays is FilterPlays and CountFilteredPlays with the player's
// region for the chart conditions.
func filterPlays(ctx context.Context, tx *storage.Tx, player int64, f PlayFilter, offset, limit int) (int, []StoredPlay, error) {
	region, err := tx.PlayerRegion(ctx, player)
	if err != nil && !isNotFound(err) {
		return 0, nil, err
	}
	sf := f.storage(region)
	n, err := tx.CountFilteredPlays(ctx, player, sf)
	if err != nil || offset >= n {
		// Past the end there is nothing to read, and walking the plays in
		// order for matches that are not there would read every one.
		return n, nil, err
	}
	rows, err := tx.FilterPlays(ctx, player, sf, offset, limit)
	if err != nil {
		return 0, nil, err
	}
	plays, err := storedPlays(rows)
	return n, plays, err
}

// linkForFilter matches the charts of plays imported since it last did
// (imports leave their charts unlinked), before a level or constant
// filter, which sees linked charts only.
func (a *Archive) linkForFilter(ctx context.Context, player string, f PlayFilter) error {
	if !f.charted() {
		return nil
	}
	var top int64
	err := a.db.View(ctx, func(tx *storage.Tx) error {
		var err error
		top, err = tx.MaxPlayID(ctx)
		return err
	})
	if err != nil {
		return err
	}
	if seen, ok := a.linkedUpTo.Load(player); ok && top <= seen.(int64) {
		return nil // no play anywhere since this player's charts were linked
	}
	if err := a.ResolveChartsFor(ctx, player); err != nil {
		return err
	}
	a.linkedUpTo.Store(player, top)
	return nil
}

// levelLabels are the level labels of maimai DX charts, lowest first.
var levelLabels = func() []string {
	var out []string
	for n := 1; n <= 15; n++ {
		out = append(out, fmt.Sprint(n))
		if n >= 7 && n < 15 {
			out = append(out, fmt.Sprint(n)+"+")
		}
	}
	return out
}()

// LevelLabels lists the level labels charts have, lowest first: what a
// level filter offers.
func LevelLabels() []string { return append([]string(nil), levelLabels...) }

// levelsBetween lists the level labels from lo to hi (inclusive; "" is
// open), at least one label so that a range no chart has matches nothing.
func levelsBetween(lo, hi string) []string {
	var out []string
	for _, l := range levelLabels {
		if (lo == "" || !levelLess(l, lo)) && (hi == "" || !levelLess(hi, l)) {
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		out = []string{"none"}
	}
	return out
}

// PlayList is one page of a filtered list of plays.
type PlayList struct {
	Total int // plays matching the filter
	Plays []StoredPlay
}

func storedPlay(r storage.Play) (StoredPlay, error) {
	p := StoredPlay{ID: r.ID, Play: Play{Play: r.Play, Region: r.Region}, HasDetail: r.HasDetail || r.Detail != nil}
	if r.Detail != nil {
		p.Detail = new(maimai.PlayDetail)
		if err := json.Unmarshal(r.Detail, p.Detail); err != nil {
			return p, fmt.Errorf("archive: play %d detail: %w", r.ID, err)
		}
	}
	return p, nil
}

func storedPlays(rows []storage.Play) ([]StoredPlay, error) {
	out := make([]StoredPlay, 0, len(rows))
	for _, r := range rows {
		p, err := storedPlay(r)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// view runs fn in a read transaction with the player's id; an unknown
// player is ErrNotFound.
func (a *Archive) view(ctx context.Context, player string, fn func(tx *storage.Tx, id int64) error) error {
	return a.db.View(ctx, func(tx *storage.Tx) error {
		id, err := tx.PlayerID(ctx, player)
		if err != nil {
			return err
		}
		return fn(tx, id)
	})
}

// ListPlays lists the player's plays matching f newest first: limit of
// them after skipping offset, and how many match in all.
func (a *Archive) ListPlays(ctx context.Context, player string, f PlayFilter, offset, limit int) (PlayList, error) {
	if err := a.linkForFilter(ctx, player, f); err != nil {
		return PlayList{}, err
	}
	var out PlayList
	err := a.viewCharts(ctx, player, func(tx *storage.Tx, id int64, strict bool) error {
		out = PlayList{}
		var err error
		if out.Total, out.Plays, err = filterPlays(ctx, tx, id, f, offset, limit); err != nil {
			return err
		}
		lk, err := a.lookupCharts(ctx, tx, id, playRefs(out.Plays), strict)
		if err != nil {
			return err
		}
		lk.annotate(out.Plays)
		return nil
	})
	return out, err
}

// Best is a best score at some moment: each field the highest reached.
type Best struct {
	Achievement maimai.Achievement `json:"achievement"`
	Rank        maimai.Rank        `json:"rank"`
	DXScore     int                `json:"dx_score"`
	FC          maimai.FC          `json:"fc"`
	FS          maimai.FS          `json:"fs"`
}

// raise folds a play into the best and reports which fields rose.
func (b *Best) raise(a maimai.Achievement, dx int, fc maimai.FC, fs maimai.FS) (ach, dxUp, fcUp, fsUp bool) {
	if a > b.Achievement {
		b.Achievement, b.Rank, ach = a, maimai.RankOf(a), true
	}
	if dx > b.DXScore {
		b.DXScore, dxUp = dx, true
	}
	if fcLevel(fc) > fcLevel(b.FC) {
		b.FC, fcUp = fc, true
	}
	if fsLevel(fs) > fsLevel(b.FS) {
		b.FS, fsUp = fs, true
	}
	return
}

// Change compares a play with the best of its chart before it.
type Change struct {
	// First: no earlier play of the chart is archived; Before is zero.
	First  bool
	Before Best
	// AchievementDelta and DXScoreDelta are the play minus the best
	// before it (negative when the play was worse).
	AchievementDelta maimai.Achievement
	DXScoreDelta     int
	// RankDelta, FCDelta and FSDelta are +1 when the play's mark is above
	// the best before, -1 below, 0 equal.
	RankDelta, FCDelta, FSDelta int
	// NewBest: the play raised any field of the best.
	NewBest bool
}

// DiffRow is a play beside the best of its chart before it.
type DiffRow struct {
	StoredPlay
	Change
}

// DiffList is one page of plays with their changes.
type DiffList struct {
	Total int
	Rows  []DiffRow
}

func sign(n int) int {
	switch {
	case n > 0:
		return 1
	case n < 0:
		return -1
	}
	return 0
}

func compare(before *Best, first bool, p maimai.Play) Change {
	c := Change{First: first, Before: *before}
	if first {
		c.NewBest = true
		return c
	}
	c.AchievementDelta = p.Achievement - before.Achievement
	c.DXScoreDelta = p.DXScore - before.DXScore
	c.RankDelta = sign(int(p.Achievement) - int(before.Achievement))
	if maimai.RankOf(p.Achievement) == before.Rank {
		c.RankDelta = 0
	}
	c.FCDelta = sign(fcLevel(p.FC) - fcLevel(before.FC))
	c.FSDelta = sign(fsLevel(p.FS) - fsLevel(before.FS))
	c.NewBest = c.AchievementDelta > 0 || c.DXScoreDelta > 0 || c.FCDelta > 0 || c.FSDelta > 0
	return c
}

// changes computes each play's change against the running best of its
// chart over every earlier archived play. The best is computed from plays
// (not from score lists), so "before" means "before this play, as far as
// the archive's plays tell".
func changes(ctx context.Context, tx *storage.Tx, player int64, plays []StoredPlay) ([]Change, error) {
	if len(plays) == 0 {
		return nil, nil
	}
	charts := make([]maimai.Chart, len(plays))
	latest := plays[0].PlayedAt
	for i, p := range plays {
		charts[i] = p.Chart
		if p.PlayedAt.After(latest) {
			latest = p.PlayedAt
		}
	}
	// Every attempt up to the newest listed play (inclusive) of the listed
	// charts, oldest first.
	atts, err := tx.AttemptsBefore(ctx, player, charts, latest.Add(time.Microsecond))
	if err != nil {
		return nil, err
	}
	want := map[int64]int{}
	for i, p := range plays {
		want[p.ID] = i
	}
	out := make([]Change, len(plays))
	best := map[maimai.Chart]*Best{}
	for _, at := range atts {
		b := best[at.Chart]
		first := b == nil
		if first {
			b = &Best{}
			best[at.Chart] = b
		}
		if i, ok := want[at.ID]; ok {
			out[i] = compare(b, first, plays[i].Play.Play)
		}
		b.raise(at.Achievement, at.DXScore, at.FC, at.FS)
	}
	return out, nil
}

// Diff lists the player's plays matching f newest first, each beside the
// best of its chart before it.
func (a *Archive) Diff(ctx context.Context, player string, f PlayFilter, offset, limit int) (DiffList, error) {
	if err := a.linkForFilter(ctx, player, f); err != nil {
		return DiffList{}, err
	}
	var out DiffList
	err := a.viewCharts(ctx, player, func(tx *storage.Tx, id int64, strict bool) error {
		out = DiffList{}
		n, plays, err := filterPlays(ctx, tx, id, f, offset, limit)
		if err != nil {
			return err
		}
		out.Total = n
		chs, err := changes(ctx, tx, id, plays)
		if err != nil {
			return err
		}
		lk, err := a.lookupCharts(ctx, tx, id, playRefs(plays), strict)
		if err != nil {
			return err
		}
		lk.annotate(plays)
		for i, p := range plays {
			out.Rows = append(out.Rows, DiffRow{StoredPlay: p, Change: chs[i]})
		}
		return nil
	})
	return out, err
}

// DefaultVisitGap is the pause that ends a visit to the arcade.
const DefaultVisitGap = 3 * time.Hour

// Visit is one visit to the arcade: plays no more than the gap apart.
type Visit struct {
	Start, End time.Time // first and last play
	Region     maimai.Region
	Plays      int
	// FirstPlay is the id of the visit's first play, which names the
	// visit in its report's address.
	FirstPlay int64
	// NewBests are the session's plays that raised their chart's best,
	// with how.
	NewBests []DiffRow
	// RatingBefore and RatingAfter are the rating around the session, from
	// play details or else profile snapshots; RatingKnown is false when
	// neither tells.
	RatingBefore, RatingAfter int
	RatingKnown               bool
}

// RatingDelta is the session's rating change.
func (s Visit) RatingDelta() int { return s.RatingAfter - s.RatingBefore }

// VisitList is one page of sessions, newest first.
type VisitList struct {
	Total  int
	Visits []Visit
}

// span is a visit's first and last minute (unix minutes).
type span struct{ from, to int64 }

// splitVisits groups sorted play minutes into visits, oldest first.
func splitVisits(minutes []int64, gap time.Duration) []span {
	var out []span
	g := int64(gap / time.Minute)
	for _, m := range minutes {
		if n := len(out); n > 0 && m-out[n-1].to <= g {
			out[n-1].to = m
			continue
		}
		out = append(out, span{from: m, to: m})
	}
	return out
}

// spanOf finds the visit of spans (splitVisits' result) that holds
// minute m; false when none does.
func spanOf(spans []span, m int64) (int, bool) {
	return slices.BinarySearchFunc(spans, m, func(s span, m int64) int {
		switch {
		case s.to < m:
			return -1
		case s.from > m:
			return 1
		}
		return 0
	})
}

// Visits splits the player's plays into visits separated by at least
// gap (DefaultVisitGap when 0) and lists limit of them, newest first,
// after skipping offset.
func (a *Archive) Visits(ctx context.Context, player string, gap time.Duration, offset, limit int) (VisitList, error) {
	if gap <= 0 {
		gap = DefaultVisitGap
	}
	var out VisitList
	err := a.viewCharts(ctx, player, func(tx *storage.Tx, id int64, strict bool) error {
		out = VisitList{}
		minutes, err := tx.PlayMinutes(ctx, id)
		if err != nil {
			return err
		}
		spans := splitVisits(minutes, gap)
		out.Total = len(spans)
		for i := len(spans) - 1 - offset; i >= 0 && len(out.Visits) < limit; i-- {
			sp := spans[i]
			s, err := visit(ctx, tx, id, sp)
			if err != nil {
				return err
			}
			out.Visits = append(out.Visits, s)
		}
		return annotateVisits(ctx, a, tx, id, strict, out.Visits)
	})
	return out, err
}

// annotateVisits fills the chart info of the visits' new bests with one
// lookup.
func annotateVisits(ctx context.Context, a *Archive, tx *storage.Tx, player int64, strict bool, vs []Visit) error {
	var refs []chartRef
	for _, v := range vs {
		for _, d := range v.NewBests {
			refs = append(refs, chartRef{d.Region, d.Chart})
		}
	}
	if len(refs) == 0 {
		return nil
	}
	lk, err := a.lookupCharts(ctx, tx, player, refs, strict)
	if err != nil {
		return err
	}
	for _, v := range vs {
		for i := range v.NewBests {
			lk.play(&v.NewBests[i].StoredPlay)
		}
	}
	return nil
}

func visit(ctx context.Context, tx *storage.Tx, player int64, sp span) (Visit, error) {
	from := time.Unix(sp.from*60, 0).UTC()
	to := time.Unix((sp.to+1)*60, 0).UTC()
	rows, err := tx.PlaysBetween(ctx, player, from, to)
	if err != nil {
		return Visit{}, err
	}
	plays, err := storedPlays(rows)
	if err != nil {
		return Visit{}, err
	}
	s := Visit{Plays: len(plays)}
	if len(plays) == 0 {
		return s, nil
	}
	s.Start, s.End, s.Region, s.FirstPlay = plays[0].PlayedAt, plays[len(plays)-1].PlayedAt, plays[0].Region, plays[0].ID
	// The span may run up to the next visit; the rating is looked up
	// around the plays themselves.
	to = time.Unix((s.End.Unix()/60+1)*60, 0).UTC()
	chs, err := changes(ctx, tx, player, plays)
	if err != nil {
		return s, err
	}
	for i, p := range plays {
		if chs[i].NewBest {
			s.NewBests = append(s.NewBests, DiffRow{StoredPlay: p, Change: chs[i]})
		}
		if d := p.Detail; d != nil && d.Rating > 0 {
			if !s.RatingKnown {
				s.RatingBefore, s.RatingKnown = d.Rating-d.RatingDelta, true
			}
			s.RatingAfter = d.Rating
		}
	}
	if s.RatingKnown {
		return s, nil
	}
	// No detail tells the rating: profile snapshots around the session do,
	// when one was saved before it and one after it.
	before, err := tx.SnapshotAround(ctx, player, from, true)
	if errors.Is(err, storage.ErrNotFound) {
		return s, nil
	} else if err != nil {
		return s, err
	}
	after, err := tx.SnapshotAround(ctx, player, to, false)
	if errors.Is(err, storage.ErrNotFound) {
		return s, nil
	} else if err != nil {
		return s, err
	}
	// Snapshots with other visits between them say nothing about this one.
	for _, r := range [][2]time.Time{{before.ObservedAt, from}, {to, after.ObservedAt}} {
		n, err := tx.CountPlaysBetween(ctx, player, r[0], r[1])
		if err != nil {
			return s, err
		}
		if n > 0 {
			return s, nil
		}
	}
	s.RatingBefore, s.RatingAfter, s.RatingKnown = before.Rating, after.Rating, true
	return s, nil
}

// ChartView is everything the archive has on one chart of a player.
type ChartView struct {
	maimai.Chart
	// Info is the chart's level and today's constant from the song data,
	// and the rating of the player's best on it.
	Info     ChartInfo
	Best     *storage.BestScore // nil when no best is stored
	Plays    []DiffRow          // every play, oldest first, with its change
	History  []storage.ScoreStep
	HasPlays bool
}

// Chart returns one chart's best, every play and the score history; a
// chart the player has neither played nor scored is ErrNotFound.
func (a *Archive) Chart(ctx context.Context, player string, c maimai.Chart) (ChartView, error) {
	var v ChartView
	var chartRegion maimai.Region
	err := a.viewCharts(ctx, player, func(tx *storage.Tx, id int64, strict bool) error {
		v, chartRegion = ChartView{Chart: c}, ""
		b, err := tx.ChartBest(ctx, id, c)
		if err == nil {
			v.Best = &b
		} else if !errors.Is(err, storage.ErrNotFound) {
			return err
		}
		rows, err := tx.ChartPlays(ctx, id, c)
		if err != nil {
			return err
		}
		plays, err := storedPlays(rows)
		if err != nil {
			return err
		}
		var best Best
		for i, p := range plays {
			v.Plays = append(v.Plays, DiffRow{StoredPlay: p, Change: compare(&best, i == 0, p.Play.Play)})
			best.raise(p.Achievement, p.DXScore, p.FC, p.FS)
		}
		v.HasPlays = len(plays) > 0
		if v.History, err = tx.ChartHistory(ctx, id, c); err != nil {
			return err
		}
		if v.Best == nil && !v.HasPlays {
			return fmt.Errorf("chart %s: %w", c.Title, storage.ErrNotFound)
		}
		// The region of the chart's plays, else the player's.
		region, level := maimai.Region(""), ""
		if v.HasPlays {
			region, level = plays[len(plays)-1].Region, plays[len(plays)-1].Level
		} else if region, err = tx.PlayerRegion(ctx, id); err != nil && !isNotFound(err) {
			return err
		}
		if v.Best != nil && v.Best.Level != "" {
			level = v.Best.Level
		}
		if region == "" {
			v.Info = ChartInfo{Level: level}
			return nil
		}
		lk, err := a.lookupCharts(ctx, tx, id, []chartRef{{region, c}}, strict && v.HasPlays)
		if err != nil {
			return err
		}
		v.Info = lk.chart(region, c, level)
		for i := range v.Plays {
			lk.play(&v.Plays[i].StoredPlay)
		}
		chartRegion = region
		return nil
	})
	if err == nil {
		a.withLearnedConstant(ctx, player, chartRegion, &v)
	}
	return v, err
}

// PlayView is one play with its detail and its chart's other plays.
type PlayView struct {
	Play  StoredPlay
	Chart ChartView
}

// PlayByID returns one of the player's plays with its chart's history.
func (a *Archive) PlayByID(ctx context.Context, player string, id int64) (PlayView, error) {
	var v PlayView
	err := a.view(ctx, player, func(tx *storage.Tx, pid int64) error {
		row, err := tx.PlayByID(ctx, pid, id)
		if err != nil {
			return err
		}
		v.Play, err = storedPlay(row)
		return err
	})
	if err != nil {
		return v, err
	}
	if v.Chart, err = a.Chart(ctx, player, v.Play.Chart); err != nil {
		return v, err
	}
	for _, p := range v.Chart.Plays {
		if p.ID == v.Play.ID {
			v.Play.Info = p.Info
		}
	}
	return v, nil
}

// Snapshot is a saved profile: the page it came from and what it showed.
type Snapshot struct {
	Kind       dxnet.Kind
	ObservedAt time.Time
	Region     maimai.Region
	dxnet.Profile
	// Counts are the playerData counters ("sssp", "clear", "fc", …); nil
	// for other pages.
	Counts     map[string]maimai.Count
	FriendCode string
}

func decodeSnapshot(r storage.Snapshot) (Snapshot, error) {
	var data struct {
		dxnet.Profile
		Counts     map[string]maimai.Count `json:"counts"`
		FriendCode string                  `json:"friend_code"`
	}
	if err := json.Unmarshal(r.Data, &data); err != nil {
		return Snapshot{}, fmt.Errorf("archive: snapshot %d: %w", r.ID, err)
	}
	return Snapshot{Kind: dxnet.Kind(r.Kind), ObservedAt: r.ObservedAt, Region: maimai.Region(r.Region),
		Profile: data.Profile, Counts: data.Counts, FriendCode: data.FriendCode}, nil
}

// SnapshotPoint is a saved profile's numbers, for charts over time.
type SnapshotPoint = storage.SnapshotPoint

// ProfileHistory is the player's saved profiles: every one's numbers for
// the charts, one page of them whole, and the playerData counters over
// time.
type ProfileHistory struct {
	Points []SnapshotPoint // oldest first
	Page   []Snapshot      // newest first
	// PlayerData are the playerData snapshots, oldest first, for their
	// counters.
	PlayerData []Snapshot
}

// Profile returns the player's profile history with limit snapshots
// (newest first) after skipping offset.
func (a *Archive) Profile(ctx context.Context, player string, offset, limit int) (ProfileHistory, error) {
	var h ProfileHistory
	err := a.view(ctx, player, func(tx *storage.Tx, id int64) error {
		var err error
		if h.Points, err = a.snapshotPoints(ctx, tx, id); err != nil {
			return err
		}
		rows, err := tx.SnapshotsPage(ctx, id, "", offset, limit)
		if err != nil {
			return err
		}
		for _, r := range rows {
			s, err := decodeSnapshot(r)
			if err != nil {
				return err
			}
			h.Page = append(h.Page, s)
		}
		pd, err := tx.SnapshotsPage(ctx, id, string(dxnet.KindPlayerData), 0, 1<<30)
		if err != nil {
			return err
		}
		for i := len(pd) - 1; i >= 0; i-- {
			s, err := decodeSnapshot(pd[i])
			if err != nil {
				return err
			}
			h.PlayerData = append(h.PlayerData, s)
		}
		return nil
	})
	return h, err
}

// PhotoList is one page of the album, newest first.
type PhotoList struct {
	Total  int
	Photos []maimai.Photo
}

// Photos lists limit of the player's photos newest first after skipping
// offset.
func (a *Archive) Photos(ctx context.Context, player string, offset, limit int) (PhotoList, error) {
	var out PhotoList
	err := a.view(ctx, player, func(tx *storage.Tx, id int64) error {
		var err error
		if out.Total, err = tx.CountPhotos(ctx, id); err != nil {
			return err
		}
		rows, err := tx.PhotosPage(ctx, id, offset, limit)
		for _, r := range rows {
			out.Photos = append(out.Photos, r.Photo)
		}
		return err
	})
	return out, err
}

// MonthCount is the number of plays in one month.
type MonthCount struct {
	Month time.Time // the month's first moment, in the region's clock
	Plays int
}

// Overview is the player's front page: the latest profile, the profile
// over time, plays over time and the latest visit.
type Overview struct {
	Profile *Snapshot       // the latest snapshot; nil when none was saved
	Points  []SnapshotPoint // every snapshot's numbers, oldest first
	Plays   int
	// PlaysByMonth counts plays per month of the player's region's clock
	// (CN UTC+8, intl and JP UTC+9), oldest first, months without plays
	// left out.
	PlaysByMonth []MonthCount
	Latest       *Visit // nil when there are no plays
	// Recent are the latest plays, newest first (up to the number asked).
	Recent []StoredPlay
}

// Overview gathers the player's front page with its recent latest plays.
// It reads no more than it shows: plays are counted per month on the
// index and the latest visit is found from the newest plays backwards.
func (a *Archive) Overview(ctx context.Context, player string, recent int) (Overview, error) {
	var o Overview
	err := a.viewCharts(ctx, player, func(tx *storage.Tx, id int64, strict bool) error {
		o = Overview{}
		rows, err := tx.FilterPlays(ctx, id, storage.PlayFilter{}, 0, recent)
		if err != nil {
			return err
		}
		if o.Recent, err = storedPlays(rows); err != nil {
			return err
		}
		if o.Points, err = a.snapshotPoints(ctx, tx, id); err != nil {
			return err
		}
		latest, err := tx.SnapshotsPage(ctx, id, "", 0, 1)
		if err != nil {
			return err
		}
		if len(latest) > 0 {
			s, err := decodeSnapshot(latest[0])
			if err != nil {
				return err
			}
			o.Profile = &s
		}
		// Plays per month: one count per month over the plays index,
		// rather than reading every play. Months are the region's (the
		// chart labels them so): a play at 02:00 on the 1st in Beijing
		// is the new month's, though still the old one's in UTC.
		first, last, any, err := tx.PlayMinuteRange(ctx, id)
		if err != nil || !any {
			return err // no plays: nothing recent to look up either
		}
		loc := time.UTC
		if region, err := tx.PlayerRegion(ctx, id); err == nil {
			loc = region.Location()
		} else if !isNotFound(err) {
			return err
		}
		t := time.Unix(first*60, 0).In(loc)
		for m := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, loc); m.Unix()/60 <= last; m = m.AddDate(0, 1, 0) {
			n, err := tx.CountPlaysInMinutes(ctx, id, m.Unix()/60, m.AddDate(0, 1, 0).Unix()/60)
			if err != nil {
				return err
			}
			o.Plays += n
			if n > 0 {
				o.PlaysByMonth = append(o.PlaysByMonth, MonthCount{Month: m, Plays: n})
			}
		}
		sp, ok, err := latestSpan(ctx, tx, id, DefaultVisitGap)
		if err != nil {
			return err
		}
		if ok {
			v, err := visit(ctx, tx, id, sp)
			if err != nil {
				return err
			}
			o.Latest = &v
		}
		// One lookup for the recent plays and the latest visit's bests.
		refs := playRefs(o.Recent)
		if o.Latest != nil {
			for _, d := range o.Latest.NewBests {
				refs = append(refs, chartRef{d.Region, d.Chart})
			}
		}
		lk, err := a.lookupCharts(ctx, tx, id, refs, strict)
		if err != nil {
			return err
		}
		lk.annotate(o.Recent)
		if o.Latest != nil {
			for i := range o.Latest.NewBests {
				lk.play(&o.Latest.NewBests[i].StoredPlay)
			}
		}
		return nil
	})
	return o, err
}

// latestSpan finds the player's latest visit from the newest plays
// backwards, reading more plays only while no gap has ended it.
func latestSpan(ctx context.Context, tx *storage.Tx, player int64, gap time.Duration) (span, bool, error) {
	g := int64(gap / time.Minute)
	for limit := 64; ; limit *= 4 {
		ms, err := tx.RecentPlayMinutes(ctx, player, limit)
		if err != nil || len(ms) == 0 {
			return span{}, false, err
		}
		sp := span{from: ms[0], to: ms[0]}
		for _, m := range ms[1:] {
			if sp.from-m > g {
				return sp, true, nil
			}
			sp.from = m
		}
		if len(ms) < limit {
			return sp, true, nil
		}
	}
}
