package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/maiprobe/maiprobe/internal/history"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

// milestoneRow is one milestone as the timeline shows it.
type milestoneRow struct {
	Kind  string
	When  string // the day, in the region's clock
	Text  string // "Lv 13 首次 SSS+"
	Also  string // "（同时首次 SSS、SS）", "" when none
	Icon  string // the icon kind and key, "" for none
	Key   string
	Title string // the chart of the play that did it, "" for none
	Type  string
	Diff  string
	// DiffKey names the difficulty's colour.
	DiffKey     string
	Achievement string
	PlayURL     string // the play's page, "" when no play is known
	ChartURL    string
}

// milestoneMonth is the milestones of one month.
type milestoneMonth struct {
	Month string
	Rows  []milestoneRow
}

// milestonesView is the timeline of firsts, newest first, a page of it
// grouped by month.
type milestonesView struct {
	Total  int
	Months []milestoneMonth
	Kinds  []option
	Kind   string
	Pager  Pager
}

// milestonesPageSize is how many milestones a page shows.
const milestonesPageSize = 60

// milestoneKinds are the kinds the page filters by.
var milestoneKinds = []history.Kind{history.KindRank, history.KindCombo, history.KindSync, history.KindStars, history.KindBand, history.KindPlate}

func (s *Server) milestones(w http.ResponseWriter, r *http.Request) {
	player := r.PathValue("player")
	all, err := s.archive.Milestones(r.Context(), player)
	if err != nil {
		s.archiveFail(w, r, err)
		return
	}
	region, _ := s.archive.PlayerRegion(r.Context(), player)
	kind := history.Kind(r.URL.Query().Get("kind"))
	v := milestonesView{Kind: string(kind)}
	v.Kinds = []option{{Value: "", Label: text(r, "milestones.all"), Selected: kind == ""}}
	for _, k := range milestoneKinds {
		v.Kinds = append(v.Kinds, option{Value: string(k), Label: text(r, "milestones.kind_"+string(k)), Selected: k == kind})
	}
	list := all
	if kind != "" {
		list = nil
		for _, m := range all {
			if m.Kind == kind {
				list = append(list, m)
			}
		}
	}
	v.Total = len(list)
	v.Pager = newPager(r, milestonesPageSize, len(list))
	end := min(len(list), v.Pager.Offset()+v.Pager.Size)
	for _, m := range list[v.Pager.Offset():end] {
		month := monthText(r, m.At.In(region.Location()).Year(), int(m.At.In(region.Location()).Month()))
		if n := len(v.Months); n == 0 || v.Months[n-1].Month != month {
			v.Months = append(v.Months, milestoneMonth{Month: month})
		}
		n := len(v.Months) - 1
		v.Months[n].Rows = append(v.Months[n].Rows, newMilestoneRow(r, player, region, m))
	}
	s.render(w, r, http.StatusOK, "milestones", v)
}

// monthText names a month in the page's language: 2026年3月, Mar 2026.
func monthText(r *http.Request, year, month int) string {
	if state(r).Lang == "en" {
		return fmt.Sprintf("%s %d", [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}[month-1], year)
	}
	return fmt.Sprintf("%d年%d月", year, month)
}

// milestoneValue is how a milestone's value is written: the game's word
// for ranks and marks, "5★" for stars, the colour's name for bands.
func milestoneValue(r *http.Request, k history.Kind, v string) string {
	switch k {
	case history.KindRank:
		if v == "clear" {
			return text(r, "milestones.clear")
		}
		return label(v)
	case history.KindCombo, history.KindSync:
		return label(v)
	case history.KindStars:
		return v + "★"
	case history.KindBand:
		return text(r, "milestones.band_"+v)
	}
	return v
}

func newMilestoneRow(r *http.Request, player string, region maimai.Region, m history.Milestone) milestoneRow {
	row := milestoneRow{Kind: string(m.Kind), When: m.At.In(region.Location()).Format("2006-01-02")}
	value := milestoneValue(r, m.Kind, m.Value)
	switch m.Kind {
	case history.KindBand:
		row.Text = textf(r, "milestones.band", value, m.Rating)
	case history.KindPlate:
		row.Text = textf(r, "milestones.plate", value)
	default:
		row.Text = textf(r, "milestones.first", m.Level, value)
	}
	switch m.Kind {
	case history.KindRank:
		if m.Value != "clear" {
			row.Icon, row.Key = "rank", m.Value
		}
	case history.KindCombo:
		row.Icon, row.Key = "fc", m.Value
	case history.KindSync:
		row.Icon, row.Key = "fs", m.Value
	case history.KindStars:
		row.Icon, row.Key = "star", m.Value
	}
	if len(m.Also) > 0 {
		also := make([]string, len(m.Also))
		for i, a := range m.Also {
			also[i] = milestoneValue(r, m.Kind, a)
		}
		row.Also = textf(r, "milestones.also", strings.Join(also, text(r, "milestones.sep")))
	}
	if m.PlayID != 0 {
		row.PlayURL = fmt.Sprintf("/p/%s/plays/%d", url.PathEscape(player), m.PlayID)
		row.ChartURL = chartPath(player, m.Chart)
		row.Title, row.Type = m.Chart.Title, label(string(m.Chart.Type))
		row.Diff, row.DiffKey = label(string(m.Chart.Difficulty)), string(m.Chart.Difficulty)
		row.Achievement = m.Achievement.String() + "%"
	}
	return row
}
