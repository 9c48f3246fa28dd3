package e2e

import (
	"context"
	"fmt"
	"testing"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/web"
)

// TestHistoryPagesInBrowser opens the milestones timeline, a visit report
// and a year in review of a generated archive over the CN song data at
// phone and laptop width: no sideways scroll, no table cut off, every
// chart drawn (the visit's warm-up curve, whose x is the play's number,
// and the year's plays per month), no console error.
//
// With MAIPROBE_DOCS_SCREENSHOTS=1 it also writes the phone window of
// each page to docs/screenshots/{milestones,visit,year}.png, the pictures
// the README shows.
func TestHistoryPagesInBrowser(t *testing.T) {
	t.Parallel()
	s, tb := ownerWithSongs(t, web.Config{}, "5-history")
	ctx := context.Background()
	if _, err := s.archive.Generate(ctx, archive.GenOptions{Player: playerName, Plays: genPlays, Seed: 1, End: genEnd}); err != nil {
		t.Fatal(err)
	}
	list, err := s.archive.Visits(ctx, playerName, 0, 1, 1) // a visit with one before and one after
	if err != nil || len(list.Visits) == 0 {
		t.Fatalf("no visit: %v", err)
	}
	visit := fmt.Sprintf("/sessions/%d", list.Visits[0].FirstPlay)
	pages := []pageCheck{
		{name: "milestones", path: "/milestones", texts: []string{"Milestones", "Level", "first"}},
		{name: "visit", path: visit, texts: []string{"Visit report", "Warm-up and fatigue", "Plays per chart"}, charts: true},
		{name: "year", path: "/year/2026", texts: []string{"2026 in review", "Most played charts"}, charts: true},
	}
	checkPages(t, tb, s.App, pages)
	// The chart page's attempts and the song list's two orders.
	checkPages(t, tb, s.App, []pageCheck{
		{name: "songs-next-rank", path: "/songs?sort=next_rank", texts: []string{"short of"}},
		{name: "songs-stale", path: "/songs?sort=stale", texts: []string{"plays without improvement"}},
	})
	if !docsShots() {
		return
	}
	tb.resize(phone)
	for _, pc := range pages {
		tb.open(s.App+"/p/"+playerName+pc.path, 200)
		tb.docsShot(pc.name)
	}
}
