package archive

import (
	"bytes"
	"context"
	"database/sql"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/analysis"
	"github.com/maiprobe/maiprobe/internal/storage"
	"github.com/maiprobe/maiprobe/internal/storage/storagetest"
)

// TestJudgementReportDatabases: the analysis read from the sums kept at
// import gives the same numbers, to the last bit, as the analysis
// package's aggregates over every play with a detail read from scratch —
// after generating (plays first, details attached later), after more
// plays, after a reparse, and for an archive from before the sums (with
// judgements still to be computed), on SQLite, MariaDB and PostgreSQL.
func TestJudgementReportDatabases(t *testing.T) {
	for _, db := range []string{"sqlite", "mysql", "postgres"} {
		t.Run(db, func(t *testing.T) {
			ctx := context.Background()
			a, loc := generatedOn(t, db, GenOptions{Player: "gen", Plays: 500, Seed: 5, DetailEvery: 3})
			end := GenDefaultEnd.AddDate(0, 0, 1)
			covered(t, a, "gen", true)
			first := sameAsScratch(t, a, "gen")
			kept(t, a, "gen")

			// The song data changes the levels of charts played: the
			// kept sums by level are computed again.
			b, err := os.ReadFile("../songs/testdata/synthetic-divingfish.json")
			if err != nil {
				t.Fatal(err)
			}
			relevel := filepath.Join(t.TempDir(), "relevel.json")
			if err := os.WriteFile(relevel, bytes.ReplaceAll(b, []byte(`"12+"`), []byte(`"12"`)), 0o644); err != nil {
				t.Fatal(err)
			}
			// (A later sync: the chart data's stamp has its time.)
			a.now = func() time.Time { return end.Add(time.Hour) }
			syncFrom(t, a, relevel)
			if again := sameAsScratch(t, a, "gen"); reflect.DeepEqual(again.Levels, first.Levels) {
				t.Errorf("levels unchanged by the song data's new levels: %+v", again.Levels)
			}
			a.now = func() time.Time { return end.Add(2 * time.Hour) }
			syncFrom(t, a, "../songs/testdata/synthetic-divingfish.json")
			if again := sameAsScratch(t, a, "gen"); !reflect.DeepEqual(again.Levels, first.Levels) {
				t.Errorf("levels after the song data's levels came back:\n%+v\nwant\n%+v", again.Levels, first.Levels)
			}

			// More plays, months before and after: added to the sums at
			// import, nothing rebuilt.
			if _, err := a.Generate(ctx, GenOptions{Player: "gen", Plays: 200, Seed: 6, DetailEvery: 2,
				End: GenDefaultEnd.AddDate(0, -5, 0)}); err != nil {
				t.Fatal(err)
			}
			covered(t, a, "gen", true)
			more := sameAsScratch(t, a, "gen")
			if more.Summary.Plays <= first.Summary.Plays {
				t.Fatalf("%d plays with a detail after adding, %d before", more.Summary.Plays, first.Summary.Plays)
			}

			// A reparse deletes the plays and derives them again.
			if _, err := a.Reparse(ctx, "gen"); err != nil {
				t.Fatal(err)
			}
			covered(t, a, "gen", true)
			if again := sameAsScratch(t, a, "gen"); !reflect.DeepEqual(again.Summary, more.Summary) {
				t.Errorf("after reparse %+v, before %+v", again.Summary, more.Summary)
			}

			// An archive from before the sums, whose judgements are to be
			// computed from the details (migration 18's ''): rebuilt once.
			raw := rawDB(t, db, loc)
			for _, q := range []string{"DELETE FROM judgement_state", "DELETE FROM judgement_months", "DELETE FROM judgement_charts",
				"UPDATE play_judgements SET judgements = ''"} {
				if _, err := raw.ExecContext(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			covered(t, a, "gen", false)
			if again := sameAsScratch(t, a, "gen"); !reflect.DeepEqual(again.Summary, more.Summary) {
				t.Errorf("rebuilt %+v, before %+v", again.Summary, more.Summary)
			}
			covered(t, a, "gen", true)

			// Sums that cover too few rows (a state row of its own):
			// rebuilt over it.
			if _, err := raw.ExecContext(ctx, "UPDATE judgement_state SET judged = judged - 1"); err != nil {
				t.Fatal(err)
			}
			covered(t, a, "gen", false)
			if again := sameAsScratch(t, a, "gen"); !reflect.DeepEqual(again.Summary, more.Summary) {
				t.Errorf("rebuilt %+v, before %+v", again.Summary, more.Summary)
			}
			covered(t, a, "gen", true)
			kept(t, a, "gen")
		})
	}
}

// TestJudgementReportConcurrent: sums rebuilt over and over while plays
// and details are imported at the same time (another server's import,
// on MariaDB and PostgreSQL each in its own transaction) still end up
// covering every play, with the numbers of a from-scratch pass: the state
// row's lock keeps a rebuild from reading the plays of an import that
// then adds its share to the sums the rebuild replaced.
func TestJudgementReportConcurrent(t *testing.T) {
	for _, db := range []string{"sqlite", "mysql", "postgres"} {
		t.Run(db, func(t *testing.T) {
			ctx := context.Background()
			a, loc := generatedOn(t, db, GenOptions{Player: "gen", Plays: 100, Seed: 7, DetailEvery: 2})
			raw := rawDB(t, db, loc)
			done := make(chan error, 1)
			go func() {
				_, err := a.Generate(ctx, GenOptions{Player: "gen", Plays: 300, Seed: 8, DetailEvery: 2, End: GenDefaultEnd.AddDate(0, -4, 0)})
				done <- err
			}()
			rebuilds := 0
			for running := true; running; {
				select {
				case err := <-done:
					if err != nil {
						t.Fatal(err)
					}
					running = false
				default:
				}
				if _, err := raw.ExecContext(ctx, "DELETE FROM judgement_state"); err != nil {
					t.Fatal(err)
				}
				if _, err := a.JudgementReport(ctx, "gen", 20); err != nil {
					t.Fatal(err)
				}
				rebuilds++
			}
			t.Logf("%d rebuilds during the import", rebuilds)
			if _, err := a.JudgementReport(ctx, "gen", 20); err != nil {
				t.Fatal(err)
			}
			covered(t, a, "gen", true)
			sameAsScratch(t, a, "gen")
		})
	}
}

// generatedOn is a fresh archive on db ("sqlite", "mysql", "postgres")
// over the synthetic song data, with the plays gen makes, and its
// location; its clock is the day after the generated plays.
func generatedOn(t *testing.T, db string, gen GenOptions) (*Archive, string) {
	t.Helper()
	loc := storagetest.Location(t, db)
	a := openTest(t, loc)
	end := GenDefaultEnd.AddDate(0, 0, 1)
	a.now = func() time.Time { return end }
	syncFrom(t, a, "../songs/testdata/synthetic-divingfish.json")
	if _, err := a.Generate(context.Background(), gen); err != nil {
		t.Fatal(err)
	}
	return a, loc
}

// covered checks whether the player's sums cover every play with
// judgements.
func covered(t *testing.T, a *Archive, player string, want bool) {
	t.Helper()
	err := a.db.View(context.Background(), func(tx *storage.Tx) error {
		id, err := tx.PlayerID(context.Background(), player)
		if err != nil {
			return err
		}
		judged, ok, rows, err := tx.JudgementState(context.Background(), id)
		if err != nil {
			return err
		}
		if got := ok && judged == rows; got != want || rows == 0 {
			t.Errorf("sums cover %d of %d rows (state %v), want covered %v", judged, rows, ok, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// kept checks that the player's sums by level are kept at the stamp of
// the archive as it is.
func kept(t *testing.T, a *Archive, player string) {
	t.Helper()
	ctx := context.Background()
	err := a.db.View(ctx, func(tx *storage.Tx) error {
		id, err := tx.PlayerID(ctx, player)
		if err != nil {
			return err
		}
		region, err := tx.PlayerRegion(ctx, id)
		if err != nil {
			return err
		}
		judged, _, _, err := tx.JudgementState(ctx, id)
		if err != nil {
			return err
		}
		want, err := tx.JudgementLevelStamp(ctx, region, judged)
		if err != nil {
			return err
		}
		levels, stamp, err := tx.KeptJudgementLevels(ctx, id)
		if err != nil {
			return err
		}
		if stamp != want || len(levels) == 0 {
			t.Errorf("%d levels kept at %q, want them at %q", len(levels), stamp, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// sameAsScratch compares the report with the aggregates of every sample,
// with every chart and with the five played most (ties ordered as
// ByChart does), and returns it.
func sameAsScratch(t *testing.T, a *Archive, player string) JudgementReport {
	t.Helper()
	ctx := context.Background()
	rep, err := a.JudgementReport(ctx, player, 1000)
	if err != nil {
		t.Fatal(err)
	}
	j, err := a.JudgementSamples(ctx, player)
	if err != nil {
		t.Fatal(err)
	}
	if len(j.Samples) == 0 || rep.Region != j.Region {
		t.Fatalf("%d samples, region %q and %q", len(j.Samples), rep.Region, j.Region)
	}
	if want := analysis.Summarize(j.Samples); !reflect.DeepEqual(rep.Summary, want) {
		t.Errorf("summary\n%+v, from scratch\n%+v", rep.Summary, want)
	}
	if want := analysis.ByLevel(j.Samples); !reflect.DeepEqual(rep.Levels, want) {
		t.Errorf("levels\n%+v, from scratch\n%+v", rep.Levels, want)
	}
	months := analysis.Monthly(j.Samples, j.Region.Location())
	if len(rep.Months) != len(months) {
		t.Fatalf("%d months, from scratch %d", len(rep.Months), len(months))
	}
	for i, m := range months {
		if got := rep.Months[i]; !got.Start.Equal(m.Start) || !reflect.DeepEqual(got.Summary, m.Summary) {
			t.Errorf("month %d: %v %+v, from scratch %v %+v", i, got.Start, got.Summary, m.Start, m.Summary)
		}
	}
	charts := analysis.ByChart(j.Samples)
	if !reflect.DeepEqual(rep.Charts, charts) {
		t.Errorf("%d charts, from scratch %d; first %+v, from scratch %+v", len(rep.Charts), len(charts), rep.Charts[0], charts[0])
	}
	top, err := a.JudgementReport(ctx, player, 5)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(top.Charts, charts[:5]) {
		t.Errorf("the 5 played most\n%+v, from scratch\n%+v", top.Charts, charts[:5])
	}
	t.Logf("%d plays, %d levels, %d months, %d charts", rep.Summary.Plays, len(rep.Levels), len(rep.Months), len(rep.Charts))
	return rep
}

// rawDB opens the test's database directly, to make an archive from
// before the sums.
func rawDB(t *testing.T, db, location string) *sql.DB {
	t.Helper()
	// SQLite: wait for the archive's writer rather than fail at once —
	// for a minute, since gen's import transactions on a loaded CI machine
	// (every package's tests at once) have held the lock past 10 s.
	driver, dsn := "sqlite", location+"?_pragma=busy_timeout(60000)"
	switch db {
	case "mysql":
		u, err := url.Parse(location)
		if err != nil {
			t.Fatal(err)
		}
		driver, dsn = "mysql", u.User.String()+"@tcp("+u.Host+")"+u.Path
	case "postgres":
		driver, dsn = "pgx", location
	}
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}
