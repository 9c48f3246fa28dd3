package archive

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/fixtures"
	"github.com/maiprobe/maiprobe/internal/history"
)

// TestIncompleteArchiveClaimsNoRating: a real CN record page (the last 50
// plays of a player) and the home page saved later, which prints 14,374;
// the archive computes about 7,000 from those plays. No rating band is a
// milestone, no visit shows a computed rating change and no year a rating
// (a review found "Rating 4215 → 7242 (+3027)", "首次达到红色（7242）").
func TestIncompleteArchiveClaimsNoRating(t *testing.T) {
	ctx := context.Background()
	a := openTest(t, filepath.Join(t.TempDir(), "a.db"))
	a.now = func() time.Time { return time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) }
	syncFrom(t, a, fixtures.Shared(t, "data/songs/divingfish-music_data.cn.json"))
	for _, f := range []struct {
		name string
		at   time.Time
	}{{"record-mainetcn-1.html", time.Date(2025, 11, 23, 0, 0, 0, 0, time.UTC)}, {"home-mainetcn-1.html", time.Date(2026, 11, 22, 1, 0, 0, 0, time.UTC)}} {
		if res := a.Import(ctx, "p", Source{Name: f.name, Data: fixtures.ReadDXNet(t, "cn/"+f.name), ObservedAt: f.at}); res.Err != nil {
			t.Fatalf("import %s: %v", f.name, res.Err)
		}
	}
	points, err := a.RatingHistory(ctx, "p")
	if err != nil {
		t.Fatal(err)
	}
	last := points[len(points)-1]
	if last.Site != 14374 || last.Computed > 10000 || len(points) < 3 {
		t.Fatalf("the fixture's history is not what the test is about: %+v", points)
	}
	ms, err := a.Milestones(ctx, "p")
	if err != nil {
		t.Fatal(err)
	}
	ranks := 0
	for _, m := range ms {
		if m.Kind == history.KindBand {
			t.Errorf("a band milestone from an archive far below the site's rating: %+v", m)
		}
		if m.Kind == history.KindRank {
			ranks++
		}
	}
	if ranks == 0 {
		t.Error("the plays' rank milestones are gone too")
	}
	log, err := a.PlayLog(ctx, "p")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := a.VisitReport(ctx, "p", log.Plays[len(log.Plays)-1].ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if rep.RatingKnown {
		t.Errorf("the last visit shows %d → %d (computed %v) from an archive far below the site's rating", rep.RatingBefore, rep.RatingAfter, rep.Computed)
	}
	y := log.Plays[len(log.Plays)-1].At.In(log.Region.Location()).Year()
	yr, err := a.YearReview(ctx, "p", y)
	if err != nil {
		t.Fatal(err)
	}
	if yr.RatingKnown {
		t.Errorf("year %d shows %d → %d from an archive far below the site's rating", y, yr.RatingStart, yr.RatingEnd)
	}
}

// TestYearRatingIsTheVisitsPrinted: in a generated archive whose details
// print the rating, a year's start and end are the rating before its first
// visit and after its last as their reports show it (the site's printed
// numbers), not the archive's computed one (a review found the year said 13549 where
// the last visit said 13599, the rating printed).
func TestYearRatingIsTheVisitsPrinted(t *testing.T) {
	ctx := context.Background()
	a := openTest(t, filepath.Join(t.TempDir(), "g.db"))
	end := GenDefaultEnd.AddDate(0, 0, 1)
	a.now = func() time.Time { return end }
	syncFrom(t, a, fixtures.Shared(t, "data/songs/divingfish-music_data.cn.json"))
	if _, err := a.Generate(ctx, GenOptions{Player: "gen", Plays: 1500, Seed: 3, DetailEvery: 1, HideConstants: 0.2}); err != nil {
		t.Fatal(err)
	}
	log, err := a.PlayLog(ctx, "gen")
	if err != nil {
		t.Fatal(err)
	}
	loc := log.Region.Location()
	checked := 0
	for _, y := range history.Years(log.Plays, loc) {
		first, last := int64(0), int64(0)
		for _, p := range log.Plays {
			if p.At.In(loc).Year() == y {
				if first == 0 {
					first = p.ID
				}
				last = p.ID
			}
		}
		v1, err := a.VisitReport(ctx, "gen", first, 0)
		if err != nil {
			t.Fatal(err)
		}
		v2, err := a.VisitReport(ctx, "gen", last, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !v1.RatingKnown || v1.Computed || !v2.RatingKnown || v2.Computed {
			t.Fatalf("%d: a detail on every play, yet a visit's rating is not the printed one: %+v %+v", y, v1.Visit, v2.Visit)
		}
		yr, err := a.YearReview(ctx, "gen", y)
		if err != nil {
			t.Fatal(err)
		}
		if !yr.RatingKnown || yr.RatingComputed || yr.RatingStart != v1.RatingBefore || yr.RatingEnd != v2.RatingAfter {
			t.Errorf("%d: the year says %d → %d (known %v, computed %v), its first visit starts at %d and its last ends at %d",
				y, yr.RatingStart, yr.RatingEnd, yr.RatingKnown, yr.RatingComputed, v1.RatingBefore, v2.RatingAfter)
		}
		checked++
	}
	if checked < 2 {
		t.Errorf("%d years checked; the archive should span more", checked)
	}
}
