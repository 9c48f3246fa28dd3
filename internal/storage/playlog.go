package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// LogPlay is a play reduced to what the history of a career needs
// (milestones, years, attempts): no detail, no page.
type LogPlay struct {
	ID     int64
	Region maimai.Region
	Minute int64 // played_minute: unix minutes, cheaper to read than a time
	Track  int
	maimai.Chart
	Level               string
	Achievement         maimai.Achievement
	DXScore, DXScoreMax int
	FC                  maimai.FC
	FS                  maimai.FS
}

// PlayLog lists every play of the player oldest first (in the order the
// visits and the plays pages use), without details.
func (t *Tx) PlayLog(ctx context.Context, playerID int64) ([]LogPlay, error) {
	rows, err := t.query(ctx, `SELECT p.id, p.region, p.played_minute, p.track, p.title, p.chart_type, p.difficulty, p.level,
		p.achievement, p.dx_score, p.dx_score_max, p.fc, p.fs FROM plays p WHERE p.player_id = ? ORDER BY p.played_at, p.track, p.id`, playerID)
	if err != nil {
		return nil, fmt.Errorf("storage: play log: %w", err)
	}
	defer rows.Close()
	var out []LogPlay
	for rows.Next() {
		var p LogPlay
		if err := rows.Scan(&p.ID, &p.Region, &p.Minute, &p.Track, &p.Title, &p.Type, &p.Difficulty, &p.Level,
			&p.Achievement, &p.DXScore, &p.DXScoreMax, &p.FC, &p.FS); err != nil {
			return nil, fmt.Errorf("storage: play log: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// PartnerDetails lists the details (maimai.PlayDetail as JSON) of the
// player's plays with from <= played_at < to that name partners: the
// detail's JSON holds a "partners" key only then, so the rest are not
// read or decoded.
func (t *Tx) PartnerDetails(ctx context.Context, playerID int64, from, to time.Time) ([][]byte, error) {
	rows, err := t.query(ctx, `SELECT p.detail FROM plays p WHERE p.player_id = ? AND p.played_at >= ? AND p.played_at < ?
		AND p.detail IS NOT NULL AND p.detail LIKE ? ORDER BY p.played_at, p.id`, playerID, utc(from), utc(to), `%"partners":%`)
	if err != nil {
		return nil, fmt.Errorf("storage: partner details: %w", err)
	}
	defer rows.Close()
	var out [][]byte
	for rows.Next() {
		var d sql.NullString
		if err := rows.Scan(&d); err != nil {
			return nil, fmt.Errorf("storage: partner details: %w", err)
		}
		out = append(out, []byte(d.String))
	}
	return out, rows.Err()
}
