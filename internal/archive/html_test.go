package archive

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"text/template"
	"time"

	"github.com/maiprobe/maiprobe/internal/dxnet"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

// recordTmpl renders a CN record page (testdata/record-cn.html.tmpl) of
// the given plays, so tests and benchmarks can go through the parser.
var recordTmpl = template.Must(template.New("record-cn.html.tmpl").Funcs(template.FuncMap{
	"cnTime": func(t time.Time) string { return t.In(maimai.CN.Location()).Format("2006/01/02 15:04") },
	"achievement": func(a maimai.Achievement) string {
		s := a.String()
		return strings.Replace(s, ".", `<span class="f_20">.`, 1) + "%</span>"
	},
	"comma": func(n int) string {
		if n >= 1000 {
			return fmt.Sprintf("%d,%03d", n/1000, n%1000)
		}
		return fmt.Sprint(n)
	},
	"typeImg": func(t maimai.ChartType) string {
		if t == maimai.DX {
			return "music_dx.png"
		}
		return "music_standard.png"
	},
	"rankImg": func(r maimai.Rank) string {
		if strings.HasSuffix(string(r), "p") {
			return strings.TrimSuffix(string(r), "p") + "plus.png"
		}
		return string(r) + ".png"
	},
	"fcImg": func(f maimai.FC) string {
		if f == maimai.NoFC {
			return "fc_dummy.png"
		}
		if strings.HasSuffix(string(f), "p") {
			return strings.TrimSuffix(string(f), "p") + "plus.png"
		}
		return string(f) + ".png"
	},
	"fsImg": func(f maimai.FS) string {
		switch f {
		case maimai.NoFS:
			return "sync_dummy.png"
		case maimai.FSD:
			return "fdx.png"
		case maimai.FSDP:
			return "fdxplus.png"
		case maimai.FSP:
			return "fsplus.png"
		}
		return string(f) + ".png"
	},
}).ParseFiles("testdata/record-cn.html.tmpl"))

// recordHTML renders a record page of plays (newest first) as the CN site
// would.
func recordHTML(t testing.TB, plays []maimai.Play) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := recordTmpl.Execute(&b, plays); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestRecordHTML checks the synthetic page reads back as the plays it was
// made of, so the tests built on it test the archive.
func TestRecordHTML(t *testing.T) {
	want := window(0, 50)
	page, err := dxnet.Parse(recordHTML(t, want.Plays))
	if err != nil {
		t.Fatal(err)
	}
	got, ok := page.(*dxnet.RecordPage)
	if !ok || got.Region != maimai.CN || len(got.Plays) != 50 {
		t.Fatalf("parsed %T %+v", page, page.Head())
	}
	for i, g := range got.Plays {
		w := want.Plays[i]
		if g.Title != w.Title || g.Chart != w.Chart || g.Achievement != w.Achievement || g.Rank != w.Rank ||
			g.DXScore != w.DXScore || g.DXScoreMax != w.DXScoreMax || g.FC != w.FC || g.FS != w.FS ||
			g.Idx != w.Idx || !g.PlayedAt.Equal(w.PlayedAt) || g.Track != w.Track {
			t.Errorf("play %d:\n got %+v\nwant %+v", i+1, g, w)
		}
	}
}
