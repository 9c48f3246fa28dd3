package archive

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"time"

	"github.com/maiprobe/maiprobe/internal/analysis"
	"github.com/maiprobe/maiprobe/internal/dxnet"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/rating"
	"github.com/maiprobe/maiprobe/internal/songs"
	"github.com/maiprobe/maiprobe/internal/storage"
)

// GenDefaultEnd is when a generated archive's last visit ends unless told
// otherwise: a fixed date, so the same options give the same pages.
var GenDefaultEnd = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// GenOptions describe a generated archive. Generate is a pure function of
// them: the same options give the same pages with the same times.
type GenOptions struct {
	Player string
	Plays  int    // how many plays
	Seed   uint64 // the same seed gives the same archive
	// End is about when the last visit ends; zero means GenDefaultEnd.
	End time.Time
	// Progress, when set, is called after each record page with the
	// plays generated so far.
	Progress func(plays int)
	// DetailEvery saves the detail page (with the rating the site printed
	// after the play) of one play in DetailEvery, drawn at random; 0 means
	// 12, 1 every play.
	DetailEvery int
	// HideConstants is the share (0 to 1) of the song data's charts whose
	// constants gen forgets after writing the plays, as new songs lack
	// them; the pages still show the ratings the true ones give, so the
	// constants can be learned back (internal/constants). A rerun needs
	// a songs sync first, which brings the constants back.
	HideConstants float64
}

// GenReport counts what Generate did: Pages generated, of which Stored
// were already in the archive (from an earlier run with the same options),
// and the rows it added.
type GenReport struct {
	Pages, Stored                     int
	Plays, Details, Snapshots, Photos int
	// RealCharts is how many charts of the synced CN song data the plays
	// were drawn from; 0 when there was none and the songs are made up.
	RealCharts int
	// Hidden are the charts whose constants HideConstants made the song
	// data forget, with the true constant.
	Hidden []GenHidden
}

// genSongs is the size of the song pool; with its chart types and
// difficulties it is about 8,000 charts, of which a player plays some.
const genSongs = 1500

// genChart is one chart of the generated song pool.
type genChart struct {
	maimai.Chart
	level string
	notes int
	// split is the song data's notes by kind, zero for a made-up chart.
	split songs.Notes
	hard  float64 // 0 (easy) … 1 (hardest): lowers the achievement
	// What a real chart's rating needs: its constant, version and song.
	constant rating.Constant
	version  rating.Version
	songID   int
}

// Generate writes a realistic archive for a player through the normal
// import path (importPage, the step after parsing): plays over about three
// years in visits of 5–40 plays, record pages of 50, a detail page for
// about one play in twelve, a home snapshot after most visits, playerData
// now and then, and album photos. Achievements improve with practice, so
// best scores and their history come out as real ones do. Each play is
// drawn as a judgement table (genSample), and its achievement, DX score,
// combo mark, rank and stars follow from it as in the game, whether its
// detail page is saved or not (docs/rating.md). The stored
// "raw page" of each is the page's JSON, not HTML, which reparse, split
// and restore read back with dxnet.ParseJSON, so a generated archive can
// be derived again like a real one.
func (a *Archive) Generate(ctx context.Context, o GenOptions) (GenReport, error) {
	var rep GenReport
	if o.Plays <= 0 {
		return rep, errors.New("generate: the number of plays must be positive")
	}
	if o.Player == "" {
		return rep, errors.New("generate: no player name given")
	}
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))
	detailEvery := o.DetailEvery
	if detailEvery <= 0 {
		detailEvery = 12
	}
	// Never the clock: a rerun after an interrupted run must make the same
	// pages, so it adds only what the first run did not get to.
	end := o.End
	if end.IsZero() {
		end = GenDefaultEnd
	}
	end = end.UTC().Truncate(time.Second)

	// Real charts when the archive has CN song data (the pages are CN's),
	// so the archive has a B50, plates and targets; made-up ones else.
	var charts []genChart
	var set *chartSet
	err := a.db.View(ctx, func(tx *storage.Tx) error {
		var err error
		if set, err = loadCharts(ctx, tx, maimai.CN); err == nil {
			charts = genRealPool(rng, set.db)
		}
		return err
	})
	if err != nil {
		return rep, fmt.Errorf("generate: %w", err)
	}
	if rep.RealCharts = len(charts); len(charts) == 0 {
		charts = genPool(rng)
	}
	// Visits average 22.5 plays; space them so a visit (≤ 40 plays, 3–4
	// minutes each) and a pause of more than 3 hours fit between starts.
	visits := (o.Plays*2 + 44) / 45
	spacing := 3 * 365 * 24 * time.Hour / time.Duration(visits)
	if minSpacing := 7 * time.Hour; spacing < minSpacing {
		spacing = minSpacing
	}
	// The last visit starts a few hours before end; arcadeHours moves the
	// others earlier, never later.
	start := end.Add(-spacing*time.Duration(visits-1) - 3*time.Hour)
	if arcadeHours(start).Before(dxLaunch) {
		return rep, fmt.Errorf("generate: %d plays do not fit between maimai DX's launch and %s", o.Plays, end.Format(time.DateOnly))
	}

	type genBest struct {
		a  maimai.Achievement
		fc maimai.FC
		fs maimai.FS
	}
	best := map[int]*genBest{}
	tries := map[int]int{}
	var pending []maimai.Play
	var details []*dxnet.PlaylogDetailPage
	var seen time.Time
	importPage := func(name string, page dxnet.Page, at time.Time) error {
		b, err := json.Marshal(page)
		if err != nil {
			return err
		}
		res := a.importPage(ctx, o.Player, Source{Name: name, Data: b, ObservedAt: at}, page)
		if res.Status == Rejected {
			return fmt.Errorf("generate: %s: %w", name, res.Err)
		}
		rep.Pages++
		if res.Added.Pages == 0 {
			rep.Stored++
		}
		rep.Plays += res.Added.Plays
		rep.Details += res.Added.Details
		rep.Snapshots += res.Added.Snapshots
		rep.Photos += res.Added.Photos
		return nil
	}
	played := 0
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		page := &dxnet.RecordPage{Header: dxnet.Header{Kind: dxnet.KindRecord, Region: maimai.CN}}
		for i := len(pending) - 1; i >= 0; i-- {
			p := pending[i]
			p.Idx = fmt.Sprintf("%d,%d", len(page.Plays), p.PlayedAt.Unix())
			page.Plays = append(page.Plays, p)
		}
		at := pending[len(pending)-1].PlayedAt.Add(5 * time.Minute)
		if err := importPage(fmt.Sprintf("gen-record-%06d.json", rep.Pages), page, at); err != nil {
			return err
		}
		for _, d := range details {
			if err := importPage(fmt.Sprintf("gen-detail-%06d.json", rep.Pages), d, at); err != nil {
				return err
			}
		}
		pending, details = pending[:0], details[:0]
		if o.Progress != nil {
			o.Progress(played)
		}
		return ctx.Err()
	}

	curve := func(progress float64) int { return 8000 + int(7500*math.Sqrt(progress)) }
	// On real charts the pages show the rating the archive computes: the
	// B50 of the bests so far under the rules of the day (order lists the
	// charts played, first play first). Made-up charts follow curve.
	var order []int
	rater := genRater{best: func(ci int) rating.Best {
		c, b := charts[ci], best[ci]
		return rating.Best{Key: rating.Key{SongID: c.songID, Chart: c.Chart}, Constant: c.constant, Achievement: b.a, FC: b.fc,
			FS: b.fs, Version: c.version}
	}}
	computed := func(at time.Time) (int, bool) {
		if rep.RealCharts == 0 || !rater.use(at, order) {
			return 0, false
		}
		return rater.total(), true
	}
	for v := 0; v < visits && played < o.Plays; v++ {
		at := start.Add(spacing*time.Duration(v) + time.Duration(rng.IntN(30))*time.Minute)
		if v < visits-1 {
			at = arcadeHours(at) // the last is where --end puts it
		}
		if at.Before(seen) {
			at = seen
		}
		// 5–40 plays, steered so the visits left share the plays left.
		rem := o.Plays - played
		n := max(5, min(40, rem/(visits-v)+rng.IntN(21)-10))
		if n > rem || v == visits-1 {
			n = rem
		}
		before := curve(float64(played) / float64(o.Plays))
		after := curve(float64(played+n) / float64(o.Plays))
		var session []maimai.Play
		for j := 0; j < n; j++ {
			progress := float64(played) / float64(o.Plays)
			ci := genPick(rng, len(charts))
			c := charts[ci]
			tries[ci]++
			skill := 0.935 + 0.06*progress + 0.004*math.Min(float64(tries[ci]), 8) - 0.05*c.hard
			x := skill + rng.NormFloat64()*0.012
			// Now and then a perfect run: AP+, every note critical.
			t := genSample(rng, c.kinds(), x, x >= 1.0085 && rng.IntN(4) == 0)
			ach := t.achievement()
			p := maimai.Play{
				Track: j%4 + 1, PlayedAt: at, Chart: c.Chart, Level: c.level,
				Achievement: ach, Rank: maimai.RankOf(ach), DXScore: t.dxScore(), DXScoreMax: 3 * c.notes,
				FC: t.fc(), Clear: ach >= 800000,
				Jacket: fmt.Sprintf("%016x.png", uint64(ci/8)*0x9e3779b97f4a7c15),
			}
			p.DXStars = rating.DXStars(p.DXScore, p.DXScoreMax)
			if p.FC != maimai.NoFC && rng.IntN(3) == 0 {
				p.FS = maimai.FSN
			} else if rng.IntN(4) == 0 {
				p.FS = maimai.Sync
			}
			b := best[ci]
			if b == nil {
				b = &genBest{}
				best[ci] = b
				order = append(order, ci)
			}
			ratedBefore, rated := computed(p.PlayedAt)
			p.NewRecord = ach > b.a
			b.a = max(b.a, ach)
			if fcLevel(p.FC) > fcLevel(b.fc) {
				b.fc = p.FC
			}
			if fsLevel(p.FS) > fsLevel(b.fs) {
				b.fs = p.FS
			}
			if rated {
				rater.raise(ci)
			}
			session = append(session, p)
			pending = append(pending, p)
			if rng.IntN(detailEvery) == 0 {
				r := before + (after-before)*(j+1)/n
				prev := before + (after-before)*j/n
				if rated {
					r, prev = rater.total(), ratedBefore
				}
				details = append(details, genDetail(rng, p, t, r, r-prev))
			}
			played++
			at = at.Add(3*time.Minute + time.Duration(rng.IntN(60))*time.Second)
			if len(pending) == 50 {
				if err := flush(); err != nil {
					return rep, err
				}
			}
		}
		seen = at.Add(4 * time.Hour)
		if err := flush(); err != nil {
			return rep, err
		}
		if r, ok := computed(at); ok {
			after = r
		}
		leave := at.Add(10 * time.Minute)
		prof := dxnet.Profile{Name: "ＧＥＮＰＬＡＹＥＲ", Rating: after, RatingBand: genBand(after),
			Stars: played / 50, Trophy: "maiprobe generated", TrophyColor: "normal", CourseRank: "course_rank_05.png",
			ClassRank: "class_rank_s_00.png", PlayCount: played + 200, PlayCountVersion: played/3 + 50}
		if rng.IntN(5) != 0 {
			page := &dxnet.HomePage{Header: dxnet.Header{Kind: dxnet.KindHome, Region: maimai.CN}, Profile: prof}
			if err := importPage(fmt.Sprintf("gen-home-%06d.json", rep.Pages), page, leave); err != nil {
				return rep, err
			}
		}
		if v%25 == 0 {
			counts := map[string]maimai.Count{}
			for _, k := range []string{"sssp", "sss", "ssp", "ss", "sp", "s", "clear", "app", "ap", "fcp", "fc", "fsdp", "fsd", "fsp", "fs", "sync"} {
				counts[k] = maimai.Count{Total: len(charts)}
			}
			for _, b := range best {
				for _, k := range genCountKeys(b.a, b.fc, b.fs) {
					c := counts[k]
					c.Got++
					counts[k] = c
				}
			}
			page := &dxnet.PlayerDataPage{Header: dxnet.Header{Kind: dxnet.KindPlayerData, Region: maimai.CN}, Profile: prof, Counts: counts}
			if err := importPage(fmt.Sprintf("gen-playerData-%06d.json", rep.Pages), page, leave.Add(time.Minute)); err != nil {
				return rep, err
			}
		}
		if v%10 == 3 {
			page := &dxnet.PhotoPage{Header: dxnet.Header{Kind: dxnet.KindPhoto, Region: maimai.CN}}
			for k := 0; k < 1+rng.IntN(3) && k < len(session); k++ {
				p := session[rng.IntN(len(session))]
				page.Photos = append(page.Photos, maimai.Photo{
					ImageURL: fmt.Sprintf("https://maimai.wahlap.com/maimai-mobile/img/photo/gen%d-%d-%d.jpg", o.Seed, v, k),
					TakenAt:  p.PlayedAt.Truncate(time.Minute), Chart: p.Chart, Level: p.Level,
				})
			}
			if err := importPage(fmt.Sprintf("gen-photo-%06d.json", rep.Pages), page, leave.Add(2*time.Minute)); err != nil {
				return rep, err
			}
		}
	}
	if err := flush(); err != nil {
		return rep, err
	}
	rep.Hidden, err = a.genHide(ctx, o, charts, set)
	return rep, err
}

// genPool makes the song pool: every song has a standard or DX chart (some
// both), basic to master, and a Re:MASTER now and then.
func genPool(rng *rand.Rand) []genChart {
	var out []genChart
	diffs := []maimai.Difficulty{maimai.Basic, maimai.Advanced, maimai.Expert, maimai.Master, maimai.ReMaster}
	for s := 0; s < genSongs; s++ {
		title := fmt.Sprintf("Generated Song %04d", s+1)
		types := []maimai.ChartType{maimai.DX}
		switch rng.IntN(3) {
		case 0:
			types = []maimai.ChartType{maimai.Std}
		case 1:
			types = []maimai.ChartType{maimai.Std, maimai.DX}
		}
		for _, t := range types {
			top := 4
			if rng.IntN(5) == 0 {
				top = 5
			}
			for d := 0; d < top; d++ {
				lv := 2 + 3*d + rng.IntN(3)
				if d >= 3 {
					lv = 11 + rng.IntN(4) + (d-3)*rng.IntN(2)
				}
				plus := ""
				if lv >= 7 && rng.IntN(2) == 0 {
					plus = "+"
				}
				out = append(out, genChart{
					Chart: maimai.Chart{Title: title, Type: t, Difficulty: diffs[d]},
					level: fmt.Sprint(lv) + plus, notes: 150 + 180*d + rng.IntN(200),
					hard: math.Max(0, float64(lv-9)/6),
				})
			}
		}
	}
	return out
}

// genRealPool is the song pool from song data: every chart with a
// constant and note counts of a song whose title and type no other song
// shares (so each play links to its chart), utage left out, in an order
// drawn from rng so that the charts a player favours (genPick) are a mix
// of levels rather than the data's first songs. It depends only on the
// data and rng.
func genRealPool(rng *rand.Rand, db *songs.Database) []genChart {
	if db == nil {
		return nil
	}
	type key struct {
		title string
		typ   maimai.ChartType
	}
	seen := map[key]int{}
	title := func(s *songs.Song) string { return cmpOr(s.SiteTitle, s.Title) }
	for _, s := range db.Songs {
		seen[key{title(s), s.Type}]++
	}
	list := append([]*songs.Song(nil), db.Songs...)
	sort.SliceStable(list, func(i, j int) bool {
		if list[i].ID != list[j].ID {
			return list[i].ID < list[j].ID
		}
		return list[i].Key < list[j].Key
	})
	var out []genChart
	for _, s := range list {
		if s.Utage || seen[key{title(s), s.Type}] > 1 {
			continue
		}
		for _, c := range s.Charts {
			if c.Side != 0 || c.Difficulty == maimai.Utage || !c.Constant.Known() || !c.Notes.Known() || c.Level == "" {
				continue
			}
			out = append(out, genChart{
				Chart: maimai.Chart{Title: title(s), Type: s.Type, Difficulty: c.Difficulty},
				level: c.Level, notes: c.Notes.Total(), split: c.Notes,
				hard:     math.Max(0, (float64(c.Constant)/10-9)/6),
				constant: rating.Constant(c.Constant), version: versionNumber(s.Version), songID: s.ID,
			})
		}
	}
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// genRater keeps the generated player's rating as rules.PlayerRating
// computes it from the bests, updated as each best rises: a best only
// rises (and its chart rating with it), so a table's kept entries change
// only where a chart rises past the lowest kept. Computing the B50 anew
// for each home page and detail made gen of 100,000 plays several times
// slower. New rules (a new version) rebuild it from every best.
type genRater struct {
	best    func(ci int) rating.Best
	rules   rating.Rules
	ok      bool
	version rating.Version
	tables  [2]genTop // old, new
}

// genTop is one table: the n highest chart ratings, highest first.
type genTop struct {
	n    int
	kept []genEntry
}

type genEntry struct{ ci, rating int }

// use makes r follow the rules of at, rebuilding from the bests of order
// when they changed; false when no rules apply at at.
func (r *genRater) use(at time.Time, order []int) bool {
	rules, err := RulesFor(maimai.CN, at)
	if err != nil {
		return false
	}
	if r.ok && rules.Version == r.version && rules.Era == r.rules.Era {
		return true
	}
	r.rules, r.version, r.ok = rules, rules.Version, true
	r.tables = [2]genTop{{n: rules.OldSize}, {n: rules.NewSize}}
	for _, ci := range order {
		r.raise(ci)
	}
	return true
}

// raise takes chart ci's best as it is now.
func (r *genRater) raise(ci int) {
	b := r.best(ci)
	t := &r.tables[0]
	if r.rules.IsNew(b) {
		t = &r.tables[1]
	}
	t.raise(ci, r.rules.Rating(b))
}

func (t *genTop) raise(ci, rating int) {
	i := slices.IndexFunc(t.kept, func(e genEntry) bool { return e.ci == ci })
	switch {
	case i >= 0:
		t.kept[i].rating = max(t.kept[i].rating, rating)
	case len(t.kept) < t.n:
		t.kept = append(t.kept, genEntry{ci, rating})
	case t.n > 0 && rating > t.kept[len(t.kept)-1].rating:
		t.kept[len(t.kept)-1] = genEntry{ci, rating}
	default:
		return
	}
	slices.SortStableFunc(t.kept, func(a, b genEntry) int { return b.rating - a.rating })
}

func (r *genRater) total() int {
	n := 0
	for _, t := range r.tables {
		for _, e := range t.kept {
			n += e.rating
		}
	}
	return n
}

// arcadeHours moves an evenly spaced visit start into the hours an arcade
// is open, 10:00 to 22:00 in the CN clock (generated visits at 05:27 looked false): the day
// 22 hours before t, its 24 hours squeezed into those 12. It keeps the
// visits' order, never moves one later, and is a function of t alone, so
// gen stays a function of its flags. gen leaves the last visit where
// --end puts it; and in a dense archive (100,000 plays: four visits a
// day) one may still be pushed past 22:00 by the one before it.
func arcadeHours(t time.Time) time.Time {
	loc := maimai.CN.Location()
	l := t.Add(-22 * time.Hour).In(loc)
	day := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc)
	return day.Add(10*time.Hour + l.Sub(day)/2)
}

// genPick picks a chart, favouring a player's usual ones (low indexes).
func genPick(rng *rand.Rand, n int) int {
	a, b := rng.IntN(n), rng.IntN(n)
	return min(a, b)
}

func genBand(rating int) string {
	for _, b := range []struct {
		floor int
		name  string
	}{{15000, "rainbow"}, {14500, "platinum"}, {14000, "gold"}, {13000, "silver"}, {12000, "bronze"}, {10000, "purple"}, {7000, "red"}} {
		if rating >= b.floor {
			return b.name
		}
	}
	return "normal"
}

// genCountKeys are the playerData counters a best counts towards.
func genCountKeys(a maimai.Achievement, fc maimai.FC, fs maimai.FS) []string {
	var out []string
	for _, r := range []struct {
		floor maimai.Achievement
		key   string
	}{{1005000, "sssp"}, {1000000, "sss"}, {995000, "ssp"}, {990000, "ss"}, {980000, "sp"}, {970000, "s"}, {800000, "clear"}} {
		if a >= r.floor {
			out = append(out, r.key)
		}
	}
	for _, f := range []maimai.FC{maimai.APP, maimai.AP, maimai.FCP, maimai.FCN} {
		if fcLevel(fc) >= fcLevel(f) {
			out = append(out, string(f))
		}
	}
	for _, f := range []maimai.FS{maimai.FSDP, maimai.FSD, maimai.FSP, maimai.FSN, maimai.Sync} {
		if fsLevel(fs) >= fsLevel(f) {
			out = append(out, string(f))
		}
	}
	return out
}

// The note kinds of a judgement table, in the order the site shows them.
const (
	genTap   = int(analysis.Tap)
	genHold  = int(analysis.Hold)
	genSlide = int(analysis.Slide)
	genTouch = int(analysis.Touch)
	genBreak = int(analysis.Break)
)

// kinds is the chart's notes by kind: the song data's for a real chart, a
// fixed split of its notes for a made-up one (no TOUCH on a standard chart).
func (c genChart) kinds() [5]int {
	if n := c.split; n.Known() {
		return [5]int{n.Tap, n.Hold, n.Slide, n.Touch, n.Break}
	}
	notes := c.notes
	tap, hold, slide := notes*6/10, notes/10, notes*15/100
	touch := 0
	if c.Type == maimai.DX {
		touch = notes / 20
	}
	return [5]int{tap, hold, slide, touch, notes - tap - hold - slide - touch}
}

// genTable is a play's judgement table, the one thing of a generated play
// drawn at random: its achievement, DX score, combo mark, rank and stars
// all follow from it, as in the game.
type genTable struct {
	rows analysis.Table
	// What the site's table does not tell apart but the achievement
	// needs: the BREAK PERFECTs' and GREATs' windows.
	win analysis.Windows
}

// genSample draws the judgement table of a play on a chart with notes by
// kind by a player whose form is x (about the achievement, as a fraction:
// 1.0 is 100%): the further below 100.9%, the more PERFECTs, GREATs, GOODs
// and MISSes. perfect makes every note a CRITICAL PERFECT (AP+).
func genSample(rng *rand.Rand, notes [5]int, x float64, perfect bool) genTable {
	var t genTable
	if perfect {
		for k, n := range notes {
			t.rows[k].CriticalPerfect = n
		}
		return t
	}
	d := math.Min(0.2, math.Max(0, 1.009-x))
	miss, good, great, perf := 0.35*d, 0.3*d, 2*d, 0.02+1.5*d
	for k, n := range notes {
		r := &t.rows[k]
		r.Miss = genCount(rng, n, miss)
		r.Good = genCount(rng, n-r.Miss, good/(1-miss))
		r.Great = genCount(rng, n-r.Miss-r.Good, great/(1-miss-good))
		r.Perfect = genCount(rng, n-r.Miss-r.Good-r.Great, perf/(1-miss-good-great))
		r.CriticalPerfect = n - r.Miss - r.Good - r.Great - r.Perfect
	}
	b := t.rows[genBreak]
	t.win.Perfect75 = genCount(rng, b.Perfect, 0.5)
	t.win.Great80 = genCount(rng, b.Great, 0.5)
	t.win.Great60 = genCount(rng, b.Great-t.win.Great80, 0.6)
	return t
}

// genCount draws how many of n notes get a judgement of probability p: a
// binomial, drawn as a Poisson when few are expected (so that none at all
// happens as often as it should) and as a normal when many are.
func genCount(rng *rand.Rand, n int, p float64) int {
	if n <= 0 || p <= 0 {
		return 0
	}
	if p >= 1 {
		return n
	}
	mean := float64(n) * p
	k := 0
	if mean < 20 {
		limit, prod := math.Exp(-mean), rng.Float64()
		for prod > limit {
			k++
			prod *= rng.Float64()
		}
	} else {
		k = int(math.Round(mean + math.Sqrt(mean*(1-p))*rng.NormFloat64()))
	}
	return max(0, min(n, k))
}

// achievement is the table's achievement as the game shows it
// (analysis.Achievement, with the windows drawn).
func (t genTable) achievement() maimai.Achievement {
	return analysis.Achievement(t.rows, t.win)
}

// dxScore is the table's DX score: CRITICAL PERFECT 3, PERFECT 2, GREAT 1.
func (t genTable) dxScore() int {
	n := 0
	for _, r := range t.rows {
		n += 3*r.CriticalPerfect + 2*r.Perfect + r.Great
	}
	return n
}

// fc is the table's combo mark: FC with no MISS, FC+ with no GOOD either,
// AP with no GREAT either, AP+ with every note a CRITICAL PERFECT.
func (t genTable) fc() maimai.FC {
	var s maimai.NoteJudgement
	for _, r := range t.rows {
		s.Perfect += r.Perfect
		s.Great += r.Great
		s.Good += r.Good
		s.Miss += r.Miss
	}
	switch {
	case s.Miss > 0:
		return maimai.NoFC
	case s.Good > 0:
		return maimai.FCN
	case s.Great > 0:
		return maimai.FCP
	case s.Perfect > 0:
		return maimai.AP
	}
	return maimai.APP
}

// genDetail is a playlogDetail page for p with judgement table t, which
// has the chart's notes (by kind, from the song data, for a real chart),
// so its DX score max is 3 × notes as on the site.
func genDetail(rng *rand.Rand, p maimai.Play, t genTable, rating, delta int) *dxnet.PlaylogDetailPage {
	row := func(k int) *maimai.NoteJudgement {
		r := t.rows[k]
		return &r
	}
	j := maimai.Judgements{Tap: row(genTap), Hold: row(genHold), Slide: row(genSlide), Break: row(genBreak)}
	if p.Type == maimai.DX {
		j.Touch = row(genTouch)
	}
	notes := j.TotalNotes()
	misses, off := 0, 0
	for _, r := range t.rows {
		misses += r.Miss
		off += r.Perfect + r.Great + r.Good
	}
	combo := notes
	if misses > 0 {
		combo = notes / (misses + 1)
	}
	// Every note judged but not critical was early or late.
	fast := rng.IntN(off + 1)
	d := maimai.PlayDetail{Judgements: j, Fast: fast, Late: off - fast, MaxCombo: combo, MaxComboTotal: notes,
		Rating: rating, RatingDelta: delta, Place: "maiprobe arcade"}
	pl := p
	pl.Idx = ""
	pl.PlayedAt = p.PlayedAt.Truncate(time.Minute)
	return &dxnet.PlaylogDetailPage{Header: dxnet.Header{Kind: dxnet.KindPlaylogDetail, Region: maimai.CN}, Play: pl, Detail: d}
}
