package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

// plateSummary is one plate in the list of plates.
type plateSummary struct {
	Name, Versions    string
	Done, Total, Left int
	Percent           int
	Complete          bool
	URL               string // the plate's chart list (an app path)
}

// plateChartRow is one chart of a plate.
type plateChartRow struct {
	Title, Type, Diff, DiffKey, Level string
	Constant                          string
	ChartURL                          string // "" when never played
	Achievement, Rank, FC, FS         string
	RankKey, FCKey, FSKey             string // the icons' keys, as playRow's
}

// platesView is plate progress: every plate, or one plate's charts.
type platesView struct {
	Known, Synced bool
	Plates        []plateSummary
	// One plate (?plate=&kind=): its charts, remaining or (?show=done)
	// done, paginated.
	Plate    *plateSummary
	ShowDone bool
	DoneURL  string
	LeftURL  string
	Rows     []plateChartRow
	Pager    Pager
	At       atView // the date picker: ?at= shows the progress of then
}

func newPlateSummary(player string, p archive.PlateStatus) plateSummary {
	ps := plateSummary{Name: p.Name, Done: len(p.Done), Left: len(p.Remaining), Total: len(p.Done) + len(p.Remaining)}
	ps.Complete = ps.Left == 0
	ps.Percent = ps.Done * 100 / ps.Total
	if n := len(p.Versions); n > 0 {
		ps.Versions = p.Versions[0]
		if n > 1 {
			ps.Versions += " – " + p.Versions[n-1]
		}
	}
	ps.URL = "/p/" + url.PathEscape(player) + "/plates?" + url.Values{"plate": {p.Prefix}, "kind": {string(p.Kind)}}.Encode()
	return ps
}

func (s *Server) plates(w http.ResponseWriter, r *http.Request) {
	player := r.PathValue("player")
	at, ok := s.pageAt(w, r, player)
	if !ok {
		return
	}
	rep, err := s.archive.PlatesAt(r.Context(), player, at.Time)
	if err != nil {
		s.archiveFail(w, r, err)
		return
	}
	v := platesView{Known: rep.Region != "", Synced: rep.Synced, At: at}
	q := r.URL.Query()
	for _, p := range rep.Plates {
		ps := newPlateSummary(player, p)
		if at.Date != "" {
			ps.URL += "&" + url.Values{"at": {at.Date}}.Encode()
		}
		v.Plates = append(v.Plates, ps)
		if foldPlate(p.Prefix) != foldPlate(q.Get("plate")) || foldPlate(string(p.Kind)) != foldPlate(q.Get("kind")) {
			continue
		}
		v.Plate, v.ShowDone = &ps, q.Get("show") == "done"
		v.LeftURL = ps.URL
		v.DoneURL = ps.URL + "&show=done"
		list := p.Remaining
		if v.ShowDone {
			list = p.Done
		}
		v.Pager = newPager(r, listPageSize, len(list))
		for _, e := range list[v.Pager.Offset():min(len(list), v.Pager.Offset()+v.Pager.Size)] {
			row := plateChartRow{Title: e.Title, Type: label(string(e.Type)), Diff: label(string(e.Difficulty)), DiffKey: string(e.Difficulty),
				Level: e.Level}
			if e.Constant.Known() {
				row.Constant = e.Constant.String()
			}
			if b := e.Best; b != nil {
				row.ChartURL = chartPath(player, maimai.Chart{Title: b.Title, Type: b.Type, Difficulty: b.Difficulty})
				row.Achievement = b.Achievement.String() + "%"
				row.Rank, row.FC, row.FS = markLabel(string(b.Rank)), markLabel(string(b.FC)), markLabel(string(b.FS))
				row.RankKey, row.FCKey, row.FSKey = string(b.Rank), string(b.FC), string(b.FS)
			}
			v.Rows = append(v.Rows, row)
		}
	}
	if q.Get("plate") != "" && v.Plate == nil {
		s.notFound(w, r)
		return
	}
	s.render(w, r, http.StatusOK, "plates", v)
}

// plateFold writes a plate name's traditional and Japanese characters the
// simplified way, so a URL may spell a plate either way: 極/极, 將/将,
// 華/华, 暁/晓, 覇/霸 … (the spellings of rating.Plates and Plate.Name).
var plateFold = strings.NewReplacer("極", "极", "將", "将", "華", "华", "暁", "晓", "曉", "晓", "櫻", "樱", "菫", "堇",
	"輝", "辉", "鏡", "镜", "覇", "霸", "雙", "双")

func foldPlate(s string) string { return plateFold.Replace(strings.TrimSpace(s)) }
