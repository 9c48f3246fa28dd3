package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/b50img"
)

// pictures keeps each player's latest B50 picture per language and date
// under the key of what it was drawn from, and the fonts, loaded on the
// first picture (a CJK font collection is 20 MB: a server that never draws
// one never reads it).
type pictures struct {
	fontsOnce sync.Once
	fonts     *b50img.Fonts
	fontsErr  error

	mu sync.Mutex
	// m maps player, language and moment ("" for now) to the latest
	// picture. Pictures of past dates are few at a time: past at most
	// maxPastPictures, the least recently served is dropped.
	m map[string]picture
}

// maxPastPictures bounds the pictures of past dates kept (each is about a
// megabyte); the current pictures, one per player and language, are kept.
const maxPastPictures = 16

// picture is one drawn B50 picture.
type picture struct {
	key  string // archive.RatingStamp, language, date and stored jackets
	png  []byte
	etag string
	past bool      // drawn for a past date (?at=)
	used time.Time // when it was last served, to drop the oldest past one
}

// cached returns the picture under id when it was drawn under key.
func (p *pictures) cached(id, key string) (picture, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	pic, ok := p.m[id]
	if !ok || pic.key != key {
		return picture{}, false
	}
	pic.used = time.Now()
	p.m[id] = pic
	return pic, true
}

// keep stores pic under id, dropping the least recently served picture of
// a past date while more than maxPastPictures are kept.
func (p *pictures) keep(id string, pic picture) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.m == nil {
		p.m = map[string]picture{}
	}
	pic.used = time.Now()
	p.m[id] = pic
	for {
		past, oldest := 0, ""
		for k, x := range p.m {
			if x.past {
				past++
				if oldest == "" || x.used.Before(p.m[oldest].used) {
					oldest = k
				}
			}
		}
		if past <= maxPastPictures {
			return
		}
		delete(p.m, oldest)
	}
}

// pictureFonts loads the fonts once: Config.Font, or one found on the
// system; it warns once in the log when there is no CJK font.
func (s *Server) pictureFonts(ctx context.Context) (*b50img.Fonts, error) {
	p := &s.pictures
	p.fontsOnce.Do(func() {
		// The fonts outlive the request that loads them.
		p.fonts, p.fontsErr = b50img.LoadFonts(context.WithoutCancel(ctx), s.cfg.Font)
		if p.fontsErr == nil && p.fonts.File == "" {
			s.log.Warn("no CJK font found: the B50 picture draws Chinese and Japanese characters as boxes; install fonts-noto-cjk or set MAIPROBE_FONT")
		}
	})
	return p.fonts, p.fontsErr
}

// ratingPNG is GET /p/{player}/rating.png: the player's B50 as a picture
// to share, now or (?at=, as the rating page reads it) at the end of a
// past day, drawn again only when the rating's data, the stored jackets of
// its charts or the language change.
func (s *Server) ratingPNG(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	player := r.PathValue("player")
	region, err := s.archive.PlayerRegion(ctx, player)
	if err != nil {
		s.archiveFail(w, r, err) // no saved page yet: no region, no rating
		return
	}
	at, ok := s.ratingAt(w, r, region)
	if !ok {
		return // a bad date: 400
	}
	// The stamp covers the score history a past rating is computed from.
	stamp, err := s.archive.RatingStamp(ctx, player)
	if err != nil {
		s.archiveFail(w, r, err)
		return
	}
	pr, err := s.archive.Rating(ctx, player, at.Time)
	if err != nil {
		s.archiveFail(w, r, err)
		return
	}
	jackets, err := storedJackets(ctx, s.archive, pr)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	lang := state(r).Lang
	// A past picture is kept per moment asked for: a date's is its end.
	when := ""
	if !at.Time.IsZero() {
		when = at.Time.UTC().Format(time.RFC3339Nano)
	}
	key := fmt.Sprintf("%s|%s|%s|%d", stamp, lang, when, jackets)
	id := player + "|" + lang + "|" + when
	pic, ok := s.pictures.cached(id, key)
	if !ok {
		if pic, _, err = s.drawRating(r, pr, key); err != nil {
			s.failErr(w, r, err)
			return
		}
		pic.past = when != ""
		s.pictures.keep(id, pic)
	}
	h := w.Header()
	h.Set("Content-Type", "image/png")
	// private: a private player's picture must not stay in a shared cache;
	// no-cache: ask again, and get 304 while it is the same picture.
	h.Set("Cache-Control", "private, no-cache")
	h.Set("ETag", pic.etag)
	name := "b50-" + player
	if at.Date != "" {
		name += "-" + at.Date
	}
	h.Set("Content-Disposition", "inline; filename*=UTF-8''"+url.PathEscape(name+".png"))
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(pic.png))
}

// drawRating draws pr in the request's language.
func (s *Server) drawRating(r *http.Request, pr *archive.PlayerRating, key string) (picture, *b50img.Layout, error) {
	fonts, err := s.pictureFonts(r.Context())
	if err != nil {
		return picture{}, nil, err
	}
	opt := b50img.Options{Fonts: fonts, Labels: b50img.Labels{New: text(r, "rating.png_new"), Old: text(r, "rating.png_old"),
		Sum: text(r, "rating.png_sum"), Empty: text(r, "rating.png_empty"), Footer: text(r, "rating.png_footer"),
		Estimated: text(r, "card.estimated")}}
	if _, err := b50img.Prepare(r.Context(), s.archive, pr, &opt); err != nil {
		return picture{}, nil, err
	}
	var buf bytes.Buffer
	l, err := b50img.WritePNG(&buf, pr, opt)
	if err != nil {
		return picture{}, nil, err
	}
	sum := sha256.Sum256(buf.Bytes())
	return picture{key: key, png: buf.Bytes(), etag: `"` + hex.EncodeToString(sum[:12]) + `"`}, l, nil
}

// storedJackets counts the jackets of pr's tables the archive holds, so a
// jacket fetched after a picture was drawn draws it again.
func storedJackets(ctx context.Context, a *archive.Archive, pr *archive.PlayerRating) (int, error) {
	var files []string
	for _, es := range [][]archive.RatingEntry{pr.New, pr.Old} {
		for _, e := range es {
			if e.Jacket != "" {
				files = append(files, e.Jacket)
			}
		}
	}
	if len(files) == 0 {
		return 0, nil
	}
	stored, err := a.StoredJackets(ctx, files)
	n := 0
	for _, ok := range stored {
		if ok {
			n++
		}
	}
	return n, err
}
