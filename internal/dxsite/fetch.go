package dxsite

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/dxnet"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

// Part is a part of the site a fetch can be limited to.
type Part string

// Parts, in the order a fetch takes them.
const (
	PartHome       Part = "home"
	PartPlayerData Part = "playerData"
	PartAlbum      Part = "album"
	PartRecord     Part = "record"
	PartDetails    Part = "details"
	PartScores     Part = "scores"
)

// AllParts lists every part in fetch order.
var AllParts = []Part{PartHome, PartPlayerData, PartAlbum, PartRecord, PartDetails, PartScores}

// ParseParts reads a comma-separated list of parts ("home,record").
func ParseParts(s string) ([]Part, error) {
	var out []Part
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		i := slices.IndexFunc(AllParts, func(p Part) bool { return strings.EqualFold(string(p), f) })
		if i < 0 {
			return nil, fmt.Errorf("unknown part %q (one of home, playerData, album, record, details, scores)", f)
		}
		out = append(out, AllParts[i])
	}
	return out, nil
}

// ScoreLists are the best-score pages a fetch reads: every song of each
// difficulty (BASIC … Re:MASTER) and the utage charts.
var ScoreLists = []string{
	"record/musicGenre/search/?genre=99&diff=0",
	"record/musicGenre/search/?genre=99&diff=1",
	"record/musicGenre/search/?genre=99&diff=2",
	"record/musicGenre/search/?genre=99&diff=3",
	"record/musicGenre/search/?genre=99&diff=4",
	"record/musicSort/search/?search=A&sort=1&playCheck=on&diff=10",
}

// Options tune a fetch.
type Options struct {
	// Only limits the fetch to these parts (all when empty).
	Only []Part
	// Progress, when set, is told before each request.
	Progress func(Progress)
	// ResumeWithin is how recent an interrupted run must be for this one
	// to skip the pages it finished (default 6 hours; negative: never).
	ResumeWithin time.Duration
	// MaxJackets bounds the jacket images one fetch downloads (default
	// DefaultMaxJackets; negative: none).
	MaxJackets int
}

// DefaultMaxJackets is how many jacket images a fetch downloads at most:
// a record page names up to 50, and the archive's older pages may name
// more, which later runs fetch.
const DefaultMaxJackets = 60

// Progress is where a fetch stands.
type Progress struct {
	Part  Part
	Done  int // requests made so far
	Total int // requests planned so far (grows once the record is read)
	Name  string
}

// Report is what a fetch did.
type Report struct {
	Region  maimai.Region    `json:"region"`
	Results []archive.Result `json:"-"`
	// Added and Unchanged sum the imports' counts.
	Added     archive.Counts `json:"added"`
	Unchanged archive.Counts `json:"unchanged"`
	Rejected  int            `json:"rejected"`
	// PhotoImages counts album images stored.
	PhotoImages int `json:"photo_images"`
	// Jackets counts jacket images stored; JacketErrors those the site
	// did not give (no such image, not an image, too large), tried again
	// by the next run.
	Jackets      int `json:"jackets"`
	JacketErrors int `json:"jacket_errors,omitempty"`
	// Skipped counts pages not requested because the archive had them
	// (play details) or an interrupted run had finished them.
	Skipped int  `json:"skipped"`
	Resumed bool `json:"resumed"`
	// Requests counts HTTP requests, retries included.
	Requests int `json:"requests"`
	// PlayCount is the site's total play count (0 when not read).
	PlayCount int `json:"play_count"`
	// Loss is the loss meter as it stood before this fetch saved anything.
	Loss  archive.Loss       `json:"loss"`
	Album *archive.AlbumLoss `json:"album,omitempty"`
}

// fetcher is one run of Fetch.
type fetcher struct {
	a      *archive.Archive
	player string
	s      *Session
	o      Options
	rep    *Report
	run    archive.FetchRun
	// prev is the run before this one (or the interrupted one it
	// resumes): its play count dates the archive's newest play.
	prev  archive.FetchRun
	done  map[string]bool
	total int
	n     int
	// rec is the record page read, whose jackets are fetched first.
	rec *dxnet.RecordPage
}

// Fetch reads the player's pages from the site and imports them: home,
// playerData, the album and its images, the record of the last 50 plays,
// the detail of every play the archive lacks one for, and the best scores
// of every difficulty. It stops at the first answer that is not player
// data (expired session, maintenance, bot check, rate limit) and returns
// the report so far with the error. A run interrupted (a cancelled context,
// a killed process) and started again within ResumeWithin skips the pages
// the first one finished; the archive's deduplication makes any page read
// twice harmless.
func Fetch(ctx context.Context, a *archive.Archive, player string, s *Session, o Options) (rep Report, err error) {
	rep = Report{Region: s.Region()}
	if player == "" {
		return rep, errors.New("dxsite: no player name given")
	}
	if o.ResumeWithin == 0 {
		o.ResumeWithin = 6 * time.Hour
	}
	f := &fetcher{a: a, player: player, s: s, o: o, rep: &rep, done: map[string]bool{}}
	start := s.Requests
	defer func() { rep.Requests = s.Requests - start }()
	if err := f.begin(ctx); err != nil {
		return rep, err
	}
	steps := []struct {
		part  Part
		pages int
		fn    func(context.Context) error
	}{
		{PartHome, 1, func(ctx context.Context) error { return f.profile(ctx, PartHome, "home/") }},
		{PartPlayerData, 1, func(ctx context.Context) error { return f.profile(ctx, PartPlayerData, "playerData/") }},
		{PartAlbum, 1, f.album},
		{PartRecord, 1, f.record},
		{PartScores, len(ScoreLists), f.scores},
		// Last: images matter less than pages that may leave the site.
		{PartRecord, 0, f.jackets},
	}
	for _, st := range steps {
		if f.wants(st.part) {
			f.total += st.pages
		}
	}
	for _, st := range steps {
		if !f.wants(st.part) {
			continue
		}
		if err := st.fn(ctx); err != nil {
			return rep, err
		}
	}
	f.run.FinishedAt = a.Now()
	if err := a.SaveFetchRun(context.WithoutCancel(ctx), player, &f.run); err != nil {
		return rep, err
	}
	if rep.Rejected > 0 {
		return rep, fmt.Errorf("dxsite: %d pages were rejected by the archive", rep.Rejected)
	}
	return rep, nil
}

// wants reports whether the fetch reads part; the details need the record.
func (f *fetcher) wants(p Part) bool {
	if len(f.o.Only) == 0 || slices.Contains(f.o.Only, p) {
		return true
	}
	return p == PartRecord && slices.Contains(f.o.Only, PartDetails)
}

// begin resumes an interrupted run or starts a new one.
func (f *fetcher) begin(ctx context.Context) error {
	region := string(f.s.Region())
	last, err := f.a.LastFetchRun(ctx, f.player, region)
	if err != nil && !errors.Is(err, archive.ErrNotFound) {
		return err
	}
	if err == nil {
		f.prev = last
	}
	if err == nil && last.FinishedAt.IsZero() && f.o.ResumeWithin > 0 && f.a.Now().Sub(last.StartedAt) < f.o.ResumeWithin {
		f.run = last
		f.rep.Resumed = true
		for _, s := range strings.Split(last.Steps, ",") {
			if s != "" {
				f.done[s] = true
			}
		}
		return nil
	}
	f.run = archive.FetchRun{Region: region}
	return f.a.SaveFetchRun(ctx, f.player, &f.run)
}

// finish marks a page done in the run, so a resumed run skips it.
func (f *fetcher) finish(ctx context.Context, step string) error {
	f.done[step] = true
	var steps []string
	for s := range f.done {
		steps = append(steps, s)
	}
	slices.Sort(steps)
	f.run.Steps = strings.Join(steps, ",")
	return f.a.SaveFetchRun(ctx, f.player, &f.run)
}

// get reads a page, telling the progress callback.
func (f *fetcher) get(ctx context.Context, part Part, rel string) (*Page, error) {
	f.n++
	if f.o.Progress != nil {
		f.o.Progress(Progress{Part: part, Done: f.n - 1, Total: max(f.total, f.n), Name: rel})
	}
	return f.s.Get(ctx, rel)
}

// store imports a page read from the site.
func (f *fetcher) store(ctx context.Context, pg *Page) archive.Result {
	res := f.a.Import(ctx, f.player, archive.Source{Name: pg.URL, Data: pg.Body, ObservedAt: pg.FetchedAt})
	f.rep.Results = append(f.rep.Results, res)
	switch res.Status {
	case archive.Rejected:
		f.rep.Rejected++
	default:
		addCounts(&f.rep.Added, res.Added)
		addCounts(&f.rep.Unchanged, res.Unchanged)
	}
	return res
}

func addCounts(to *archive.Counts, c archive.Counts) {
	to.Pages += c.Pages
	to.Plays += c.Plays
	to.Details += c.Details
	to.Snapshots += c.Snapshots
	to.Photos += c.Photos
	to.Scores += c.Scores
	to.Improvements += c.Improvements
	to.History += c.History
}

// page reads and imports one page unless a resumed run did it; a rejected
// import stops nothing (the report counts it), a context cancelled during
// the import does.
func (f *fetcher) page(ctx context.Context, part Part, rel string) (*Page, error) {
	if f.done[rel] {
		f.rep.Skipped++
		f.n++
		return nil, nil
	}
	pg, err := f.get(ctx, part, rel)
	if err != nil {
		return nil, err
	}
	res := f.store(ctx, pg)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if res.Status == archive.Rejected {
		return pg, nil
	}
	return pg, f.finish(ctx, rel)
}

// profile reads home/ or playerData/ and notes the play count.
func (f *fetcher) profile(ctx context.Context, part Part, rel string) error {
	pg, err := f.page(ctx, part, rel)
	if err != nil || pg == nil {
		return err
	}
	var n int
	switch p := pg.Parsed.(type) {
	case *dxnet.HomePage:
		n = p.PlayCount
	case *dxnet.PlayerDataPage:
		n = p.PlayCount
	}
	if n > 0 {
		f.rep.PlayCount, f.run.PlayCount = n, n
		return f.a.SaveFetchRun(ctx, f.player, &f.run)
	}
	return nil
}

// album reads the album and stores the images of its photos.
func (f *fetcher) album(ctx context.Context) error {
	have, err := f.a.PhotoImageURLs(ctx, f.player)
	if err != nil {
		return err
	}
	rel := "playerData/photo/"
	if f.done[rel] {
		f.rep.Skipped++
		f.n++
		return nil
	}
	pg, err := f.get(ctx, PartAlbum, rel)
	if err != nil {
		return err
	}
	album, _ := pg.Parsed.(*dxnet.PhotoPage)
	var saved []bool
	if album != nil {
		photos := slices.Clone(album.Photos)
		// The album's order on the page is not promised; newest first by time.
		slices.SortStableFunc(photos, func(a, b maimai.Photo) int { return b.TakenAt.Compare(a.TakenAt) })
		for _, ph := range photos {
			saved = append(saved, have[ph.ImageURL])
		}
		al := archive.AlbumLossOf(saved)
		f.rep.Album = &al
	}
	res := f.store(ctx, pg)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if album != nil && res.Status != archive.Rejected {
		for _, ph := range album.Photos {
			if have[ph.ImageURL] || ph.ImageURL == "" {
				continue
			}
			src, ok := f.onSite(ph.ImageURL)
			if !ok {
				continue
			}
			f.total++
			f.n++
			if f.o.Progress != nil {
				f.o.Progress(Progress{Part: PartAlbum, Done: f.n - 1, Total: f.total, Name: ph.ImageURL})
			}
			data, ct, err := f.s.GetImage(ctx, src)
			if err != nil {
				return fmt.Errorf("dxsite: album photo %s: %w", ph.ImageURL, err)
			}
			added, err := f.a.StorePhotoImage(ctx, f.player, archive.PhotoImage{URL: ph.ImageURL, ContentType: ct, Data: data})
			if err != nil {
				return err
			}
			if added {
				f.rep.PhotoImages++
			}
		}
	}
	if res.Status == archive.Rejected {
		return nil
	}
	return f.finish(ctx, rel)
}

// onSite maps an image URL of a page to the session's site: the pages name
// the real site, a mirror or test site serves the same paths. Images on
// other hosts are not fetched.
func (f *fetcher) onSite(raw string) (string, bool) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", false
	}
	base := f.s.base
	if !u.IsAbs() {
		return base.ResolveReference(u).String(), true
	}
	for _, site := range append([]string{base.String()}, Sites[f.s.Region()]) {
		if rest, ok := strings.CutPrefix(u.String(), site); ok {
			return base.String() + rest, true
		}
	}
	return "", false
}

// record reads the record page, works out the loss meter, imports it and
// then the details the archive lacks.
func (f *fetcher) record(ctx context.Context) error {
	newest, err := f.a.Plays(ctx, f.player, 1)
	if err != nil {
		return err
	}
	archived, err := f.a.CountPlays(ctx, f.player)
	if err != nil {
		return err
	}
	pg, err := f.get(ctx, PartRecord, "record/")
	if err != nil {
		return err
	}
	rec, _ := pg.Parsed.(*dxnet.RecordPage)
	if rec != nil {
		f.rep.Loss = archive.LossOf(archive.LossInput{PlayCount: f.playCount(), SavedThrough: f.savedThrough(rec, newest), Archived: archived})
	}
	res := f.store(ctx, pg)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if rec == nil || res.Status == archive.Rejected {
		return nil
	}
	f.rec = rec
	if len(rec.Plays) > 0 {
		f.run.PlayCount, f.run.NewestPlayAt = f.playCount(), rec.Plays[0].PlayedAt
		if err := f.a.SaveFetchRun(ctx, f.player, &f.run); err != nil {
			return err
		}
	}
	if !f.wants(PartDetails) {
		return nil
	}
	return f.details(ctx, rec)
}

// playCount is the site's play count of this run, or of the interrupted
// run it resumes.
func (f *fetcher) playCount() int {
	if f.rep.PlayCount > 0 {
		return f.rep.PlayCount
	}
	return f.run.PlayCount
}

// savedThrough is the number of the newest archived play: found in the
// record page (whose first play is number PlayCount), or dated by the last
// run; -1 when neither tells.
func (f *fetcher) savedThrough(rec *dxnet.RecordPage, newest []archive.Play) int {
	if len(newest) == 0 {
		return 0
	}
	n := f.playCount()
	last := newest[0]
	for i, p := range rec.Plays {
		same := p.Idx != "" && last.Idx != "" && archive.IdxTime(p.Idx) == archive.IdxTime(last.Idx)
		if same || !p.PlayedAt.After(last.PlayedAt) {
			return n - i
		}
	}
	if !f.prev.NewestPlayAt.IsZero() && f.prev.NewestPlayAt.Equal(last.PlayedAt) && f.prev.PlayCount > 0 {
		return f.prev.PlayCount
	}
	return -1
}

// details reads the playlogDetail page of every play of the record whose
// detail the archive lacks.
func (f *fetcher) details(ctx context.Context, rec *dxnet.RecordPage) error {
	var times []int64
	for _, p := range rec.Plays {
		if t := archive.IdxTime(p.Idx); t != 0 {
			times = append(times, t)
		}
	}
	have, err := f.a.DetailedPlays(ctx, f.player, times)
	if err != nil {
		return err
	}
	var todo []maimai.Play
	for _, p := range rec.Plays {
		t := archive.IdxTime(p.Idx)
		switch {
		case t == 0:
		case have[t]:
			f.rep.Skipped++
		default:
			todo = append(todo, p)
		}
	}
	f.total += len(todo)
	// Oldest first: those are the next to leave the window.
	for i := len(todo) - 1; i >= 0; i-- {
		pg, err := f.get(ctx, PartDetails, "record/playlogDetail/?idx="+url.QueryEscape(todo[i].Idx))
		if err != nil {
			return err
		}
		f.store(ctx, pg)
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return nil
}

// scores reads the best-score lists.
func (f *fetcher) scores(ctx context.Context) error {
	for _, rel := range ScoreLists {
		if _, err := f.page(ctx, PartScores, rel); err != nil {
			return err
		}
	}
	return nil
}

// jackets downloads the jacket images the archive lacks, at most
// MaxJackets: first those of the record page just read (what the player
// played last), then others the archive's pages named. A jacket the site
// does not give (404, not an image, too large) is counted and left for the
// next run; an answer that stops the fetch (expired session, maintenance,
// rate limit) stops it here too.
func (f *fetcher) jackets(ctx context.Context) error {
	limit := f.o.MaxJackets
	if limit == 0 {
		limit = DefaultMaxJackets
	}
	if limit < 0 {
		return nil
	}
	var todo []string
	seen := map[string]bool{}
	if f.rec != nil {
		for _, p := range f.rec.Plays {
			if archive.ValidJacketFile(p.Jacket) && !seen[p.Jacket] {
				seen[p.Jacket] = true
				todo = append(todo, p.Jacket)
			}
		}
		have, err := f.a.StoredJackets(ctx, todo)
		if err != nil {
			return err
		}
		todo = slices.DeleteFunc(todo, func(j string) bool { return have[j] })
	}
	if len(todo) < limit {
		more, err := f.a.MissingJackets(ctx, limit)
		if err != nil {
			return err
		}
		for _, j := range more {
			if !seen[j] {
				seen[j] = true
				todo = append(todo, j)
			}
		}
	}
	todo = todo[:min(len(todo), limit)]
	f.total += len(todo)
	for _, file := range todo {
		f.n++
		if f.o.Progress != nil {
			f.o.Progress(Progress{Part: PartRecord, Done: f.n - 1, Total: f.total, Name: file})
		}
		data, _, err := f.s.GetImageMax(ctx, "img/Music/"+file, archive.MaxJacketSize)
		var se *StatusError
		switch {
		case errors.As(err, &se), errors.Is(err, ErrTooLarge):
			f.rep.JacketErrors++
			continue
		case err != nil:
			return fmt.Errorf("dxsite: jacket %s: %w", file, err)
		}
		if _, err := archive.CheckJacket(file, data); err != nil {
			f.rep.JacketErrors++
			continue
		}
		added, err := f.a.StoreJacket(ctx, file, data)
		if err != nil {
			return err
		}
		if added {
			f.rep.Jackets++
		}
	}
	return nil
}
