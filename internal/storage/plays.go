package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// Play is one stored play.
type Play struct {
	ID       int64
	PlayerID int64
	PageID   int64  // the page that first brought the play
	PageSHA  string // that page's sha256 (filled by the list queries)
	Region   maimai.Region
	maimai.Play
	// IdxTime is the unix time of the idx token, the play's identity; 0
	// when the play has no idx.
	IdxTime int64
	// Detail is the playlogDetail page's data as JSON (maimai.PlayDetail),
	// nil until a detail page is imported.
	Detail       []byte
	DetailPageID int64
	DetailSHA    string // the detail page's sha256 (list queries)
	HasDetail    bool
	// Judgements is the detail's judgement table and FAST/LATE as
	// analysis.Encode writes them, stored with the detail in
	// play_judgements (never read back by the list queries; see
	// PlayJudgements).
	Judgements string
}

// Minute is the natural-key minute of a play time: unix minutes.
func Minute(t time.Time) int64 { return t.Unix() / 60 }

const playColumns = `p.id, p.player_id, p.page_id, p.region, p.played_at, p.idx, p.idx_time, p.track, p.title, p.chart_type,
	p.difficulty, p.level, p.achievement, p.score_rank, p.dx_score, p.dx_score_max, p.dx_stars, p.fc, p.fs, p.clear,
	p.new_record, p.new_dx_record, p.matching_rank, p.jacket, p.detail IS NOT NULL`

func scanPlay(rows *sql.Rows, extra ...any) (Play, error) {
	var p Play
	var idx sql.NullString
	var idxTime sql.NullInt64
	var clear, nr, ndr int
	dest := []any{&p.ID, &p.PlayerID, &p.PageID, &p.Region, &p.PlayedAt, &idx, &idxTime, &p.Track, &p.Title, &p.Type,
		&p.Difficulty, &p.Level, &p.Achievement, &p.Rank, &p.DXScore, &p.DXScoreMax, &p.DXStars, &p.FC, &p.FS, &clear,
		&nr, &ndr, &p.MatchingRank, &p.Jacket, &p.HasDetail}
	err := rows.Scan(append(dest, extra...)...)
	p.PlayedAt = p.PlayedAt.UTC()
	p.Idx, p.IdxTime = idx.String, idxTime.Int64
	p.Clear, p.NewRecord, p.NewDXRecord = clear != 0, nr != 0, ndr != 0
	return p, err
}

// PlaysAround returns the player's plays whose minute lies in
// [fromMinute, toMinute] or whose idx time lies in [fromIdx, toIdx]: the
// candidates a page's plays may already be, fetched in one query.
func (t *Tx) PlaysAround(ctx context.Context, playerID, fromMinute, toMinute, fromIdx, toIdx int64) ([]Play, error) {
	rows, err := t.query(ctx, "SELECT "+playColumns+` FROM plays p
		WHERE p.player_id = ? AND ((p.played_minute BETWEEN ? AND ?) OR (p.idx_time BETWEEN ? AND ?))`,
		playerID, fromMinute, toMinute, fromIdx, toIdx)
	if err != nil {
		return nil, fmt.Errorf("storage: find plays: %w", err)
	}
	defer rows.Close()
	var ps []Play
	for rows.Next() {
		p, err := scanPlay(rows)
		if err != nil {
			return nil, fmt.Errorf("storage: find plays: %w", err)
		}
		ps = append(ps, p)
	}
	return ps, rows.Err()
}

// InsertPlay adds p unless its identity is already stored (then it
// reports false). It sets p.ID when added.
func (t *Tx) InsertPlay(ctx context.Context, p *Play) (bool, error) {
	id, added, err := t.insert(ctx, "play", `INSERT INTO plays
		(player_id, page_id, region, played_at, played_minute, idx, idx_time, track, title, chart_type, difficulty, level,
		 achievement, score_rank, dx_score, dx_score_max, dx_stars, fc, fs, clear, new_record, new_dx_record,
		 matching_rank, jacket, detail, detail_page_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?){{ignore}}`,
		p.PlayerID, p.PageID, string(p.Region), utc(p.PlayedAt), Minute(p.PlayedAt), nullString(p.Idx), nullInt(p.IdxTime),
		p.Track, p.Title, string(p.Type), string(p.Difficulty), p.Level,
		int64(p.Achievement), string(p.Rank), p.DXScore, p.DXScoreMax, p.DXStars, string(p.FC), string(p.FS),
		boolInt(p.Clear), boolInt(p.NewRecord), boolInt(p.NewDXRecord),
		p.MatchingRank, p.Jacket, nullBytes(p.Detail), nullInt(p.DetailPageID))
	if err != nil {
		return false, fmt.Errorf("storage: insert play: %w", err)
	}
	p.ID = id
	if added && p.Detail != nil {
		if err := t.insertRating(ctx, id, p.Detail); err != nil {
			return false, err
		}
	}
	if added && p.Judgements != "" {
		if err := t.insertJudgements(ctx, id, p.Judgements); err != nil {
			return false, err
		}
	}
	return added, nil
}

// SetPlayIdx gives a play stored without an idx token its token.
func (t *Tx) SetPlayIdx(ctx context.Context, id int64, idx string, idxTime int64) error {
	if _, err := t.exec(ctx, "UPDATE plays SET idx = ?, idx_time = ? WHERE id = ? AND idx_time IS NULL", idx, idxTime, id); err != nil {
		return fmt.Errorf("storage: set play idx: %w", err)
	}
	return nil
}

// SetPlayDetail attaches a detail page's data (and its judgements, as
// Play.Judgements) to a play that has none.
func (t *Tx) SetPlayDetail(ctx context.Context, id int64, detail []byte, judgements string, pageID int64) error {
	if t.hook != nil {
		if err := t.hook("detail"); err != nil {
			return err
		}
	}
	res, err := t.exec(ctx, "UPDATE plays SET detail = ?, detail_page_id = ? WHERE id = ? AND detail IS NULL", string(detail), nullInt(pageID), id)
	if err != nil {
		return fmt.Errorf("storage: set play detail: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("storage: set play detail: %w", err)
	}
	if n != 1 {
		return nil // the play had a detail already
	}
	if err := t.insertRating(ctx, id, detail); err != nil {
		return err
	}
	if judgements != "" {
		return t.insertJudgements(ctx, id, judgements)
	}
	return nil
}

// Plays lists the player's plays newest first, with their detail; limit
// <= 0 lists all.
func (t *Tx) Plays(ctx context.Context, playerID int64, limit int) ([]Play, error) {
	q := "SELECT " + playColumns + `, p.detail FROM plays p WHERE p.player_id = ? ORDER BY p.played_at DESC, p.track DESC, p.title DESC, p.chart_type DESC, p.difficulty DESC`
	args := []any{playerID}
	if limit > 0 {
		q += " LIMIT ?"
		args = append(args, limit)
	}
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: list plays: %w", err)
	}
	defer rows.Close()
	var ps []Play
	for rows.Next() {
		var detail sql.NullString
		p, err := scanPlay(rows, &detail)
		if err != nil {
			return nil, fmt.Errorf("storage: list plays: %w", err)
		}
		if detail.Valid {
			p.Detail = []byte(detail.String)
		}
		ps = append(ps, p)
	}
	return ps, rows.Err()
}

// PlaysFull lists every play of the player oldest first with its detail
// and the sha256 of its pages, as an export needs them.
func (t *Tx) PlaysFull(ctx context.Context, playerID int64) ([]Play, error) {
	rows, err := t.query(ctx, "SELECT "+playColumns+`, pg.sha256, p.detail, dp.sha256
		FROM plays p JOIN pages pg ON pg.id = p.page_id LEFT JOIN pages dp ON dp.id = p.detail_page_id
		WHERE p.player_id = ? ORDER BY p.played_at, p.track, p.title, p.chart_type, p.difficulty`, playerID)
	if err != nil {
		return nil, fmt.Errorf("storage: list plays: %w", err)
	}
	defer rows.Close()
	var ps []Play
	for rows.Next() {
		var detail, dsha sql.NullString
		var sha string
		p, err := scanPlay(rows, &sha, &detail, &dsha)
		if err != nil {
			return nil, fmt.Errorf("storage: list plays: %w", err)
		}
		p.PageSHA, p.DetailSHA = sha, dsha.String
		if detail.Valid {
			p.Detail = []byte(detail.String)
		}
		ps = append(ps, p)
	}
	return ps, rows.Err()
}

// CountPlays counts the player's plays.
func (t *Tx) CountPlays(ctx context.Context, playerID int64) (int, error) {
	var n int
	if err := t.tx.QueryRowContext(ctx, t.d.rebind("SELECT COUNT(*) FROM plays WHERE player_id = ?"), playerID).Scan(&n); err != nil {
		return 0, fmt.Errorf("storage: count plays: %w", err)
	}
	return n, nil
}

func nullBytes(b []byte) any {
	if b == nil {
		return nil
	}
	return string(b)
}
