package archive

import (
	"context"
	"fmt"
	"time"

	"github.com/maiprobe/maiprobe/internal/analysis"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/storage"
)

// JudgementReport is the judgement analysis of a player's plays with a
// detail, what the analysis page and the read API show.
type JudgementReport struct {
	Region  maimai.Region
	Summary analysis.Summary
	Levels  []analysis.LevelGroup // the game's order, unknown last
	Months  []analysis.Period     // oldest first, in the region's clock
	Charts  []analysis.ChartGroup // the charts played most, ByChart's order
}

// JudgementReport is the analysis of the player's plays with a detail,
// with the charts most played (at most charts of them), from the sums
// kept at import: the same numbers as the analysis package's aggregates
// over JudgementSamples, in a few dozen rows' reading. Sums that do not
// cover every play with judgements (an archive from before them) are
// rebuilt once, from play_judgements.
func (a *Archive) JudgementReport(ctx context.Context, player string, charts int) (JudgementReport, error) {
	var out JudgementReport
	resolved, rebuilds := false, 0
	for {
		var stale bool
		var unlinked int64
		var keep *keptLevels
		out = JudgementReport{}
		err := a.view(ctx, player, func(tx *storage.Tx, id int64) error {
			region, err := tx.PlayerRegion(ctx, id)
			if isNotFound(err) {
				return nil // nothing imported yet
			}
			if err != nil {
				return err
			}
			out.Region = region
			judged, ok, rows, err := tx.JudgementState(ctx, id)
			if err != nil {
				return err
			}
			if rows == 0 {
				return nil
			}
			if !ok || judged != rows {
				stale = true
				return nil
			}
			unlinked, keep, err = readReport(ctx, tx, id, judged, charts, &out)
			return err
		})
		if err == nil && keep != nil {
			err = a.db.Update(ctx, func(tx *storage.Tx) error {
				id, err := tx.PlayerID(ctx, player)
				if err != nil {
					return err
				}
				return tx.SetJudgementLevels(ctx, id, keep.judged, keep.stamp, keep.levels)
			})
		}
		switch {
		case err != nil:
			return out, err
		case stale && rebuilds < 3:
			// Made again from play_judgements, then read. A reparse or
			// split between the rebuild and the read deletes them again
			// (an import cannot: it adds to them under the state row's
			// lock), hence a few tries.
			if err := a.rebuildJudgementTotals(ctx, player); err != nil {
				return out, err
			}
			rebuilds++
		case stale:
			return out, fmt.Errorf("archive: the judgement sums of %s were deleted again after each of %d rebuilds (a reparse or split running?); try again when it has finished", player, rebuilds)
		case unlinked > 0 && !resolved:
			// Charts not linked to the song data yet are matched first,
			// as every view of plays does, so their level is the song
			// data's.
			if err := a.ResolveChartsFor(ctx, player); err != nil {
				return out, err
			}
			resolved = true
		default:
			return out, nil
		}
	}
}

// keptLevels are sums by level to keep, computed at stamp from sums
// covering judged rows.
type keptLevels struct {
	judged int64
	stamp  string
	levels []storage.JudgementLevel
}

// readReport reads the report of player id from its sums (covering judged
// rows), says how many of its charts have no chart link yet, and gives
// the sums by level to keep when it had to compute them.
func readReport(ctx context.Context, tx *storage.Tx, id, judged int64, charts int, out *JudgementReport) (int64, *keptLevels, error) {
	months, err := tx.JudgementMonths(ctx, id)
	if err != nil {
		return 0, nil, err
	}
	loc := out.Region.Location()
	var all analysis.Totals
	for _, m := range months {
		all.Add(m.Totals)
		start, err := time.ParseInLocation("2006-01", m.Month, loc)
		if err != nil {
			return 0, nil, fmt.Errorf("archive: judgement month %q: %v", m.Month, err)
		}
		out.Months = append(out.Months, analysis.Period{Start: start, Summary: m.Summary()})
	}
	out.Summary = all.Summary()
	// The sums by level are kept while the song data, the chart links and
	// the sums they came from stay as they were.
	stamp, err := tx.JudgementLevelStamp(ctx, out.Region, judged)
	if err != nil {
		return 0, nil, err
	}
	levels, kept, err := tx.KeptJudgementLevels(ctx, id)
	if err != nil {
		return 0, nil, err
	}
	var keep *keptLevels
	if kept != stamp {
		if levels, err = tx.JudgementLevels(ctx, id); err != nil {
			return 0, nil, err
		}
		keep = &keptLevels{judged: judged, stamp: stamp, levels: levels}
	}
	var unlinked int64
	for _, l := range levels {
		unlinked += l.Unlinked
		out.Levels = append(out.Levels, analysis.LevelGroup{Level: l.Level, Summary: l.Summary()})
	}
	analysis.SortLevels(out.Levels)
	top, err := tx.JudgementTopCharts(ctx, id, charts)
	if err != nil {
		return 0, nil, err
	}
	ptrs := make([]*analysis.ChartGroup, len(top))
	for i, g := range top {
		ptrs[i] = &analysis.ChartGroup{Chart: g.Chart, Level: g.Level, Summary: g.Summary()}
	}
	analysis.SortCharts(ptrs)
	for _, g := range ptrs[:min(len(ptrs), charts)] {
		out.Charts = append(out.Charts, *g)
	}
	return unlinked, keep, nil
}

// rebuildJudgementTotals makes the player's sums again from every
// play_judgements row, computing the judgements of plays stored before
// they were kept from their detail, in one transaction that holds the
// state row, so an import of the player waits for it.
func (a *Archive) rebuildJudgementTotals(ctx context.Context, player string) error {
	return a.db.Update(ctx, func(tx *storage.Tx) error {
		id, err := tx.PlayerID(ctx, player)
		if err != nil {
			return err
		}
		if err := tx.LockJudgementState(ctx, id); err != nil {
			return err
		}
		// Another server may have rebuilt them while this one waited.
		if judged, ok, rows, err := tx.JudgementState(ctx, id); err != nil || ok && judged == rows && rows > 0 {
			return err
		}
		rows, err := tx.PlayJudgements(ctx, id)
		if err != nil {
			return err
		}
		months := map[string]analysis.Totals{}
		charts := map[maimai.Chart]*storage.JudgementChart{}
		var judged int64
		for i := range rows {
			r := &rows[i]
			if r.Judgements == "" {
				r.Judgements = judgementsOf(r.Detail)
				// "" again (a detail that does not decode) drops the row.
				if err := tx.SetPlayJudgements(ctx, r.ID, r.Judgements); err != nil {
					return err
				}
				if r.Judgements == "" {
					continue
				}
			}
			judged++
			t, fast, late, err := analysis.Decode(r.Judgements)
			if err != nil {
				continue // damaged: counted, as at import, and not analysed
			}
			tot := analysis.TotalsOf(t, r.Achievement, fast, late)
			m := storage.MonthKey(r.PlayedAt, r.Region)
			mt := months[m]
			mt.Add(tot)
			months[m] = mt
			g := charts[r.Chart]
			if g == nil {
				g = &storage.JudgementChart{Chart: r.Chart, Region: r.Region, Level: r.Level, LastAt: r.PlayedAt}
				charts[r.Chart] = g
			} else if g.Newer(r.PlayedAt, r.Level) {
				g.Region, g.Level, g.LastAt = r.Region, r.Level, r.PlayedAt
			}
			g.Add(tot)
		}
		list := make([]storage.JudgementChart, 0, len(charts))
		for _, g := range charts {
			list = append(list, *g)
		}
		return tx.ReplaceJudgementTotals(ctx, id, judged, months, list)
	})
}
