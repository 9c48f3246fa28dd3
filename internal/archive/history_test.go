package archive

import (
	"context"
	"testing"
	"time"
)

// TestPlayLogCache: the play log (and what is derived from it) is read
// again after plays are added, and not after a write that adds none (a
// setting); on every database.
func TestPlayLogCache(t *testing.T) {
	for _, db := range []string{"sqlite", "mysql", "postgres"} {
		t.Run(db, func(t *testing.T) {
			a := openDB(t, db)
			ctx := context.Background()
			end := time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC) // before testNow
			if _, err := a.Generate(ctx, GenOptions{Player: "gen", Plays: 200, Seed: 4, End: end}); err != nil {
				t.Fatal(err)
			}
			log, err := a.PlayLog(ctx, "gen")
			if err != nil {
				t.Fatal(err)
			}
			if len(log.Plays) != 200 {
				t.Fatalf("log of %d plays, want 200", len(log.Plays))
			}
			for i := 1; i < len(log.Plays); i++ {
				if log.Plays[i].At.Before(log.Plays[i-1].At) {
					t.Fatalf("play %d is older than the one before", i)
				}
			}
			ms, err := a.Milestones(ctx, "gen")
			if err != nil || len(ms) == 0 {
				t.Fatalf("milestones %d, %v", len(ms), err)
			}
			if err := a.SetPublic(ctx, "gen", true); err != nil {
				t.Fatal(err)
			}
			if again, _ := a.PlayLog(ctx, "gen"); again != log {
				t.Error("a setting made the play log be read again")
			}
			if _, err := a.Generate(ctx, GenOptions{Player: "gen", Plays: 260, Seed: 4, End: end.AddDate(0, 1, 0)}); err != nil {
				t.Fatal(err)
			}
			fresh, err := a.PlayLog(ctx, "gen")
			if err != nil {
				t.Fatal(err)
			}
			if fresh == log || len(fresh.Plays) <= 200 {
				t.Errorf("after an import the log has %d plays (the same log: %v)", len(fresh.Plays), fresh == log)
			}
			// The year's review and a visit's report read the other
			// queries of the history (partners' details, photos).
			y, err := a.YearReview(ctx, "gen", 2025)
			if err != nil || y.Plays == 0 || y.Plays > len(fresh.Plays) {
				t.Errorf("2025 in review: %+v, %v", y, err)
			}
			rep, err := a.VisitReport(ctx, "gen", fresh.Plays[len(fresh.Plays)-1].ID, 0)
			if err != nil || len(rep.Plays) == 0 || rep.Next != 0 || rep.Prev == 0 {
				t.Errorf("the last visit's report: %v (plays %d, prev %d, next %d)", err, len(rep.Plays), rep.Prev, rep.Next)
			}
			if _, err := a.PlayLog(ctx, "nobody"); err == nil {
				t.Error("an unknown player has a play log")
			}
		})
	}
}
