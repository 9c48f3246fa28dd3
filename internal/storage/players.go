package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Player is one person whose plays the archive keeps.
type Player struct {
	ID        int64
	Name      string
	CreatedAt time.Time
}

// EnsurePlayer returns the id of the player called name, creating it (at
// createdAt) when it does not exist. Two transactions creating the same
// player at once end with one row: the name is a unique key.
func (t *Tx) EnsurePlayer(ctx context.Context, name string, createdAt time.Time) (int64, error) {
	if _, _, err := t.insert(ctx, "player", "INSERT INTO players (name, created_at) VALUES (?, ?){{ignore}}", name, utc(createdAt)); err != nil {
		return 0, fmt.Errorf("storage: insert player: %w", err)
	}
	var id int64
	if err := t.tx.QueryRowContext(ctx, t.d.rebind("SELECT id FROM players WHERE name = ?"), name).Scan(&id); err != nil {
		return 0, fmt.Errorf("storage: find player: %w", err)
	}
	return id, nil
}

// PlayerID returns the id of the player called name, or ErrNotFound.
func (t *Tx) PlayerID(ctx context.Context, name string) (int64, error) {
	var id int64
	err := t.tx.QueryRowContext(ctx, t.d.rebind("SELECT id FROM players WHERE name = ?"), name).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("player %q: %w", name, ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("storage: find player: %w", err)
	}
	return id, nil
}

// KeepEarlierCreation sets the player's created_at to at when that is
// earlier: restoring an export keeps the oldest creation time.
func (t *Tx) KeepEarlierCreation(ctx context.Context, playerID int64, at time.Time) error {
	_, err := t.exec(ctx, "UPDATE players SET created_at = ? WHERE id = ? AND created_at > ?", utc(at), playerID, utc(at))
	if err != nil {
		return fmt.Errorf("storage: update player: %w", err)
	}
	return nil
}

// Players lists every player by name.
func (t *Tx) Players(ctx context.Context) ([]Player, error) {
	rows, err := t.query(ctx, "SELECT id, name, created_at FROM players ORDER BY name")
	if err != nil {
		return nil, fmt.Errorf("storage: list players: %w", err)
	}
	defer rows.Close()
	var ps []Player
	for rows.Next() {
		var p Player
		if err := rows.Scan(&p.ID, &p.Name, &p.CreatedAt); err != nil {
			return nil, fmt.Errorf("storage: list players: %w", err)
		}
		p.CreatedAt = p.CreatedAt.UTC()
		ps = append(ps, p)
	}
	return ps, rows.Err()
}

// tables are the archive's tables, children before parents.
var tables = []string{"score_history", "best_scores", "snapshots", "photos", "plays", "pages", "players"}

// RowCounts counts the rows of every table, for checks and tests.
func (t *Tx) RowCounts(ctx context.Context) (map[string]int, error) {
	counts := map[string]int{}
	for _, table := range tables {
		var n int
		if err := t.tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
			return nil, fmt.Errorf("storage: count %s: %w", table, err)
		}
		counts[table] = n
	}
	return counts, nil
}

// DeleteDerived deletes everything the player's pages were turned into
// (plays, snapshots, photos, best scores and their history), keeping the
// pages themselves.
func (t *Tx) DeleteDerived(ctx context.Context, playerID int64) error {
	plays := 0
	for _, table := range tables[:5] {
		res, err := t.tx.ExecContext(ctx, t.d.rebind("DELETE FROM "+table+" WHERE player_id = ?"), playerID)
		if err != nil {
			return fmt.Errorf("storage: delete %s: %w", table, err)
		}
		t.touched(res)
		if n, err := res.RowsAffected(); (table == "plays" || table == "score_history") && (err != nil || n > 0) {
			plays = 1 // a driver that cannot tell counts as a deletion
		}
	}
	if plays != 0 {
		// The cached play logs and score histories of this player are no
		// longer a prefix of its rows (SQLite may even hand their ids out
		// again): raise the epoch they are keyed by (PlayLogStamp,
		// ScoreStepStamp).
		if _, err := t.exec(ctx, "UPDATE players SET plays_epoch = plays_epoch + 1 WHERE id = ?", playerID); err != nil {
			return fmt.Errorf("storage: raise plays epoch: %w", err)
		}
	}
	// The judgement sums went with the plays' judgements; the plays
	// derived again add to them afresh.
	return t.deleteJudgementTotals(ctx, playerID)
}
