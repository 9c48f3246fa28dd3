package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/history"
)

// TestMilestonesPage: the timeline lists the archive's firsts newest
// first, each linked to a play of the player that reached what it says,
// grouped by month, filtered by kind, in both languages; private players'
// milestones are the owner's only.
func TestMilestonesPage(t *testing.T) {
	ap := generated(t, 600)
	ctx := context.Background()
	ms, err := ap.a.Milestones(ctx, "gen")
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 {
		t.Fatal("a generated archive of 600 plays has no milestones")
	}
	b := ap.browser()
	body := mustGet(t, b, "/p/gen/milestones")
	if !strings.Contains(body, fmt.Sprintf("共 %d 个里程碑", len(ms))) {
		t.Errorf("the page does not count %d milestones", len(ms))
	}
	// Every milestone's play is the player's and reached what it says.
	links := regexp.MustCompile(`href="/p/gen/plays/(\d+)"`).FindAllStringSubmatch(body, -1)
	if len(links) == 0 {
		t.Fatal("no milestone links to a play")
	}
	for _, m := range ms[:min(len(ms), 40)] {
		if m.PlayID == 0 {
			continue
		}
		pv, err := ap.a.PlayByID(ctx, "gen", m.PlayID)
		if err != nil {
			t.Fatalf("milestone %+v: %v", m, err)
		}
		p := pv.Play
		switch m.Kind {
		case history.KindRank:
			if m.Value == "sssp" && p.Achievement < 1005000 || m.Value == "sss" && p.Achievement < 1000000 {
				t.Errorf("milestone %s %s by a play of %s", m.Level, m.Value, p.Achievement)
			}
		case history.KindCombo:
			if string(p.FC) != m.Value {
				t.Errorf("milestone %s by a play with FC %q", m.Value, p.FC)
			}
		}
	}
	// Newest first.
	for i := 1; i < len(ms); i++ {
		if ms[i].At.After(ms[i-1].At) {
			t.Fatalf("milestone %d (%s) is newer than the one before (%s)", i, ms[i].At, ms[i-1].At)
		}
	}
	combo := mustGet(t, b, "/p/gen/milestones?kind=combo")
	if strings.Contains(combo, "milestone-rank") || !strings.Contains(combo, "milestone-combo") {
		t.Error("the combo filter shows other kinds, or no combo milestone")
	}
	b.headers = map[string]string{"Accept-Language": "en"}
	if body := mustGet(t, b, "/p/gen/milestones"); !strings.Contains(body, "first") || !strings.Contains(body, "milestones") {
		t.Error("the English page lacks its words")
	}
	if err := ap.a.SetPublic(ctx, "gen", false); err != nil {
		t.Fatal(err)
	}
	if res := ap.browser().get("/p/gen/milestones"); res.StatusCode == http.StatusOK {
		t.Errorf("a private player's milestones answer %d to a stranger", res.StatusCode)
	}
}

// TestVisitReport: each visit of the sessions page links its report; the
// report holds the visit's plays with their usual, the per-chart counts,
// the warm-up curve's data, and links to the visits around it.
func TestVisitReport(t *testing.T) {
	ap := generated(t, 600)
	ctx := context.Background()
	b := ap.browser()
	sessions := mustGet(t, b, "/p/gen/sessions")
	m := regexp.MustCompile(`href="(/p/gen/sessions/(\d+))"`).FindAllStringSubmatch(sessions, -1)
	if len(m) < 2 {
		t.Fatalf("the sessions page links %d reports", len(m))
	}
	list, err := ap.a.Visits(ctx, "gen", 0, 1, 1) // the second newest
	if err != nil {
		t.Fatal(err)
	}
	v := list.Visits[0]
	path := "/p/gen/sessions/" + strconv.FormatInt(v.FirstPlay, 10)
	if m[1][1] != path {
		t.Errorf("the second visit links %s, want %s", m[1][1], path)
	}
	body := mustGet(t, b, path)
	if !strings.Contains(body, `rel="prev"`) || !strings.Contains(body, `rel="next"`) {
		t.Error("the report of a middle visit does not link both neighbours")
	}
	rep, err := ap.a.VisitReport(ctx, "gen", v.FirstPlay, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Plays) != v.Plays || strings.Count(body, `href="/p/gen/plays/`) < v.Plays {
		t.Errorf("the report has %d plays (%d links), the visit %d", len(rep.Plays), strings.Count(body, `href="/p/gen/plays/`), v.Plays)
	}
	sum := 0
	for _, c := range rep.PerChart {
		sum += c.Plays
	}
	if sum != v.Plays {
		t.Errorf("per-chart counts add to %d, not %d", sum, v.Plays)
	}
	// The curve's data: one x per play, numbered from 1.
	js := regexp.MustCompile(`(?s)id="visit-curve">\s*<script type="application/json">(.*?)</script>`).FindStringSubmatch(body)
	if js == nil {
		t.Fatal("no curve on the report")
	}
	var cd chartData
	if err := json.Unmarshal([]byte(js[1]), &cd); err != nil {
		t.Fatal(err)
	}
	if len(cd.X) != v.Plays || cd.X[0] != 1 || cd.Step != chartIndex || len(cd.Series) != 2 {
		t.Errorf("curve x %v step %q series %d", cd.X, cd.Step, len(cd.Series))
	}
	// A play's usual excludes the visit: recomputed here by hand for the
	// first play whose chart has other plays.
	log, _ := ap.a.PlayLog(ctx, "gen")
	for _, p := range rep.Plays {
		u, ok := rep.Usual[p.ID]
		if !ok {
			continue
		}
		var others []int
		in := map[int64]bool{}
		for _, q := range rep.Plays {
			in[q.ID] = true
		}
		for _, q := range log.Plays {
			if q.Chart == p.Chart && !in[q.ID] {
				others = append(others, int(q.Achievement))
			}
		}
		if len(others) == 0 {
			t.Errorf("play %d has a usual but no other play of its chart", p.ID)
		}
		if !strings.Contains(body, u.String()+"%") {
			t.Errorf("the usual %s of play %d is not shown", u, p.ID)
		}
		break
	}
	if res := b.get("/p/gen/sessions/999999999"); res.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown play's visit: %d", res.StatusCode)
	}
}

// TestYearPage: the year in review adds up the plays of the year in the
// region's clock, and an empty year is a 404.
func TestYearPage(t *testing.T) {
	ap := generated(t, 600)
	ctx := context.Background()
	log, err := ap.a.PlayLog(ctx, "gen")
	if err != nil {
		t.Fatal(err)
	}
	loc := log.Region.Location()
	year := log.Plays[len(log.Plays)-1].At.In(loc).Year()
	n := 0
	for _, p := range log.Plays {
		if p.At.In(loc).Year() == year {
			n++
		}
	}
	b := ap.browser()
	res := b.get("/p/gen/year")
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !strings.HasSuffix(loc, fmt.Sprintf("/p/gen/year/%d", year)) {
		t.Fatalf("/year leads to %d %q, not to %d", res.StatusCode, loc, year)
	}
	body := mustGet(t, b, fmt.Sprintf("/p/gen/year/%d", year))
	if !strings.Contains(body, fmt.Sprintf("<strong>%d</strong> 次游玩", n)) {
		t.Errorf("the year page does not count %d plays", n)
	}
	if !strings.Contains(body, `id="year-months"`) {
		t.Error("no plays-per-month chart")
	}
	if res := b.get("/p/gen/year/2001"); res.StatusCode != http.StatusNotFound {
		t.Errorf("a year without plays: %d", res.StatusCode)
	}
	if res := b.get("/p/gen/year/abc"); res.StatusCode != http.StatusNotFound {
		t.Errorf("a year that is no number: %d", res.StatusCode)
	}
}

// TestChartAttemptsAndSongSorts: the chart page says how the attempts
// went, and the song list sorts by the gap to the next rank and by the
// plays since the last improvement.
func TestChartAttemptsAndSongSorts(t *testing.T) {
	ap := generated(t, 600)
	ctx := context.Background()
	b := ap.browser()
	list, err := ap.a.ListPlays(ctx, "gen", archive.PlayFilter{}, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	body := mustGet(t, b, chartPath("gen", list.Plays[0].Chart))
	if !strings.Contains(body, `id="attempts"`) || !strings.Contains(body, "挑战记录") {
		t.Error("the chart page has no attempts section")
	}
	next := mustGet(t, b, "/p/gen/songs?sort=next_rank")
	gaps := regexp.MustCompile(`距 [A-Z+]+ 还差 ([0-9.]+)%`).FindAllStringSubmatch(next, -1)
	if len(gaps) < 2 {
		t.Fatalf("the next-rank order shows %d gaps", len(gaps))
	}
	for i := 1; i < len(gaps); i++ {
		a, _ := strconv.ParseFloat(gaps[i-1][1], 64)
		c, _ := strconv.ParseFloat(gaps[i][1], 64)
		if c < a {
			t.Errorf("gap %v after %v: not nearest first", c, a)
		}
	}
	stale := mustGet(t, b, "/p/gen/songs?sort=stale")
	counts := regexp.MustCompile(`(\d+) 次未提高`).FindAllStringSubmatch(stale, -1)
	if len(counts) < 2 {
		t.Fatalf("the stale order shows %d counts", len(counts))
	}
	for i := 1; i < len(counts); i++ {
		a, _ := strconv.Atoi(counts[i-1][1])
		c, _ := strconv.Atoi(counts[i][1])
		if c > a {
			t.Errorf("%d after %d: not most first", c, a)
		}
	}
	sa, _ := ap.a.StaleAttempts(ctx, "gen")
	top := 0
	for _, n := range sa {
		top = max(top, n)
	}
	if first, _ := strconv.Atoi(counts[0][1]); first != top {
		t.Errorf("the first chart has %d plays without improvement, the most is %d", first, top)
	}
}
