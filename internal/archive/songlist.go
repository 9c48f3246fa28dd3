package archive

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/mozillazg/go-pinyin"
	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"

	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/rating"
	"github.com/maiprobe/maiprobe/internal/songs"
	"github.com/maiprobe/maiprobe/internal/storage"
)

// What the song list, target and plate pages read: every chart of the
// region's chart database with the player's best on it, charts where a
// better score raises the rating most, and plate progress. They share
// Rating's loader, so they see the same links and constants.

// SongFilter narrows the song list; zero fields do not filter.
type SongFilter struct {
	// Query matches the title or artist, ignoring case, full/half width
	// and hiragana/katakana, or the pinyin initials of the title's Han
	// characters ("kzdd" finds 康莊大道).
	Query string
	Level string // the level label, "13+"
	// MinLevel and MaxLevel bound the level label (inclusive, in the
	// game's order: 13 < 13+ < 14); one alone leaves the other side open.
	MinLevel, MaxLevel string
	// MinConstant and MaxConstant bound the constant (inclusive); a chart
	// whose constant is unknown fails either bound.
	MinConstant, MaxConstant songs.Constant
	Version                  rating.Version
	Genre                    string // the song data's genre name
	Type                     maimai.ChartType
	Difficulty               maimai.Difficulty
	Played                   bool // only charts the player has a best on
	// FC and FS keep charts whose best has this mark or a higher one (FC+
	// keeps AP and AP+), as the play list's lamp filters do.
	FC maimai.FC
	FS maimai.FS
	// Order sorts the list (SongOrder); "" keeps the song data's order.
	Order SongOrder
}

// SongListChart is one chart of the song list with the player's best.
type SongListChart struct {
	SongID     int               `json:"song_id,omitempty"`
	Title      string            `json:"title"`
	Artist     string            `json:"artist,omitempty"`
	Genre      string            `json:"genre,omitempty"`
	Version    string            `json:"version,omitempty"` // the version's name in the region
	Type       maimai.ChartType  `json:"type"`
	Difficulty maimai.Difficulty `json:"difficulty"`
	Level      string            `json:"level"`
	Constant   songs.Constant    `json:"constant"` // null when unknown
	// Learned charts come from the player's pages, not the song data.
	Learned bool `json:"learned,omitempty"`
	// Estimated marks a Constant learned from the player's plays, the
	// song data having none (docs/constants.md).
	Estimated bool `json:"estimated,omitempty"`
	// Best is the player's best score, nil when the chart was never played.
	Best *maimai.Score `json:"best,omitempty"`
	// Source and SourceAt are the best's provenance, as RatingEntry's.
	Source   string    `json:"source,omitempty"`
	SourceAt time.Time `json:"source_at,omitzero"`
	// Rating is the best's chart rating under today's rules, 0 when the
	// constant is unknown or the chart is utage.
	Rating int `json:"rating,omitempty"`
}

// SongVersion is a version the song list can be filtered by.
type SongVersion struct {
	Version rating.Version `json:"version"`
	Name    string         `json:"name"`
}

// SongList is one page of the filtered song list.
type SongList struct {
	Region maimai.Region `json:"region"`
	// Synced is false when no song data was synced for the region: the
	// list then holds only charts learned from the player's pages.
	Synced bool            `json:"synced"`
	Total  int             `json:"total"`
	Charts []SongListChart `json:"charts"`
	// The values the filters offer: every level, genre and version of the
	// region's charts.
	Levels   []string      `json:"levels"`
	Genres   []string      `json:"genres"`
	Versions []SongVersion `json:"versions"`
}

// FoldSearch folds text for the song search: NFKC, full/half width,
// hiragana to katakana, lower case, no spaces.
func FoldSearch(s string) string {
	s = width.Fold.String(norm.NFKC.String(s))
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'ぁ' && r <= 'ゖ', r == 'ゝ', r == 'ゞ':
			r += 'ァ' - 'ぁ'
		case r == ' ' || r == '\u3000' || r == '\t':
			continue
		}
		b.WriteRune(r)
	}
	return strings.ToLower(b.String())
}

// initialsArgs picks the first letter of a character's first reading.
var initialsArgs = pinyin.Args{Style: pinyin.FirstLetter, Fallback: func(rune, pinyin.Args) []string { return nil }}

// PinyinInitials writes each Han character of s as the first letter of its
// (first) pinyin reading and keeps every other character, folded as by
// FoldSearch: "六兆年と一夜物語" is "lznトyywy". CN players search titles
// by these initials, as the probers' search boxes let them.
func PinyinInitials(s string) string {
	var b strings.Builder
	for _, r := range FoldSearch(s) {
		if py := pinyin.SinglePinyin(r, initialsArgs); len(py) > 0 && py[0] != "" {
			b.WriteString(py[0])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// searchText is what the song search looks in: a song's titles and
// artist, folded, and the pinyin initials of its titles.
func searchText(s *songs.Song) string {
	titles := s.Title + "\x00" + s.SiteTitle
	return FoldSearch(titles+"\x00"+s.Artist) + "\x00" + PinyinInitials(titles)
}

// playerCharts is a player's chart database joined with their bests, now
// or at a past time.
type playerCharts struct {
	d     *ratingData
	rules rating.Rules
	ruled bool      // rules is known for the region at at
	at    time.Time // when: now, or a past time
	past  bool      // at is a past time: bests and constants of then
	// bests are the player's bests at at; best the linked ones by chart id.
	bests []storage.BestScore
	best  map[int64]storage.BestScore
	// est are the constants learned from plays (learnedConstants), for
	// the charts the song data has none for; nil for a past time (the
	// estimate is today's) and where no caller asked for them.
	est map[maimai.Chart]songs.Constant
}

// constant is a chart's constant at pc.at.
func (pc *playerCharts) constant(id int64, sc *storedChart) songs.Constant {
	if pc.past {
		return constantAt(pc.d.hist[id], pc.at, sc.chart.Constant)
	}
	return sc.chart.Constant
}

// synced reports whether the region has song data beyond learned charts.
func (pc *playerCharts) synced() bool { return len(pc.d.set.db.Songs) > 0 }

// loadPlayerCharts reads what the song list, targets and plates need at
// time at (the zero time, or a time not before now: now); nil (and no
// error) for a player without saved pages, whose region and so chart
// database are not known. The data comes from the rating cache, so it is
// read once per change of the archive.
func (a *Archive) loadPlayerCharts(ctx context.Context, player string, at time.Time) (*playerCharts, error) {
	pd, err := a.loadPlayerData(ctx, player)
	if pd == nil || err != nil {
		return nil, err
	}
	return a.chartsAt(pd, at), nil
}

// loadPlayerData is playerData, or nil (and no error) for a player without
// saved pages.
func (a *Archive) loadPlayerData(ctx context.Context, player string) (*playerData, error) {
	empty := false
	err := a.db.View(ctx, func(tx *storage.Tx) error {
		id, err := tx.PlayerID(ctx, player)
		if err == nil {
			_, err = tx.PlayerRegion(ctx, id)
		}
		if isNotFound(err) {
			empty = true
			return nil
		}
		return err
	})
	if err != nil || empty {
		return nil, err
	}
	return a.playerData(ctx, player)
}

// memoKey names what is asked of a player's data at time at: "now" and the
// rules' version, or the past time.
func (a *Archive) memoKey(pd *playerData, what string, at time.Time) string {
	now := a.now()
	if at.IsZero() || !at.Before(now) {
		r, _ := RulesFor(pd.d.region, now)
		return fmt.Sprintf("%s now %d", what, r.Version)
	}
	return what + " " + at.UTC().Format(time.RFC3339Nano)
}

// chartsAt is the player's charts and bests at time at.
func (a *Archive) chartsAt(pd *playerData, at time.Time) *playerCharts {
	var err error
	d := pd.d
	pc := &playerCharts{d: d, at: a.now(), bests: d.bests}
	if !at.IsZero() && at.Before(pc.at) {
		pc.at, pc.past = at, true
		pc.bests = nil
		for _, s := range bestsAt(d.history, at) {
			pc.bests = append(pc.bests, storage.BestScore{PlayerID: d.playerID, Score: s})
		}
	}
	pc.best = make(map[int64]storage.BestScore, len(pc.bests))
	for _, b := range pc.bests {
		if l, ok := d.links[bestKey{b.Chart, b.Genre}]; ok && l.ChartID != 0 {
			pc.best[l.ChartID] = b
		}
	}
	pc.rules, err = RulesFor(d.region, pc.at)
	pc.ruled = err == nil
	return pc
}

// each calls fn for every chart of the region's chart database in song
// order, synced songs and learned ones alike.
func (pc *playerCharts) each(fn func(id int64, sc *storedChart)) {
	for _, s := range pc.d.set.all.Songs {
		for _, ch := range s.Charts {
			id := pc.d.set.id[ch]
			if sc := pc.d.set.byID[id]; sc != nil {
				fn(id, sc)
			}
		}
	}
}

// listChart is a stored chart as the song list shows it.
func (pc *playerCharts) listChart(id int64, sc *storedChart) SongListChart {
	s, c := sc.song, sc.chart
	out := SongListChart{SongID: s.MusicID, Title: s.Title, Artist: s.Artist, Genre: s.Genre, Version: s.Version,
		Type: s.Type, Difficulty: c.Difficulty, Level: c.Level, Constant: pc.constant(id, sc), Learned: s.Source == learnedSource}
	if s.SiteTitle != "" {
		out.Title = s.SiteTitle
	}
	if sc.version != 0 {
		out.Version = sc.version.Name(pc.d.region)
	}
	if b, ok := pc.best[id]; ok {
		score := b.Score
		score.Rank = rankOr(score.Rank, score.Achievement)
		out.Best = &score
		out.Source, out.SourceAt = b.Source, b.SourceAt
		if c, ok := pc.est[b.Chart]; ok && !out.Constant.Known() {
			out.Constant, out.Estimated = c, true
		}
		if pc.ruled && out.Constant.Known() && !s.Utage && c.Difficulty != maimai.Utage {
			out.Rating = pc.rules.ChartRating(rating.Constant(out.Constant), score.Achievement, score.FC)
		}
	}
	return out
}

// SongList lists the charts of the player's region that pass f, offset
// and limit picking one page, each with the player's best. Without song
// data it lists the charts learned from the player's pages.
func (a *Archive) SongList(ctx context.Context, player string, f SongFilter, offset, limit int) (*SongList, error) {
	res := &SongList{Charts: []SongListChart{}, Levels: []string{}, Genres: []string{}, Versions: []SongVersion{}}
	pc, err := a.loadPlayerCharts(ctx, player, time.Time{})
	if err != nil {
		return nil, fmt.Errorf("archive: song list: %w", err)
	}
	if pc == nil {
		return res, nil
	}
	if pc.est, err = a.learnedConstants(ctx, player); err != nil {
		return nil, fmt.Errorf("archive: song list: %w", err)
	}
	res.Region, res.Synced = pc.d.region, pc.synced()
	q := FoldSearch(f.Query)
	folded := map[*songs.Song]string{}
	levels, genres, versions := map[string]bool{}, map[string]bool{}, map[rating.Version]bool{}
	var all []SongListChart // every chart passing f, when f.Order sorts them
	pc.each(func(id int64, sc *storedChart) {
		s, c := sc.song, sc.chart
		if c.Level != "" {
			levels[c.Level] = true
		}
		if s.Genre != "" {
			genres[s.Genre] = true
		}
		if sc.version != 0 {
			versions[sc.version] = true
		}
		switch {
		case f.Level != "" && c.Level != f.Level,
			f.MinLevel != "" && (c.Level == "" || levelLess(c.Level, f.MinLevel)),
			f.MaxLevel != "" && (c.Level == "" || levelLess(f.MaxLevel, c.Level)),
			f.MinConstant > 0 && (!c.Constant.Known() || c.Constant < f.MinConstant),
			f.MaxConstant > 0 && (!c.Constant.Known() || c.Constant > f.MaxConstant),
			f.Version != 0 && sc.version != f.Version,
			f.Genre != "" && s.Genre != f.Genre,
			f.Type != "" && s.Type != f.Type,
			f.Difficulty != "" && c.Difficulty != f.Difficulty:
			return
		}
		b, played := pc.best[id]
		if (f.Played || f.FC != "" || f.FS != "") && !played {
			return
		}
		if f.FC != "" && fcLevel(b.FC) < fcLevel(f.FC) || f.FS != "" && fsLevel(b.FS) < fsLevel(f.FS) {
			return
		}
		if q != "" {
			text, ok := folded[c.Song]
			if !ok {
				text = searchText(c.Song)
				folded[c.Song] = text
			}
			if !strings.Contains(text, q) {
				return
			}
		}
		if f.Order != "" {
			all = append(all, pc.listChart(id, sc)) // sorted and paged below
			return
		}
		if res.Total >= offset && len(res.Charts) < limit {
			res.Charts = append(res.Charts, pc.listChart(id, sc))
		}
		res.Total++
	})
	if f.Order != "" {
		if err := a.orderSongs(ctx, player, f.Order, all); err != nil {
			return nil, fmt.Errorf("archive: song list: %w", err)
		}
		res.Total = len(all)
		res.Charts = append(res.Charts, all[min(offset, len(all)):min(offset+limit, len(all))]...)
	}
	for l := range levels {
		res.Levels = append(res.Levels, l)
	}
	sort.Slice(res.Levels, func(i, j int) bool { return levelLess(res.Levels[i], res.Levels[j]) })
	for g := range genres {
		res.Genres = append(res.Genres, g)
	}
	sort.Strings(res.Genres)
	for v := range versions {
		res.Versions = append(res.Versions, SongVersion{Version: v, Name: v.Name(pc.d.region)})
	}
	sort.Slice(res.Versions, func(i, j int) bool { return res.Versions[i].Version < res.Versions[j].Version })
	return res, nil
}

// levelLess orders level labels as numbers: 9 < 9+ < 10 < 13+ < 13+?.
func levelLess(a, b string) bool {
	num := func(s string) (int, string) {
		n := 0
		i := 0
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			n = n*10 + int(s[i]-'0')
		}
		return n, s[i:]
	}
	na, ra := num(a)
	nb, rb := num(b)
	if na != nb {
		return na < nb
	}
	return ra < rb
}

// RatingTarget is a chart where a better score raises the player's
// rating.
type RatingTarget struct {
	RatingEntry
	// New says which table the chart counts in; InTable whether it is in
	// that table now.
	New     bool `json:"new"`
	InTable bool `json:"in_table"`
	// Goal is the achievement to reach and the chart's rating there: the
	// next rating step for a chart in its table, the first achievement
	// that beats the table's lowest entry for one outside, or the next
	// rank where that raises the total more per achievement.
	Goal rating.Target `json:"goal"`
	// Need is Goal's achievement minus the best now; Gain is how much the
	// player's total rises when the chart reaches Goal.
	Need maimai.Achievement `json:"need"`
	Gain int                `json:"gain"`
}

// RatingTargets is the charts where the smallest gain in achievement
// raises the total most, best first.
type RatingTargets struct {
	Region maimai.Region `json:"region"`
	Total  int           `json:"total"`
	// NewFloor and OldFloor are the lowest ratings of the two tables when
	// they are full (a chart outside must beat them), else 0.
	NewFloor int            `json:"new_floor"`
	OldFloor int            `json:"old_floor"`
	Targets  []RatingTarget `json:"targets"`
}

// RatingTargets lists up to limit charts, in the player's rating tables
// and just outside them, ordered by how much each raises the total per
// achievement needed.
func (a *Archive) RatingTargets(ctx context.Context, player string, limit int) (*RatingTargets, error) {
	return a.RatingTargetsAt(ctx, player, time.Time{}, limit)
}

// RatingTargetsAt is RatingTargets as the player stood at time at (the
// zero time: now): their bests then, the constants and rules of then.
// The result is computed once per change of the archive and date asked
// for, and shared: callers must not change it.
func (a *Archive) RatingTargetsAt(ctx context.Context, player string, at time.Time, limit int) (*RatingTargets, error) {
	pd, err := a.loadPlayerData(ctx, player)
	if err != nil {
		return nil, fmt.Errorf("archive: rating targets: %w", err)
	}
	if pd == nil {
		return &RatingTargets{Targets: []RatingTarget{}}, nil
	}
	return memoized(pd, a.memoKey(pd, fmt.Sprintf("targets %d", limit), at), func() (*RatingTargets, error) {
		return ratingTargets(a.chartsAt(pd, at), limit), nil
	})
}

// ratingTargets ranks the targets of pc's bests.
func ratingTargets(pc *playerCharts, limit int) *RatingTargets {
	res := &RatingTargets{Targets: []RatingTarget{}}
	if res.Region = pc.d.region; !pc.ruled {
		return res // no rules for the region today: nothing to rank
	}
	rules := pc.rules
	var bests []rating.Best
	var entries []RatingEntry
	for _, bs := range pc.bests {
		l, ok := pc.d.links[bestKey{bs.Chart, bs.Genre}]
		sc := pc.d.set.byID[l.ChartID]
		if !ok || sc == nil {
			continue
		}
		c := pc.constant(l.ChartID, sc)
		if !c.Known() {
			continue
		}
		b := rating.Best{Key: rating.Key{SongID: sc.song.MusicID, Chart: bs.Chart}, Constant: rating.Constant(c),
			Achievement: bs.Achievement, FC: bs.FC, FS: bs.FS, Version: sc.version}
		if b.Utage() || sc.song.Utage {
			continue
		}
		e := RatingEntry{Title: bs.Title, Type: bs.Type, Difficulty: bs.Difficulty, Level: cmpOr(sc.chart.Level, bs.Level),
			Constant: c, Achievement: bs.Achievement, Rank: rankOr(bs.Rank, bs.Achievement), FC: bs.FC, FS: bs.FS,
			DXScore: bs.DXScore, DXScoreMax: bs.DXScoreMax, Jacket: pc.d.jackets[bs.Title],
			Rating: rules.Rating(b), SongID: sc.song.MusicID, Link: l.Status}
		if e.DXScoreMax == 0 {
			e.DXScoreMax = rating.MaxDXScore(sc.chart.Notes.Total())
		}
		e.DXStars = rating.DXStars(e.DXScore, e.DXScoreMax)
		if t, ok := rules.NextStep(b.Constant, b.Achievement, b.FC); ok {
			e.Next = &NextStep{Achievement: t.Achievement, Rating: t.Rating, Rank: t.Rank}
		}
		if sc.version != 0 {
			e.Version = sc.version.Name(pc.d.region)
		}
		bests = append(bests, b)
		entries = append(entries, e)
	}
	r := rules.PlayerRating(bests)
	res.Total = r.Total()
	inTable := map[int]bool{}
	floor := func(es []rating.Entry, size int) int {
		if len(es) < size || len(es) == 0 {
			return 0
		}
		low := es[0].Rating
		for _, e := range es {
			low = min(low, e.Rating)
		}
		return low
	}
	for _, e := range append(append([]rating.Entry(nil), r.New...), r.Old...) {
		inTable[e.Index] = true
	}
	res.NewFloor, res.OldFloor = floor(r.New, rules.NewSize), floor(r.Old, rules.OldSize)
	for i, b := range bests {
		t := RatingTarget{RatingEntry: entries[i], New: rules.IsNew(b), InTable: inTable[i]}
		low := res.OldFloor
		if t.New {
			low = res.NewFloor
		}
		gain := func(g rating.Target) int {
			if t.InTable {
				return g.Rating - t.Rating
			}
			return max(0, g.Rating-low)
		}
		var goals []rating.Target
		if g, ok := rules.NextStep(b.Constant, b.Achievement, b.FC); ok {
			// Outside its table a chart gains nothing until it beats the
			// table's lowest entry: step on until it does.
			for ok && gain(g) <= 0 {
				g, ok = rules.NextStep(b.Constant, g.Achievement, b.FC)
			}
			if ok {
				goals = append(goals, g)
			}
		}
		if g, ok := rules.NextRank(b.Constant, b.Achievement, b.FC); ok && gain(g) > 0 {
			goals = append(goals, g)
		}
		for _, g := range goals {
			need, gg := g.Achievement-b.Achievement, gain(g)
			// Keep the goal with the most gain per achievement needed.
			if t.Gain == 0 || int64(gg)*int64(t.Need) > int64(t.Gain)*int64(need) {
				t.Goal, t.Need, t.Gain = g, need, gg
			}
		}
		if t.Gain > 0 {
			res.Targets = append(res.Targets, t)
		}
	}
	sort.SliceStable(res.Targets, func(i, j int) bool {
		x, y := res.Targets[i], res.Targets[j]
		if l, r := int64(x.Gain)*int64(y.Need), int64(y.Gain)*int64(x.Need); l != r {
			return l > r
		}
		return x.Need < y.Need
	})
	if len(res.Targets) > limit {
		res.Targets = res.Targets[:limit]
	}
	return res
}

// PlateEntry is one chart of a plate with the player's best on it.
type PlateEntry struct {
	Title      string            `json:"title"`
	Type       maimai.ChartType  `json:"type"`
	Difficulty maimai.Difficulty `json:"difficulty"`
	Level      string            `json:"level"`
	Constant   songs.Constant    `json:"constant"`
	Best       *maimai.Score     `json:"best,omitempty"` // nil when never played
}

// PlateStatus is the player's progress on one plate.
type PlateStatus struct {
	Name     string           `json:"name"` // 真将, 舞舞舞, 霸者, 华极
	Prefix   string           `json:"prefix"`
	Kind     rating.PlateKind `json:"kind"`
	Versions []string         `json:"versions"`
	// Done and Remaining split the plate's charts in song order;
	// Remaining includes charts never played.
	Done      []PlateEntry `json:"done"`
	Remaining []PlateEntry `json:"remaining"`
}

// PlateReport is the player's progress on every plate of the region.
type PlateReport struct {
	Region maimai.Region `json:"region"`
	// Synced is false without song data: plates then cannot be listed.
	Synced bool          `json:"synced"`
	Plates []PlateStatus `json:"plates"`
}

// plateKinds is the order plates are listed in.
var plateKinds = []rating.PlateKind{rating.Sho, rating.Kiwami, rating.Shin, rating.MaiMai, rating.Hasha}

// Plates reports the player's progress on every version plate of their
// region whose charts the synced song data holds.
func (a *Archive) Plates(ctx context.Context, player string) (*PlateReport, error) {
	return a.PlatesAt(ctx, player, time.Time{})
}

// PlatesAt is Plates as the player stood at time at (the zero time: now):
// their bests then.
// The result is computed once per change of the archive and date asked
// for, and shared: callers must not change it.
func (a *Archive) PlatesAt(ctx context.Context, player string, at time.Time) (*PlateReport, error) {
	pd, err := a.loadPlayerData(ctx, player)
	if err != nil {
		return nil, fmt.Errorf("archive: plates: %w", err)
	}
	if pd == nil {
		return &PlateReport{Plates: []PlateStatus{}}, nil
	}
	return memoized(pd, a.memoKey(pd, "plates", at), func() (*PlateReport, error) {
		return plates(a.chartsAt(pd, at))
	})
}

// plateInputs is what the plates are counted over: the song data's
// charts (no learned song, no utage side) with their versions, the bests
// on them, and each chart's entry as the plates page lists it.
func plateInputs(pc *playerCharts) (charts []rating.PlateChart, bests []rating.Best, entry map[rating.Key]PlateEntry) {
	entry = map[rating.Key]PlateEntry{}
	pc.each(func(id int64, sc *storedChart) {
		s, c := sc.song, sc.chart
		if s.Source == learnedSource || c.Side != 0 {
			return
		}
		k := rating.Key{SongID: s.MusicID, Chart: maimai.Chart{Title: s.Title, Type: s.Type, Difficulty: c.Difficulty}}
		charts = append(charts, rating.PlateChart{Key: k, Version: sc.version})
		e := pc.listChart(id, sc)
		entry[k] = PlateEntry{Title: e.Title, Type: e.Type, Difficulty: e.Difficulty, Level: e.Level, Constant: e.Constant, Best: e.Best}
		if e.Best != nil {
			bests = append(bests, rating.Best{Key: k, Achievement: e.Best.Achievement, FC: e.Best.FC, FS: e.Best.FS})
		}
	})
	return charts, bests, entry
}

// plates is the plate progress of pc's bests.
func plates(pc *playerCharts) (*PlateReport, error) {
	res := &PlateReport{Plates: []PlateStatus{}}
	res.Region, res.Synced = pc.d.region, pc.synced()
	charts, bests, entry := plateInputs(pc)
	for _, p := range rating.Plates(pc.d.region) {
		// The plate's charts and the bests on them, found once for its
		// four or five kinds: Progress over every chart and best of the
		// song data for each (about 90 calls) was 60 ms of each plates
		// report at 5,000 bests. The same charts in the same order, and
		// the same bests of them, give the same progress.
		var pcharts []rating.PlateChart
		in := map[rating.Key]bool{}
		for _, c := range charts {
			if p.Counts(c) {
				pcharts = append(pcharts, c)
				in[c.Key] = true
			}
		}
		var pbests []rating.Best
		for _, b := range bests {
			if in[b.Key] {
				pbests = append(pbests, b)
			}
		}
		for _, k := range plateKinds {
			if !p.Has(k) {
				continue
			}
			pp, err := p.Progress(k, pcharts, pbests)
			if err != nil {
				return nil, fmt.Errorf("archive: plates: %w", err)
			}
			if len(pp.Done)+len(pp.Remaining) == 0 {
				continue // no chart of the plate in the song data (a version the region has not had)
			}
			st := PlateStatus{Name: p.Name(k), Prefix: p.Prefix, Kind: k, Done: []PlateEntry{}, Remaining: []PlateEntry{}}
			for _, v := range p.Versions {
				st.Versions = append(st.Versions, v.Name(pc.d.region))
			}
			for _, key := range pp.Done {
				st.Done = append(st.Done, entry[key])
			}
			for _, key := range pp.Remaining {
				st.Remaining = append(st.Remaining, entry[key])
			}
			res.Plates = append(res.Plates, st)
		}
	}
	return res, nil
}

// PlayerRegion is the region of the player's saved pages; ErrNotFound
// when the player is unknown or has no saved page yet.
func (a *Archive) PlayerRegion(ctx context.Context, player string) (maimai.Region, error) {
	var r maimai.Region
	err := a.db.View(ctx, func(tx *storage.Tx) error {
		id, err := tx.PlayerID(ctx, player)
		if err != nil {
			return err
		}
		r, err = tx.PlayerRegion(ctx, id)
		return err
	})
	return r, err
}
