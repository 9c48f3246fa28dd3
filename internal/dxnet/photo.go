package dxnet

import (
	"fmt"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// playerData/photo/ lists the last photos taken at the cabinet, each
//
//	div.music_<diff>_score_back
//	  img.music_kind_icon        music_dx / music_standard / music_utage
//	  div.block_info             "2026/11/22 19:00"
//	  img diff_<diff>.png
//	  div.black_block            title
//	  img.w_430                  the photo
//	  div.see_through_block      the arcade, where shown
//
// The CN site has closed its album: the page then carries the heading and a
// notice instead of photos, which is read as an empty album.

// parsePhoto reads playerData/photo/. An album with no photos is valid only
// when the page is plainly the album (title_photo_album heading) and has no
// trace of a photo block.
func parsePhoto(doc *html.Node, h *Header) (Page, error) {
	var (
		blocks  []*html.Node
		traces  int // photo titles outside any block we recognised
		title   bool
		scanErr error
	)
	walk(doc, func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			return true
		}
		if n.DataAtom == atom.Div {
			_, ok, err := scoreBackDiff(n)
			if err != nil && scanErr == nil {
				scanErr = err
			}
			if ok || err != nil {
				blocks = append(blocks, n)
				return false
			}
		}
		switch {
		case hasClass(n, "black_block"):
			// A photo's title; img.w_430 would not do, as the footer's
			// rule line is one too.
			traces++
		case n.DataAtom == atom.Img && imgName(attr(n, "src")) == "title_photo_album":
			title = true
		}
		return true
	})
	if scanErr != nil {
		return nil, layoutErr(KindPhoto, "%v", scanErr)
	}
	if traces > 0 {
		return nil, layoutErr(KindPhoto, "%d photo titles (black_block) outside a photo block (music_*_score_back)", traces)
	}
	if len(blocks) > MaxPhotos {
		return nil, layoutErr(KindPhoto, "%d photos, but the album shows at most %d: not a page the site could have served", len(blocks), MaxPhotos)
	}
	p := &PhotoPage{Header: *h, Photos: make([]maimai.Photo, 0, len(blocks))}
	if len(blocks) == 0 {
		if !title {
			return nil, layoutErr(KindPhoto, "no photo blocks (music_*_score_back) and no album heading")
		}
		return p, nil
	}
	loc := h.Region.Location()
	for i, b := range blocks {
		ph, err := parsePhotoBlock(b, loc)
		if err != nil {
			return nil, layoutErr(KindPhoto, "photo %d of %d: %v", i+1, len(blocks), err)
		}
		p.Photos = append(p.Photos, ph)
	}
	return p, nil
}

// parsePhotoBlock reads one photo; every field but level and place is
// required.
func parsePhotoBlock(b *html.Node, loc *time.Location) (maimai.Photo, error) {
	var (
		ph     maimai.Photo
		when   string
		utage  bool
		hasImg bool
	)
	d, _, err := scoreBackDiff(b)
	if err != nil {
		return ph, err
	}
	ph.Difficulty = d
	walk(b, func(n *html.Node) bool {
		if err != nil {
			return false
		}
		if n.Type != html.ElementNode {
			return true
		}
		switch n.DataAtom {
		case atom.Img:
			src := attr(n, "src")
			switch {
			case hasClass(n, "music_kind_icon"):
				if imgName(src) == "music_utage" {
					utage = true
				} else if t, ok := typeIcon(src); ok {
					ph.Type = t
				} else {
					err = fmt.Errorf("chart type image %q", imgName(src))
				}
			case hasClass(n, "w_430"):
				ph.ImageURL, hasImg = src, src != ""
			default:
				// The difficulty image agrees with the block's class; where
				// it does not, the page is not one we know.
				if d, ok := diffIcon(src); ok && strings.HasPrefix(imgName(src), "diff_") && d != ph.Difficulty {
					err = fmt.Errorf("difficulty image %q in a %s block", imgName(src), ph.Difficulty)
				}
			}
		case atom.Div:
			switch {
			case hasClass(n, "block_info"):
				when = text(n)
				return false
			case hasClass(n, "black_block"):
				ph.Title = titleText(n)
				return false
			case hasClass(n, "music_lv_back"), hasClass(n, "music_lv_block"):
				ph.Level = text(n)
				return false
			case hasClass(n, "see_through_block"):
				ph.Place = text(n)
				return false
			}
		}
		return true
	})
	if err != nil {
		return ph, err
	}
	if utage && ph.Type == "" {
		ph.Type = maimai.DX // as on record/: utage charts count as DX
	}
	var missing []string
	if !hasImg {
		missing = append(missing, "photo image (img.w_430)")
	}
	if ph.Title == "" {
		missing = append(missing, "title (black_block)")
	}
	if ph.Type == "" {
		missing = append(missing, "chart type (music_kind_icon)")
	}
	if when == "" {
		missing = append(missing, "time (block_info)")
	}
	if len(missing) > 0 {
		return ph, fmt.Errorf("%w: %s", errMissing, strings.Join(missing, ", "))
	}
	t, e := time.ParseInLocation(playTimeLayout, when, loc)
	if e != nil {
		return ph, fmt.Errorf("photo time %q: want YYYY/MM/DD hh:mm", when)
	}
	ph.TakenAt = t
	return ph, nil
}
