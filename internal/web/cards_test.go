package web

import (
	"regexp"
	"strings"
	"testing"
)

// cardField is the text of the first element of class class in a piece
// of a page ("" when there is none).
func cardField(html, class string) string {
	re := regexp.MustCompile(`<[a-z0-9]+ class="` + regexp.QuoteMeta(class) + `"[^>]*>([^<]*)<`)
	if m := re.FindStringSubmatch(html); m != nil {
		return m[1]
	}
	return ""
}

// cards splits a page into its score cards' markup.
func cards(body string) []string {
	var out []string
	for _, part := range strings.Split(body, `<article class="score-card`)[1:] {
		card, _, _ := strings.Cut(part, "</article>")
		out = append(out, card)
	}
	return out
}

func TestScoreCard(t *testing.T) {
	_, b := songsApp(t, true)
	body := getOK(t, b, "/p/default/rating")
	// The new table's one chart: ウミユリ海底譚 MASTER 13.7 at 100.7654%,
	// AP and FDX+, 308.
	cs := cards(body)
	if len(cs) == 0 {
		t.Fatalf("the rating page has no score card:\n%s", body)
	}
	c := cs[0]
	for _, tc := range []struct{ class, want string }{
		{"title", "ウミユリ海底譚"},
		{"place", "#1"},
		{"type type-dx", "DX"},
		{"diff diff-master", "MASTER 13&#43;"},
		{"constant", "13.7"},
		{"achievement", "100.7654%"},
		{"chart-rating", "308"},
	} {
		if got := cardField(c, tc.class); got != tc.want {
			t.Errorf("card field %q = %q, want %q in:\n%s", tc.class, got, tc.want, c)
		}
	}
	for _, tc := range []struct{ class, icon, alt string }{
		{"rank", "rank-sssp", "SSS+"},
		{"fc", "fc-ap", "AP"},
		{"fs", "fs-fsdp", "FDX+"},
	} {
		re := regexp.MustCompile(`<span class="` + tc.class + `"><img class="mark mark-` + tc.class + `" src="/static/icons/` + tc.icon + `\.[0-9a-f]{12}\.svg" alt="` + regexp.QuoteMeta(tc.alt) + `"`)
		if !re.MatchString(c) {
			t.Errorf("card lacks the %s icon %s (%s):\n%s", tc.class, tc.icon, tc.alt, c)
		}
	}
	if !strings.Contains(c, `<img src="/jackets/`) {
		t.Errorf("card lacks its jacket:\n%s", c)
	}
	if strings.Contains(c, `class="next"`) || strings.Contains(c, `class="next-rank"`) {
		t.Errorf("a card at 100.5%% offers a next step or rank:\n%s", c)
	}
	// Help me, ERINNNNNN!! (12.9, 99.0012%, SS, 265): the next step is
	// 99.1354% for 266, the next rank SS+ at 99.5% for 12.9 × 21.1 ×
	// 99.5% = 270, +5.
	var help string
	for _, c := range cs {
		if cardField(c, "title") == "Help me, ERINNNNNN!!" {
			help = c
		}
	}
	if got, want := cardField(help, "next"), "99.1354% → 266"; got != want {
		t.Errorf("next step %q, want %q", got, want)
	}
	if got, want := cardField(help, "next-rank"), "SS&#43; 99.5000% +5"; got != want {
		t.Errorf("next rank %q, want %q", got, want)
	}
}
