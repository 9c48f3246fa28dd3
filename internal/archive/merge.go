package archive

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/maiprobe/maiprobe/internal/dxnet"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/storage"
)

// merger turns one page into rows inside an import transaction, applying
// the archive's identity rules.
type merger struct {
	tx     *storage.Tx
	player int64
	res    *Result
	// replay is set by Reparse, which derives pages oldest first: pages
	// observed later are stored but not derived yet.
	replay bool
	// source is the provenance of what derive reads now ("dxnet:KIND").
	source string
	// noMarks: the list derive reads shows no FC, FS or DX score.
	noMarks bool
}

// derive stores what page shows; pageID is the stored page.
func (m *merger) derive(ctx context.Context, page dxnet.Page, pageID int64, observed time.Time) error {
	region := page.Head().Region
	m.source = dxnetSource(page.Head().Kind)
	switch p := page.(type) {
	case *dxnet.RecordPage:
		in := make([]incoming, len(p.Plays))
		for i, pl := range p.Plays {
			in[i] = incoming{play: pl, region: region, pageID: pageID}
		}
		return m.plays(ctx, in, true)
	case *dxnet.PlaylogDetailPage:
		detail, err := json.Marshal(p.Detail)
		if err != nil {
			return err
		}
		in := []incoming{{play: p.Play, region: region, pageID: pageID, detail: detail, detailPageID: pageID}}
		return m.plays(ctx, in, true)
	case *dxnet.ScoresPage:
		// The rating list shows achievement and rank only; its missing
		// marks and DX score say nothing about the chart's.
		m.noMarks = p.List == "ratingTargetMusic"
		return m.scores(ctx, p.Scores, "", "", observed, pageID)
	case *dxnet.MusicDetailPage:
		if err := noteJacket(ctx, m.tx, region, p.Title, p.Jacket); err != nil {
			return err
		}
		return m.scores(ctx, p.Scores, p.Title, p.Genre, observed, pageID)
	case *dxnet.HomePage:
		return m.snapshot(ctx, page, p.Profile, p.Profile, observed, pageID)
	case *dxnet.PlayerDataPage:
		data := struct {
			dxnet.Profile
			Diff   maimai.Difficulty       `json:"diff,omitempty"`
			Counts map[string]maimai.Count `json:"counts"`
			Mile   int                     `json:"mile,omitempty"`
		}{p.Profile, p.Diff, p.Counts, p.Mile}
		return m.snapshot(ctx, page, p.Profile, data, observed, pageID)
	case *dxnet.FriendCodePage:
		data := struct {
			dxnet.Profile
			FriendCode string `json:"friend_code"`
		}{p.Profile, p.FriendCode}
		return m.snapshot(ctx, page, p.Profile, data, observed, pageID)
	case *dxnet.PhotoPage:
		for _, ph := range p.Photos {
			row := storage.Photo{PlayerID: m.player, PageID: pageID, Key: photoKey(ph), Region: string(region), Photo: ph}
			added, err := m.tx.InsertPhoto(ctx, &row)
			if err != nil {
				return err
			}
			if added {
				m.res.Added.Photos++
			} else {
				m.res.Unchanged.Photos++
			}
		}
		return nil
	case *dxnet.FriendPage, *dxnet.FriendVsPage:
		// Kept as raw pages only (docs/storage.md): other players' cards
		// and scores are never rows of this player, and the comparison's
		// own column shows one measure per chart, not a best score.
		return nil
	}
	return fmt.Errorf("archive: %s pages are not stored", page.Head().Kind)
}

// incoming is one play on its way into the archive.
type incoming struct {
	play         maimai.Play
	region       maimai.Region
	pageID       int64
	detail       []byte // JSON of maimai.PlayDetail, nil when none
	detailPageID int64
}

type naturalKey struct {
	minute int64
	track  int
	chart  maimai.Chart
}

// idxTime reads the unix time of an idx token "position,unixtime"; 0 when
// there is no token.
func idxTime(idx string) (int64, error) {
	if idx == "" {
		return 0, nil
	}
	_, ts, ok := strings.Cut(idx, ",")
	if !ok {
		return 0, fmt.Errorf("idx %q is not \"position,unixtime\"", idx)
	}
	n, err := strconv.ParseInt(strings.TrimSpace(ts), 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("idx %q is not \"position,unixtime\"", idx)
	}
	return n, nil
}

// plays merges plays into the archive. A play is the stored play with the
// same idx time, else the one with the same minute, track and chart (which
// gets the idx when it had none), else new. raise lets new plays raise the
// best scores.
func (m *merger) plays(ctx context.Context, in []incoming, raise bool) error {
	if len(in) == 0 {
		return nil
	}
	if err := noteJackets(ctx, m.tx, in); err != nil {
		return err
	}
	// Oldest first, so the score history is built in play order.
	sort.SliceStable(in, func(i, j int) bool { return in[i].play.PlayedAt.Before(in[j].play.PlayedAt) })
	times := make([]int64, len(in))
	minMin, maxMin := int64(1<<62), int64(-1<<62)
	minIdx, maxIdx := int64(1<<62), int64(-1<<62)
	for i, p := range in {
		t, err := idxTime(p.play.Idx)
		if err != nil {
			return err
		}
		times[i] = t
		mn := storage.Minute(p.play.PlayedAt)
		minMin, maxMin = min(minMin, mn), max(maxMin, mn)
		if t != 0 {
			minIdx, maxIdx = min(minIdx, t), max(maxIdx, t)
		}
	}
	// One query fetches every stored play the page's plays may be.
	near, err := m.tx.PlaysAround(ctx, m.player, minMin, maxMin, minIdx, maxIdx)
	if err != nil {
		return err
	}
	byIdx := map[int64]*storage.Play{}
	byKey := map[naturalKey]*storage.Play{}
	keyOf := func(p *maimai.Play) naturalKey {
		return naturalKey{storage.Minute(p.PlayedAt), p.Track, p.Chart}
	}
	remember := func(p *storage.Play) {
		if p.IdxTime != 0 {
			byIdx[p.IdxTime] = p
		}
		byKey[keyOf(&p.Play)] = p
	}
	for i := range near {
		remember(&near[i])
	}
	var improved []observation
	for i, p := range in {
		t := times[i]
		var row *storage.Play
		if t != 0 {
			row = byIdx[t]
		}
		if row == nil {
			row = byKey[keyOf(&p.play)]
			if row != nil && t != 0 && row.IdxTime == 0 {
				if err := m.tx.SetPlayIdx(ctx, row.ID, p.play.Idx, t); err != nil {
					return err
				}
				row.Idx, row.IdxTime = p.play.Idx, t
				byIdx[t] = row
			}
		}
		if row != nil {
			m.res.Unchanged.Plays++
			if p.detail == nil {
				continue
			}
			if row.HasDetail {
				m.res.Unchanged.Details++
				continue
			}
			if err := m.tx.SetPlayDetail(ctx, row.ID, p.detail, judgementsOf(p.detail), p.detailPageID); err != nil {
				return err
			}
			row.HasDetail = true
			m.res.Added.Details++
			continue
		}
		row = &storage.Play{PlayerID: m.player, PageID: p.pageID, Region: p.region, Play: p.play, IdxTime: t,
			Detail: p.detail, DetailPageID: p.detailPageID, HasDetail: p.detail != nil, Judgements: judgementsOf(p.detail)}
		added, err := m.tx.InsertPlay(ctx, row)
		if err != nil {
			return err
		}
		if !added {
			// Another import stored this play since we looked: start over
			// so the detail and scores see it.
			return storage.ErrRetry
		}
		remember(row)
		m.res.Added.Plays++
		if p.detail != nil {
			m.res.Added.Details++
		}
		if raise {
			improved = append(improved, observation{
				Chart: p.play.Chart, Level: p.play.Level, Achievement: p.play.Achievement, Rank: p.play.Rank,
				DXScore: p.play.DXScore, DXScoreMax: p.play.DXScoreMax, FC: p.play.FC, FS: p.play.FS,
				At: p.play.PlayedAt, PageID: p.pageID, fromPlay: true, source: cmp.Or(m.source, dxnetSource(dxnet.KindRecord)),
			})
		}
	}
	return m.raise(ctx, improved)
}

// observation is a score seen on a page or in a play.
type observation struct {
	maimai.Chart
	Level, Genre string
	Achievement  maimai.Achievement
	Rank         maimai.Rank
	DXScore      int
	DXScoreMax   int
	FC           maimai.FC
	FS           maimai.FS
	PlayCount    int
	At           time.Time
	PageID       int64
	fromPlay     bool
	// source is the observation's provenance (storage.Provenance.Source).
	source string
	// noMarks: the source shows achievement and rank only (the rating
	// list), so its empty FC, FS and DX score are unknown, not none.
	noMarks bool
}

// scores merges a best-score list or musicDetail page. title and genre
// fill the charts of a musicDetail page where its scores leave them empty.
func (m *merger) scores(ctx context.Context, scores []maimai.Score, title, genre string, observed time.Time, pageID int64) error {
	var obs []observation
	for _, s := range scores {
		if !s.Played {
			continue
		}
		o := observation{Chart: s.Chart, Level: s.Level, Genre: s.Genre, Achievement: s.Achievement, Rank: s.Rank,
			DXScore: s.DXScore, DXScoreMax: s.DXScoreMax, FC: s.FC, FS: s.FS, PlayCount: s.PlayCount, At: observed, PageID: pageID,
			source: m.source, noMarks: m.noMarks}
		if o.Title == "" {
			o.Title = title
		}
		if o.Genre == "" {
			o.Genre = genre
		}
		obs = append(obs, o)
	}
	return m.raise(ctx, obs)
}

// bestKey is a best score's identity: its chart and its song's genre
// (empty when no page has shown it), since two songs may share a title.
type bestKey struct {
	maimai.Chart
	genre string
}

// raise applies observations to the best scores: a chart's first score
// creates its best, a better one (any of achievement, DX score, FC, FS
// going up) raises it and adds a score history row observed at its time.
//
// An observation with a genre (musicGenre, musicDetail) goes to the best of
// that genre, else to the chart's best of unknown genre, which takes the
// genre. One without (plays, the other lists) goes to the chart's only
// best; when the chart has bests of two songs it raises neither and counts
// as Ambiguous.
func (m *merger) raise(ctx context.Context, obs []observation) error {
	if len(obs) == 0 {
		return nil
	}
	charts := make([]maimai.Chart, len(obs))
	for i, o := range obs {
		charts[i] = o.Chart
	}
	rows, err := m.tx.BestScoresForUpdate(ctx, m.player, charts)
	if err != nil {
		return err
	}
	best := map[bestKey]storage.BestScore{}
	for _, b := range rows {
		best[bestKey{b.Chart, b.Genre}] = b
	}
	// genres lists each chart's bests by genre, kept in step with best.
	genres := map[maimai.Chart][]string{}
	for k := range best {
		genres[k.Chart] = append(genres[k.Chart], k.genre)
	}
	changed := map[bestKey]bool{}
	created := map[bestKey]bool{}
	adopted := map[maimai.Chart]string{} // chart → genre its unknown-genre best took
	var steps []storage.ScoreStep
	for _, o := range obs {
		k, ok := bestKey{o.Chart, o.Genre}, false
		if o.Genre != "" {
			_, ok = best[k]
			if !ok {
				if b, had := best[bestKey{o.Chart, ""}]; had {
					// The best stored before any page showed its genre.
					old := bestKey{o.Chart, ""}
					b.Genre = o.Genre
					best[k], ok = b, true
					delete(best, old)
					created[k], changed[k] = created[old], !created[old]
					delete(created, old)
					delete(changed, old)
					adopted[o.Chart] = o.Genre
					gs := genres[o.Chart]
					for i, g := range gs {
						if g == "" {
							gs[i] = o.Genre
						}
					}
				}
			}
		} else {
			switch gs := genres[o.Chart]; len(gs) {
			case 0:
			case 1:
				k, ok = bestKey{o.Chart, gs[0]}, true
			default:
				m.res.Unchanged.Ambiguous++
				continue
			}
		}
		if !ok {
			b := storage.BestScore{PlayerID: m.player, Score: maimai.Score{Chart: o.Chart, Played: true,
				Achievement: o.Achievement, Rank: rankOr(o.Rank, o.Achievement), DXScore: o.DXScore, DXScoreMax: o.DXScoreMax,
				FC: o.FC, FS: o.FS, Level: o.Level, Genre: o.Genre, PlayCount: o.PlayCount}, UpdatedAt: o.At,
				Provenance: o.provenance()}
			best[k] = b
			genres[o.Chart] = append(genres[o.Chart], o.Genre)
			created[k] = true
			m.res.Added.Scores++
			steps = append(steps, step(b, o))
			continue
		}
		b := best[k]
		switch conflict(b.Provenance, o) {
		case ignore:
			m.res.Unchanged.Scores++
			continue
		case replace:
			// The page is the site's own best list, seen after the foreign
			// claim: it is the truth even where it is lower, but only in
			// what it shows. A list without marks (the rating list) or
			// without a DX score contradicts neither: those fields keep
			// the claim's value.
			b.Achievement, b.Rank = o.Achievement, rankOr(o.Rank, o.Achievement)
			if !o.noMarks {
				b.FC, b.FS = o.FC, o.FS
			}
			if !o.noMarks && o.DXScore > 0 {
				b.DXScore = o.DXScore
			}
			b.UpdatedAt, b.Provenance = o.At, o.provenance()
			if !created[k] {
				changed[k] = true
				m.res.Added.Improvements++
			}
			steps = append(steps, step(b, o))
			best[k] = b
			continue
		}
		up := false
		if o.Achievement > b.Achievement {
			b.Achievement, b.Rank, up = o.Achievement, rankOr(o.Rank, o.Achievement), true
		}
		if o.DXScore > b.DXScore {
			b.DXScore, up = o.DXScore, true
		}
		if fcLevel(o.FC) > fcLevel(b.FC) {
			b.FC, up = o.FC, true
		}
		if fsLevel(o.FS) > fsLevel(b.FS) {
			b.FS, up = o.FS, true
		}
		other := false
		if o.DXScoreMax > 0 && o.DXScoreMax != b.DXScoreMax {
			b.DXScoreMax, other = o.DXScoreMax, true
		}
		if o.Level != "" && o.Level != b.Level {
			b.Level, other = o.Level, true
		}
		if o.PlayCount > b.PlayCount {
			b.PlayCount, other = o.PlayCount, true
		}
		if up {
			if o.At.After(b.UpdatedAt) {
				b.UpdatedAt = o.At
			}
			if takesOver(b, o) {
				b.Provenance = o.provenance()
			}
			if !created[k] {
				m.res.Added.Improvements++
			}
			steps = append(steps, step(b, o))
		} else if !o.fromPlay {
			m.res.Unchanged.Scores++
		}
		if (up || other) && !created[k] {
			changed[k] = true
		}
		best[k] = b
	}
	// Write each best once, in a stable order.
	keys := make([]bestKey, 0, len(best))
	for k := range best {
		if created[k] || changed[k] {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].Chart != keys[j].Chart {
			return chartLess(keys[i].Chart, keys[j].Chart)
		}
		return keys[i].genre < keys[j].genre
	})
	for _, k := range keys {
		b := best[k]
		if created[k] {
			err = m.tx.InsertBest(ctx, &b)
		} else {
			err = m.tx.UpdateBest(ctx, &b)
		}
		if err != nil {
			return err
		}
	}
	adoptedCharts := make([]maimai.Chart, 0, len(adopted))
	for c := range adopted {
		adoptedCharts = append(adoptedCharts, c)
	}
	sort.Slice(adoptedCharts, func(i, j int) bool { return chartLess(adoptedCharts[i], adoptedCharts[j]) })
	for _, c := range adoptedCharts {
		if err := m.tx.SetHistoryGenre(ctx, m.player, c, adopted[c]); err != nil {
			return err
		}
	}
	for i := range steps {
		if g, ok := adopted[steps[i].Chart]; ok && steps[i].Genre == "" {
			steps[i].Genre = g
		}
		if _, err := m.tx.InsertStep(ctx, &steps[i]); err != nil {
			return err
		}
	}
	return nil
}

// takesOver reports whether o, which raised b (already merged), becomes
// its source. The source is what last raised the best in time order, as a
// reparse (oldest first) finds it; an observation imported after a newer
// one must give the same answer. It does when it is no older than the
// source, or when the best is now exactly its values (the newer source
// then raised nothing over it). Otherwise some field is the newer
// source's, which in time order raised the best after o: it stays.
func takesOver(b storage.BestScore, o observation) bool {
	if b.Source == "" || !o.At.Before(b.SourceAt) {
		return true
	}
	return o.Achievement >= b.Achievement && o.DXScore >= b.DXScore && fcLevel(o.FC) >= fcLevel(b.FC) && fsLevel(o.FS) >= fsLevel(b.FS)
}

func step(b storage.BestScore, o observation) storage.ScoreStep {
	return storage.ScoreStep{PlayerID: b.PlayerID, Chart: b.Chart, Genre: b.Genre, ObservedAt: o.At, Achievement: b.Achievement,
		Rank: b.Rank, DXScore: b.DXScore, DXScoreMax: b.DXScoreMax, FC: b.FC, FS: b.FS, PageID: o.PageID, Source: o.source}
}

func rankOr(r maimai.Rank, a maimai.Achievement) maimai.Rank {
	if r != "" {
		return r
	}
	return maimai.RankOf(a)
}

func chartLess(a, b maimai.Chart) bool {
	if a.Title != b.Title {
		return a.Title < b.Title
	}
	if a.Type != b.Type {
		return a.Type < b.Type
	}
	return a.Difficulty < b.Difficulty
}

// fcLevel orders combo marks: none < FC < FC+ < AP < AP+.
func fcLevel(f maimai.FC) int {
	for i, v := range []maimai.FC{maimai.NoFC, maimai.FCN, maimai.FCP, maimai.AP, maimai.APP} {
		if f == v {
			return i
		}
	}
	return 0
}

// fsLevel orders sync marks: none < sync < FS < FS+ < FSD < FSD+.
func fsLevel(f maimai.FS) int {
	for i, v := range []maimai.FS{maimai.NoFS, maimai.Sync, maimai.FSN, maimai.FSP, maimai.FSD, maimai.FSDP} {
		if f == v {
			return i
		}
	}
	return 0
}

// snapshot stores a profile snapshot unless it equals the player's latest
// snapshot of the same kind observed before it. The stored snapshots are
// always the observations of that kind in time order with consecutive
// repeats collapsed, so a page observed between older ones (imported late)
// also mends what follows it: the repeats it now interrupts become a
// snapshot again, and a later snapshot it now repeats goes. Import order
// thus never changes the result, and it equals a reparse.
func (m *merger) snapshot(ctx context.Context, page dxnet.Page, prof dxnet.Profile, data any, observed time.Time, pageID int64) error {
	b, err := json.Marshal(data)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(b)
	digest := hex.EncodeToString(sum[:])
	kind := string(page.Head().Kind)
	prev, err := m.tx.SnapshotNear(ctx, m.player, kind, observed, false)
	hasPrev := err == nil
	if err != nil && !isNotFound(err) {
		return err
	}
	if hasPrev && prev.Digest == digest {
		m.res.Unchanged.Snapshots++
		return nil
	}
	s := storage.Snapshot{PlayerID: m.player, Kind: kind, ObservedAt: observed, PageID: pageID,
		Region: string(page.Head().Region), Name: prof.Name, Rating: prof.Rating, Stars: prof.Stars,
		PlayCount: prof.PlayCount, Digest: digest, Data: b}
	added, err := m.tx.InsertSnapshot(ctx, &s)
	if err != nil {
		return err
	}
	if !added {
		m.res.Unchanged.Snapshots++
		return nil
	}
	m.res.Added.Snapshots++
	next, err := m.tx.SnapshotNear(ctx, m.player, kind, observed, true)
	hasNext := err == nil
	if err != nil && !isNotFound(err) {
		return err
	}
	if hasPrev && !m.replay {
		// Pages observed after this one and before the next snapshot
		// repeated prev; the first of them now shows a change again.
		var to time.Time
		if hasNext {
			to = next.ObservedAt
		}
		pg, err := m.tx.FirstPageBetween(ctx, m.player, kind, observed, to)
		switch {
		case err == nil:
			back := prev
			back.ObservedAt, back.PageID, back.Region = pg.ObservedAt, pg.ID, pg.Region
			_, err := m.tx.InsertSnapshot(ctx, &back)
			return err
		case !isNotFound(err):
			return err
		}
	}
	if hasNext && next.Digest == digest {
		return m.tx.DeleteSnapshot(ctx, next.ID)
	}
	return nil
}

// photoKey is a photo's identity: its image URL, or its time and chart
// when the page gives no URL.
func photoKey(p maimai.Photo) string {
	k := p.ImageURL
	if k == "" {
		k = p.TakenAt.UTC().Format(time.RFC3339) + "|" + p.Title + "|" + string(p.Type) + "|" + string(p.Difficulty)
	}
	sum := sha256.Sum256([]byte(k))
	return hex.EncodeToString(sum[:])
}
