package analysis

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

func row(cp, p, gr, gd, m int) maimai.NoteJudgement {
	return maimai.NoteJudgement{CriticalPerfect: cp, Perfect: p, Great: gr, Good: gd, Miss: m}
}

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %.7f, want %.7f (±%g)", what, got, want, tol)
	}
}

// example is a chart of TAP 100, HOLD 10, SLIDE 10, BREAK 5: total weight
// W = 100·1 + 10·2 + 10·3 + 5·5 = 175 TAPs, so the 100% part is 1750
// tenths of a TAP and each BREAK's bonus share is 1% / 5 = 0.2%.
//
// The play: TAP 95 CP, 2 P, 2 GREAT, 1 GOOD; HOLD 10 CP; SLIDE 9 CP,
// 1 MISS; BREAK 3 CP, 1 PERFECT (75% window), 1 GREAT (×0.6 window).
//
//	base, in tenths: TAP 1·(10·97 + 8·2 + 5·1) = 991, HOLD 2·100 = 200,
//	                 SLIDE 3·(10·9) = 270, BREAK 5·(10·4 + 6·1) = 230 → 1691
//	bonus, in twentieths of a share: 20·3 + 15·1 + 8·1 = 83 of 100
//	achievement = 1691/1750 · 100% + 83/100 · 1% = 96.628571…% + 0.83%
//	            = 97.458571…% → shown 97.4585%
//
// Losses: TAP 10·1·(2·2 + 5·1)/175 = 90/175 = 0.514286%; SLIDE
// 10·3·10/175 = 1.714286%; BREAK (true) 10·5·4/175 + 17/100 =
// 1.142857% + 0.17% = 1.312857%. Sum 3.541429% = 101% − 97.458571%.
// The page hides the windows, so a BREAK's loss lies between every
// PERFECT high and GREAT ×0.8 (10·5·2/175 + (5 + 12)/100 = 0.741429%)
// and every PERFECT low and GREAT ×0.5 (10·5·5/175 + (10 + 12)/100 =
// 1.648571%); from the shown 97.4585% it is 101 − 97.4585 − 0.00005 −
// 0.514286 − 1.714286 = 1.312879% (the true value up to the 0.0001% the
// shown achievement is rounded down by).
var example = Table{row(95, 2, 2, 1, 0), row(10, 0, 0, 0, 0), row(9, 0, 0, 0, 1), {}, row(3, 1, 1, 0, 0)}

func TestAchievementWorked(t *testing.T) {
	for _, c := range []struct {
		name string
		t    Table
		win  Windows
		want maimai.Achievement
	}{
		{"example", example, Windows{Perfect75: 1, Great60: 1}, 974585},
		// Same table, BREAK GREAT in the ×0.8 window: base +5·2 = 1701,
		// 1701/1750 = 97.2% + 0.83% = 98.03%.
		{"example best windows", example, Windows{Perfect75: 1, Great80: 1}, 980300},
		// ×0.5 window and the PERFECT in the 50% window: base 1691 − 5 =
		// 1686 → 96.342857%; bonus 83 − 5 = 78 → 0.78%: 97.122857%.
		{"example worst windows", example, Windows{}, 971228},
		{"AP+", Perfect(example.Notes()), Windows{}, 1010000},
		// Every note a non-BREAK PERFECT costs nothing: still 101%.
		{"AP, no BREAK perfect", Table{row(0, 100, 0, 0, 0), row(0, 10, 0, 0, 0), row(0, 10, 0, 0, 0), {}, row(5, 0, 0, 0, 0)}, Windows{}, 1010000},
		// Every note missed: nothing.
		{"all miss", Table{row(0, 0, 0, 0, 100), {}, {}, {}, row(0, 0, 0, 0, 5)}, Windows{}, 0},
		// No BREAK at all (made-up charts): the bonus counts as whole.
		// TAP 10 with 1 GOOD: 95/100 · 100% + 1% = 96%.
		{"no break", Table{row(9, 0, 0, 1, 0)}, Windows{}, 960000},
	} {
		if got := Achievement(c.t, c.win); got != c.want {
			t.Errorf("%s: Achievement = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestLossWorked(t *testing.T) {
	l := LossOf(example, 974585)
	near(t, "TAP", l.ByKind[Tap], 90.0/175, 1e-9)
	near(t, "HOLD", l.ByKind[Hold], 0, 1e-12)
	near(t, "SLIDE", l.ByKind[Slide], 300.0/175, 1e-9)
	near(t, "TOUCH", l.ByKind[Touch], 0, 1e-12)
	near(t, "BREAK min", l.BreakMin, 100.0/175+0.17, 1e-9)
	near(t, "BREAK max", l.BreakMax, 250.0/175+0.22, 1e-9)
	near(t, "BREAK", l.ByKind[Break], 200.0/175+0.17, 0.0001)
	near(t, "total", l.Total(), 101-97.4585714286, 0.0001)

	// An AP+ lost nothing anywhere.
	if l := LossOf(Perfect(example.Notes()), 1010000); l.Total() != 0 || l.BreakMax != 0 {
		t.Errorf("AP+ loss = %+v, want none", l)
	}
	// A shown achievement the table cannot give is taken into the range
	// the table allows, never a loss below the BREAKs' own minimum.
	if l := LossOf(example, 1010000); l.ByKind[Break] != l.BreakMin {
		t.Errorf("101%% with that table: BREAK loss %v, want the minimum %v", l.ByKind[Break], l.BreakMin)
	}
	if l := LossOf(example, 0); l.ByKind[Break] != l.BreakMax {
		t.Errorf("0%% with that table: BREAK loss %v, want the maximum %v", l.ByKind[Break], l.BreakMax)
	}
}

// TestLossAgreesWithAchievement checks, over many tables and windows, that
// the losses add up to what the achievement misses of 101%.
func TestLossAgreesWithAchievement(t *testing.T) {
	for cp := 0; cp < 6; cp++ {
		for gr := 0; gr < 4; gr++ {
			for w80 := 0; w80 <= gr; w80++ {
				tb := Table{row(50, 3, gr, 1, cp%2), row(8, 1, 1, 0, 0), row(20-cp, 0, cp, 0, 0), row(4, 0, 0, 1, 0), row(cp, 2, gr, 1, cp%3)}
				win := Windows{Perfect75: 1, Great80: w80}
				a := Achievement(tb, win)
				l := LossOf(tb, a)
				near(t, "total", l.Total(), float64(maimai.MaxAchievement-a)/10000, 0.0001)
				if l.ByKind[Break] < l.BreakMin || l.ByKind[Break] > l.BreakMax {
					t.Errorf("BREAK loss %v outside [%v, %v]", l.ByKind[Break], l.BreakMin, l.BreakMax)
				}
			}
		}
	}
}

// lineChart is TAP 500, HOLD 50, SLIDE 50, BREAK 20: W = 500 + 100 + 150
// + 100 = 850 TAPs, a BREAK's bonus share 1%/20 = 0.05%.
//
// One judgement's cost, everything else CRITICAL:
//
//	TAP   GREAT 10·1·2/850 = 0.023529%  GOOD 50/850 = 0.058824%  MISS 100/850 = 0.117647%
//	HOLD  GREAT 40/850 = 0.047059%      GOOD 100/850 = 0.117647% MISS 200/850 = 0.235294%
//	SLIDE GREAT 60/850 = 0.070588%      GOOD 150/850 = 0.176471% MISS 300/850 = 0.352941%
//	BREAK GREAT (×0.5) 250/850 + 0.6·0.05 = 0.324118%, GOOD 300/850 + 0.7·0.05 = 0.387941%,
//	      MISS 500/850 + 0.05 = 0.638235%, PERFECT low 0.5·0.05 = 0.025%, high 0.25·0.05 = 0.0125%
//
// 100.5% allows 0.5%: TAP 0.5/0.023529 = 21.25 → 21 GREATs (101 − 21·20/850
// = 100.505882%; 22 give 100.482353%), 8.5 → 8 GOODs, 4.25 → 4 MISSes;
// HOLD 10.6 → 10, 4.25 → 4, 2.1 → 2; SLIDE 7.08 → 7, 2.83 → 2, 1.4 → 1;
// BREAK 1.54 → 1 GREAT, 1.29 → 1 GOOD, 0.78 → 0 MISS, 0.5/0.025 = 20 → all
// 20 PERFECTs low (exactly 100.5000%, which reaches it), high 40 → 20.
// 100% (SSS) allows 1%: TAP 42.5 → 42 GREATs, BREAK 3.09 → 3 GREATs, 1.57
// → 1 MISS.
var lineChart = [5]int{500, 50, 50, 0, 20}

func TestLineWorked(t *testing.T) {
	l, err := NewLine(lineChart, 1005000)
	if err != nil {
		t.Fatal(err)
	}
	if !l.Reachable || l.Max != 1010000 {
		t.Fatalf("line = %+v, want reachable with max 101", l)
	}
	near(t, "allowance", l.Allowance, 0.5, 1e-9)
	ip := func(n int) *int { return &n }
	want := map[string]Allowed{
		"tap":   {Great: 21, Good: 8, Miss: 4},
		"hold":  {Great: 10, Good: 4, Miss: 2},
		"slide": {Great: 7, Good: 2, Miss: 1},
		"break": {Great: 1, Good: 1, Miss: 0, Perfect: ip(20), PerfectHigh: ip(20)},
	}
	for k, w := range want {
		g := l.Allowed[k]
		if g.Great != w.Great || g.Good != w.Good || g.Miss != w.Miss ||
			(w.Perfect != nil && (g.Perfect == nil || *g.Perfect != *w.Perfect || *g.PerfectHigh != *w.PerfectHigh)) {
			t.Errorf("%s allowed %+v, want %+v", k, g, w)
		}
	}
	if _, ok := l.Allowed["touch"]; ok {
		t.Errorf("a chart without TOUCH notes lists TOUCH: %+v", l.Allowed["touch"])
	}
	near(t, "TAP GREAT cost", l.Each["tap"].Great, 20.0/850, 1e-9)
	near(t, "BREAK GREAT cost", l.Each["break"].Great, 250.0/850+0.03, 1e-9)
	near(t, "BREAK MISS cost", l.Each["break"].Miss, 500.0/850+0.05, 1e-9)
	near(t, "BREAK PERFECT cost", *l.Each["break"].Perfect, 0.025, 1e-9)
	near(t, "BREAK PERFECT high cost", *l.Each["break"].PerfectHigh, 0.0125, 1e-9)

	sss, err := NewLine(lineChart, RankFloor(maimai.RankSSS))
	if err != nil {
		t.Fatal(err)
	}
	if a := sss.Allowed["tap"]; a.Great != 42 {
		t.Errorf("SSS: TAP GREATs %d, want 42", a.Great)
	}
	if a := sss.Allowed["break"]; a.Great != 3 || a.Miss != 1 {
		t.Errorf("SSS: BREAK %+v, want 3 GREATs, 1 MISS", a)
	}

	// Each count is the most: one more misses the target.
	for _, k := range Kinds {
		a, ok := l.Allowed[k.String()]
		if !ok {
			continue
		}
		for _, c := range []struct {
			n   int
			set func(*maimai.NoteJudgement, int)
		}{
			{a.Great, func(r *maimai.NoteJudgement, n int) { r.Great += n }},
			{a.Miss, func(r *maimai.NoteJudgement, n int) { r.Miss += n }},
		} {
			if Achievement(with(lineChart, k, c.n, c.set), Windows{}) < 1005000 {
				t.Errorf("%s: %d do not reach the target", k, c.n)
			}
			if c.n < lineChart[k] && Achievement(with(lineChart, k, c.n+1, c.set), Windows{}) >= 1005000 {
				t.Errorf("%s: %d more still reach the target", k, c.n+1)
			}
		}
	}

	b, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`"allowed":{"break":{"great":1,"good":1,"miss":0,"perfect":20,"perfect_high":20}`, `"tap":{"great":21,"good":8,"miss":4}`} {
		if !strings.Contains(string(b), s) {
			t.Errorf("JSON lacks %s:\n%s", s, b)
		}
	}
}

func TestLineEdges(t *testing.T) {
	if _, err := NewLine([5]int{}, 1005000); err == nil || !strings.Contains(err.Error(), "songs sync") {
		t.Errorf("no note counts: err = %v, want one that says to sync song data", err)
	}
	l, err := NewLine(lineChart, 1010000)
	if err != nil || !l.Reachable || l.Allowed["tap"].Great != 0 || *l.Allowed["break"].Perfect != 0 {
		t.Errorf("101%%: %+v %v, want nothing allowed", l.Allowed, err)
	}
	// A target of 0 allows every note to be missed.
	if l, _ := NewLine(lineChart, 0); l.Allowed["tap"].Miss != 500 || l.Allowed["break"].Miss != 20 {
		t.Errorf("0%%: %+v, want every note", l.Allowed)
	}
}

func TestParseTarget(t *testing.T) {
	for in, want := range map[string]Target{
		"100.5":  {Achievement: 1005000},
		"99.5%":  {Achievement: 995000},
		"SSS+":   {Achievement: 1005000, Rank: maimai.RankSSSP},
		"sss":    {Achievement: 1000000, Rank: maimai.RankSSS},
		"ss+":    {Achievement: 995000, Rank: maimai.RankSSP},
		"s":      {Achievement: 970000, Rank: maimai.RankS},
		"aaa":    {Achievement: 940000, Rank: maimai.RankAAA},
		"+5":     {Rating: 5},
		" +12 ":  {Rating: 12},
		"101":    {Achievement: 1010000},
		"0.0001": {Achievement: 1},
	} {
		got, err := ParseTarget(in)
		if err != nil || got != want {
			t.Errorf("ParseTarget(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "101.0001", "+0", "+101", "+x", "sss++", "-3", "1e2"} {
		if _, err := ParseTarget(bad); err == nil {
			t.Errorf("ParseTarget(%q) gave no error", bad)
		}
	}
}

func TestCodec(t *testing.T) {
	d := maimai.PlayDetail{Judgements: maimai.Judgements{Tap: &example[0], Hold: &example[1], Slide: &example[2], Break: &example[4]}, Fast: 12, Late: 7}
	s := Encode(d)
	if s != "95 2 2 1 0 10 0 0 0 0 9 0 0 0 1 0 0 0 0 0 3 1 1 0 0 12 7" {
		t.Errorf("Encode = %q", s)
	}
	tb, f, l, err := Decode(s)
	if err != nil || tb != example || f != 12 || l != 7 {
		t.Errorf("Decode = %v %d %d %v", tb, f, l, err)
	}
	for _, bad := range []string{"", "1 2 3", s + " 1", strings.Replace(s, "12", "-1", 1), strings.Replace(s, "12", "x", 1)} {
		if _, _, _, err := Decode(bad); err == nil {
			t.Errorf("Decode(%q) gave no error", bad)
		}
	}
}

func TestAggregates(t *testing.T) {
	cn := time.FixedZone("UTC+8", 8*3600)
	a := maimai.Chart{Title: "A", Type: maimai.DX, Difficulty: maimai.Master}
	b := maimai.Chart{Title: "B", Type: maimai.Std, Difficulty: maimai.Expert}
	perfect := Perfect(example.Notes())
	samples := []Sample{
		{At: time.Date(2026, 1, 31, 17, 0, 0, 0, time.UTC), Chart: a, Level: "13+", Achievement: 974585, Table: example, Fast: 10, Late: 30},
		{At: time.Date(2026, 1, 31, 15, 0, 0, 0, time.UTC), Chart: a, Level: "13+", Achievement: 1010000, Table: perfect, Fast: 0, Late: 0},
		{At: time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC), Chart: b, Level: "13", Achievement: 974585, Table: example, Fast: 20, Late: 20},
	}
	all := Summarize(samples)
	if all.Plays != 3 || all.Fast != 30 || all.Late != 50 {
		t.Errorf("summary = %+v", all)
	}
	near(t, "fast share", all.FastShare(), 30.0/80, 1e-12)
	// Two plays of the example and one AP+: the SLIDE's mean is 2/3 of
	// the example's 1.714286%.
	near(t, "mean SLIDE loss", all.Kinds[Slide].Loss, 2.0/3*300/175, 1e-9)
	near(t, "TAP GREAT rate", all.Kinds[Tap].GreatRate(), 4.0/300, 1e-12)
	near(t, "SLIDE MISS rate", all.Kinds[Slide].MissRate(), 2.0/30, 1e-12)
	if all.Worst() != Slide {
		t.Errorf("worst = %v, want slide", all.Worst())
	}

	levels := ByLevel(samples)
	if len(levels) != 2 || levels[0].Level != "13" || levels[1].Level != "13+" || levels[1].Plays != 2 {
		t.Errorf("levels = %+v", levels)
	}
	charts := ByChart(samples)
	if len(charts) != 2 || charts[0].Chart != a || charts[0].Plays != 2 {
		t.Errorf("charts = %+v", charts)
	}
	// 2026-01-31 17:00 UTC is February 1st in CN.
	months := Monthly(samples, cn)
	if len(months) != 2 || months[0].Start != time.Date(2026, 1, 1, 0, 0, 0, 0, cn) || months[0].Plays != 2 || months[1].Plays != 1 {
		t.Errorf("months = %+v", months)
	}
	if f := Findings(all, levels, 1, 1); len(f) != 2 || f[1].Level != "13+" {
		t.Errorf("one level, the one played most: %+v", f)
	}
	f := Findings(all, levels, 2, 4)
	if len(f) != 2 || f[0].Level != "" || f[0].Kind != "slide" || f[1].Level != "13+" || f[1].Plays != 2 {
		t.Errorf("findings = %+v", f)
	}
	near(t, "13+ SLIDE", f[1].Loss, 300.0/175/2, 1e-9)
	if got := Summarize(nil); got.Plays != 0 || got.Kinds[Break].Kind != "break" || got.FastShare() != 0.5 {
		t.Errorf("empty summary = %+v", got)
	}
}
