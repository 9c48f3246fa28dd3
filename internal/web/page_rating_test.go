package web

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/fixtures"
)

// ratingRows reads title, constant, rating and next step off the rating
// cards of a page (those with a rating: the B50).
func ratingRows(body string) [][]string {
	var out [][]string
	for _, c := range cards(body) {
		if r := cardField(c, "chart-rating"); r != "" {
			out = append(out, []string{cardField(c, "title"), cardField(c, "constant"), r, cardField(c, "next")})
		}
	}
	return out
}

func TestRatingPage(t *testing.T) {
	_, b := songsApp(t, true)
	body := getOK(t, b, "/p/default/rating")
	// New: ウミユリ海底譚 13.7 at 100.7654% = 308 (capped at 100.5%).
	// Old: Help me 12.9 × 20.8 × 99.0012% = 265.6; Scatman 8.0 × 11.2 ×
	// 72.5% = 64.96. The utage and the blank-titled chart never count.
	if !strings.Contains(body, `id="rating-total">637</span>`) || !strings.Contains(body, "新曲 308 &#43; 旧曲 329") {
		t.Errorf("total is not 637 = 308 + 329:\n%s", body)
	}
	want := [][]string{
		{"ウミユリ海底譚", "13.7", "308", ""},
		// 266 / (12.9 × 20.8) = 99.13536%: the next rating step.
		{"Help me, ERINNNNNN!!", "12.9", "265", "99.1354% → 266"},
		// 65 / (8.0 × 11.2) = 72.54464%.
		{"Scatman (Ski Ba Bop Ba Dop Bop)", "8.0", "64", "72.5447% → 65"},
	}
	got := ratingRows(body)
	if len(got) != len(want) {
		t.Fatalf("rating rows %q, want %q", got, want)
	}
	for i := range want {
		if strings.Join(got[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d: %q, want %q", i, got[i], want[i])
		}
	}
	if !strings.Contains(body, `"offset":28800`) {
		t.Error("the rating chart does not draw its axis in CN time (UTC+8)")
	}
	if !strings.Contains(body, "有 1 张玩过的谱面定数未知") {
		t.Error("the blank-titled chart without a constant is not reported")
	}
}

// TestRatingHistoryBesideSite: a saved home page's rating is drawn and
// listed beside the rating computed from the archive at that time.
func TestRatingHistoryBesideSite(t *testing.T) {
	ap, b := songsApp(t, true)
	res := ap.a.Import(context.Background(), "default", archive.Source{Name: "home.html", Data: dxnetTestdata(t, "home-cn-2020.html"),
		ObservedAt: time.Date(2026, 11, 22, 1, 0, 0, 0, time.UTC)})
	if res.Err != nil {
		t.Fatalf("import home: %v", res.Err)
	}
	body := getOK(t, b, "/p/default/rating")
	pts, err := ap.a.RatingHistory(context.Background(), "default")
	if err != nil {
		t.Fatal(err)
	}
	var site *archive.RatingPoint
	for i := range pts {
		if pts[i].Site > 0 {
			site = &pts[i]
		}
	}
	if site == nil {
		t.Fatalf("no point with a site rating in %+v", pts)
	}
	row := `<td class="num" data-label="计算值">` + strconv.Itoa(site.Computed) + `</td><td class="num" data-label="官网">` + strconv.Itoa(site.Site) + "</td>"
	if !strings.Contains(body, row) {
		t.Errorf("the comparison lacks %q", row)
	}
	if !strings.Contains(body, `"label":"计算值"`) || !strings.Contains(body, `"label":"官网"`) {
		t.Error("the chart lacks the computed or the site series")
	}
}

// TestRatingRealCN: the real CN song data and the CN record fixtures.
func TestRatingRealCN(t *testing.T) {
	ap, b := realCNApp(t)
	ctx := context.Background()
	res := ap.a.Import(ctx, "default", archive.Source{Name: "home.html", Data: fixtures.ReadDXNet(t, "cn/home-mainetcn-1.html"), ObservedAt: time.Date(2026, 11, 22, 1, 0, 0, 0, time.UTC)})
	if res.Err != nil {
		t.Fatalf("import home: %v", res.Err)
	}
	body := getOK(t, b, "/p/default/rating")
	rows := ratingRows(body)
	if len(rows) != 35 {
		t.Errorf("%d charts with a rating, want 35 (the record pages' charts fill the old table)", len(rows))
	}
	// diving-fish lists both masters at 14.5: 最強STRONGER at SSS+ is
	// 14.5 × 22.4 × 100.5% = 326.4; ouroboros at SSS is 14.5 × 21.6 = 313.2,
	// and 314 / (14.5 × 21.6) = 100.2555%.
	for _, want := range [][]string{
		{"最強STRONGER", "14.5", "326", ""},
		{"ouroboros -twin stroke of the end-", "14.5", "313", "100.2555% → 314"},
	} {
		found := false
		for _, r := range rows {
			found = found || strings.Join(r, "|") == strings.Join(want, "|")
		}
		if !found {
			t.Errorf("no row %q in %q", want, rows)
		}
	}
	if !strings.Contains(body, `id="rating-total">10714</span>`) {
		t.Error("the B50 total is not 10714")
	}
	// The home page showed 14374; two record pages hold only the latest
	// plays, so the computed rating is lower.
	if !strings.Contains(body, `<td class="num" data-label="计算值">10714</td><td class="num" data-label="官网">14374</td><td class="num" data-label="差值">-3660</td>`) {
		t.Error("the site's 14374 is not beside the computed 10714")
	}
}

// dxnetTestdata reads one of the parser's synthetic pages.
func dxnetTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "dxnet", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSavedPageTimeAgrees: the rating page's "page saved" table prints a
// snapshot's time as the profile page does, in the clock of the page's own
// region. (A player's pages are all of one region since players are bound
// to one in-game player; the JP photo is another player's.)
func TestSavedPageTimeAgrees(t *testing.T) {
	ap, b := songsApp(t, true)
	ctx := context.Background()
	// 16:54 UTC is 00:54 the next day in CN (UTC+8), 01:54 in JP.
	res := ap.a.Import(ctx, "default", archive.Source{Name: "home.html", Data: dxnetTestdata(t, "home-cn-2020.html"),
		ObservedAt: time.Date(2026, 11, 22, 16, 54, 0, 0, time.UTC)})
	if res.Err != nil {
		t.Fatalf("import home: %v", res.Err)
	}
	res = ap.a.Import(ctx, "jp", archive.Source{Name: "photo.html", Data: dxnetTestdata(t, "photo-jp-album.html"),
		ObservedAt: time.Date(2026, 11, 23, 3, 0, 0, 0, time.UTC)})
	if res.Err != nil {
		t.Fatalf("import photo: %v", res.Err)
	}
	const want, wrong = "2026-11-23 00:54", "2026-11-23 01:54"
	for _, path := range []string{"/p/default/profile", "/p/default/rating"} {
		t.Run(path, func(t *testing.T) {
			body := getOK(t, b, path)
			if !strings.Contains(body, want) || strings.Contains(body, wrong) {
				t.Errorf("the CN home page saved at 16:54 UTC does not show as %s", want)
			}
		})
	}
}
