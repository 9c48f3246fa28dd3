package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/maiprobe/maiprobe/internal/analysis"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

// The judgement analysis's sums (migration 21): per player, month and
// chart, kept at import with each play_judgements row so the analysis
// reads a few dozen rows rather than every play with a detail. Storage
// computes a play's share itself (analysis.TotalsOf) because the row is
// written here, from every path that stores judgements, in the same
// transaction.

// totalsCols are the sum columns of judgement_months and judgement_charts,
// in the order totalsArgs and scanTotals use.
var totalsCols = func() []string {
	cols := []string{"plays", "achievement", "fast", "late"}
	for _, k := range analysis.Kinds {
		for _, c := range []string{"notes", "great", "good", "miss", "loss"} {
			cols = append(cols, k.String()+"_"+c)
		}
	}
	return cols
}()

var (
	totalsList = strings.Join(totalsCols, ", ")
	// totalsAdd is "plays = plays + ?, …" for an UPDATE.
	totalsAdd = func() string {
		s := make([]string, len(totalsCols))
		for i, c := range totalsCols {
			s[i] = c + " = " + c + " + ?"
		}
		return strings.Join(s, ", ")
	}()
	// totalsSums is "SUM(plays), …" for a grouped read.
	totalsSums = func() string {
		s := make([]string, len(totalsCols))
		for i, c := range totalsCols {
			s[i] = "SUM(t." + c + ")"
		}
		return strings.Join(s, ", ")
	}()
)

func totalsArgs(t analysis.Totals) []any {
	out := []any{t.Plays, t.Achievement, t.Fast, t.Late}
	for _, k := range t.Kinds {
		out = append(out, k.Notes, k.Great, k.Good, k.Miss, k.Loss)
	}
	return out
}

func totalsDest(t *analysis.Totals) []any {
	out := []any{&t.Plays, &t.Achievement, &t.Fast, &t.Late}
	for i := range t.Kinds {
		k := &t.Kinds[i]
		out = append(out, &k.Notes, &k.Great, &k.Good, &k.Miss, &k.Loss)
	}
	return out
}

// MonthKey is the judgement_months key of a time: its calendar month in
// region's clock, "2026-03".
func MonthKey(at time.Time, region maimai.Region) string {
	return analysis.MonthOf(at, region.Location()).Format("2006-01")
}

// write runs a statement on the sums, which are derived data: it does not
// count as a change of the archive (the play_judgements row they follow
// does), so a rebuild on a read leaves the archive's version alone.
func (t *Tx) write(ctx context.Context, query string, args ...any) (int64, error) {
	s, err := t.stmt(ctx, query)
	if err != nil {
		return 0, err
	}
	res, err := s.ExecContext(ctx, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// lockJudgementState adds n to the rows the player's sums cover (set is
// false) or sets it to n (set), making the state row first if need be.
// Every writer of the sums starts here, so the row's lock orders them:
// it returns only once this transaction holds the row.
func (t *Tx) lockJudgementState(ctx context.Context, playerID, n int64, set bool) error {
	q := "UPDATE judgement_state SET judged = judged + ?, seq = seq + 1 WHERE player_id = ?"
	if set {
		q = "UPDATE judgement_state SET judged = ?, levels_stamp = NULL, seq = seq + 1 WHERE player_id = ?"
	}
	ignore := " ON CONFLICT DO NOTHING"
	if t.d.name == "mysql" {
		ignore = " ON DUPLICATE KEY UPDATE player_id = player_id"
	}
	for range 3 {
		done, err := t.write(ctx, q, n, playerID)
		if err != nil || done > 0 {
			return err
		}
		// No row: make it. Another transaction may insert it first; then
		// this waits for it, adds nothing, and updates it. (A reparse
		// may even delete it meanwhile: then this tries again.)
		added, err := t.write(ctx, "INSERT INTO judgement_state (player_id, judged) VALUES (?, ?)"+ignore, playerID, n)
		if err != nil || added > 0 {
			return err
		}
	}
	return fmt.Errorf("judgement state of player %d deleted and made again under this transaction: %w", playerID, ErrRetry)
}

// judgedRow is what the sums need of a play.
type judgedRow struct {
	playerID int64
	region   maimai.Region
	at       time.Time
	chart    maimai.Chart
	level    string
	ach      maimai.Achievement
}

// addJudgementTotals adds a play's judgements to its player's sums.
func (t *Tx) addJudgementTotals(ctx context.Context, j judgedRow, judgements string) error {
	if err := t.lockJudgementState(ctx, j.playerID, 1, false); err != nil {
		return fmt.Errorf("storage: judgement totals: %w", err)
	}
	tab, fast, late, err := analysis.Decode(judgements)
	if err != nil {
		return nil // counted, as the analysis skips it too
	}
	tot := analysis.TotalsOf(tab, j.ach, fast, late)
	if err := t.addMonth(ctx, j.playerID, MonthKey(j.at, j.region), tot); err != nil {
		return fmt.Errorf("storage: judgement totals: %w", err)
	}
	if err := t.addChart(ctx, j.playerID, JudgementChart{Chart: j.chart, Region: j.region, Level: j.level, LastAt: j.at, Totals: tot}); err != nil {
		return fmt.Errorf("storage: judgement totals: %w", err)
	}
	return nil
}

// addMonth adds tot to a month's row. The caller holds the state row, so
// no one else adds the row between the UPDATE and the INSERT.
func (t *Tx) addMonth(ctx context.Context, playerID int64, month string, tot analysis.Totals) error {
	n, err := t.write(ctx, "UPDATE judgement_months SET "+totalsAdd+" WHERE player_id = ? AND month = ?",
		append(totalsArgs(tot), playerID, month)...)
	if err != nil || n > 0 {
		return err
	}
	_, err = t.write(ctx, "INSERT INTO judgement_months (player_id, month, "+totalsList+") VALUES (?, ?"+strings.Repeat(", ?", len(totalsCols))+")",
		append([]any{playerID, month}, totalsArgs(tot)...)...)
	return err
}

// JudgementChart is one chart's sums, with the region and level of its
// newest play (level as the page showed it) and that play's time.
type JudgementChart struct {
	Chart  maimai.Chart
	Region maimai.Region
	Level  string
	LastAt time.Time
	analysis.Totals
}

// Newer reports whether a play at `at` showing level is the chart's newest
// rather than the one g holds (equal times: the greater level, so the
// choice does not depend on the order plays arrive in).
func (g JudgementChart) Newer(at time.Time, level string) bool {
	return at.After(g.LastAt) || at.Equal(g.LastAt) && level > g.Level
}

// addChart adds one play's sums (in g, with the play's region, level and
// time) to its chart's row; the newest play names the chart's region and
// level. In one statement, the conditions written so that MariaDB, which
// lets a SET clause see the values the clauses before it set, agrees
// with SQLite and PostgreSQL: region and level are set before last_at,
// and last_at only moves when it is older.
func (t *Tx) addChart(ctx context.Context, playerID int64, g JudgementChart) error {
	at := utc(g.LastAt)
	const newer = "last_at < ? OR (last_at = ? AND level < ?)"
	n, err := t.write(ctx, "UPDATE judgement_charts SET "+totalsAdd+", region = CASE WHEN "+newer+" THEN ? ELSE region END, level = CASE WHEN "+newer+
		" THEN ? ELSE level END, last_at = CASE WHEN last_at < ? THEN ? ELSE last_at END WHERE player_id = ? AND title = ? AND chart_type = ? AND difficulty = ?",
		append(totalsArgs(g.Totals), at, at, g.Level, string(g.Region), at, at, g.Level, g.Level, at, at,
			playerID, g.Chart.Title, string(g.Chart.Type), string(g.Chart.Difficulty))...)
	if err != nil || n > 0 {
		return err
	}
	return t.insertChart(ctx, playerID, g)
}

func (t *Tx) insertChart(ctx context.Context, playerID int64, g JudgementChart) error {
	_, err := t.write(ctx, "INSERT INTO judgement_charts (player_id, title, chart_type, difficulty, region, level, last_at, "+totalsList+
		") VALUES (?, ?, ?, ?, ?, ?, ?"+strings.Repeat(", ?", len(totalsCols))+")",
		append([]any{playerID, g.Chart.Title, string(g.Chart.Type), string(g.Chart.Difficulty), string(g.Region), g.Level, utc(g.LastAt)},
			totalsArgs(g.Totals)...)...)
	return err
}

// deleteJudgementTotals deletes the player's sums and their state.
func (t *Tx) deleteJudgementTotals(ctx context.Context, playerID int64) error {
	for _, table := range []string{"judgement_months", "judgement_charts", "judgement_levels", "judgement_state"} {
		if _, err := t.write(ctx, "DELETE FROM "+table+" WHERE player_id = ?", playerID); err != nil {
			return fmt.Errorf("storage: delete %s: %w", table, err)
		}
	}
	return nil
}

// JudgementState is how many play_judgements rows the player's sums cover
// (ok false: no sums yet) and how many there are. They differ for an
// archive from before the sums, and until the judgements of plays stored
// before migration 18 are computed.
func (t *Tx) JudgementState(ctx context.Context, playerID int64) (judged int64, ok bool, rows int64, err error) {
	var j sql.NullInt64
	err = t.tx.QueryRowContext(ctx, t.d.rebind(`SELECT (SELECT judged FROM judgement_state WHERE player_id = ?),
		(SELECT COUNT(*) FROM play_judgements WHERE player_id = ?)`), playerID, playerID).Scan(&j, &rows)
	if err != nil {
		return 0, false, 0, fmt.Errorf("storage: judgement state: %w", err)
	}
	return j.Int64, j.Valid, rows, nil
}

// ReplaceJudgementTotals replaces the player's sums with months (by
// MonthKey) and charts, covering judged play_judgements rows: the rebuild
// from play_judgements, in the transaction that read them.
func (t *Tx) ReplaceJudgementTotals(ctx context.Context, playerID, judged int64, months map[string]analysis.Totals, charts []JudgementChart) error {
	if err := t.lockJudgementState(ctx, playerID, judged, true); err != nil {
		return fmt.Errorf("storage: replace judgement totals: %w", err)
	}
	for _, table := range []string{"judgement_months", "judgement_charts", "judgement_levels"} {
		if _, err := t.write(ctx, "DELETE FROM "+table+" WHERE player_id = ?", playerID); err != nil {
			return fmt.Errorf("storage: replace judgement totals: %w", err)
		}
	}
	for m, tot := range months {
		if err := t.addMonth(ctx, playerID, m, tot); err != nil {
			return fmt.Errorf("storage: replace judgement totals: %w", err)
		}
	}
	for _, g := range charts {
		if err := t.insertChart(ctx, playerID, g); err != nil {
			return fmt.Errorf("storage: replace judgement totals: %w", err)
		}
	}
	return nil
}

// LockJudgementState takes the player's state row before a rebuild reads
// play_judgements, so an import of the same player waits for the rebuild
// (or the rebuild for it) instead of adding to sums being replaced.
func (t *Tx) LockJudgementState(ctx context.Context, playerID int64) error {
	return t.lockJudgementState(ctx, playerID, 0, false)
}

// JudgementMonth is one month's sums.
type JudgementMonth struct {
	Month string // MonthKey
	analysis.Totals
}

// JudgementMonths lists the player's months, oldest first.
func (t *Tx) JudgementMonths(ctx context.Context, playerID int64) ([]JudgementMonth, error) {
	rows, err := t.query(ctx, "SELECT month, "+totalsList+" FROM judgement_months WHERE player_id = ? ORDER BY month", playerID)
	if err != nil {
		return nil, fmt.Errorf("storage: judgement months: %w", err)
	}
	defer rows.Close()
	var out []JudgementMonth
	for rows.Next() {
		var m JudgementMonth
		if err := rows.Scan(append([]any{&m.Month}, totalsDest(&m.Totals)...)...); err != nil {
			return nil, fmt.Errorf("storage: judgement months: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// chartLevelJoin joins each chart's link (of its region, without a genre)
// and the linked chart; level is the song data's, else the page's.
const chartLevelJoin = ` FROM judgement_charts t LEFT JOIN chart_links cl ON cl.region = t.region AND cl.title = t.title
	AND cl.chart_type = t.chart_type AND cl.difficulty = t.difficulty AND cl.genre = ''
	LEFT JOIN charts c ON c.id = cl.chart_id WHERE t.player_id = ?`

const effectiveLevel = "COALESCE(NULLIF(c.level, ''), t.level)"

// JudgementLevel is one level's sums, with how many of its charts have no
// chart link yet (their level may be the song data's once matched).
type JudgementLevel struct {
	Level    string
	Unlinked int64
	analysis.Totals
}

// JudgementLevels sums the player's charts by level (the song data's,
// else the newest play's page's).
func (t *Tx) JudgementLevels(ctx context.Context, playerID int64) ([]JudgementLevel, error) {
	// The database adds the few thousand chart rows up: far cheaper than
	// sending them, and still most of an analysis's reading, so the
	// result is kept (SetJudgementLevels) while its stamp holds.
	rows, err := t.query(ctx, "SELECT "+effectiveLevel+", SUM(CASE WHEN cl.title IS NULL THEN 1 ELSE 0 END), "+totalsSums+
		chartLevelJoin+" GROUP BY "+effectiveLevel, playerID)
	if err != nil {
		return nil, fmt.Errorf("storage: judgement levels: %w", err)
	}
	defer rows.Close()
	var out []JudgementLevel
	for rows.Next() {
		var l JudgementLevel
		if err := rows.Scan(append([]any{&l.Level, &l.Unlinked}, totalsDest(&l.Totals)...)...); err != nil {
			return nil, fmt.Errorf("storage: judgement levels: %w", err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// JudgementLevelStamp is what the sums by level of a player of region
// whose sums cover judged rows are computed from: the rows, the region's
// chart data (ChartStamp: a song sync, a learned chart) and its chart
// links (a chart matched since).
func (t *Tx) JudgementLevelStamp(ctx context.Context, region maimai.Region, judged int64) (string, error) {
	charts, err := t.ChartStamp(ctx, region)
	if err != nil {
		return "", err
	}
	var n, maxID int64
	if err := t.tx.QueryRowContext(ctx, t.d.rebind("SELECT COUNT(*), COALESCE(MAX(id), 0) FROM chart_links WHERE region = ?"),
		string(region)).Scan(&n, &maxID); err != nil {
		return "", fmt.Errorf("storage: chart links stamp: %w", err)
	}
	return fmt.Sprintf("%d|%s|%d %d", judged, charts, n, maxID), nil
}

// KeptJudgementLevels reads the player's sums by level as last kept, with
// the stamp they were computed at ("" when none are kept), in one
// statement so the two agree.
func (t *Tx) KeptJudgementLevels(ctx context.Context, playerID int64) ([]JudgementLevel, string, error) {
	rows, err := t.query(ctx, "SELECT s.levels_stamp, l.level, l.unlinked, "+prefixed("l.", totalsCols)+
		" FROM judgement_state s JOIN judgement_levels l ON l.player_id = s.player_id WHERE s.player_id = ? AND s.levels_stamp IS NOT NULL", playerID)
	if err != nil {
		return nil, "", fmt.Errorf("storage: kept judgement levels: %w", err)
	}
	defer rows.Close()
	var out []JudgementLevel
	var stamp string
	for rows.Next() {
		var l JudgementLevel
		if err := rows.Scan(append([]any{&stamp, &l.Level, &l.Unlinked}, totalsDest(&l.Totals)...)...); err != nil {
			return nil, "", fmt.Errorf("storage: kept judgement levels: %w", err)
		}
		out = append(out, l)
	}
	return out, stamp, rows.Err()
}

// SetJudgementLevels keeps levels as the player's sums by level at stamp,
// if the sums still cover judged rows (else an import came between, and
// the next reader computes them again).
func (t *Tx) SetJudgementLevels(ctx context.Context, playerID, judged int64, stamp string, levels []JudgementLevel) error {
	n, err := t.write(ctx, "UPDATE judgement_state SET levels_stamp = ? WHERE player_id = ? AND judged = ?", stamp, playerID, judged)
	if err != nil || n == 0 {
		return err
	}
	if _, err := t.write(ctx, "DELETE FROM judgement_levels WHERE player_id = ?", playerID); err != nil {
		return fmt.Errorf("storage: keep judgement levels: %w", err)
	}
	for _, l := range levels {
		if _, err := t.write(ctx, "INSERT INTO judgement_levels (player_id, level, unlinked, "+totalsList+") VALUES (?, ?, ?"+
			strings.Repeat(", ?", len(totalsCols))+")", append([]any{playerID, l.Level, l.Unlinked}, totalsArgs(l.Totals)...)...); err != nil {
			return fmt.Errorf("storage: keep judgement levels: %w", err)
		}
	}
	return nil
}

// JudgementTopCharts lists the player's charts played at least as often as
// the n-th most played (so the caller can order ties), each with its level
// (the song data's, else the newest play's page's); every chart when it
// has n or fewer.
func (t *Tx) JudgementTopCharts(ctx context.Context, playerID int64, n int) ([]JudgementChart, error) {
	rows, err := t.query(ctx, "SELECT t.title, t.chart_type, t.difficulty, t.region, "+effectiveLevel+", t.last_at, "+prefixed("t.", totalsCols)+
		chartLevelJoin+` AND t.plays >= COALESCE((SELECT x.plays FROM judgement_charts x WHERE x.player_id = ?
			ORDER BY x.plays DESC LIMIT 1 OFFSET ?), 0)`, playerID, playerID, max(n-1, 0))
	if err != nil {
		return nil, fmt.Errorf("storage: judgement charts: %w", err)
	}
	defer rows.Close()
	var out []JudgementChart
	for rows.Next() {
		var g JudgementChart
		if err := rows.Scan(append([]any{&g.Chart.Title, &g.Chart.Type, &g.Chart.Difficulty, &g.Region, &g.Level, &g.LastAt},
			totalsDest(&g.Totals)...)...); err != nil {
			return nil, fmt.Errorf("storage: judgement charts: %w", err)
		}
		g.LastAt = g.LastAt.UTC()
		out = append(out, g)
	}
	return out, rows.Err()
}

func prefixed(p string, cols []string) string {
	s := make([]string, len(cols))
	for i, c := range cols {
		s[i] = p + c
	}
	return strings.Join(s, ", ")
}
