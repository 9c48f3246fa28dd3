package archive

import (
	"context"
	"errors"
	"fmt"

	"github.com/maiprobe/maiprobe/internal/dxnet"
	"github.com/maiprobe/maiprobe/internal/interchange"
	"github.com/maiprobe/maiprobe/internal/storage"
)

// ReparseReport says what a Reparse did.
type ReparseReport struct {
	Player string `json:"player"`
	// Pages is how many stored pages were read again.
	Pages int `json:"pages"`
	// Before and After count the player's derived rows (plays, details,
	// snapshots, photos, best scores) before and after.
	Before Counts `json:"before"`
	After  Counts `json:"after"`
	// Failed lists the pages the current parser or the sanity rules reject;
	// they stay stored but add nothing.
	Failed []Result `json:"failed,omitempty"`
}

// Reparse derives every row of the player again from the stored raw pages,
// oldest observation first, in one transaction, so a parser fix reaches the
// whole archive. Pages that now fail are reported and contribute nothing
// (their bytes are kept, and a later Reparse with a fixed parser brings
// their data back); raw pages are never deleted. If the context is
// cancelled or the database fails, nothing changes.
func (a *Archive) Reparse(ctx context.Context, player string) (ReparseReport, error) {
	rep := ReparseReport{Player: player}
	err := a.db.Update(ctx, func(tx *storage.Tx) error {
		tx.SetHook(a.hook)
		pid, err := tx.PlayerID(ctx, player)
		if err != nil {
			return err
		}
		return a.rederive(ctx, tx, pid, &rep)
	})
	if err != nil {
		return ReparseReport{Player: player}, fmt.Errorf("archive: reparse %s: %w", player, err)
	}
	return rep, nil
}

// rederive is Reparse inside a transaction.
func (a *Archive) rederive(ctx context.Context, tx *storage.Tx, pid int64, rep *ReparseReport) error {
	rep.Pages, rep.Failed = 0, nil
	var err error
	if rep.Before, err = derivedCounts(ctx, tx, pid); err != nil {
		return err
	}
	pages, err := tx.Pages(ctx, pid)
	if err != nil {
		return err
	}
	if err := tx.DeleteDerived(ctx, pid); err != nil {
		return err
	}
	now := a.now()
	for _, pg := range pages {
		if err := ctx.Err(); err != nil {
			return err
		}
		rep.Pages++
		res := Result{Name: pg.Name, Kind: dxnet.Kind(pg.Kind)}
		fail := func(err error) {
			res.Status, res.Err = Rejected, err
			rep.Failed = append(rep.Failed, res)
		}
		comp, err := tx.PageData(ctx, pg.ID)
		if err != nil {
			return err
		}
		raw, err := a.decode(comp, pg.Size)
		if err != nil {
			fail(fmt.Errorf("stored page %s: %w", pg.SHA256, err))
			continue
		}
		if IsForeignKind(pg.Kind) {
			f, err := interchange.Parse(raw)
			if err == nil {
				err = checkForeign(f, now)
			}
			if err != nil {
				fail(err)
				continue
			}
			m := &merger{tx: tx, player: pid, res: &res, replay: true}
			if err := m.foreign(ctx, f, pg.ID, pg.ObservedAt); err != nil {
				return fmt.Errorf("file %s (%s): %w", pg.Name, pg.SHA256, err)
			}
			continue
		}
		page, err := dxnet.Parse(raw)
		if err != nil {
			fail(err)
			continue
		}
		res.Kind, res.Region = page.Head().Kind, page.Head().Region
		if err := check(page, now); err != nil {
			fail(err)
			continue
		}
		m := &merger{tx: tx, player: pid, res: &res, replay: true}
		if err := m.derive(ctx, page, pg.ID, pg.ObservedAt); err != nil {
			return fmt.Errorf("page %s (%s): %w", pg.Name, pg.SHA256, err)
		}
	}
	rep.After, err = derivedCounts(ctx, tx, pid)
	return err
}

// derivedCounts counts a player's derived rows.
func derivedCounts(ctx context.Context, tx *storage.Tx, pid int64) (Counts, error) {
	var c Counts
	plays, err := tx.Plays(ctx, pid, 0)
	if err != nil {
		return c, err
	}
	c.Plays = len(plays)
	for _, p := range plays {
		if p.HasDetail {
			c.Details++
		}
	}
	snaps, err := tx.Snapshots(ctx, pid)
	if err != nil {
		return c, err
	}
	c.Snapshots = len(snaps)
	photos, err := tx.Photos(ctx, pid)
	if err != nil {
		return c, err
	}
	c.Photos = len(photos)
	best, err := tx.BestScores(ctx, pid)
	if err != nil {
		return c, err
	}
	c.Scores = len(best)
	steps, err := tx.ScoreHistory(ctx, pid)
	c.History = len(steps)
	return c, err
}

func isNotFound(err error) bool { return errors.Is(err, storage.ErrNotFound) }
