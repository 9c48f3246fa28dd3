package web

import (
	"net/http"
	"slices"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/query"
	"github.com/maiprobe/maiprobe/internal/rival"
)

// rivalView is the player's bests beside another player's, per chart
// (/p/NAME/rival?with=OTHER), with the level and difficulty filters.
type rivalView struct {
	Me, With string // With is "" until a rival is chosen
	// Players are the players the viewer may compare with (never Me).
	Players []option
	Diffs   []option
	// MinLevels and MaxLevels are the level range's two ends.
	MinLevels, MaxLevels []option
	Summary              rival.Summary
	Rows                 []rivalRow
	Pager                Pager
	// Refused is set when With names a player the viewer may not see
	// (or none): the page says so instead of comparing.
	Refused bool
}

// rivalRow is one chart of the comparison.
type rivalRow struct {
	Title, ChartURL      string
	Type, TypeKey        string
	Diff, DiffKey, Level string
	Constant             string // "" when unknown
	Me, Rival            *rivalSide
	Difference           string // "+0.5000%", signed
	Lead                 string // me, rival or tie
}

// rivalSide is one player's best on the chart.
type rivalSide struct {
	Achievement   string
	Rank, RankKey string
	FCKey, FSKey  string
	Rating        int
	HasRating     bool
	Leads         bool
	DXScore       int
	DXStars       int // the markicons partial reads it; a best list has no stars
	FC, FS        string
}

// rivalRowsPage is how many charts a page of the comparison shows.
const rivalRowsPage = 50

func (s *Server) rival(w http.ResponseWriter, r *http.Request) {
	me := r.PathValue("player")
	q := r.URL.Query()
	st := state(r)
	v := rivalView{Me: me, With: q.Get("with")}
	owned, public, err := s.archive.VisiblePlayers(r.Context(), st.userID())
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	var names []string
	for _, p := range append(owned, public...) {
		if p != me && !slices.Contains(names, p) {
			names = append(names, p)
		}
	}
	v.Players = choices(v.With, names)
	f := query.SongFilter(q)
	// The page filters by difficulty and level only; the API takes the
	// song list's every filter.
	f = archive.SongFilter{Difficulty: f.Difficulty, MinLevel: f.MinLevel, MaxLevel: f.MaxLevel}
	var diffs []string
	for _, d := range maimai.Difficulties {
		diffs = append(diffs, string(d))
	}
	v.Diffs = options(string(f.Difficulty), diffs...)
	levels := archive.LevelLabels()
	v.MinLevels, v.MaxLevels = choices(f.MinLevel, levels), choices(f.MaxLevel, levels)
	if v.With == "" {
		s.render(w, r, http.StatusOK, "rival", v)
		return
	}
	// The rival must be someone the viewer may see, as on their own
	// pages: a private player only for its owners. Anything else reads
	// as "no such player", so the page does not tell private names.
	if v.With == me || !slices.Contains(names, v.With) {
		v.Refused = true
		s.render(w, r, http.StatusNotFound, "rival", v)
		return
	}
	cmp, err := rival.Load(r.Context(), s.archive, me, v.With, f)
	if err != nil {
		s.archiveFail(w, r, err)
		return
	}
	v.Summary = cmp.Summary
	v.Pager = newPager(r, rivalRowsPage, len(cmp.Rows))
	end := min(v.Pager.Offset()+v.Pager.Size, len(cmp.Rows))
	for _, row := range cmp.Rows[v.Pager.Offset():end] {
		v.Rows = append(v.Rows, newRivalRow(me, row))
	}
	s.render(w, r, http.StatusOK, "rival", v)
}

func newRivalRow(player string, x rival.Row) rivalRow {
	row := rivalRow{
		Title: x.Title, ChartURL: chartPath(player, maimai.Chart{Title: x.Title, Type: x.Type, Difficulty: x.Difficulty}),
		Type: label(string(x.Type)), TypeKey: string(x.Type), Diff: label(string(x.Difficulty)), DiffKey: string(x.Difficulty),
		Level: x.Level, Lead: x.Lead, Me: newRivalSide(x.Me, x.Lead == rival.LeadMe), Rival: newRivalSide(x.Rival, x.Lead == rival.LeadRival),
	}
	if x.Constant.Known() {
		row.Constant = x.Constant.String()
	}
	sign := "+"
	if x.Difference < 0 {
		sign = ""
	}
	row.Difference = sign + x.Difference.String() + "%"
	return row
}

func newRivalSide(s *rival.Side, leads bool) *rivalSide {
	if s == nil {
		return nil
	}
	return &rivalSide{Achievement: s.Achievement.String() + "%", Rank: label(string(s.Rank)), RankKey: string(s.Rank),
		FCKey: string(s.FC), FSKey: string(s.FS), FC: label(string(s.FC)), FS: label(string(s.FS)),
		Rating: s.Rating, HasRating: s.Rating > 0, Leads: leads, DXScore: s.DXScore}
}
