package archive

import (
	"bytes"
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
	// Failed lists, when the reparse failed with an *UnreadableError, the
	// pages the current parsers or the sanity rules reject and why.
	Failed []Result `json:"failed,omitempty"`
}

// ErrUnreadable is what Reparse and Split fail with (test with errors.Is,
// get the pages with errors.As and *UnreadableError) when stored pages can
// no longer be read or no longer pass the sanity rules.
var ErrUnreadable = errors.New("stored pages cannot be derived again")

// UnreadableError lists the stored pages a reparse could not derive again.
// Deriving the player without them would delete the plays, details and
// snapshots they hold, so nothing was changed.
type UnreadableError struct {
	Pages []Result
}

func (e *UnreadableError) Error() string {
	first := e.Pages[0]
	return fmt.Sprintf("%d stored pages cannot be read or derived again (the first: %s: %v), so nothing was changed: "+
		"deriving the player without them would lose their rows; update maiprobe, or report the pages with their reasons",
		len(e.Pages), first.Name, first.Err)
}

func (e *UnreadableError) Unwrap() error { return ErrUnreadable }

// Reparse derives every row of the player again from the stored raw pages,
// oldest observation first, in one transaction, so a parser fix reaches the
// whole archive. It is all or nothing: if any stored page no longer parses
// or passes the sanity rules it fails with an *UnreadableError naming every
// such page (also in the report's Failed), and the archive is as it was;
// if the context is cancelled or the database fails, nothing changes
// either. Raw pages are never deleted.
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
		out := ReparseReport{Player: player}
		if errors.Is(err, ErrUnreadable) {
			out.Pages, out.Before, out.Failed = rep.Pages, rep.Before, rep.Failed
		}
		return out, fmt.Errorf("archive: reparse %s: %w", player, err)
	}
	return rep, nil
}

// rederive is Reparse inside a transaction. On an *UnreadableError the
// caller must roll the transaction back: the derived rows are gone by then.
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
		// After the first failure the rest are only read and checked, so
		// that the error names every page that stands in the way.
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
			if len(rep.Failed) > 0 {
				continue
			}
			m := &merger{tx: tx, player: pid, res: &res, replay: true}
			if err := m.foreign(ctx, f, pg.ID, pg.ObservedAt); err != nil {
				return fmt.Errorf("file %s (%s): %w", pg.Name, pg.SHA256, err)
			}
			continue
		}
		page, err := readStored(raw)
		if err != nil {
			fail(err)
			continue
		}
		res.Kind, res.Region = page.Head().Kind, page.Head().Region
		if err := check(page, now); err != nil {
			fail(err)
			continue
		}
		if len(rep.Failed) > 0 {
			continue
		}
		m := &merger{tx: tx, player: pid, res: &res, replay: true}
		if err := m.derive(ctx, page, pg.ID, pg.ObservedAt); err != nil {
			return fmt.Errorf("page %s (%s): %w", pg.Name, pg.SHA256, err)
		}
	}
	if len(rep.Failed) > 0 {
		return &UnreadableError{Pages: rep.Failed}
	}
	rep.After, err = derivedCounts(ctx, tx, pid)
	return err
}

// readStored reads a stored page again: a page of the site with the
// current parser, or one gen wrote (or a test built) as the JSON of a
// parsed page. Import never takes JSON pages (dxnet.ParseJSON says why);
// they reach the archive only from gen or an export file.
func readStored(raw []byte) (dxnet.Page, error) {
	if t := bytes.TrimLeft(raw, " \t\r\n"); len(t) > 0 && t[0] == '{' {
		// No page of the site starts with "{". (Parse first would turn
		// the JSON into an empty HTML document before refusing it: 10%
		// more memory in BenchmarkReparseGenerated.)
		return dxnet.ParseJSON(raw)
	}
	return dxnet.Parse(raw)
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
