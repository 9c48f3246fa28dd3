package storage

import (
	"context"
	"fmt"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// Photo is one stored album photo.
type Photo struct {
	ID       int64
	PlayerID int64
	PageID   int64
	PageSHA  string // list queries
	// Key is the photo's identity: a digest of its image URL, or of its
	// time and chart when it has no URL.
	Key    string
	Region string
	maimai.Photo
}

// InsertPhoto adds p unless a photo with its key is stored.
func (t *Tx) InsertPhoto(ctx context.Context, p *Photo) (bool, error) {
	id, added, err := t.insert(ctx, "photo", `INSERT INTO photos
		(player_id, page_id, photo_key, region, image_url, taken_at, title, chart_type, difficulty, level)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?){{ignore}}`,
		p.PlayerID, nullInt(p.PageID), p.Key, p.Region, p.ImageURL, utc(p.TakenAt), p.Title, string(p.Type), string(p.Difficulty), p.Level)
	if err != nil {
		return false, fmt.Errorf("storage: insert photo: %w", err)
	}
	p.ID = id
	return added, nil
}

// Photos lists the player's photos oldest first.
func (t *Tx) Photos(ctx context.Context, playerID int64) ([]Photo, error) {
	rows, err := t.query(ctx, `SELECT p.id, COALESCE(p.page_id, 0), COALESCE(pg.sha256, ''), p.photo_key, p.region, p.image_url,
		p.taken_at, p.title, p.chart_type, p.difficulty, p.level
		FROM photos p LEFT JOIN pages pg ON pg.id = p.page_id
		WHERE p.player_id = ? ORDER BY p.taken_at, p.photo_key`, playerID)
	if err != nil {
		return nil, fmt.Errorf("storage: list photos: %w", err)
	}
	defer rows.Close()
	var ps []Photo
	for rows.Next() {
		p := Photo{PlayerID: playerID}
		if err := rows.Scan(&p.ID, &p.PageID, &p.PageSHA, &p.Key, &p.Region, &p.ImageURL, &p.TakenAt, &p.Title, &p.Type,
			&p.Difficulty, &p.Level); err != nil {
			return nil, fmt.Errorf("storage: list photos: %w", err)
		}
		p.TakenAt = p.TakenAt.UTC()
		ps = append(ps, p)
	}
	return ps, rows.Err()
}
