package b50img

import (
	"image"
	"image/color"
	"image/draw"
	"math"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// painter draws text and shapes on one picture. It is not safe for
// concurrent use (font faces keep buffers); each picture has its own.
type painter struct {
	dst    *image.RGBA
	fonts  *Fonts
	region maimai.Region
	faces  map[faceKey][]font.Face
	// missing are the characters no font had, drawn as placeholders.
	missing map[rune]bool
	rast    vector.Rasterizer
	mask    image.Alpha // a shape's coverage, reused
}

type faceKey struct {
	size float64
	bold bool
}

func newPainter(dst *image.RGBA, fonts *Fonts, region maimai.Region) *painter {
	return &painter{dst: dst, fonts: fonts, region: region, faces: map[faceKey][]font.Face{}, missing: map[rune]bool{}}
}

// chain is the faces tried for a character at size, in order.
func (p *painter) chain(size float64, bold bool) []font.Face {
	k := faceKey{size, bold}
	if fs, ok := p.faces[k]; ok {
		return fs
	}
	var fs []font.Face
	for _, f := range p.fonts.chain(p.region, bold) {
		fs = append(fs, newFace(f, size))
	}
	p.faces[k] = fs
	return fs
}

// newFace is f at size pixels.
func newFace(f *sfnt.Font, size float64) font.Face {
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		panic(err) // NewFace fails for no input it can be given
	}
	return face
}

// glyphFace is the first face of faces with a glyph for r, or nil.
func glyphFace(faces []font.Face, r rune) (font.Face, fixed.Int26_6) {
	for _, f := range faces {
		if adv, ok := f.GlyphAdvance(r); ok {
			return f, adv
		}
	}
	return nil, 0
}

// placeholderAdvance is the width of the box drawn for a character no font
// has, as a share of the size.
const placeholderAdvance = 0.7

// measure is the width of s at size in pixels.
func (p *painter) measure(s string, size float64, bold bool) float64 {
	faces := p.chain(size, bold)
	var w fixed.Int26_6
	for _, r := range s {
		if f, adv := glyphFace(faces, r); f != nil {
			w += adv
		} else if r >= ' ' {
			w += fixed.Int26_6(placeholderAdvance * size * 64)
		}
	}
	return float64(w) / 64
}

// fit cuts s to fit max pixels at size, ending it with an ellipsis when
// cut.
func (p *painter) fit(s string, size float64, bold bool, max float64) string {
	if p.measure(s, size, bold) <= max {
		return s
	}
	rs := []rune(s)
	for n := len(rs) - 1; n > 0; n-- {
		t := string(rs[:n]) + "…"
		if p.measure(t, size, bold) <= max {
			return t
		}
	}
	return "…"
}

// text draws s with its baseline starting at (x, y) and returns its width.
// A character no font has is drawn as a box and remembered in missing.
func (p *painter) text(x, y float64, s string, size float64, bold bool, c color.Color) float64 {
	faces := p.chain(size, bold)
	src := image.NewUniform(c)
	dot := fixed.Point26_6{X: fixed.Int26_6(x * 64), Y: fixed.Int26_6(y * 64)}
	start := dot.X
	for _, r := range s {
		f, _ := glyphFace(faces, r)
		if f == nil {
			if r < ' ' {
				continue
			}
			p.missing[r] = true
			w := placeholderAdvance * size
			fx := float64(dot.X) / 64
			p.strokeRect(fx+w*0.1, y-size*0.7, w*0.8, size*0.75, math.Max(1, size/14), c)
			dot.X += fixed.Int26_6(w * 64)
			continue
		}
		dr, mask, mp, adv, ok := f.Glyph(dot, r)
		if ok {
			draw.DrawMask(p.dst, dr, src, image.Point{}, mask, mp, draw.Over)
		}
		dot.X += adv
	}
	return float64(dot.X-start) / 64
}

// textRight draws s ending at x.
func (p *painter) textRight(x, y float64, s string, size float64, bold bool, c color.Color) float64 {
	w := p.measure(s, size, bold)
	p.text(x-w, y, s, size, bold, c)
	return w
}

// roundRect adds a rounded rectangle's outline to the rasterizer, moved
// by -o (the rasterizer covers only the shape's bounds).
func (p *painter) roundRect(x, y, w, h, r float64, o image.Point) {
	z := &p.rast
	r = math.Min(r, math.Min(w, h)/2)
	k := float32(0.5523 * r) // cubic control distance for a quarter circle
	X, Y, W, H, R := float32(x)-float32(o.X), float32(y)-float32(o.Y), float32(w), float32(h), float32(r)
	z.MoveTo(X+R, Y)
	z.LineTo(X+W-R, Y)
	z.CubeTo(X+W-R+k, Y, X+W, Y+R-k, X+W, Y+R)
	z.LineTo(X+W, Y+H-R)
	z.CubeTo(X+W, Y+H-R+k, X+W-R+k, Y+H, X+W-R, Y+H)
	z.LineTo(X+R, Y+H)
	z.CubeTo(X+R-k, Y+H, X, Y+H-R+k, X, Y+H-R)
	z.LineTo(X, Y+R)
	z.CubeTo(X, Y+R-k, X+R-k, Y, X+R, Y)
	z.ClosePath()
}

// fill paints src (in picture coordinates) through a rounded rectangle.
// One colour goes straight through the rasterizer (its fast path); a
// gradient or an image is blended by hand through the shape's mask, as
// the rasterizer's general path costs an interface call and an
// allocation per pixel.
func (p *painter) fill(x, y, w, h, r float64, src image.Image) {
	b := image.Rect(int(math.Floor(x)), int(math.Floor(y)), int(math.Ceil(x+w)), int(math.Ceil(y+h))).Intersect(p.dst.Bounds())
	if b.Empty() {
		return
	}
	p.rast.Reset(b.Dx(), b.Dy())
	p.roundRect(x, y, w, h, r, b.Min)
	var colourAt func(x, y int) color.RGBA
	switch s := src.(type) {
	case *gradient:
		colourAt = s.table()
	case *image.RGBA:
		colourAt = s.RGBAAt
	default:
		p.rast.DrawOp = draw.Over
		p.rast.Draw(p.dst, b, src, b.Min)
		return
	}
	if cap(p.mask.Pix) < b.Dx()*b.Dy() {
		p.mask.Pix = make([]uint8, b.Dx()*b.Dy())
	}
	p.mask.Pix, p.mask.Stride, p.mask.Rect = p.mask.Pix[:b.Dx()*b.Dy()], b.Dx(), image.Rect(0, 0, b.Dx(), b.Dy())
	clear(p.mask.Pix)
	p.rast.DrawOp = draw.Src
	p.rast.Draw(&p.mask, p.mask.Rect, image.Opaque, image.Point{})
	for my := range b.Dy() {
		for mx := range b.Dx() {
			m := uint32(p.mask.Pix[my*p.mask.Stride+mx])
			if m == 0 {
				continue
			}
			c := colourAt(b.Min.X+mx, b.Min.Y+my)
			i := p.dst.PixOffset(b.Min.X+mx, b.Min.Y+my)
			d := p.dst.Pix[i : i+4 : i+4]
			sa := uint32(c.A) * m / 255
			for k, sc := range [3]uint8{c.R, c.G, c.B} {
				d[k] = uint8((uint32(sc)*m + uint32(d[k])*(255-sa)) / 255)
			}
			d[3] = uint8(sa + uint32(d[3])*(255-sa)/255)
		}
	}
}

// fillColour paints a rounded rectangle in one colour.
func (p *painter) fillColour(x, y, w, h, r float64, c color.Color) {
	p.fill(x, y, w, h, r, image.NewUniform(c))
}

// strokeRect draws a rectangle's outline of width lw.
func (p *painter) strokeRect(x, y, w, h, lw float64, c color.Color) {
	src := image.NewUniform(c)
	for _, r := range [][4]float64{{x, y, w, lw}, {x, y + h - lw, w, lw}, {x, y, lw, h}, {x + w - lw, y, lw, h}} {
		p.fill(r[0], r[1], r[2], r[3], 0, src)
	}
}

// scaleInto draws src scaled to fill dst.
func scaleInto(dst *image.RGBA, src image.Image) {
	xdraw.CatmullRom.Scale(dst, dst.Bounds(), src, src.Bounds(), xdraw.Src, nil)
}

// image draws img scaled into a rounded square.
func (p *painter) image(img image.Image, x, y, size, r float64) {
	n := int(size)
	scaled := image.NewRGBA(image.Rect(0, 0, n, n).Add(image.Pt(int(x), int(y))))
	scaleInto(scaled, img)
	p.fill(x, y, size, size, r, scaled)
}

// gradient is a vertical (or horizontal) linear gradient through stops
// spread evenly over the rectangle.
type gradient struct {
	r          image.Rectangle
	stops      []color.RGBA
	horizontal bool
}

func (g *gradient) ColorModel() color.Model { return color.RGBAModel }
func (g *gradient) Bounds() image.Rectangle { return image.Rect(-1e9, -1e9, 1e9, 1e9) }
func (g *gradient) At(x, y int) color.Color {
	t := float64(y-g.r.Min.Y) / float64(max(1, g.r.Dy()))
	if g.horizontal {
		t = float64(x-g.r.Min.X) / float64(max(1, g.r.Dx()))
	}
	t = math.Max(0, math.Min(1, t))
	if len(g.stops) == 1 {
		return g.stops[0]
	}
	f := t * float64(len(g.stops)-1)
	i := int(f)
	if i >= len(g.stops)-1 {
		return g.stops[len(g.stops)-1]
	}
	return mix(g.stops[i], g.stops[i+1], f-float64(i))
}

// table is the gradient as a lookup by row (or column), for fill.
func (g *gradient) table() func(x, y int) color.RGBA {
	lo, n := g.r.Min.Y, g.r.Dy()
	if g.horizontal {
		lo, n = g.r.Min.X, g.r.Dx()
	}
	lut := make([]color.RGBA, max(1, n))
	for i := range lut {
		if g.horizontal {
			lut[i] = g.At(lo+i, 0).(color.RGBA)
		} else {
			lut[i] = g.At(0, lo+i).(color.RGBA)
		}
	}
	at := func(v int) color.RGBA { return lut[min(max(v-lo, 0), len(lut)-1)] }
	if g.horizontal {
		return func(x, _ int) color.RGBA { return at(x) }
	}
	return func(_, y int) color.RGBA { return at(y) }
}

// mix is a+(b-a)·t per channel.
func mix(a, b color.RGBA, t float64) color.RGBA {
	l := func(x, y uint8) uint8 { return uint8(math.Round(float64(x) + (float64(y)-float64(x))*t)) }
	return color.RGBA{l(a.R, b.R), l(a.G, b.G), l(a.B, b.B), l(a.A, b.A)}
}

// hex is the colour #rrggbb.
func hex(v uint32) color.RGBA {
	return color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 0xff}
}
