package storage

import (
	"context"
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
}

// RatedPlays lists the player's plays that have a detail, oldest first.
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
