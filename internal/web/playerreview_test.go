package web

import (
	"strings"
	"testing"
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
// form stays folded; its summary names the order in use (R3: nothing told
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
