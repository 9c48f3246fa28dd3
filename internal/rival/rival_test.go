package rival

import (
	"testing"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/songs"
)

func chart(title string, typ maimai.ChartType, d maimai.Difficulty, level string, c songs.Constant, ach maimai.Achievement, rating int) archive.SongListChart {
	x := archive.SongListChart{Title: title, Type: typ, Difficulty: d, Level: level, Constant: c, Rating: rating}
	if ach >= 0 {
		x.Best = &maimai.Score{Chart: maimai.Chart{Title: title, Type: typ, Difficulty: d}, Played: true, Achievement: ach, Rank: maimai.RankOf(ach), DXScore: int(ach / 1000)}
	}
	return x
}

func TestCompare(t *testing.T) {
	me := []archive.SongListChart{
		chart("A", maimai.DX, maimai.Master, "13", 130, 1005000, 300),  // both, me ahead by 0.5%
		chart("B", maimai.Std, maimai.Expert, "12", 120, 990000, 250),  // both, tie
		chart("C", maimai.DX, maimai.ReMaster, "14", 145, 980000, 290), // only me
		chart("D", maimai.DX, maimai.Master, "13+", 0, -1, 0),          // listed without a best: skipped
	}
	rival := []archive.SongListChart{
		chart("A", maimai.DX, maimai.Master, "13", 130, 1000000, 290),
		chart("B", maimai.Std, maimai.Expert, "12", 120, 990000, 250),
		chart("A", maimai.Std, maimai.Master, "13", 0, 970000, 0), // same title, other type: its own chart; only rival
		chart("E", maimai.DX, maimai.Basic, "5", 50, 1010000, 80), // only rival, rival ahead
	}
	got := Compare("me", "you", me, rival)
	want := Summary{Charts: 5, Both: 2, MeAhead: 2, RivalAhead: 2, Ties: 1, OnlyMe: 1, OnlyRival: 2}
	if got.Summary != want {
		t.Errorf("summary %+v, want %+v", got.Summary, want)
	}
	if got.Me != "me" || got.Rival != "you" {
		t.Errorf("names %q %q", got.Me, got.Rival)
	}
	// Charts both played first; each part the highest constant first,
	// the chart without a constant last.
	var order []string
	for _, r := range got.Rows {
		order = append(order, r.Title+"/"+string(r.Type)+"/"+r.Lead)
	}
	wantOrder := []string{"A/dx/me", "B/std/tie", "C/dx/me", "E/dx/rival", "A/std/rival"}
	if len(order) != len(wantOrder) {
		t.Fatalf("rows %v, want %v", order, wantOrder)
	}
	for i := range order {
		if order[i] != wantOrder[i] {
			t.Fatalf("rows %v, want %v", order, wantOrder)
		}
	}
	a := got.Rows[0]
	if a.Difference != 5000 || a.DXScoreDifference != 5 || a.Me.Rating != 300 || a.Rival.Rating != 290 {
		t.Errorf("chart A: %+v me %+v rival %+v", a, a.Me, a.Rival)
	}
	if c := got.Rows[2]; c.Rival != nil || c.Difference != 980000 {
		t.Errorf("chart only I played: %+v", c)
	}
	if e := got.Rows[3]; e.Me != nil || e.Difference != -1010000 {
		t.Errorf("chart only the rival played: %+v", e)
	}
	if empty := Compare("a", "b", nil, nil); empty.Summary != (Summary{}) || len(empty.Rows) != 0 || empty.Rows == nil {
		t.Errorf("nothing to compare: %+v", empty)
	}
}

// TestCompareSameTitle: two songs named "Link" (maimai and niconico) are
// two charts, each player's best compared with the other's on the same
// song, not merged into one row.
func TestCompareSameTitle(t *testing.T) {
	link := func(genre string, ach maimai.Achievement) archive.SongListChart {
		c := chart("Link", maimai.Std, maimai.Master, "12", 120, ach, 0)
		c.Genre = genre
		return c
	}
	me := []archive.SongListChart{link("maimai", 1005000), link("niconico", 900000)}
	rv := []archive.SongListChart{link("maimai", 990000), link("niconico", 995000)}
	c := Compare("me", "rv", me, rv)
	if len(c.Rows) != 2 || c.Summary.Both != 2 || c.Summary.MeAhead != 1 || c.Summary.RivalAhead != 1 {
		t.Fatalf("two Link songs: %+v, want two rows, one led by each", c)
	}
	for _, r := range c.Rows {
		want := map[string][2]maimai.Achievement{"maimai": {1005000, 990000}, "niconico": {900000, 995000}}[r.Genre]
		if r.Me == nil || r.Rival == nil || r.Me.Achievement != want[0] || r.Rival.Achievement != want[1] {
			t.Errorf("row of genre %q: me %+v rival %+v, want %v", r.Genre, r.Me, r.Rival, want)
		}
	}
}
