package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/history"
)

// attemptsView is the chart page's account of the attempts
// (history.Attempts): how many it took to reach SSS+ and AP, how steady
// the latest plays are, and how long since the last.
type attemptsView struct {
	Attempts         int
	ToSSSP, ToAP     string // "第 3 次" or "还没有（12 次）"
	Window           int
	Mean, Stdev      string
	NearShare        string // "60%"
	SinceImprovement int
	DaysSince        string // "今天", "3 天前"
}

func newAttemptsView(r *http.Request, c archive.ChartView, now time.Time) *attemptsView {
	if len(c.Plays) == 0 {
		return nil
	}
	region := c.Plays[0].Region
	plays := make([]history.Play, len(c.Plays))
	for i, p := range c.Plays {
		plays[i] = history.Play{ID: p.ID, At: p.PlayedAt, Chart: p.Chart, Achievement: p.Achievement, FC: p.FC, FS: p.FS}
	}
	st := history.Attempts(plays, now, region.Location())
	v := &attemptsView{Attempts: st.Attempts, Window: st.Window, Mean: fmt.Sprintf("%.4f%%", st.Mean),
		Stdev: fmt.Sprintf("%.4f", st.Stdev), NearShare: fmt.Sprintf("%.0f%%", 100*st.NearShare), SinceImprovement: st.SinceImprovement}
	reached := func(n int) string {
		if n == 0 {
			return textf(r, "attempts.not_yet", st.Attempts)
		}
		return textf(r, "attempts.nth", n)
	}
	v.ToSSSP, v.ToAP = reached(st.ToSSSP), reached(st.ToAP)
	switch st.DaysSince {
	case 0:
		v.DaysSince = text(r, "attempts.today")
	default:
		v.DaysSince = textf(r, "attempts.days_ago", st.DaysSince)
	}
	return v
}
