package storage

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/storage/storagetest"
)

// TestRatingStampReadsOnlyThePlayer: the rating stamp of a player whose
// history ids are all below another player's reads only its own rows on
// PostgreSQL. A MAX(id) … WHERE player_id = ? of its own was planned as
// a backward walk of the primary key past every row of the other players
// (in the 1,000-player scale archive: 2.4 million rows, 18 s a rating
// page).
func TestRatingStampReadsOnlyThePlayer(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, storagetest.Location(t, "postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var me, other int64
	err = db.Update(ctx, func(tx *Tx) error {
		if me, err = tx.EnsurePlayer(ctx, "me", time.Now()); err != nil {
			return err
		}
		other, err = tx.EnsurePlayer(ctx, "other", time.Now())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// My 200 steps first (the lowest ids), then 20,000 of the other's.
	for _, s := range []struct {
		player int64
		n      int
	}{{me, 200}, {other, 20000}} {
		if _, err := db.w.ExecContext(ctx, `INSERT INTO score_history
			(player_id, title, chart_type, difficulty, genre, observed_at, achievement, score_rank, dx_score, dx_score_max, fc, fs)
			SELECT $1, 'song ' || g, 'dx', 'master', '', now(), 1000000, 'sss', 0, 0, '', '' FROM generate_series(1, $2) g`,
			s.player, s.n); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.w.ExecContext(ctx, "ANALYZE score_history"); err != nil {
		t.Fatal(err)
	}
	var plan []string
	err = db.View(ctx, func(tx *Tx) error {
		if _, err := tx.RatingStamp(ctx, me, maimai.CN); err != nil {
			return err
		}
		rows, err := tx.tx.QueryContext(ctx, "EXPLAIN ANALYZE "+tx.d.rebind(ratingStampQuery), me, me, string(maimai.CN))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				return err
			}
			plan = append(plan, line)
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	removed := 0
	re := regexp.MustCompile(`Rows Removed by Filter: (\d+)`)
	for _, l := range plan {
		if m := re.FindStringSubmatch(l); m != nil {
			n, _ := strconv.Atoi(m[1])
			removed += n
		}
	}
	if removed > 1000 {
		t.Errorf("the rating stamp of a player of 200 steps read past %d rows of another player's:\n%s", removed, strings.Join(plan, "\n"))
	}
}
