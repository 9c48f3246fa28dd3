package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/history"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/rating"
)

// songFilterView is the song list's filter form, filled from the query.
type songFilterView struct {
	Q, CMin, CMax                  string
	Played                         bool
	Versions, Genres, Types, Diffs []option
	MinLevels, MaxLevels, FCs, FSs []option
	Sorts                          []option // the orders (archive.SongOrder)
	// SortLabel names the order when it is not the song data's: shown
	// beside the folded filter, since the order is no filter.
	SortLabel string
	Active    bool   // some filter is set
	Reset     string // the list without filters (an app path)
	// Summary names the filters that are set, as the play filter's does,
	// for the folded form's summary on a phone; "" when none is.
	Summary string
}

// songRow is one chart of the song list with the player's best.
type songRow struct {
	Title, Artist, Genre, Version string
	Type, Diff, DiffKey, Level    string
	Constant                      string // "" when unknown
	Learned, Played               bool
	Estimated                     bool   // Constant was learned from plays
	ChartURL                      string // the chart page, when played
	Achievement, Rank, FC, FS     string
	RankKey, FCKey, FSKey         string // the icons' keys ("sssp", "ap")
	Rating                        int
	// SortNote is the number the list is sorted by ("SSS −0.0200%", "12
	// 次未提高"), "" in the song data's order.
	SortNote string
	// Prov is where the best came from; a badge marks another tool's file.
	Prov *provView
}

// songsView is the song list.
type songsView struct {
	Filter songFilterView
	Synced bool
	Total  int
	Rows   []songRow
	Pager  Pager
}

// songFilter reads the song list's filter from the query: q (title or
// artist), level (one label) or lv_min/lv_max (a range, "13" to "14+"),
// cmin/cmax (constants such as 13.7), version (number), genre, type, diff,
// played, and fc/fs (the best has at least that mark). Unknown values are
// ignored.
func songFilter(r *http.Request) (archive.SongFilter, songFilterView) {
	q := r.URL.Query()
	f := archive.SongFilter{Query: strings.TrimSpace(q.Get("q")), Level: q.Get("level"), Genre: q.Get("genre"), Played: q.Get("played") == "1"}
	v := songFilterView{Q: f.Query, Played: f.Played, Reset: r.URL.Path}
	if c, ok := constantBound(q.Get("cmin"), false); ok {
		f.MinConstant, v.CMin = c, c.String()
	}
	if c, ok := constantBound(q.Get("cmax"), true); ok {
		f.MaxConstant, v.CMax = c, c.String()
	}
	if n, err := strconv.Atoi(q.Get("version")); err == nil && rating.Version(n).Valid() {
		f.Version = rating.Version(n)
	}
	if t := maimai.ChartType(q.Get("type")); t == maimai.Std || t == maimai.DX {
		f.Type = t
	}
	if d := maimai.Difficulty(q.Get("diff")); d.Valid() {
		f.Difficulty = d
	}
	levels := archive.LevelLabels()
	f.MinLevel, f.MaxLevel = levelRange(q, levels)
	f.FC, f.FS = lampFilter(q)
	v.MinLevels, v.MaxLevels = choices(f.MinLevel, levels), choices(f.MaxLevel, levels)
	v.FCs, v.FSs = lampOptions(r, f.FC, f.FS)
	var diffs []string
	for _, d := range maimai.Difficulties {
		diffs = append(diffs, string(d))
	}
	v.Diffs = options(string(f.Difficulty), diffs...)
	v.Types = options(string(f.Type), "std", "dx")
	v.Active = f != (archive.SongFilter{})
	// The order is no filter: it leaves the form folded.
	if o := archive.SongOrder(q.Get("sort")); o.Valid() {
		f.Order = o
	}
	v.Sorts = []option{{Value: "", Label: text(r, "songs.sort_default"), Selected: f.Order == ""},
		{Value: string(archive.OrderNextRank), Label: text(r, "songs.sort_next_rank"), Selected: f.Order == archive.OrderNextRank},
		{Value: string(archive.OrderStale), Label: text(r, "songs.sort_stale"), Selected: f.Order == archive.OrderStale}}
	if f.Order != "" {
		v.SortLabel = chosen(v.Sorts)
	}
	return f, v
}

// songFilterSummary names each filter of v that is set: the search, the
// chosen options, the level and constant ranges, the lamps and "played
// only". The version and genre options must be filled in.
func songFilterSummary(r *http.Request, v songFilterView) []string {
	var out []string
	if v.Q != "" {
		out = append(out, "“"+v.Q+"”")
	}
	for _, opts := range [][]option{v.Versions, v.Genres, v.Types, v.Diffs} {
		if o := chosen(opts); o != "" {
			out = append(out, o)
		}
	}
	if t := rangeText(chosen(v.MinLevels), chosen(v.MaxLevels)); t != "" {
		out = append(out, fmt.Sprintf(text(r, "filter.level_range"), t))
	}
	if t := rangeText(v.CMin, v.CMax); t != "" {
		out = append(out, fmt.Sprintf(text(r, "filter.constant_range"), t))
	}
	for _, opts := range [][]option{v.FCs, v.FSs} {
		if o := chosen(opts); o != "" {
			out = append(out, o)
		}
	}
	if v.Played {
		out = append(out, text(r, "songs.played"))
	}
	return out
}

// choices is a <select> of values shown as they are.
func choices(current string, values []string) []option {
	out := []option{{Value: "", Label: "—", Selected: current == ""}}
	for _, x := range values {
		out = append(out, option{Value: x, Label: x, Selected: x == current})
	}
	return out
}

func (s *Server) songs(w http.ResponseWriter, r *http.Request) {
	player := r.PathValue("player")
	f, fv := songFilter(r)
	want := requestedPage(r)
	list, err := s.archive.SongList(r.Context(), player, f, (want-1)*listPageSize, listPageSize)
	if err != nil {
		s.archiveFail(w, r, err)
		return
	}
	pg := newPager(r, listPageSize, list.Total)
	if pg.Page != want {
		if list, err = s.archive.SongList(r.Context(), player, f, pg.Offset(), pg.Size); err != nil {
			s.archiveFail(w, r, err)
			return
		}
	}
	fv.Genres = choices(f.Genre, list.Genres)
	fv.Versions = []option{{Value: "", Label: "—", Selected: f.Version == 0}}
	for _, x := range list.Versions {
		fv.Versions = append(fv.Versions, option{Value: strconv.Itoa(int(x.Version)), Label: x.Name, Selected: x.Version == f.Version})
	}
	fv.Summary = summaryText(r, songFilterSummary(r, fv))
	v := songsView{Filter: fv, Synced: list.Synced, Total: list.Total, Pager: pg}
	var stale map[maimai.Chart]int
	if f.Order == archive.OrderStale {
		if stale, err = s.archive.StaleAttempts(r.Context(), player); err != nil {
			s.archiveFail(w, r, err)
			return
		}
	}
	for _, c := range list.Charts {
		row := songRow{Title: c.Title, Artist: c.Artist, Genre: c.Genre, Version: c.Version, Type: label(string(c.Type)),
			Diff: label(string(c.Difficulty)), DiffKey: string(c.Difficulty), Level: c.Level, Learned: c.Learned, Rating: c.Rating,
			Estimated: c.Estimated}
		if c.Constant.Known() {
			row.Constant = c.Constant.String()
		}
		if b := c.Best; b != nil {
			row.Played = true
			row.ChartURL = chartPath(player, b.Chart)
			row.Achievement = b.Achievement.String() + "%"
			row.Rank, row.FC, row.FS = markLabel(string(b.Rank)), markLabel(string(b.FC)), markLabel(string(b.FS))
			row.RankKey, row.FCKey, row.FSKey = string(b.Rank), string(b.FC), string(b.FS)
			row.Prov = provenanceOf(r, c.Source, c.SourceAt, list.Region)
			switch f.Order {
			case archive.OrderNextRank:
				if next, gap, ok := history.RankGap(b.Achievement); ok {
					row.SortNote = textf(r, "songs.note_next_rank", label(string(next)), gap.String())
				}
			case archive.OrderStale:
				if n := stale[b.Chart]; n > 0 && b.Achievement < maimai.MaxAchievement {
					row.SortNote = textf(r, "songs.note_stale", n)
				}
			}
		}
		v.Rows = append(v.Rows, row)
	}
	s.render(w, r, http.StatusOK, "songs", v)
}
