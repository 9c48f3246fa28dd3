package rating

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// best builds a Best on a Master chart unless diff says otherwise.
func best(title string, typ maimai.ChartType, c Constant, a maimai.Achievement, v Version) Best {
	return Best{
		Key:         Key{Chart: maimai.Chart{Title: title, Type: typ, Difficulty: maimai.Master}},
		Constant:    c,
		Achievement: a,
		Version:     v,
	}
}

func titles(es []Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Title
	}
	return out
}

func ratings(es []Entry) []int {
	out := make([]int, len(es))
	for i, e := range es {
		out[i] = e.Rating
	}
	return out
}

func TestPlayerRatingFewScores(t *testing.T) {
	rules := mustRules(t, maimai.CN, CN2026)
	utage := best("宴 chart", maimai.DX, 145, 1010000, PrismPlus)
	utage.Difficulty = maimai.Utage
	utageByID := best("buddy", maimai.DX, 145, 1010000, PrismPlus)
	utageByID.SongID = 110001
	removed := best("deleted", maimai.DX, 149, 1010000, Festival)
	removed.Removed = true
	expert := best("B", maimai.Std, 120, 990000, Maimai)
	expert.Difficulty = maimai.Expert
	bests := []Best{
		best("A", maimai.DX, 130, 1005000, CN2023), // 292
		utage,
		expert, // 247
		best("C", maimai.DX, 140, 1000000, PrismPlus), // 302, new
		removed,
		utageByID,
	}
	res := rules.PlayerRating(bests)
	if got, want := titles(res.Old), []string{"A", "B"}; !slices.Equal(got, want) {
		t.Errorf("old = %v, want %v", got, want)
	}
	if got, want := ratings(res.Old), []int{292, 247}; !slices.Equal(got, want) {
		t.Errorf("old ratings = %v, want %v", got, want)
	}
	if got, want := titles(res.New), []string{"C"}; !slices.Equal(got, want) {
		t.Errorf("new = %v, want %v", got, want)
	}
	if res.OldTotal != 539 || res.NewTotal != 302 || res.Total() != 841 {
		t.Errorf("totals = %d + %d = %d, want 539 + 302 = 841", res.OldTotal, res.NewTotal, res.Total())
	}
	if res.Old[1].Index != 2 || res.New[0].Index != 3 {
		t.Errorf("indexes = %d, %d; want 2, 3", res.Old[1].Index, res.New[0].Index)
	}
	if rules.Rating(utage) != 0 || rules.Rating(utageByID) != 0 {
		t.Error("utage charts have a rating")
	}
	if empty := rules.PlayerRating(nil); empty.Total() != 0 || len(empty.Old)+len(empty.New) != 0 {
		t.Errorf("no bests: %+v", empty)
	}
}

func TestPlayerRatingTies(t *testing.T) {
	rules := mustRules(t, maimai.CN, CN2026)
	bests := []Best{
		best("13.0 at 100.0000 first", maimai.DX, 130, 1000000, Festival), // 280
		best("13.0 at 100.0200", maimai.DX, 130, 1000200, Festival),       // 280
		best("13.3 at 99.7800", maimai.DX, 133, 997800, Festival),         // 280
		best("13.0 at 100.0000 second", maimai.Std, 130, 1000000, Festival),
		best("top", maimai.DX, 140, 1005000, Festival), // 315
		best("low", maimai.DX, 100, 1005000, Festival), // 225
	}
	res := rules.PlayerRating(bests)
	want := []string{"top", "13.3 at 99.7800", "13.0 at 100.0200", "13.0 at 100.0000 first", "13.0 at 100.0000 second", "low"}
	if got := titles(res.Old); !slices.Equal(got, want) {
		t.Errorf("order = %q\nwant    %q", got, want)
	}
	if got, want := ratings(res.Old), []int{315, 280, 280, 280, 280, 225}; !slices.Equal(got, want) {
		t.Errorf("ratings = %v, want %v", got, want)
	}
	// Reversing the input reverses only the full tie.
	slices.Reverse(bests)
	res = rules.PlayerRating(bests)
	want[3], want[4] = want[4], want[3]
	if got := titles(res.Old); !slices.Equal(got, want) {
		t.Errorf("reversed order = %q\nwant             %q", got, want)
	}
}

func TestPlayerRatingDuplicates(t *testing.T) {
	rules := mustRules(t, maimai.CN, CN2026)
	var bests []Best
	for i := range 36 {
		bests = append(bests, best(fmt.Sprintf("old %02d", i), maimai.DX, Constant(100+i), 1005000, Buddies))
	}
	// A second, lower entry of the top chart, and one of a same-titled
	// chart of another song, which is a different chart.
	dup := best("old 35", maimai.DX, 135, 1000000, Buddies)
	other := best("old 35", maimai.DX, 135, 1000000, Buddies)
	other.SongID = 11235
	bests = append(bests, dup, other)
	res := rules.PlayerRating(bests)
	if len(res.Old) != 35 {
		t.Fatalf("old has %d charts, want 35", len(res.Old))
	}
	count := 0
	for _, e := range res.Old {
		if e.Title == "old 35" {
			count++
			if e.SongID == 0 && e.Achievement != 1005000 {
				t.Errorf("the lower entry of old 35 counted: %+v", e)
			}
		}
	}
	if count != 2 {
		t.Errorf("old 35 counted %d times, want 2 (one per song)", count)
	}
}

func TestPlayerRatingManyScores(t *testing.T) {
	rules := mustRules(t, maimai.CN, CN2026)
	var bests []Best
	for i := range 40 {
		bests = append(bests, best(fmt.Sprintf("old %02d", i), maimai.DX, Constant(100+i), 1005000, Prism))
	}
	for i := range 20 {
		bests = append(bests, best(fmt.Sprintf("new %02d", i), maimai.DX, Constant(120+i), 1000000, PrismPlus))
	}
	res := rules.PlayerRating(bests)
	if len(res.Old) != 35 || len(res.New) != 15 {
		t.Fatalf("tables have %d + %d charts, want 35 + 15", len(res.Old), len(res.New))
	}
	if res.Old[0].Title != "old 39" || res.Old[34].Title != "old 05" || res.New[0].Title != "new 19" || res.New[14].Title != "new 05" {
		t.Errorf("ends: %s … %s, %s … %s", res.Old[0].Title, res.Old[34].Title, res.New[0].Title, res.New[14].Title)
	}
	wantOld, wantNew := 0, 0
	for i := 5; i < 40; i++ {
		wantOld += int(int64(100+i) * 224 * 1005000 / 100_000_000)
	}
	for i := 5; i < 20; i++ {
		wantNew += int(int64(120+i) * 216 * 1000000 / 100_000_000)
	}
	if res.OldTotal != wantOld || res.NewTotal != wantNew {
		t.Errorf("totals %d + %d, want %d + %d", res.OldTotal, res.NewTotal, wantOld, wantNew)
	}
}

// TestPlayerRatingMaximum is the doc's 50 × 337 = 16,850.
func TestPlayerRatingMaximum(t *testing.T) {
	rules := mustRules(t, maimai.CN, CN2026)
	var bests []Best
	for i := range 60 {
		v := Festival
		if i%4 == 0 { // 15 new, 45 old
			v = PrismPlus
		}
		bests = append(bests, best(fmt.Sprint(i), maimai.DX, 150, 1010000, v))
	}
	if got := rules.PlayerRating(bests).Total(); got != 16850 {
		t.Errorf("total = %d, want 16850", got)
	}
}

func TestIsNew(t *testing.T) {
	for _, tt := range []struct {
		region maimai.Region
		rules  Version
		chart  Version
		flag   Newness
		want   bool
	}{
		{maimai.CN, CN2026, PrismPlus, ByVersion, true},
		{maimai.CN, CN2026, Prism, ByVersion, false},
		{maimai.CN, CN2026, Maimai, ByVersion, false},
		{maimai.CN, CN2026, Circle, ByVersion, true},      // not yet in CN: newer than anything
		{maimai.CN, CN2024, BuddiesPlus, ByVersion, true}, // JP BUDDiES PLUS songs came with 舞萌DX 2024
		{maimai.CN, CN2024, Buddies, ByVersion, true},
		{maimai.CN, CN2024, FestivalPlus, ByVersion, false},
		{maimai.CN, CN2022, UniversePlus, ByVersion, true},
		{maimai.CN, CN2026, Prism, IsNew, true},
		{maimai.CN, CN2026, PrismPlus, IsOld, false},
		{maimai.JP, PrismPlus, PrismPlus, ByVersion, true},
		{maimai.JP, PrismPlus, Prism, ByVersion, false},
		{maimai.JP, BuddiesPlus, Buddies, ByVersion, false}, // a PLUS is its own version
		{maimai.JP, Circle, Circle, ByVersion, true},
		{maimai.JP, Circle, PrismPlus, ByVersion, true}, // from CiRCLE: the previous version too
		{maimai.JP, Circle, Prism, ByVersion, false},
		{maimai.JP, CirclePlus, Circle, ByVersion, true},
		{maimai.JP, CirclePlus, PrismPlus, ByVersion, false},
		{maimai.Intl, CirclePlus, Circle, ByVersion, true},
		{maimai.Intl, Universe, Universe, ByVersion, true},
		{maimai.Intl, Universe, SplashPlus, ByVersion, false},
	} {
		t.Run(fmt.Sprintf("%s/%s/%s/%d", tt.region, tt.rules, tt.chart, tt.flag), func(t *testing.T) {
			rules := mustRules(t, tt.region, tt.rules)
			b := best("x", maimai.DX, 130, 1000000, tt.chart)
			b.New = tt.flag
			if got := rules.IsNew(b); got != tt.want {
				t.Errorf("IsNew = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestPlayerRatingB40 recomputes a 舞萌DX 2022 rating: 25 old + 15 new
// with the table topped by 14.
func TestPlayerRatingB40(t *testing.T) {
	rules := mustRules(t, maimai.CN, CN2022)
	var bests []Best
	for i := range 30 {
		bests = append(bests, best(fmt.Sprintf("old %02d", i), maimai.DX, 140, 1005000, Splash)) // 196 each
	}
	for i := range 20 {
		bests = append(bests, best(fmt.Sprintf("new %02d", i), maimai.DX, 130, 970000, UniversePlus)) // 157 each
	}
	res := rules.PlayerRating(bests)
	if len(res.Old) != 25 || len(res.New) != 15 {
		t.Fatalf("tables have %d + %d charts, want 25 + 15", len(res.Old), len(res.New))
	}
	if res.OldTotal != 25*196 || res.NewTotal != 15*157 {
		t.Errorf("totals %d + %d, want %d + %d", res.OldTotal, res.NewTotal, 25*196, 15*157)
	}
	if got := rules.Band(res.Total()); got.Colour != Silver || got.Min != 7000 {
		t.Errorf("band of %d = %+v, want silver from 7000", res.Total(), got)
	}
}

// TestPlayerRatingTypeSplit is era A: standard charts fill the 25, DX
// charts the 15, whatever their version.
func TestPlayerRatingTypeSplit(t *testing.T) {
	rules := mustRules(t, maimai.JP, DXPlus)
	bests := []Best{
		best("sd old", maimai.Std, 130, 1005000, Finale),
		best("sd new", maimai.Std, 120, 1005000, DXPlus),
		best("dx old", maimai.DX, 125, 1000000, DX),
		best("dx new", maimai.DX, 135, 990000, DXPlus),
	}
	bests[1].New = IsNew // the flag does not matter in this era
	res := rules.PlayerRating(bests)
	if got, want := titles(res.Old), []string{"sd old", "sd new"}; !slices.Equal(got, want) {
		t.Errorf("SD table = %v, want %v", got, want)
	}
	if got, want := titles(res.New), []string{"dx old", "dx new"}; !slices.Equal(got, want) {
		t.Errorf("DX table = %v, want %v", got, want)
	}
	// 13×15×1.005 = 195.975; 12×15×1.005 = 180.9; 13.5×12×0.99 = 160.38; 12.5×14×1 = 175
	if got, want := ratings(res.Old), []int{195, 180}; !slices.Equal(got, want) {
		t.Errorf("SD ratings = %v, want %v", got, want)
	}
	if got, want := ratings(res.New), []int{175, 160}; !slices.Equal(got, want) {
		t.Errorf("DX ratings = %v, want %v", got, want)
	}
}

// TestPlayerRatingAgainstSort compares PlayerRating with the obvious
// algorithm (sort everything, keep the first entry of each chart) on
// random players with many repeated charts and ties.
func TestPlayerRatingAgainstSort(t *testing.T) {
	rules := mustRules(t, maimai.JP, Circle)
	rng := rand.New(rand.NewPCG(7, 8))
	versions := []Version{Festival, Prism, PrismPlus, Circle}
	for round := range 200 {
		bests := make([]Best, rng.IntN(300))
		for i := range bests {
			bests[i] = best(fmt.Sprint("song ", rng.IntN(80)), maimai.DX, Constant(125+rng.IntN(4)),
				maimai.Achievement(995000+rng.IntN(4)*2500), versions[rng.IntN(len(versions))])
			bests[i].FC = []maimai.FC{maimai.NoFC, maimai.AP}[rng.IntN(2)]
		}
		got := rules.PlayerRating(bests)
		for _, table := range []struct {
			name string
			got  []Entry
			new  bool
			n    int
		}{{"old", got.Old, false, 35}, {"new", got.New, true, 15}} {
			var all []Entry
			for i, b := range bests {
				if rules.IsNew(b) == table.new {
					all = append(all, Entry{Best: b, Rating: rules.Rating(b), Index: i})
				}
			}
			slices.SortStableFunc(all, func(x, y Entry) int {
				return cmp.Or(cmp.Compare(y.Rating, x.Rating), cmp.Compare(y.Constant, x.Constant), cmp.Compare(y.Achievement, x.Achievement))
			})
			var want []int
			seen := map[Key]bool{}
			for _, e := range all {
				if !seen[e.Key] && len(want) < table.n {
					seen[e.Key] = true
					want = append(want, e.Index)
				}
			}
			var gotIdx []int
			for _, e := range table.got {
				gotIdx = append(gotIdx, e.Index)
			}
			if !slices.Equal(gotIdx, want) {
				t.Fatalf("round %d, %s table: indexes %v, want %v", round, table.name, gotIdx, want)
			}
		}
	}
}
