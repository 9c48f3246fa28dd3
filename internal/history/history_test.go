package history

import (
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/rating"
)

var (
	t0   = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	chA  = maimai.Chart{Title: "A", Type: maimai.DX, Difficulty: maimai.Master}
	chB  = maimai.Chart{Title: "B", Type: maimai.DX, Difficulty: maimai.Expert}
	chC  = maimai.Chart{Title: "C", Type: maimai.Std, Difficulty: maimai.Master}
	beij = maimai.CN.Location()
)

// play is a play n minutes after t0.
func play(id int64, min int, c maimai.Chart, level string, ach maimai.Achievement, fc maimai.FC, fs maimai.FS) Play {
	return Play{ID: id, At: t0.Add(time.Duration(min) * time.Minute), Chart: c, Level: level, Achievement: ach, FC: fc, FS: fs}
}

// brief is a milestone reduced to what the tests compare.
type brief struct {
	Kind  Kind
	Value string
	Level string
	Play  int64
	Also  []string
}

func briefs(ms []Milestone) []brief {
	var out []brief
	for _, m := range ms {
		out = append(out, brief{m.Kind, m.Value, m.Level, m.PlayID, m.Also})
	}
	return out
}

func TestMilestonesFromPlays(t *testing.T) {
	tests := []struct {
		name  string
		plays []Play
		want  []brief // newest first
	}{
		{"a first clear, then S on the same level", []Play{
			play(1, 0, chA, "13", 850000, "", ""),
			play(2, 5, chA, "13", 975000, "", ""),
			play(3, 9, chA, "13", 960000, "", ""), // lower: nothing new
		}, []brief{{KindRank, "s", "13", 2, nil}, {KindRank, "clear", "13", 1, nil}}},
		{"a jump folds the ranks skipped into Also", []Play{
			play(1, 0, chA, "13", 1005500, maimai.AP, maimai.FSD),
		}, []brief{{KindRank, "sssp", "13", 1, []string{"sss", "ss", "s", "clear"}},
			{KindCombo, "ap", "13", 1, []string{"fcp", "fc"}},
			{KindSync, "fsd", "13", 1, []string{"fsp", "fs"}}}},
		{"levels are apart; a failed play and a sync mark are nothing", []Play{
			play(1, 0, chA, "13", 990000, "", ""),
			play(2, 1, chB, "12+", 700000, "", maimai.Sync),
			play(3, 2, chB, "12+", 990000, "", ""),
		}, []brief{{KindRank, "ss", "12+", 3, []string{"s", "clear"}}, {KindRank, "ss", "13", 1, []string{"s", "clear"}}}},
		{"a play without a level has no level milestones", []Play{
			play(1, 0, chA, "", 1005000, maimai.APP, ""),
		}, nil},
		{"utage (宴) charts have no level milestones: their level (14?) is no level of the rest", []Play{
			play(1, 0, maimai.Chart{Title: "[協]U", Type: maimai.DX, Difficulty: maimai.Utage}, "14?", 990000, maimai.FCN, ""),
			play(2, 1, chA, "14", 970000, "", ""),
		}, []brief{{KindRank, "s", "14", 2, []string{"clear"}}}},
		{"DX stars per level", []Play{
			{ID: 1, At: t0, Chart: chA, Level: "13", Achievement: 500000, DXScore: 2800, DXScoreMax: 3000},
			{ID: 2, At: t0.Add(time.Minute), Chart: chA, Level: "13", Achievement: 500000, DXScore: 2910, DXScoreMax: 3000},
		}, []brief{{KindStars, "5", "13", 2, []string{"4"}}, {KindStars, "3", "13", 1, []string{"2", "1"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := briefs(Milestones(tt.plays, nil, nil)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestBandMilestones(t *testing.T) {
	plays := []Play{play(1, 0, chA, "13", 900000, "", ""), play(2, 60*24*3, chA, "13", 950000, "", "")}
	marks := []RatingMark{
		{At: t0, Rating: 11900, Colour: rating.Purple}, // where the archive starts: no milestone
		{At: t0.Add(time.Hour), Rating: 11800, Colour: rating.Purple},
		{At: t0.Add(60 * 24 * 3 * time.Minute), Rating: 13050, Colour: rating.Silver},
		{At: t0.Add(10 * 24 * time.Hour), Rating: 12900, Colour: rating.Bronze}, // fell back: nothing
		{At: t0.Add(40 * 24 * time.Hour), Rating: 14010, Colour: rating.Gold},   // no play that day
	}
	got := briefs(bandMilestones(plays, marks))
	want := []brief{{KindBand, "silver", "", 2, []string{"bronze"}}, {KindBand, "gold", "", 0, nil}} // oldest first before sorting
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestPlateMilestones(t *testing.T) {
	plays := []Play{
		play(1, 0, chA, "13", 1000000, maimai.FCN, ""),
		play(2, 1, chB, "12", 1001000, "", ""),
		play(3, 2, chB, "12", 999000, maimai.FCN, ""),
		play(4, 3, chC, "12", 1002000, maimai.FCN, ""),
	}
	plates := []PlateDone{
		{Name: "将 AB", Kind: rating.Sho, Charts: []maimai.Chart{chA, chB}},
		{Name: "极 AB", Kind: rating.Kiwami, Charts: []maimai.Chart{chA, chB}},
		// chD was never played: its condition was met outside the plays.
		{Name: "将 ABD", Kind: rating.Sho, Charts: []maimai.Chart{chA, chB, {Title: "D", Type: maimai.DX, Difficulty: maimai.Basic}}},
	}
	var got []brief
	for _, b := range briefs(Milestones(plays, nil, plates)) {
		if b.Kind == KindPlate {
			got = append(got, b)
		}
	}
	want := []brief{{KindPlate, "极 AB", "", 3, nil}, {KindPlate, "将 AB", "", 2, nil}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestAttempts(t *testing.T) {
	now := time.Date(2026, 3, 10, 1, 0, 0, 0, time.UTC) // 09:00 on the 10th in Beijing
	tests := []struct {
		name string
		achs []maimai.Achievement
		fcs  map[int]maimai.FC
		want AttemptStats
	}{
		{"not yet", []maimai.Achievement{990000, 995000, 993000},
			nil, AttemptStats{Attempts: 3, Best: 995000, Window: 3, SinceImprovement: 1}},
		{"SSS+ on the 3rd, AP on the 4th", []maimai.Achievement{990000, 1000000, 1005000, 1007000, 1004000},
			map[int]maimai.FC{3: maimai.AP}, AttemptStats{Attempts: 5, ToSSSP: 3, ToAP: 4, Best: 1007000, Window: 5, SinceImprovement: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var plays []Play
			for i, a := range tt.achs {
				plays = append(plays, play(int64(i+1), i, chA, "13", a, tt.fcs[i], ""))
			}
			got := Attempts(plays, now, beij)
			if got.Attempts != tt.want.Attempts || got.ToSSSP != tt.want.ToSSSP || got.ToAP != tt.want.ToAP ||
				got.Best != tt.want.Best || got.Window != tt.want.Window || got.SinceImprovement != tt.want.SinceImprovement {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			// t0 is 18:00 on the 1st in Beijing; now is the 10th.
			if got.DaysSince != 9 {
				t.Errorf("DaysSince %d, want 9", got.DaysSince)
			}
		})
	}
	// Consistency, worked by hand: 99, 100, 101 → mean 100, population
	// deviation sqrt(2/3) = 0.8165; within 0.5% of 101: one of three.
	plays := []Play{play(1, 0, chA, "13", 990000, "", ""), play(2, 1, chA, "13", 1000000, "", ""), play(3, 2, chA, "13", 1010000, "", "")}
	s := Attempts(plays, now, beij)
	if math.Abs(s.Mean-100) > 1e-9 || math.Abs(s.Stdev-math.Sqrt(2.0/3)) > 1e-9 || math.Abs(s.NearShare-1.0/3) > 1e-9 {
		t.Errorf("mean %v stdev %v near %v; want 100, 0.8165, 0.333", s.Mean, s.Stdev, s.NearShare)
	}
	// The window is the last ConsistencyWindow plays only.
	plays = nil
	for i := range 15 {
		a := maimai.Achievement(900000)
		if i >= 5 {
			a = 1000000
		}
		plays = append(plays, play(int64(i), i, chA, "13", a, "", ""))
	}
	if s := Attempts(plays, now, beij); s.Window != 10 || s.Mean != 100 || s.Stdev != 0 || s.NearShare != 1 {
		t.Errorf("window of 15 plays: %+v, want the last 10 at 100%%", s)
	}
	if s := Attempts(nil, now, beij); s != (AttemptStats{}) {
		t.Errorf("no plays: %+v", s)
	}
}

func TestRankGap(t *testing.T) {
	tests := []struct {
		best maimai.Achievement
		next maimai.Rank
		gap  maimai.Achievement
		ok   bool
	}{
		{999999, maimai.RankSSS, 1, true},
		{1000000, maimai.RankSSSP, 5000, true},
		{969000, maimai.RankS, 1000, true},
		{1005000, "", 0, false},
		{0, maimai.RankC, 500000, true},
	}
	for _, tt := range tests {
		next, gap, ok := RankGap(tt.best)
		if next != tt.next || ok != tt.ok || (ok && gap != tt.gap) {
			t.Errorf("RankGap(%d) = %s %d %v, want %s %d %v", tt.best, next, gap, ok, tt.next, tt.gap, tt.ok)
		}
	}
}

func TestStaleAttempts(t *testing.T) {
	plays := []Play{
		play(1, 0, chA, "13", 990000, "", ""),
		play(2, 1, chA, "13", 980000, "", ""),
		play(3, 2, chB, "13", 970000, "", ""),
		play(4, 3, chA, "13", 990000, "", ""), // equal is no improvement
		play(5, 4, chB, "13", 971000, "", ""),
		// 101% cannot improve: replaying it is no stale attempt.
		play(6, 5, chC, "13", maimai.MaxAchievement, maimai.APP, ""),
		play(7, 6, chC, "13", 1009000, maimai.AP, ""),
		play(8, 7, chC, "13", maimai.MaxAchievement, maimai.APP, ""),
	}
	want := map[maimai.Chart]int{chA: 2, chB: 0, chC: 0}
	if got := StaleAttempts(plays); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestWarmUp(t *testing.T) {
	visit := []Play{
		play(10, 0, chA, "13", 980000, "", ""),
		play(11, 3, chB, "13", 1000000, "", ""),
		play(12, 6, chC, "13", 990000, "", ""), // no other play of C
		play(13, 9, chA, "13", 1000000, "", ""),
	}
	others := append([]Play{
		play(1, -9000, chA, "13", 990000, "", ""),
		play(2, -8000, chA, "13", 994000, "", ""),
		play(3, -7000, chA, "13", 970000, "", ""),
		play(4, -6000, chB, "13", 995000, "", ""),
		play(5, -5000, chB, "13", 999000, "", ""),
	}, visit...)
	usual := Usual(others, map[int64]bool{10: true, 11: true, 12: true, 13: true})
	// A: median of 97, 99, 99.4 = 99; B: mean of the middle two, 99.7.
	if usual[chA] != 990000 || usual[chB] != 997000 {
		t.Fatalf("usual %v", usual)
	}
	if _, ok := usual[chC]; ok {
		t.Fatalf("C has no other play, yet a usual %v", usual[chC])
	}
	curve := WarmUp(visit, usual)
	wantDelta := []float64{-1, 0.3, 0, 1}
	wantKnown := []bool{true, true, false, true}
	wantSmooth := []float64{-1, -0.35, -0.35, 0.65}
	for i, p := range curve {
		if p.N != i+1 || p.PlayID != visit[i].ID || p.Known != wantKnown[i] || math.Abs(p.Delta-wantDelta[i]) > 1e-9 ||
			math.Abs(p.Smooth-wantSmooth[i]) > 1e-9 {
			t.Errorf("point %d: %+v, want delta %v known %v smooth %v", i, p, wantDelta[i], wantKnown[i], wantSmooth[i])
		}
	}
	if _, _, ok := Trend(curve); ok {
		t.Error("a trend from three known points")
	}
	var long []CurvePoint
	for i, d := range []float64{-1, -1, 0, 0, 1, 1} {
		long = append(long, CurvePoint{N: i + 1, Delta: d, Known: true})
	}
	if e, l, ok := Trend(long); !ok || e != -1 || l != 1 {
		t.Errorf("trend %v %v %v, want -1 1 true", e, l, ok)
	}
}

func TestPerChartAndPartners(t *testing.T) {
	plays := []Play{
		play(1, 0, chA, "13", 980000, "", ""),
		play(2, 1, chB, "12", 990000, "", ""),
		play(3, 2, chB, "12", 995000, "", ""),
		play(4, 3, chB, "12", 995000, "", ""),
	}
	got := PerChart(plays)
	want := []ChartPlays{{Chart: chB, Level: "12", Plays: 3, Best: 995000, BestPlay: 3}, {Chart: chA, Level: "13", Plays: 1, Best: 980000, BestPlay: 1}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("PerChart %+v, want %+v", got, want)
	}
	ps := Partners([][]maimai.Partner{{{Name: "ＳＡＫＵＲＡ", Rank: 1}, {Name: "mai"}}, nil, {{Name: "mai"}, {Name: "mai"}}, {{Name: ""}}})
	if want := []PartnerCount{{"mai", 2}, {"ＳＡＫＵＲＡ", 1}}; !reflect.DeepEqual(ps, want) {
		t.Errorf("Partners %+v, want %+v", ps, want)
	}
}

func TestReview(t *testing.T) {
	at := func(s string) time.Time {
		t, err := time.ParseInLocation("2006-01-02 15:04", s, beij)
		if err != nil {
			panic(err)
		}
		return t
	}
	p := func(id int64, when string, c maimai.Chart, a maimai.Achievement) Play {
		return Play{ID: id, At: at(when), Chart: c, Level: "13", Achievement: a}
	}
	plays := []Play{
		p(1, "2025-12-31 23:00", chA, 990000),
		p(2, "2026-01-01 00:30", chA, 985000), // the new year in Beijing, not in UTC; no new best
		p(3, "2026-01-01 01:00", chB, 970000), // first play of B: a new best
		p(4, "2026-01-01 01:10", chA, 995000), // a new best
		p(5, "2026-06-05 18:00", chA, 990000),
		p(6, "2026-06-05 22:30", chB, 980000), // 4.5 h later: a second visit that day; a new best
		p(7, "2027-01-01 10:00", chC, 990000),
	}
	y := Review(plays, 2026, beij, 3*time.Hour)
	if y.Plays != 5 || y.Days != 2 || y.Visits != 3 || y.Minutes != 40 || y.Charts != 2 || y.NewBests != 3 {
		t.Errorf("review %+v: want 5 plays, 2 days, 3 visits, 40 minutes, 2 charts, 3 new bests", y)
	}
	if y.ByMonth[0] != 3 || y.ByMonth[5] != 2 {
		t.Errorf("by month %v", y.ByMonth)
	}
	if len(y.Top) != 2 || y.Top[0].Chart != chA || y.Top[0].Plays != 3 {
		t.Errorf("top %+v", y.Top)
	}
	if !y.Busiest.Equal(at("2026-01-01 00:30")) || y.BusiestPlays != 3 {
		t.Errorf("busiest %v (%d)", y.Busiest, y.BusiestPlays)
	}
	if got := Years(plays, beij); !reflect.DeepEqual(got, []int{2027, 2026, 2025}) {
		t.Errorf("years %v", got)
	}
	if y := Review(plays, 2030, beij, 3*time.Hour); y.Plays != 0 || y.Visits != 0 || len(y.Top) != 0 {
		t.Errorf("an empty year %+v", y)
	}
}

func TestTrust(t *testing.T) {
	day := func(d int) time.Time { return t0.AddDate(0, 0, d) }
	tests := []struct {
		name string
		rs   []Reading
		want []bool
	}{
		// A real archive (SCHWI): one record page, then a home page printing 14,374.
		{"an archive far below a later site rating", []Reading{
			{At: day(0), Computed: 2743, Charts: 20},
			{At: day(6), Computed: 7242, Charts: 50},
			{At: day(300), Computed: 7242, Site: 14374, Charts: 50},
		}, []bool{false, false, false}},
		{"within 2% of the site (at least 100) is the player's", []Reading{
			{At: day(0), Computed: 13549, Charts: 400},
			{At: day(1), Computed: 13599, Site: 13599, Charts: 400},
			{At: day(2), Computed: 13650, Charts: 401},
			{At: day(3), Computed: 13500, Site: 13770, Charts: 401}, // 270 below: tolerance 275
			{At: day(4), Computed: 900, Site: 1001, Charts: 10},     // 101 below: tolerance 100
		}, []bool{true, true, true, true, false}},
		{"after the last site reading, it judges", []Reading{
			{At: day(0), Computed: 12000, Site: 12050, Charts: 300},
			{At: day(1), Computed: 12100, Charts: 300},
		}, []bool{true, true}},
		{"above the site's is no gap", []Reading{
			{At: day(0), Computed: 12500, Site: 12000, Charts: 300},
		}, []bool{true}},
		{"no site rating: a B50's worth of charts played", []Reading{
			{At: day(0), Computed: 3000, Charts: 49},
			{At: day(1), Computed: 3100, Charts: 50},
		}, []bool{false, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Trust(tt.rs); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
