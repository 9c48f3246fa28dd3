package web

import (
	"net/http"
	"strings"

	"github.com/maiprobe/maiprobe/internal/archive"
)

// snapshotRow is one saved profile in the history table.
type snapshotRow struct {
	When, Kind, Name   string
	Rating, Stars      int
	Band               string
	PlayCount          int
	Trophy, FriendCode string
	Counts             []countCell // playerData counters, in counterKeys order
}

type countCell struct {
	Key, Label string
	Got, Of    int
	Present    bool
}

// counterKeys are the playerData counters in the order the site lists them.
var counterKeys = []string{"sssp", "sss", "ssp", "ss", "sp", "s", "clear", "app", "ap", "fcp", "fc", "fsdp", "fsd", "fsp", "fs", "sync"}

// profileView is the history of saved profiles: charts of each count over
// time and every snapshot, newest first.
type profileView struct {
	Total    int
	Rows     []snapshotRow
	Counters []string // labels of counterKeys
	Profile  chartData
	Counts   []smallChart // the counters, one small chart per counterGroups entry with data
	Pager    Pager
}

// smallChart is one of a row of small charts, with its caption.
type smallChart struct {
	Caption string
	Data    chartData
}

// counterGroups are the playerData counters charted together: four small
// charts of a few lines each stay readable on a phone where one chart of
// twenty lines did not.
var counterGroups = []struct {
	caption string // catalogue key
	keys    []string
}{
	{"profile.chart_ranks", []string{"sssp", "sss", "ssp", "ss", "sp", "s", "clear"}},
	{"profile.chart_combos", []string{"app", "ap", "fcp", "fc"}},
	{"profile.chart_syncs", []string{"fsdp", "fsd", "fsp", "fs", "sync"}},
	{"profile.chart_dxstars", []string{"dxstar_5", "dxstar_4", "dxstar_3", "dxstar_2", "dxstar_1"}},
}

func (s *Server) profile(w http.ResponseWriter, r *http.Request) {
	player := r.PathValue("player")
	want := requestedPage(r)
	h, err := s.archive.Profile(r.Context(), player, (want-1)*listPageSize, listPageSize)
	if err != nil {
		s.archiveFail(w, r, err)
		return
	}
	pg := newPager(r, listPageSize, len(h.Points))
	if pg.Page != want {
		if h, err = s.archive.Profile(r.Context(), player, pg.Offset(), pg.Size); err != nil {
			s.archiveFail(w, r, err)
			return
		}
	}
	zone := s.playerZone(r, player)
	v := profileView{Total: len(h.Points), Pager: pg, Profile: profileCharts(r, h.Points, zone), Counts: counterCharts(r, h.PlayerData, zone)}
	for _, k := range counterKeys {
		v.Counters = append(v.Counters, label(k))
	}
	for _, sn := range h.Page {
		row := snapshotRow{When: localTime(sn.ObservedAt, sn.Region), Kind: kindLabel(r, string(sn.Kind)), Name: sn.Name, Rating: sn.Rating,
			Stars: sn.Stars, Band: sn.RatingBand, PlayCount: sn.PlayCount, Trophy: sn.Trophy, FriendCode: sn.FriendCode}
		if row.Band == "" {
			row.Band = ratingBand(sn.Rating)
		}
		if sn.Counts != nil {
			for _, k := range counterKeys {
				c, ok := sn.Counts[k]
				row.Counts = append(row.Counts, countCell{Key: k, Label: label(k), Got: c.Got, Of: c.Total, Present: ok})
			}
		}
		v.Rows = append(v.Rows, row)
	}
	s.render(w, r, http.StatusOK, "profile", v)
}

// profileCharts is rating, stars and play count over time: one point per
// snapshot, a count left out where the page did not show it.
func profileCharts(r *http.Request, snaps []archive.SnapshotPoint, zone int) chartData {
	d := newChartData(r, chartMoment, zone)
	rating := chartSeries{Label: text(r, "profile.rating"), Scale: "rating"}
	stars := chartSeries{Label: text(r, "profile.stars"), Scale: "count"}
	plays := chartSeries{Label: text(r, "profile.play_count"), Scale: "count"}
	for _, sn := range snaps {
		d.X = append(d.X, sn.ObservedAt.Unix())
		rating.Values = append(rating.Values, num(float64(sn.Rating)))
		stars.Values = append(stars.Values, num(float64(sn.Stars)))
		if sn.PlayCount > 0 {
			plays.Values = append(plays.Values, num(float64(sn.PlayCount)))
		} else {
			plays.Values = append(plays.Values, nil)
		}
	}
	d.Series = []chartSeries{rating, stars, plays}
	return d
}

// counterCharts is the playerData counters over time, one small chart per
// counterGroups entry, one line per counter that was ever above zero; a
// group without such a counter has no chart.
func counterCharts(r *http.Request, snaps []archive.Snapshot, zone int) []smallChart {
	var with []archive.Snapshot
	for _, sn := range snaps {
		if sn.Counts != nil {
			with = append(with, sn)
		}
	}
	var out []smallChart
	for _, g := range counterGroups {
		d := newChartData(r, chartMoment, zone)
		for _, k := range g.keys {
			s := chartSeries{Label: counterLabel(k)}
			used := false
			for _, sn := range with {
				c, ok := sn.Counts[k]
				if !ok {
					s.Values = append(s.Values, nil)
					continue
				}
				s.Values = append(s.Values, num(float64(c.Got)))
				used = used || c.Got > 0
			}
			if used {
				d.Series = append(d.Series, s)
			}
		}
		if len(d.Series) == 0 {
			continue
		}
		for _, sn := range with {
			d.X = append(d.X, sn.ObservedAt.Unix())
		}
		out = append(out, smallChart{Caption: text(r, g.caption), Data: d})
	}
	return out
}

// counterLabel names a playerData counter: the mark (SSS+, FC+, FDX) or,
// for the DX star counters, ✦ and the number of stars.
func counterLabel(k string) string {
	if n, ok := strings.CutPrefix(k, "dxstar_"); ok {
		return "✦" + n
	}
	return label(k)
}

// kindLabel names a profile page's kind in the page's language (主页,
// 玩家数据); a kind the catalogue lacks shows as it is.
func kindLabel(r *http.Request, kind string) string {
	if t := text(r, "profile.kind."+kind); t != "profile.kind."+kind {
		return t
	}
	return kind
}
