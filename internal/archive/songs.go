package archive

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/rating"
	"github.com/maiprobe/maiprobe/internal/songs"
	"github.com/maiprobe/maiprobe/internal/storage"
)

// Link statuses of a chart seen on a page (see docs/songs.md, "In the
// archive").
const (
	// LinkMatched: the chart is a chart of the synced song data.
	LinkMatched = "matched"
	// LinkLearned: the song data has no such chart (or there is no song
	// data yet); the archive learned the chart from the page, with its
	// level and an unknown constant, until a sync fills it in.
	LinkLearned = "learned"
	// LinkAmbiguous: several charts of the song data fit and the pages
	// show nothing that tells them apart; the chart has no rating.
	LinkAmbiguous = "ambiguous"
)

// learnedSource is the source of songs learned from pages.
const learnedSource = "page"

// SyncReport says what a song sync did.
type SyncReport struct {
	Region maimai.Region `json:"region"`
	Source string        `json:"source"`
	// Songs and Charts are the counts in the data.
	Songs  int `json:"songs"`
	Charts int `json:"charts"`
	// AddedSongs and AddedCharts are new to the archive; Constants counts
	// charts whose constant differs from the last sync (their old value
	// stays in the history).
	AddedSongs  int        `json:"added_songs"`
	AddedCharts int        `json:"added_charts"`
	Constants   int        `json:"changed_constants"`
	Links       LinkCounts `json:"links"`
}

// LinkCounts counts the charts seen on pages by link status.
type LinkCounts struct {
	Matched   int `json:"matched"`
	Learned   int `json:"learned"`
	Ambiguous int `json:"ambiguous"`
}

// SyncSongs stores the song data of db's region in the archive in one
// transaction: new songs and charts are added, changed ones updated, and a
// constant that differs from the last sync's gets a new row in the
// constant history (the old value is kept with when it was seen). Charts
// seen on pages that were learned or ambiguous are then matched again
// against the new data.
func (a *Archive) SyncSongs(ctx context.Context, db *songs.Database) (SyncReport, error) {
	rep := SyncReport{Region: db.Region, Source: db.Source, Songs: len(db.Songs), Charts: db.ChartCount()}
	if db.Region == "" {
		return rep, errors.New("archive: song data names no region")
	}
	now := a.now().UTC()
	err := a.db.Update(ctx, func(tx *storage.Tx) error {
		rep.AddedSongs, rep.AddedCharts, rep.Constants = 0, 0, 0
		if err := a.syncSongs(ctx, tx, db, now, &rep); err != nil {
			return err
		}
		if err := tx.DeleteUnsureLinks(ctx, db.Region); err != nil {
			return err
		}
		if err := resolve(ctx, tx, now); err != nil {
			return err
		}
		var err error
		rep.Links, err = linkCounts(ctx, tx, db.Region)
		return err
	})
	if err != nil {
		return rep, fmt.Errorf("archive: sync songs: %w", err)
	}
	return rep, nil
}

type chartSlot struct {
	song       int64
	difficulty maimai.Difficulty
	side       int
}

func (a *Archive) syncSongs(ctx context.Context, tx *storage.Tx, db *songs.Database, now time.Time, rep *SyncReport) error {
	have, err := tx.SongsIn(ctx, db.Region)
	if err != nil {
		return err
	}
	songByKey := make(map[string]storage.SongRow, len(have))
	for _, s := range have {
		songByKey[s.Key] = s
	}
	charts, err := tx.ChartsIn(ctx, db.Region)
	if err != nil {
		return err
	}
	chartBySlot := make(map[chartSlot]storage.ChartRow, len(charts))
	for _, c := range charts {
		chartBySlot[chartSlot{c.SongID, c.Difficulty, c.Side}] = c
	}
	hist, err := tx.ConstantHistory(ctx, db.Region)
	if err != nil {
		return err
	}
	latest := make(map[int64]storage.ConstantRow, len(hist))
	for _, h := range hist {
		latest[h.ChartID] = h // ordered by first_seen: the last one wins
	}
	seen := map[string]int{}
	for _, s := range db.Songs {
		key := songKey(s)
		// Keys repeat in some data (zetaraku utage twins); the nth repeat,
		// in the data's order, is a song of its own.
		if n := seen[key]; n > 0 {
			seen[key]++
			key += "#" + strconv.Itoa(n+1)
		} else {
			seen[key] = 1
		}
		row := storage.SongRow{Region: db.Region, Key: s.Key, MusicID: s.ID, Title: s.Title, SiteTitle: s.SiteTitle,
			Type: s.Type, Artist: s.Artist, Genre: s.Genre, BPM: s.BPM, Version: s.Version,
			VersionNum: int(versionNumber(s.Version)), Utage: s.Utage, UtageKind: s.UtageKind, Buddy: s.Buddy, New: s.New,
			Source: db.Source, SyncedAt: now}
		row.Key = key
		old, ok := songByKey[row.Key]
		// A changed song, or a song with a changed chart, gets the sync's
		// time, which readers use to see that the data changed.
		dirty := false
		if !ok {
			if err := tx.InsertSong(ctx, &row); err != nil {
				return err
			}
			rep.AddedSongs++
		} else {
			row.ID = old.ID
			old.SyncedAt = now
			dirty = old != row
		}
		for _, c := range s.Charts {
			cr := storage.ChartRow{SongID: row.ID, Difficulty: c.Difficulty, Side: c.Side, Level: c.Level,
				Constant: int(c.Constant), Tap: c.Notes.Tap, Hold: c.Notes.Hold, Slide: c.Notes.Slide, Touch: c.Notes.Touch,
				Break: c.Notes.Break, Charter: c.Charter, SourceID: int64(c.SourceID)}
			old, ok := chartBySlot[chartSlot{row.ID, c.Difficulty, c.Side}]
			if !ok {
				if err := tx.InsertChart(ctx, &cr); err != nil {
					return err
				}
				rep.AddedCharts++
			} else if cr.ID = old.ID; old != cr {
				if err := tx.UpdateChart(ctx, &cr); err != nil {
					return err
				}
				dirty = true
			}
			if !c.Constant.Known() {
				continue
			}
			last, seen := latest[cr.ID]
			if seen && last.Constant == cr.Constant {
				if err := tx.SeeConstant(ctx, last.ID, now); err != nil {
					return err
				}
				continue
			}
			if seen {
				rep.Constants++
			}
			h := storage.ConstantRow{ChartID: cr.ID, Constant: cr.Constant, Level: cr.Level, Source: db.Source, FirstSeen: now, LastSeen: now}
			if err := tx.InsertConstant(ctx, &h); err != nil {
				return err
			}
		}
		if dirty {
			if err := tx.UpdateSong(ctx, &row); err != nil {
				return err
			}
		}
	}
	return nil
}

// songKey is a song's key in the archive: its source key, which Tachi and
// zetaraku share between a title's std and DX chart sets, with the type.
func songKey(s *songs.Song) string {
	k := s.Key
	if k == "" {
		k = strconv.Itoa(s.ID)
	}
	return k + "/" + string(s.Type)
}

// versionNumber reads a source's version name ("maimai でらっくす
// FESTiVAL", "FESTiVAL", "MiLK PLUS") as a rating.Version, 0 when unknown.
func versionNumber(name string) rating.Version {
	if v, ok := rating.VersionFromDF(name); ok {
		return v
	}
	fold := func(s string) string {
		s = strings.ToLower(strings.Join(strings.Fields(norm.NFKC.String(s)), ""))
		s = strings.TrimPrefix(s, "maimai")
		return strings.TrimPrefix(s, "でらっくす")
	}
	want := fold(name)
	if want == "" {
		return 0
	}
	for v := rating.Maimai; v <= rating.CirclePlus; v += 100 {
		if v.Valid() && fold(v.String()) == want {
			return v
		}
	}
	return 0
}

// chartSet is a region's chart database as stored in the archive.
type chartSet struct {
	db      *songs.Database // the synced songs, for Match
	all     *songs.Database // synced and learned songs
	id      map[*songs.Chart]int64
	byID    map[int64]*storedChart
	learned map[string]*storedSong // by song key
}

type storedSong struct {
	row    storage.SongRow
	charts map[maimai.Difficulty]int64
}

// storedChart is what rating needs of a stored chart.
type storedChart struct {
	chart   *songs.Chart
	song    storage.SongRow
	version rating.Version
}

// loadCharts reads a region's chart database.
func loadCharts(ctx context.Context, tx *storage.Tx, region maimai.Region) (*chartSet, error) {
	rows, err := tx.SongsIn(ctx, region)
	if err != nil {
		return nil, err
	}
	charts, err := tx.ChartsIn(ctx, region)
	if err != nil {
		return nil, err
	}
	set := &chartSet{id: map[*songs.Chart]int64{}, byID: map[int64]*storedChart{}, learned: map[string]*storedSong{}}
	bySong := map[int64]*songs.Song{}
	rowOf := map[int64]storage.SongRow{}
	var synced, all []*songs.Song
	source := ""
	for _, r := range rows {
		key := r.Key
		if i := strings.LastIndex(key, "/"); i >= 0 && r.Source != learnedSource {
			key = key[:i] // the source's key, without songKey's type
		}
		s := &songs.Song{ID: r.MusicID, Key: key, Title: r.Title, SiteTitle: r.SiteTitle, Artist: r.Artist, Genre: r.Genre,
			BPM: r.BPM, Version: r.Version, Type: r.Type, Utage: r.Utage, UtageKind: r.UtageKind, Buddy: r.Buddy, New: r.New,
			Regions: []maimai.Region{region}}
		bySong[r.ID], rowOf[r.ID] = s, r
		all = append(all, s)
		if r.Source == learnedSource {
			set.learned[r.Key] = &storedSong{row: r, charts: map[maimai.Difficulty]int64{}}
			continue
		}
		source = r.Source
		synced = append(synced, s)
	}
	for _, c := range charts {
		s := bySong[c.SongID]
		if s == nil {
			continue
		}
		ch := &songs.Chart{Song: s, Difficulty: c.Difficulty, Side: c.Side, Level: c.Level, Constant: songs.Constant(c.Constant),
			Notes: songs.Notes{Tap: c.Tap, Hold: c.Hold, Slide: c.Slide, Touch: c.Touch, Break: c.Break}, Charter: c.Charter,
			SourceID: int(c.SourceID)}
		s.Charts = append(s.Charts, ch)
		set.id[ch] = c.ID
		row := rowOf[c.SongID]
		set.byID[c.ID] = &storedChart{chart: ch, song: row, version: rating.Version(row.VersionNum)}
		if l := set.learned[row.Key]; l != nil && row.Source == learnedSource && c.Side == 0 {
			l.charts[c.Difficulty] = c.ID
		}
	}
	set.db = songs.NewDatabase(region, source, synced)
	set.all = songs.NewDatabase(region, source, all)
	return set, nil
}

// chartCache keeps each region's chart database between ratings: reading
// 10,000 charts costs far more than the rest of a rating. A cached set is
// never changed; a changed stamp (see storage.ChartStamp) replaces it.
type chartCache struct {
	mu   sync.Mutex
	sets map[maimai.Region]cachedCharts
}

type cachedCharts struct {
	stamp string
	set   *chartSet
}

// cachedCharts is loadCharts through the archive's cache. The set it
// returns is shared: read it, never change it.
func (a *Archive) cachedCharts(ctx context.Context, tx *storage.Tx, region maimai.Region) (*chartSet, error) {
	stamp, err := tx.ChartStamp(ctx, region)
	if err != nil {
		return nil, err
	}
	a.charts.mu.Lock()
	c, ok := a.charts.sets[region]
	a.charts.mu.Unlock()
	if ok && c.stamp == stamp {
		return c.set, nil
	}
	set, err := loadCharts(ctx, tx, region)
	if err != nil {
		return nil, err
	}
	a.charts.mu.Lock()
	if a.charts.sets == nil {
		a.charts.sets = map[maimai.Region]cachedCharts{}
	}
	a.charts.sets[region] = cachedCharts{stamp: stamp, set: set}
	a.charts.mu.Unlock()
	return set, nil
}

// SongDatabase is the region's chart database as the archive holds it:
// the synced songs and the songs learned from pages (whose Key starts
// with "page:" and whose constants are unknown).
func (a *Archive) SongDatabase(ctx context.Context, region maimai.Region) (*songs.Database, error) {
	var db *songs.Database
	err := a.db.View(ctx, func(tx *storage.Tx) error {
		set, err := loadCharts(ctx, tx, region)
		if err == nil {
			db = set.all
		}
		return err
	})
	return db, err
}

// ResolveCharts links every chart seen on imported pages that is not
// linked yet to a chart of the song data, learning the charts the data
// does not have. Rating calls it when it meets an unlinked chart; imports
// do not, so an import never waits on the song data.
func (a *Archive) ResolveCharts(ctx context.Context) error {
	now := a.now().UTC()
	err := a.db.Update(ctx, func(tx *storage.Tx) error { return resolve(ctx, tx, now) })
	if err != nil {
		return fmt.Errorf("archive: match charts: %w", err)
	}
	return nil
}

// ResolveChartsFor links the charts of one player's plays and best
// scores that are not linked yet: what its pages need, without reading any
// other player's rows (with a thousand players, matching everyone's charts
// on each first view took minutes).
func (a *Archive) ResolveChartsFor(ctx context.Context, player string) error {
	return a.linkPlaysAfter(ctx, player, 0)
}

// resolve links the unlinked charts of plays and best scores.
func resolve(ctx context.Context, tx *storage.Tx, now time.Time) error {
	idents, err := tx.UnlinkedPlays(ctx)
	if err != nil {
		return err
	}
	players, err := tx.Players(ctx)
	if err != nil {
		return err
	}
	for _, p := range players {
		region, err := tx.PlayerRegion(ctx, p.ID)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return err
		}
		more, err := tx.UnlinkedBests(ctx, p.ID, region)
		if err != nil {
			return err
		}
		idents = append(idents, more...)
	}
	return link(ctx, tx, idents, now)
}

// link links charts seen on pages to the song data's, learning the charts
// the data does not have.
func link(ctx context.Context, tx *storage.Tx, idents []storage.ChartIdent, now time.Time) error {
	if len(idents) == 0 {
		return nil
	}
	var err error
	// One ident per region, chart and genre, with everything any page
	// showed: two songs may share a title and tell apart only by genre.
	type key struct {
		region maimai.Region
		chart  maimai.Chart
		genre  string
	}
	type chartKey struct {
		region maimai.Region
		chart  maimai.Chart
	}
	merged := map[key]*storage.ChartIdent{}
	genres := map[chartKey]map[string]bool{}
	var order []key
	for i := range idents {
		id := &idents[i]
		if id.Genre != "" {
			ck := chartKey{id.Region, id.Chart}
			if genres[ck] == nil {
				genres[ck] = map[string]bool{}
			}
			genres[ck][id.Genre] = true
		}
		k := key{id.Region, id.Chart, id.Genre}
		m := merged[k]
		if m == nil {
			merged[k] = id
			order = append(order, k)
			continue
		}
		m.Level = cmpOr(m.Level, id.Level)
		m.Jacket = cmpOr(m.Jacket, id.Jacket)
	}
	sort.Slice(order, func(i, j int) bool {
		if order[i].region != order[j].region {
			return order[i].region < order[j].region
		}
		if order[i].chart != order[j].chart {
			return chartLess(order[i].chart, order[j].chart)
		}
		return order[i].genre < order[j].genre
	})
	sets := map[maimai.Region]*chartSet{}
	for _, k := range order {
		set := sets[k.region]
		if set == nil {
			if set, err = loadCharts(ctx, tx, k.region); err != nil {
				return err
			}
			sets[k.region] = set
		}
		id := merged[k]
		link := storage.ChartLink{Region: k.region, Chart: k.chart, Genre: k.genre, UpdatedAt: now}
		genre := id.Genre
		if gs := genres[chartKey{k.region, k.chart}]; genre == "" && len(gs) == 1 {
			// A chart seen without its genre (plays, pages without
			// genres) matches as the one genre other pages showed, as
			// it did before links had a genre; with two genres seen
			// there are two songs and it stays ambiguous unless level
			// or jacket tells.
			for g := range gs {
				genre = g
			}
		}
		c, err := set.db.Match(songs.Query{Title: id.Title, Type: id.Type, Difficulty: id.Difficulty, Level: id.Level,
			Genre: genre, Jacket: id.Jacket})
		switch {
		case err == nil:
			link.ChartID, link.Status = set.id[c], LinkMatched
		case errors.Is(err, songs.ErrAmbiguous):
			link.Status, link.Reason = LinkAmbiguous, err.Error()
		default:
			link.Status, link.Reason = LinkLearned, err.Error()
			if link.ChartID, err = learn(ctx, tx, set, id, now); err != nil {
				return err
			}
		}
		if err := tx.SetChartLink(ctx, &link); err != nil {
			return err
		}
	}
	return nil
}

// learn returns the learned chart for a chart the song data lacks,
// creating its song and chart from what the page showed.
func learn(ctx context.Context, tx *storage.Tx, set *chartSet, id *storage.ChartIdent, now time.Time) (int64, error) {
	songKey := "page:" + string(id.Type) + ":" + id.Title
	s := set.learned[songKey]
	if s == nil {
		row := storage.SongRow{Region: id.Region, Key: songKey, Title: id.Title, Type: id.Type, Genre: id.Genre,
			Utage: id.Difficulty == maimai.Utage, Source: learnedSource, SyncedAt: now}
		if err := tx.InsertSong(ctx, &row); err != nil {
			return 0, err
		}
		s = &storedSong{row: row, charts: map[maimai.Difficulty]int64{}}
		set.learned[songKey] = s
	}
	if cid, ok := s.charts[id.Difficulty]; ok {
		return cid, nil
	}
	c := storage.ChartRow{SongID: s.row.ID, Difficulty: id.Difficulty, Level: id.Level}
	if err := tx.InsertChart(ctx, &c); err != nil {
		return 0, err
	}
	s.charts[id.Difficulty] = c.ID
	return c.ID, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func linkCounts(ctx context.Context, tx *storage.Tx, region maimai.Region) (LinkCounts, error) {
	links, err := tx.ChartLinks(ctx, region)
	var n LinkCounts
	for _, l := range links {
		switch l.Status {
		case LinkMatched:
			n.Matched++
		case LinkLearned:
			n.Learned++
		case LinkAmbiguous:
			n.Ambiguous++
		}
	}
	return n, err
}

// Unmatched is a chart seen on pages that is not a chart of the song data.
type Unmatched struct {
	Region maimai.Region `json:"region"`
	maimai.Chart
	Genre  string `json:"genre,omitempty"` // as the pages showed it, '' when none did
	Status string `json:"status"`          // LinkLearned or LinkAmbiguous
	Reason string `json:"reason"`          // the matcher's explanation
}

// UnmatchedCharts matches the charts not matched yet and lists those that
// are still not charts of the song data, by region and title.
func (a *Archive) UnmatchedCharts(ctx context.Context) ([]Unmatched, error) {
	if err := a.ResolveCharts(ctx); err != nil {
		return nil, err
	}
	var out []Unmatched
	err := a.db.View(ctx, func(tx *storage.Tx) error {
		for _, r := range []maimai.Region{maimai.CN, maimai.Intl, maimai.JP} {
			links, err := tx.ChartLinks(ctx, r)
			if err != nil {
				return err
			}
			for _, l := range links {
				if l.Status != LinkMatched {
					out = append(out, Unmatched{Region: r, Chart: l.Chart, Genre: l.Genre, Status: l.Status, Reason: l.Reason})
				}
			}
		}
		return nil
	})
	return out, err
}
