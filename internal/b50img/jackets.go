package b50img

import (
	"bytes"
	"context"
	"errors"
	"image"
	_ "image/gif"  // jackets may be GIF
	_ "image/jpeg" // or JPEG
	_ "image/png"

	_ "golang.org/x/image/webp" // or WebP (archive.JacketContentType)

	"github.com/maiprobe/maiprobe/internal/archive"
)

// JacketSource is where jacket images come from: the archive's jacket
// store.
type JacketSource interface {
	StoredJackets(ctx context.Context, files []string) (map[string]bool, error)
	Jacket(ctx context.Context, file string) (archive.Jacket, error)
}

// Jackets loads the stored jackets of pr's tables, decoded, and returns
// them as Options.Jacket wants them, with how many were found. A jacket
// that is not stored or does not decode leaves its card with a tile.
func Jackets(ctx context.Context, src JacketSource, pr *archive.PlayerRating) (func(archive.RatingEntry) image.Image, int, error) {
	var files []string
	for _, es := range [][]archive.RatingEntry{pr.New, pr.Old} {
		for _, e := range es {
			if e.Jacket != "" {
				files = append(files, e.Jacket)
			}
		}
	}
	imgs := map[string]image.Image{}
	if len(files) > 0 {
		stored, err := src.StoredJackets(ctx, files)
		if err != nil {
			return nil, 0, err
		}
		for f, ok := range stored {
			if !ok || imgs[f] != nil {
				continue
			}
			j, err := src.Jacket(ctx, f)
			if errors.Is(err, archive.ErrNotFound) {
				continue
			} else if err != nil {
				return nil, 0, err
			}
			if img, _, err := image.Decode(bytes.NewReader(j.Data)); err == nil {
				imgs[f] = img
			}
		}
	}
	return func(e archive.RatingEntry) image.Image { return imgs[e.Jacket] }, len(imgs), nil
}

// Source is what Prepare reads of the archive.
type Source interface {
	JacketSource
	Profile(ctx context.Context, player string, offset, limit int) (archive.ProfileHistory, error)
}

// Prepare fills in what a picture of pr shows besides the rating: the
// player's in-game name from the latest saved profile page (the archive
// player's name when none shows one) and the stored jackets. It returns
// how many jackets were found.
func Prepare(ctx context.Context, src Source, pr *archive.PlayerRating, opt *Options) (int, error) {
	ph, err := src.Profile(ctx, pr.Player, 0, 1)
	if err != nil && !errors.Is(err, archive.ErrNotFound) {
		return 0, err
	}
	if len(ph.Page) > 0 && ph.Page[0].Name != "" {
		opt.Name = ph.Page[0].Name
	}
	jk, n, err := Jackets(ctx, src, pr)
	if err != nil {
		return 0, err
	}
	opt.Jacket = jk
	return n, nil
}
