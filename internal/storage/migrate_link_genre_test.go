package storage

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/storage/storagetest"
)

// TestMigrationLinkGenre puts back the chart_links of migration 4 with
// links in it, runs migration 9 again and checks that every link is kept
// with no genre and that the other song called Link can now have a link of
// its own beside it.
func TestMigrationLinkGenre(t *testing.T) {
	for _, dbName := range storagetest.Databases {
		t.Run(dbName, func(t *testing.T) {
			ctx := context.Background()
			loc := storagetest.Location(t, dbName)
			db, err := Open(ctx, loc)
			if err != nil {
				t.Fatal(err)
			}
			ms, err := loadMigrations()
			if err != nil {
				t.Fatal(err)
			}
			var old string
			for _, m := range ms {
				if m.version != 4 {
					continue
				}
				for _, s := range statements(m.sql) {
					if strings.HasPrefix(s, "CREATE TABLE chart_links") {
						old = db.d.types.Replace(s)
					}
				}
			}
			if old == "" {
				t.Fatal("migration 4 has no chart_links table")
			}
			at := time.Date(2025, 11, 1, 10, 0, 0, 0, time.UTC)
			var chartID int64
			err = db.Update(ctx, func(tx *Tx) error {
				s := SongRow{Region: maimai.CN, Key: "131/std", MusicID: 131, Title: "Link", Type: maimai.Std, Genre: "舞萌",
					Source: "test", SyncedAt: at}
				if err := tx.InsertSong(ctx, &s); err != nil {
					return err
				}
				c := ChartRow{SongID: s.ID, Difficulty: maimai.Master, Level: "12", Constant: 125}
				err := tx.InsertChart(ctx, &c)
				chartID = c.ID
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range []string{"DROP TABLE chart_links", old, "DELETE FROM schema_migrations WHERE version = 9"} {
				if _, err := db.w.ExecContext(ctx, s); err != nil {
					t.Fatalf("%s: %v", s, err)
				}
			}
			for _, l := range []struct {
				diff   string
				chart  any
				status string
			}{{"master", chartID, "matched"}, {"basic", nil, "ambiguous"}} {
				_, err := db.w.ExecContext(ctx, db.d.rebind(`INSERT INTO chart_links (region, title, chart_type, difficulty, chart_id,
					status, reason, updated_at) VALUES ('cn', 'Link', 'std', ?, ?, ?, 'why', ?)`), l.diff, l.chart, l.status, utc(at))
				if err != nil {
					t.Fatal(err)
				}
			}
			db.Close()

			db, err = Open(ctx, loc)
			if err != nil {
				t.Fatalf("migrating again: %v", err)
			}
			defer db.Close()
			list := func() string {
				var out []string
				err := db.View(ctx, func(tx *Tx) error {
					ls, err := tx.ChartLinks(ctx, maimai.CN)
					for _, l := range ls {
						out = append(out, fmt.Sprintf("%s/%s/%q/%d/%s/%s", l.Title, l.Difficulty, l.Genre, l.ChartID, l.Status, l.Reason))
					}
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				return strings.Join(out, " ")
			}
			want := fmt.Sprintf(`Link/basic/""/0/ambiguous/why Link/master/""/%d/matched/why`, chartID)
			if got := list(); got != want {
				t.Errorf("links after migration 9: %s, want %s", got, want)
			}
			err = db.Update(ctx, func(tx *Tx) error {
				return tx.SetChartLink(ctx, &ChartLink{Region: maimai.CN, Chart: maimai.Chart{Title: "Link", Type: maimai.Std,
					Difficulty: maimai.Master}, Genre: "niconico＆VOCALOID™", Status: "ambiguous", Reason: "other", UpdatedAt: at})
			})
			if err != nil {
				t.Fatal(err)
			}
			want += ` Link/master/"niconico＆VOCALOID™"/0/ambiguous/other`
			if got := list(); got != want {
				t.Errorf("links after adding a genre's link: %s, want %s", got, want)
			}
		})
	}
}
