package maimai

import (
	"encoding/json"
	"testing"
	"time"
)

func TestParseAchievement(t *testing.T) {
	tests := []struct {
		in      string
		want    Achievement
		wantErr bool
	}{
		{"100.1143%", 1001143, false},
		{"100.1143", 1001143, false},
		{" 26.8277% ", 268277, false},
		{"101.0000%", 1010000, false},
		{"100.5%", 1005000, false},
		{"100%", 1000000, false},
		{"0.0000%", 0, false},
		{"97.12345%", 0, true}, // five decimals: the site never prints them
		{"abc", 0, true},
		{"", 0, true},
		{"-1.0000%", 0, true},
		{"300.0000%", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseAchievement(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseAchievement(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("ParseAchievement(%q) = %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

func TestAchievementJSON(t *testing.T) {
	for _, tt := range []struct {
		a    Achievement
		want string
	}{{1001143, "100.1143"}, {1005000, "100.5"}, {1000000, "100"}, {0, "0"}, {268277, "26.8277"}, {50, "0.005"}} {
		b, err := json.Marshal(tt.a)
		if err != nil || string(b) != tt.want {
			t.Errorf("Marshal(%d) = %s, %v; want %s", tt.a, b, err, tt.want)
		}
		var back Achievement
		if err := json.Unmarshal(b, &back); err != nil || back != tt.a {
			t.Errorf("Unmarshal(%s) = %d, %v; want %d", b, back, err, tt.a)
		}
	}
	// A difference (a play minus the best before it) may be negative and
	// must still be a JSON number.
	for a, want := range map[Achievement]string{-5000: "-0.5", -1010000: "-101", -12345: "-1.2345"} {
		if b, err := json.Marshal(a); err != nil || string(b) != want {
			t.Errorf("Marshal(%d) = %s, %v; want %s", a, b, err, want)
		}
	}
}

func TestRankOf(t *testing.T) {
	for _, tt := range []struct {
		a    Achievement
		want Rank
	}{
		{1010000, RankSSSP}, {1005000, RankSSSP}, {1004999, RankSSS}, {1000000, RankSSS},
		{999999, RankSSP}, {995000, RankSSP}, {994999, RankSS}, {990000, RankSS},
		{989999, RankSP}, {980000, RankSP}, {979999, RankS}, {970000, RankS},
		{969999, RankAAA}, {940000, RankAAA}, {939999, RankAA}, {900000, RankAA},
		{899999, RankA}, {800000, RankA}, {799999, RankBBB}, {750000, RankBBB},
		{749999, RankBB}, {700000, RankBB}, {699999, RankB}, {600000, RankB},
		{599999, RankC}, {500000, RankC}, {499999, RankD}, {0, RankD},
	} {
		if got := RankOf(tt.a); got != tt.want {
			t.Errorf("RankOf(%s) = %s, want %s", tt.a, got, tt.want)
		}
	}
}

func TestRegionLocation(t *testing.T) {
	for _, tt := range []struct {
		r      Region
		offset int
	}{{CN, 8 * 3600}, {Intl, 9 * 3600}, {JP, 9 * 3600}} {
		_, off := time.Date(2025, 1, 1, 0, 0, 0, 0, tt.r.Location()).Zone()
		if off != tt.offset {
			t.Errorf("%s offset = %d, want %d", tt.r, off, tt.offset)
		}
	}
	at := time.Date(2025, 11, 22, 21, 51, 0, 0, CN.Location())
	b, _ := json.Marshal(at)
	if string(b) != `"2025-11-22T21:51:00+08:00"` {
		t.Errorf("CN time JSON = %s", b)
	}
}

func TestValidity(t *testing.T) {
	if !FC("app").Valid() || FC("fdx").Valid() || !FS("fsd").Valid() || FS("fdx").Valid() {
		t.Error("FC/FS validity wrong")
	}
	if Utage.Index() != 10 || Master.Index() != 3 || Difficulty("x").Valid() {
		t.Error("difficulty index wrong")
	}
}
