package archive

import (
	"context"
	"testing"

	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/storage"
)

// TestViewsLinkOnlyTheirPlayersCharts: a page of one player matches that
// player's charts to the song data, not every player's. (The scale run of
// issue 11 — 1,000 players — spent minutes per first view matching all
// 5,000,000 plays' charts, again after every other player's import.)
func TestViewsLinkOnlyTheirPlayersCharts(t *testing.T) {
	ctx := context.Background()
	a := openDB(t, "sqlite")
	mine, theirs := window(0, 3), window(3, 6)
	for i := range theirs.Plays {
		theirs.Plays[i].Title = "Only Theirs"
	}
	mustImport(t, a, "me", "mine.html", mine, Added)
	mustImport(t, a, "them", "theirs.html", theirs, Added)
	links := func() map[string]bool {
		out := map[string]bool{}
		err := a.db.View(ctx, func(tx *storage.Tx) error {
			ls, err := tx.ChartLinks(ctx, maimai.CN)
			for _, l := range ls {
				out[l.Chart.Title] = true
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	if _, err := a.Rating(ctx, "me", testNow); err != nil {
		t.Fatal(err)
	}
	got := links()
	if !got[mine.Plays[0].Title] {
		t.Errorf("the viewed player's chart %q is not linked: %v", mine.Plays[0].Title, got)
	}
	if got["Only Theirs"] {
		t.Error("a view of one player linked another player's charts")
	}
	// Theirs link when their own page is viewed.
	if _, err := a.ListPlays(ctx, "them", PlayFilter{MinLevel: "1"}, 0, 10); err != nil {
		t.Fatal(err)
	}
	if !links()["Only Theirs"] {
		t.Error("the other player's view did not link its charts")
	}
}
