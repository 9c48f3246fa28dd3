package archive

import (
	"context"
	"errors"
	"time"

	"github.com/maiprobe/maiprobe/internal/dxnet"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/storage"
)

// anchorSlack is how long after the newest record page a home or
// playerData page may have been saved and still count as saved with it:
// fetch and the capture proxy read home first and record later, a person
// saving by hand takes a few minutes.
const anchorSlack = 10 * time.Minute

// LossMeter is the overview's loss meter, worked out from the saved pages
// alone (no network): what the site's windows of RecordWindow plays and
// AlbumWindow photos may have pushed out since the newest saved pages.
type LossMeter struct {
	// Region is the region of the newest record page (else of the newest
	// play count), for showing its times.
	Region maimai.Region
	// RecordSaved is when the newest record page was saved; zero when none
	// was.
	RecordSaved time.Time
	// PlayCount is the newest play count a saved home or playerData page
	// showed, CountAt when it was saved; 0 and zero when none did.
	PlayCount int
	CountAt   time.Time
	// Plays is the record window as of CountAt (LossOf): plays made after
	// the newest archived one that the window held (Waiting) or pushed out
	// unsaved (LostSince), and how many more plays push the oldest out.
	// Known is false without a play count saved with or after a record page.
	Plays Loss
	// AlbumSaved is when the newest album page was saved; zero when none
	// was.
	AlbumSaved time.Time
	// PlaysSinceAlbum is how many plays are known to have been made after
	// AlbumSaved: the archived ones, and those the newest play count shows
	// beyond the archive.
	PlaysSinceAlbum int
	// PhotosMayBeLost is how many photos may have left the album unsaved:
	// a play gives at most one photo, so the plays after the album's save
	// beyond its AlbumWindow places.
	PhotosMayBeLost int
}

// LossMeter works out the player's loss meter. The number of the newest
// archived play comes from the latest play count saved no later than
// anchorSlack after the newest record page, plus the archived plays after
// that count (which the record page held); the newest play count then
// says how many plays followed it (LossOf).
func (a *Archive) LossMeter(ctx context.Context, player string) (LossMeter, error) {
	var m LossMeter
	err := a.view(ctx, player, func(tx *storage.Tx, id int64) error {
		rec, err := tx.LatestPage(ctx, id, string(dxnet.KindRecord))
		switch {
		case err == nil:
			m.RecordSaved, m.Region = rec.ObservedAt, maimai.Region(rec.Region)
		case !errors.Is(err, storage.ErrNotFound):
			return err
		}
		alb, err := tx.LatestPage(ctx, id, string(dxnet.KindPhoto))
		switch {
		case err == nil:
			m.AlbumSaved = alb.ObservedAt
		case !errors.Is(err, storage.ErrNotFound):
			return err
		}
		points, err := a.snapshotPoints(ctx, tx, id)
		if err != nil {
			return err
		}
		archived, err := tx.CountPlays(ctx, id)
		if err != nil {
			return err
		}
		// The record page's plays are archived up to its save: the anchor
		// may be as late as that (or a little after, saved with it).
		upTo := m.RecordSaved
		if minutes, err := tx.RecentPlayMinutes(ctx, id, 1); err != nil {
			return err
		} else if len(minutes) > 0 {
			if t := time.Unix(minutes[0]*60, 0).UTC(); t.After(upTo) {
				upTo = t
			}
		}
		var anchor *storage.SnapshotPoint
		for i := range points {
			p := &points[i]
			if p.PlayCount <= 0 {
				continue
			}
			m.PlayCount, m.CountAt = p.PlayCount, p.ObservedAt
			if archived == 0 || !p.ObservedAt.After(upTo.Add(anchorSlack)) {
				anchor = p
			}
		}
		if m.Region == "" && m.PlayCount > 0 {
			region, err := tx.PlayerRegion(ctx, id)
			if err != nil && !errors.Is(err, storage.ErrNotFound) {
				return err
			}
			m.Region = region
		}
		savedThrough := -1
		if archived == 0 {
			savedThrough = 0
		} else if anchor != nil {
			after, err := playsAfter(ctx, tx, id, anchor.ObservedAt)
			if err != nil {
				return err
			}
			savedThrough = anchor.PlayCount + after
		}
		m.Plays = LossOf(LossInput{PlayCount: m.PlayCount, SavedThrough: savedThrough, Archived: archived})
		if !m.AlbumSaved.IsZero() {
			n, err := playsAfter(ctx, tx, id, m.AlbumSaved)
			if err != nil {
				return err
			}
			if m.Plays.Known {
				n += m.Plays.Waiting + m.Plays.LostSince
			}
			m.PlaysSinceAlbum = n
			m.PhotosMayBeLost = max(n-AlbumWindow, 0)
		}
		return nil
	})
	return m, err
}

// playsAfter counts the archived plays made after t. The site prints play
// times to the minute, so a play in t's minute was made before t.
func playsAfter(ctx context.Context, tx *storage.Tx, player int64, t time.Time) (int, error) {
	from := t.Truncate(time.Minute).Add(time.Minute).Unix() / 60
	return tx.CountPlaysInMinutes(ctx, player, from, 1<<40)
}
