package b50img

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/songs"
)

// cjkTitles are real chart titles in Japanese and Chinese.
var cjkTitles = []string{
	"系ぎて", "宙天", "ツムギボシ", "氷滅の135小節", "超熊猫的周遊記（ワンダーパンダートラベラー）",
	"アンノウン・マザーグース", "天火明命", "躯樹の墓守", "初音ミクの消失", "养乐多の追忆", "华夏", "白鳥の湖",
}

// sampleRating is a made-up B50 at 2026-01-10 in region, with the CJK
// titles among Latin ones and every difficulty, rank and mark.
func sampleRating(region maimai.Region) *archive.PlayerRating {
	latin := []string{"PANDORA PARADOXXX", "Xaleid◆scopiX", "QZKago Requiem", "the EmpErroR", "Garakuta Doll Play",
		"World's end loneliness", "VERTeX", "sølips", "Ragnarok", "INTERNET OVERDOSE", "Alea jacta est!",
		"Lamentation of the Sea, a Very Long Title That Will Not Fit On One Card"}
	diffs := []maimai.Difficulty{maimai.Master, maimai.ReMaster, maimai.Expert, maimai.Advanced, maimai.Basic}
	ranks := []maimai.Rank{maimai.RankSSSP, maimai.RankSSS, maimai.RankSSP, maimai.RankSS, maimai.RankSP, maimai.RankS, maimai.RankAAA}
	fcs := []maimai.FC{maimai.APP, maimai.AP, maimai.FCP, maimai.FCN, maimai.NoFC}
	fss := []maimai.FS{maimai.FSDP, maimai.FSD, maimai.FSP, maimai.FSN, maimai.Sync, maimai.NoFS}
	entry := func(i int) archive.RatingEntry {
		title := latin[i%len(latin)]
		if i%2 == 0 {
			title = cjkTitles[(i/2)%len(cjkTitles)]
		}
		typ := maimai.DX
		if i%3 == 0 {
			typ = maimai.Std
		}
		c := songs.Constant(150 - i/2)
		return archive.RatingEntry{Title: title, Type: typ, Difficulty: diffs[i%len(diffs)], Level: fmt.Sprintf("%d+", c/10),
			Constant: c, Achievement: maimai.Achievement(1005000 - i*1237), Rank: ranks[i%len(ranks)], FC: fcs[i%len(fcs)],
			FS: fss[i%len(fss)], Rating: 340 - i*3}
	}
	pr := &archive.PlayerRating{Player: "default", Region: region, At: time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC),
		Version: "舞萌DX 2025", Era: "B50"}
	for i := range 50 {
		e := entry(i)
		if i < 15 {
			pr.New = append(pr.New, e)
			pr.NewTotal += e.Rating
		} else {
			pr.Old = append(pr.Old, e)
			pr.OldTotal += e.Rating
		}
	}
	pr.Total = pr.NewTotal + pr.OldTotal
	return pr
}

var labels = Labels{New: "新版本曲目", Old: "旧版本曲目", Sum: "合计", Empty: "没有成绩", Footer: "maiprobe · %s"}

// cjkFonts loads the system's CJK font or skips when there is none.
func cjkFonts(t testing.TB) *Fonts {
	t.Helper()
	fs, err := LoadFonts(context.Background(), os.Getenv("MAIPROBE_FONT"))
	if err != nil {
		t.Fatal(err)
	}
	if fs.File == "" {
		t.Skip("no CJK font on this system (Debian: apt-get install fonts-noto-cjk); CI installs it")
	}
	return fs
}

// save writes img under MAIPROBE_B50IMG_OUT when set, to look at.
func save(t *testing.T, name string, b []byte) {
	if dir := os.Getenv("MAIPROBE_B50IMG_OUT"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestCJKTitles draws Chinese and Japanese titles with the system's CJK
// font and checks every character had a glyph: none fell back to a box.
func TestCJKTitles(t *testing.T) {
	fs := cjkFonts(t)
	for _, region := range []maimai.Region{maimai.CN, maimai.JP} {
		t.Run(string(region), func(t *testing.T) {
			pr := sampleRating(region)
			var buf bytes.Buffer
			l, err := WritePNG(&buf, pr, Options{Name: "ＭＡＩ☆でらっくす", Labels: labels, Fonts: fs})
			if err != nil {
				t.Fatal(err)
			}
			save(t, "cjk-"+string(region)+".png", buf.Bytes())
			if len(l.Missing) != 0 {
				t.Errorf("characters without a glyph in %s: %q", fs.File, string(l.Missing))
			}
			seen := map[string]bool{}
			for _, c := range l.Cards {
				if c.Missing != 0 {
					t.Errorf("card %q: %d characters drawn as boxes", c.Title, c.Missing)
				}
				seen[c.Title] = true
			}
			for _, title := range cjkTitles[:10] {
				if !seen[title] {
					t.Errorf("title %q was not laid out", title)
				}
			}
			checkPNG(t, buf.Bytes(), l)
		})
	}
}

// TestEstimatedConstantMarked: a constant learned from plays is drawn
// with Labels.Estimated after it, as the rating page marks it: the
// picture changes with the label when a card's constant is estimated,
// and not when none is.
func TestEstimatedConstantMarked(t *testing.T) {
	fs, err := LoadFonts(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	draw := func(pr *archive.PlayerRating, est string) ([]byte, *Layout) {
		l := labels
		l.Estimated = est
		var buf bytes.Buffer
		lay, err := WritePNG(&buf, pr, Options{Labels: l, Fonts: fs})
		if err != nil {
			t.Fatal(err)
		}
		return buf.Bytes(), lay
	}
	plain := sampleRating(maimai.CN)
	a, _ := draw(plain, "")
	b, _ := draw(plain, "est.")
	if !bytes.Equal(a, b) {
		t.Error("the label changed a picture with no estimated constant")
	}
	learned := sampleRating(maimai.CN)
	learned.Old[3].Estimated = true
	a, _ = draw(learned, "")
	b, lay := draw(learned, "est.")
	if bytes.Equal(a, b) {
		t.Error("the estimated constant is drawn the same with and without its mark")
	}
	for i, c := range lay.Cards {
		if want := c.Section == "old" && c.N == 4; c.Estimated != want {
			t.Errorf("card %d (%s #%d): Estimated %v, want %v", i, c.Section, c.N, c.Estimated, want)
		}
	}
}

// TestNoCJKFont draws with Go's Latin fonts only: Latin titles render, CJK
// characters are counted as missing, drawn as boxes and noted in the
// picture.
func TestNoCJKFont(t *testing.T) {
	fs, err := LoadFonts(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	fs.File, fs.regular, fs.bold = "", nil, nil // as on a system without CJK fonts
	var buf bytes.Buffer
	l, err := WritePNG(&buf, sampleRating(maimai.CN), Options{Labels: labels, Fonts: fs})
	if err != nil {
		t.Fatal(err)
	}
	save(t, "nofont.png", buf.Bytes())
	if !strings.ContainsRune(string(l.Missing), '宙') || !strings.ContainsRune(string(l.Missing), 'ぎ') {
		t.Errorf("missing %q: want the CJK characters of the titles", string(l.Missing))
	}
	for _, c := range l.Cards {
		latin := !strings.ContainsFunc(c.Title, func(r rune) bool { return r >= 0x2000 })
		if latin && c.Missing != 0 {
			t.Errorf("Latin title %q: %d characters drawn as boxes", c.Title, c.Missing)
		}
		if !latin && c.Missing == 0 {
			t.Errorf("CJK title %q: no character counted missing without a CJK font", c.Title)
		}
	}
	checkPNG(t, buf.Bytes(), l)
}

// TestFontOverride: --font takes the file given, and refuses one that is
// no font or has no CJK glyphs.
func TestFontOverride(t *testing.T) {
	dir := t.TempDir()
	notFont := filepath.Join(dir, "x.ttf")
	os.WriteFile(notFont, []byte("not a font"), 0o644)
	if _, err := LoadFonts(context.Background(), notFont); err == nil || !strings.Contains(err.Error(), "not a TrueType") {
		t.Errorf("a file that is no font: %v", err)
	}
	if _, err := LoadFonts(context.Background(), filepath.Join(dir, "none.ttc")); err == nil {
		t.Error("a missing file is no error")
	}
	fs := cjkFonts(t)
	got, err := LoadFonts(context.Background(), fs.File)
	if err != nil || got.File != fs.File {
		t.Errorf("override with %s: %v, %q", fs.File, err, got.File)
	}
}

// TestLayoutMatchesRating: the cards laid out are the rating's tables in
// order, each with its title, achievement and rating, in three columns,
// inside the picture and not overlapping.
func TestLayoutMatchesRating(t *testing.T) {
	fs, err := LoadFonts(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	pr := sampleRating(maimai.JP)
	pr.Old = pr.Old[:7] // a short last row
	_, l, err := Draw(pr, Options{Labels: labels, Fonts: fs})
	if err != nil {
		t.Fatal(err)
	}
	want := append(append([]archive.RatingEntry{}, pr.New...), pr.Old...)
	if len(l.Cards) != len(want) {
		t.Fatalf("%d cards, want %d", len(l.Cards), len(want))
	}
	for i, c := range l.Cards {
		e := want[i]
		sec, n := "new", i+1
		if i >= len(pr.New) {
			sec, n = "old", i-len(pr.New)+1
		}
		if c.Section != sec || c.N != n || c.Title != e.Title || c.Achievement != e.Achievement.String()+"%" || c.Rating != e.Rating ||
			c.Constant != e.Constant.String() || c.Rank != e.Rank || c.FC != e.FC || c.FS != e.FS {
			t.Errorf("card %d: %+v, want %s #%d %+v", i, c, sec, n, e)
		}
		if !c.Rect.In(image.Rect(0, 0, l.Width, l.Height)) {
			t.Errorf("card %d at %v outside the %dx%d picture", i, c.Rect, l.Width, l.Height)
		}
		for j := range i {
			if c.Rect.Overlaps(l.Cards[j].Rect) {
				t.Errorf("cards %d and %d overlap", i, j)
			}
		}
		if col := (c.N - 1) % columns; c.Rect.Min.X != margin+col*(cardW+gap) {
			t.Errorf("card %d in column at x=%d", i, c.Rect.Min.X)
		}
		if c.Shown != c.Title && !strings.HasSuffix(c.Shown, "…") {
			t.Errorf("card %d shows %q for %q", i, c.Shown, c.Title)
		}
	}
	if l.Total != pr.Total || l.Name != "default" {
		t.Errorf("header: %q %d", l.Name, l.Total)
	}
}

// TestJacket draws a chart's jacket where one is given and a tile where
// not.
func TestJacket(t *testing.T) {
	fs, err := LoadFonts(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	jk := image.NewRGBA(image.Rect(0, 0, 200, 200))
	for i := range jk.Pix {
		jk.Pix[i] = 0xff // white
	}
	pr := sampleRating(maimai.CN)
	img, l, err := Draw(pr, Options{Labels: labels, Fonts: fs, Jacket: func(e archive.RatingEntry) image.Image {
		if e.Title == pr.New[0].Title {
			return jk
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	at := func(c Card) color.RGBA {
		return img.RGBAAt(c.Rect.Min.X+pad+jacket/2, c.Rect.Min.Y+pad+jacket/2+20)
	}
	if c := l.Cards[0]; !c.Jacket || at(c) != (color.RGBA{255, 255, 255, 255}) {
		t.Errorf("card 0 with a jacket: %v at its middle", at(c))
	}
	if c := l.Cards[1]; c.Jacket || at(c) == (color.RGBA{255, 255, 255, 255}) {
		t.Errorf("card 1 without a jacket: jacket %v, %v at its middle", c.Jacket, at(c))
	}
}

// checkPNG decodes a picture and checks its size against the layout and
// that it is not blank: many colours, and the card areas differ from the
// background.
func checkPNG(t *testing.T, b []byte, l *Layout) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds().Dx() != l.Width || img.Bounds().Dy() != l.Height || l.Width < 1080 || l.Width > 1440 {
		t.Errorf("size %v, layout %dx%d", img.Bounds(), l.Width, l.Height)
	}
	colours := map[color.Color]bool{}
	for y := 0; y < img.Bounds().Dy(); y += 7 {
		for x := 0; x < img.Bounds().Dx(); x += 7 {
			colours[img.At(x, y)] = true
		}
	}
	if len(colours) < 500 {
		t.Errorf("only %d colours: a blank picture?", len(colours))
	}
}

// BenchmarkDraw draws a full B50 (50 cards, CJK titles, tiles): the
// drawing alone and with PNG encoding, as the CLI and the web do.
func BenchmarkDraw(b *testing.B) {
	fs, err := LoadFonts(context.Background(), "")
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("CJK font: %q", fs.File)
	pr := sampleRating(maimai.CN)
	b.Run("draw", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := Draw(pr, Options{Labels: labels, Fonts: fs}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("png", func(b *testing.B) {
		for b.Loop() {
			var buf bytes.Buffer
			if _, err := WritePNG(&buf, pr, Options{Labels: labels, Fonts: fs}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkLoadFonts finds and reads the fonts: once per maiprobe rating
// --png, once per server.
func BenchmarkLoadFonts(b *testing.B) {
	for b.Loop() {
		if _, err := LoadFonts(context.Background(), ""); err != nil {
			b.Fatal(err)
		}
	}
}
