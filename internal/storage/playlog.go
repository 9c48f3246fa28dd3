package storage

import (
	"context"
	"database/sql"
	"errors"
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
	return t.PlayLogAfter(ctx, playerID, 0)
}

// PlayLogAfter is PlayLog of the plays with ids above afterID only: what
// was added since a log read up to afterID (PlayLogStamp says when that
// is all that changed).
// They come in id order (a range of the plays_player_id index, where an
// order by time would walk every play of the player), which the caller
// sorts; the whole log (afterID 0) comes in time order.
func (t *Tx) PlayLogAfter(ctx context.Context, playerID, afterID int64) ([]LogPlay, error) {
	const cols = `SELECT p.id, p.region, p.played_minute, p.track, p.title, p.chart_type, p.difficulty, p.level,
		p.achievement, p.dx_score, p.dx_score_max, p.fc, p.fs FROM plays p WHERE p.player_id = ? `
	q, args := cols+"ORDER BY p.played_at, p.track, p.id", []any{playerID}
	if afterID > 0 {
		q, args = cols+"AND p.id > ? ORDER BY p.id", []any{playerID, afterID}
	}
	rows, err := t.query(ctx, q, args...)
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

// LogStamp says what a player's play log holds: Epoch (players.plays_epoch,
// raised whenever the player's plays are deleted), the number of plays and
// the highest play id.
type LogStamp struct {
	Epoch, Count, MaxID int64
}

// PlayLogStamp reads the player's LogStamp and how many plays have ids
// above afterID. A log read at stamp old may be brought up to date by
// reading the plays after old.MaxID alone when the epoch is the same and
// old.Count plus those newer plays make the count: else a play was
// deleted, or one committed late with a lower id than a play already
// read (concurrent imports on PostgreSQL or MariaDB), and the log must
// be read again whole.
func (t *Tx) PlayLogStamp(ctx context.Context, playerID, afterID int64) (s LogStamp, newer int64, err error) {
	// One aggregate per table, as in ratingStampQuery: a MAX(id) of its own
	// would be planned by PostgreSQL as a backward walk of the key.
	err = t.tx.QueryRowContext(ctx, t.d.rebind(`SELECT pl.plays_epoch, p.n, p.m, p.k FROM players pl,
		(SELECT COUNT(*) AS n, COALESCE(MAX(id), 0) AS m, COALESCE(SUM(CASE WHEN id > ? THEN 1 ELSE 0 END), 0) AS k
			FROM plays WHERE player_id = ?) p WHERE pl.id = ?`), afterID, playerID, playerID).Scan(&s.Epoch, &s.Count, &s.MaxID, &newer)
	if errors.Is(err, sql.ErrNoRows) {
		return s, 0, fmt.Errorf("storage: play log stamp of player %d: %w", playerID, ErrNotFound)
	}
	if err != nil {
		return s, 0, fmt.Errorf("storage: play log stamp: %w", err)
	}
	return s, newer, nil
}

// PlayJacketsAfter is PlayJackets of the plays with ids above afterID:
// what an import added to a map read up to afterID (PlayLogStamp says
// when that is all that changed).
func (t *Tx) PlayJacketsAfter(ctx context.Context, playerID, afterID int64) (map[string]string, error) {
	rows, err := t.query(ctx, `SELECT title, MAX(jacket) FROM plays WHERE player_id = ? AND id > ? AND jacket <> '' GROUP BY title`,
		playerID, afterID)
	if err != nil {
		return nil, fmt.Errorf("storage: list play jackets: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var title, jacket string
		if err := rows.Scan(&title, &jacket); err != nil {
			return nil, fmt.Errorf("storage: list play jackets: %w", err)
		}
		out[title] = jacket
	}
	return out, rows.Err()
}

// UnlinkedPlaysAfter is UnlinkedPlays for the player's plays with ids
// above afterID: the charts an import brought that were never linked,
// found without walking the plays a cached log already linked.
func (t *Tx) UnlinkedPlaysAfter(ctx context.Context, playerID, afterID int64) ([]ChartIdent, error) {
	return t.unlinkedPlays(ctx, "p.player_id = ? AND p.id > ? AND ", []any{playerID, afterID})
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
