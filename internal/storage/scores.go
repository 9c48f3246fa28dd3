package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// BestScore is the current best of one chart.
type BestScore struct {
	ID       int64
	PlayerID int64
	maimai.Score
	UpdatedAt time.Time // when the best last changed
	Provenance
}

// Provenance says where a best score or history step came from
// (migration 0015).
type Provenance struct {
	// Source is what the archive read it off: "dxnet:KIND" for a DX NET
	// page of that kind, or another tool's format ("divingfish-json", …);
	// "" for rows stored before provenance was kept.
	Source string `json:"source,omitempty"`
	// SourcePageID is the stored page or file that last raised the best,
	// 0 when unknown.
	SourcePageID int64 `json:"-"`
	// SourceAt is when the source says the score was set or seen; zero
	// when unknown.
	SourceAt time.Time `json:"source_at,omitzero"`
}

// Foreign reports whether the source is another tool's file rather than a
// DX NET page.
func (p Provenance) Foreign() bool { return p.Source != "" && !strings.HasPrefix(p.Source, "dxnet:") }

// ScoreStep is one row of score history: the best as an improvement made it.
type ScoreStep struct {
	PlayerID int64
	maimai.Chart
	Genre       string // the song's genre, part of the best's identity; '' when unknown
	ObservedAt  time.Time
	Achievement maimai.Achievement
	Rank        maimai.Rank
	DXScore     int
	DXScoreMax  int
	FC          maimai.FC
	FS          maimai.FS
	PageID      int64  // the page that showed it, 0 when unknown
	PageSHA     string // that page's sha256 (list queries)
	Source      string // as Provenance.Source
	// ID is the step's row id, read by ScoreStepsAfter only (0 elsewhere).
	ID int64
}

const bestColumns = `id, player_id, title, chart_type, difficulty, level, genre, achievement, score_rank, dx_score,
	dx_score_max, fc, fs, play_count, updated_at, source, source_page_id, source_at`

func scanBest(rows *sql.Rows) (BestScore, error) {
	var b BestScore
	var page sql.NullInt64
	var at sql.NullTime
	err := rows.Scan(&b.ID, &b.PlayerID, &b.Title, &b.Type, &b.Difficulty, &b.Level, &b.Genre, &b.Achievement, &b.Rank,
		&b.DXScore, &b.DXScoreMax, &b.FC, &b.FS, &b.PlayCount, &b.UpdatedAt, &b.Source, &page, &at)
	b.UpdatedAt = b.UpdatedAt.UTC()
	b.SourcePageID = page.Int64
	if at.Valid {
		b.SourceAt = at.Time.UTC()
	}
	b.Played = true
	return b, err
}

// BestScoresOf returns the player's best scores of the given charts, by
// chart, in a few batched queries. A chart of two songs (same title, type
// and difficulty, different genre) gives the best with the higher
// achievement.
func (t *Tx) BestScoresOf(ctx context.Context, playerID int64, charts []maimai.Chart) (map[maimai.Chart]BestScore, error) {
	bs, err := t.bestRows(ctx, playerID, charts, "")
	if err != nil {
		return nil, err
	}
	out := map[maimai.Chart]BestScore{}
	for _, b := range bs {
		if old, ok := out[b.Chart]; !ok || b.Achievement > old.Achievement {
			out[b.Chart] = b
		}
	}
	return out, nil
}

// BestScoresForUpdate returns every best score of the given charts (one per
// song genre) and locks them until the transaction ends, so two imports
// raising the same best apply one after the other instead of the later
// overwriting the earlier with what it read before. SQLite has one writer
// and needs no lock.
func (t *Tx) BestScoresForUpdate(ctx context.Context, playerID int64, charts []maimai.Chart) ([]BestScore, error) {
	lock := " FOR UPDATE"
	if t.d.name == "sqlite" {
		lock = ""
	}
	return t.bestRows(ctx, playerID, charts, lock)
}

// bestRows reads the best scores of charts; suffix ends each query.
func (t *Tx) bestRows(ctx context.Context, playerID int64, charts []maimai.Chart, suffix string) ([]BestScore, error) {
	var out []BestScore
	uniq := distinctCharts(charts)
	collect := func(rows *sql.Rows, err error) error {
		if err != nil {
			return fmt.Errorf("storage: find best scores: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			b, err := scanBest(rows)
			if err != nil {
				return fmt.Errorf("storage: find best scores: %w", err)
			}
			out = append(out, b)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("storage: find best scores: %w", err)
		}
		return nil
	}
	if t.d.name == "sqlite" {
		// In-process SQLite has no round trips to save, and a point lookup
		// on the unique key beats one large OR query it cannot index well.
		for _, c := range uniq {
			err := collect(t.query(ctx, "SELECT "+bestColumns+" FROM best_scores WHERE player_id = ? AND title = ? AND chart_type = ? AND difficulty = ? ORDER BY genre"+suffix,
				playerID, c.Title, string(c.Type), string(c.Difficulty)))
			if err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	err := chartBatches(uniq, "", func(cond string, args []any) error {
		// In id order, so two transactions locking the same rows take them
		// in the same order.
		return collect(t.queryOnce(ctx, "SELECT "+bestColumns+" FROM best_scores WHERE player_id = ? AND ("+cond+") ORDER BY id"+suffix,
			append([]any{playerID}, args...)...))
	})
	return out, err
}

// InsertBest adds the first best of a chart and song genre. It returns
// ErrRetry when a concurrent transaction added it first.
func (t *Tx) InsertBest(ctx context.Context, b *BestScore) error {
	id, added, err := t.insert(ctx, "best score", `INSERT INTO best_scores
		(player_id, title, chart_type, difficulty, level, genre, achievement, score_rank, dx_score, dx_score_max, fc, fs, play_count, updated_at,
		source, source_page_id, source_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?){{ignore}}`,
		b.PlayerID, b.Title, string(b.Type), string(b.Difficulty), b.Level, b.Genre, int64(b.Achievement), string(b.Rank),
		b.DXScore, b.DXScoreMax, string(b.FC), string(b.FS), b.PlayCount, utc(b.UpdatedAt), b.Source, nullInt(b.SourcePageID), nullTime(b.SourceAt))
	if err != nil {
		return fmt.Errorf("storage: insert best score: %w", err)
	}
	if !added {
		return ErrRetry
	}
	b.ID = id
	return nil
}

// UpdateBest writes a changed best score (its genre too: a best first
// stored with an unknown genre takes the genre a page shows). Read it with
// BestScoresForUpdate in the same transaction.
func (t *Tx) UpdateBest(ctx context.Context, b *BestScore) error {
	_, err := t.exec(ctx, `UPDATE best_scores SET level = ?, genre = ?, achievement = ?, score_rank = ?, dx_score = ?,
		dx_score_max = ?, fc = ?, fs = ?, play_count = ?, updated_at = ?, source = ?, source_page_id = ?, source_at = ? WHERE id = ?`,
		b.Level, b.Genre, int64(b.Achievement), string(b.Rank), b.DXScore, b.DXScoreMax, string(b.FC), string(b.FS),
		b.PlayCount, utc(b.UpdatedAt), b.Source, nullInt(b.SourcePageID), nullTime(b.SourceAt), b.ID)
	if err != nil {
		return fmt.Errorf("storage: update best score: %w", err)
	}
	return nil
}

// InsertStep adds a row of score history unless the same step is stored.
func (t *Tx) InsertStep(ctx context.Context, s *ScoreStep) (bool, error) {
	_, added, err := t.insert(ctx, "score history", `INSERT INTO score_history
		(player_id, title, chart_type, difficulty, genre, observed_at, achievement, score_rank, dx_score, dx_score_max, fc, fs, page_id, source)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?){{ignore}}`,
		s.PlayerID, s.Title, string(s.Type), string(s.Difficulty), s.Genre, utc(s.ObservedAt), int64(s.Achievement), string(s.Rank),
		s.DXScore, s.DXScoreMax, string(s.FC), string(s.FS), nullInt(s.PageID), s.Source)
	if err != nil {
		return false, fmt.Errorf("storage: insert score history: %w", err)
	}
	return added, nil
}

// BestScores lists the player's best scores by chart.
func (t *Tx) BestScores(ctx context.Context, playerID int64) ([]BestScore, error) {
	rows, err := t.query(ctx, "SELECT "+bestColumns+" FROM best_scores WHERE player_id = ? ORDER BY title, chart_type, difficulty, genre", playerID)
	if err != nil {
		return nil, fmt.Errorf("storage: list best scores: %w", err)
	}
	defer rows.Close()
	var bs []BestScore
	for rows.Next() {
		b, err := scanBest(rows)
		if err != nil {
			return nil, fmt.Errorf("storage: list best scores: %w", err)
		}
		bs = append(bs, b)
	}
	return bs, rows.Err()
}

// ScoreHistory lists the player's score history by chart, then time.
func (t *Tx) ScoreHistory(ctx context.Context, playerID int64) ([]ScoreStep, error) {
	return t.scoreHistory(ctx, playerID, `COALESCE(pg.sha256, '')`, "LEFT JOIN pages pg ON pg.id = h.page_id")
}

// ScoreStepsAfter lists the player's score history steps with ids above
// afterID (every step for 0) with their ids, in no order, without the
// pages' sha256 (PageSHA is ""): for the rating data, which the archive
// keeps and reads on from the steps an import added (ScoreStepStamp says
// when that is all that changed). Without the join to pages a whole read
// costs two thirds of ScoreHistory's.
func (t *Tx) ScoreStepsAfter(ctx context.Context, playerID, afterID int64) ([]ScoreStep, error) {
	rows, err := t.query(ctx, `SELECT title, chart_type, difficulty, genre, observed_at, achievement, score_rank,
		dx_score, dx_score_max, fc, fs, COALESCE(page_id, 0), source, id FROM score_history WHERE player_id = ? AND id > ?`,
		playerID, afterID)
	if err != nil {
		return nil, fmt.Errorf("storage: list score history: %w", err)
	}
	defer rows.Close()
	var ss []ScoreStep
	for rows.Next() {
		s := ScoreStep{PlayerID: playerID}
		if err := rows.Scan(&s.Title, &s.Type, &s.Difficulty, &s.Genre, &s.ObservedAt, &s.Achievement, &s.Rank, &s.DXScore,
			&s.DXScoreMax, &s.FC, &s.FS, &s.PageID, &s.Source, &s.ID); err != nil {
			return nil, fmt.Errorf("storage: list score history: %w", err)
		}
		s.ObservedAt = s.ObservedAt.UTC()
		ss = append(ss, s)
	}
	return ss, rows.Err()
}

// ScoreStepStamp is PlayLogStamp for the player's score history: the
// epoch (players.plays_epoch, which deleting the steps or changing one in
// place raises too), the number of steps and the highest id, and how many
// have ids above afterID.
func (t *Tx) ScoreStepStamp(ctx context.Context, playerID, afterID int64) (s LogStamp, newer int64, err error) {
	err = t.tx.QueryRowContext(ctx, t.d.rebind(`SELECT pl.plays_epoch, h.n, h.m, h.k FROM players pl,
		(SELECT COUNT(*) AS n, COALESCE(MAX(id), 0) AS m, COALESCE(SUM(CASE WHEN id > ? THEN 1 ELSE 0 END), 0) AS k
			FROM score_history WHERE player_id = ?) h WHERE pl.id = ?`), afterID, playerID, playerID).Scan(&s.Epoch, &s.Count, &s.MaxID, &newer)
	if errors.Is(err, sql.ErrNoRows) {
		return s, 0, fmt.Errorf("storage: score history stamp of player %d: %w", playerID, ErrNotFound)
	}
	if err != nil {
		return s, 0, fmt.Errorf("storage: score history stamp: %w", err)
	}
	return s, newer, nil
}

func (t *Tx) scoreHistory(ctx context.Context, playerID int64, sha, join string) ([]ScoreStep, error) {
	rows, err := t.query(ctx, `SELECT h.title, h.chart_type, h.difficulty, h.genre, h.observed_at, h.achievement, h.score_rank,
		h.dx_score, h.dx_score_max, h.fc, h.fs, COALESCE(h.page_id, 0), `+sha+`, h.source
		FROM score_history h `+join+`
		WHERE h.player_id = ? ORDER BY h.title, h.chart_type, h.difficulty, h.genre, h.observed_at, h.achievement, h.dx_score, h.fc, h.fs`, playerID)
	if err != nil {
		return nil, fmt.Errorf("storage: list score history: %w", err)
	}
	defer rows.Close()
	var ss []ScoreStep
	for rows.Next() {
		s := ScoreStep{PlayerID: playerID}
		if err := rows.Scan(&s.Title, &s.Type, &s.Difficulty, &s.Genre, &s.ObservedAt, &s.Achievement, &s.Rank, &s.DXScore,
			&s.DXScoreMax, &s.FC, &s.FS, &s.PageID, &s.PageSHA, &s.Source); err != nil {
			return nil, fmt.Errorf("storage: list score history: %w", err)
		}
		s.ObservedAt = s.ObservedAt.UTC()
		ss = append(ss, s)
	}
	return ss, rows.Err()
}

// SetHistoryGenre files the chart's score history of unknown genre under
// genre, when its best takes that genre.
func (t *Tx) SetHistoryGenre(ctx context.Context, playerID int64, c maimai.Chart, genre string) error {
	res, err := t.exec(ctx, `UPDATE score_history SET genre = ? WHERE player_id = ? AND title = ? AND chart_type = ?
		AND difficulty = ? AND genre = ''`, genre, playerID, c.Title, string(c.Type), string(c.Difficulty))
	if err != nil {
		return fmt.Errorf("storage: set score history genre: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		// Steps changed in place: the score history the archive keeps
		// (ScoreStepStamp) must be read again whole.
		if _, err := t.exec(ctx, "UPDATE players SET plays_epoch = plays_epoch + 1 WHERE id = ?", playerID); err != nil {
			return fmt.Errorf("storage: raise plays epoch: %w", err)
		}
	}
	return nil
}
