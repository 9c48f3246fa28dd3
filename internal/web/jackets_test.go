package web

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"html/template"
	"io/fs"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/maiprobe/maiprobe/internal/rating"
)

// png is the start of a PNG file: enough for the archive to take it as one.
var png = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{9}, 40)...)

// TestJacketRoute: a stored jacket is served as what it is, cacheable
// forever; anything else is an SVG tile (never a 404), which draws the
// title as text even when it is markup.
func TestJacketRoute(t *testing.T) {
	for _, base := range []string{"", "/release"} {
		t.Run("base="+base, func(t *testing.T) {
			ap := newApp(t, Config{BasePath: base})
			if _, err := ap.a.StoreJacket(context.Background(), "9cf73e43ce65b3a9.png", png); err != nil {
				t.Fatal(err)
			}
			b := ap.browser()
			for _, c := range []struct {
				name, path  string
				ctype       string
				cache       string
				body, lacks []string
			}{
				{"stored", "/jackets/9cf73e43ce65b3a9.png?d=master&t=x", "image/png", "public, max-age=31536000, immutable", []string{string(png)}, nil},
				{"missing", "/jackets/0000000000000000.png?d=master&t=" + "%E7%BE%A4%E9%9D%92%E3%82%B7%E3%82%B0%E3%83%8A%E3%83%AB",
					"image/svg+xml", "public, max-age=3600", []string{"#7d2fc4", "群青シグナル"}, nil},
				{"no jacket", "/jackets/-?d=basic&t=Link", "image/svg+xml", "public, max-age=3600", []string{"#2f9e2a", ">Link<"}, nil},
				{"markup title", "/jackets/-?d=expert&t=%3Cscript%3Ealert(1)%3C%2Fscript%3E", "image/svg+xml", "public, max-age=3600",
					[]string{"&lt;script&gt;", "&lt;/scri"}, []string{"<script", "</script"}},
				{"unknown difficulty", "/jackets/-?d=%22%3E&t=", "image/svg+xml", "public, max-age=3600", []string{"#6c757d", "♪"}, nil},
				{"path", "/jackets/..%2F..%2Fweb.db", "image/svg+xml", "public, max-age=3600", nil, []string{"SQLite"}},
			} {
				t.Run(c.name, func(t *testing.T) {
					res := b.get(base + c.path)
					if res.StatusCode != 200 || res.Header.Get("Content-Type") != c.ctype || res.Header.Get("Cache-Control") != c.cache {
						t.Fatalf("%s: %d %q %q", c.path, res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Cache-Control"))
					}
					if res.Header.Get("X-Content-Type-Options") != "nosniff" {
						t.Error("no nosniff")
					}
					for _, s := range c.body {
						if !strings.Contains(res.body, s) {
							t.Errorf("the answer lacks %q:\n%s", s, res.body)
						}
					}
					body := res.body
					if c.ctype == "image/svg+xml" {
						// The tile must be well-formed XML or the browser shows
						// a broken image.
						body = strings.Replace(body, `<svg xmlns="http://www.w3.org/2000/svg"`, "<svg", 1)
						if err := xml.Unmarshal([]byte(res.body), new(struct{})); err != nil {
							t.Errorf("the tile is not XML: %v\n%s", err, res.body)
						}
					}
					for _, s := range c.lacks {
						if strings.Contains(body, s) {
							t.Errorf("the answer holds %q:\n%s", s, res.body)
						}
					}
				})
			}
			// The template helper builds the URL under the base path.
			got := ap.s.jacketURL("9cf73e43ce65b3a9.png", "master", "A & B")
			if want := base + "/jackets/9cf73e43ce65b3a9.png?d=master&t=A+%26+B"; got != want {
				t.Errorf("jacket URL %q, want %q", got, want)
			}
			if got := ap.s.jacketURL("../x", "basic", ""); got != base+"/jackets/-?d=basic&t=" {
				t.Errorf("jacket URL of a bad name: %q", got)
			}
		})
	}
}

// TestWrapTitle: titles break at spaces, CJK anywhere, and stop at four
// lines.
func TestWrapTitle(t *testing.T) {
	for _, c := range []struct {
		title string
		want  []string
	}{
		{"Link", []string{"Link"}},
		{"", nil},
		{"The Wonders of the Universe", []string{"The", "Wonders of", "the", "Universe"}},
		{"群青シグナルと夜明けのうた", []string{"群青シグナルと夜", "明けのうた"}},
		{strings.Repeat("あ", 40), []string{strings.Repeat("あ", 8), strings.Repeat("あ", 8), strings.Repeat("あ", 8), strings.Repeat("あ", 7) + "…"}},
	} {
		if got := wrapTitle(c.title, 8.4, 4); fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("wrapTitle(%q) = %q, want %q", c.title, got, c.want)
		}
	}
}

// markConstants reads internal/maimai's source for every constant of type
// Rank, FC and FS: a mark added to the model fails this test until it has
// an icon.
func markConstants(t *testing.T) map[string][]string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "maimai")
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, dir, func(fi fs.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{"Rank": "rank", "FC": "fc", "FS": "fs"}
	out := map[string][]string{}
	for _, pkg := range pkgs {
		for _, f := range pkg.Files {
			for _, d := range f.Decls {
				gd, ok := d.(*ast.GenDecl)
				if !ok || gd.Tok != token.CONST {
					continue
				}
				for _, spec := range gd.Specs {
					vs := spec.(*ast.ValueSpec)
					id, ok := vs.Type.(*ast.Ident)
					if !ok || kinds[id.Name] == "" {
						continue
					}
					for _, v := range vs.Values {
						lit, ok := v.(*ast.BasicLit)
						if !ok {
							t.Fatalf("a %s constant that is not a literal", id.Name)
						}
						s, _ := strconv.Unquote(lit.Value)
						out[kinds[id.Name]] = append(out[kinds[id.Name]], s)
					}
				}
			}
		}
	}
	return out
}

// TestEveryMarkHasAnIcon: each rank, FC and FS value of the model and each
// DX star count has an icon, served as SVG; no mark but "none" lacks one;
// every icon file is a mark's.
func TestEveryMarkHasAnIcon(t *testing.T) {
	ap := newApp(t, Config{})
	marks := markConstants(t)
	if len(marks["rank"]) != 14 || len(marks["fc"]) != 5 || len(marks["fs"]) != 6 {
		t.Fatalf("read %d ranks, %d FC and %d FS marks from the model: %v", len(marks["rank"]), len(marks["fc"]), len(marks["fs"]), marks)
	}
	stars := map[int]bool{}
	for score := 0; score <= 3000; score++ {
		stars[rating.DXStars(score, 3000)] = true
	}
	for n := range stars {
		marks["star"] = append(marks["star"], strconv.Itoa(n))
	}
	if len(stars) != 6 {
		t.Errorf("DX stars take %d values, want 0…5", len(stars))
	}
	used := map[string]bool{}
	b := ap.browser()
	for kind, vals := range marks {
		for _, v := range vals {
			img, err := ap.s.icon(kind, v)
			if err != nil {
				t.Errorf("%s %q: %v", kind, v, err)
				continue
			}
			if v == "" || v == "0" {
				if img != "" {
					t.Errorf("%s %q (no mark) has an icon %s", kind, v, img)
				}
				continue
			}
			u, _ := ap.s.iconURL(kind, v)
			label := markLabels[kind][v]
			if !strings.Contains(string(img), `src="`+u+`"`) || !strings.Contains(string(img), `alt="`+label+`"`) {
				t.Errorf("%s %q: %s", kind, v, img)
			}
			res := b.get(u)
			if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/svg+xml" {
				t.Errorf("%s %q: %s answers %d %s", kind, v, u, res.StatusCode, res.Header.Get("Content-Type"))
				continue
			}
			var svg struct {
				XMLName xml.Name
				ViewBox string `xml:"viewBox,attr"`
				Title   string `xml:"title"`
			}
			if err := xml.Unmarshal([]byte(res.body), &svg); err != nil || svg.XMLName.Local != "svg" ||
				!strings.HasSuffix(svg.ViewBox, " 32") || svg.Title == "" {
				t.Errorf("%s %q: not an SVG 32 high with a title: %+v %v", kind, v, svg, err)
			}
			if strings.Contains(res.body, "<script") || strings.Contains(res.body, "href") {
				t.Errorf("%s %q: the icon holds a script or a link", kind, v)
			}
			used["icons/"+kind+"-"+v+".svg"] = true
		}
	}
	if _, err := ap.s.icon("fc", "xx"); err == nil {
		t.Error("an unknown mark has an icon")
	}
	for name := range ap.s.assets.hashed {
		if strings.HasPrefix(name, "icons/") && !used[name] {
			t.Errorf("%s is no mark's icon", name)
		}
	}
}

// TestIconTemplateHelpers: the helpers work in a template as the cards
// use them.
func TestIconTemplateHelpers(t *testing.T) {
	ap := newApp(t, Config{BasePath: "/m"})
	tm := template.Must(template.New("x").Funcs(ap.s.funcs(nil)).Parse(
		`{{icon "rank" .Rank}}|{{icon "fc" .FC}}|{{icon "star" .Stars}}|{{jacket .Jacket .Diff .Title}}`))
	var out bytes.Buffer
	err := tm.Execute(&out, map[string]any{"Rank": "sssp", "FC": "", "Stars": 5, "Jacket": "", "Diff": "remaster", "Title": `"Q"`})
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(out.String(), "|")
	if len(parts) != 4 || !strings.HasPrefix(parts[0], `<img class="mark mark-rank" src="/m/static/icons/rank-sssp.`) ||
		!strings.Contains(parts[0], `alt="SSS+"`) || parts[1] != "" || !strings.Contains(parts[2], `width="136"`) ||
		parts[3] != "/m/jackets/-?d=remaster&amp;t=%22Q%22" {
		t.Errorf("rendered %q", out.String())
	}
}
