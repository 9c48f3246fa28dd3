package archive

import (
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
}

// derive stores what page shows; pageID is the stored page.
func (m *merger) derive(ctx context.Context, page dxnet.Page, pageID int64, observed time.Time) error {
	region := page.Head().Region
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
		return m.scores(ctx, p.Scores, "", "", observed, pageID)
	case *dxnet.MusicDetailPage:
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
			if err := m.tx.SetPlayDetail(ctx, row.ID, p.detail, p.detailPageID); err != nil {
				return err
			}
			row.HasDetail = true
			m.res.Added.Details++
			continue
		}
		row = &storage.Play{PlayerID: m.player, PageID: p.pageID, Region: p.region, Play: p.play, IdxTime: t,
			Detail: p.detail, DetailPageID: p.detailPageID, HasDetail: p.detail != nil}
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
				At: p.play.PlayedAt, PageID: p.pageID, fromPlay: true,
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
			DXScore: s.DXScore, DXScoreMax: s.DXScoreMax, FC: s.FC, FS: s.FS, PlayCount: s.PlayCount, At: observed, PageID: pageID}
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

// raise applies observations to the best scores: a chart's first score
// creates its best, a better one (any of achievement, DX score, FC, FS
// going up) raises it and adds a score history row observed at its time.
func (m *merger) raise(ctx context.Context, obs []observation) error {
	if len(obs) == 0 {
		return nil
	}
	charts := make([]maimai.Chart, len(obs))
	for i, o := range obs {
		charts[i] = o.Chart
	}
	best, err := m.tx.BestScoresOf(ctx, m.player, charts)
	if err != nil {
		return err
	}
	changed := map[maimai.Chart]bool{}
	created := map[maimai.Chart]bool{}
	var steps []storage.ScoreStep
	for _, o := range obs {
		b, ok := best[o.Chart]
		if !ok {
			b = storage.BestScore{PlayerID: m.player, Score: maimai.Score{Chart: o.Chart, Played: true,
				Achievement: o.Achievement, Rank: rankOr(o.Rank, o.Achievement), DXScore: o.DXScore, DXScoreMax: o.DXScoreMax,
				FC: o.FC, FS: o.FS, Level: o.Level, Genre: o.Genre, PlayCount: o.PlayCount}, UpdatedAt: o.At}
			best[o.Chart] = b
			created[o.Chart] = true
			m.res.Added.Scores++
			steps = append(steps, step(b, o))
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
		if o.Genre != "" && o.Genre != b.Genre {
			b.Genre, other = o.Genre, true
		}
		if o.PlayCount > b.PlayCount {
			b.PlayCount, other = o.PlayCount, true
		}
		if up {
			if o.At.After(b.UpdatedAt) {
				b.UpdatedAt = o.At
			}
			if !created[o.Chart] {
				m.res.Added.Improvements++
			}
			steps = append(steps, step(b, o))
		} else if !o.fromPlay {
			m.res.Unchanged.Scores++
		}
		if up || other {
			changed[o.Chart] = true
		}
		best[o.Chart] = b
	}
	// Write each chart once, in a stable order.
	charts = make([]maimai.Chart, 0, len(best))
	for c := range best {
		if created[c] || changed[c] {
			charts = append(charts, c)
		}
	}
	sort.Slice(charts, func(i, j int) bool { return chartLess(charts[i], charts[j]) })
	for _, c := range charts {
		b := best[c]
		if created[c] {
			err = m.tx.InsertBest(ctx, &b)
		} else {
			err = m.tx.UpdateBest(ctx, &b)
		}
		if err != nil {
			return err
		}
	}
	for i := range steps {
		if _, err := m.tx.InsertStep(ctx, &steps[i]); err != nil {
			return err
		}
	}
	return nil
}

func step(b storage.BestScore, o observation) storage.ScoreStep {
	return storage.ScoreStep{PlayerID: b.PlayerID, Chart: b.Chart, ObservedAt: o.At, Achievement: b.Achievement,
		Rank: b.Rank, DXScore: b.DXScore, DXScoreMax: b.DXScoreMax, FC: b.FC, FS: b.FS, PageID: o.PageID}
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
// snapshot of the same kind observed before it.
func (m *merger) snapshot(ctx context.Context, page dxnet.Page, prof dxnet.Profile, data any, observed time.Time, pageID int64) error {
	b, err := json.Marshal(data)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(b)
	digest := hex.EncodeToString(sum[:])
	kind := string(page.Head().Kind)
	prev, err := m.tx.SnapshotDigestBefore(ctx, m.player, kind, observed)
	if err != nil && !isNotFound(err) {
		return err
	}
	if err == nil && prev == digest {
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
	if added {
		m.res.Added.Snapshots++
	} else {
		m.res.Unchanged.Snapshots++
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
