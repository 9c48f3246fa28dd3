package archive

import (
	"context"
	"errors"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/rating"
	"github.com/maiprobe/maiprobe/internal/songs"
	"github.com/maiprobe/maiprobe/internal/storage"
)

// ChartInfo is what the song data says of the chart of a play (or of a
// chart page), and what the play and the player's best on it are worth.
type ChartInfo struct {
	// Level is the song data's level label of the linked chart, else the
	// one the page showed ("" for a CN play before a song sync: CN record
	// pages show none).
	Level string `json:"level,omitempty"`
	// Constant is the chart's constant at the play's time (the constant
	// history's value then; on a chart page, today's); null when unknown.
	Constant songs.Constant `json:"constant"`
	// Rating is what the play earned: its achievement at Constant under
	// the rules of its region and time; 0 when the constant is unknown or
	// the chart is utage.
	Rating int `json:"rating,omitempty"`
	// ChartRating is the rating of the player's best on the chart, with
	// today's constant and rules: what the chart adds to the rating
	// tables; 0 when unknown.
	ChartRating int `json:"chart_rating,omitempty"`
	// Estimated marks a Constant learned from the player's plays, the
	// song data having none (chart page only; estimates.go).
	Estimated bool `json:"estimated,omitempty"`
	// Link is the chart's link status (LinkMatched, LinkLearned,
	// LinkAmbiguous), "" when the chart is not linked yet.
	Link string `json:"link,omitempty"`
}

// errUnlinked says a view met a play whose chart is not linked to the
// song data yet (imported since the last match); viewCharts matches and
// runs the view again.
var errUnlinked = errors.New("archive: a chart is not linked yet")

// viewCharts is view for views that show charts with their song data: fn
// builds its chartLookup with strict set, which fails with errUnlinked
// when a chart has no link; the charts are then matched (ResolveCharts,
// as rating does) and fn runs again, not strict. fn must start its output
// afresh.
func (a *Archive) viewCharts(ctx context.Context, player string, fn func(tx *storage.Tx, id int64, strict bool) error) error {
	err := a.view(ctx, player, func(tx *storage.Tx, id int64) error { return fn(tx, id, true) })
	if !errors.Is(err, errUnlinked) {
		return err
	}
	if err := a.ResolveChartsFor(ctx, player); err != nil {
		return err
	}
	return a.view(ctx, player, func(tx *storage.Tx, id int64) error { return fn(tx, id, false) })
}

// chartRef is a chart in a region.
type chartRef struct {
	region maimai.Region
	chart  maimai.Chart
}

// chartLookup answers level, constant and ratings for the charts of one
// view: built once per request from the region's cached chart database
// and the links, constant history and best scores of just the view's
// charts (a few indexed reads, however many plays the player has).
type chartLookup struct {
	now     time.Time
	regions map[maimai.Region]*regionCharts
	bests   map[maimai.Chart]storage.BestScore
}

// regionCharts is the chart data of one region of a lookup.
type regionCharts struct {
	set   *chartSet
	links map[maimai.Chart]storage.ChartLink
	hist  map[int64][]storage.ConstantRow
	today rating.Rules
	ruled bool // today's rules are known for the region
}

// lookupCharts builds the lookup of refs for the player; strict fails
// with errUnlinked when a chart has no link yet.
func (a *Archive) lookupCharts(ctx context.Context, tx *storage.Tx, player int64, refs []chartRef, strict bool) (*chartLookup, error) {
	lk := &chartLookup{now: a.now(), regions: map[maimai.Region]*regionCharts{}}
	byRegion := map[maimai.Region][]maimai.Chart{}
	var charts []maimai.Chart
	for _, r := range refs {
		byRegion[r.region] = append(byRegion[r.region], r.chart)
		charts = append(charts, r.chart)
	}
	for region, cs := range byRegion {
		set, err := a.cachedCharts(ctx, tx, region)
		if err != nil {
			return nil, err
		}
		links, err := tx.PlayChartLinks(ctx, region, cs)
		if err != nil {
			return nil, err
		}
		if strict {
			for _, c := range cs {
				if links[c].Genre != "" || links[c].Status == "" {
					return nil, errUnlinked // plays' charts are linked without a genre
				}
			}
		}
		var ids []int64
		for _, l := range links {
			if l.ChartID != 0 {
				ids = append(ids, l.ChartID)
			}
		}
		hist, err := tx.ConstantsOf(ctx, ids)
		if err != nil {
			return nil, err
		}
		rc := &regionCharts{set: set, links: links, hist: hist}
		rc.today, err = RulesFor(region, lk.now)
		rc.ruled = err == nil
		lk.regions[region] = rc
	}
	if len(charts) > 0 {
		var err error
		if lk.bests, err = tx.BestScoresOf(ctx, player, charts); err != nil {
			return nil, err
		}
	}
	return lk, nil
}

// stored is the linked chart of c in region, nil when there is none (not
// linked, ambiguous).
func (lk *chartLookup) stored(region maimai.Region, c maimai.Chart) (*storedChart, *regionCharts, storage.ChartLink) {
	rc := lk.regions[region]
	if rc == nil {
		return nil, nil, storage.ChartLink{}
	}
	l := rc.links[c]
	return rc.set.byID[l.ChartID], rc, l
}

// chart is a chart's info as a chart page header shows it: today's
// constant and the rating of the player's best on it.
func (lk *chartLookup) chart(region maimai.Region, c maimai.Chart, pageLevel string) ChartInfo {
	info := ChartInfo{Level: pageLevel}
	sc, rc, l := lk.stored(region, c)
	info.Link = l.Status
	if sc == nil {
		return info
	}
	info.Level = cmpOr(sc.chart.Level, pageLevel)
	info.Constant = sc.chart.Constant
	if b, ok := lk.bests[c]; ok && rc.ruled && countsForRating(sc, c) {
		info.ChartRating = rc.today.ChartRating(rating.Constant(sc.chart.Constant), b.Achievement, b.FC)
	}
	return info
}

// play fills p.Info: the chart's level and its constant at the play's
// time, what the play earned under the rules of its time, and the rating
// of the player's best on the chart.
func (lk *chartLookup) play(p *StoredPlay) {
	info := lk.chart(p.Region, p.Chart, p.Level)
	sc, rc, l := lk.stored(p.Region, p.Chart)
	if sc != nil {
		info.Constant = constantAt(rc.hist[l.ChartID], p.PlayedAt, sc.chart.Constant)
		if rules, err := RulesFor(p.Region, p.PlayedAt); err == nil && countsForRating(sc, p.Chart) {
			info.Rating = rules.ChartRating(rating.Constant(info.Constant), p.Achievement, p.FC)
		}
	}
	p.Info = info
}

// countsForRating: utage charts have no rating.
func countsForRating(sc *storedChart, c maimai.Chart) bool {
	return sc.chart.Constant.Known() && !sc.song.Utage && c.Difficulty != maimai.Utage
}

// playRefs lists the charts of plays.
func playRefs(plays ...[]StoredPlay) []chartRef {
	var out []chartRef
	for _, ps := range plays {
		for _, p := range ps {
			out = append(out, chartRef{p.Region, p.Chart})
		}
	}
	return out
}

// annotate fills Info of every play.
func (lk *chartLookup) annotate(plays []StoredPlay) {
	for i := range plays {
		lk.play(&plays[i])
	}
}
