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
