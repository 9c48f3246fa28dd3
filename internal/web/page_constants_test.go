package web

import (
	"context"
	"fmt"
	"html"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/songs"
)

// constantsApp is an app whose player "default" has a generated archive
// over the CN song data with a tenth of the constants hidden and a detail
// on every play, and an owner logged in.
func constantsApp(t *testing.T, plays int) (*app, *browser, archive.GenReport) {
	t.Helper()
	ap := newApp(t, Config{})
	ap.addUser("owner", "default")
	syncCNSongs(t, ap)
	ctx := context.Background()
	rep, err := ap.a.Generate(ctx, archive.GenOptions{Player: "default", Plays: plays, Seed: 7, DetailEvery: 1, HideConstants: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	b := ap.browser()
	ap.mustLogin(b, "", "owner")
	return ap, b, rep
}

// TestConstantsPage: the page lists the pinned constants of hidden charts
// with the plays that pinned them (linked), each the true constant; the
// status filter keeps one status; the rating page marks the estimated
// constants it counts.
func TestConstantsPage(t *testing.T) {
	ap, b, rep := constantsApp(t, 3000)
	truth := map[string]songs.Constant{}
	for _, h := range rep.Hidden {
		truth[h.Title+"|"+string(h.Difficulty)] = h.Constant
	}
	r, err := ap.a.ConstantEstimates(context.Background(), "default")
	if err != nil {
		t.Fatal(err)
	}
	var pinned []archive.ConstantEstimate
	for _, e := range r.Estimates {
		if e.Status == "certain" {
			pinned = append(pinned, e)
		}
	}
	if len(pinned) < 10 {
		t.Fatalf("only %d constants pinned; the page test needs some", len(pinned))
	}
	body := getOK(t, b, "/p/default/constants?status=certain")
	rows := strings.Split(body, `<article class="constant-row`)[1:]
	if len(rows) != min(len(pinned), listPageSize) {
		t.Fatalf("%d rows with ?status=certain, want %d", len(rows), min(len(pinned), listPageSize))
	}
	for _, row := range rows {
		if !strings.Contains(row, "status-certain") {
			t.Fatalf("?status=certain shows a row of another status: %.200s", row)
		}
		title := cardField(row, "title")
		diff := diffKeyOf(row)
		want, ok := truth[html.UnescapeString(title)+"|"+diff]
		if !ok {
			t.Errorf("%q %s is listed but gen did not hide it", title, diff)
			continue
		}
		if !strings.Contains(row, "<strong>"+want.String()+"</strong>") {
			t.Errorf("%q %s: the estimate shown is not the true %s: %.400s", title, diff, want, row)
		}
		if !strings.Contains(row, `href="/p/default/plays/`) {
			t.Errorf("%q: no play linked as evidence", title)
		}
	}
	if !strings.Contains(body, fmt.Sprintf("%d 次游玩有网站显示的 Rating", r.Plays)) {
		t.Errorf("the facts lack the %d plays with a printed rating", r.Plays)
	}

	// The chart page of a pinned chart shows its estimate; one the plays
	// say nothing of shows no such section.
	e := pinned[0]
	chart := getOK(t, b, chartPath("default", maimai.Chart{Title: e.Title, Type: e.Type, Difficulty: e.Difficulty}))
	if !strings.Contains(chart, `id="learned-constant"`) || !strings.Contains(chart, "<strong>"+e.Constant.String()+"</strong>") {
		t.Errorf("the chart page of %s lacks its learned constant %s", e.Title, e.Constant)
	}
	list, err := ap.a.ListPlays(context.Background(), "default", archive.PlayFilter{}, 0, 200)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[maimai.Chart]bool{}
	for _, e := range append(r.Estimates, r.Disagreements...) {
		listed[maimai.Chart{Title: e.Title, Type: e.Type, Difficulty: e.Difficulty}] = true
	}
	for _, p := range list.Plays {
		if !listed[p.Chart] {
			if strings.Contains(getOK(t, b, chartPath("default", p.Chart)), `id="learned-constant"`) {
				t.Errorf("the chart page of %s shows a learned constant the report does not have", p.Title)
			}
			break
		}
	}

	rating := getOK(t, b, "/p/default/rating")
	est := strings.Count(rating, `class="constant-est"`)
	counted := 0
	rt, err := ap.a.Rating(context.Background(), "default", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range append(rt.New, rt.Old...) {
		if e.Estimated {
			counted++
		}
	}
	if counted == 0 || est != counted {
		t.Errorf("the rating page marks %d constants as estimated; the rating counts %d (want the same, and some)", est, counted)
	}
}

// diffKeyOf is the difficulty key of a constant row's diff class.
func diffKeyOf(row string) string {
	i := strings.Index(row, "diff-")
	if i < 0 {
		return ""
	}
	rest := row[i+len("diff-"):]
	return rest[:strings.IndexAny(rest, "- \"")]
}

// TestConstantsPageNoPages: the constants page of a player with no saved
// page says so in the page's language (200), not a server error; the read
// API answers 404 for it (internal/api's openapi test).
func TestConstantsPageNoPages(t *testing.T) {
	ap := newApp(t, Config{})
	ap.addUser("owner", "default")
	b := ap.browser()
	ap.mustLogin(b, "", "owner")
	res := b.get("/p/default/constants")
	if res.StatusCode != 200 || !strings.Contains(res.body, "还没有保存过页面") || strings.Contains(res.body, `id="estimates"`) {
		t.Fatalf("constants page without pages: %d\n%.600s", res.StatusCode, res.body)
	}
}
