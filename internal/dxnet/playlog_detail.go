package dxnet

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// record/playlogDetail/ is the record page's play block (without its
// detail link) followed by
//
//	div.gray_block
//	  div.playlog_chara_container ×5    character image, ×stars, Lv
//	  div.playlog_fl_block               fast, late
//	  table.playlog_notes_detail         tap/hold/slide/touch/break rows
//	  div.playlog_rating_detail_block    rating after the play, rating_up/keep image, (+N)
//	  div.playlog_score_block ×2         maxcombo "n/total", maxsync "n/total"
//	div#matching                         partners of a matching play
//	div#placeName                        the arcade (JP)
//
// The 2020 CN layout differs in the rating block only (a DX rating beside
// deluxrating.png instead of div.rating_block); both are read.

// parsePlaylogDetail reads record/playlogDetail/: one play with its details.
func parsePlaylogDetail(doc *html.Node, h *Header) (Page, error) {
	blocks, _, _ := scanRecord(doc)
	if len(blocks) == 0 {
		return nil, layoutErr(KindPlaylogDetail, "no play header (playlog_top_container) found")
	}
	// Some saved copies add earlier plays below the first; the page's play
	// is the first block and its details the first of each part.
	play, err := parsePlay(blocks[0], h.Region.Location(), false)
	if err != nil {
		return nil, layoutErr(KindPlaylogDetail, "play header: %v", err)
	}
	d, err := parseDetail(doc, blocks[0])
	if err != nil {
		return nil, layoutErr(KindPlaylogDetail, "%v", err)
	}
	return &PlaylogDetailPage{Header: *h, Play: play, Detail: d}, nil
}

// detailParts records which required parts of the details were read.
type detailParts uint8

const (
	dJudgements detailParts = 1 << iota
	dFastLate
	dMaxCombo
	dMaxSync
	dRating
	dCharacters
	dPartners
	dPlace
)

// parseDetail reads everything below the play header in one walk, taking
// the first of each part.
func parseDetail(doc, header *html.Node) (maimai.PlayDetail, error) {
	var (
		d    maimai.PlayDetail
		have detailParts
		err  error
	)
	fail := func(e error) bool {
		if err == nil {
			err = e
		}
		return false
	}
	walk(doc, func(n *html.Node) bool {
		if err != nil || n == header {
			return false
		}
		if n.Type != html.ElementNode {
			return true
		}
		switch {
		case n.DataAtom == atom.Table && hasClass(n, "playlog_notes_detail"):
			if have&dJudgements == 0 {
				j, e := readJudgements(n)
				if e != nil {
					return fail(e)
				}
				d.Judgements, have = j, have|dJudgements
			}
			return false
		case hasClass(n, "playlog_fl_block"):
			// The characters come before the counters; any further
			// character blocks belong to another play.
			if len(d.Characters) > 0 {
				have |= dCharacters
			}
			if have&dFastLate == 0 {
				if e := readFastLate(n, &d); e != nil {
					return fail(e)
				}
				have |= dFastLate
			}
			return false
		case hasClass(n, "playlog_score_block"):
			switch scoreBlockKind(n) {
			case "maxcombo":
				if have&dMaxCombo == 0 {
					got, total, ok := readPair(n)
					if !ok {
						return fail(fmt.Errorf("max combo %q: want n/total", text(n)))
					}
					d.MaxCombo, d.MaxComboTotal, have = got, total, have|dMaxCombo
				}
			case "maxsync":
				if have&dMaxSync == 0 {
					got, total, ok := readPair(n)
					if !ok {
						return fail(fmt.Errorf("max sync %q: want n/total", text(n)))
					}
					d.MaxSync, d.MaxSyncTotal, have = got, total, have|dMaxSync
				}
			}
			return false
		case hasClass(n, "playlog_rating_detail_block"):
			if have&dRating == 0 {
				if e := readRating(n, &d); e != nil {
					return fail(e)
				}
				have |= dRating
			}
			return false
		case hasClass(n, "playlog_chara_container"):
			if have&dCharacters == 0 {
				c, e := readCharacter(n)
				if e != nil {
					return fail(e)
				}
				d.Characters = append(d.Characters, c)
			}
			return false
		case attr(n, "id") == "matching":
			if have&dPartners == 0 {
				d.Partners, have = readPartners(n), have|dPartners
			}
			return false
		case attr(n, "id") == "placeName":
			if have&dPlace == 0 {
				d.Place, have = readPlace(n), have|dPlace
			}
			return false
		}
		return true
	})
	if err != nil {
		return d, err
	}
	var missing []string
	for _, m := range []struct {
		part detailParts
		name string
	}{
		{dJudgements, "judgement table (playlog_notes_detail)"},
		{dFastLate, "fast/late (playlog_fl_block)"},
		{dMaxCombo, "max combo"},
		{dMaxSync, "max sync"},
		{dRating, "rating (playlog_rating_detail_block)"},
	} {
		if have&m.part == 0 {
			missing = append(missing, m.name)
		}
	}
	if len(missing) > 0 {
		return d, fmt.Errorf("%w: %s", errMissing, strings.Join(missing, ", "))
	}
	return d, nil
}

// judgementRows maps the row icons of the judgement table to its rows.
var judgementRows = []string{"tap", "hold", "slide", "touch", "break"}

// readJudgements reads the judgement table. A row of empty cells (touch on
// a standard chart) is nil; a row with some cells empty is not a layout we
// know.
func readJudgements(table *html.Node) (maimai.Judgements, error) {
	var j maimai.Judgements
	rows := [5]**maimai.NoteJudgement{&j.Tap, &j.Hold, &j.Slide, &j.Touch, &j.Break}
	var seen [5]bool
	var rerr error
	walk(table, func(n *html.Node) bool {
		if rerr != nil {
			return false
		}
		if n.DataAtom != atom.Tr {
			return true
		}
		th := find(n, isAtom(atom.Th))
		if th == nil {
			return false
		}
		img := find(th, isAtom(atom.Img))
		if img == nil {
			return false // the header row: judgement icons, empty corner
		}
		kind := imgName(attr(img, "src"))
		i := indexOf(judgementRows, kind)
		if i < 0 {
			rerr = fmt.Errorf("judgement row %q", kind)
			return false
		}
		var cells [5]int
		k, empty := 0, 0
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.DataAtom != atom.Td {
				continue
			}
			if k == len(cells) {
				rerr = fmt.Errorf("judgement row %s: more than 5 cells", kind)
				return false
			}
			// The site pads empty cells with an ideographic space.
			t := strings.TrimSpace(strings.ReplaceAll(text(c), "\u3000", ""))
			if t == "" {
				empty++
			} else if v, err := atoiComma(t); err != nil || v < 0 {
				rerr = fmt.Errorf("judgement row %s: %q is not a count", kind, t)
				return false
			} else {
				cells[k] = v
			}
			k++
		}
		switch {
		case k != 5:
			rerr = fmt.Errorf("judgement row %s: %d cells, want 5", kind, k)
		case empty == 5:
			*rows[i] = nil
		case empty > 0:
			rerr = fmt.Errorf("judgement row %s: %d of 5 cells empty", kind, empty)
		default:
			*rows[i] = &maimai.NoteJudgement{
				CriticalPerfect: cells[0], Perfect: cells[1], Great: cells[2], Good: cells[3], Miss: cells[4],
			}
		}
		seen[i] = true
		return false
	})
	if rerr != nil {
		return j, rerr
	}
	for i, ok := range seen {
		if !ok {
			return j, fmt.Errorf("judgement table has no %s row", judgementRows[i])
		}
	}
	if j.Tap == nil {
		return j, fmt.Errorf("judgement table: the tap row is empty")
	}
	return j, nil
}

// readFastLate reads the fast and late counters, each an icon beside a number.
func readFastLate(n *html.Node, d *maimai.PlayDetail) error {
	var got int
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		img := find(c, isAtom(atom.Img))
		if img == nil {
			continue
		}
		var dst *int
		switch imgName(attr(img, "src")) {
		case "fast":
			dst = &d.Fast
		case "late":
			dst = &d.Late
		default:
			continue
		}
		v, err := atoiComma(text(c))
		if err != nil || v < 0 {
			return fmt.Errorf("fast/late %q is not a count", text(c))
		}
		*dst = v
		got++
	}
	if got != 2 {
		return fmt.Errorf("fast/late: found %d of the 2 counters", got)
	}
	return nil
}

// scoreBlockKind names a playlog_score_block by its icon: "maxcombo",
// "maxsync" or "deluxscore".
func scoreBlockKind(n *html.Node) string {
	if img := find(n, isAtom(atom.Img)); img != nil {
		return imgName(attr(img, "src"))
	}
	return ""
}

// readPair reads the white "402/710" of a max combo or max sync block. A
// lone number is the count without a total (older pages); a dash is a
// max sync with nobody to sync with.
func readPair(n *html.Node) (got, total int, ok bool) {
	w := find(n, class("white"))
	if w == nil {
		return 0, 0, false
	}
	t := text(w)
	switch t {
	case "-", "―", "－", "‐", "—":
		return 0, 0, true
	}
	a, b, pair := strings.Cut(t, "/")
	g, err := atoiComma(a)
	if err != nil || g < 0 {
		return 0, 0, false
	}
	if !pair {
		return g, 0, true
	}
	tot, err := atoiComma(b)
	if err != nil || tot < g {
		return 0, 0, false
	}
	return g, tot, true
}

// readRating reads the rating after the play and its change.
func readRating(n *html.Node, d *maimai.PlayDetail) error {
	var (
		rating   = -1
		dir      string
		deltaTxt string
		afterDX  bool // the 2020 layout: the value follows deluxrating.png
	)
	walk(n, func(x *html.Node) bool {
		if x.Type != html.ElementNode {
			return true
		}
		switch {
		case hasClass(x, "rating_block") && rating < 0:
			if v, err := atoiComma(text(x)); err == nil {
				rating = v
			}
			return false
		case x.DataAtom == atom.Img:
			switch k := imgName(attr(x, "src")); k {
			case "rating_up", "rating_down", "rating_keep":
				dir = k
			case "deluxrating":
				afterDX = true
			}
		case x.DataAtom == atom.Span:
			t := text(x)
			switch {
			case afterDX && rating < 0:
				if v, err := atoiComma(t); err == nil {
					rating = v
				}
				afterDX = false
			case strings.HasPrefix(t, "(") && deltaTxt == "" && rating >= 0:
				// Only after the value: the 2020 layout prints the class
				// grade's change before it.
				deltaTxt = t
			}
			return false
		}
		return true
	})
	if rating < 0 {
		return fmt.Errorf("rating %q: no rating value", text(n))
	}
	d.Rating = rating
	if deltaTxt != "" {
		v, err := signedParen(deltaTxt)
		if err != nil {
			return err
		}
		if dir == "rating_down" && v > 0 {
			v = -v
		}
		d.RatingDelta = v
	}
	return nil
}

// signedParen reads a rating change such as "(+12)", "(-3)" or "(±0)".
func signedParen(s string) (int, error) {
	t := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(s), "("), ")")
	neg := false
	switch {
	case strings.HasPrefix(t, "+"), strings.HasPrefix(t, "＋"):
		t = strings.TrimLeft(t, "+＋")
	case strings.HasPrefix(t, "±"):
		t = strings.TrimPrefix(t, "±")
	case strings.HasPrefix(t, "-"), strings.HasPrefix(t, "－"), strings.HasPrefix(t, "−"):
		t, neg = strings.TrimLeft(t, "-－−"), true
	}
	v, err := atoiComma(t)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("rating change %q: want (+N) or (-N)", s)
	}
	if neg {
		v = -v
	}
	return v, nil
}

// readCharacter reads one character: its image, ×stars and Lv.
func readCharacter(n *html.Node) (maimai.Character, error) {
	var c maimai.Character
	img := firstClass(n, "chara_cycle_img")
	star := firstClass(n, "playlog_chara_star_block")
	lv := firstClass(n, "playlog_chara_lv_block")
	if img == nil || star == nil || lv == nil {
		return c, fmt.Errorf("character %q: want an image, ×stars and Lv", text(n))
	}
	c.Image = imgFile(attr(img, "src"))
	var err1, err2 error
	c.Stars, err1 = trailingInt(text(star))
	c.Level, err2 = trailingInt(text(lv))
	if c.Image == "" || err1 != nil || err2 != nil {
		return c, fmt.Errorf("character %q: want an image, ×stars and Lv", text(n))
	}
	return c, nil
}

// trailingInt reads the number at the end of "×3" or "Lv120".
func trailingInt(s string) (int, error) {
	i := len(s)
	for i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
		i--
	}
	return strconv.Atoi(s[i:])
}

// readPartners reads the matching block: one slot per other cabinet, the
// empty ones grey with a dash.
func readPartners(n *html.Node) []maimai.Partner {
	var out []maimai.Partner
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode || hasClass(c, "gray_block") {
			continue
		}
		nb := firstClass(c, "basic_block")
		if nb == nil {
			continue
		}
		name := text(nb)
		if name == "" || name == "―" || name == "-" {
			continue
		}
		p := maimai.Partner{Name: name}
		walk(c, func(x *html.Node) bool {
			if x.DataAtom == atom.Img {
				if r, ok := matchingRank(attr(x, "src")); ok {
					p.Rank = r
				}
			}
			return true
		})
		out = append(out, p)
	}
	return out
}

// readPlace reads the arcade's name from div#placeName.
func readPlace(n *html.Node) string {
	if s := find(n, isAtom(atom.Span)); s != nil {
		return text(s)
	}
	return text(n)
}

// indexOf is the position of s in list, or -1.
func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}
