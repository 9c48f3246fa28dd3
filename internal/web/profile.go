package web

import (
	"net/http"
	"sort"

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
	Counts   chartData
	Pager    Pager
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
	v := profileView{Total: len(h.Points), Pager: pg, Profile: profileCharts(r, h.Points), Counts: counterChart(h.PlayerData)}
	v.Profile.Offset = s.playerZone(r, player)
	v.Counts.Offset = v.Profile.Offset
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
func profileCharts(r *http.Request, snaps []archive.SnapshotPoint) chartData {
	var d chartData
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

// counterChart is the playerData counters over time, one line per counter
// that was ever above zero.
func counterChart(snaps []archive.Snapshot) chartData {
	var d chartData
	var with []archive.Snapshot
	for _, sn := range snaps {
		if sn.Counts != nil {
			with = append(with, sn)
		}
	}
	used := map[string]bool{}
	for _, sn := range with {
		d.X = append(d.X, sn.ObservedAt.Unix())
		for k, c := range sn.Counts {
			if c.Got > 0 {
				used[k] = true
			}
		}
	}
	keys := make([]string, 0, len(used))
	for k := range used {
		keys = append(keys, k)
	}
	order := map[string]int{}
	for i, k := range counterKeys {
		order[k] = i + 1
	}
	sort.Slice(keys, func(i, j int) bool {
		oi, oj := order[keys[i]], order[keys[j]]
		if oi == 0 {
			oi = len(order) + 1 // counters this page does not know go last
		}
		if oj == 0 {
			oj = len(order) + 1
		}
		if oi != oj {
			return oi < oj
		}
		return keys[i] < keys[j]
	})
	for _, k := range keys {
		s := chartSeries{Label: label(k)}
		for _, sn := range with {
			if c, ok := sn.Counts[k]; ok {
				s.Values = append(s.Values, num(float64(c.Got)))
			} else {
				s.Values = append(s.Values, nil)
			}
		}
		d.Series = append(d.Series, s)
	}
	return d
}

// kindLabel names a profile page's kind in the page's language (主页,
// 玩家数据); a kind the catalogue lacks shows as it is.
func kindLabel(r *http.Request, kind string) string {
	if t := text(r, "profile.kind."+kind); t != "profile.kind."+kind {
		return t
	}
	return kind
}
