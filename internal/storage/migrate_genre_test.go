package storage

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/storage/storagetest"
)

// TestMigrationSongGenre puts back the best_scores and score_history of
// migration 1 with rows in them, runs migration 8 again and checks that
// every row is kept, history rows take their best's genre, and the genre is
// now part of a best's identity.
func TestMigrationSongGenre(t *testing.T) {
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
			var old []string
			for _, s := range statements(ms[0].sql) {
				if strings.HasPrefix(s, "CREATE TABLE best_scores") || strings.HasPrefix(s, "CREATE TABLE score_history") {
					old = append(old, db.d.types.Replace(s))
				}
			}
			if len(old) != 2 {
				t.Fatalf("found %d of migration 1's two score tables", len(old))
			}
			var pid int64
			err = db.Update(ctx, func(tx *Tx) error {
				pid, err = tx.EnsurePlayer(ctx, "me", time.Now())
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			at := time.Date(2025, 11, 1, 10, 0, 0, 0, time.UTC)
			setup := append([]string{"DROP TABLE score_history", "DROP TABLE best_scores"}, old...)
			// Migration 15 adds provenance columns to the tables rebuilt here.
			setup = append(setup, "DELETE FROM schema_migrations WHERE version = 8", "DELETE FROM schema_migrations WHERE version = 15")
			for _, s := range setup {
				if _, err := db.w.ExecContext(ctx, s); err != nil {
					t.Fatalf("%s: %v", s, err)
				}
			}
			for _, b := range []struct {
				title, typ, diff, genre string
				ach                     int
			}{{"Link", "std", "basic", "maimai", 990000}, {"Song", "dx", "master", "", 970000}} {
				_, err := db.w.ExecContext(ctx, db.d.rebind(`INSERT INTO best_scores (player_id, title, chart_type, difficulty, level,
					genre, achievement, score_rank, dx_score, dx_score_max, fc, fs, play_count, updated_at)
					VALUES (?, ?, ?, ?, '6', ?, ?, 's', 100, 600, '', '', 0, ?)`), pid, b.title, b.typ, b.diff, b.genre, b.ach, utc(at))
				if err != nil {
					t.Fatal(err)
				}
				for _, ach := range []int{b.ach - 10000, b.ach} {
					_, err := db.w.ExecContext(ctx, db.d.rebind(`INSERT INTO score_history (player_id, title, chart_type, difficulty,
						observed_at, achievement, score_rank, dx_score, dx_score_max, fc, fs)
						VALUES (?, ?, ?, ?, ?, ?, 's', 100, 600, '', 'sync')`), pid, b.title, b.typ, b.diff, utc(at), ach)
					if err != nil {
						t.Fatal(err)
					}
				}
			}
			db.Close()

			db, err = Open(ctx, loc)
			if err != nil {
				t.Fatalf("migrating again: %v", err)
			}
			defer db.Close()
			var bests, history []string
			err = db.View(ctx, func(tx *Tx) error {
				bs, err := tx.BestScores(ctx, pid)
				for _, b := range bs {
					bests = append(bests, fmt.Sprintf("%s/%s/%d", b.Title, b.Genre, b.Achievement))
				}
				if err != nil {
					return err
				}
				hs, err := tx.ScoreHistory(ctx, pid)
				for _, h := range hs {
					history = append(history, fmt.Sprintf("%s/%s/%d/%s", h.Title, h.Genre, h.Achievement, h.FS))
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := strings.Join(bests, " "), "Link/maimai/990000 Song//970000"; got != want {
				t.Errorf("bests %s, want %s", got, want)
			}
			want := "Link/maimai/980000/sync Link/maimai/990000/sync Song//960000/sync Song//970000/sync"
			if got := strings.Join(history, " "); got != want {
				t.Errorf("history %s, want %s", got, want)
			}
			// The other song called Link has a best of its own; the same
			// song's second insert is a lost race.
			link := maimai.Chart{Title: "Link", Type: maimai.Std, Difficulty: maimai.Basic}
			for _, tc := range []struct {
				genre string
				want  error
			}{{"niconico＆VOCALOID™", nil}, {"maimai", ErrRetry}} {
				err := db.Update(ctx, func(tx *Tx) error {
					b := BestScore{PlayerID: pid, UpdatedAt: at, Score: maimai.Score{Chart: link, Genre: tc.genre, Level: "6",
						Achievement: 1000000, Rank: maimai.RankOf(1000000)}}
					err := tx.InsertBest(ctx, &b)
					if !errors.Is(err, tc.want) {
						t.Errorf("insert Link of %s: %v, want %v", tc.genre, err, tc.want)
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}
