package dxnet

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

func TestParsePlayerData(t *testing.T) {
	all := func(got int) maimai.Count { return maimai.Count{Got: got, Total: 5562} }
	tests := []struct {
		page page
		want PlayerDataPage
	}{
		{
			page{fixture: "intl/playerData-minty-1.html"},
			PlayerDataPage{
				Header: Header{Kind: KindPlayerData, Region: maimai.Intl, SiteVersion: "1.50"},
				Profile: Profile{
					Name:             "ＭＩＮＴＹ",
					Rating:           13394,
					RatingBand:       "silver",
					Stars:            221,
					Trophy:           "でびゅー",
					TrophyColor:      "normal",
					Icon:             "https://maimaidx-eng.com/maimai-mobile/img/Icon/5e36d628037fba47.png",
					CourseRank:       "course_rank_00T7GHJvGe.png",
					ClassRank:        "class_rank_s_10FODgtQo4.png",
					PlayCount:        602,
					PlayCountVersion: 602,
				},
				Counts: map[string]maimai.Count{
					"sssp": all(48), "sss": all(137), "ssp": all(213), "ss": all(298), "sp": all(447),
					"s": all(566), "clear": all(959),
					"app": all(0), "ap": all(1), "fcp": all(55), "fc": all(132),
					"fsdp": all(0), "fsd": all(11), "fsp": all(34), "fs": all(34), "sync": all(698),
					"dxstar_5": all(0), "dxstar_4": all(0), "dxstar_3": all(0), "dxstar_2": all(41), "dxstar_1": all(283),
				},
				Mile: 12390,
			},
		},
		{
			page{testdata: "playerData-cn-2025.html"},
			PlayerDataPage{
				Header: Header{Kind: KindPlayerData, Region: maimai.CN, SiteVersion: "1.50"},
				Profile: Profile{
					Name:             "ｍａｉｍａｉ",
					Rating:           15120,
					RatingBand:       "platinum",
					Stars:            412,
					Trophy:           "舞萌新人",
					TrophyColor:      "bronze",
					Icon:             "https://maimai.wahlap.com/maimai-mobile/img/Icon/1a2b3c4d5e6f7a8b.png",
					CourseRank:       "course_rank_05QwErTyUi.png",
					ClassRank:        "class_rank_s_12AsDfGhJk.png",
					PlayCount:        7546,
					PlayCountVersion: 1281,
				},
				Diff: maimai.Master,
				Counts: map[string]maimai.Count{
					"sssp": {Got: 12, Total: 1139}, "app": {Got: 2, Total: 1139}, "sss": {Got: 87, Total: 1139},
					"fsdp": {Got: 3, Total: 1139}, "clear": {Got: 640, Total: 1139}, "sync": {Got: 415, Total: 1139},
					"dxstar_5": {Got: 1, Total: 1139},
				},
				Mile: 8250,
			},
		},
		{
			// The 2020 CN layout: "0 / 683" counters, fsd icons, one play count.
			page{testdata: "playerData-cn-2020.html"},
			PlayerDataPage{
				Header: Header{Kind: KindPlayerData, Region: maimai.CN, SiteVersion: "1.20"},
				Profile: Profile{
					Name:        "ＹＧＺＺ",
					Rating:      4829,
					RatingMax:   5077,
					RatingBand:  "red",
					Stars:       32,
					Trophy:      "M.A.I.",
					TrophyColor: "silver",
					Icon:        "https://maimai.wahlap.com/maimai-mobile/img/Icon/d720d2b8e4988e84.png",
					Grade:       "grade_04u9HDshZA.png",
					PlayCount:   320,
				},
				Counts: map[string]maimai.Count{
					"sssp": {Got: 0, Total: 683}, "ap": {Got: 1, Total: 683}, "s": {Got: 45, Total: 683},
					"fsd": {Got: 2, Total: 683}, "clear": {Got: 120, Total: 683}, "fs": {Got: 5, Total: 683},
				},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.page.String(), func(t *testing.T) {
			p, err := Parse(tt.page.read(t))
			if err != nil {
				t.Fatal(err)
			}
			got, ok := p.(*PlayerDataPage)
			if !ok {
				t.Fatalf("Parse returned %T, want *PlayerDataPage", p)
			}
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", *got, tt.want)
			}
		})
	}
}

func TestParsePlayerDataLayout(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		mention  string
	}{
		{"counter not a count", `>87/1,139<`, `>87<`, `"87"`},
		{"more got than total", `>87/1,139<`, `>1,140/1,139<`, `"1,140/1,139"`},
		{"counter without icon", `<img src="https://maimai.wahlap.com/maimai-mobile/img/music_icon_sss.png?ver=1.50" />`, ``, "icon"},
		{"selected difficulty not a number", `name="diff" value="3"`, `name="diff" value="master"`, `"master"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := string(readTestdata(t, "playerData-cn-2025.html"))
			if !strings.Contains(b, tt.old) {
				t.Fatalf("page does not contain %q", tt.old)
			}
			p, err := Parse([]byte(strings.Replace(b, tt.old, tt.new, 1)))
			if !errors.Is(err, ErrLayout) {
				t.Fatalf("Parse = %+v, %v; want ErrLayout", p, err)
			}
			if !strings.Contains(err.Error(), tt.mention) {
				t.Errorf("error %q does not mention %q", err, tt.mention)
			}
		})
	}
}

func TestParseCount(t *testing.T) {
	tests := []struct {
		in   string
		want maimai.Count
		ok   bool
	}{
		{"48/5,562", maimai.Count{Got: 48, Total: 5562}, true},
		{"0 / 683", maimai.Count{Got: 0, Total: 683}, true},
		{"1,234/1,234", maimai.Count{Got: 1234, Total: 1234}, true},
		{"48", maimai.Count{}, false},
		{"a/5", maimai.Count{}, false},
		{"6/5", maimai.Count{}, false},
	}
	for _, tt := range tests {
		got, err := parseCount(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseCount(%q) = %v, %v; want %v, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

// TestPlayerCardFragments reads the real JP and intl player cards of a
// 2026 scraper (excerpts of playerData/ without the page around them) with
// the playerData parser itself.
func TestPlayerCardFragments(t *testing.T) {
	tests := []struct {
		file  string
		want  Profile
		count string
		got   maimai.Count
	}{
		{"fragments/intl/playerData-leomotors-1.frag.html", Profile{
			Name: "Ｌｅｏψｒθφ", Rating: 14911, RatingBand: "platinum", Stars: 234, Trophy: "シリウスの輝きのように", TrophyColor: "gold",
			Icon:       "https://maimaidx-eng.com/maimai-mobile/img/Icon/88b3e152350aa218.png",
			CourseRank: "course_rank_10hvsSHd90.png", ClassRank: "class_rank_s_00ZqZmdpb8.png", PlayCount: 523, PlayCountVersion: 105,
		}, "sssp", maimai.Count{Got: 171, Total: 5562}},
		{"fragments/jp/playerData-leomotors-1.frag.html", Profile{
			Name: "Ｌｅｏψｒθφ", Rating: 13062, RatingBand: "silver", Stars: 30, Trophy: strings.Repeat("しかのこのこのここしたんたん", 8), TrophyColor: "normal",
			Icon:       "https://maimaidx.jp/maimai-mobile/img/Icon/ab9873ac3e18f505.png",
			CourseRank: "course_rank_00T7GHJvGe.png", ClassRank: "class_rank_s_00ZqZmdpb8.png", PlayCount: 32, PlayCountVersion: 1,
		}, "ap", maimai.Count{Got: 1, Total: 5969}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			doc, err := html.Parse(bytes.NewReader(readFixture(t, tt.file)))
			if err != nil {
				t.Fatal(err)
			}
			p, err := parsePlayerData(doc, &Header{Kind: KindPlayerData})
			if err != nil {
				t.Fatalf("parsePlayerData: %v", err)
			}
			pd := p.(*PlayerDataPage)
			if pd.Profile != tt.want {
				t.Errorf("card:\n got %+v\nwant %+v", pd.Profile, tt.want)
			}
			if len(pd.Counts) != len(counterKeys) || pd.Counts[tt.count] != tt.got {
				t.Errorf("%d counters, %s = %+v; want %d, %+v", len(pd.Counts), tt.count, pd.Counts[tt.count], len(counterKeys), tt.got)
			}
		})
	}
}
