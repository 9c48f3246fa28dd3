package web

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/maiprobe/maiprobe/internal/archive"
)

// cut is body from the first start on, up to the first end after it; the
// test fails when either is missing.
func cut(t *testing.T, body, start, end string) string {
	t.Helper()
	i := strings.Index(body, start)
	if i < 0 {
		t.Fatalf("no %q on the page", start)
	}
	j := strings.Index(body[i:], end)
	if j < 0 {
		t.Fatalf("no %q after %q", end, start)
	}
	return body[i : i+j]
}

// markWords matches a table cell that writes a rank, FC or FS as a word.
var markWords = regexp.MustCompile(`<td>(SSS\+?|SS\+?|S\+?|AAA|AA|A|BBB|BB|B|C|D|FC\+?|AP\+?|SYNC|FS\+?|FDX\+?)( |</td>)`)

// marksOf lists the alt text of each icon of a kind in html, in order.
func marksOf(html, kind string) []string {
	var out []string
	for _, m := range markRE.FindAllStringSubmatch(html, -1) {
		if m[1] == kind {
			out = append(out, m[2])
		}
	}
	return out
}

// TestHistoryAndPlateMarkIcons: the chart page's score history and a
// plate's chart rows show the best's rank, FC and FS as icons named by the
// game's words (ウミユリ海底譚 master: 100.7654% SSS+, AP, FDX+ on the
// synthetic record page), not as words.
func TestHistoryAndPlateMarkIcons(t *testing.T) {
	_, b := songsApp(t, true)
	chart := getOK(t, b, "/p/default/chart?"+url.Values{"title": {"ウミユリ海底譚"}, "type": {"dx"}, "diff": {"master"}}.Encode())
	plate := getOK(t, b, "/p/default/plates?"+url.Values{"plate": {"彩"}, "kind": {"将"}, "show": {"done"}}.Encode())
	for _, tt := range []struct{ name, html string }{
		{"chart history", cut(t, chart, `<table class="history">`, `</table>`)},
		{"plate rows", cut(t, plate, `<table class="plays plate-charts">`, `</table>`)},
	} {
		for kind, want := range map[string]string{"rank": "SSS+", "fc": "AP", "fs": "FDX+"} {
			if got := marksOf(tt.html, kind); len(got) != 1 || got[0] != want {
				t.Errorf("%s: %s icons %q, want [%s]", tt.name, kind, got, want)
			}
		}
		if m := markWords.FindString(tt.html); m != "" {
			t.Errorf("%s still writes a mark as a word: %s", tt.name, m)
		}
	}
}

// TestAttemptAndVisitRankIcons: the chart page's and the play detail's
// list of attempts, and the overview's latest visit, give every row its
// rank icon, the play's own rank, and write no mark as a word.
func TestAttemptAndVisitRankIcons(t *testing.T) {
	ap := newApp(t, Config{})
	ap.addUser("owner", "default")
	ctx := context.Background()
	if _, err := ap.a.Generate(ctx, archive.GenOptions{Player: "default", Plays: 300, Seed: 11}); err != nil {
		t.Fatal(err)
	}
	b := ap.browser()
	ap.mustLogin(b, "", "owner")
	list, err := ap.a.ListPlays(ctx, "default", archive.PlayFilter{}, 0, 1)
	if err != nil || len(list.Plays) == 0 {
		t.Fatalf("no play: %v", err)
	}
	p := list.Plays[0]
	row := newPlayRow("default", p)
	chart, err := ap.a.Chart(ctx, "default", p.Chart)
	if err != nil {
		t.Fatal(err)
	}
	var ranks []string // the first page's, newest first
	for i := len(chart.Plays) - 1; i >= 0 && len(ranks) < listPageSize; i-- {
		ranks = append(ranks, markLabel(string(chart.Plays[i].Rank)))
	}
	for _, path := range []string{row.ChartURL, row.URL} {
		table := cut(t, getOK(t, b, path), `<table class="plays changes">`, `</table>`)
		if got := marksOf(table, "rank"); strings.Join(got, ",") != strings.Join(ranks, ",") {
			t.Errorf("%s: rank icons %q, want the attempts' ranks %q", path, got, ranks)
		}
		if m := markWords.FindString(table); m != "" {
			t.Errorf("%s still writes a mark as a word: %s", path, m)
		}
	}
	visit := cut(t, getOK(t, b, "/p/default/"), `<section class="visit">`, `</section>`)
	rows := strings.Count(visit, "<tr class=")
	if rows == 0 {
		t.Fatal("the latest visit lists no new best")
	}
	if got := marksOf(visit, "rank"); len(got) != rows {
		t.Errorf("the latest visit: %d rank icons for %d rows", len(got), rows)
	}
}
