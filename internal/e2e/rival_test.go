package e2e

import (
	"context"
	"testing"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/web"
)

// TestRivalPageInBrowser opens the rival comparison of two generated
// players over the CN song data at phone and laptop width: the summary
// and the cards show, each side with a best has its achievement and rank,
// nothing scrolls sideways, no console error; choosing a difficulty in
// the form narrows the cards.
//
// With MAIPROBE_DOCS_SCREENSHOTS=1 it also writes the phone window to
// docs/screenshots/rival.png.
func TestRivalPageInBrowser(t *testing.T) {
	t.Parallel()
	s, tb := ownerWithSongs(t, web.Config{}, "6-rival")
	ctx := context.Background()
	for i, p := range []string{playerName, "rival"} {
		if _, err := s.archive.Generate(ctx, archive.GenOptions{Player: p, Plays: 600, Seed: uint64(i + 1), End: genEnd}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.archive.SetPublic(ctx, "rival", true); err != nil {
		t.Fatal(err)
	}
	pages := []pageCheck{
		{name: "rival", path: "/rival?with=rival", texts: []string{"Rival", "ahead", "Tied"}, cards: ".rival-card .side:has(.achievement)"},
		{name: "rival-master", path: "/rival?with=rival&diff=master&lv_min=12", texts: []string{"MASTER"}, cards: ".rival-card .side:has(.achievement)"},
	}
	checkPages(t, tb, s.App, pages)
	// The form: choosing EXPERT and comparing shows only EXPERT cards.
	tb.open(s.App+"/p/"+playerName+"/rival?with=rival", 200)
	tb.click("#rival-filter summary") // folded once a rival is chosen
	tb.fill(`select[name="diff"]`, "expert")
	tb.submit("#rival-form", 200)
	if n := eval[int](tb, `document.querySelectorAll('.rival-card:not(.diff-expert-edge)').length`); n != 0 {
		t.Errorf("after choosing EXPERT, %d cards of other difficulties", n)
	}
	if n := eval[int](tb, `document.querySelectorAll('.rival-card.diff-expert-edge').length`); n == 0 {
		t.Error("after choosing EXPERT, no card")
	}
	if !docsShots() {
		return
	}
	tb.resize(phone)
	tb.open(s.App+"/p/"+playerName+"/rival?with=rival", 200)
	tb.docsShot("rival")
}
