package archive

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/maiprobe/maiprobe/internal/analysis"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/rating"
	"github.com/maiprobe/maiprobe/internal/songs"
	"github.com/maiprobe/maiprobe/internal/storage"
)

// judgementsOf is a detail's judgements as play_judgements.judgements
// keeps them (analysis.Encode), "" without a detail.
func judgementsOf(detail []byte) string {
	if detail == nil {
		return ""
	}
	var d maimai.PlayDetail
	if json.Unmarshal(detail, &d) != nil {
		return ""
	}
	return analysis.Encode(d)
}

// Judged is what the judgement analysis reads of a player: every play with
// a detail, oldest first, as analysis samples, and the player's region.
type Judged struct {
	Region  maimai.Region
	Samples []analysis.Sample
}

// JudgementSamples reads every play of the player that has a detail, with
// its chart's level from the song data (else as the chart's newest play's
// page showed it), oldest first. No page uses it: it is the from-scratch
// reference the tests (here, web, api, e2e) compare JudgementReport's
// sums against, so it stays the plain read of every sample.
// Charts not linked to the song data yet are matched first (as every view
// of plays does). Plays stored before their judgements were kept beside
// the detail get them now, from the detail, in one write.
func (a *Archive) JudgementSamples(ctx context.Context, player string) (Judged, error) {
	var out Judged
	var rows []storage.JudgedPlay
	levels := map[maimai.Region]map[maimai.Chart]string{}
	read := func() (unlinked bool, err error) {
		err = a.view(ctx, player, func(tx *storage.Tx, id int64) error {
			region, err := tx.PlayerRegion(ctx, id)
			if isNotFound(err) {
				return nil // nothing imported yet
			}
			if err != nil {
				return err
			}
			out.Region = region
			if rows, err = tx.PlayJudgements(ctx, id); err != nil {
				return err
			}
			for _, r := range rows {
				if _, ok := levels[r.Region]; !ok {
					if levels[r.Region], err = tx.ChartLevels(ctx, r.Region); err != nil {
						return err
					}
				}
			}
			return nil
		})
		for _, r := range rows {
			if _, ok := levels[r.Region][r.Chart]; !ok {
				unlinked = true
			}
		}
		return unlinked, err
	}
	unlinked, err := read()
	if err != nil {
		return out, err
	}
	if unlinked {
		if err := a.ResolveChartsFor(ctx, player); err != nil {
			return out, err
		}
		clear(levels)
		if _, err := read(); err != nil {
			return out, err
		}
	}
	var missing []storage.JudgedPlay
	out.Samples = make([]analysis.Sample, 0, len(rows))
	// A chart's level is the song data's (of the newest play's region),
	// else the one its newest play's page showed, as the sums keep it
	// (JudgementReport).
	newest := map[maimai.Chart]storage.JudgementChart{}
	for i := range rows {
		r := &rows[i]
		if r.Judgements == "" {
			r.Judgements = judgementsOf(r.Detail)
			missing = append(missing, *r) // "" again: a detail that does not decode; SetPlayJudgements("") deletes its row
		}
		t, fast, late, err := analysis.Decode(r.Judgements)
		if err != nil {
			continue // damaged, or a detail that does not decode: nothing to analyse
		}
		if g, ok := newest[r.Chart]; !ok || g.Newer(r.PlayedAt, r.Level) {
			newest[r.Chart] = storage.JudgementChart{Region: r.Region, Level: r.Level, LastAt: r.PlayedAt}
		}
		out.Samples = append(out.Samples, analysis.Sample{At: r.PlayedAt, Chart: r.Chart,
			Achievement: r.Achievement, Table: t, Fast: fast, Late: late})
	}
	for i := range out.Samples {
		x := &out.Samples[i]
		g := newest[x.Chart]
		x.Level = cmpOr(levels[g.Region][x.Chart], g.Level)
	}
	slices.SortStableFunc(out.Samples, func(x, y analysis.Sample) int { return x.At.Compare(y.At) })
	if len(missing) == 0 {
		return out, nil
	}
	err = a.db.Update(ctx, func(tx *storage.Tx) error {
		for _, r := range missing {
			if err := tx.SetPlayJudgements(ctx, r.ID, r.Judgements); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// ErrNoChart says a 分数线 was asked for a chart the song data lacks.
var ErrNoChart = errors.New("archive: no such chart in the song data")

// ErrNoLine says the chart is known but the 分数线 asked cannot be given:
// no note counts, no constant for a "+N" target, or no achievement that
// adds N.
var ErrNoLine = errors.New("no 分数线")

// ChartLine is a 分数线 with the chart and target it is for.
type ChartLine struct {
	Chart    maimai.Chart   `json:"chart"`
	Level    string         `json:"level,omitempty"`
	Constant songs.Constant `json:"constant"`
	// ConstantEstimated marks a Constant learned from the player's plays,
	// the song data having none (docs/constants.md).
	ConstantEstimated bool            `json:"constant_estimated,omitempty"`
	Asked             string          `json:"asked"`
	Target            analysis.Target `json:"target_asked"`
	// Best is the player's best on the chart (0 when none).
	Best maimai.Achievement `json:"best"`
	analysis.Line
}

// Line is the 分数线 of chart c in the player's region for target (as
// analysis.ParseTarget reads it): "+N" is the lowest achievement on c
// that would raise the player's rating by N now.
func (a *Archive) Line(ctx context.Context, player string, c maimai.Chart, target string) (ChartLine, error) {
	t, err := analysis.ParseTarget(target)
	if err != nil {
		return ChartLine{}, &LineError{Problem: LineBadTarget, Chart: c, Asked: target, Detail: strings.TrimPrefix(err.Error(), fmt.Sprintf("target %q: ", strings.ToLower(strings.TrimSpace(target))))}
	}
	out := ChartLine{Chart: c, Asked: target, Target: t}
	asked := c
	var sc *songs.Chart
	var version rating.Version
	var region maimai.Region
	var source string
	err = a.db.View(ctx, func(tx *storage.Tx) error {
		id, err := tx.PlayerID(ctx, player)
		if err != nil {
			return err
		}
		if region, err = tx.PlayerRegion(ctx, id); err != nil {
			if isNotFound(err) {
				return noRegion(player)
			}
			return err
		}
		set, err := a.cachedCharts(ctx, tx, region)
		if err != nil {
			return err
		}
		if set.db == nil || set.db.ChartCount() == 0 {
			return &LineError{Problem: LineNoSongData, Chart: c, Region: region}
		}
		if sc, err = set.db.Match(songs.QueryOf(c, "", "", "")); err != nil {
			return matchLineError(c, region, err)
		}
		if st := set.byID[set.id[sc]]; st != nil {
			version = st.version
		}
		// The song data's spelling of the title, not the one typed
		// ("lance" finds "LANCE"): the answer names the chart it is for.
		c.Title = cmp.Or(sc.Song.SiteTitle, sc.Song.Title)
		out.Chart = c
		source = set.db.Source
		bests, err := tx.BestScoresOf(ctx, id, []maimai.Chart{c})
		if err != nil {
			return err
		}
		out.Best = bests[c].Achievement
		return nil
	})
	if err != nil {
		return out, err
	}
	out.Level, out.Constant = sc.Level, sc.Constant
	if !out.Constant.Known() && c.Difficulty != maimai.Utage && !sc.Song.Utage {
		// The constant learned from the player's plays, which the current
		// rating counts too; the bests name the chart as the site does.
		if est, err := a.learnedConstants(ctx, player); err == nil {
			k, ok := est[c]
			if !ok {
				k, ok = est[asked]
			}
			if ok {
				out.Constant, out.ConstantEstimated = k, true
			}
		}
	}
	if t.Rating > 0 {
		if t.Achievement, err = a.ratingTarget(ctx, player, region, c, out.Constant, version, t.Rating, out.Best); err != nil {
			return out, err
		}
		out.Target = t
	}
	n := sc.Notes
	if !n.Known() {
		return out, &LineError{Problem: LineNoNotes, Chart: c, Region: region, Source: source, NotesFrom: notesSource(region)}
	}
	out.Line, err = analysis.NewLine([5]int{n.Tap, n.Hold, n.Slide, n.Touch, n.Break}, t.Achievement)
	if err != nil {
		return out, &LineError{Problem: "", Chart: c, Region: region, Detail: err.Error()}
	}
	return out, nil
}

// ratingTarget is the lowest achievement on chart c that raises the
// player's rating by n: within the chart's table, what beats its own entry
// or, outside it, the table's lowest entry.
func (a *Archive) ratingTarget(ctx context.Context, player string, region maimai.Region, c maimai.Chart, constant songs.Constant, v rating.Version, n int, best maimai.Achievement) (maimai.Achievement, error) {
	if !constant.Known() {
		return 0, &LineError{Problem: LineNoConstant, Chart: c, Region: region}
	}
	pr, err := a.Rating(ctx, player, time.Time{})
	if err != nil {
		return 0, err
	}
	rules, err := RulesFor(region, a.now())
	if err != nil {
		return 0, err
	}
	isNew := rules.IsNew(rating.Best{Key: rating.Key{Chart: c}, Version: v})
	table, size := pr.Old, rules.OldSize
	if isNew {
		table, size = pr.New, rules.NewSize
	}
	cur, floor := 0, 0
	in := false
	for _, e := range table {
		if e.Title == c.Title && e.Type == c.Type && e.Difficulty == c.Difficulty {
			cur, in = e.Rating, true
		}
	}
	if !in && len(table) >= size && size > 0 {
		floor = table[len(table)-1].Rating
		for _, e := range table {
			floor = min(floor, e.Rating)
		}
	}
	gain := func(ach maimai.Achievement) int {
		r := rules.ChartRating(rating.Constant(constant), ach, maimai.NoFC)
		if in {
			return r - cur
		}
		return r - floor
	}
	top := maimai.MaxAchievement
	if g := gain(top); g < n {
		return 0, &LineError{Problem: LineTooHigh, Chart: c, Region: region, Gain: max(g, 0), Want: n}
	}
	lo := max(best, 0)
	return maimai.Achievement(int(lo) + sort.Search(int(top-lo)+1, func(i int) bool { return gain(lo+maimai.Achievement(i)) >= n })), nil
}
