package web

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/rating"
	"github.com/maiprobe/maiprobe/internal/songs"
)

// TestYearWithoutPlays: /p/NAME/year of a player with no plays is a page
// saying what to import (200, both languages), not a bare 404; a year
// without plays of a player who has some stays 404 (TestYearPage).
func TestYearWithoutPlays(t *testing.T) {
	ap := newApp(t, Config{})
	ap.addUser("owner", "default")
	b := ap.browser()
	ap.mustLogin(b, "", "owner")
	for _, c := range []struct{ lang, want string }{{"zh", "还没有游玩记录"}, {"en", "No plays yet"}} {
		b.headers = map[string]string{"Accept-Language": c.lang}
		res := b.get("/p/default/year")
		if res.StatusCode != 200 || !strings.Contains(res.body, `id="year-empty"`) || !strings.Contains(res.body, c.want) {
			t.Errorf("%s: /p/default/year without plays: %d\n%.400s", c.lang, res.StatusCode, res.body)
		}
	}
}

// TestSongOrderShownWhenFolded: the song list's order is no filter, so the
// form stays folded; its summary names the order in use (a review found nothing told
// the list was sorted), and the stale order is called by what it counts.
func TestSongOrderShownWhenFolded(t *testing.T) {
	ap := generated(t, 300)
	b := ap.browser()
	body := mustGet(t, b, "/p/gen/songs?sort=stale")
	if !strings.Contains(body, `id="songs-order">· 排序：最多次未提高</span></summary>`) {
		t.Errorf("the folded filter does not name the stale order:\n%.1500s", body[strings.Index(body, "<details"):])
	}
	if strings.Contains(body, `<details class="filter-box" open`) {
		t.Error("an order alone opens the filter form")
	}
	if body := mustGet(t, b, "/p/gen/songs?sort=next_rank"); !strings.Contains(body, "排序：离下一评级最近") {
		t.Error("the folded filter does not name the next-rank order")
	}
	if body := mustGet(t, b, "/p/gen/songs"); strings.Contains(body, `id="songs-order"`) {
		t.Error("the song data's order is named as a sort")
	}
	b.headers = map[string]string{"Accept-Language": "en"}
	if body := mustGet(t, b, "/p/gen/songs?sort=stale"); !strings.Contains(body, "order: Most plays without improvement") {
		t.Error("the English page does not name the order")
	}
}

// TestLearnedConstantEverywhere: a chart whose constant the song data
// lacks but the plays pinned shows that constant, marked 估, with the
// best's rating on its chart page and in the song list, and its "+1"
// 分数线 is worked out with it (a review found "未知", no rating, "constant is not
// known" while the rating page counted it).
func TestLearnedConstantEverywhere(t *testing.T) {
	ap, b, _ := constantsApp(t, 3000)
	ctx := context.Background()
	r, err := ap.a.ConstantEstimates(ctx, "default")
	if err != nil {
		t.Fatal(err)
	}
	var e *archive.ConstantEstimate
	for i, x := range r.Estimates {
		if x.Status != "certain" || x.Difficulty == maimai.Utage {
			continue
		}
		cv, err := ap.a.Chart(ctx, "default", maimai.Chart{Title: x.Title, Type: x.Type, Difficulty: x.Difficulty})
		if err == nil && cv.Best != nil && cv.Best.Achievement < 1000000 {
			e = &r.Estimates[i]
			break
		}
	}
	if e == nil {
		t.Fatal("no pinned chart with a best below SSS to look at")
	}
	c := maimai.Chart{Title: e.Title, Type: e.Type, Difficulty: e.Difficulty}
	cv, err := ap.a.Chart(ctx, "default", c)
	if err != nil {
		t.Fatal(err)
	}
	rules, err := archive.RulesFor(maimai.CN, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	want := rules.ChartRating(rating.Constant(e.Constant), cv.Best.Achievement, cv.Best.FC)
	if cv.Info.Constant != e.Constant || !cv.Info.Estimated || cv.Info.ChartRating != want || want == 0 {
		t.Errorf("%s: chart info %+v, want constant %s estimated, rating %d", e.Title, cv.Info, e.Constant, want)
	}
	page := getOK(t, b, chartPath("default", c))
	card := page[strings.Index(page, `class="card`):]
	card = card[:strings.Index(card, "</article>")]
	if !strings.Contains(card, `<span class="constant" title="定数">`+e.Constant.String()+`</span> <span class="constant-est"`) ||
		!strings.Contains(card, fmt.Sprint(want)) {
		t.Errorf("the chart page's card lacks %s 估 or the rating %d:\n%s", e.Constant, want, card)
	}

	// The song list: the row of the chart, found by a search for it.
	list, err := ap.a.SongList(ctx, "default", archive.SongFilter{Query: e.Title, Difficulty: e.Difficulty, Type: e.Type}, 0, 50)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, sc := range list.Charts {
		if sc.Best != nil && sc.Best.Chart == c {
			found = true
			if sc.Constant != e.Constant || !sc.Estimated || sc.Rating != want {
				t.Errorf("song list: %s constant %s estimated %v rating %d; want %s, true, %d", e.Title, sc.Constant, sc.Estimated, sc.Rating, e.Constant, want)
			}
		}
	}
	if !found {
		t.Fatalf("the song list does not find %q", e.Title)
	}

	// +1: worked out with the learned constant.
	l, err := ap.a.Line(ctx, "default", c, "+1")
	if err != nil {
		var le *archive.LineError
		if !errors.As(err, &le) || le.Problem == archive.LineNoConstant {
			t.Fatalf("line +1 of %s: %v", e.Title, err)
		}
	} else if l.Constant != e.Constant || !l.ConstantEstimated || l.Target.Achievement <= cv.Best.Achievement {
		t.Errorf("line +1 of %s: constant %s estimated %v target %s (best %s)", e.Title, l.Constant, l.ConstantEstimated, l.Target.Achievement, cv.Best.Achievement)
	}
	if body := getOK(t, b, chartPath("default", c)+"&target=%2B1"); strings.Contains(body, "定数未知") {
		t.Errorf("the chart page's +1 says the constant is unknown")
	}
}

// TestConstantsPageWording: an estimate's plays are counted in all, with
// how many are listed ("依据：7 次游玩（只列出 6 次）", not "6 次游玩（另有 1
// 次）"), a change of nothing is "±0" as players write it, and each play
// shows what it allowed of the whole level, so the plays that narrowed
// are told from those that did not.
func TestConstantsPageWording(t *testing.T) {
	ap, b, _ := constantsApp(t, 3000)
	r, err := ap.a.ConstantEstimates(context.Background(), "default")
	if err != nil {
		t.Fatal(err)
	}
	body := getOK(t, b, "/p/default/constants?status=certain")
	zero, anyWide := false, false
	for _, e := range r.Estimates {
		if e.Status != "certain" {
			continue
		}
		wide := false
		for _, ev := range e.Evidence {
			zero = zero || ev.Delta == 0
			wide = wide || len(ev.Allowed) > 1
			if !slices.Contains(ev.Allowed, e.Constant) {
				t.Errorf("%s: a play shows %v without the estimate %s", e.Title, ev.Allowed, e.Constant)
			}
		}
		anyWide = anyWide || wide
	}
	if !anyWide {
		t.Error("every play of every pinned chart allows one constant: the evidence is the final answer, not each play's")
	}
	if strings.Contains(body, "（0）") {
		t.Error("a change of nothing is written （0）")
	}
	if zero && !strings.Contains(body, "（±0）") {
		t.Error("no play written with a change of ±0, though some changed nothing")
	}
	// Counted in all, with how many are listed.
	var ev []archive.ConstantEvidence
	for i := range maxEvidence + 1 {
		ev = append(ev, archive.ConstantEvidence{PlayID: int64(i + 1), Allowed: []songs.Constant{134}})
	}
	row := newConstantRow("default", maimai.CN, archive.ConstantEstimate{Title: "T", Type: maimai.DX, Difficulty: maimai.Master,
		Level: "13", Status: "certain", Constant: 134, Candidates: []songs.Constant{134}, Evidence: ev})
	if row.Plays != maxEvidence+1 || len(row.Evidence) != maxEvidence || row.More != 1 || row.Evidence[0].Delta != "±0" {
		t.Errorf("a row of %d plays: %d in all, %d listed, %d more, delta %q", maxEvidence+1, row.Plays, len(row.Evidence), row.More, row.Evidence[0].Delta)
	}
}

// TestPlayersWords: the pages say what CN players say — a rating band is
// a 框 (金框, 彩框: "首次上金框"), a visit is an 出勤, the players of a
// play are 拼机 — not 段位 colours, 游玩时段 or 同场玩家.
func TestPlayersWords(t *testing.T) {
	ap := generated(t, 600)
	b := ap.browser()
	bands := mustGet(t, b, "/p/gen/milestones?kind=band")
	if !regexp.MustCompile(`首次上(白|蓝|绿|黄|红|紫|铜|银|金|白金|彩)框（Rating \d+）`).MatchString(bands) {
		t.Errorf("no band milestone says 首次上…框（Rating N）:\n%.2000s", bands[strings.Index(bands, "<h1"):])
	}
	sessions := mustGet(t, b, "/p/gen/sessions")
	year := mustGet(t, b, "/p/gen/year/2026")
	for _, c := range []struct{ page, body, want string }{
		{"sessions", sessions, "<h1>出勤记录</h1>"}, {"sessions", sessions, "次出勤"}, {"year", year, "次出勤"}, {"year", year, "个出勤日"},
	} {
		if !strings.Contains(c.body, c.want) {
			t.Errorf("the %s page lacks %q", c.page, c.want)
		}
	}
	m := regexp.MustCompile(`href="(/p/gen/sessions/\d+)"`).FindStringSubmatch(sessions)
	if m == nil {
		t.Fatal("the sessions page links no visit report")
	}
	visit := mustGet(t, b, m[1])
	if strings.Contains(visit, `class="partners"`) && !strings.Contains(visit, "<h2>拼机</h2>") {
		t.Error("the visit report's partners are not headed 拼机")
	}
	for _, body := range []string{bands, sessions, year, visit} {
		for _, old := range []string{"游玩时段", "同场玩家", "彩虹", "颜色段位", "个时段"} {
			if strings.Contains(body, old) {
				t.Errorf("a page still says %q", old)
			}
		}
	}
}
