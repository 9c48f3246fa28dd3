package e2e

import (
	"context"
	"testing"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/web"
)

// TestConstantsPageInBrowser opens the constants learned from plays of a
// generated player (CN song data, a tenth of the constants hidden, a
// detail on every play) at phone and laptop width: the facts and the
// estimates show, nothing scrolls sideways, no console error; opening a
// chart's plays shows what each allowed; choosing "Certain" keeps only
// certain estimates; the rating page marks the estimated constants.
//
// With MAIPROBE_DOCS_SCREENSHOTS=1 it also writes the phone window to
// docs/screenshots/constants.png.
func TestConstantsPageInBrowser(t *testing.T) {
	t.Parallel()
	s, tb := ownerWithSongs(t, web.Config{}, "7-constants")
	ctx := context.Background()
	if _, err := s.archive.Generate(ctx, archive.GenOptions{Player: playerName, Plays: 1500, Seed: 7, End: genEnd, DetailEvery: 1,
		HideConstants: 0.1}); err != nil {
		t.Fatal(err)
	}
	pages := []pageCheck{
		{name: "constants", path: "/constants", texts: []string{"Constants learned from plays", "plays with a rating printed by the site", "Certain"}},
		{name: "constants-certain", path: "/constants?status=certain", texts: []string{"Certain", "Based on"}},
		{name: "rating-estimated", path: "/rating", texts: []string{"est."}, cards: "section.b50 .score-card", rated: true},
	}
	checkPages(t, tb, s.App, pages)

	tb.open(s.App+"/p/"+playerName+"/constants", 200)
	tb.click("#estimates .constant-row.status-certain details summary")
	if n := eval[int](tb, `[...document.querySelectorAll('#estimates details[open] li')].filter(li => li.offsetHeight > 0 && /allows/.test(li.textContent)).length`); n == 0 {
		t.Error("opening a certain estimate's plays shows no play with what it allowed")
	}
	tb.fill(`select[name="status"]`, "certain")
	tb.submit(".constants-filter", 200)
	if n := eval[int](tb, `document.querySelectorAll('#estimates .constant-row:not(.status-certain)').length`); n != 0 {
		t.Errorf("after choosing Certain, %d estimates of another status", n)
	}
	if n := eval[int](tb, `document.querySelectorAll('#estimates .constant-row.status-certain').length`); n == 0 {
		t.Error("after choosing Certain, no estimate")
	}
	if !docsShots() {
		return
	}
	tb.resize(phone)
	tb.open(s.App+"/p/"+playerName+"/constants?status=certain", 200)
	tb.click("#estimates .constant-row details summary")
	tb.docsShot("constants")
}
