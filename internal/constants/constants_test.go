package constants

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/rating"
)

func TestLevelRange(t *testing.T) {
	for _, tc := range []struct {
		level  string
		lo, hi rating.Constant
		ok     bool
	}{
		{"13+", 136, 139, true},
		{"13", 130, 136, true},
		{"7", 70, 76, true},
		{"7+", 76, 79, true},
		{"6", 60, 69, true},
		{"1", 10, 19, true},
		{"14+", 146, 149, true},
		{"15", 150, 150, true},
		{"6+", 0, 0, false},
		{"15+", 0, 0, false},
		{"13+?", 0, 0, false},
		{"", 0, 0, false},
		{"16", 0, 0, false},
		{"0", 0, 0, false},
		{"+", 0, 0, false},
	} {
		lo, hi, ok := LevelRange(tc.level)
		if lo != tc.lo || hi != tc.hi || ok != tc.ok {
			t.Errorf("LevelRange(%q) = %v, %v, %v; want %v, %v, %v", tc.level, lo, hi, ok, tc.lo, tc.hi, tc.ok)
		}
	}
}

// site plays a scenario the way the site does: it keeps every best with
// the true constants and prints the rating after each play, as computed by
// rating.Rules.PlayerRating (not by this package's counts).
type site struct {
	t     *testing.T
	rules rating.Rules
	in    Input
	truth []rating.Constant
	best  []rating.Best
	has   []bool
	now   time.Time
	ids   int64
}

var cn2025 = time.Date(2025, 10, 1, 12, 0, 0, 0, time.UTC)

func newSite(t *testing.T) *site {
	rules, err := rating.RulesFor(maimai.CN, rating.CN2025)
	if err != nil {
		t.Fatal(err)
	}
	return &site{t: t, rules: rules, now: cn2025, in: Input{Rules: func(time.Time) (rating.Rules, error) { return rules, nil }}}
}

// chart adds a chart of level with true constant truth; known says whether
// the song data has it (songData, which may differ from the truth).
func (s *site) chart(level string, truth rating.Constant, isNew bool, songData rating.Constant) int {
	v := rating.CN2024
	if isNew {
		v = rating.CN2025
	}
	i := len(s.in.Charts)
	s.in.Charts = append(s.in.Charts, Chart{Key: rating.Key{SongID: 1000 + i, Chart: maimai.Chart{Title: fmt.Sprintf("Song %03d", i),
		Type: maimai.DX, Difficulty: maimai.Master}}, Level: level, Version: v, Constant: songData})
	s.truth = append(s.truth, truth)
	s.best = append(s.best, rating.Best{Key: s.in.Charts[i].Key, Constant: truth, Version: v})
	s.has = append(s.has, false)
	return i
}

func (s *site) total() int {
	var bs []rating.Best
	for i, b := range s.best {
		if s.has[i] {
			bs = append(bs, b)
		}
	}
	return s.rules.PlayerRating(bs).Total()
}

// play plays chart c at achievement a; detail says whether the play's
// detail page (with the printed rating) was saved. It returns the play.
func (s *site) play(c int, a maimai.Achievement, detail bool) Play {
	s.now = s.now.Add(4 * time.Minute)
	before := s.total()
	if a > s.best[c].Achievement || !s.has[c] {
		s.best[c].Achievement = max(a, s.best[c].Achievement)
		s.has[c] = true
		s.in.Steps = append(s.in.Steps, Step{Chart: c, At: s.now, Achievement: s.best[c].Achievement})
	}
	after := s.total()
	s.ids++
	p := Play{ID: s.ids, Chart: c, At: s.now, Achievement: a, Rating: after, Delta: after - before}
	if detail {
		s.in.Plays = append(s.in.Plays, p)
	}
	return p
}

// fill plays n known old charts and m known new ones, so the tables are
// full, at achievements spread over 97–100.5%.
func (s *site) fill(n, m int) {
	for i := range n + m {
		c := rating.Constant(125 + i%15)
		k := s.chart(s.rules.Level(c), c, i >= n, c)
		s.play(k, maimai.Achievement(970000+(i*977)%35000), false)
	}
}

func estimateOf(t *testing.T, r Result, chart int) Estimate {
	t.Helper()
	for _, e := range r.Estimates {
		if e.Chart == chart {
			return e
		}
	}
	t.Fatalf("no estimate of chart %d in %+v", chart, r.Estimates)
	return Estimate{}
}

func TestLearn(t *testing.T) {
	t.Run("a new chart entering a B15 that is not full is pinned by one play", func(t *testing.T) {
		s := newSite(t)
		s.fill(40, 5)
		x := s.chart("13+", 137, true, 0)
		p := s.play(x, 1005000, true)
		// Worked by hand: 13.7 × 22.4 × 100.5% = 308.41 → 308, the whole
		// change since the B15 has room (13.6 → 306, 13.8 → 310).
		if p.Delta != 308 {
			t.Fatalf("the site printed +%d; the worked example says +308", p.Delta)
		}
		r := Learn(s.in)
		e := estimateOf(t, r, x)
		if e.Status != Certain || !slices.Equal(e.Candidates, []rating.Constant{137}) {
			t.Fatalf("estimate %s %v, want certain [13.7]", e.Status, e.Candidates)
		}
		if len(e.Evidence) != 1 || e.Evidence[0].PlayID != p.ID || !slices.Equal(e.Evidence[0].Allowed, []rating.Constant{137}) {
			t.Fatalf("evidence %+v", e.Evidence)
		}
		if r.Plays != 1 || r.Used != 1 || r.Unaligned != 0 {
			t.Fatalf("plays %d used %d unaligned %d, want 1 1 0", r.Plays, r.Used, r.Unaligned)
		}
	})
	t.Run("entering a full table replaces its lowest", func(t *testing.T) {
		s := newSite(t)
		s.fill(40, 20)
		x := s.chart("14", 142, true, 0)
		s.play(x, 1003000, true)
		e := estimateOf(t, Learn(s.in), x)
		if e.Status != Certain || e.Candidates[0] != 142 {
			t.Fatalf("estimate %s %v, want certain [14.2]", e.Status, e.Candidates)
		}
	})
	t.Run("a play that did not enter the table bounds the constant from above", func(t *testing.T) {
		s := newSite(t)
		s.fill(40, 20)
		x := s.chart("12", 121, false, 0)
		p := s.play(x, 950000, true) // far below the B35's lowest
		if p.Delta != 0 {
			t.Fatalf("setup: the play changed the rating by %d", p.Delta)
		}
		e := estimateOf(t, Learn(s.in), x)
		if e.Status != Unpinned || len(e.Candidates) != 7 {
			t.Fatalf("estimate %s %v: a play far below the table allows every constant of 12", e.Status, e.Candidates)
		}
	})
	t.Run("two unknown charts in one table: the later pins the earlier by a second sweep", func(t *testing.T) {
		s := newSite(t)
		s.fill(40, 5)
		y := s.chart("13", 134, true, 0)
		x := s.chart("14+", 147, true, 0)
		s.play(y, 990000, false) // no detail: y is unknown when x is played
		s.play(x, 1001000, true)
		s.play(y, 1004000, true) // y's own play, now with x pinned
		r := Learn(s.in)
		for c, want := range map[int]rating.Constant{x: 147, y: 134} {
			e := estimateOf(t, r, c)
			if e.Status != Certain || e.Candidates[0] != want {
				t.Errorf("chart %d: %s %v, want certain %v", c, e.Status, e.Candidates, want)
			}
		}
	})
	t.Run("a best the archive lacks makes the play unaligned, not evidence", func(t *testing.T) {
		s := newSite(t)
		s.fill(40, 5)
		m := s.chart("14", 140, true, 140)
		s.play(m, 1000000, false)
		s.in.Steps = s.in.Steps[:len(s.in.Steps)-1] // the archive never saw it
		x := s.chart("13+", 138, true, 0)
		s.play(x, 1002000, true)
		r := Learn(s.in)
		if r.Unaligned != 1 || r.Used != 0 {
			t.Fatalf("unaligned %d used %d, want 1 0", r.Unaligned, r.Used)
		}
		for _, e := range r.Estimates {
			if e.Chart == x {
				t.Fatalf("an unaligned play gave evidence: %+v", e)
			}
		}
	})
	t.Run("a printed rating no constant of the level gives is a contradiction", func(t *testing.T) {
		s := newSite(t)
		s.fill(40, 5)
		x := s.chart("13", 132, true, 0)
		before := s.total()
		p := s.play(x, 1005000, false)
		// +400 in one play is more than any 13 can give (13.6 at SSS+ is 306).
		p.Rating, p.Delta = before+400, 400
		s.in.Plays = append(s.in.Plays, p)
		e := estimateOf(t, Learn(s.in), x)
		if e.Status != Contradiction || len(e.Evidence) != 1 || len(e.Evidence[0].Allowed) != 0 {
			t.Fatalf("estimate %s %+v, want a contradiction with one play allowing nothing", e.Status, e.Evidence)
		}
	})
	t.Run("song data that disagrees with the plays is reported", func(t *testing.T) {
		s := newSite(t)
		s.fill(40, 5)
		// A chart whose song data fits first: after x, whose song data is
		// wrong, enters the table, the archive's B15 is no longer the site's.
		ok := s.chart("13+", 137, true, 137)
		s.play(ok, 1005000, true)
		x := s.chart("13+", 139, true, 136) // the song data says 13.6, the site rates 13.9
		s.play(x, 1005000, true)
		r := Learn(s.in)
		e := estimateOf(t, r, x)
		if !e.Disagrees || e.SongData != 136 || e.Status != Certain || e.Candidates[0] != 139 {
			t.Fatalf("estimate %+v, want a disagreement: song data 13.6, plays 13.9", e)
		}
		for _, e := range r.Estimates {
			if e.Chart == ok {
				t.Fatalf("a chart whose song data fits is listed: %+v", e)
			}
		}
		if r.Confirmed != 1 {
			t.Fatalf("confirmed %d, want 1", r.Confirmed)
		}
	})
	t.Run("a constant changed by a sync counts from its time", func(t *testing.T) {
		s := newSite(t)
		s.fill(40, 5)
		k := s.chart("14", 141, true, 143)
		s.in.Charts[k].Changes = []Change{{At: s.now.Add(2 * time.Minute), Constant: 141}}
		s.play(k, 1005000, false)
		x := s.chart("12+", 127, true, 0)
		s.play(x, 1005000, true)
		e := estimateOf(t, Learn(s.in), x)
		if e.Status != Certain || e.Candidates[0] != 127 {
			t.Fatalf("estimate %s %v, want certain [12.7]", e.Status, e.Candidates)
		}
	})
}

// TestEvidenceOverTheLevel: each play's evidence is what it allows of the
// level's whole range, not the constant the estimate ends with: a first
// play that leaves several constants shows them, and a later one that
// pins shows one (a review found every row said "allows 13.4", so the page could not
// tell how the constant was found).
func TestEvidenceOverTheLevel(t *testing.T) {
	const truth = 134
	for a := maimai.Achievement(100000); a < 900000; a += 5000 {
		s := newSite(t)
		s.fill(40, 5)
		x := s.chart("13", truth, true, 0)
		s.play(x, a, true)
		first := estimateOf(t, Learn(s.in), x)
		if len(first.Candidates) < 2 || len(first.Candidates) == 7 {
			continue // this achievement pins at once, or says nothing
		}
		s.play(x, 1005000, true)
		e := estimateOf(t, Learn(s.in), x)
		if e.Status != Certain || e.Candidates[0] != truth || len(e.Evidence) != 2 {
			t.Fatalf("after a pinning play at 100.5%%: %s %v, %d plays", e.Status, e.Candidates, len(e.Evidence))
		}
		if !slices.Equal(e.Evidence[0].Allowed, first.Candidates) {
			t.Errorf("the first play (%s) shows %v; alone it allowed %v", a, e.Evidence[0].Allowed, first.Candidates)
		}
		if !slices.Equal(e.Evidence[1].Allowed, []rating.Constant{truth}) {
			t.Errorf("the pinning play shows %v, want [13.4]", e.Evidence[1].Allowed)
		}
		return
	}
	t.Fatal("no achievement whose play leaves several constants of 13: the scenario needs one")
}
