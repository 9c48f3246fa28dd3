package storage

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/storage/storagetest"
)

// TestMigrationJacketNames takes an archive back to before the jackets
// migration, with plays in it, and runs the migration again: the index
// from titles to jacket files is filled from the plays, leaving out plays
// without a jacket and names too long to be one.
func TestMigrationJacketNames(t *testing.T) {
	for _, dbName := range storagetest.Databases {
		t.Run(dbName, func(t *testing.T) {
			ctx := context.Background()
			db, err := Open(ctx, storagetest.Location(t, dbName))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			ms, err := loadMigrations()
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(ms, func(m migration) bool { return strings.HasSuffix(m.name, "_jackets.sql") })
			if i < 0 {
				t.Fatal("no jackets migration")
			}
			setup := []string{"DROP TABLE jacket_names", "DROP TABLE jackets",
				fmt.Sprintf("DELETE FROM schema_migrations WHERE version = %d", ms[i].version)}
			for _, s := range setup {
				if _, err := db.w.ExecContext(ctx, s); err != nil {
					t.Fatalf("%s: %v", s, err)
				}
			}
			at := time.Date(2025, 11, 1, 10, 0, 0, 0, time.UTC)
			err = db.Update(ctx, func(tx *Tx) error {
				pid, err := tx.EnsurePlayer(ctx, "me", at)
				if err != nil {
					return err
				}
				page := Page{PlayerID: pid, SHA256: "00", Kind: "record", Region: "cn", Name: "record.html", Size: 1,
					ObservedAt: at, ImportedAt: at, Compression: "zstd", Data: []byte{0}}
				if _, err := tx.InsertPage(ctx, &page); err != nil {
					return err
				}
				for n, p := range []struct {
					region maimai.Region
					title  string
					jacket string
				}{
					{maimai.CN, "Link", "aaaaaaaaaaaaaaaa.png"},
					{maimai.CN, "Link", "aaaaaaaaaaaaaaaa.png"},
					{maimai.CN, "Link", "bbbbbbbbbbbbbbbb.png"},
					{maimai.Intl, "Link", "aaaaaaaaaaaaaaaa.png"},
					{maimai.CN, "No jacket", ""},
					{maimai.CN, "Odd", strings.Repeat("x", 70) + ".png"},
				} {
					row := Play{PlayerID: pid, PageID: page.ID, Region: p.region, Play: maimai.Play{Track: 1,
						PlayedAt: at.Add(time.Duration(n) * time.Hour), Jacket: p.jacket, Level: "13",
						Chart: maimai.Chart{Title: p.title, Type: maimai.DX, Difficulty: maimai.Master}}}
					if _, err := tx.InsertPlay(ctx, &row); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := db.migrate(ctx, time.Minute); err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				region string
				want   map[string][]string
			}{
				{"cn", map[string][]string{"Link": {"aaaaaaaaaaaaaaaa.png", "bbbbbbbbbbbbbbbb.png"}}},
				{"intl", map[string][]string{"Link": {"aaaaaaaaaaaaaaaa.png"}}},
				{"", map[string][]string{"Link": {"aaaaaaaaaaaaaaaa.png", "bbbbbbbbbbbbbbbb.png"}}},
			} {
				var got map[string][]string
				err := db.View(ctx, func(tx *Tx) error {
					got, err = tx.JacketNames(ctx, c.region, []string{"Link", "No jacket", "Odd"})
					return err
				})
				if err != nil || fmt.Sprint(got) != fmt.Sprint(c.want) {
					t.Errorf("region %q: %v %v, want %v", c.region, got, err, c.want)
				}
			}
			var missing []string
			err = db.View(ctx, func(tx *Tx) error {
				missing, err = tx.MissingJackets(ctx, 1)
				return err
			})
			if err != nil || fmt.Sprint(missing) != "[aaaaaaaaaaaaaaaa.png]" {
				t.Errorf("missing jackets (first 1): %v %v", missing, err)
			}
		})
	}
}
