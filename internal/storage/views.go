package storage

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// PlayFilter narrows a list of plays; zero fields do not filter.
type PlayFilter struct {
	Title      string // substring of the title, any case
	Difficulty maimai.Difficulty
	Type       maimai.ChartType
	From, To   time.Time // played at or after From, before To
	Rank       maimai.Rank
	// FC and FS keep the plays with this mark or a higher one ("at
	// least"): FC+ keeps AP and AP+, FS keeps FS+, FDX and FDX+.
	FC maimai.FC
	FS maimai.FS
	// Levels keeps the plays whose linked chart's level is one of these
	// labels: the song data's (CN record pages show none), or for a chart
	// the data lacks, the level the page showed (a learned chart keeps
	// it). A play whose chart is not linked yet fails.
	Levels []string
	// MinConstant and MaxConstant bound the constant (tenths, inclusive;
	// 0 leaves a side open) of the chart the play is linked to, as the
	// song data has it now; a play of a chart without a known constant
	// fails either bound.
	MinConstant, MaxConstant int
	// ChartRegion is the region whose chart links and song data Levels
	// and the constants are read from: the player's.
	ChartRegion maimai.Region
}

// Active reports whether the filter narrows the list at all.
func (f PlayFilter) Active() bool {
	return f.Title != "" || f.Difficulty != "" || f.Type != "" || !f.From.IsZero() || !f.To.IsZero() || f.Rank != "" ||
		f.FC != "" || f.FS != "" || len(f.Levels) > 0 || f.MinConstant > 0 || f.MaxConstant > 0
}

// fcOrder and fsOrder are the marks lowest to highest, for "at least".
var (
	fcOrder = []maimai.FC{maimai.FCN, maimai.FCP, maimai.AP, maimai.APP}
	fsOrder = []maimai.FS{maimai.Sync, maimai.FSN, maimai.FSP, maimai.FSD, maimai.FSDP}
)

// atLeast is v and every value after it in order, as query arguments;
// nil when v is not in order.
func atLeast[T comparable](order []T, v T) []any {
	i := slices.Index(order, v)
	if i < 0 {
		return nil
	}
	var out []any
	for _, x := range order[i:] {
		out = append(out, x)
	}
	return out
}

// playChart is a play's chart as a row value, and linkedCharts the charts
// of a region that plays are linked to (plays show no genre, so theirs are
// the links without one) with their song data chart c, to be narrowed by
// a condition on c. "playChart IN (linkedCharts AND …)" reads the charts
// that pass once, and the plays off the plays_chart index without their
// rows (a count over 100,000 plays never reads one); a correlated lookup
// per play cost two joins and a row read each.
const (
	playChart    = "(p.title, p.chart_type, p.difficulty)"
	linkedCharts = `SELECT l.title, l.chart_type, l.difficulty FROM chart_links l JOIN charts c ON c.id = l.chart_id
		WHERE l.region = ? AND l.genre = ''`
)

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// where is the filter as SQL conditions on plays p, with their arguments.
func (f PlayFilter) where(playerID int64) (string, []any) {
	conds := []string{"p.player_id = ?"}
	args := []any{playerID}
	if f.Title != "" {
		// ! escapes LIKE's wildcards: a backslash means different things
		// in MySQL and standard string literals.
		esc := strings.NewReplacer("!", "!!", "%", "!%", "_", "!_").Replace(strings.ToLower(f.Title))
		conds = append(conds, "LOWER(p.title) LIKE ? ESCAPE '!'")
		args = append(args, "%"+esc+"%")
	}
	if f.Difficulty != "" {
		conds = append(conds, "p.difficulty = ?")
		args = append(args, string(f.Difficulty))
	}
	if f.Type != "" {
		conds = append(conds, "p.chart_type = ?")
		args = append(args, string(f.Type))
	}
	if !f.From.IsZero() {
		conds = append(conds, "p.played_at >= ?")
		args = append(args, utc(f.From))
	}
	if !f.To.IsZero() {
		conds = append(conds, "p.played_at < ?")
		args = append(args, utc(f.To))
	}
	if f.Rank != "" {
		conds = append(conds, "p.score_rank = ?")
		args = append(args, string(f.Rank))
	}
	for _, m := range []struct {
		col  string
		args []any
	}{{"p.fc", atLeast(fcOrder, f.FC)}, {"p.fs", atLeast(fsOrder, f.FS)}} {
		if len(m.args) > 0 {
			conds = append(conds, m.col+" IN ("+placeholders(len(m.args))+")")
			for _, a := range m.args {
				args = append(args, fmt.Sprint(a))
			}
		}
	}
	if len(f.Levels) > 0 {
		conds = append(conds, playChart+" IN ("+linkedCharts+" AND c.level IN ("+placeholders(len(f.Levels))+"))")
		args = append(args, string(f.ChartRegion))
		for _, l := range f.Levels {
			args = append(args, l)
		}
	}
	if f.MinConstant > 0 || f.MaxConstant > 0 {
		hi := f.MaxConstant
		if hi <= 0 {
			hi = 1 << 30
		}
		conds = append(conds, playChart+" IN ("+linkedCharts+" AND c.constant BETWEEN ? AND ?)")
		args = append(args, string(f.ChartRegion), max(f.MinConstant, 1), hi)
	}
	return strings.Join(conds, " AND "), args
}

// playOrder is newest first; the id (in SQLite the rowid every index
// carries) breaks ties, so the order comes straight off an index and
// pages never overlap.
const playOrder = " ORDER BY p.played_at DESC, p.id DESC"

// FilterPlays lists the player's plays matching f, newest first, limit of
// them after skipping offset, without their detail.
func (t *Tx) FilterPlays(ctx context.Context, playerID int64, f PlayFilter, offset, limit int) ([]Play, error) {
	where, args := f.where(playerID)
	// The rows skipped by OFFSET are walked on an index in the subquery;
	// only the page's rows are read whole.
	// (A derived table, not IN: MariaDB allows no LIMIT in an IN subquery.)
	rows, err := t.queryOnce(ctx, "SELECT "+playColumns+" FROM plays p JOIN (SELECT p.id FROM plays p WHERE "+
		where+playOrder+" LIMIT ? OFFSET ?) k ON k.id = p.id"+playOrder, append(args, limit, offset)...)
	if err != nil {
		return nil, fmt.Errorf("storage: list plays: %w", err)
	}
	return collectPlays(rows, false)
}

// CountFilteredPlays counts the player's plays matching f.
func (t *Tx) CountFilteredPlays(ctx context.Context, playerID int64, f PlayFilter) (int, error) {
	where, args := f.where(playerID)
	var n int
	if err := t.tx.QueryRowContext(ctx, t.d.rebind("SELECT COUNT(*) FROM plays p WHERE "+where), args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("storage: count plays: %w", err)
	}
	return n, nil
}

func collectPlays(rows *sql.Rows, withDetail bool) ([]Play, error) {
	defer rows.Close()
	var ps []Play
	for rows.Next() {
		var p Play
		var err error
		if withDetail {
			var detail sql.NullString
			p, err = scanPlay(rows, &detail)
			if detail.Valid {
				p.Detail = []byte(detail.String)
			}
		} else {
			p, err = scanPlay(rows)
		}
		if err != nil {
			return nil, fmt.Errorf("storage: list plays: %w", err)
		}
		ps = append(ps, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: list plays: %w", err)
	}
	return ps, nil
}

// PlayByID returns one play of the player with its detail, or ErrNotFound.
func (t *Tx) PlayByID(ctx context.Context, playerID, id int64) (Play, error) {
	rows, err := t.query(ctx, "SELECT "+playColumns+", p.detail FROM plays p WHERE p.player_id = ? AND p.id = ?", playerID, id)
	if err != nil {
		return Play{}, fmt.Errorf("storage: find play: %w", err)
	}
	ps, err := collectPlays(rows, true)
	if err != nil {
		return Play{}, err
	}
	if len(ps) == 0 {
		return Play{}, fmt.Errorf("play %d: %w", id, ErrNotFound)
	}
	return ps[0], nil
}

// ChartPlays lists the player's plays of one chart oldest first, with
// their detail.
func (t *Tx) ChartPlays(ctx context.Context, playerID int64, c maimai.Chart) ([]Play, error) {
	rows, err := t.query(ctx, "SELECT "+playColumns+`, p.detail FROM plays p
		WHERE p.player_id = ? AND p.title = ? AND p.chart_type = ? AND p.difficulty = ?
		ORDER BY p.played_at, p.track, p.id`, playerID, c.Title, string(c.Type), string(c.Difficulty))
	if err != nil {
		return nil, fmt.Errorf("storage: list chart plays: %w", err)
	}
	return collectPlays(rows, true)
}

// Attempt is a play reduced to what a running best needs.
type Attempt struct {
	ID int64
	maimai.Chart
	Minute      int64 // played_minute: unix minutes, cheaper to read than a time
	Achievement maimai.Achievement
	DXScore     int
	FC          maimai.FC
	FS          maimai.FS
}

// AttemptsBefore lists the player's plays of the given charts played
// before at, oldest first: what a running best per chart is computed from.
func (t *Tx) AttemptsBefore(ctx context.Context, playerID int64, charts []maimai.Chart, at time.Time) ([]Attempt, error) {
	uniq := distinctCharts(charts)
	const cols = "SELECT p.id, p.title, p.chart_type, p.difficulty, p.played_minute, p.achievement, p.dx_score, p.fc, p.fs FROM plays p "
	var out []Attempt
	scan := func(rows *sql.Rows) error {
		defer rows.Close()
		for rows.Next() {
			var a Attempt
			if err := rows.Scan(&a.ID, &a.Title, &a.Type, &a.Difficulty, &a.Minute, &a.Achievement, &a.DXScore, &a.FC, &a.FS); err != nil {
				return err
			}
			out = append(out, a)
		}
		return rows.Err()
	}
	if t.d.name == "sqlite" {
		// Point lookups on the chart index beat one large OR in SQLite.
		for _, c := range uniq {
			rows, err := t.query(ctx, cols+`WHERE p.player_id = ? AND p.title = ? AND p.chart_type = ? AND p.difficulty = ?
				AND p.played_at < ?`, playerID, c.Title, string(c.Type), string(c.Difficulty), utc(at))
			if err != nil {
				return nil, fmt.Errorf("storage: list attempts: %w", err)
			}
			if err := scan(rows); err != nil {
				return nil, fmt.Errorf("storage: list attempts: %w", err)
			}
		}
	} else {
		err := chartBatches(uniq, "p.", func(cond string, args []any) error {
			rows, err := t.queryOnce(ctx, cols+"WHERE p.player_id = ? AND p.played_at < ? AND ("+cond+")",
				append([]any{playerID, utc(at)}, args...)...)
			if err != nil {
				return err
			}
			return scan(rows)
		})
		if err != nil {
			return nil, fmt.Errorf("storage: list attempts: %w", err)
		}
	}
	sortAttempts(out)
	return out, nil
}

func sortAttempts(as []Attempt) {
	// Insertion order is by chart; callers want time order. Plays of one
	// minute were stored oldest first, so their ids order them.
	slices.SortFunc(as, func(a, b Attempt) int {
		if a.Minute != b.Minute {
			return cmp.Compare(a.Minute, b.Minute)
		}
		return cmp.Compare(a.ID, b.ID)
	})
}

// PlayMinutes lists the minute (unix minutes) of every play of the
// player, oldest first: enough to split plays into visits without reading
// the plays. (A LAG window function does the same in SQL, but SQLite runs
// it several times slower than this index walk.)
func (t *Tx) PlayMinutes(ctx context.Context, playerID int64) ([]int64, error) {
	rows, err := t.query(ctx, "SELECT played_minute FROM plays WHERE player_id = ? ORDER BY played_minute", playerID)
	if err != nil {
		return nil, fmt.Errorf("storage: list play times: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var m int64
		if err := rows.Scan(&m); err != nil {
			return nil, fmt.Errorf("storage: list play times: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// PlaysBetween lists the player's plays with from <= played_at < to,
// oldest first, with their detail.
func (t *Tx) PlaysBetween(ctx context.Context, playerID int64, from, to time.Time) ([]Play, error) {
	rows, err := t.query(ctx, "SELECT "+playColumns+`, p.detail FROM plays p
		WHERE p.player_id = ? AND p.played_at >= ? AND p.played_at < ? ORDER BY p.played_at, p.track, p.id`,
		playerID, utc(from), utc(to))
	if err != nil {
		return nil, fmt.Errorf("storage: list plays: %w", err)
	}
	return collectPlays(rows, true)
}

// ChartBest returns the player's best score of one chart, or ErrNotFound.
func (t *Tx) ChartBest(ctx context.Context, playerID int64, c maimai.Chart) (BestScore, error) {
	bs, err := t.BestScoresOf(ctx, playerID, []maimai.Chart{c})
	if err != nil {
		return BestScore{}, err
	}
	b, ok := bs[c]
	if !ok {
		return BestScore{}, fmt.Errorf("best score of %s: %w", c.Title, ErrNotFound)
	}
	return b, nil
}

// ChartHistory lists the score history of one chart oldest first.
func (t *Tx) ChartHistory(ctx context.Context, playerID int64, c maimai.Chart) ([]ScoreStep, error) {
	rows, err := t.query(ctx, `SELECT observed_at, achievement, score_rank, dx_score, dx_score_max, fc, fs, COALESCE(page_id, 0), source
		FROM score_history WHERE player_id = ? AND title = ? AND chart_type = ? AND difficulty = ?
		ORDER BY observed_at, achievement, dx_score`, playerID, c.Title, string(c.Type), string(c.Difficulty))
	if err != nil {
		return nil, fmt.Errorf("storage: list score history: %w", err)
	}
	defer rows.Close()
	var ss []ScoreStep
	for rows.Next() {
		s := ScoreStep{PlayerID: playerID, Chart: c}
		if err := rows.Scan(&s.ObservedAt, &s.Achievement, &s.Rank, &s.DXScore, &s.DXScoreMax, &s.FC, &s.FS, &s.PageID, &s.Source); err != nil {
			return nil, fmt.Errorf("storage: list score history: %w", err)
		}
		s.ObservedAt = s.ObservedAt.UTC()
		ss = append(ss, s)
	}
	return ss, rows.Err()
}

// SnapshotAround returns the player's home, playerData or friendCode
// snapshot nearest before (before true: latest observed at or before at)
// or after (earliest observed at or after at) a time, or ErrNotFound.
func (t *Tx) SnapshotAround(ctx context.Context, playerID int64, at time.Time, before bool) (Snapshot, error) {
	q := `SELECT id, kind, observed_at, region, name, rating, stars, play_count, digest FROM snapshots
		WHERE player_id = ? AND observed_at <= ? ORDER BY observed_at DESC, id DESC LIMIT 1`
	if !before {
		q = `SELECT id, kind, observed_at, region, name, rating, stars, play_count, digest FROM snapshots
		WHERE player_id = ? AND observed_at >= ? ORDER BY observed_at, id LIMIT 1`
	}
	s := Snapshot{PlayerID: playerID}
	err := t.tx.QueryRowContext(ctx, t.d.rebind(q), playerID, utc(at)).Scan(&s.ID, &s.Kind, &s.ObservedAt, &s.Region,
		&s.Name, &s.Rating, &s.Stars, &s.PlayCount, &s.Digest)
	if errors.Is(err, sql.ErrNoRows) {
		return Snapshot{}, ErrNotFound
	}
	if err != nil {
		return Snapshot{}, fmt.Errorf("storage: find snapshot: %w", err)
	}
	s.ObservedAt = s.ObservedAt.UTC()
	return s, nil
}

// PhotosPage lists the player's photos newest first, limit of them after
// skipping offset.
func (t *Tx) PhotosPage(ctx context.Context, playerID int64, offset, limit int) ([]Photo, error) {
	rows, err := t.query(ctx, `SELECT id, COALESCE(page_id, 0), photo_key, region, image_url, taken_at, title, chart_type,
		difficulty, level FROM photos WHERE player_id = ? ORDER BY taken_at DESC, id DESC LIMIT ? OFFSET ?`,
		playerID, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("storage: list photos: %w", err)
	}
	defer rows.Close()
	var ps []Photo
	for rows.Next() {
		p := Photo{PlayerID: playerID}
		if err := rows.Scan(&p.ID, &p.PageID, &p.Key, &p.Region, &p.ImageURL, &p.TakenAt, &p.Title, &p.Type,
			&p.Difficulty, &p.Level); err != nil {
			return nil, fmt.Errorf("storage: list photos: %w", err)
		}
		p.TakenAt = p.TakenAt.UTC()
		ps = append(ps, p)
	}
	return ps, rows.Err()
}

// CountPhotos counts the player's photos.
func (t *Tx) CountPhotos(ctx context.Context, playerID int64) (int, error) {
	var n int
	if err := t.tx.QueryRowContext(ctx, t.d.rebind("SELECT COUNT(*) FROM photos WHERE player_id = ?"), playerID).Scan(&n); err != nil {
		return 0, fmt.Errorf("storage: count photos: %w", err)
	}
	return n, nil
}

// CountPlaysBetween counts the player's plays with from <= played_at < to.
func (t *Tx) CountPlaysBetween(ctx context.Context, playerID int64, from, to time.Time) (int, error) {
	var n int
	err := t.tx.QueryRowContext(ctx, t.d.rebind("SELECT COUNT(*) FROM plays WHERE player_id = ? AND played_at >= ? AND played_at < ?"),
		playerID, utc(from), utc(to)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("storage: count plays: %w", err)
	}
	return n, nil
}

// PlayMinuteRange returns the minutes of the player's first and last
// play; ok is false when there are none.
func (t *Tx) PlayMinuteRange(ctx context.Context, playerID int64) (first, last int64, ok bool, err error) {
	// Two queries: SQLite answers a lone MIN or MAX off the index, but
	// scans for both at once.
	for _, q := range []struct {
		dest *int64
		dir  string
	}{{&first, "ASC"}, {&last, "DESC"}} {
		err = t.tx.QueryRowContext(ctx, t.d.rebind("SELECT played_minute FROM plays WHERE player_id = ? ORDER BY played_minute "+q.dir+" LIMIT 1"),
			playerID).Scan(q.dest)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, 0, false, nil
		}
		if err != nil {
			return 0, 0, false, fmt.Errorf("storage: find play times: %w", err)
		}
	}
	return first, last, true, nil
}

// CountPlaysInMinutes counts the player's plays with from <= minute < to
// (unix minutes): an index range, however many plays the player has.
func (t *Tx) CountPlaysInMinutes(ctx context.Context, playerID, from, to int64) (int, error) {
	rows, err := t.query(ctx, "SELECT COUNT(*) FROM plays WHERE player_id = ? AND played_minute >= ? AND played_minute < ?", playerID, from, to)
	if err != nil {
		return 0, fmt.Errorf("storage: count plays: %w", err)
	}
	defer rows.Close()
	var n int
	for rows.Next() {
		if err := rows.Scan(&n); err != nil {
			return 0, fmt.Errorf("storage: count plays: %w", err)
		}
	}
	return n, rows.Err()
}

// RecentPlayMinutes lists the minutes of the player's latest limit plays,
// newest first.
func (t *Tx) RecentPlayMinutes(ctx context.Context, playerID int64, limit int) ([]int64, error) {
	rows, err := t.query(ctx, "SELECT played_minute FROM plays WHERE player_id = ? ORDER BY played_minute DESC LIMIT ?", playerID, limit)
	if err != nil {
		return nil, fmt.Errorf("storage: list play times: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var m int64
		if err := rows.Scan(&m); err != nil {
			return nil, fmt.Errorf("storage: list play times: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// SnapshotPoint is a snapshot's numbers, for charts over time.
type SnapshotPoint struct {
	Kind       string
	ObservedAt time.Time
	Rating     int
	Stars      int
	PlayCount  int
}

// SnapshotPoints lists the numbers of every snapshot of the player oldest
// first, without their data.
func (t *Tx) SnapshotPoints(ctx context.Context, playerID int64) ([]SnapshotPoint, error) {
	rows, err := t.query(ctx, `SELECT kind, observed_at, rating, stars, play_count FROM snapshots
		WHERE player_id = ? ORDER BY observed_at, id`, playerID)
	if err != nil {
		return nil, fmt.Errorf("storage: list snapshots: %w", err)
	}
	defer rows.Close()
	var out []SnapshotPoint
	for rows.Next() {
		var p SnapshotPoint
		if err := rows.Scan(&p.Kind, &p.ObservedAt, &p.Rating, &p.Stars, &p.PlayCount); err != nil {
			return nil, fmt.Errorf("storage: list snapshots: %w", err)
		}
		p.ObservedAt = p.ObservedAt.UTC()
		out = append(out, p)
	}
	return out, rows.Err()
}

// SnapshotsPage lists the player's snapshots newest first with their data,
// limit of them after skipping offset; kind "" means every kind.
func (t *Tx) SnapshotsPage(ctx context.Context, playerID int64, kind string, offset, limit int) ([]Snapshot, error) {
	const cols = "SELECT id, kind, observed_at, region, name, rating, stars, play_count, digest, data FROM snapshots WHERE player_id = ? "
	const order = " ORDER BY observed_at DESC, id DESC LIMIT ? OFFSET ?"
	var rows *sql.Rows
	var err error
	if kind == "" {
		rows, err = t.query(ctx, cols+order, playerID, limit, offset)
	} else {
		rows, err = t.query(ctx, cols+"AND kind = ?"+order, playerID, kind, limit, offset)
	}
	if err != nil {
		return nil, fmt.Errorf("storage: list snapshots: %w", err)
	}
	defer rows.Close()
	var out []Snapshot
	for rows.Next() {
		s := Snapshot{PlayerID: playerID}
		var data string
		if err := rows.Scan(&s.ID, &s.Kind, &s.ObservedAt, &s.Region, &s.Name, &s.Rating, &s.Stars, &s.PlayCount, &s.Digest, &data); err != nil {
			return nil, fmt.Errorf("storage: list snapshots: %w", err)
		}
		s.ObservedAt = s.ObservedAt.UTC()
		s.Data = []byte(data)
		out = append(out, s)
	}
	return out, rows.Err()
}

// PlayChartLinks returns the chart links of the given charts in region,
// by chart: the link without a genre, which plays have, or else (a chart
// seen only on score lists, which show genres) the first by genre. A
// chart without any link is missing from the map.
func (t *Tx) PlayChartLinks(ctx context.Context, region maimai.Region, charts []maimai.Chart) (map[maimai.Chart]ChartLink, error) {
	out := make(map[maimai.Chart]ChartLink, len(charts))
	const cols = "SELECT title, chart_type, difficulty, genre, COALESCE(chart_id, 0), status, reason, updated_at FROM chart_links "
	collect := func(rows *sql.Rows, err error) error {
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			l := ChartLink{Region: region}
			if err := rows.Scan(&l.Title, &l.Type, &l.Difficulty, &l.Genre, &l.ChartID, &l.Status, &l.Reason, &l.UpdatedAt); err != nil {
				return err
			}
			l.UpdatedAt = l.UpdatedAt.UTC()
			if _, ok := out[l.Chart]; !ok || l.Genre == "" {
				out[l.Chart] = l
			}
		}
		return rows.Err()
	}
	uniq := distinctCharts(charts)
	var err error
	if t.d.name == "sqlite" {
		// Point lookups on the unique key, as in bestRows.
		for _, c := range uniq {
			if err = collect(t.query(ctx, cols+"WHERE region = ? AND title = ? AND chart_type = ? AND difficulty = ? ORDER BY genre",
				string(region), c.Title, string(c.Type), string(c.Difficulty))); err != nil {
				break
			}
		}
	} else {
		err = chartBatches(uniq, "", func(cond string, args []any) error {
			return collect(t.queryOnce(ctx, cols+"WHERE region = ? AND ("+cond+") ORDER BY genre", append([]any{string(region)}, args...)...))
		})
	}
	if err != nil {
		return nil, fmt.Errorf("storage: find chart links: %w", err)
	}
	return out, nil
}

// ConstantsOf lists the constant history of the given charts by chart id,
// each oldest first.
func (t *Tx) ConstantsOf(ctx context.Context, chartIDs []int64) (map[int64][]ConstantRow, error) {
	out := map[int64][]ConstantRow{}
	ids := slices.Clone(chartIDs)
	slices.Sort(ids)
	for chunk := range slices.Chunk(slices.Compact(ids), chartBatchSize) {
		rows, err := t.queryOnce(ctx, `SELECT id, chart_id, constant, level, source, first_seen, last_seen FROM chart_constants
			WHERE chart_id IN (`+placeholders(len(chunk))+`) ORDER BY chart_id, first_seen, id`, anys(chunk)...)
		if err != nil {
			return nil, fmt.Errorf("storage: list constant history: %w", err)
		}
		for rows.Next() {
			var h ConstantRow
			if err := rows.Scan(&h.ID, &h.ChartID, &h.Constant, &h.Level, &h.Source, &h.FirstSeen, &h.LastSeen); err != nil {
				rows.Close()
				return nil, fmt.Errorf("storage: list constant history: %w", err)
			}
			h.FirstSeen, h.LastSeen = h.FirstSeen.UTC(), h.LastSeen.UTC()
			out[h.ChartID] = append(out[h.ChartID], h)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("storage: list constant history: %w", err)
		}
	}
	return out, nil
}

// MaxPlayID is the highest play id of the archive (0 when there is none):
// it grows with every import, so a reader can tell whether plays came in
// since it last looked.
func (t *Tx) MaxPlayID(ctx context.Context) (int64, error) {
	var id int64
	if err := t.tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) FROM plays").Scan(&id); err != nil {
		return 0, fmt.Errorf("storage: max play id: %w", err)
	}
	return id, nil
}
