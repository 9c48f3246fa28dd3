package e2e

import (
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/maiprobe/maiprobe/internal/web"
)

// TestForeignImportInBrowser uploads a diving-fish JSON and an Lxns CSV on
// the import page, which names their formats in words, then checks at
// phone and laptop width that the song list and the B50 page badge the
// bests they brought, the chart page says where its best came from, and
// nothing scrolls sideways.
func TestForeignImportInBrowser(t *testing.T) {
	t.Parallel()
	browser := newChromium(t)
	s := startServer(t, web.Config{})
	tb := newTab(t, browser, "8-interchange")
	setupOwner(t, tb, s, s.Origin)

	var files []string
	for _, f := range []string{"divingfish-records.json", "lxns.csv"} {
		p, err := filepath.Abs(filepath.Join("..", "interchange", "testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	tb.open(s.App+"/p/"+playerName+"/import", http.StatusOK)
	tb.run("choose files", chromedp.SetUploadFiles(chromedp.CSS(`form input[type=file][name=files]`), files))
	tb.submit(`form[action$="/import"]`, http.StatusOK)
	tb.wantText("import results", "diving-fish scores (JSON)", "Lxns scores (CSV)")
	if body := tb.text(); strings.Contains(body, "interchange:") {
		t.Errorf("the import results show a raw kind:\n%s", clip(body, 1500))
	}

	chart := "/chart?" + url.Values{"title": {"PANDORA PARADOXXX"}, "type": {"std"}, "diff": {"remaster"}}.Encode()
	pages := []pageCheck{
		{name: "songs-imported", path: "/songs?played=1", texts: []string{"Songs", "PANDORA PARADOXXX"}},
		{name: "rating-imported", path: "/rating", texts: []string{"Rating"}},
		{name: "chart-imported", path: chart, texts: []string{"PANDORA PARADOXXX", "from a Lxns import · 2024-01-01"}},
	}
	checkPages(t, tb, s.App, pages)
	for _, sz := range widths {
		tb.resize(sz)
		for _, p := range pages[:2] {
			tb.open(s.App+"/p/"+playerName+p.path, http.StatusOK)
			n := eval[int](tb, `[...document.querySelectorAll('.badge.prov')].filter(b => b.offsetWidth > 0 && /from a (diving-fish|Lxns) import/.test(b.title)).length`)
			if n == 0 {
				t.Errorf("%s at %s px: no visible badge on the imported bests", p.name, sz.name)
			}
		}
	}
}
