package web

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

// ratingView is the player's rating computed from the archive, now or
// at the date of ?at=.
type ratingView struct {
	Known                     bool // the player has saved pages (and so a region)
	Total, NewTotal, OldTotal int
	Band, Version             string
	New, Old, Unknown         []scoreCard // the tables' charts
	Unmatched, Bests          int
	// UnknownTotal is how many charts lack a constant; Unknown lists
	// the first maxUnknownRows of them (the highest achievements first).
	UnknownTotal int
	At           atView
	History      chartData // computed and site-reported rating over time, one point a day
	// Points are one page of the history, newest first, for reading
	// without the chart; Pager pages them.
	Points []ratingPoint
	Pager  Pager
}

// ratingPoint is the computed rating at one moment, beside the one a
// saved page showed then (Site 0 when none did).
type ratingPoint struct {
	When           string
	AtURL          string // the rating page as of that day
	Computed, Site int
	Delta          string // computed minus site, signed; "" without a site rating
}

// historyPageSize is how many history points a page of the table shows;
// maxUnknownRows how many charts without a constant the page lists.
const (
	historyPageSize = 30
	maxUnknownRows  = 50
)

func (s *Server) rating(w http.ResponseWriter, r *http.Request) {
	player := r.PathValue("player")
	var v ratingView
	region, err := s.archive.PlayerRegion(r.Context(), player)
	if errors.Is(err, archive.ErrNotFound) {
		// No saved page yet: no region, so no rules and no rating.
		s.render(w, r, http.StatusOK, "rating", v)
		return
	} else if err != nil {
		s.failErr(w, r, err)
		return
	}
	at, ok := s.ratingAt(w, r, region)
	if !ok {
		return
	}
	pr, err := s.archive.Rating(r.Context(), player, at.Time)
	if err != nil {
		s.archiveFail(w, r, err)
		return
	}
	hist, err := s.archive.RatingHistory(r.Context(), player)
	if err != nil {
		s.archiveFail(w, r, err)
		return
	}
	v = ratingView{Known: true, Total: pr.Total, NewTotal: pr.NewTotal, OldTotal: pr.OldTotal, Band: ratingBand(pr.Total),
		Version: pr.Version, Unmatched: pr.Unmatched, Bests: pr.Bests, UnknownTotal: len(pr.Unknown), At: at}
	rules := rulesAt(pr.Region, pr.At)
	for i, e := range pr.New {
		v.New = append(v.New, withProv(r, entryCard(player, i+1, e, rules), e, pr.Region))
	}
	for i, e := range pr.Old {
		v.Old = append(v.Old, withProv(r, entryCard(player, i+1, e, rules), e, pr.Region))
	}
	// Charts without a constant can be thousands (an archive before its
	// song data): the page lists the best few and counts the rest.
	for _, e := range pr.Unknown[:min(len(pr.Unknown), maxUnknownRows)] {
		v.Unknown = append(v.Unknown, withProv(r, entryCard(player, 0, e, rules), e, pr.Region))
	}
	v.History = ratingChart(r, hist, pr.Region)
	v.Pager = newPager(r, historyPageSize, len(hist))
	base := "/p/" + url.PathEscape(player) + "/rating?at="
	for i := len(hist) - 1 - v.Pager.Offset(); i >= 0 && len(v.Points) < v.Pager.Size; i-- {
		p := hist[i]
		// A saved page's time shows in its own region's clock, as on
		// the profile page, even when the player's latest pages are of
		// another.
		zone := cmp.Or(p.Region, pr.Region)
		rp := ratingPoint{When: localTime(p.At, zone), Computed: p.Computed, Site: p.Site,
			AtURL: base + url.QueryEscape(p.At.In(pr.Region.Location()).Format(time.DateOnly))}
		if p.Site > 0 {
			rp.Delta = fmt.Sprintf("%+d", p.Computed-p.Site)
		}
		v.Points = append(v.Points, rp)
	}
	s.render(w, r, http.StatusOK, "rating", v)
}

// ratingChart draws the history one point a day (the day's last
// computed and site rating, in the region's days, at the day's start
// where the axis's date tick is): a chart of thousands of points would
// cost the page its size and show nothing more.
func ratingChart(r *http.Request, hist []archive.RatingPoint, region maimai.Region) chartData {
	computed := chartSeries{Label: text(r, "rating.computed")}
	site := chartSeries{Label: text(r, "rating.site")}
	c := newChartData(r, chartDay, zoneOffset(region))
	day := ""
	for _, p := range hist {
		d := p.At.In(region.Location()).Format(time.DateOnly)
		if d != day || len(c.X) == 0 {
			day = d
			y, m, dd := p.At.In(region.Location()).Date()
			c.X = append(c.X, time.Date(y, m, dd, 0, 0, 0, 0, region.Location()).Unix())
			computed.Values = append(computed.Values, nil)
			site.Values = append(site.Values, nil)
		}
		n := len(c.X) - 1
		computed.Values[n] = num(float64(p.Computed))
		if p.Site > 0 {
			site.Values[n] = num(float64(p.Site))
		}
	}
	c.Series = []chartSeries{computed, site}
	return c
}

// atView is the date picker of the rating, targets and plates pages
// (the "atpicker" partial, templates/at.html).
type atView struct {
	Time   time.Time // the moment shown; zero for now
	Date   string    // the picked date as the input holds it, "" for now
	Max    string    // today, in the region's clock
	Action string    // the page's app path, where the form goes
	NowURL string    // the page now (without at), an app path
	Param  string    // ?at= as asked, for links to the same moment; "" for now
	// Keep are the page's other query parameters, kept as hidden inputs.
	Keep [][2]string
}

// dxRatingStart is the release of maimai でらっくす (JP, 2019-07-11), the
// first day of DX rating anywhere; CN's rules know no earlier version, so
// without it any old date would pass as 舞萌DX.
var dxRatingStart = time.Date(2019, 7, 11, 0, 0, 0, 0, maimai.JP.Location())

// pageAt is ratingAt for the targets and plates pages, which learn the
// region only here: a player without saved pages has no rating at any
// time, so ?at= is ignored for them.
func (s *Server) pageAt(w http.ResponseWriter, r *http.Request, player string) (atView, bool) {
	region, err := s.archive.PlayerRegion(r.Context(), player)
	if errors.Is(err, archive.ErrNotFound) {
		return atView{Action: r.URL.Path}, true
	} else if err != nil {
		s.failErr(w, r, err)
		return atView{}, false
	}
	return s.ratingAt(w, r, region)
}

// ratingAt reads ?at= (a date in the region's clock, or an RFC 3339
// time): the zero time for now or a time not before now. A value that is
// no date, or a date before DX rating, is answered with 400 in the page's
// language, and ok is false.
func (s *Server) ratingAt(w http.ResponseWriter, r *http.Request, region maimai.Region) (atView, bool) {
	now := s.now()
	loc := region.Location()
	v := atView{Max: now.In(loc).Format(time.DateOnly), Action: r.URL.Path}
	for k, vals := range r.URL.Query() {
		if k != "at" && k != "page" {
			for _, x := range vals {
				v.Keep = append(v.Keep, [2]string{k, x})
			}
		}
	}
	sort.Slice(v.Keep, func(i, j int) bool { return v.Keep[i][0] < v.Keep[j][0] })
	v.NowURL = v.Action
	if len(v.Keep) > 0 {
		q := url.Values{}
		for _, kv := range v.Keep {
			q.Add(kv[0], kv[1])
		}
		v.NowURL += "?" + q.Encode()
	}
	raw := strings.TrimSpace(r.URL.Query().Get("at"))
	if raw == "" {
		return v, true
	}
	t, err := archive.ParseAt(raw, region)
	if err != nil {
		s.render(w, r, http.StatusBadRequest, "error", errorView{Status: http.StatusBadRequest, Message: "at.bad", Args: []any{raw}})
		return v, false
	}
	if !t.Before(now) {
		return v, true // today or later: the rating now
	}
	if _, err := archive.RulesFor(region, t); err != nil || t.Before(dxRatingStart) {
		s.render(w, r, http.StatusBadRequest, "error", errorView{Status: http.StatusBadRequest, Message: "at.too_early",
			Args: []any{t.In(loc).Format(time.DateOnly)}})
		return v, false
	}
	v.Time, v.Date, v.Param = t, t.In(loc).Format(time.DateOnly), raw
	return v, true
}
