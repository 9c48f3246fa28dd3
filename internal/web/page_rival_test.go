package web

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/rival"
)

// TestRivalPage: the comparison shows the summary rival.Load computes and
// one card per chart, follows the filters, and honours privacy: a
// private rival only for its owner, never named to others.
func TestRivalPage(t *testing.T) {
	ap := newApp(t, Config{})
	ctx := context.Background()
	ap.addUser("alice", "alice")
	ap.addUser("bob", "bob")
	ap.addUser("carol", "carol")
	for i, p := range []string{"alice", "bob", "carol"} {
		if _, err := ap.a.Generate(ctx, archive.GenOptions{Player: p, Plays: 150, Seed: uint64(10 + i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := ap.a.SetPublic(ctx, "bob", true); err != nil {
		t.Fatal(err)
	}
	b := ap.browser()
	b.headers["Accept-Language"] = "en"
	ap.mustLogin(b, "", "alice")

	res := b.get("/p/alice/rival")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.body, `<option value="bob">bob</option>`) || strings.Contains(res.body, `value="carol"`) {
		t.Fatalf("the form offers bob (public) and not carol (private): %d\n%s", res.StatusCode, res.body)
	}
	want, err := rival.Load(ctx, ap.a, "alice", "bob", archive.SongFilter{})
	if err != nil || want.Summary.Charts == 0 {
		t.Fatalf("nothing to compare: %+v %v", want.Summary, err)
	}
	res = b.get("/p/alice/rival?with=bob")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("compare: %d\n%s", res.StatusCode, res.body)
	}
	stat := regexp.MustCompile(`<div class="stat (me|tie|rival)"><span class="n">(\d+)</span>`)
	got := map[string]int{}
	for _, m := range stat.FindAllStringSubmatch(res.body, -1) {
		got[m[1]], _ = strconv.Atoi(m[2])
	}
	if got["me"] != want.Summary.MeAhead || got["rival"] != want.Summary.RivalAhead || got["tie"] != want.Summary.Ties {
		t.Errorf("summary %v, want %+v", got, want.Summary)
	}
	if n := strings.Count(res.body, `<article class="rival-card`); n != min(50, want.Summary.Charts) {
		t.Errorf("%d cards, want %d", n, min(50, want.Summary.Charts))
	}
	first := want.Rows[0]
	if !strings.Contains(res.body, first.Difference.String()) {
		t.Errorf("the first card's difference %s is not shown", first.Difference)
	}

	res = b.get("/p/alice/rival?with=bob&diff=master&lv_min=13")
	masters, _ := rival.Load(ctx, ap.a, "alice", "bob", archive.SongFilter{Difficulty: "master", MinLevel: "13"})
	if n := strings.Count(res.body, `<article class="rival-card`); n != min(50, masters.Summary.Charts) || strings.Contains(res.body, "diff-expert-edge") {
		t.Errorf("filtered: %d cards, want %d master 13+", n, masters.Summary.Charts)
	}

	// Carol is private: alice may not compare with her, and the page
	// does not tell her apart from a player that does not exist.
	priv := b.get("/p/alice/rival?with=carol")
	none := b.get("/p/alice/rival?with=nobody")
	if priv.StatusCode != http.StatusNotFound || none.StatusCode != http.StatusNotFound || !strings.Contains(priv.body, `id="rival-refused"`) ||
		strings.Count(priv.body, "rival-card") != 0 {
		t.Errorf("private rival: %d, missing: %d", priv.StatusCode, none.StatusCode)
	}
	// Carol may compare herself with alice? No: alice is private.
	c := ap.browser()
	ap.mustLogin(c, "", "carol")
	if res := c.get("/p/carol/rival?with=alice"); res.StatusCode != http.StatusNotFound {
		t.Errorf("carol compares with private alice: %d", res.StatusCode)
	}
	// A visitor may compare public bob with nobody private, and not see
	// alice's page at all.
	v := ap.browser()
	if res := v.get("/p/bob/rival?with=alice"); res.StatusCode != http.StatusNotFound {
		t.Errorf("a visitor compares bob with private alice: %d", res.StatusCode)
	}
	if res := v.get("/p/alice/rival?with=bob"); res.StatusCode == http.StatusOK {
		t.Errorf("a visitor sees private alice's comparison")
	}
}
