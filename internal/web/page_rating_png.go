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

// pictures keeps each player's latest B50 picture per language under the
// key of what it was drawn from, and the fonts, loaded on the first
// picture (a CJK font collection is 20 MB: a server that never draws one
// never reads it).
type pictures struct {
	fontsOnce sync.Once
	fonts     *b50img.Fonts
	fontsErr  error

	mu sync.Mutex
	m  map[string]picture // player and language → the latest picture
}

// picture is one drawn B50 picture.
type picture struct {
	key  string // archive.RatingStamp, language and stored jackets
	png  []byte
	etag string
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

// ratingPNG is GET /p/{player}/rating.png: the player's current B50 as a
// picture to share, drawn again only when the rating's data, the stored
// jackets of its charts or the language change.
func (s *Server) ratingPNG(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	player := r.PathValue("player")
	stamp, err := s.archive.RatingStamp(ctx, player)
	if err != nil {
		s.archiveFail(w, r, err) // no saved page yet: no region, no rating
		return
	}
	pr, err := s.archive.Rating(ctx, player, time.Time{})
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
	key := fmt.Sprintf("%s|%s|%d", stamp, lang, jackets)
	s.pictures.mu.Lock()
	pic, ok := s.pictures.m[player+"|"+lang]
	s.pictures.mu.Unlock()
	if !ok || pic.key != key {
		if pic, _, err = s.drawRating(r, pr, key); err != nil {
			s.failErr(w, r, err)
			return
		}
		s.pictures.mu.Lock()
		if s.pictures.m == nil {
			s.pictures.m = map[string]picture{}
		}
		s.pictures.m[player+"|"+lang] = pic
		s.pictures.mu.Unlock()
	}
	h := w.Header()
	h.Set("Content-Type", "image/png")
	// private: a private player's picture must not stay in a shared cache;
	// no-cache: ask again, and get 304 while it is the same picture.
	h.Set("Cache-Control", "private, no-cache")
	h.Set("ETag", pic.etag)
	h.Set("Content-Disposition", "inline; filename*=UTF-8''"+url.PathEscape("b50-"+player+".png"))
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(pic.png))
}

// drawRating draws pr in the request's language.
func (s *Server) drawRating(r *http.Request, pr *archive.PlayerRating, key string) (picture, *b50img.Layout, error) {
	fonts, err := s.pictureFonts(r.Context())
	if err != nil {
		return picture{}, nil, err
	}
	opt := b50img.Options{Fonts: fonts, Labels: b50img.Labels{New: text(r, "rating.png_new"), Old: text(r, "rating.png_old"),
		Sum: text(r, "rating.png_sum"), Empty: text(r, "rating.png_empty"), Footer: text(r, "rating.png_footer")}}
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
