package archive

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/storage"
)

// Jacket is a song's jacket image, stored once for every player: the site
// draws the same file (by name) for a song in every region.
type Jacket = storage.Jacket

// MaxJacketSize is the largest jacket image the archive stores, fetched or
// restored; the site's are PNGs of 20–100 KB.
const MaxJacketSize = 2 << 20

// jacketFile is the shape of a jacket file name the archive keeps: the
// site's are 16 hex digits and ".png"; anything that could be a path or
// carry markup is refused.
var jacketFile = regexp.MustCompile(`^[A-Za-z0-9_-]{1,60}\.(png|jpg|jpeg|gif|webp)$`)

// ValidJacketFile reports whether name can be a jacket file name.
func ValidJacketFile(name string) bool { return jacketFile.MatchString(name) }

// jacketTypes are the image types a jacket may be, as sniffed from its
// bytes (never taken from the site's header or an export's word).
var jacketTypes = []string{"image/png", "image/jpeg", "image/gif", "image/webp"}

// JacketContentType sniffs data and returns its image type, or false when
// it is not a PNG, JPEG, GIF or WebP image (an error page, an SVG that
// could carry script, anything else).
func JacketContentType(data []byte) (string, bool) {
	ct := http.DetectContentType(data)
	return ct, slices.Contains(jacketTypes, ct)
}

// CheckJacket verifies a jacket before it is stored: its name, its size
// and that its bytes are an image.
func CheckJacket(file string, data []byte) (contentType string, err error) {
	if !ValidJacketFile(file) {
		return "", fmt.Errorf("jacket %q: not a jacket file name", file)
	}
	if len(data) == 0 {
		return "", fmt.Errorf("jacket %s: no data", file)
	}
	if len(data) > MaxJacketSize {
		return "", fmt.Errorf("jacket %s: %d bytes is over the %d MB limit of a jacket", file, len(data), MaxJacketSize>>20)
	}
	ct, ok := JacketContentType(data)
	if !ok {
		return "", fmt.Errorf("jacket %s: %s is not a PNG, JPEG, GIF or WebP image", file, ct)
	}
	return ct, nil
}

// StoreJacket keeps the image of a jacket file after CheckJacket; it
// reports false when the archive had that file already.
func (a *Archive) StoreJacket(ctx context.Context, file string, data []byte) (bool, error) {
	ct, err := CheckJacket(file, data)
	if err != nil {
		return false, fmt.Errorf("archive: %w", err)
	}
	var added bool
	err = a.db.Update(ctx, func(tx *storage.Tx) error {
		added, err = tx.InsertJacket(ctx, &Jacket{File: file, ContentType: ct, FetchedAt: a.now(), Data: data})
		return err
	})
	if err != nil {
		return false, fmt.Errorf("archive: store jacket: %w", err)
	}
	return added, nil
}

// Jacket returns the stored image of file, or an error wrapping
// ErrNotFound.
func (a *Archive) Jacket(ctx context.Context, file string) (Jacket, error) {
	var j Jacket
	err := a.db.View(ctx, func(tx *storage.Tx) error {
		var err error
		j, err = tx.JacketData(ctx, file)
		return err
	})
	return j, err
}

// StoredJackets reports which of files the archive holds the image of.
func (a *Archive) StoredJackets(ctx context.Context, files []string) (map[string]bool, error) {
	var out map[string]bool
	err := a.db.View(ctx, func(tx *storage.Tx) error {
		var err error
		out, err = tx.StoredJackets(ctx, files)
		return err
	})
	return out, err
}

// MissingJackets lists up to limit jacket files that pages named and the
// archive has no image of: what the fetcher downloads next.
func (a *Archive) MissingJackets(ctx context.Context, limit int) ([]string, error) {
	var out []string
	err := a.db.View(ctx, func(tx *storage.Tx) error {
		var err error
		out, err = tx.MissingJackets(ctx, limit)
		return err
	})
	return out, err
}

// JacketFor is the jacket file name of the song titled title in region,
// learnt from the pages (record plays, play details, musicDetail), or ""
// when none showed it or when two songs of that title have different
// jackets (the two "Link"s: a page of scores cannot say which). Pages of
// another region count when region's have none: the site names a jacket
// file alike everywhere. The file may not be stored yet: a jacket URL
// (the web app's /jackets/FILE) then shows an offline tile.
func (a *Archive) JacketFor(ctx context.Context, region maimai.Region, title string) string {
	m, err := a.JacketsFor(ctx, region, []string{title})
	if err != nil {
		return ""
	}
	return m[title]
}

// JacketsFor is JacketFor of many titles at once (the region's names in
// one query, other regions' for the titles it lacks in a second); titles
// without a jacket are left out of the map.
func (a *Archive) JacketsFor(ctx context.Context, region maimai.Region, titles []string) (map[string]string, error) {
	out := map[string]string{}
	if len(titles) == 0 {
		return out, nil
	}
	err := a.db.View(ctx, func(tx *storage.Tx) error {
		var err error
		out, err = jacketsIn(ctx, tx, region, titles)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("archive: jackets: %w", err)
	}
	return out, nil
}

// jacketsIn is JacketsFor inside a read of tx.
func jacketsIn(ctx context.Context, tx *storage.Tx, region maimai.Region, titles []string) (map[string]string, error) {
	out := map[string]string{}
	titles = slices.Compact(slices.Sorted(slices.Values(titles)))
	here, err := tx.JacketNames(ctx, string(region), titles)
	if err != nil {
		return nil, err
	}
	var rest []string
	for _, t := range titles {
		if fs, ok := here[t]; ok {
			if len(fs) == 1 {
				out[t] = fs[0]
			}
		} else {
			rest = append(rest, t)
		}
	}
	if len(rest) == 0 {
		return out, nil
	}
	any, err := tx.JacketNames(ctx, "", rest)
	if err != nil {
		return nil, err
	}
	for t, fs := range any {
		if len(fs) == 1 {
			out[t] = fs[0]
		}
	}
	return out, nil
}

// noteJacket records, inside an import, that a page of region drew the
// jacket file beside title. A name that is no jacket file is left out.
func noteJacket(ctx context.Context, tx *storage.Tx, region maimai.Region, title, file string) error {
	if file == "" || title == "" || !ValidJacketFile(file) {
		return nil
	}
	return tx.NoteJacketName(ctx, string(region), title, file)
}

// noteJackets records the jackets of plays on their way in.
func noteJackets(ctx context.Context, tx *storage.Tx, in []incoming) error {
	type key struct {
		region      maimai.Region
		title, file string
	}
	seen := map[key]bool{}
	for _, p := range in {
		k := key{p.region, p.play.Title, p.play.Jacket}
		if k.file == "" || seen[k] {
			continue
		}
		seen[k] = true
		if err := noteJacket(ctx, tx, k.region, k.title, k.file); err != nil {
			return err
		}
	}
	return nil
}

// exportJacket is a jacket in an export file.
type exportJacket struct {
	File        string    `json:"file"`
	ContentType string    `json:"content_type"`
	FetchedAt   time.Time `json:"fetched_at"`
	Data        []byte    `json:"data"` // base64 by encoding/json
}

// exportJackets are the stored jackets the players' rows name, each once.
func exportJackets(ctx context.Context, tx *storage.Tx, players []storage.Player) ([]exportJacket, error) {
	out := []exportJacket{}
	seen := map[string]bool{}
	var files []string
	for _, p := range players {
		fs, err := tx.PlayerJackets(ctx, p.ID)
		if err != nil {
			return nil, err
		}
		for _, f := range fs {
			if !seen[f] {
				seen[f] = true
				files = append(files, f)
			}
		}
	}
	slices.Sort(files)
	for _, f := range files {
		j, err := tx.JacketData(ctx, f)
		if err != nil {
			return nil, err
		}
		out = append(out, exportJacket{File: j.File, ContentType: j.ContentType, FetchedAt: j.FetchedAt, Data: j.Data})
	}
	return out, nil
}

// checkJackets verifies an export's jackets before anything is written:
// each is an image (by its bytes, whatever content_type says) of a jacket
// file name, within MaxJacketSize, and named once.
func checkJackets(js []exportJacket) error {
	seen := map[string]bool{}
	for i, j := range js {
		if _, err := CheckJacket(j.File, j.Data); err != nil {
			return fmt.Errorf("jacket %d: %v", i+1, err)
		}
		if seen[j.File] {
			return fmt.Errorf("jacket %d: %s is in the file twice", i+1, j.File)
		}
		seen[j.File] = true
	}
	return nil
}

// restoreJackets stores the export's jackets the archive lacks; one it has
// is kept as it is (a file name is one picture).
func restoreJackets(ctx context.Context, tx *storage.Tx, js []exportJacket, res *Result) error {
	for _, j := range js {
		ct, _ := JacketContentType(j.Data)
		added, err := tx.InsertJacket(ctx, &Jacket{File: j.File, ContentType: ct, FetchedAt: j.FetchedAt, Data: j.Data})
		if err != nil {
			return err
		}
		if added {
			res.Added.Jackets++
		}
	}
	return nil
}
