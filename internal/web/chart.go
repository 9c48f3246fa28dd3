package web

import (
	"net/http"
	"strconv"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

// bestView is a chart's best score.
type bestView struct {
	Achievement, Rank, FC, FS string
	DXScore, DXScoreMax       int
	PlayCount                 int
	Updated                   string
	// Prov says where the best came from ("来自 水鱼 导入 · 2026-11-02");
	// nil for a best stored before provenance was kept.
	Prov *provView
}

// stepView is one improvement of the score history; its keys name the
// rank and FC/FS icons as playRow's do.
type stepView struct {
	When                      string
	Achievement, Rank, FC, FS string
	RankKey, FCKey, FSKey     string
	DXScore                   int
}

// chartView is one chart: its best, every attempt and the progress curve.
type chartView struct {
	Title, Type, Diff, DiffKey, Level string
	// Constant is today's constant, "" when unknown; ChartRating the
	// rating of the player's best on the chart, 0 when unknown.
	Constant    string
	ChartRating int
	Estimated   bool      // Constant was learned from plays (docs/constants.md)
	Card        scoreCard // the page's header: the best, else the latest play
	Best        *bestView
	Rows        []diffRow // newest first
	History     []stepView
	Curve       chartData
	Pager       Pager
	// Attempts is how the attempts went; nil without plays.
	Attempts *attemptsView
	// Line is the chart's 分数线 for ?target=; nil when the song data
	// lacks the chart (chart_line.go).
	Line *lineView
	// Learned is what the plays say of the chart's constant, nil when
	// nothing (page_constants.go).
	Learned *constantRow
}

func newChartView(r *http.Request, player string, c archive.ChartView, pg Pager) chartView {
	v := chartView{Title: c.Title, Type: label(string(c.Type)), Diff: label(string(c.Difficulty)), DiffKey: string(c.Difficulty), Pager: pg}
	region := maimai.CN
	if len(c.Plays) > 0 {
		region = c.Plays[0].Region
	}
	v.Level, v.Constant, v.ChartRating = c.Info.Level, constantText(c.Info.Constant), c.Info.ChartRating
	if b := c.Best; b != nil {
		v.Best = &bestView{Achievement: b.Achievement.String() + "%", Rank: markLabel(string(b.Rank)), FC: markLabel(string(b.FC)),
			FS: markLabel(string(b.FS)), DXScore: b.DXScore, DXScoreMax: b.DXScoreMax, PlayCount: b.PlayCount,
			Updated: localTime(b.UpdatedAt, region), Prov: provenanceOf(r, b.Source, b.SourceAt, region)}
	}
	for _, h := range c.History {
		v.History = append(v.History, stepView{When: localTime(h.ObservedAt, region), Achievement: h.Achievement.String() + "%",
			Rank: markLabel(string(h.Rank)), FC: markLabel(string(h.FC)), FS: markLabel(string(h.FS)),
			RankKey: string(h.Rank), FCKey: string(h.FC), FSKey: string(h.FS), DXScore: h.DXScore})
	}
	switch {
	case c.Best != nil:
		v.Card = bestCard(player, c.Best.Score)
		v.Card.Prov = v.Best.Prov
	case len(c.Plays) > 0:
		v.Card = playCard(player, c.Plays[len(c.Plays)-1].StoredPlay)
		v.Card.URL, v.Card.When = "", ""
	default:
		v.Card = newCard(player, c.Chart, v.Level, 0, "", "", "")
	}
	v.Card.Header = true
	if v.Level != "" {
		v.Card.Level = v.Level
	}
	v.Card.Constant, v.Card.Estimated, v.Estimated = v.Constant, c.Info.Estimated, c.Info.Estimated
	v.Card.Rating, v.Card.HasRating = v.ChartRating, v.ChartRating > 0
	// The curve: every attempt's achievement and DX score, oldest first;
	// without plays, the score history.
	ach := chartSeries{Label: text(r, "chart.achievement"), Scale: "%"}
	dx := chartSeries{Label: text(r, "col.dx_score"), Scale: "dx"}
	v.Curve = newChartData(r, chartMoment, zoneOffset(region))
	if len(c.Plays) > 0 {
		for _, p := range c.Plays {
			v.Curve.X = append(v.Curve.X, p.PlayedAt.Unix())
			ach.Values = append(ach.Values, num(float64(p.Achievement)/10000))
			dx.Values = append(dx.Values, num(float64(p.DXScore)))
		}
	} else {
		for _, h := range c.History {
			v.Curve.X = append(v.Curve.X, h.ObservedAt.Unix())
			ach.Values = append(ach.Values, num(float64(h.Achievement)/10000))
			dx.Values = append(dx.Values, num(float64(h.DXScore)))
		}
	}
	v.Curve.Series = []chartSeries{ach, dx}
	// Attempts newest first, one page of them.
	end := len(c.Plays) - pg.Offset()
	for i := end - 1; i >= 0 && i >= end-pg.Size; i-- {
		v.Rows = append(v.Rows, newDiffRow(player, c.Plays[i]))
	}
	return v
}

// chartQuery reads the chart of ?title=&type=&diff=.
func chartQuery(r *http.Request) (maimai.Chart, bool) {
	q := r.URL.Query()
	c := maimai.Chart{Title: q.Get("title"), Type: maimai.ChartType(q.Get("type")), Difficulty: maimai.Difficulty(q.Get("diff"))}
	return c, c.Title != "" && c.Difficulty.Valid()
}

func (s *Server) chart(w http.ResponseWriter, r *http.Request) {
	player := r.PathValue("player")
	c, ok := chartQuery(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	cv, err := s.archive.Chart(r.Context(), player, c)
	if err != nil {
		s.archiveFail(w, r, err)
		return
	}
	pg := newPager(r, listPageSize, len(cv.Plays))
	v := newChartView(r, player, cv, pg)
	v.Attempts = newAttemptsView(r, cv, s.now())
	v.Line = s.chartLine(r, player, c)
	v.Learned = s.chartConstant(r, player, c)
	s.render(w, r, http.StatusOK, "chart", v)
}

// detailView is a play's detail page.
type detailView struct {
	Play       playRow
	Card       scoreCard // the page's header
	Change     changeView
	Detail     *maimai.PlayDetail
	Judgements []judgementRow
	Loss       *playLossView // what the play lost by note kind
	Chart      chartView
	Region     string
}

// judgementRow is one row of the judgement table.
type judgementRow struct {
	Key                                         string // catalogue key of the note kind
	CriticalPerfect, Perfect, Great, Good, Miss int
	Present                                     bool
}

func (s *Server) play(w http.ResponseWriter, r *http.Request) {
	player := r.PathValue("player")
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return
	}
	pv, err := s.archive.PlayByID(r.Context(), player, id)
	if err != nil {
		s.archiveFail(w, r, err)
		return
	}
	v := detailView{Play: newPlayRow(player, pv.Play), Card: playCard(player, pv.Play), Detail: pv.Play.Detail, Region: string(pv.Play.Region)}
	v.Card.Header, v.Card.URL = true, ""
	for _, d := range pv.Chart.Plays {
		if d.ID == id {
			v.Change = newChangeView(d.Change)
		}
	}
	if d := pv.Play.Detail; d != nil {
		j := d.Judgements
		for _, row := range []struct {
			key string
			n   *maimai.NoteJudgement
		}{{"judge.tap", j.Tap}, {"judge.hold", j.Hold}, {"judge.slide", j.Slide}, {"judge.touch", j.Touch}, {"judge.break", j.Break}} {
			jr := judgementRow{Key: row.key}
			if row.n != nil {
				jr.CriticalPerfect, jr.Perfect, jr.Great, jr.Good, jr.Miss, jr.Present = row.n.CriticalPerfect, row.n.Perfect, row.n.Great, row.n.Good, row.n.Miss, true
			}
			v.Judgements = append(v.Judgements, jr)
		}
		v.Loss = newPlayLoss(j, pv.Play.Achievement)
	}
	pg := newPager(r, listPageSize, len(pv.Chart.Plays))
	v.Chart = newChartView(r, player, pv.Chart, pg)
	v.Chart.Attempts = newAttemptsView(r, pv.Chart, s.now())
	s.render(w, r, http.StatusOK, "play", v)
}
