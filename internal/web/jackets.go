package web

import (
	"errors"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/maiprobe/maiprobe/internal/archive"
)

// Jackets and the project's own score icons.
//
// GET /jackets/{file} answers the stored jacket image of a site jacket file
// ("9cf73e43ce65b3a9.png"), cached for a year: a file name is one picture
// forever. Any other file (not fetched yet, unknown, or "-" for a chart
// whose jacket no page showed) is answered with an SVG tile in the
// difficulty's colour (?d=master) with the title (?t=…), so a page never
// shows a broken image and the browser logs no failed request. Templates
// build the URL with {{jacket .Jacket .DiffKey .Title}}.
//
// Icons are SVG files under static/icons/ named KIND-VALUE.svg: rank-sssp …
// rank-d, fc-fc fc-fcp fc-ap fc-app, fs-sync fs-fs fs-fsp fs-fsd fs-fsdp,
// star-1 … star-5 (the values are maimai.Rank, FC and FS, and the DX star
// count). {{icon "fc" .FC}} writes an <img class="mark mark-fc"> with the
// mark's name as alt text (nothing for an empty value: no FC);
// {{iconURL "fc" "ap"}} is the content-hashed URL alone.

// jacketTileMaxAge is how long a browser keeps a tile: the jacket may be
// fetched later, and then the same URL answers the image.
const jacketTileMaxAge = 3600

// jacket serves GET /jackets/{file}.
func (s *Server) jacket(w http.ResponseWriter, r *http.Request) {
	file := r.PathValue("file")
	if archive.ValidJacketFile(file) {
		j, err := s.archive.Jacket(r.Context(), file)
		switch {
		case err == nil:
			w.Header().Set("Content-Type", j.ContentType)
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
			w.Header().Set("Content-Length", strconv.Itoa(len(j.Data)))
			w.Write(j.Data)
			return
		case !errors.Is(err, archive.ErrNotFound):
			s.log.Error("jacket", "file", file, "err", err)
			w.Header().Set("Cache-Control", "no-store")
			s.writeTile(w, r)
			return
		}
	}
	w.Header().Set("Cache-Control", "public, max-age="+strconv.Itoa(jacketTileMaxAge))
	s.writeTile(w, r)
}

func (s *Server) writeTile(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	w.Header().Set("Content-Type", "image/svg+xml")
	// The tile is an image only: nothing in it may run or load.
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.Write(jacketTile(q.Get("d"), q.Get("t")))
}

// difficultyColours are the game's difficulty colours, light and dark.
var difficultyColours = map[string][2]string{
	"basic":    {"#6fe163", "#2f9e2a"},
	"advanced": {"#ffd04a", "#e89a00"},
	"expert":   {"#ff7b8a", "#d6304a"},
	"master":   {"#c17ef2", "#7d2fc4"},
	"remaster": {"#f3e6ff", "#b98ae6"},
	"utage":    {"#ff8bf0", "#d43fc0"},
}

// maxTileTitle bounds the title a tile draws and a jacket URL carries.
const maxTileTitle = 60

// jacketTile draws the offline tile: the difficulty's colour (grey for an
// unknown one) and the title in up to four lines.
func jacketTile(diff, title string) []byte {
	c, ok := difficultyColours[diff]
	if !ok {
		c = [2]string{"#c9ced6", "#6c757d"}
	}
	title = clean(title)
	// As large as the title allows: a jacket is often shown 60 px wide.
	size, lines := 30, wrapTitle(title, 6.3, 3)
	if len(lines) == 3 && strings.HasSuffix(lines[2], "…") {
		size, lines = 22, wrapTitle(title, 8.4, 4)
	}
	if len(lines) == 0 {
		lines = []string{"♪"}
	}
	var b strings.Builder
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200" width="200" height="200">`)
	fmt.Fprintf(&b, `<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="%s"/><stop offset="1" stop-color="%s"/></linearGradient></defs>`, c[0], c[1])
	b.WriteString(`<rect width="200" height="200" fill="url(#g)"/>`)
	b.WriteString(`<circle cx="200" cy="200" r="70" fill="#fff" fill-opacity=".18"/><circle cx="0" cy="0" r="46" fill="#fff" fill-opacity=".14"/>`)
	if len(lines) == 1 && utf8.RuneCountInString(lines[0]) <= 3 {
		size = 48
	}
	top := 100 - float64(len(lines)-1)*float64(size)*1.2/2 + float64(size)*0.35
	b.WriteString(`<g font-family="'Noto Sans CJK SC','Noto Sans CJK JP','PingFang SC','Hiragino Sans','Microsoft YaHei',Arial,sans-serif" font-weight="700" text-anchor="middle" fill="#fff" stroke="#000" stroke-opacity=".45" stroke-width="3" paint-order="stroke" stroke-linejoin="round">`)
	for i, l := range lines {
		fmt.Fprintf(&b, `<text x="100" y="%.1f" font-size="%d">%s</text>`, top+float64(i)*float64(size)*1.2, size, html.EscapeString(l))
	}
	b.WriteString(`</g></svg>`)
	return []byte(b.String())
}

// clean keeps at most maxTileTitle runes of a title, without the control
// characters XML cannot hold.
func clean(s string) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if r == utf8.RuneError || unicode.IsControl(r) || (r >= 0xfffe) || (r >= 0xd800 && r <= 0xdfff) {
			continue
		}
		if n == maxTileTitle {
			b.WriteRune('…')
			break
		}
		b.WriteRune(r)
		n++
	}
	return strings.TrimSpace(b.String())
}

// runeWidth is a rune's width in ems, roughly: CJK and full-width forms
// are square, Latin about half.
func runeWidth(r rune) float64 {
	switch {
	case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul), r >= 0xff00 && r <= 0xffef, r >= 0x3000 && r <= 0x303f:
		return 1
	case unicode.IsUpper(r):
		return 0.68
	}
	return 0.56
}

// wrapTitle breaks title into lines of at most width ems, at spaces where
// a line has one and anywhere in CJK text; a title longer than max lines
// ends in "…".
func wrapTitle(title string, width float64, max int) []string {
	var lines []string
	var cur []rune
	w := 0.0
	lastSpace := -1
	for _, r := range title {
		rw := runeWidth(r)
		if w+rw > width && len(cur) > 0 {
			cut := len(cur)
			if lastSpace > 0 && r != ' ' {
				cut = lastSpace
			}
			lines = append(lines, strings.TrimSpace(string(cur[:cut])))
			cur = append([]rune{}, cur[cut:]...)
			w, lastSpace = 0, -1
			for i, c := range cur {
				w += runeWidth(c)
				if c == ' ' {
					lastSpace = i
				}
			}
		}
		if r == ' ' {
			lastSpace = len(cur)
		}
		cur = append(cur, r)
		w += rw
	}
	if s := strings.TrimSpace(string(cur)); s != "" {
		lines = append(lines, s)
	}
	if len(lines) > max {
		last := []rune(lines[max-1])
		if len(last) > 1 {
			last = last[:len(last)-1]
		}
		lines = append(lines[:max-1], string(last)+"…")
	}
	return lines
}

// jacketURL is the template helper {{jacket file diff title}}: the URL of
// a chart's jacket, which answers the tile while the image is not stored.
func (s *Server) jacketURL(file string, diff any, title string) string {
	if !archive.ValidJacketFile(file) {
		file = "-"
	}
	return s.cfg.BasePath + "/jackets/" + url.PathEscape(file) + "?d=" + url.QueryEscape(fmt.Sprint(diff)) +
		"&t=" + url.QueryEscape(clean(title))
}

// markLabels are the icons there are, by kind and value, with the text
// the game writes for each.
var markLabels = map[string]map[string]string{
	"rank": {"sssp": "SSS+", "sss": "SSS", "ssp": "SS+", "ss": "SS", "sp": "S+", "s": "S", "aaa": "AAA", "aa": "AA",
		"a": "A", "bbb": "BBB", "bb": "BB", "b": "B", "c": "C", "d": "D"},
	"fc":   {"fc": "FC", "fcp": "FC+", "ap": "AP", "app": "AP+"},
	"fs":   {"sync": "SYNC", "fs": "FS", "fsp": "FS+", "fsd": "FDX", "fsdp": "FDX+"},
	"star": {"1": "★1", "2": "★2", "3": "★3", "4": "★4", "5": "★5"},
}

// iconFile is the static file of a mark, "" for an empty value (no mark:
// no FC, 0 DX stars), an error for a mark there is no icon of.
func iconFile(kind string, v any) (string, error) {
	val := fmt.Sprint(v)
	if val == "" || val == "0" {
		return "", nil
	}
	if _, ok := markLabels[kind][val]; !ok {
		return "", fmt.Errorf("web: no %s icon for %q", kind, val)
	}
	return "icons/" + kind + "-" + val + ".svg", nil
}

// iconURL is the template helper {{iconURL "fc" "ap"}}.
func (s *Server) iconURL(kind string, v any) (string, error) {
	f, err := iconFile(kind, v)
	if f == "" || err != nil {
		return "", err
	}
	return s.assets.url(s.cfg.BasePath)(f)
}

// icon is the template helper {{icon "fc" .FC}}: the mark's <img>, with
// its name as alt text and its size, so the row does not move while it
// loads; nothing for no mark.
func (s *Server) icon(kind string, v any) (template.HTML, error) {
	f, err := iconFile(kind, v)
	if f == "" || err != nil {
		return "", err
	}
	u, err := s.assets.url(s.cfg.BasePath)(f)
	if err != nil {
		return "", err
	}
	width := 64
	if kind == "star" {
		n, _ := strconv.Atoi(fmt.Sprint(v))
		width = n*26 + 6
	}
	label := markLabels[kind][fmt.Sprint(v)]
	return template.HTML(fmt.Sprintf(`<img class="mark mark-%s" src="%s" alt="%s" title="%s" width="%d" height="32">`,
		kind, html.EscapeString(u), html.EscapeString(label), html.EscapeString(label), width)), nil
}
