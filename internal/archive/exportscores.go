package archive

import (
	"context"
	"fmt"
	"time"

	"github.com/maiprobe/maiprobe/internal/interchange"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/rating"
	"github.com/maiprobe/maiprobe/internal/songs"
	"github.com/maiprobe/maiprobe/internal/storage"
)

// ScoresSince narrows ExportScores. A prober sync needs one half of the
// export (diving-fish the bests, Lxns the plays) and narrows the other to
// nothing, which spares matching its charts; of its half it builds every
// item and compares hashes with what the service accepted. The zero value
// exports everything.
type ScoresSince struct {
	// PlaysAfter keeps the plays whose id is above it.
	PlaysAfter int64
	// BestsSince keeps the bests that changed at or after it.
	BestsSince time.Time
}

// ExportScores reads a player's plays (oldest first, with their details)
// and best scores for the writers of other tools' formats, each with what
// the song data says of its chart: the official song id, the level, the
// constant (a play's at its time) and the rating. Charts imported since
// the song data was last matched are matched first.
func (a *Archive) ExportScores(ctx context.Context, player string, since ScoresSince) (*interchange.Scores, error) {
	if err := a.ResolveChartsFor(ctx, player); err != nil {
		return nil, err
	}
	out := &interchange.Scores{Player: player}
	err := a.view(ctx, player, func(tx *storage.Tx, id int64) error {
		region, err := tx.PlayerRegion(ctx, id)
		if isNotFound(err) {
			return nil // no page yet: nothing to export
		}
		if err != nil {
			return err
		}
		out.Region = region
		rows, err := tx.PlaysFull(ctx, id)
		if err != nil {
			return err
		}
		var plays []StoredPlay
		for _, r := range rows {
			if r.ID <= since.PlaysAfter {
				continue
			}
			p, err := storedPlay(r)
			if err != nil {
				return err
			}
			plays = append(plays, p)
		}
		lk, err := a.lookupCharts(ctx, tx, id, playRefs(plays), false)
		if err != nil {
			return err
		}
		for i := range plays {
			p := &plays[i]
			lk.play(p)
			cd := interchange.ChartData{Level: p.Info.Level, Constant: constFloat(p.Info.Constant), Rating: p.Info.Rating}
			if sc, _, l := lk.stored(p.Region, p.Chart); sc != nil && l.Status == LinkMatched {
				songData(&cd, sc)
			}
			out.Plays = append(out.Plays, interchange.Play{ID: p.ID, Region: p.Region, Play: p.Play.Play, Detail: p.Detail, ChartData: cd})
		}
		return a.exportBests(ctx, tx, id, region, since, out)
	})
	if err != nil {
		return nil, fmt.Errorf("archive: export scores of %s: %w", player, err)
	}
	return out, nil
}

// exportBests adds the player's bests with their charts' song data and
// today's rating of each.
func (a *Archive) exportBests(ctx context.Context, tx *storage.Tx, id int64, region maimai.Region, since ScoresSince, out *interchange.Scores) error {
	set, err := a.cachedCharts(ctx, tx, region)
	if err != nil {
		return err
	}
	bests, links, err := tx.BestScoresLinked(ctx, id, region)
	if err != nil {
		return err
	}
	rules, rerr := RulesFor(region, a.now())
	for i, b := range bests {
		if !since.BestsSince.IsZero() && b.UpdatedAt.Before(since.BestsSince) {
			continue
		}
		cd := interchange.ChartData{Level: b.Level}
		if sc := set.byID[links[i].ChartID]; sc != nil && links[i].Status == LinkMatched {
			songData(&cd, sc)
			cd.Level = cmpOr(sc.chart.Level, b.Level)
			cd.Constant = constFloat(sc.chart.Constant)
			if b.DXScoreMax == 0 {
				b.DXScoreMax = rating.MaxDXScore(sc.chart.Notes.Total())
			}
			if rerr == nil && countsForRating(sc, b.Chart) {
				cd.Rating = rules.ChartRating(rating.Constant(sc.chart.Constant), b.Achievement, b.FC)
			}
		}
		out.Bests = append(out.Bests, interchange.Best{Score: b.Score, UpdatedAt: b.UpdatedAt, ChartData: cd})
	}
	return nil
}

// songData fills the song id and the song data's own spelling of the
// title from a matched chart.
func songData(cd *interchange.ChartData, sc *storedChart) {
	s := sc.chart.Song
	cd.SongID = s.ID
	if s.SiteTitle != "" && s.SiteTitle != s.Title {
		cd.SongTitle = s.Title
	}
}

// constFloat is a constant as the other tools write it (13.7), 0 when
// unknown.
func constFloat(c songs.Constant) float64 {
	if !c.Known() {
		return 0
	}
	return float64(c) / 10
}
