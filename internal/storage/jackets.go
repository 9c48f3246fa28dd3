package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Jacket is a song's jacket image as the site serves it, keyed by its file
// name ("9cf73e43ce65b3a9.png"). Jackets belong to no player.
type Jacket struct {
	File        string
	ContentType string
	FetchedAt   time.Time
	Data        []byte
}

// InsertJacket stores j unless a jacket of its file name is stored.
func (t *Tx) InsertJacket(ctx context.Context, j *Jacket) (bool, error) {
	_, added, err := t.insert(ctx, "jacket", `INSERT INTO jackets (file, content_type, size, fetched_at, data)
		VALUES (?, ?, ?, ?, ?){{ignore}}`, j.File, j.ContentType, int64(len(j.Data)), utc(j.FetchedAt), j.Data)
	if err != nil {
		return false, fmt.Errorf("storage: insert jacket: %w", err)
	}
	return added, nil
}

// JacketData returns the stored jacket of file, or ErrNotFound.
func (t *Tx) JacketData(ctx context.Context, file string) (Jacket, error) {
	j := Jacket{File: file}
	err := t.tx.QueryRowContext(ctx, t.d.rebind("SELECT content_type, fetched_at, data FROM jackets WHERE file = ?"), file).
		Scan(&j.ContentType, &j.FetchedAt, &j.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return j, fmt.Errorf("jacket %q: %w", file, ErrNotFound)
	}
	if err != nil {
		return j, fmt.Errorf("storage: read jacket: %w", err)
	}
	j.FetchedAt = j.FetchedAt.UTC()
	return j, nil
}

// StoredJackets reports which of files are stored.
func (t *Tx) StoredJackets(ctx context.Context, files []string) (map[string]bool, error) {
	out := map[string]bool{}
	for chunk := range slices.Chunk(files, 500) {
		rows, err := t.queryOnce(ctx, "SELECT file FROM jackets WHERE file IN ("+placeholders(len(chunk))+")", anys(chunk)...)
		if err != nil {
			return nil, fmt.Errorf("storage: find jackets: %w", err)
		}
		for rows.Next() {
			var f string
			if err := rows.Scan(&f); err != nil {
				rows.Close()
				return nil, fmt.Errorf("storage: find jackets: %w", err)
			}
			out[f] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("storage: find jackets: %w", err)
		}
	}
	return out, nil
}

// NoteJacketName records that the pages of region drew jacket file beside
// title.
func (t *Tx) NoteJacketName(ctx context.Context, region, title, file string) error {
	if _, _, err := t.insert(ctx, "jacket name", `INSERT INTO jacket_names (region, title, file) VALUES (?, ?, ?){{ignore}}`,
		region, title, file); err != nil {
		return fmt.Errorf("storage: note jacket name: %w", err)
	}
	return nil
}

// JacketNames returns, for each of titles that has any, the jacket files
// the pages of region drew beside it, sorted. With region "" every
// region's count.
func (t *Tx) JacketNames(ctx context.Context, region string, titles []string) (map[string][]string, error) {
	out := map[string][]string{}
	for chunk := range slices.Chunk(titles, 500) {
		q := "SELECT title, file FROM jacket_names WHERE title IN (" + placeholders(len(chunk)) + ")"
		args := anys(chunk)
		if region != "" {
			q += " AND region = ?"
			args = append(args, region)
		}
		rows, err := t.queryOnce(ctx, q+" ORDER BY title, file", args...)
		if err != nil {
			return nil, fmt.Errorf("storage: jacket names: %w", err)
		}
		for rows.Next() {
			var title, file string
			if err := rows.Scan(&title, &file); err != nil {
				rows.Close()
				return nil, fmt.Errorf("storage: jacket names: %w", err)
			}
			if fs := out[title]; len(fs) == 0 || fs[len(fs)-1] != file {
				out[title] = append(fs, file)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("storage: jacket names: %w", err)
		}
	}
	return out, nil
}

// MissingJackets lists up to limit jacket files the pages named (in any
// region) that are not stored, by file name.
func (t *Tx) MissingJackets(ctx context.Context, limit int) ([]string, error) {
	rows, err := t.query(ctx, `SELECT DISTINCT n.file FROM jacket_names n
		WHERE NOT EXISTS (SELECT 1 FROM jackets j WHERE j.file = n.file) ORDER BY n.file LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("storage: missing jackets: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var f string
		if err := rows.Scan(&f); err != nil {
			return nil, fmt.Errorf("storage: missing jackets: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// PlayerJackets lists, sorted, the stored jackets a player's rows name:
// those of its plays, and those drawn beside the titles of its best
// scores.
func (t *Tx) PlayerJackets(ctx context.Context, playerID int64) ([]string, error) {
	rows, err := t.query(ctx, `SELECT j.file FROM jackets j WHERE j.file IN (SELECT p.jacket FROM plays p WHERE p.player_id = ?)
		OR j.file IN (SELECT n.file FROM jacket_names n JOIN best_scores b ON b.title = n.title WHERE b.player_id = ?)
		ORDER BY j.file`, playerID, playerID)
	if err != nil {
		return nil, fmt.Errorf("storage: a player's jackets: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var f string
		if err := rows.Scan(&f); err != nil {
			return nil, fmt.Errorf("storage: a player's jackets: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// anys is s as query arguments.
func anys[T any](s []T) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}
