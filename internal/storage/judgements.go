package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// JudgedPlay is a play with a detail as the judgement analysis reads it:
// the chart, time and achievement, and the judgements column. Detail is
// set only for a play whose judgements were not written yet (imported
// before migration 18), so the caller can fill them (SetPlayJudgements).
type JudgedPlay struct {
	ID          int64
	Region      maimai.Region
	PlayedAt    time.Time
	Chart       maimai.Chart
	Level       string // as the page showed it ("" on CN record pages)
	Achievement maimai.Achievement
	Judgements  string
	Detail      []byte
}

// PlayJudgements lists the player's plays that have a detail, oldest
// first, without the detail's JSON unless their judgements are missing.
func (t *Tx) PlayJudgements(ctx context.Context, playerID int64) ([]JudgedPlay, error) {
	rows, err := t.query(ctx, `SELECT p.id, p.region, p.played_at, p.title, p.chart_type, p.difficulty, p.level, p.achievement,
		p.judgements, CASE WHEN p.judgements IS NULL THEN p.detail END
		FROM plays p WHERE p.player_id = ? AND p.detail IS NOT NULL ORDER BY p.played_at, p.id`, playerID)
	if err != nil {
		return nil, fmt.Errorf("storage: play judgements: %w", err)
	}
	defer rows.Close()
	var out []JudgedPlay
	for rows.Next() {
		var p JudgedPlay
		var judgements, detail sql.NullString
		if err := rows.Scan(&p.ID, &p.Region, &p.PlayedAt, &p.Chart.Title, &p.Chart.Type, &p.Chart.Difficulty, &p.Level,
			&p.Achievement, &judgements, &detail); err != nil {
			return nil, fmt.Errorf("storage: play judgements: %w", err)
		}
		p.PlayedAt, p.Judgements = p.PlayedAt.UTC(), judgements.String
		if detail.Valid {
			p.Detail = []byte(detail.String)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// SetPlayJudgements writes a play's judgements column (for a play stored
// before it existed).
func (t *Tx) SetPlayJudgements(ctx context.Context, id int64, judgements string) error {
	if _, err := t.exec(ctx, "UPDATE plays SET judgements = ? WHERE id = ? AND judgements IS NULL", judgements, id); err != nil {
		return fmt.Errorf("storage: set play judgements: %w", err)
	}
	return nil
}
