// Package b50img draws a player's B50 as a shareable PNG picture: the
// player's name and rating with its colour band, then the new and old
// rating tables as cards with jacket, title, type, difficulty, level and
// constant, achievement, rank, FC/FS and rating. Text is drawn with a CJK
// font found on the system (LoadFonts) and Go's own fonts for Latin.
package b50img

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"sort"
	"strings"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/rating"
)

// Labels are the words a picture shows, in the viewer's language; they
// come from the caller's catalogue.
type Labels struct {
	New, Old string // the two tables' headings: "新版本曲目"
	Sum      string // before a table's total: "合计"
	Empty    string // in place of an empty table
	// Footer is a fmt format of the time the rating is for, e.g.
	// "maiprobe · %s".
	Footer string
	// Estimated follows a constant learned from plays, not the song
	// data's ("估"), as the rating page marks it; "" marks nothing.
	Estimated string
}

// Options say what a picture holds besides the rating.
type Options struct {
	// Name is the in-game name shown; "" shows the archive player's name.
	Name   string
	Labels Labels
	Fonts  *Fonts
	// Jacket is a chart's jacket image, nil when none is stored; a nil
	// Jacket draws every card with a tile of the difficulty's colour.
	Jacket func(e archive.RatingEntry) image.Image
}

// Layout is what a picture shows, as laid out: the side output tests and
// callers read instead of looking at pixels.
type Layout struct {
	Width, Height int
	Name          string
	Total         int
	Band          rating.Colour
	Cards         []Card
	// Missing are the characters no font had, drawn as boxes (sorted).
	Missing []rune
	// Font is the CJK font file drawn with, "" when none was found.
	Font string
}

// Card is one chart's card.
type Card struct {
	Section string // "new" or "old"
	N       int    // place in its table, from 1
	Title   string // the chart's title
	// Shown is the title as drawn: cut with "…" when too long.
	Shown       string
	Type        maimai.ChartType
	Difficulty  maimai.Difficulty
	Level       string
	Constant    string
	Estimated   bool   // Constant was learned from plays, drawn with Labels.Estimated
	Achievement string // "100.5000%"
	Rank        maimai.Rank
	FC          maimai.FC
	FS          maimai.FS
	Rating      int
	Rect        image.Rectangle
	Jacket      bool // drawn with its jacket, not a tile
	// Missing counts the title's characters no font had.
	Missing int
}

// Geometry of the picture, in pixels: 1200 wide, three columns of cards,
// so it reads on a phone held upright and zoomed.
const (
	width    = 1200
	margin   = 26
	gap      = 16
	columns  = 3
	cardW    = (width - 2*margin - (columns-1)*gap) / columns
	cardH    = 150
	headerH  = 250
	sectionH = 70
	footerH  = 90
	jacket   = 126
	pad      = 12
)

// NoFontNote is drawn at the foot of a picture whose text had characters
// no font held. It is English on purpose: without a CJK font only Latin
// text can be drawn.
const NoFontNote = "%d characters had no font and show as boxes: install a CJK font (fonts-noto-cjk) or pass --font / MAIPROBE_FONT"

// WritePNG draws pr and writes it to w as PNG.
func WritePNG(w io.Writer, pr *archive.PlayerRating, opt Options) (*Layout, error) {
	img, l, err := Draw(pr, opt)
	if err != nil {
		return nil, err
	}
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(w, img); err != nil {
		return nil, fmt.Errorf("b50img: %w", err)
	}
	return l, nil
}

// Draw draws pr's B50.
func Draw(pr *archive.PlayerRating, opt Options) (*image.RGBA, *Layout, error) {
	if opt.Fonts == nil {
		return nil, nil, fmt.Errorf("b50img: no fonts")
	}
	rules, err := archive.RulesFor(pr.Region, pr.At)
	if err != nil {
		return nil, nil, fmt.Errorf("b50img: %w", err)
	}
	rows := func(n int) int { return max(1, (n+columns-1)/columns) }
	h := headerH + 2*sectionH + (rows(len(pr.New))+rows(len(pr.Old)))*(cardH+gap) + footerH
	img := image.NewRGBA(image.Rect(0, 0, width, h))
	p := newPainter(img, opt.Fonts, pr.Region)
	l := &Layout{Width: width, Height: h, Name: opt.Name, Total: pr.Total, Band: rules.Band(pr.Total).Colour, Font: opt.Fonts.File}
	if l.Name == "" {
		l.Name = pr.Player
	}
	p.fill(0, 0, width, float64(h), 0, &gradient{r: img.Bounds(), stops: []color.RGBA{hex(0x1d2140), hex(0x2a1d48), hex(0x151829)}})

	p.header(pr, rules, l)
	y := headerH
	for _, sec := range []struct {
		name, label string
		size, total int
		es          []archive.RatingEntry
	}{{"new", opt.Labels.New, rules.NewSize, pr.NewTotal, pr.New}, {"old", opt.Labels.Old, rules.OldSize, pr.OldTotal, pr.Old}} {
		p.section(y, sec.label, sec.size, len(sec.es), opt.Labels.Sum, sec.total)
		y += sectionH
		if len(sec.es) == 0 {
			p.text(margin, float64(y+cardH/2), opt.Labels.Empty, 24, false, hex(0xb8bdd6))
		}
		for i, e := range sec.es {
			x := margin + (i%columns)*(cardW+gap)
			cy := y + (i/columns)*(cardH+gap)
			var jk image.Image
			if opt.Jacket != nil {
				jk = opt.Jacket(e)
			}
			c := p.card(x, cy, i+1, e, jk, opt.Labels.Estimated)
			c.Section = sec.name
			l.Cards = append(l.Cards, c)
		}
		y += rows(len(sec.es)) * (cardH + gap)
	}
	for r := range p.missing {
		l.Missing = append(l.Missing, r)
	}
	sort.Slice(l.Missing, func(i, j int) bool { return l.Missing[i] < l.Missing[j] })
	p.footer(h, pr, opt.Labels.Footer, len(l.Missing))
	return img, l, nil
}

// header draws the name, the rating plate and the two tables' totals.
func (p *painter) header(pr *archive.PlayerRating, rules rating.Rules, l *Layout) {
	white := hex(0xffffff)
	p.text(margin, 58, "maimai DX · B50", 26, true, hex(0x9aa3d6))
	p.text(margin, 128, p.fit(l.Name, 56, true, width-2*margin-420), 56, true, white)
	// The rating plate in the band's colour.
	px, py, pw, ph := float64(margin), 152.0, 360.0, 78.0
	p.fill(px, py, pw, ph, 18, bandFill(l.Band, image.Rect(int(px), int(py), int(px+pw), int(py+ph))))
	ink := bandInk(l.Band)
	p.text(px+22, py+48, "DX RATING", 22, true, ink)
	p.textRight(px+pw-22, py+60, fmt.Sprint(pr.Total), 52, true, ink)
	// The tables' totals and the rules on the right.
	rx := float64(width - margin)
	p.textRight(rx, 96, fmt.Sprintf("B%d  %d", rules.NewSize, pr.NewTotal), 30, true, white)
	p.textRight(rx, 140, fmt.Sprintf("B%d  %d", rules.OldSize, pr.OldTotal), 30, true, white)
	p.textRight(rx, 184, strings.TrimSpace(pr.Version+" · "+strings.ToUpper(string(pr.Region))), 24, false, hex(0xb8bdd6))
	p.textRight(rx, 222, pr.At.In(pr.Region.Location()).Format("2006-01-02 15:04"), 24, false, hex(0xb8bdd6))
}

// section draws a table's heading.
func (p *painter) section(y int, label string, size, n int, sum string, total int) {
	fy := float64(y)
	p.fillColour(margin, fy+18, 8, 36, 4, hex(0xffd84a))
	w := p.text(margin+20, fy+48, label, 32, true, hex(0xffffff))
	p.text(margin+20+w+16, fy+48, fmt.Sprintf("B%d · %d/%d", size, n, size), 24, false, hex(0xb8bdd6))
	p.textRight(width-margin, fy+48, fmt.Sprintf("%s %d", sum, total), 30, true, hex(0xffd84a))
}

// card draws one chart at (x, y).
func (p *painter) card(x, y, n int, e archive.RatingEntry, jk image.Image, estLabel string) Card {
	c := Card{N: n, Title: e.Title, Type: e.Type, Difficulty: e.Difficulty, Level: e.Level, Achievement: e.Achievement.String() + "%",
		Rank: e.Rank, FC: e.FC, FS: e.FS, Rating: e.Rating, Rect: image.Rect(x, y, x+cardW, y+cardH), Jacket: jk != nil,
		Estimated: e.Estimated}
	if e.Constant.Known() {
		c.Constant = e.Constant.String()
	}
	fx, fy := float64(x), float64(y)
	dc := diffColours(e.Difficulty)
	if e.Difficulty == maimai.ReMaster {
		p.fillColour(fx-2, fy-2, cardW+4, cardH+4, 16, hex(0xf3e6ff))
	}
	p.fill(fx, fy, cardW, cardH, 14, &gradient{r: c.Rect, stops: []color.RGBA{dc.top, dc.bottom}})

	// Jacket, or a tile of the difficulty's colour with the title.
	jx, jy := fx+pad, fy+pad
	if jk != nil {
		p.image(jk, jx, jy, jacket, 10)
	} else {
		p.tile(jx, jy, e.Title, dc)
	}
	// Place and type over the jacket.
	p.fillColour(jx, jy, 40, 26, 8, color.RGBA{0, 0, 0, 150})
	p.text(jx+6, jy+20, fmt.Sprintf("#%d", n), 17, true, hex(0xffffff))
	typ, tc := "STD", hex(0x3f8ef0)
	if e.Type == maimai.DX {
		typ, tc = "DX", hex(0xf5a623)
	}
	tw := p.measure(typ, 15, true) + 14
	p.fillColour(jx+jacket-tw-4, jy+jacket-26, tw, 22, 8, tc)
	p.text(jx+jacket-tw+3, jy+jacket-10, typ, 15, true, hex(0xffffff))

	tx := jx + jacket + pad
	tmax := fx + cardW - pad - tx
	white := hex(0xffffff)
	// Title.
	c.Shown = p.fit(e.Title, 21, true, tmax)
	faces := p.chain(21, true)
	for _, r := range c.Shown {
		if f, _ := glyphFace(faces, r); f == nil && r >= ' ' {
			c.Missing++
		}
	}
	p.text(tx, fy+38, c.Shown, 21, true, white)
	// Difficulty, level and constant.
	lv := strings.ToUpper(diffName(e.Difficulty)) + " " + e.Level
	w := p.text(tx, fy+66, lv, 16, true, dc.label)
	cons := "?"
	if c.Constant != "" {
		cons = c.Constant
		if c.Estimated && estLabel != "" {
			cons += " " + estLabel
		}
	}
	p.text(tx+w+8, fy+66, "· "+cons, 16, false, white)
	// Achievement.
	p.text(tx, fy+104, c.Achievement, 30, true, white)
	// Rank, FC and FS chips, rating on the right.
	cx := tx
	for _, ch := range []struct {
		s  string
		bg color.RGBA
		fg color.RGBA
	}{
		{rankLabel(e.Rank), hex(0x2a1a05), hex(0xffd84a)},
		{fcLabel(e.FC), fcColour(e.FC), hex(0xffffff)},
		{fsLabel(e.FS), fsColour(e.FS), hex(0xffffff)},
	} {
		if ch.s == "" {
			continue
		}
		cw := p.measure(ch.s, 14, true) + 12
		p.fillColour(cx, fy+cardH-pad-24, cw, 22, 7, ch.bg)
		p.text(cx+6, fy+cardH-pad-7, ch.s, 14, true, ch.fg)
		cx += cw + 5
	}
	p.textRight(fx+cardW-pad, fy+cardH-pad-4, fmt.Sprint(e.Rating), 26, true, hex(0xfff3b0))
	return c
}

// tile stands in for a jacket that is not stored: the difficulty's colour
// and the title's first characters.
func (p *painter) tile(x, y float64, title string, dc diffPalette) {
	p.fill(x, y, jacket, jacket, 10, &gradient{r: image.Rect(int(x), int(y), int(x+jacket), int(y+jacket)), stops: []color.RGBA{dc.label, dc.bottom}})
	// Up to three lines of the title, small.
	rs := []rune(title)
	line := 0
	for len(rs) > 0 && line < 3 {
		n := len(rs)
		for n > 1 && p.measure(string(rs[:n]), 17, true) > jacket-16 {
			n--
		}
		s := string(rs[:n])
		rs = rs[n:]
		if line == 2 && len(rs) > 0 {
			s = p.fit(s+string(rs), 17, true, jacket-16)
		}
		p.text(x+8, y+46+float64(line)*22, s, 17, true, color.RGBA{240, 240, 240, 255})
		line++
	}
}

// footer draws the time and, when characters had no font, a note saying so.
func (p *painter) footer(h int, pr *archive.PlayerRating, format string, missing int) {
	y := float64(h - footerH)
	if format != "" {
		p.text(margin, y+40, fmt.Sprintf(format, pr.At.In(pr.Region.Location()).Format("2006-01-02 15:04")), 20, false, hex(0x8d93b8))
	}
	if missing > 0 {
		p.text(margin, y+72, p.fit(fmt.Sprintf(NoFontNote, missing), 18, false, width-2*margin), 18, false, hex(0xff9b9b))
	}
}

// diffPalette is a difficulty's card colours.
type diffPalette struct {
	top, bottom, label color.RGBA
}

func diffColours(d maimai.Difficulty) diffPalette {
	switch d {
	case maimai.Basic:
		return diffPalette{hex(0x2f9e44), hex(0x1b5e2a), hex(0x7be08c)}
	case maimai.Advanced:
		return diffPalette{hex(0xd9820f), hex(0x8a4c06), hex(0xffc25a)}
	case maimai.Expert:
		return diffPalette{hex(0xd6334f), hex(0x80182b), hex(0xff8a9c)}
	case maimai.Master:
		return diffPalette{hex(0x8a3fd1), hex(0x4a1a7e), hex(0xd2a6ff)}
	case maimai.ReMaster:
		return diffPalette{hex(0xa77ad8), hex(0x5b3d86), hex(0xf3e6ff)}
	default: // utage
		return diffPalette{hex(0xd0479f), hex(0x7a1f5b), hex(0xffa3dc)}
	}
}

func diffName(d maimai.Difficulty) string {
	if d == maimai.ReMaster {
		return "Re:Master"
	}
	return string(d)
}

// rankLabel is a rank as the game writes it: "sssp" is SSS+.
func rankLabel(r maimai.Rank) string {
	s := strings.ToUpper(string(r))
	if strings.HasSuffix(s, "P") {
		s = strings.TrimSuffix(s, "P") + "+"
	}
	return s
}

func fcLabel(f maimai.FC) string {
	return map[maimai.FC]string{maimai.FCN: "FC", maimai.FCP: "FC+", maimai.AP: "AP", maimai.APP: "AP+"}[f]
}

func fcColour(f maimai.FC) color.RGBA {
	if f == maimai.AP || f == maimai.APP {
		return hex(0xc98a00)
	}
	return hex(0x1f9d55)
}

func fsLabel(f maimai.FS) string {
	return map[maimai.FS]string{maimai.Sync: "SYNC", maimai.FSN: "FS", maimai.FSP: "FS+", maimai.FSD: "FDX", maimai.FSDP: "FDX+"}[f]
}

func fsColour(f maimai.FS) color.RGBA {
	switch f {
	case maimai.FSD, maimai.FSDP:
		return hex(0xc98a00)
	case maimai.Sync:
		return hex(0x55607a)
	}
	return hex(0x2f6fd6)
}

// bandFill is the rating plate's paint for a colour band.
func bandFill(c rating.Colour, r image.Rectangle) image.Image {
	stops := map[rating.Colour][]color.RGBA{
		rating.White: {hex(0xf4f4f4), hex(0xd8d8d8)}, rating.Blue: {hex(0x5aa2ff), hex(0x2a6fdc)},
		rating.Green: {hex(0x5fd36f), hex(0x2a9c3f)}, rating.Yellow: {hex(0xffe45c), hex(0xf0b400)},
		rating.Red: {hex(0xff6b6b), hex(0xd42a2a)}, rating.Purple: {hex(0xc27bff), hex(0x8a3fd1)},
		rating.Bronze: {hex(0xe0a06a), hex(0x9a5a2a)}, rating.Silver: {hex(0xf0f3f7), hex(0xa9b3c0)},
		rating.Gold: {hex(0xffe98a), hex(0xd9a514)}, rating.Platinum: {hex(0xfdfcf5), hex(0xc9e8ee)},
	}[c]
	if c == rating.Rainbow {
		return &gradient{r: r, horizontal: true, stops: []color.RGBA{hex(0xff7a7a), hex(0xffc46b), hex(0xfff27a), hex(0x8af08a), hex(0x7ad0ff), hex(0xb98aff)}}
	}
	if stops == nil {
		stops = []color.RGBA{hex(0xf4f4f4), hex(0xd8d8d8)}
	}
	return &gradient{r: r, stops: stops}
}

// bandInk is the text colour on a band's plate.
func bandInk(c rating.Colour) color.RGBA {
	switch c {
	case rating.Blue, rating.Green, rating.Red, rating.Purple, rating.Bronze:
		return hex(0xffffff)
	}
	return hex(0x23203a)
}
