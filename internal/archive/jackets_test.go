package archive

import (
	"bytes"
	"context"
	"encoding/base64"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/dxnet"
	"github.com/maiprobe/maiprobe/internal/fixtures"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

// pngBytes is a tiny but real PNG header and chunk, what DetectContentType
// calls image/png.
var pngBytes = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{7}, 64)...)

// TestJacketIndexFromRealPages imports real record and musicDetail pages
// and finds each play's jacket by title, in its region and, for a title the
// region's pages never showed, from another region's.
func TestJacketIndexFromRealPages(t *testing.T) {
	ctx := context.Background()
	a := openTest(t, filepath.Join(t.TempDir(), "a.db"))
	a.now = func() time.Time { return time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC) }
	want := map[maimai.Region]map[string]string{}
	for _, f := range []string{"cn/record-mainetcn-1.html", "intl/record-minty-1.html", "intl/musicDetail-minty-1.html"} {
		b := fixtures.ReadDXNet(t, f)
		page, err := dxnet.Parse(b)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		region := page.Head().Region
		if want[region] == nil {
			want[region] = map[string]string{}
		}
		switch p := page.(type) {
		case *dxnet.RecordPage:
			for _, pl := range p.Plays {
				want[region][pl.Title] = pl.Jacket
			}
		case *dxnet.MusicDetailPage:
			want[region][p.Title] = p.Jacket
		}
		if res := a.Import(ctx, fixtureOwner(filepath.Base(f)), Source{Name: f, Data: b, ObservedAt: a.now()}); res.Status != Added {
			t.Fatalf("%s: %s %v", f, res.Status, res.Err)
		}
	}
	for region, titles := range want {
		var list []string
		for title := range titles {
			list = append(list, title)
		}
		got, err := a.JacketsFor(ctx, region, append(list, "no such song"))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(titles) {
			t.Errorf("%s: %d jackets found, want %d", region, len(got), len(titles))
		}
		for title, file := range titles {
			if !ValidJacketFile(file) {
				t.Errorf("%s %q: the page's jacket %q is not a jacket file name", region, title, file)
			}
			if got[title] != file {
				t.Errorf("%s %q: jacket %q, want %q", region, title, got[title], file)
			}
			if one := a.JacketFor(ctx, region, title); one != file {
				t.Errorf("JacketFor(%s, %q) = %q, want %q", region, title, one, file)
			}
		}
	}
	// The musicDetail page is intl's only; JP has no pages at all and
	// finds it through intl.
	var title, file string
	for title, file = range want[maimai.Intl] {
		break
	}
	if got := a.JacketFor(ctx, maimai.JP, title); got != file {
		t.Errorf("JacketFor(jp, %q) = %q, want intl's %q", title, got, file)
	}
}

// TestJacketAmbiguousTitle: two songs of one title with different jackets
// give no jacket rather than perhaps the wrong one.
func TestJacketAmbiguousTitle(t *testing.T) {
	ctx := context.Background()
	a := openTest(t, filepath.Join(t.TempDir(), "a.db"))
	p := window(0, 2)
	p.Plays[0].Chart.Title, p.Plays[1].Chart.Title = "Link", "Link"
	p.Plays[0].Jacket, p.Plays[1].Jacket = "aaaaaaaaaaaaaaaa.png", "bbbbbbbbbbbbbbbb.png"
	if res := a.importPage(ctx, "alice", source(t, "record", p), p); res.Status != Added {
		t.Fatalf("%s %v", res.Status, res.Err)
	}
	if got := a.JacketFor(ctx, maimai.CN, "Link"); got != "" {
		t.Errorf("JacketFor(Link) = %q, want none of two", got)
	}
	missing, err := a.MissingJackets(ctx, 10)
	if err != nil || strings.Join(missing, ",") != "aaaaaaaaaaaaaaaa.png,bbbbbbbbbbbbbbbb.png" {
		t.Errorf("missing jackets %v %v", missing, err)
	}
}

// TestStoreJacket: jackets are kept once for everyone, and only images with
// a jacket's name and size are.
func TestStoreJacket(t *testing.T) {
	ctx := context.Background()
	a := openTest(t, filepath.Join(t.TempDir(), "a.db"))
	jpeg := append([]byte{0xff, 0xd8, 0xff, 0xe0}, bytes.Repeat([]byte{1}, 32)...)
	for _, c := range []struct {
		name  string
		file  string
		data  []byte
		added bool
		err   string
	}{
		{"png", "9cf73e43ce65b3a9.png", pngBytes, true, ""},
		{"again", "9cf73e43ce65b3a9.png", jpeg, false, ""},
		{"jpeg", "0123456789abcdef.jpg", jpeg, true, ""},
		{"path", "../etc/passwd.png", pngBytes, false, "not a jacket file name"},
		{"markup", "<b>.png", pngBytes, false, "not a jacket file name"},
		{"svg", "evil.png", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), false, "is not a PNG"},
		{"html", "error.png", []byte("<!DOCTYPE html><html>maintenance</html>"), false, "is not a PNG"},
		{"empty", "empty.png", nil, false, "no data"},
		{"huge", "huge.png", append(pngBytes, make([]byte, MaxJacketSize)...), false, "over the 2 MB limit"},
	} {
		t.Run(c.name, func(t *testing.T) {
			added, err := a.StoreJacket(ctx, c.file, c.data)
			if added != c.added || (err == nil) != (c.err == "") || (err != nil && !strings.Contains(err.Error(), c.err)) {
				t.Fatalf("StoreJacket(%q) = %v, %v; want %v, %q", c.file, added, err, c.added, c.err)
			}
		})
	}
	j, err := a.Jacket(ctx, "9cf73e43ce65b3a9.png")
	if err != nil || j.ContentType != "image/png" || !bytes.Equal(j.Data, pngBytes) || !j.FetchedAt.Equal(testNow) {
		t.Errorf("stored jacket %s %d bytes %s %v", j.ContentType, len(j.Data), j.FetchedAt, err)
	}
	if _, err := a.Jacket(ctx, "ffffffffffffffff.png"); !isNotFound(err) {
		t.Errorf("unknown jacket: %v, want not found", err)
	}
	have, err := a.StoredJackets(ctx, []string{"9cf73e43ce65b3a9.png", "ffffffffffffffff.png", "0123456789abcdef.jpg"})
	if err != nil || len(have) != 2 || !have["0123456789abcdef.jpg"] {
		t.Errorf("stored jackets %v %v", have, err)
	}
}

// TestExportJackets: the jackets a player's plays show travel in the
// export, once, and come back byte for byte; a jacket no exported row
// names stays out; a restore checks each jacket as the fetcher does.
func TestExportJackets(t *testing.T) {
	for _, db := range []string{"sqlite", "mysql", "postgres"} {
		t.Run(db, func(t *testing.T) {
			ctx := context.Background()
			a := openDB(t, db)
			p := window(0, 3)
			if res := a.importPage(ctx, "alice", source(t, "record", p), p); res.Status != Added {
				t.Fatalf("%s %v", res.Status, res.Err)
			}
			named := p.Plays[0].Jacket
			for _, f := range []string{named, "ffffffffffffffff.png"} {
				if _, err := a.StoreJacket(ctx, f, pngBytes); err != nil {
					t.Fatal(err)
				}
			}
			first := export(t, a)
			if !bytes.Contains(first, []byte(`"file": "`+named+`"`)) || bytes.Contains(first, []byte("ffffffffffffffff.png")) {
				t.Fatalf("the export's jackets are wrong:\n%s", clip(first))
			}
			b := openDB(t, db)
			// A login's or a token's restore leaves shared jackets alone.
			if res := b.ImportWith(ctx, Source{Name: "alice.json", Data: export(t, a, "alice")}, ImportOptions{Player: "alice"}); res.Status == Rejected || res.Added.Jackets != 0 {
				t.Fatalf("restore by a login: %s %+v %v, want no jacket", res.Status, res.Added, res.Err)
			}
			if _, err := b.Jacket(ctx, named); err == nil {
				t.Fatal("a login's restore stored a jacket every player sees")
			}
			res := b.ImportWith(ctx, Source{Name: "export.json", Data: first}, ImportOptions{AllPlayers: true, Operator: true})
			if res.Status != Added || res.Added.Jackets != 1 {
				t.Fatalf("restore: %s %+v %v", res.Status, res.Added, res.Err)
			}
			j, err := b.Jacket(ctx, named)
			if err != nil || !bytes.Equal(j.Data, pngBytes) || j.ContentType != "image/png" || !j.FetchedAt.Equal(testNow) {
				t.Errorf("restored jacket %s %s %d bytes %v", j.ContentType, j.FetchedAt, len(j.Data), err)
			}
			if got := b.JacketFor(ctx, maimai.CN, p.Plays[0].Title); got != named {
				t.Errorf("restored index: JacketFor = %q, want %q", got, named)
			}
			if res := b.ImportWith(ctx, Source{Name: "export.json", Data: first}, ImportOptions{AllPlayers: true, Operator: true}); res.Status != Unchanged || res.Added.Jackets != 0 {
				t.Errorf("second restore: %s %+v %v", res.Status, res.Added, res.Err)
			}
			// A restore takes what a fetch would take, and nothing else.
			for _, c := range []struct {
				name     string
				from, to string
				err      string
			}{
				{"svg", base64Of(pngBytes), base64Of([]byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)), "is not a PNG"},
				{"path", `"file": "` + named + `"`, `"file": "../../x.png"`, "not a jacket file name"},
				{"huge", base64Of(pngBytes), base64Of(append(pngBytes, make([]byte, MaxJacketSize)...)), "over the 2 MB limit"},
			} {
				bad := bytes.Replace(first, []byte(c.from), []byte(c.to), 1)
				if bytes.Equal(bad, first) {
					t.Fatalf("%s: nothing replaced", c.name)
				}
				c2 := openDB(t, db)
				res := c2.ImportWith(ctx, Source{Name: c.name + ".json", Data: bad}, ImportOptions{AllPlayers: true})
				if res.Status != Rejected || !strings.Contains(res.Err.Error(), "jacket 1") || !strings.Contains(res.Err.Error(), c.err) {
					t.Errorf("%s: %s %v", c.name, res.Status, res.Err)
				}
			}
		})
	}
}

func base64Of(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// TestRatingJacketsFromIndex: the B50's entries take their jackets from the
// jacket index, so a chart known only from a musicDetail page (no play of
// it in the archive) has its jacket too, and a best on a score list gets
// the one the musicDetail page drew beside the same title.
func TestRatingJacketsFromIndex(t *testing.T) {
	ctx := context.Background()
	a := openTest(t, filepath.Join(t.TempDir(), "a.db"))
	a.now = func() time.Time { return time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC) }
	var title, file string
	for _, f := range []string{"intl/musicDetail-minty-1.html", "intl/musicGenre-minty-1.html"} {
		b := fixtures.ReadDXNet(t, f)
		page, err := dxnet.Parse(b)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if p, ok := page.(*dxnet.MusicDetailPage); ok {
			title, file = p.Title, p.Jacket
		}
		if res := a.Import(ctx, "minty", Source{Name: f, Data: b, ObservedAt: a.now()}); res.Status != Added {
			t.Fatalf("%s: %s %v", f, res.Status, res.Err)
		}
	}
	if title == "" || !ValidJacketFile(file) {
		t.Fatalf("the musicDetail page gave title %q, jacket %q", title, file)
	}
	r, err := a.Rating(ctx, "minty", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, list := range [][]RatingEntry{r.New, r.Old, r.Unknown} {
		for _, e := range list {
			if e.Title != title {
				continue
			}
			found++
			if e.Jacket != file {
				t.Errorf("%s %s: jacket %q, want the musicDetail page's %q", e.Title, e.Difficulty, e.Jacket, file)
			}
		}
	}
	if found == 0 {
		t.Fatalf("no rating entry of %q among %d bests", title, r.Bests)
	}
}
