package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// JudgedPlay is a play with a detail as the judgement analysis reads it
// (play_judgements): the chart with its level, time and achievement, and
// the judgements. Detail is set only for a play whose judgements were not
// computed yet (an empty string: plays stored before migration 18), so the caller can
// fill them (SetPlayJudgements).
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

// insertJudgements stores the judgements of play id, with the play's
// chart, time and achievement beside them, and adds them to the player's
// sums (judgement_totals.go).
func (t *Tx) insertJudgements(ctx context.Context, id int64, judgements string) error {
	var j judgedRow
	err := t.tx.QueryRowContext(ctx, t.d.rebind(`SELECT player_id, region, played_at, title, chart_type, difficulty, level, achievement
		FROM plays WHERE id = ?`), id).Scan(&j.playerID, &j.region, &j.at, &j.chart.Title, &j.chart.Type, &j.chart.Difficulty, &j.level, &j.ach)
	if err != nil {
		return fmt.Errorf("storage: insert play judgements: %w", err)
	}
	if _, err := t.exec(ctx, `INSERT INTO play_judgements
		(play_id, player_id, region, played_at, title, chart_type, difficulty, level, achievement, judgements)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, j.playerID, string(j.region), utc(j.at), j.chart.Title, string(j.chart.Type),
		string(j.chart.Difficulty), j.level, int64(j.ach), judgements); err != nil {
		return fmt.Errorf("storage: insert play judgements: %w", err)
	}
	return t.addJudgementTotals(ctx, j, judgements)
}

// PlayJudgements lists the player's plays that have judgements (every play
// with a detail). Level is the page's; ChartLevels gives the song data's.
func (t *Tx) PlayJudgements(ctx context.Context, playerID int64) ([]JudgedPlay, error) {
	rows, err := t.query(ctx, `SELECT j.play_id, j.region, j.played_at, j.title, j.chart_type, j.difficulty, j.level,
		j.achievement, j.judgements, CASE WHEN j.judgements = '' THEN (SELECT p.detail FROM plays p WHERE p.id = j.play_id) END
		FROM play_judgements j WHERE j.player_id = ?`, playerID)
	if err != nil {
		return nil, fmt.Errorf("storage: play judgements: %w", err)
	}
	defer rows.Close()
	var out []JudgedPlay
	for rows.Next() {
		var p JudgedPlay
		var detail sql.NullString
		if err := rows.Scan(&p.ID, &p.Region, &p.PlayedAt, &p.Chart.Title, &p.Chart.Type, &p.Chart.Difficulty, &p.Level,
			&p.Achievement, &p.Judgements, &detail); err != nil {
			return nil, fmt.Errorf("storage: play judgements: %w", err)
		}
		p.PlayedAt = p.PlayedAt.UTC()
		if detail.Valid {
			p.Detail = []byte(detail.String)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// ChartLevels is the level label of every chart of region that plays are
// linked to (the links without a genre), "" for a chart linked to none of
// the song data (learned, ambiguous). One pass over the region's links:
// cheaper than a lookup per play once a player has more details than the
// region has linked charts. Only archive.JudgementSamples, the tests'
// from-scratch reference for the analysis, reads it.
func (t *Tx) ChartLevels(ctx context.Context, region maimai.Region) (map[maimai.Chart]string, error) {
	rows, err := t.query(ctx, `SELECT cl.title, cl.chart_type, cl.difficulty, COALESCE(c.level, '')
		FROM chart_links cl LEFT JOIN charts c ON c.id = cl.chart_id WHERE cl.region = ? AND cl.genre = ''`, string(region))
	if err != nil {
		return nil, fmt.Errorf("storage: chart levels: %w", err)
	}
	defer rows.Close()
	out := map[maimai.Chart]string{}
	for rows.Next() {
		var c maimai.Chart
		var level string
		if err := rows.Scan(&c.Title, &c.Type, &c.Difficulty, &level); err != nil {
			return nil, fmt.Errorf("storage: chart levels: %w", err)
		}
		out[c] = level
	}
	return out, rows.Err()
}

// SetPlayJudgements writes the judgements of a play stored before they
// were kept (its row has an empty string); "" (a detail that does not decode) drops
// the row, so it is not read again.
func (t *Tx) SetPlayJudgements(ctx context.Context, id int64, judgements string) error {
	var err error
	if judgements == "" {
		_, err = t.exec(ctx, "DELETE FROM play_judgements WHERE play_id = ? AND judgements = ''", id)
	} else {
		_, err = t.exec(ctx, "UPDATE play_judgements SET judgements = ? WHERE play_id = ? AND judgements = ''", judgements, id)
	}
	if err != nil {
		return fmt.Errorf("storage: set play judgements: %w", err)
	}
	return nil
}
