package rating

import (
	"fmt"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

func mustRules(t testing.TB, r maimai.Region, v Version) Rules {
	t.Helper()
	rules, err := RulesFor(r, v)
	if err != nil {
		t.Fatal(err)
	}
	return rules
}

func ach(t testing.TB, s string) maimai.Achievement {
	t.Helper()
	a, err := maimai.ParseAchievement(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestParseConstant(t *testing.T) {
	for _, tt := range []struct {
		in      string
		want    Constant
		wantErr bool
	}{
		{"13.7", 137, false}, {"15.0", 150, false}, {"15", 150, false}, {" 1.0 ", 10, false},
		{"12.65", 0, true}, {"x", 0, true}, {"", 0, true}, {"-1.0", 0, true}, {"13.-", 0, true},
	} {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseConstant(tt.in)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Fatalf("ParseConstant(%q) = %d, %v; want %d, error %v", tt.in, got, err, tt.want, tt.wantErr)
			}
			if err == nil && got.String() != fmt.Sprintf("%d.%d", tt.want/10, tt.want%10) {
				t.Errorf("String() = %s", got)
			}
		})
	}
}

// TestFactorB50 walks every row of the current table and the achievement
// one step below it.
func TestFactorB50(t *testing.T) {
	rules := mustRules(t, maimai.CN, CN2026)
	for _, tt := range []struct {
		ach  string
		want int
	}{
		{"101.0000", 224}, {"100.5000", 224}, {"100.4999", 222}, {"100.4998", 216},
		{"100.0000", 216}, {"99.9999", 214}, {"99.9998", 211}, {"99.5000", 211},
		{"99.4999", 208}, {"99.0000", 208}, {"98.9999", 206}, {"98.9998", 203},
		{"98.0000", 203}, {"97.9999", 200}, {"97.0000", 200}, {"96.9999", 176},
		{"96.9998", 168}, {"94.0000", 168}, {"93.9999", 152}, {"90.0000", 152},
		{"89.9999", 136}, {"80.0000", 136}, {"79.9999", 128}, {"79.9998", 120},
		{"75.0000", 120}, {"74.9999", 112}, {"70.0000", 112}, {"69.9999", 96},
		{"60.0000", 96}, {"59.9999", 80}, {"50.0000", 80}, {"49.9999", 64},
		{"40.0000", 64}, {"39.9999", 48}, {"30.0000", 48}, {"29.9999", 32},
		{"20.0000", 32}, {"19.9999", 16}, {"10.0000", 16}, {"9.9999", 0}, {"0", 0},
	} {
		t.Run(tt.ach, func(t *testing.T) {
			if got := rules.Factor(ach(t, tt.ach)); got != tt.want {
				t.Errorf("Factor(%s) = %d, want %d", tt.ach, got, tt.want)
			}
		})
	}
}

func TestChartRatingB50(t *testing.T) {
	cn := mustRules(t, maimai.CN, CN2026)
	for _, tt := range []struct {
		c    Constant
		ach  string
		want int
	}{
		{150, "100.5000", 337}, // the doc's maximum
		{150, "101.0000", 337}, // achievement stops counting at 100.5
		{130, "100.5000", 292},
		{130, "100.4999", 290},
		{130, "100.0000", 280},
		{130, "99.9999", 278},
		{130, "99.5000", 272},
		{130, "99.0000", 267},
		{130, "98.9999", 265},
		{130, "98.0000", 258},
		{130, "97.0000", 252},
		{130, "96.9999", 221},
		{130, "80.0000", 141},
		{130, "79.9999", 133},
		{130, "75.0000", 117},
		{137, "100.5000", 308},
		{137, "100.3000", 296},
		{125, "57.0000", 57}, // float formulas give 56 (rating-rules.md §3)
		{10, "100.5000", 22},
		{150, "0", 0},
		{0, "100.5000", 0},
	} {
		t.Run(fmt.Sprintf("%s@%s", tt.c, tt.ach), func(t *testing.T) {
			if got := cn.ChartRating(tt.c, ach(t, tt.ach), maimai.NoFC); got != tt.want {
				t.Errorf("ChartRating(%s, %s) = %d, want %d", tt.c, tt.ach, got, tt.want)
			}
		})
	}
}

// TestChartRatingMatchesDF checks the integer form against diving-fish's
// float formula where the doc says they agree: every constant, every
// achievement from 97% up.
func TestChartRatingMatchesDF(t *testing.T) {
	if testing.Short() {
		t.Skip("5.7 million cases")
	}
	rules := mustRules(t, maimai.CN, CN2026)
	for c := Constant(10); c <= 150; c++ {
		ds, _ := strconv.ParseFloat(c.String(), 64)
		for a := maimai.Achievement(970000); a <= maimai.MaxAchievement; a++ {
			pct, _ := strconv.ParseFloat(a.String(), 64)
			f, _ := strconv.ParseFloat(strconv.Itoa(rules.Factor(a)/10)+"."+strconv.Itoa(rules.Factor(a)%10), 64)
			want := int(math.Floor(ds * f * math.Min(100.5, pct) / 100))
			if got := rules.ChartRating(c, a, maimai.NoFC); got != want {
				t.Fatalf("ChartRating(%s, %s) = %d, DF float formula %d", c, a, got, want)
			}
		}
	}
}

func TestAPBonus(t *testing.T) {
	for _, tt := range []struct {
		region maimai.Region
		v      Version
		fc     maimai.FC
		want   int
	}{
		{maimai.JP, Circle, maimai.AP, 338},
		{maimai.JP, Circle, maimai.APP, 338},
		{maimai.JP, Circle, maimai.FCP, 337},
		{maimai.JP, CirclePlus, maimai.AP, 338},
		{maimai.Intl, Circle, maimai.APP, 338},
		{maimai.JP, PrismPlus, maimai.AP, 337}, // before CiRCLE
		{maimai.Intl, PrismPlus, maimai.APP, 337},
		{maimai.CN, CN2026, maimai.APP, 337}, // CN has no AP bonus
	} {
		t.Run(fmt.Sprintf("%s/%s/%s", tt.region, tt.v, tt.fc), func(t *testing.T) {
			rules := mustRules(t, tt.region, tt.v)
			if got := rules.ChartRating(150, 1010000, tt.fc); got != tt.want {
				t.Errorf("ChartRating = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestRulesFor(t *testing.T) {
	for _, tt := range []struct {
		region   maimai.Region
		v        Version
		era      Era
		old, new int
		firstNew Version
		ap       bool
		plusFrom Constant
	}{
		{maimai.CN, CNDX, EraTypeSplit, 25, 15, CNDX, false, 7},
		{maimai.CN, CN2021, EraB40, 25, 15, CN2021, false, 7},
		{maimai.CN, CN2022, EraB40, 25, 15, CN2022, false, 7},
		{maimai.CN, CN2023, EraB50, 35, 15, CN2023, false, 7},
		{maimai.CN, CN2024, EraB50, 35, 15, CN2024, false, 7},
		{maimai.CN, CN2025, EraB50, 35, 15, CN2025, false, 6},
		{maimai.CN, CN2026, EraB50, 35, 15, CN2026, false, 6},
		{maimai.JP, DX, EraTypeSplit, 25, 15, DX, false, 7},
		{maimai.JP, DXPlus, EraTypeSplit, 25, 15, DXPlus, false, 7},
		{maimai.JP, Splash, EraB40, 25, 15, Splash, false, 7},
		{maimai.JP, SplashPlus, EraB40, 25, 15, SplashPlus, false, 7},
		{maimai.JP, Universe, EraB50, 35, 15, Universe, false, 7},
		{maimai.JP, Buddies, EraB50, 35, 15, Buddies, false, 7},
		{maimai.JP, BuddiesPlus, EraB50, 35, 15, BuddiesPlus, false, 6},
		{maimai.JP, PrismPlus, EraB50, 35, 15, PrismPlus, false, 6},
		{maimai.JP, Circle, EraB50, 35, 15, PrismPlus, true, 6},
		{maimai.Intl, CirclePlus, EraB50, 35, 15, Circle, true, 6},
	} {
		t.Run(fmt.Sprintf("%s/%s", tt.region, tt.v), func(t *testing.T) {
			r := mustRules(t, tt.region, tt.v)
			if r.Era != tt.era || r.OldSize != tt.old || r.NewSize != tt.new || r.FirstNew != tt.firstNew || r.APBonus != tt.ap || r.PlusFrom != tt.plusFrom {
				t.Errorf("RulesFor = era %s, %d+%d, first new %s, AP %v, + from %d; want %s, %d+%d, %s, %v, %d",
					r.Era, r.OldSize, r.NewSize, r.FirstNew, r.APBonus, r.PlusFrom,
					tt.era, tt.old, tt.new, tt.firstNew, tt.ap, tt.plusFrom)
			}
		})
	}
	for _, tt := range []struct {
		region maimai.Region
		v      Version
	}{
		{maimai.CN, BuddiesPlus}, // a JP version, not a CN one
		{maimai.CN, Circle},
		{maimai.JP, Finale}, // no DX rating yet
		{maimai.JP, 27000},
		{"kr", Prism},
	} {
		if _, err := RulesFor(tt.region, tt.v); err == nil {
			t.Errorf("RulesFor(%s, %s) succeeded, want an error", tt.region, tt.v)
		}
	}
}

func TestOlderEraFactors(t *testing.T) {
	b40 := mustRules(t, maimai.CN, CN2022)
	split := mustRules(t, maimai.JP, DXPlus)
	for _, tt := range []struct {
		name  string
		rules Rules
		c     Constant
		ach   string
		want  int
	}{
		// B40: 14 × factor × min(ach, 100.5)
		{"B40 SSS+", b40, 140, "100.5000", 196},
		{"B40 SSS", b40, 140, "100.0000", 189},
		{"B40 SS+ edge", b40, 140, "99.9999", 184},    // 13.2 × 99.9999%: no edge rows in B40
		{"B40 S", b40, 130, "97.0000", 157},           // 13 × 12.5 × 0.97 = 157.625
		{"B40 AAA", b40, 130, "96.9999", 132},         // 13 × 10.5 × 0.969999
		{"B40 below C", b40, 130, "49.9999", 0},       // no rows under 50
		{"split SSS+", split, 150, "100.5000", 226},   // 15 × 15 × 1.005
		{"split 99.99", split, 130, "99.9900", 175},   // 13 × 13.5 × 0.9999
		{"split 99.9899", split, 130, "99.9899", 168}, // 13 × 13 × 0.999899
		{"split AAA", split, 130, "94.0000", 114},     // 13 × 9.4 × 0.94
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.rules.ChartRating(tt.c, ach(t, tt.ach), maimai.NoFC); got != tt.want {
				t.Errorf("ChartRating(%s, %s) = %d, want %d", tt.c, tt.ach, got, tt.want)
			}
		})
	}
}

func TestLevel(t *testing.T) {
	before := mustRules(t, maimai.JP, Buddies)
	after := mustRules(t, maimai.JP, BuddiesPlus)
	for _, tt := range []struct {
		c             Constant
		before, after string
	}{
		{136, "13", "13+"}, {137, "13+", "13+"}, {135, "13", "13"}, {130, "13", "13"},
		{149, "14+", "14+"}, {150, "15", "15"}, {69, "6", "6"}, {76, "7", "7+"}, {77, "7+", "7+"}, {10, "1", "1"},
	} {
		if got := before.Level(tt.c); got != tt.before {
			t.Errorf("BUDDiES Level(%s) = %s, want %s", tt.c, got, tt.before)
		}
		if got := after.Level(tt.c); got != tt.after {
			t.Errorf("BUDDiES PLUS Level(%s) = %s, want %s", tt.c, got, tt.after)
		}
	}
}

func TestRulesAt(t *testing.T) {
	for _, tt := range []struct {
		region maimai.Region
		at     time.Time
		era    Era
		v      Version
	}{
		{maimai.CN, time.Date(2020, 12, 1, 0, 0, 0, 0, time.UTC), EraTypeSplit, CNDX},
		{maimai.CN, time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC), EraB40, CN2021},
		{maimai.CN, time.Date(2023, 7, 1, 0, 0, 0, 0, time.UTC), EraB50, CN2023},
		{maimai.JP, time.Date(2021, 6, 1, 0, 0, 0, 0, time.UTC), EraB40, SplashPlus},
		{maimai.JP, time.Date(2021, 10, 1, 0, 0, 0, 0, time.UTC), EraB50, Universe},
	} {
		r, err := RulesAt(tt.region, tt.at)
		if err != nil || r.Era != tt.era || r.Version != tt.v {
			t.Errorf("RulesAt(%s, %s) = %s %s, %v; want %s %s", tt.region, tt.at.Format(time.DateOnly), r.Era, r.Version, err, tt.era, tt.v)
		}
	}
	for _, tt := range []struct {
		region maimai.Region
		at     time.Time
	}{
		{maimai.JP, time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC)}, // MiLK: no DX rating
		{maimai.Intl, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		if _, err := RulesAt(tt.region, tt.at); err == nil {
			t.Errorf("RulesAt(%s, %s) succeeded, want an error", tt.region, tt.at.Format(time.DateOnly))
		}
	}
}
