package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// SongRow is one song of the chart database of a region.
type SongRow struct {
	ID     int64
	Region maimai.Region
	// Key is the song's key in its source (the diving-fish id, …), or
	// "page:<type>:<title>" for a song learned from a page.
	Key        string
	MusicID    int
	Title      string
	SiteTitle  string
	Type       maimai.ChartType
	Artist     string
	Genre      string
	BPM        int
	Version    string // as the source names it
	VersionNum int    // rating.Version number, 0 when unknown
	Utage      bool
	UtageKind  string
	Buddy      bool
	New        bool
	Source     string // "diving-fish", "zetaraku", "tachi" or "page"
	SyncedAt   time.Time
}

// ChartRow is one chart of a song.
type ChartRow struct {
	ID         int64
	SongID     int64
	Difficulty maimai.Difficulty
	Side       int
	Level      string
	Constant   int // tenths; 0 unknown
	Tap        int
	Hold       int
	Slide      int
	Touch      int
	Break      int
	Charter    string
	SourceID   int64
}

// ConstantRow is one value a chart's constant had, and when syncs saw it.
type ConstantRow struct {
	ID        int64
	ChartID   int64
	Constant  int
	Level     string
	Source    string
	FirstSeen time.Time
	LastSeen  time.Time
}

// ChartLink is which chart a page's title, type and difficulty is in a
// region: Status "matched", "learned" or "ambiguous" (ChartID 0).
type ChartLink struct {
	Region maimai.Region
	maimai.Chart
	// Genre is the genre the pages showed with the chart, '' when none
	// did: two songs may share a title (see migration 0009).
	Genre     string
	ChartID   int64
	Status    string
	Reason    string
	UpdatedAt time.Time
}

// ChartIdent is a chart as a page showed it, with what else the page
// showed to tell look-alikes apart.
type ChartIdent struct {
	Region maimai.Region
	maimai.Chart
	Level  string
	Genre  string
	Jacket string
}

const songColumns = `id, region, song_key, music_id, title, site_title, chart_type, artist, genre, bpm, version, version_num,
	utage, utage_kind, buddy, is_new, source, synced_at`

// SongsIn lists the songs of a region by id.
func (t *Tx) SongsIn(ctx context.Context, region maimai.Region) ([]SongRow, error) {
	rows, err := t.query(ctx, "SELECT "+songColumns+" FROM songs WHERE region = ? ORDER BY id", string(region))
	if err != nil {
		return nil, fmt.Errorf("storage: list songs: %w", err)
	}
	defer rows.Close()
	var out []SongRow
	for rows.Next() {
		var s SongRow
		var utage, buddy, isNew int
		if err := rows.Scan(&s.ID, &s.Region, &s.Key, &s.MusicID, &s.Title, &s.SiteTitle, &s.Type, &s.Artist, &s.Genre,
			&s.BPM, &s.Version, &s.VersionNum, &utage, &s.UtageKind, &buddy, &isNew, &s.Source, &s.SyncedAt); err != nil {
			return nil, fmt.Errorf("storage: list songs: %w", err)
		}
		s.Utage, s.Buddy, s.New = utage != 0, buddy != 0, isNew != 0
		s.SyncedAt = s.SyncedAt.UTC()
		out = append(out, s)
	}
	return out, rows.Err()
}

// InsertSong adds a song and sets its ID; ErrRetry when a concurrent
// transaction added the same key first.
func (t *Tx) InsertSong(ctx context.Context, s *SongRow) error {
	id, added, err := t.insert(ctx, "song", `INSERT INTO songs
		(region, song_key, music_id, title, site_title, chart_type, artist, genre, bpm, version, version_num, utage,
		 utage_kind, buddy, is_new, source, synced_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?){{ignore}}`,
		string(s.Region), s.Key, s.MusicID, s.Title, s.SiteTitle, string(s.Type), s.Artist, s.Genre, s.BPM, s.Version,
		s.VersionNum, boolInt(s.Utage), s.UtageKind, boolInt(s.Buddy), boolInt(s.New), s.Source, utc(s.SyncedAt))
	if err != nil {
		return fmt.Errorf("storage: insert song: %w", err)
	}
	if !added {
		return ErrRetry
	}
	s.ID = id
	return nil
}

// UpdateSong writes a song's fields (by ID).
func (t *Tx) UpdateSong(ctx context.Context, s *SongRow) error {
	_, err := t.exec(ctx, `UPDATE songs SET music_id = ?, title = ?, site_title = ?, chart_type = ?, artist = ?, genre = ?,
		bpm = ?, version = ?, version_num = ?, utage = ?, utage_kind = ?, buddy = ?, is_new = ?, source = ?, synced_at = ?
		WHERE id = ?`,
		s.MusicID, s.Title, s.SiteTitle, string(s.Type), s.Artist, s.Genre, s.BPM, s.Version, s.VersionNum,
		boolInt(s.Utage), s.UtageKind, boolInt(s.Buddy), boolInt(s.New), s.Source, utc(s.SyncedAt), s.ID)
	if err != nil {
		return fmt.Errorf("storage: update song: %w", err)
	}
	return nil
}

const chartColumns = `c.id, c.song_id, c.difficulty, c.side, c.level, c.constant, c.notes_tap, c.notes_hold, c.notes_slide,
	c.notes_touch, c.notes_break, c.charter, c.source_id`

// ChartsIn lists the charts of a region's songs by id.
func (t *Tx) ChartsIn(ctx context.Context, region maimai.Region) ([]ChartRow, error) {
	rows, err := t.query(ctx, "SELECT "+chartColumns+` FROM charts c JOIN songs s ON s.id = c.song_id
		WHERE s.region = ? ORDER BY c.id`, string(region))
	if err != nil {
		return nil, fmt.Errorf("storage: list charts: %w", err)
	}
	defer rows.Close()
	var out []ChartRow
	for rows.Next() {
		var c ChartRow
		if err := rows.Scan(&c.ID, &c.SongID, &c.Difficulty, &c.Side, &c.Level, &c.Constant, &c.Tap, &c.Hold, &c.Slide,
			&c.Touch, &c.Break, &c.Charter, &c.SourceID); err != nil {
			return nil, fmt.Errorf("storage: list charts: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// InsertChart adds a chart and sets its ID; ErrRetry when a concurrent
// transaction added it first.
func (t *Tx) InsertChart(ctx context.Context, c *ChartRow) error {
	id, added, err := t.insert(ctx, "chart", `INSERT INTO charts
		(song_id, difficulty, side, level, constant, notes_tap, notes_hold, notes_slide, notes_touch, notes_break, charter, source_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?){{ignore}}`,
		c.SongID, string(c.Difficulty), c.Side, c.Level, c.Constant, c.Tap, c.Hold, c.Slide, c.Touch, c.Break, c.Charter, c.SourceID)
	if err != nil {
		return fmt.Errorf("storage: insert chart: %w", err)
	}
	if !added {
		return ErrRetry
	}
	c.ID = id
	return nil
}

// UpdateChart writes a chart's fields (by ID).
func (t *Tx) UpdateChart(ctx context.Context, c *ChartRow) error {
	_, err := t.exec(ctx, `UPDATE charts SET level = ?, constant = ?, notes_tap = ?, notes_hold = ?, notes_slide = ?,
		notes_touch = ?, notes_break = ?, charter = ?, source_id = ? WHERE id = ?`,
		c.Level, c.Constant, c.Tap, c.Hold, c.Slide, c.Touch, c.Break, c.Charter, c.SourceID, c.ID)
	if err != nil {
		return fmt.Errorf("storage: update chart: %w", err)
	}
	return nil
}

// ConstantHistory lists the constant history of a region's charts by
// chart, oldest first.
func (t *Tx) ConstantHistory(ctx context.Context, region maimai.Region) ([]ConstantRow, error) {
	rows, err := t.query(ctx, `SELECT h.id, h.chart_id, h.constant, h.level, h.source, h.first_seen, h.last_seen
		FROM chart_constants h JOIN charts c ON c.id = h.chart_id JOIN songs s ON s.id = c.song_id
		WHERE s.region = ? ORDER BY h.chart_id, h.first_seen`, string(region))
	if err != nil {
		return nil, fmt.Errorf("storage: list constant history: %w", err)
	}
	defer rows.Close()
	var out []ConstantRow
	for rows.Next() {
		var h ConstantRow
		if err := rows.Scan(&h.ID, &h.ChartID, &h.Constant, &h.Level, &h.Source, &h.FirstSeen, &h.LastSeen); err != nil {
			return nil, fmt.Errorf("storage: list constant history: %w", err)
		}
		h.FirstSeen, h.LastSeen = h.FirstSeen.UTC(), h.LastSeen.UTC()
		out = append(out, h)
	}
	return out, rows.Err()
}

// InsertConstant adds a value to a chart's constant history.
func (t *Tx) InsertConstant(ctx context.Context, h *ConstantRow) error {
	id, added, err := t.insert(ctx, "chart constant", `INSERT INTO chart_constants
		(chart_id, constant, level, source, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?){{ignore}}`,
		h.ChartID, h.Constant, h.Level, h.Source, utc(h.FirstSeen), utc(h.LastSeen))
	if err != nil {
		return fmt.Errorf("storage: insert chart constant: %w", err)
	}
	if !added {
		return ErrRetry
	}
	h.ID = id
	return nil
}

// SeeConstant records that a sync at seen still found the value of
// history row id.
func (t *Tx) SeeConstant(ctx context.Context, id int64, seen time.Time) error {
	if _, err := t.exec(ctx, "UPDATE chart_constants SET last_seen = ? WHERE id = ? AND last_seen < ?", utc(seen), id, utc(seen)); err != nil {
		return fmt.Errorf("storage: update chart constant: %w", err)
	}
	return nil
}

// ChartLinks lists the chart links of a region.
func (t *Tx) ChartLinks(ctx context.Context, region maimai.Region) ([]ChartLink, error) {
	rows, err := t.query(ctx, `SELECT region, title, chart_type, difficulty, genre, COALESCE(chart_id, 0), status, reason, updated_at
		FROM chart_links WHERE region = ? ORDER BY title, chart_type, difficulty, genre`, string(region))
	if err != nil {
		return nil, fmt.Errorf("storage: list chart links: %w", err)
	}
	defer rows.Close()
	var out []ChartLink
	for rows.Next() {
		var l ChartLink
		if err := rows.Scan(&l.Region, &l.Title, &l.Type, &l.Difficulty, &l.Genre, &l.ChartID, &l.Status, &l.Reason, &l.UpdatedAt); err != nil {
			return nil, fmt.Errorf("storage: list chart links: %w", err)
		}
		l.UpdatedAt = l.UpdatedAt.UTC()
		out = append(out, l)
	}
	return out, rows.Err()
}

// SetChartLink stores (or replaces) the link of l's region, chart and
// genre.
func (t *Tx) SetChartLink(ctx context.Context, l *ChartLink) error {
	_, added, err := t.insert(ctx, "chart link", `INSERT INTO chart_links
		(region, title, chart_type, difficulty, genre, chart_id, status, reason, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?){{ignore}}`,
		string(l.Region), l.Title, string(l.Type), string(l.Difficulty), l.Genre, nullInt(l.ChartID), l.Status, l.Reason, utc(l.UpdatedAt))
	if err != nil {
		return fmt.Errorf("storage: insert chart link: %w", err)
	}
	if added {
		return nil
	}
	_, err = t.exec(ctx, `UPDATE chart_links SET chart_id = ?, status = ?, reason = ?, updated_at = ?
		WHERE region = ? AND title = ? AND chart_type = ? AND difficulty = ? AND genre = ?`,
		nullInt(l.ChartID), l.Status, l.Reason, utc(l.UpdatedAt), string(l.Region), l.Title, string(l.Type), string(l.Difficulty), l.Genre)
	if err != nil {
		return fmt.Errorf("storage: update chart link: %w", err)
	}
	return nil
}

// DeleteUnsureLinks deletes a region's links that are not "matched" and
// the learned songs no link points at any more, so that a sync decides
// them again against the new song data.
func (t *Tx) DeleteUnsureLinks(ctx context.Context, region maimai.Region) error {
	for _, q := range []string{
		"DELETE FROM chart_links WHERE region = ? AND status <> 'matched'",
		`DELETE FROM charts WHERE song_id IN (SELECT id FROM songs WHERE region = ? AND source = 'page')
			AND id NOT IN (SELECT chart_id FROM chart_links WHERE chart_id IS NOT NULL)`,
		`DELETE FROM songs WHERE region = ? AND source = 'page' AND id NOT IN (SELECT song_id FROM charts)`,
	} {
		res, err := t.tx.ExecContext(ctx, t.d.rebind(q), string(region))
		if err != nil {
			return fmt.Errorf("storage: delete unsure chart links: %w", err)
		}
		t.touched(res)
	}
	return nil
}

// UnlinkedPlays lists the charts of plays (any player) that have no chart
// link in the play's region, one row per chart as each page showed it.
// Plays show no genre, so their links are those without a genre.
func (t *Tx) UnlinkedPlays(ctx context.Context) ([]ChartIdent, error) {
	return t.unlinkedPlays(ctx, "", nil)
}

func (t *Tx) unlinkedPlays(ctx context.Context, where string, args []any) ([]ChartIdent, error) {
	rows, err := t.query(ctx, `SELECT DISTINCT p.region, p.title, p.chart_type, p.difficulty, p.level, p.jacket FROM plays p
		WHERE `+where+`NOT EXISTS (SELECT 1 FROM chart_links l WHERE l.region = p.region AND l.title = p.title
			AND l.chart_type = p.chart_type AND l.difficulty = p.difficulty AND l.genre = '')`, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: find unlinked plays: %w", err)
	}
	defer rows.Close()
	var out []ChartIdent
	for rows.Next() {
		var c ChartIdent
		if err := rows.Scan(&c.Region, &c.Title, &c.Type, &c.Difficulty, &c.Level, &c.Jacket); err != nil {
			return nil, fmt.Errorf("storage: find unlinked plays: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// UnlinkedBests lists the charts of the player's best scores that have no
// chart link of their genre in region.
func (t *Tx) UnlinkedBests(ctx context.Context, playerID int64, region maimai.Region) ([]ChartIdent, error) {
	rows, err := t.query(ctx, `SELECT b.title, b.chart_type, b.difficulty, b.level, b.genre FROM best_scores b
		WHERE b.player_id = ? AND NOT EXISTS (SELECT 1 FROM chart_links l WHERE l.region = ? AND l.title = b.title
			AND l.chart_type = b.chart_type AND l.difficulty = b.difficulty AND l.genre = b.genre)`, playerID, string(region))
	if err != nil {
		return nil, fmt.Errorf("storage: find unlinked best scores: %w", err)
	}
	defer rows.Close()
	var out []ChartIdent
	for rows.Next() {
		c := ChartIdent{Region: region}
		if err := rows.Scan(&c.Title, &c.Type, &c.Difficulty, &c.Level, &c.Genre); err != nil {
			return nil, fmt.Errorf("storage: find unlinked best scores: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// PlayerRegion is the region the player is bound to (its in-game
// player's), or, for a player of an archive made before players were
// bound, the region of its most recently saved page; ErrNotFound when the
// player has no page that names one.
func (t *Tx) PlayerRegion(ctx context.Context, playerID int64) (maimai.Region, error) {
	var r string
	err := t.tx.QueryRowContext(ctx, t.d.rebind(`SELECT region FROM players WHERE id = ?`), playerID).Scan(&r)
	if err == nil && r != "" {
		return maimai.Region(r), nil
	}
	err = t.tx.QueryRowContext(ctx, t.d.rebind(`SELECT region FROM pages WHERE player_id = ? AND region <> ''
		ORDER BY observed_at DESC, id DESC LIMIT 1`), playerID).Scan(&r)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("storage: find player region: %w", err)
	}
	return maimai.Region(r), nil
}

// ChartStamp is a value that changes whenever a region's chart database
// (songs, charts, constant history) does, so readers can cache it.
func (t *Tx) ChartStamp(ctx context.Context, region maimai.Region) (string, error) {
	var songs, charts, maxChart, consts, maxConst int64
	var synced sql.NullString
	err := t.tx.QueryRowContext(ctx, t.d.rebind(`SELECT
		(SELECT COUNT(*) FROM songs WHERE region = ?), (SELECT MAX(synced_at) FROM songs WHERE region = ?),
		(SELECT COUNT(*) FROM charts), (SELECT COALESCE(MAX(id), 0) FROM charts),
		(SELECT COUNT(*) FROM chart_constants), (SELECT COALESCE(MAX(id), 0) FROM chart_constants)`),
		string(region), string(region)).Scan(&songs, &synced, &charts, &maxChart, &consts, &maxConst)
	if err != nil {
		return "", fmt.Errorf("storage: chart stamp: %w", err)
	}
	return fmt.Sprintf("%d %s %d %d %d %d", songs, synced.String, charts, maxChart, consts, maxConst), nil
}

// BestScoresLinked lists the player's best scores by chart, each with its
// chart link of its genre in region (a zero ChartLink when it has none), in
// one query.
func (t *Tx) BestScoresLinked(ctx context.Context, playerID int64, region maimai.Region) ([]BestScore, []ChartLink, error) {
	rows, err := t.query(ctx, `SELECT b.id, b.player_id, b.title, b.chart_type, b.difficulty, b.level, b.genre, b.achievement,
		b.score_rank, b.dx_score, b.dx_score_max, b.fc, b.fs, b.play_count, b.updated_at, b.source, b.source_page_id, b.source_at,
		COALESCE(l.chart_id, 0), COALESCE(l.status, ''), COALESCE(l.reason, '')
		FROM best_scores b LEFT JOIN chart_links l ON l.region = ? AND l.title = b.title AND l.chart_type = b.chart_type
			AND l.difficulty = b.difficulty AND l.genre = b.genre
		WHERE b.player_id = ? ORDER BY b.title, b.chart_type, b.difficulty, b.genre`, string(region), playerID)
	if err != nil {
		return nil, nil, fmt.Errorf("storage: list best scores: %w", err)
	}
	defer rows.Close()
	var bs []BestScore
	var ls []ChartLink
	for rows.Next() {
		var b BestScore
		var l ChartLink
		var page sql.NullInt64
		var at sql.NullTime
		if err := rows.Scan(&b.ID, &b.PlayerID, &b.Title, &b.Type, &b.Difficulty, &b.Level, &b.Genre, &b.Achievement, &b.Rank,
			&b.DXScore, &b.DXScoreMax, &b.FC, &b.FS, &b.PlayCount, &b.UpdatedAt, &b.Source, &page, &at,
			&l.ChartID, &l.Status, &l.Reason); err != nil {
			return nil, nil, fmt.Errorf("storage: list best scores: %w", err)
		}
		b.UpdatedAt = b.UpdatedAt.UTC()
		b.SourcePageID = page.Int64
		if at.Valid {
			b.SourceAt = at.Time.UTC()
		}
		b.Played = true
		if l.Status != "" {
			l.Region, l.Chart, l.Genre = region, b.Chart, b.Genre
		}
		bs = append(bs, b)
		ls = append(ls, l)
	}
	return bs, ls, rows.Err()
}

// ratingStampQuery counts a player's bests and history steps and the
// region's links, with the largest ids. Each MAX shares its aggregate with
// a COUNT: a MAX(id) … WHERE player_id = ? of its own is planned by
// PostgreSQL as a backward walk of the primary key until a row of the
// player turns up, which in an archive of 1,000 players read millions of
// other players' rows (18 s a rating page).
const ratingStampQuery = `SELECT b.n, h.n, h.m, l.n, l.m FROM
	(SELECT COUNT(*) AS n FROM best_scores WHERE player_id = ?) b,
	(SELECT COUNT(*) AS n, COALESCE(MAX(id), 0) AS m FROM score_history WHERE player_id = ?) h,
	(SELECT COUNT(*) AS n, COALESCE(MAX(id), 0) AS m FROM chart_links WHERE region = ?) l`

// RatingStamp is a value that changes whenever anything a player's rating
// in region is computed from does: their best scores and score history,
// the region's chart links and its chart database.
func (t *Tx) RatingStamp(ctx context.Context, playerID int64, region maimai.Region) (string, error) {
	charts, err := t.ChartStamp(ctx, region)
	if err != nil {
		return "", err
	}
	var bests, steps, maxStep, links, maxLink int64
	err = t.tx.QueryRowContext(ctx, t.d.rebind(ratingStampQuery),
		playerID, playerID, string(region)).Scan(&bests, &steps, &maxStep, &links, &maxLink)
	if err != nil {
		return "", fmt.Errorf("storage: rating stamp: %w", err)
	}
	return fmt.Sprintf("%s|%d %d %d %d %d", charts, bests, steps, maxStep, links, maxLink), nil
}
