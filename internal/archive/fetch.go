package archive

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/maiprobe/maiprobe/internal/storage"
)

// PhotoImage is a stored image of an album photo.
type PhotoImage = storage.PhotoImage

// FetchRun is one run of the site fetcher (see internal/dxsite).
type FetchRun = storage.FetchRun

// PhotoImageURLs lists the URLs of the player's stored photo images (none
// for an unknown player).
func (a *Archive) PhotoImageURLs(ctx context.Context, player string) (map[string]bool, error) {
	var out map[string]bool
	err := a.db.View(ctx, func(tx *storage.Tx) error {
		id, err := tx.PlayerID(ctx, player)
		if err != nil {
			return err
		}
		out, err = tx.PhotoImageURLs(ctx, id)
		return err
	})
	if isNotFound(err) {
		return map[string]bool{}, nil
	}
	return out, err
}

// StorePhotoImage keeps the image of an album photo; it reports false when
// the player already had an image of that URL.
func (a *Archive) StorePhotoImage(ctx context.Context, player string, img PhotoImage) (bool, error) {
	if player == "" {
		return false, errors.New("archive: no player name given")
	}
	var added bool
	err := a.db.Update(ctx, func(tx *storage.Tx) error {
		id, err := ensurePlayer(ctx, tx, player, a.now())
		if err != nil {
			return err
		}
		img.PlayerID = id
		if img.FetchedAt.IsZero() {
			img.FetchedAt = a.now()
		}
		added, err = tx.InsertPhotoImage(ctx, &img)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("archive: store photo image: %w", err)
	}
	return added, nil
}

// PhotoImage returns the stored image of url, or an error wrapping
// ErrNotFound.
func (a *Archive) PhotoImage(ctx context.Context, player, url string) (PhotoImage, error) {
	var img PhotoImage
	err := a.db.View(ctx, func(tx *storage.Tx) error {
		id, err := tx.PlayerID(ctx, player)
		if err != nil {
			return err
		}
		img, err = tx.PhotoImageData(ctx, id, url)
		return err
	})
	return img, err
}

// DetailedPlays returns, of the idx times given (the unix time of a play's
// "N,unixtime" token), those whose play is stored with its detail.
func (a *Archive) DetailedPlays(ctx context.Context, player string, idxTimes []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(idxTimes) == 0 {
		return out, nil
	}
	lo, hi := idxTimes[0], idxTimes[0]
	for _, t := range idxTimes {
		lo, hi = min(lo, t), max(hi, t)
	}
	err := a.db.View(ctx, func(tx *storage.Tx) error {
		id, err := tx.PlayerID(ctx, player)
		if err != nil {
			return err
		}
		// No minute matches an idx time range of unix seconds, so only the
		// idx side of PlaysAround selects.
		rows, err := tx.PlaysAround(ctx, id, -1, -1, lo, hi)
		for _, p := range rows {
			if p.HasDetail && p.IdxTime != 0 {
				out[p.IdxTime] = true
			}
		}
		return err
	})
	if isNotFound(err) {
		return out, nil
	}
	return out, err
}

// IdxTime is the unix time of a play's "N,unixtime" idx token, 0 when the
// token has none.
func IdxTime(idx string) int64 {
	t, err := idxTime(idx)
	if err != nil {
		return 0
	}
	return t
}

// LastFetchRun returns the player's latest fetch run in region, or an
// error wrapping ErrNotFound.
func (a *Archive) LastFetchRun(ctx context.Context, player, region string) (FetchRun, error) {
	var r FetchRun
	err := a.db.View(ctx, func(tx *storage.Tx) error {
		id, err := tx.PlayerID(ctx, player)
		if err != nil {
			return err
		}
		r, err = tx.LastFetchRun(ctx, id, region)
		return err
	})
	return r, err
}

// SaveFetchRun adds r (ID 0) or writes its progress.
func (a *Archive) SaveFetchRun(ctx context.Context, player string, r *FetchRun) error {
	err := a.db.Update(ctx, func(tx *storage.Tx) error {
		if r.ID != 0 {
			return tx.UpdateFetchRun(ctx, r)
		}
		id, err := ensurePlayer(ctx, tx, player, a.now())
		if err != nil {
			return err
		}
		r.PlayerID = id
		if r.StartedAt.IsZero() {
			r.StartedAt = a.now()
		}
		return tx.InsertFetchRun(ctx, r)
	})
	if err != nil {
		return fmt.Errorf("archive: save fetch run: %w", err)
	}
	return nil
}

// Now is the archive's clock.
func (a *Archive) Now() time.Time { return a.now() }
