package archive

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/songs"
)

// chartInfoSongs is song data for viewArchive's charts: Link's MASTER is
// 13+ at constant (13.7, then 13.9), Oshama Scramble!'s 14 at 14.2.
func chartInfoSongs(link songs.Constant) []genSong {
	return []genSong{
		{id: 11001, title: "Link", typ: "DX", from: "maimai でらっくす BUDDiES", ds: []songs.Constant{40, 70, 100, link}},
		{id: 11002, title: "Oshama Scramble!", typ: "DX", from: "maimai でらっくす BUDDiES", ds: []songs.Constant{50, 80, 110, 142}},
	}
}

// TestPlaysCarryChartInfo: after a song sync, plays (whose CN pages show
// no level) carry the song data's level, the constant of their time, what
// they earned and what the best on the chart is worth; a play imported
// after the sync is linked when a view meets it; the level and constant
// filters see the song data.
func TestPlaysCarryChartInfo(t *testing.T) {
	ctx := context.Background()
	a := viewArchive(t)
	list, err := a.ListPlays(ctx, "viewer", PlayFilter{}, 0, 50)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range list.Plays {
		if p.Info.Level != "" || p.Info.Constant.Known() || p.Info.Rating != 0 {
			t.Fatalf("before any song data %s has %+v, want no level, constant or rating", p.Title, p.Info)
		}
	}

	data := dfJSON(chartInfoSongs(137))
	syncFrom(t, a, serveSongs(t, &data))
	list, err = a.ListPlays(ctx, "viewer", PlayFilter{}, 0, 50)
	if err != nil {
		t.Fatal(err)
	}
	byAch := map[maimai.Achievement]ChartInfo{}
	for _, p := range list.Plays {
		byAch[p.Achievement] = p.Info
	}
	// SS+ 99.7%: 13.7 × 21.1 × 99.7% = 288.2; S 97.5%: 13.7 × 20.0 ×
	// 97.5% = 267.1; SSS 100.2% on 14.2:
	// 14.2 × 21.6 × 100.2% = 307.3. Link's best is the 99.7%.
	for _, tt := range []struct {
		ach  maimai.Achievement
		want ChartInfo
	}{
		{997000, ChartInfo{Level: "13+", Constant: 137, Rating: 288, ChartRating: 288, Link: LinkMatched}},
		{975000, ChartInfo{Level: "13+", Constant: 137, Rating: 267, ChartRating: 288, Link: LinkMatched}},
		{1002000, ChartInfo{Level: "14", Constant: 142, Rating: 307, ChartRating: 307, Link: LinkMatched}},
	} {
		if got := byAch[tt.ach]; got != tt.want {
			t.Errorf("play at %s: %+v, want %+v", tt.ach, got, tt.want)
		}
	}

	// Link is rerated to 13.9; a play after that has the new constant,
	// the earlier ones keep theirs, the chart's rating follows today's.
	later := testNow.Add(time.Hour)
	a.now = func() time.Time { return later }
	data = dfJSON(chartInfoSongs(139))
	syncFrom(t, a, serveSongs(t, &data))
	a.now = func() time.Time { return later.Add(2 * time.Hour) }
	newPlay := viewPlay(0, "Link", 1000500, 2900, maimai.FCP)
	newPlay.PlayedAt = later.Add(time.Hour)
	importAt(t, a, recordOf(newPlay), later.Add(90*time.Minute))

	list, err = a.ListPlays(ctx, "viewer", PlayFilter{}, 0, 3)
	if err != nil {
		t.Fatal(err)
	}
	// SSS 100.05% on 13.9: 13.9 × 21.6 × 100.05% = 300.4.
	if p := list.Plays[0]; p.Achievement != 1000500 || p.Info != (ChartInfo{Level: "13+", Constant: 139, Rating: 300, ChartRating: 300, Link: LinkMatched}) {
		t.Errorf("the play after the rerating: %s %+v", p.Achievement, p.Info)
	}
	if p := list.Plays[1]; p.Achievement != 997000 || p.Info.Constant != 137 || p.Info.Rating != 288 || p.Info.ChartRating != 300 {
		t.Errorf("the play before the rerating: %s %+v, want constant 13.7, rating 288, chart rating 300", p.Achievement, p.Info)
	}
	pv, err := a.PlayByID(ctx, "viewer", list.Plays[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	if pv.Play.Info != list.Plays[1].Info {
		t.Errorf("play page info %+v, want the list's %+v", pv.Play.Info, list.Plays[1].Info)
	}
	cv, err := a.Chart(ctx, "viewer", newPlay.Chart)
	if err != nil {
		t.Fatal(err)
	}
	if cv.Info != (ChartInfo{Level: "13+", Constant: 139, ChartRating: 300, Link: LinkMatched}) {
		t.Errorf("chart page info %+v", cv.Info)
	}
	if n := len(cv.Plays); n != 7 || cv.Plays[0].Info.Constant != 137 || cv.Plays[n-1].Info.Constant != 139 {
		t.Errorf("chart page plays: %d, first constant %s, last %s", n, cv.Plays[0].Info.Constant, cv.Plays[n-1].Info.Constant)
	}

	// Filters: levels in the game's order, constants as the data has them now.
	for _, tt := range []struct {
		name string
		f    PlayFilter
		want int
	}{
		{"level 14 to 14+", PlayFilter{MinLevel: "14", MaxLevel: "14+"}, 1},
		{"level 13 to 13+", PlayFilter{MinLevel: "13", MaxLevel: "13+"}, 7},
		{"level up to 13", PlayFilter{MaxLevel: "13"}, 0},
		{"level from 13+", PlayFilter{MinLevel: "13+"}, 8},
		{"constant 13.8–13.9", PlayFilter{MinConstant: 138, MaxConstant: 139}, 7},
		{"constant from 14.0", PlayFilter{MinConstant: 140}, 1},
		{"fc+ or better on 13+", PlayFilter{MinLevel: "13+", FC: maimai.FCP}, 2},
	} {
		list, err := a.ListPlays(ctx, "viewer", tt.f, 0, 50)
		if err != nil {
			t.Fatal(err)
		}
		if list.Total != tt.want || len(list.Plays) != tt.want {
			t.Errorf("%s: %d plays (%d listed), want %d", tt.name, list.Total, len(list.Plays), tt.want)
		}
	}
}

// TestViewsCarryChartInfo: the diff, sessions and overview show the same
// chart info as the list.
func TestViewsCarryChartInfo(t *testing.T) {
	ctx := context.Background()
	a := viewArchive(t)
	data := dfJSON(chartInfoSongs(137))
	syncFrom(t, a, serveSongs(t, &data))
	diff, err := a.Diff(ctx, "viewer", PlayFilter{}, 0, 50)
	if err != nil {
		t.Fatal(err)
	}
	visits, err := a.Visits(ctx, "viewer", 0, 0, 50)
	if err != nil {
		t.Fatal(err)
	}
	o, err := a.Overview(ctx, "viewer", 5)
	if err != nil {
		t.Fatal(err)
	}
	var infos []ChartInfo
	for _, r := range diff.Rows {
		infos = append(infos, r.Info)
	}
	for _, v := range visits.Visits {
		for _, r := range v.NewBests {
			infos = append(infos, r.Info)
		}
	}
	for _, p := range o.Recent {
		infos = append(infos, p.Info)
	}
	for _, r := range o.Latest.NewBests {
		infos = append(infos, r.Info)
	}
	if len(infos) < 7+5+5 {
		t.Fatalf("only %d rows", len(infos))
	}
	for _, in := range infos {
		if in.Level == "" || !in.Constant.Known() || in.Rating == 0 || in.ChartRating == 0 {
			t.Errorf("a row lacks its chart info: %+v", in)
		}
	}
}

func TestLevelsBetween(t *testing.T) {
	for _, tt := range []struct {
		lo, hi string
		want   []string
	}{
		{"13", "14+", []string{"13", "13+", "14", "14+"}},
		{"14+", "", []string{"14+", "15"}},
		{"", "2", []string{"1", "2"}},
		{"14", "13", []string{"none"}},
	} {
		if got := levelsBetween(tt.lo, tt.hi); !slices.Equal(got, tt.want) {
			t.Errorf("levelsBetween(%q, %q) = %q, want %q", tt.lo, tt.hi, got, tt.want)
		}
	}
}

// TestFilterSeesNewPlays: a play of a chart first played after the sync
// is not linked yet (imports do not match charts); a level filter asked
// for first still finds it.
func TestFilterSeesNewPlays(t *testing.T) {
	ctx := context.Background()
	a := viewArchive(t)
	data := dfJSON(chartInfoSongs(137))
	syncFrom(t, a, serveSongs(t, &data))
	f := PlayFilter{MinLevel: "11", MaxLevel: "11+"}
	if list, err := a.ListPlays(ctx, "viewer", f, 0, 50); err != nil || list.Total != 0 {
		t.Fatalf("level 11 before the new play: %+v, %v; want none", list, err)
	}
	// Oshama Scramble!'s EXPERT is 11 at 11.0.
	p := viewPlay(0, "Oshama Scramble!", 1003000, 2850, maimai.FCP)
	p.Difficulty, p.PlayedAt = maimai.Expert, testNow.Add(-time.Hour)
	importAt(t, a, recordOf(p), testNow.Add(-30*time.Minute))
	for _, view := range []struct {
		name string
		n    func() (int, error)
	}{
		{"diff", func() (int, error) { l, err := a.Diff(ctx, "viewer", f, 0, 50); return l.Total, err }},
		{"plays", func() (int, error) { l, err := a.ListPlays(ctx, "viewer", f, 0, 50); return l.Total, err }},
	} {
		if n, err := view.n(); err != nil || n != 1 {
			t.Errorf("%s at level 11 after the new play: %d, %v; want 1", view.name, n, err)
		}
	}
}
