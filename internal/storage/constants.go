package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// RatedPlay is a play with a detail, as the constant estimator reads it:
// the chart, time, achievement and combo mark, and the detail's JSON
// (which holds the rating the site printed after the play).
type RatedPlay struct {
	ID          int64
	PlayedAt    time.Time
	Chart       maimai.Chart
	Achievement maimai.Achievement
	FC          maimai.FC
	Detail      []byte
	// Seq orders the plays by when their detail was stored
	// (play_ratings); Known says Rating and Delta were read from it, else
	// Detail holds the JSON to read them from (a detail stored before
	// play_ratings existed).
	Seq           int64
	Known         bool
	Rating, Delta int
}

// RatedPlays lists the player's plays that have a detail, oldest first.
// The archive reads RatedPlaysAfter; this whole read is the from-scratch
// reference its tests and benchmarks compare the kept estimate against.
func (t *Tx) RatedPlays(ctx context.Context, playerID int64) ([]RatedPlay, error) {
	rows, err := t.query(ctx, `SELECT p.id, p.played_at, p.title, p.chart_type, p.difficulty, p.achievement, p.fc, p.detail
		FROM plays p WHERE p.player_id = ? AND p.detail IS NOT NULL ORDER BY p.played_at, p.id`, playerID)
	if err != nil {
		return nil, fmt.Errorf("storage: rated plays: %w", err)
	}
	defer rows.Close()
	var out []RatedPlay
	for rows.Next() {
		var p RatedPlay
		var detail string
		if err := rows.Scan(&p.ID, &p.PlayedAt, &p.Chart.Title, &p.Chart.Type, &p.Chart.Difficulty, &p.Achievement, &p.FC,
			&detail); err != nil {
			return nil, fmt.Errorf("storage: rated plays: %w", err)
		}
		p.PlayedAt, p.Detail = p.PlayedAt.UTC(), []byte(detail)
		out = append(out, p)
	}
	return out, rows.Err()
}

// HideConstant makes the song data forget a chart's constant and its
// history, as if the source had none: maiprobe gen's --hide-constants,
// which tests the estimator against the constants it hid.
func (t *Tx) HideConstant(ctx context.Context, chartID int64) error {
	if _, err := t.exec(ctx, "DELETE FROM chart_constants WHERE chart_id = ?", chartID); err != nil {
		return fmt.Errorf("storage: hide constant: %w", err)
	}
	if _, err := t.exec(ctx, "UPDATE charts SET constant = 0 WHERE id = ?", chartID); err != nil {
		return fmt.Errorf("storage: hide constant: %w", err)
	}
	return nil
}

// insertRating notes that play id got a detail, with the rating the detail
// printed after the play and its change (0 when it printed none), so the
// estimator finds the new ones and reads no JSON (play_ratings). The row's
// seq is the player's rating_seq raised here: the player's row stays
// locked until this transaction commits, so the player's rows commit in
// seq order.
func (t *Tx) insertRating(ctx context.Context, id int64, detail []byte) error {
	var d struct {
		Rating      int `json:"rating"`
		RatingDelta int `json:"rating_delta"`
	}
	// A detail whose JSON cannot be read printed no rating the estimator
	// could use: 0, as for one without a rating.
	_ = json.Unmarshal(detail, &d)
	var player int64
	if err := t.tx.QueryRowContext(ctx, t.d.rebind("SELECT player_id FROM plays WHERE id = ?"), id).Scan(&player); err != nil {
		return fmt.Errorf("storage: insert play rating: %w", err)
	}
	if _, err := t.exec(ctx, "UPDATE players SET rating_seq = rating_seq + 1 WHERE id = ?", player); err != nil {
		return fmt.Errorf("storage: insert play rating: %w", err)
	}
	var seq int64
	if err := t.tx.QueryRowContext(ctx, t.d.rebind("SELECT rating_seq FROM players WHERE id = ?"), player).Scan(&seq); err != nil {
		return fmt.Errorf("storage: insert play rating: %w", err)
	}
	if _, err := t.exec(ctx, `INSERT INTO play_ratings (play_id, player_id, seq, rating, rating_delta) VALUES (?, ?, ?, ?, ?)`,
		id, player, seq, d.Rating, d.RatingDelta); err != nil {
		return fmt.Errorf("storage: insert play rating: %w", err)
	}
	return nil
}

// RatingsStamp says what the player's plays with a detail (play_ratings)
// are: the plays epoch (players.plays_epoch, raised when plays are
// deleted: a reparse or a split, which may store the same rows again
// under the same ids on SQLite) and the highest seq stored. An estimate
// made at (epoch, seq) is brought up to date with RatedPlaysAfter(seq)
// alone while the epoch is the same. One row is read, so the current
// rating checks it on every view.
func (t *Tx) RatingsStamp(ctx context.Context, playerID int64) (epoch, seq int64, err error) {
	err = t.tx.QueryRowContext(ctx, t.d.rebind("SELECT plays_epoch, rating_seq FROM players WHERE id = ?"), playerID).
		Scan(&epoch, &seq)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, fmt.Errorf("storage: ratings stamp of player %d: %w", playerID, ErrNotFound)
	}
	if err != nil {
		return 0, 0, fmt.Errorf("storage: ratings stamp: %w", err)
	}
	return epoch, seq, nil
}

// RatedPlaysAfter lists the player's plays whose detail was stored after
// seq (0: every one), oldest first by play time. A play whose rating
// play_ratings does not know yet comes with its detail's JSON.
func (t *Tx) RatedPlaysAfter(ctx context.Context, playerID, seq int64) ([]RatedPlay, error) {
	rows, err := t.query(ctx, `SELECT r.seq, p.id, p.played_at, p.title, p.chart_type, p.difficulty, p.achievement, p.fc,
		r.rating, r.rating_delta, CASE WHEN r.rating IS NULL THEN p.detail END
		FROM play_ratings r JOIN plays p ON p.id = r.play_id WHERE r.player_id = ? AND r.seq > ? ORDER BY p.played_at, p.id`,
		playerID, seq)
	if err != nil {
		return nil, fmt.Errorf("storage: rated plays: %w", err)
	}
	defer rows.Close()
	var out []RatedPlay
	for rows.Next() {
		var p RatedPlay
		var r, d sql.NullInt64
		var detail sql.NullString
		if err := rows.Scan(&p.Seq, &p.ID, &p.PlayedAt, &p.Chart.Title, &p.Chart.Type, &p.Chart.Difficulty, &p.Achievement,
			&p.FC, &r, &d, &detail); err != nil {
			return nil, fmt.Errorf("storage: rated plays: %w", err)
		}
		p.PlayedAt = p.PlayedAt.UTC()
		p.Known, p.Rating, p.Delta = r.Valid, int(r.Int64), int(d.Int64)
		if detail.Valid {
			p.Detail = []byte(detail.String)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// FillPlayRatings stores the ratings read from the details of plays whose
// play_ratings row did not know them (Known false, Rating and Delta set
// by the caller), so they are read once. Derived data: the archive's
// version does not move.
func (t *Tx) FillPlayRatings(ctx context.Context, plays []RatedPlay) error {
	for _, p := range plays {
		if _, err := t.write(ctx, "UPDATE play_ratings SET rating = ?, rating_delta = ? WHERE play_id = ? AND rating IS NULL",
			p.Rating, p.Delta, p.ID); err != nil {
			return fmt.Errorf("storage: fill play ratings: %w", err)
		}
	}
	return nil
}

// ConstantStamp reads the stamp of the player's stored estimate; "" when
// there is none.
func (t *Tx) ConstantStamp(ctx context.Context, playerID int64) (string, error) {
	var stamp string
	err := t.tx.QueryRowContext(ctx, t.d.rebind("SELECT stamp FROM constant_states WHERE player_id = ?"), playerID).Scan(&stamp)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("storage: constant state: %w", err)
	}
	return stamp, nil
}

// ConstantState reads the player's stored estimate and the stamp of what
// it was made from; ErrNotFound when there is none.
func (t *Tx) ConstantState(ctx context.Context, playerID int64) (stamp string, data []byte, err error) {
	err = t.tx.QueryRowContext(ctx, t.d.rebind("SELECT stamp, data FROM constant_states WHERE player_id = ?"), playerID).
		Scan(&stamp, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, fmt.Errorf("storage: constant state of player %d: %w", playerID, ErrNotFound)
	}
	if err != nil {
		return "", nil, fmt.Errorf("storage: constant state: %w", err)
	}
	return stamp, data, nil
}

// PutConstantState stores the player's estimate made from what stamp
// names, replacing the one before. Derived data: the archive's version
// does not move, so storing it invalidates no cache.
func (t *Tx) PutConstantState(ctx context.Context, playerID int64, stamp string, data []byte) error {
	n, err := t.write(ctx, "UPDATE constant_states SET stamp = ?, data = ? WHERE player_id = ?", stamp, data, playerID)
	if err != nil {
		return fmt.Errorf("storage: store constant state: %w", err)
	}
	if n > 0 {
		return nil
	}
	ignore := " ON CONFLICT DO NOTHING"
	if t.d.name == "mysql" {
		ignore = " ON DUPLICATE KEY UPDATE stamp = VALUES(stamp), data = VALUES(data)"
	}
	if _, err := t.write(ctx, "INSERT INTO constant_states (player_id, stamp, data) VALUES (?, ?, ?)"+ignore,
		playerID, stamp, data); err != nil {
		return fmt.Errorf("storage: store constant state: %w", err)
	}
	return nil
}
