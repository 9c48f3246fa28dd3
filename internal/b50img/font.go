package b50img

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// KnownFontPaths are the CJK fonts looked for, in order, when fc-match is
// not installed or names no font with Chinese and Japanese glyphs: Debian
// and Ubuntu (fonts-noto-cjk, fonts-wqy-*), Arch and Fedora, macOS and
// Windows.
var KnownFontPaths = []string{
	"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
	"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
	"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
	"/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",
	"/System/Library/Fonts/Hiragino Sans GB.ttc",
	"/Library/Fonts/Arial Unicode.ttf",
	`C:\Windows\Fonts\msyh.ttc`,
	`C:\Windows\Fonts\simhei.ttf`,
}

// cjkProbe are characters a font must have to count as a CJK font: Chinese
// (simplified and shared) and Japanese kana.
const cjkProbe = "中国舞萌あア"

// Fonts are the typefaces a picture is drawn with: a CJK font found on the
// system (regular and, when there is one, bold) tried first, then Go's own
// fonts for Latin text. Fonts is safe for concurrent use.
type Fonts struct {
	// File is the CJK font's file, "" when none was found: then only Latin
	// text renders and other characters are drawn as placeholders.
	File     string
	BoldFile string
	regular  *family
	bold     *family
	goReg    *sfnt.Font
	goBold   *sfnt.Font
}

// family is one CJK font file: a single font or a collection.
type family struct {
	fonts []*sfnt.Font
	names []string // family name of each
	index int      // the font fc-match chose, or 0
}

// pick chooses the collection's font for region: the simplified Chinese
// cut for CN, the Japanese one for JP and intl (their titles are mostly
// Japanese), by the family names Noto and Source Han give them.
func (f *family) pick(region maimai.Region) *sfnt.Font {
	want := []string{" JP", "Japanese"}
	if region == maimai.CN {
		want = []string{" SC", "Simplified", " CN"}
	}
	for _, w := range want {
		for i, n := range f.names {
			if strings.Contains(n, w) {
				return f.fonts[i]
			}
		}
	}
	return f.fonts[f.index]
}

// LoadFonts finds the fonts to draw with. override (--font, MAIPROBE_FONT)
// is a font file (.ttf, .otf or .ttc) used as given, and an error when it
// cannot be read or has no Chinese and Japanese glyphs. Without it,
// fc-match is asked for a sans-serif font for Chinese, then
// KnownFontPaths are tried; when none is found the Fonts draw Latin text
// only (File is ""), which is not an error.
func LoadFonts(ctx context.Context, override string) (*Fonts, error) {
	fs := &Fonts{}
	var err error
	if fs.goReg, err = sfnt.Parse(goregular.TTF); err != nil {
		return nil, err
	}
	if fs.goBold, err = sfnt.Parse(gobold.TTF); err != nil {
		return nil, err
	}
	if override != "" {
		f, err := loadFamily(override, 0)
		if err != nil {
			return nil, fmt.Errorf("font %s: %w", override, err)
		}
		if !f.covers(cjkProbe) {
			return nil, fmt.Errorf("font %s: has no Chinese and Japanese glyphs (%s)", override, cjkProbe)
		}
		fs.File, fs.regular = override, f
		fs.findBold(ctx, false)
		return fs, nil
	}
	for _, c := range fontCandidates(ctx, "sans-serif:lang=zh-cn") {
		f, err := loadFamily(c.file, c.index)
		if err != nil || !f.covers(cjkProbe) {
			continue
		}
		fs.File, fs.regular = c.file, f
		fs.findBold(ctx, true)
		return fs, nil
	}
	return fs, nil
}

// findBold looks for the bold weight of the regular CJK font: the file
// beside it named Bold instead of Regular (Noto CJK), or, when ask is
// set (the font was not given by the user), what fc-match gives for bold
// when it is another file with CJK glyphs. Without one, bold text uses the
// regular CJK font.
func (fs *Fonts) findBold(ctx context.Context, ask bool) {
	var cands []candidate
	if strings.Contains(fs.File, "Regular") {
		cands = append(cands, candidate{file: strings.Replace(fs.File, "Regular", "Bold", 1)})
	}
	if ask {
		cands = append(cands, fcMatch(ctx, "sans-serif:lang=zh-cn:weight=bold")...)
	}
	for _, c := range cands {
		if c.file == fs.File {
			continue
		}
		if f, err := loadFamily(c.file, c.index); err == nil && f.covers(cjkProbe) {
			fs.BoldFile, fs.bold = c.file, f
			return
		}
	}
}

// candidate is a font file and the index of a font in it.
type candidate struct {
	file  string
	index int
}

// fontCandidates are the files to try: fc-match's answer, then the known
// paths.
func fontCandidates(ctx context.Context, pattern string) []candidate {
	out := fcMatch(ctx, pattern)
	for _, p := range KnownFontPaths {
		out = append(out, candidate{file: p})
	}
	return out
}

// fcMatch asks fontconfig's fc-match for the font of pattern; nothing when
// fc-match is not installed or fails.
func fcMatch(ctx context.Context, pattern string) []candidate {
	path, err := exec.LookPath("fc-match")
	if err != nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, "-f", "%{file}\n%{index}\n", pattern).Output()
	if err != nil {
		return nil
	}
	lines := strings.Split(string(bytes.TrimSpace(out)), "\n")
	if len(lines) == 0 || lines[0] == "" {
		return nil
	}
	c := candidate{file: lines[0]}
	if len(lines) > 1 {
		c.index, _ = strconv.Atoi(strings.TrimSpace(lines[1]))
	}
	return []candidate{c}
}

// loadFamily reads a font file: a collection (.ttc, .otc) or one font.
func loadFamily(file string, index int) (*family, error) {
	if !filepath.IsAbs(file) && !strings.Contains(file, string(filepath.Separator)) {
		file = "./" + file
	}
	src, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	f := &family{}
	if coll, err := opentype.ParseCollection(src); err == nil && coll.NumFonts() > 0 {
		for i := range coll.NumFonts() {
			font, err := coll.Font(i)
			if err != nil {
				return nil, err
			}
			f.fonts = append(f.fonts, font)
		}
	} else {
		font, err := opentype.Parse(src)
		if err != nil {
			return nil, errors.New("not a TrueType or OpenType font or collection")
		}
		f.fonts = []*sfnt.Font{font}
	}
	var buf sfnt.Buffer
	for _, font := range f.fonts {
		n, _ := font.Name(&buf, sfnt.NameIDFamily)
		f.names = append(f.names, n)
	}
	if index >= 0 && index < len(f.fonts) {
		f.index = index
	}
	return f, nil
}

// covers reports whether the family's chosen font has a glyph for every
// character of s.
func (f *family) covers(s string) bool {
	var buf sfnt.Buffer
	font := f.fonts[f.index]
	for _, r := range s {
		if x, err := font.GlyphIndex(&buf, r); err != nil || x == 0 {
			return false
		}
	}
	return true
}

// chain is the fonts tried for a character, in order, for a region and
// weight.
func (fs *Fonts) chain(region maimai.Region, bold bool) []*sfnt.Font {
	var out []*sfnt.Font
	cjk := fs.regular
	if bold && fs.bold != nil {
		cjk = fs.bold
	}
	if cjk != nil {
		out = append(out, cjk.pick(region))
	}
	if bold {
		return append(out, fs.goBold, fs.goReg)
	}
	return append(out, fs.goReg)
}
