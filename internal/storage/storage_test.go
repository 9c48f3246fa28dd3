package storage_test

import (
	"context"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/storage"
	"github.com/maiprobe/maiprobe/internal/storage/storagetest"
)

// TestStorage runs the storage suite on every configured database.
func TestStorage(t *testing.T) {
	storagetest.Run(t, func(t *testing.T, location string) {
		ctx := context.Background()
		db, err := storage.Open(ctx, location)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		suite(t, db, location)
	})
}

func suite(t *testing.T, db *storage.DB, location string) {
	ctx := context.Background()
	t.Run("migrations", func(t *testing.T) {
		// The last migration file's number, read off the source tree.
		files, _ := filepath.Glob("migrations/*.sql")
		want := 0
		for _, f := range files {
			num, _, _ := strings.Cut(filepath.Base(f), "_")
			if n, err := strconv.Atoi(num); err == nil && n > want {
				want = n
			}
		}
		v, err := db.SchemaVersion(ctx)
		if err != nil || v != want || want < 2 {
			t.Fatalf("schema version = %d, %v; want %d (the last migration)", v, err, want)
		}
		// Opening again applies nothing and keeps the data.
		again, err := storage.Open(ctx, location)
		if err != nil {
			t.Fatal(err)
		}
		again.Close()
		var names []string
		db.View(ctx, func(tx *storage.Tx) error {
			ps, err := tx.Players(ctx)
			for _, p := range ps {
				names = append(names, p.Name)
			}
			return err
		})
		if len(names) != 1 || names[0] != "default" {
			t.Errorf("players of a fresh archive = %q, want [default]", names)
		}
	})

	var playerID int64
	observed := time.Date(2025, 11, 22, 21, 51, 35, 123456789, maimai.CN.Location())
	page := storage.Page{SHA256: "ab12", Kind: "record", Region: "cn", Name: "record.html", Size: 3,
		ObservedAt: observed, ImportedAt: observed.Add(time.Hour), Compression: "zstd", Data: []byte{1, 2, 3}}

	t.Run("page once", func(t *testing.T) {
		var firstID int64
		for i, wantAdded := range []bool{true, false} {
			err := db.Update(ctx, func(tx *storage.Tx) error {
				var err error
				playerID, err = tx.EnsurePlayer(ctx, "alice", observed)
				if err != nil {
					return err
				}
				p := page
				p.PlayerID = playerID
				added, err := tx.InsertPage(ctx, &p)
				if err != nil {
					return err
				}
				if added != wantAdded {
					t.Errorf("import %d: added = %v, want %v", i+1, added, wantAdded)
				}
				if i == 0 {
					firstID = p.ID
				} else if p.ID != firstID {
					t.Errorf("second insert found page %d, want %d", p.ID, firstID)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	})

	t.Run("times read back as UTC microseconds", func(t *testing.T) {
		var got []storage.Page
		db.View(ctx, func(tx *storage.Tx) error {
			var err error
			got, err = tx.Pages(ctx, playerID)
			return err
		})
		if len(got) != 1 {
			t.Fatalf("got %d pages, want 1", len(got))
		}
		want := time.Date(2025, 11, 22, 13, 51, 35, 123456000, time.UTC)
		if !got[0].ObservedAt.Equal(want) || got[0].ObservedAt.Location() != time.UTC {
			t.Errorf("observed_at = %v, want %v", got[0].ObservedAt, want)
		}
	})

	t.Run("play identity in unique keys", func(t *testing.T) {
		base := storage.Play{PlayerID: playerID, Region: maimai.CN, Play: maimai.Play{
			Track: 1, PlayedAt: observed, Chart: maimai.Chart{Title: "Link", Type: maimai.Std, Difficulty: maimai.Master},
			Achievement: 1005000, Rank: maimai.RankSSSP,
		}}
		lower := base
		lower.Title = "LINK" // a different chart: titles compare exactly
		withIdx := base
		withIdx.Track, withIdx.Idx, withIdx.IdxTime = 2, "3,1763819495", 1763819495
		sameIdx := withIdx
		sameIdx.Track = 3 // another natural key, same idx time: the same play
		tests := []struct {
			name string
			play storage.Play
			want bool
		}{
			{"new", base, true},
			{"same natural key", base, false},
			{"title differs in case", lower, true},
			{"with idx", withIdx, true},
			{"same idx time", sameIdx, false},
		}
		err := db.Update(ctx, func(tx *storage.Tx) error {
			var pages []storage.Page
			pages, err := tx.Pages(ctx, playerID)
			if err != nil {
				return err
			}
			for _, tt := range tests {
				p := tt.play
				p.PageID = pages[0].ID
				added, err := tx.InsertPlay(ctx, &p)
				if err != nil {
					return err
				}
				if added != tt.want {
					t.Errorf("%s: added = %v, want %v", tt.name, added, tt.want)
				}
			}
			n, err := tx.CountPlays(ctx, playerID)
			if n != 3 {
				t.Errorf("plays = %d, want 3", n)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})

	t.Run("failed transaction rolls back", func(t *testing.T) {
		boom := errors.New("boom")
		var before map[string]int
		db.View(ctx, func(tx *storage.Tx) error { before, _ = tx.RowCounts(ctx); return nil })
		err := db.Update(ctx, func(tx *storage.Tx) error {
			if _, err := tx.EnsurePlayer(ctx, "bob", observed); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Update = %v, want boom", err)
		}
		var after map[string]int
		db.View(ctx, func(tx *storage.Tx) error { after, _ = tx.RowCounts(ctx); return nil })
		if after["players"] != before["players"] {
			t.Errorf("players %d → %d after a rolled back insert", before["players"], after["players"])
		}
	})
}

func TestOpenRejectsUnknownLocation(t *testing.T) {
	for _, loc := range []string{"", "redis://localhost/0", "mysql://root@127.0.0.1:3306"} {
		if db, err := storage.Open(context.Background(), loc); err == nil {
			db.Close()
			t.Errorf("Open(%q) succeeded, want an error", loc)
		}
	}
}
