package cli

import (
	"bytes"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// table lines up tab-separated cells like text/tabwriter, but by the
// width a terminal gives each character: tabwriter counts a Chinese or
// Japanese character (two columns on a terminal) as one, so every column
// after a CJK title slid left. Write whole lines with tabs between cells;
// the last cell of a line is not padded; Flush writes the table.
type table struct {
	w       io.Writer
	pad     int
	partial bytes.Buffer
	lines   [][]string
}

// newTable is a table writing to w with pad spaces between columns.
func newTable(w io.Writer, pad int) *table { return &table{w: w, pad: pad} }

func (t *table) Write(p []byte) (int, error) {
	t.partial.Write(p)
	for {
		b := t.partial.Bytes()
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			break
		}
		t.lines = append(t.lines, strings.Split(string(b[:i]), "\t"))
		t.partial.Next(i + 1)
	}
	return len(p), nil
}

// Flush writes the lines seen so far, each column as wide as its widest
// cell (a line's last cell excluded) plus the padding.
func (t *table) Flush() error {
	if t.partial.Len() > 0 {
		t.Write([]byte("\n"))
	}
	var widths []int
	for _, cells := range t.lines {
		for i, c := range cells[:len(cells)-1] {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	var out strings.Builder
	for _, cells := range t.lines {
		for i, c := range cells {
			out.WriteString(c)
			if i < len(cells)-1 {
				out.WriteString(strings.Repeat(" ", widths[i]-displayWidth(c)+t.pad))
			}
		}
		out.WriteByte('\n')
	}
	t.lines = nil
	_, err := io.WriteString(t.w, out.String())
	return err
}

// displayWidth is how many terminal columns s takes: East Asian wide and
// fullwidth characters two, combining marks and format characters none,
// the rest one (the ranges of Unicode's EastAsianWidth W and F, merged).
func displayWidth(s string) int {
	n := 0
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		s = s[size:]
		switch {
		case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf):
		case wide(r):
			n += 2
		default:
			n++
		}
	}
	return n
}

func wide(r rune) bool {
	switch {
	case r < 0x1100:
		return false
	case r <= 0x115F, // Hangul Jamo
		r >= 0x2E80 && r <= 0x303E, // CJK radicals, punctuation
		r >= 0x3041 && r <= 0x33FF, // kana, CJK symbols
		r >= 0x3400 && r <= 0x4DBF, // CJK extension A
		r >= 0x4E00 && r <= 0x9FFF, // CJK ideographs
		r >= 0xA000 && r <= 0xA4CF, // Yi
		r >= 0xAC00 && r <= 0xD7A3, // Hangul syllables
		r >= 0xF900 && r <= 0xFAFF, // CJK compatibility ideographs
		r >= 0xFE30 && r <= 0xFE4F, // CJK compatibility forms
		r >= 0xFF00 && r <= 0xFF60, // fullwidth forms
		r >= 0xFFE0 && r <= 0xFFE6,
		r >= 0x1F300 && r <= 0x1F64F, // pictographs, emoticons
		r >= 0x1F900 && r <= 0x1F9FF,
		r >= 0x20000 && r <= 0x3FFFD: // CJK extensions B–
		return true
	}
	return false
}
