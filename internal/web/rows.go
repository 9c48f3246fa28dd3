package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/query"
	"github.com/maiprobe/maiprobe/internal/songs"
)

// What the archive pages (plays, diff, sessions, chart, play, profile,
// album, import, overview) share: the play filter form, play rows as the
// tables show them, chart data for charts.js and the game's labels.

// listPageSize is how many rows a page of a list shows.
const listPageSize = 50

// texts is the catalogues for text a handler (not a template) writes, such
// as chart legends inside JSON.
var texts = sync.OnceValues(loadCatalogues)

// text translates key into the request's language.
func text(r *http.Request, key string) string {
	cats, err := texts()
	if err != nil {
		return key
	}
	return cats[state(r).Lang].translate(key)
}

// requestedPage is the ?page= of a list, 1 when absent or wrong; the
// handler asks the archive for that page before it knows the total, and
// newPager then says whether it was past the end.
func requestedPage(r *http.Request) int {
	n, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// option is one choice of a <select>.
type option struct {
	Value, Label string
	Selected     bool
}

func options(current string, values ...string) []option {
	out := []option{{Value: "", Label: "—", Selected: current == ""}}
	for _, v := range values {
		out = append(out, option{Value: v, Label: label(v), Selected: v == current})
	}
	return out
}

// filterView is the play filter form, filled from the query.
type filterView struct {
	Q, From, To                   string
	Diffs, Types, Ranks, FCs, FSs []option
	// MinLevels and MaxLevels are the level range's two ends; MinConst
	// and MaxConst the constant range as typed ("13.0").
	MinLevels, MaxLevels []option
	MinConst, MaxConst   string
	Active               bool   // some filter is set
	Reset                string // the list without filters (an app path)
	// Summary names the filters that are set, in the request's language
	// ("筛选：MASTER · 等级 13–14+"), for the folded form's summary on a
	// phone; "" when none is.
	Summary string
}

const dateLayout = "2006-01-02"

// playFilter reads the filter of a play list from the query
// (query.PlayFilter, which the read API uses too, so a list URL of the
// site and of the API list the same plays) and fills the form with it.
func playFilter(r *http.Request) (archive.PlayFilter, filterView) {
	q := r.URL.Query()
	f := query.PlayFilter(q)
	levels := archive.LevelLabels()
	v := filterView{Q: f.Title, Reset: r.URL.Path}
	if f.MinConstant.Known() {
		v.MinConst = f.MinConstant.String()
	}
	if f.MaxConstant.Known() {
		v.MaxConst = f.MaxConstant.String()
	}
	if !f.From.IsZero() {
		v.From = q.Get("from")
	}
	if !f.To.IsZero() {
		v.To = q.Get("to")
	}
	var diffs, ranks []string
	for _, d := range maimai.Difficulties {
		diffs = append(diffs, string(d))
	}
	for _, rk := range []maimai.Rank{maimai.RankSSSP, maimai.RankSSS, maimai.RankSSP, maimai.RankSS, maimai.RankSP, maimai.RankS,
		maimai.RankAAA, maimai.RankAA, maimai.RankA, maimai.RankBBB, maimai.RankBB, maimai.RankB, maimai.RankC, maimai.RankD} {
		ranks = append(ranks, string(rk))
	}
	v.Diffs = options(string(f.Difficulty), diffs...)
	v.Types = options(string(f.Type), "std", "dx")
	v.Ranks = options(string(f.Rank), ranks...)
	v.FCs, v.FSs = lampOptions(r, f.FC, f.FS)
	v.MinLevels = choices(f.MinLevel, levels)
	v.MaxLevels = choices(f.MaxLevel, levels)
	v.Active = f.Active()
	v.Summary = summaryText(r, filterSummary(r, v))
	return f, v
}

// levelRange reads lv_min and lv_max of the play and song filters
// (query.LevelRange).
func levelRange(q url.Values, _ []string) (lo, hi string) { return query.LevelRange(q) }

// lampFilter reads fc and fs of the play and song filters (query.Lamps).
func lampFilter(q url.Values) (fc maimai.FC, fs maimai.FS) { return query.Lamps(q) }

// lampOptions are the fc and fs <select>s of a filter form, labelled as
// what they keep (atLeastOptions).
func lampOptions(r *http.Request, fc maimai.FC, fs maimai.FS) (fcs, fss []option) {
	return atLeastOptions(r, options(string(fc), "app", "ap", "fcp", "fc")),
		atLeastOptions(r, options(string(fs), "fsdp", "fsd", "fsp", "fs", "sync"))
}

// summaryText is a folded filter form's summary naming the filters that
// are set (filterSummary, songFilterSummary); "" when none is.
func summaryText(r *http.Request, on []string) string {
	if len(on) == 0 {
		return ""
	}
	return fmt.Sprintf(text(r, "filter.summary_on"), strings.Join(on, " · "))
}

// filterSummary names each filter of v that is set: the title searched,
// the chosen options, and the level, constant and date ranges.
func filterSummary(r *http.Request, v filterView) []string {
	var out []string
	if v.Q != "" {
		out = append(out, "“"+v.Q+"”")
	}
	for _, opts := range [][]option{v.Diffs, v.Types} {
		if o := chosen(opts); o != "" {
			out = append(out, o)
		}
	}
	for _, rg := range []struct{ key, from, to string }{
		{"filter.level_range", chosen(v.MinLevels), chosen(v.MaxLevels)},
		{"filter.constant_range", v.MinConst, v.MaxConst},
		{"filter.date_range", v.From, v.To},
	} {
		if t := rangeText(rg.from, rg.to); t != "" {
			out = append(out, fmt.Sprintf(text(r, rg.key), t))
		}
	}
	for _, opts := range [][]option{v.Ranks, v.FCs, v.FSs} {
		if o := chosen(opts); o != "" {
			out = append(out, o)
		}
	}
	return out
}

// chosen is the label of the selected option, "" when none (or "—") is.
func chosen(opts []option) string {
	for _, o := range opts {
		if o.Selected && o.Value != "" {
			return o.Label
		}
	}
	return ""
}

// rangeText writes a range whose ends may be open: "13–14+", "≥ 13", "≤ 14+".
func rangeText(from, to string) string {
	switch {
	case from != "" && to != "":
		return from + "–" + to
	case from != "":
		return "≥ " + from
	case to != "":
		return "≤ " + to
	}
	return ""
}

// atLeastOptions labels the marks of a lamp filter as what they keep:
// "FC+ 及以上" keeps AP and AP+ too. The highest mark keeps only itself.
func atLeastOptions(r *http.Request, opts []option) []option {
	for i := range opts {
		if i > 1 { // [0] is "—", [1] the highest mark
			opts[i].Label = fmt.Sprintf(text(r, "filter.at_least"), opts[i].Label)
		}
	}
	return opts
}

// label is how the game writes a difficulty, chart type, rank or mark.
func label(v string) string {
	switch v {
	case "basic", "advanced", "expert", "master", "utage":
		return strings.ToUpper(v)
	case "remaster":
		return "Re:MASTER"
	case "ap":
		return "AP" // not "A+": the rule below is for the plus marks
	case "std":
		return "STD"
	case "dx":
		return "DX"
	case "fsd":
		return "FDX"
	case "fsdp":
		return "FDX+"
	case "sync":
		return "SYNC"
	}
	// Ranks and marks: sssp → SSS+, fcp → FC+, app → AP+.
	if strings.HasSuffix(v, "p") && len(v) > 1 {
		return strings.ToUpper(v[:len(v)-1]) + "+"
	}
	return strings.ToUpper(v)
}

// playRow is one play as the tables show it.
type playRow struct {
	ID                         int64
	URL, ChartURL              string // app paths (templates pass them to url)
	When                       string // in the region's time zone
	Title, Type, Diff, DiffKey string
	// Level is the song data's level (else the page's); Constant the
	// chart's constant at the play's time, "" when unknown; Rating what
	// the play earned and ChartRating what the player's best on the
	// chart is worth today, 0 when unknown.
	Level, Constant     string
	Rating, ChartRating int
	Achievement         string
	// Rank, FC and FS are the game's words ("SSS+", "AP", "FDX"); the
	// keys the values the icons are named after ("sssp"), "" for none.
	Rank, FC, FS          string
	RankKey, FCKey, FSKey string
	DXScore, DXScoreMax   int
	HasDetail             bool
}

func chartPath(player string, c maimai.Chart) string {
	return "/p/" + url.PathEscape(player) + "/chart?" + url.Values{
		"title": {c.Title}, "type": {string(c.Type)}, "diff": {string(c.Difficulty)}}.Encode()
}

func localTime(t time.Time, r maimai.Region) string {
	return t.In(r.Location()).Format("2006-01-02 15:04")
}

func newPlayRow(player string, p archive.StoredPlay) playRow {
	return playRow{
		ID: p.ID, URL: fmt.Sprintf("/p/%s/plays/%d", url.PathEscape(player), p.ID), ChartURL: chartPath(player, p.Chart),
		When: localTime(p.PlayedAt, p.Region), Title: p.Title, Type: label(string(p.Type)),
		Diff: label(string(p.Difficulty)), DiffKey: string(p.Difficulty), Level: cmpOr(p.Info.Level, p.Level),
		Constant: constantText(p.Info.Constant), Rating: p.Info.Rating, ChartRating: p.Info.ChartRating,
		Achievement: p.Achievement.String() + "%", Rank: markLabel(string(p.Rank)), FC: markLabel(string(p.FC)),
		FS: markLabel(string(p.FS)), RankKey: string(p.Rank), FCKey: string(p.FC), FSKey: string(p.FS), DXScore: p.DXScore, DXScoreMax: p.DXScoreMax, HasDetail: p.HasDetail,
	}
}

// constantText writes a known constant ("13.7"), "" for an unknown one.
func constantText(c songs.Constant) string {
	if !c.Known() {
		return ""
	}
	return c.String()
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func markLabel(v string) string {
	if v == "" {
		return ""
	}
	return label(v)
}

// changeView is a play's change against the best before it.
type changeView struct {
	First, NewBest                bool
	BeforeAchievement, BeforeRank string
	BeforeFC, BeforeFS            string
	BeforeRankKey, BeforeFCKey    string // the icons' keys, as playRow's
	BeforeFSKey                   string
	BeforeDX                      int
	AchievementDelta, DXDelta     string // signed: "+0.1234%", "-12"
	AchievementDir, DXDir         int    // +1 up, -1 down, 0 same
	RankDir, FCDir, FSDir         int
}

func newChangeView(c archive.Change) changeView {
	v := changeView{First: c.First, NewBest: c.NewBest}
	if c.First {
		return v
	}
	v.BeforeAchievement = c.Before.Achievement.String() + "%"
	v.BeforeRank, v.BeforeFC, v.BeforeFS = markLabel(string(c.Before.Rank)), markLabel(string(c.Before.FC)), markLabel(string(c.Before.FS))
	v.BeforeRankKey, v.BeforeFCKey, v.BeforeFSKey = string(c.Before.Rank), string(c.Before.FC), string(c.Before.FS)
	v.BeforeDX = c.Before.DXScore
	v.AchievementDelta = signedAchievement(c.AchievementDelta)
	v.DXDelta = fmt.Sprintf("%+d", c.DXScoreDelta)
	v.AchievementDir, v.DXDir = sign(int(c.AchievementDelta)), sign(c.DXScoreDelta)
	v.RankDir, v.FCDir, v.FSDir = c.RankDelta, c.FCDelta, c.FSDelta
	return v
}

func sign(n int) int {
	switch {
	case n > 0:
		return 1
	case n < 0:
		return -1
	}
	return 0
}

// signedAchievement writes a change of achievement: +0.1234%, -1.0000%.
func signedAchievement(a maimai.Achievement) string {
	if a < 0 {
		return "-" + (-a).String() + "%"
	}
	return "+" + a.String() + "%"
}

// diffRow is a play with its change.
type diffRow struct {
	playRow
	changeView
}

func newDiffRow(player string, d archive.DiffRow) diffRow {
	return diffRow{playRow: newPlayRow(player, d.StoredPlay), changeView: newChangeView(d.Change)}
}

// chartData is one chart as charts.js draws it: x in unix seconds, one
// line per series (null where a series has no value). Build it with
// newChartData, which fills in what the browser cannot know: the page's
// language, the region's clock and what one x value stands for.
type chartData struct {
	X      []int64       `json:"x"`
	Series []chartSeries `json:"series"`
	// Offset is the time zone of the axis in seconds east of UTC, the
	// zone the page's tables use (localTime), not the browser's.
	Offset int `json:"offset"`
	// Lang is the page's language ("zh", "en"): the axis ticks and the
	// legend's dates are written in it (2026-12-07, 12月7日; 7 Dec 2026).
	Lang string `json:"lang"`
	// XLabel names the x values in the legend (时间, 月份) in Lang.
	XLabel string `json:"xlabel"`
	// Step is what one x value stands for: chartMonth or chartDay ticks
	// and legend show months or days, never hours; chartMoment any clock.
	Step string `json:"step"`
}

// What one x value of a chart stands for (chartData.Step).
const (
	chartMoment = "moment" // a moment: ticks down to hours and minutes
	chartDay    = "day"    // one value a day: ticks and legend show dates
	chartMonth  = "month"  // one value a month: ticks and legend show months
)

// newChartData starts a chart of the request's language whose x values
// are steps (chartMoment, chartDay, chartMonth) shown in the clock offset
// seconds east of UTC.
func newChartData(r *http.Request, step string, offset int) chartData {
	xlabel := "chart.time"
	if step == chartMonth {
		xlabel = "chart.month"
	} else if step == chartDay {
		xlabel = "chart.date"
	}
	return chartData{Offset: offset, Lang: state(r).Lang, XLabel: text(r, xlabel), Step: step}
}

// zoneOffset is the offset from UTC in seconds of a region's clock, for
// chartData.Offset.
func zoneOffset(r maimai.Region) int {
	_, off := time.Now().In(r.Location()).Zone()
	return off
}

// playerZone is the offset of the clock of the player's latest region,
// for charts over pages of several saves; UTC for a player without one.
func (s *Server) playerZone(r *http.Request, player string) int {
	region, err := s.archive.PlayerRegion(r.Context(), player)
	if err != nil {
		return 0
	}
	return zoneOffset(region)
}

type chartSeries struct {
	Label  string     `json:"label"`
	Scale  string     `json:"scale,omitempty"`
	Values []*float64 `json:"values"`
}

func num(f float64) *float64 { return &f }

// ratingBand is the colour band of a rating, as rating_base_* images name
// them, for pages that did not show the band.
func ratingBand(rating int) string {
	for _, b := range []struct {
		floor int
		name  string
	}{{15000, "rainbow"}, {14500, "platinum"}, {14000, "gold"}, {13000, "silver"}, {12000, "bronze"},
		{10000, "purple"}, {7000, "red"}, {4000, "yellow"}, {2000, "green"}, {1000, "blue"}} {
		if rating >= b.floor {
			return b.name
		}
	}
	return "normal"
}

// archiveFail shows not-found for an unknown player, play or chart and a
// 500 for anything else.
func (s *Server) archiveFail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, archive.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	s.failErr(w, r, err)
}

// rankImage matches what follows the prefix in the site's rank image
// names: an optional letter (the class's kind: s_, l_), a two-digit code
// and a random tail (course_rank_05QwErTyUi.png, class_rank_s_12AsDfGhJk.png).
var rankImage = regexp.MustCompile(`^(?:([a-z])_)?(\d\d)`)

// rankCode shortens a course, class or grade image name to its code
// ("05", "S 12"): what rankLabel shows for a number its tables do not
// know, never a guessed name; a name in another shape is returned whole.
func rankCode(file, prefix string) string {
	rest, ok := strings.CutPrefix(file, prefix)
	if !ok {
		return file
	}
	m := rankImage.FindStringSubmatch(rest)
	if m == nil {
		return file
	}
	if m[1] != "" {
		return strings.ToUpper(m[1]) + " " + m[2]
	}
	return m[2]
}

// constantBound reads a bound of a constant range as a player types it
// (query.ConstantBound): an upper bound rounds down, a lower bound up, so
// the range never takes in charts outside what was typed.
func constantBound(s string, upper bool) (songs.Constant, bool) { return query.ConstantBound(s, upper) }
