package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// PhotoImage is the image of an album photo, keyed by its URL.
type PhotoImage struct {
	PlayerID    int64
	URL         string
	ContentType string
	FetchedAt   time.Time
	Data        []byte
}

// InsertPhotoImage stores img unless the player has an image of its URL.
func (t *Tx) InsertPhotoImage(ctx context.Context, img *PhotoImage) (bool, error) {
	_, added, err := t.insert(ctx, "photo image", `INSERT INTO photo_images
		(player_id, url, content_type, size, fetched_at, data) VALUES (?, ?, ?, ?, ?, ?){{ignore}}`,
		img.PlayerID, img.URL, img.ContentType, int64(len(img.Data)), utc(img.FetchedAt), img.Data)
	if err != nil {
		return false, fmt.Errorf("storage: insert photo image: %w", err)
	}
	return added, nil
}

// PhotoImageURLs lists the URLs of the player's stored photo images.
func (t *Tx) PhotoImageURLs(ctx context.Context, playerID int64) (map[string]bool, error) {
	rows, err := t.query(ctx, "SELECT url FROM photo_images WHERE player_id = ?", playerID)
	if err != nil {
		return nil, fmt.Errorf("storage: list photo images: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			return nil, fmt.Errorf("storage: list photo images: %w", err)
		}
		out[u] = true
	}
	return out, rows.Err()
}

// PhotoImageData returns the stored image of url, or ErrNotFound.
func (t *Tx) PhotoImageData(ctx context.Context, playerID int64, url string) (PhotoImage, error) {
	img := PhotoImage{PlayerID: playerID, URL: url}
	err := t.tx.QueryRowContext(ctx, t.d.rebind("SELECT content_type, fetched_at, data FROM photo_images WHERE player_id = ? AND url = ?"),
		playerID, url).Scan(&img.ContentType, &img.FetchedAt, &img.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return img, fmt.Errorf("photo image %q: %w", url, ErrNotFound)
	}
	if err != nil {
		return img, fmt.Errorf("storage: read photo image: %w", err)
	}
	img.FetchedAt = img.FetchedAt.UTC()
	return img, nil
}

// FetchRun is one run of the fetcher for a player.
type FetchRun struct {
	ID         int64
	PlayerID   int64
	Region     string
	StartedAt  time.Time
	FinishedAt time.Time // zero while running or when interrupted
	// PlayCount is the site's total play count the run saw (0 unknown);
	// NewestPlayAt the newest play of the record page it imported.
	PlayCount    int
	NewestPlayAt time.Time
	Steps        string // the pages done, comma-separated
}

// InsertFetchRun adds r and sets its ID.
func (t *Tx) InsertFetchRun(ctx context.Context, r *FetchRun) error {
	id, _, err := t.insert(ctx, "fetch run", `INSERT INTO fetch_runs
		(player_id, region, started_at, finished_at, play_count, newest_play_at, steps) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		r.PlayerID, r.Region, utc(r.StartedAt), optTime(r.FinishedAt), r.PlayCount, optTime(r.NewestPlayAt), r.Steps)
	if err != nil {
		return fmt.Errorf("storage: insert fetch run: %w", err)
	}
	r.ID = id
	return nil
}

// UpdateFetchRun writes r's progress.
func (t *Tx) UpdateFetchRun(ctx context.Context, r *FetchRun) error {
	_, err := t.exec(ctx, `UPDATE fetch_runs SET finished_at = ?, play_count = ?, newest_play_at = ?, steps = ? WHERE id = ?`,
		optTime(r.FinishedAt), r.PlayCount, optTime(r.NewestPlayAt), r.Steps, r.ID)
	if err != nil {
		return fmt.Errorf("storage: update fetch run: %w", err)
	}
	return nil
}

// LastFetchRun returns the player's latest run in region, or ErrNotFound.
func (t *Tx) LastFetchRun(ctx context.Context, playerID int64, region string) (FetchRun, error) {
	r := FetchRun{PlayerID: playerID, Region: region}
	var finished, newest sql.NullTime
	err := t.tx.QueryRowContext(ctx, t.d.rebind(`SELECT id, started_at, finished_at, play_count, newest_play_at, steps
		FROM fetch_runs WHERE player_id = ? AND region = ? ORDER BY started_at DESC, id DESC LIMIT 1`), playerID, region).
		Scan(&r.ID, &r.StartedAt, &finished, &r.PlayCount, &newest, &r.Steps)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("fetch run: %w", ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("storage: read fetch run: %w", err)
	}
	r.StartedAt = r.StartedAt.UTC()
	if finished.Valid {
		r.FinishedAt = finished.Time.UTC()
	}
	if newest.Valid {
		r.NewestPlayAt = newest.Time.UTC()
	}
	return r, nil
}

// optTime writes the zero time as NULL.
func optTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return utc(t)
}
