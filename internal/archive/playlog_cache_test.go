package archive

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/storage"
	"github.com/maiprobe/maiprobe/internal/storage/storagetest"
)

// TestPlayLogIncremental: after an import the cached play log is brought
// up to date by reading the new plays only, and equals a whole read of
// the archive — for new plays after the newest, for older plays imported
// late (merged in), after a reparse (which deletes and re-derives every
// play: the epoch makes it a whole read), and when another server on the
// same database imports (the stamp is read from the database). The
// jackets of played titles (playJackets) are read on the same way. On
// every database.
func TestPlayLogIncremental(t *testing.T) {
	for _, db := range []string{"sqlite", "mysql", "postgres"} {
		t.Run(db, func(t *testing.T) {
			loc := storagetest.Location(t, db)
			a := openTest(t, loc)
			other := openTest(t, loc) // another server on the same archive
			ctx := context.Background()
			// whole reads the log afresh with a third archive value, so
			// nothing cached is reused.
			whole := func() *PlayLog {
				t.Helper()
				fresh := openTest(t, loc)
				log, err := fresh.PlayLog(ctx, "p")
				if err != nil {
					t.Fatal(err)
				}
				return log
			}
			check := func(step string, wantIncremental bool) *PlayLog {
				t.Helper()
				before := a.hist.logs["p"]
				log, err := a.PlayLog(ctx, "p")
				if err != nil {
					t.Fatalf("%s: %v", step, err)
				}
				want := whole()
				if len(log.Plays) != len(want.Plays) || !reflect.DeepEqual(log, want) {
					t.Fatalf("%s: the cached log (%d plays) is not the archive's (%d plays)", step, len(log.Plays), len(want.Plays))
				}
				// The jackets of the plays' titles follow the same stamp.
				err = a.db.View(ctx, func(tx *storage.Tx) error {
					id, err := tx.PlayerID(ctx, "p")
					if err != nil {
						return err
					}
					got, err := a.playJackets(ctx, tx, id)
					if err != nil {
						return err
					}
					want, err := tx.PlayJackets(ctx, id)
					if err == nil && (len(got) == 0 || !reflect.DeepEqual(got, want)) {
						t.Errorf("%s: the cached jackets of %d titles are not the %d of a whole read", step, len(got), len(want))
					}
					if err != nil {
						return err
					}
					// And the score history of the rating data.
					steps, err := a.scoreSteps(ctx, tx, id)
					if err != nil {
						return err
					}
					whole, err := tx.ScoreStepsAfter(ctx, id, 0)
					if err != nil {
						return err
					}
					slices.SortFunc(whole, stepOrder)
					if len(steps) == 0 || !reflect.DeepEqual(steps, whole) {
						t.Errorf("%s: the cached score history (%d steps) is not a whole read's (%d)", step, len(steps), len(whole))
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				after := a.hist.logs["p"]
				if incremental := before != nil && after.stamp.Epoch == before.stamp.Epoch && after.stamp.MaxID > before.stamp.MaxID &&
					after.levels != nil && len(after.log.Plays) > len(before.log.Plays) && after.stamp.Count == int64(len(after.log.Plays)); wantIncremental && !incremental {
					t.Errorf("%s: the log was not extended", step)
				}
				return log
			}
			mustImport(t, a, "p", "w1.html", window(100, 150), Added)
			mustImport(t, a, "p", "w2.html", window(150, 180), Added)
			first := check("first read", false)
			if len(first.Plays) != 80 {
				t.Fatalf("%d plays, want 80", len(first.Plays))
			}
			// Newer plays, imported by this server and then by another.
			w3 := window(180, 200)
			w3.Plays[0].Jacket = "ffffffffffffffff.png" // its title's MAX jacket changes
			mustImport(t, a, "p", "w3.html", w3, Added)
			// Its plays of charts never played before are matched by this
			// read, from the new plays (linkPlaysAfter), before check's
			// whole read on another Archive would match them anyway.
			if _, err := a.PlayLog(ctx, "p"); err != nil {
				t.Fatal(err)
			}
			err := a.db.View(ctx, func(tx *storage.Tx) error {
				var charts []maimai.Chart
				for _, p := range w3.Plays {
					charts = append(charts, p.Chart)
				}
				links, err := tx.PlayChartLinks(ctx, maimai.CN, charts)
				for _, c := range charts {
					if err == nil && links[c].Status == "" {
						t.Errorf("the new play's chart %v was not matched", c)
					}
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			check("newer plays", false)
			w4 := window(200, 230)
			mustImport(t, other, "p", "w4.html", w4, Added)
			check("newer plays from another server", true)
			// Older plays: merged in among those kept.
			mustImport(t, other, "p", "w0.html", window(50, 100), Added)
			if log := check("older plays", true); log.Plays[0].At.After(first.Plays[0].At) || len(log.Plays) != 180 {
				t.Fatalf("after the older plays: %d plays from %s", len(log.Plays), log.Plays[0].At)
			}
			// Nothing changed: the same log.
			kept, _ := a.PlayLog(ctx, "p")
			if again, _ := a.PlayLog(ctx, "p"); again != kept {
				t.Error("the log was rebuilt with no change")
			}
			// A reparse deletes and re-derives every play: read whole.
			epoch := a.hist.logs["p"].stamp.Epoch
			if _, err := other.Reparse(ctx, "p"); err != nil {
				t.Fatal(err)
			}
			check("after a reparse", false)
			if got := a.hist.logs["p"].stamp.Epoch; got != epoch+1 {
				t.Errorf("epoch %d after a reparse, want %d", got, epoch+1)
			}
			// The derived values follow: the milestones of the new plays.
			ms, err := a.Milestones(ctx, "p")
			if err != nil || len(ms) == 0 {
				t.Fatalf("milestones: %d, %v", len(ms), err)
			}
		})
	}
}
