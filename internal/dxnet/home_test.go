package dxnet

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// page is where a test page comes from: a real page under the shared
// fixtures (skipped when absent) or one of ours under testdata.
type page struct {
	fixture, testdata string
}

func (p page) String() string {
	if p.fixture != "" {
		return p.fixture
	}
	return p.testdata
}

func (p page) read(t testing.TB) []byte {
	t.Helper()
	if p.fixture != "" {
		return readFixture(t, p.fixture)
	}
	return readTestdata(t, p.testdata)
}

func TestParseHome(t *testing.T) {
	tests := []struct {
		page page
		want HomePage
	}{
		{
			page{fixture: "cn/home-mainetcn-1.html"},
			HomePage{
				Header: Header{Kind: KindHome, Region: maimai.CN, SiteVersion: "1.50"},
				Profile: Profile{
					Name:        "ＳＣＨＷＩ",
					Rating:      14374,
					RatingBand:  "gold",
					Stars:       85,
					Trophy:      "シフォン（ふぇすてぃばる）の相棒",
					TrophyColor: "silver",
					Icon:        "https://maimai.wahlap.com/maimai-mobile/img/Icon/43a2e0b59fcfb0b0.png",
					CourseRank:  "course_rank_00T7GHJvGe.png",
					ClassRank:   "class_rank_s_01VFe8gl5z.png",
					Partner:     "https://maimai.wahlap.com/maimai-mobile/img/Chara/620db1e74c5de949.png",
				},
			},
		},
		{
			page{testdata: "home-intl-2025.html"},
			HomePage{
				Header: Header{Kind: KindHome, Region: maimai.Intl, SiteVersion: "1.60"},
				Profile: Profile{
					Name:        "ＲＩＮ☆ＲＩＮ",
					Rating:      16012,
					RatingBand:  "rainbow",
					Stars:       1204,
					Trophy:      "Ｔｈｅ Ｌｅｇｅｎｄ",
					TrophyColor: "rainbow",
					Icon:        "https://maimaidx-eng.com/maimai-mobile/img/Icon/7f1e2d3c4b5a6978.png",
					CourseRank:  "course_rank_10aBcDeFgH.png",
					ClassRank:   "class_rank_s_25XyZaBcDe.png",
					Comment:     "See you at the arcade!",
					Partner:     "https://maimaidx-eng.com/maimai-mobile/img/Chara/99aa88bb77cc66dd.png",
				},
			},
		},
		{
			// The 2020 CN layout (v1.20): rating max and a grade image
			// instead of the course and class ranks.
			page{testdata: "home-cn-2020.html"},
			HomePage{
				Header: Header{Kind: KindHome, Region: maimai.CN, SiteVersion: "1.20"},
				Profile: Profile{
					Name:        "ＹＧＺＺ",
					Rating:      4829,
					RatingMax:   5077,
					RatingBand:  "red",
					Stars:       32,
					Trophy:      "M.A.I.",
					TrophyColor: "gold",
					Icon:        "https://maimai.wahlap.com/maimai-mobile/img/Icon/d720d2b8e4988e84.png",
					Grade:       "grade_04u9HDshZA.png",
					Comment:     "今天也要加油！ 一起来玩舞萌吧",
					Partner:     "https://maimai.wahlap.com/maimai-mobile/img/Chara/0a1b2c3d4e5f6071.png",
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
			got, ok := p.(*HomePage)
			if !ok {
				t.Fatalf("Parse returned %T, want *HomePage", p)
			}
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", *got, tt.want)
			}
		})
	}
}

// TestParseProfileLayout breaks the card in the ways a changed layout
// would and expects ErrLayout naming what is missing, not a half profile.
func TestParseProfileLayout(t *testing.T) {
	tests := []struct {
		name     string
		page     string
		old, new string
		mention  string
	}{
		{"no name", "home-intl-2025.html", `class="name_block f_l f_16">ＲＩＮ☆ＲＩＮ`, `class="f_l f_16">ＲＩＮ☆ＲＩＮ`, "name_block"},
		{"empty name", "home-intl-2025.html", `ＲＩＮ☆ＲＩＮ`, ``, "empty"},
		{"no rating", "home-intl-2025.html", `<div class="rating_block">16012</div>`, ``, "rating"},
		{"rating not a number", "home-cn-2020.html", `>4829<`, `>----<`, `"----"`},
		{"playerData without a name", "playerData-cn-2025.html", `name_block`, `nameblock`, "name_block"},
		{"friendCode without a rating", "friendCode-intl-2025.html", `rating_block`, `ratingblock`, "rating"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := readTestdata(t, tt.page)
			if !strings.Contains(string(b), tt.old) {
				t.Fatalf("%s does not contain %q", tt.page, tt.old)
			}
			b = []byte(strings.Replace(string(b), tt.old, tt.new, 1))
			p, err := Parse(b)
			if !errors.Is(err, ErrLayout) {
				t.Fatalf("Parse = %+v, %v; want ErrLayout", p, err)
			}
			if !strings.Contains(err.Error(), tt.mention) {
				t.Errorf("error %q does not mention %q", err, tt.mention)
			}
		})
	}
}

// TestParseTemplates: the old CN templates hold Jinja placeholders where
// the numbers go, so they are recognised but refused as a layout.
func TestParseTemplates(t *testing.T) {
	for _, name := range []string{"templates/cn/home-yuange-1.html", "templates/cn/playerData-yuange-1.html"} {
		t.Run(name, func(t *testing.T) {
			p, err := Parse(readFixture(t, name))
			if !errors.Is(err, ErrLayout) || !strings.Contains(err.Error(), "{{ data.") {
				t.Errorf("Parse = %+v, %v; want ErrLayout quoting the placeholder", p, err)
			}
		})
	}
}

func TestPlayCountLabel(t *testing.T) {
	tests := map[string]string{
		"play count of current version": "version",
		"maimaiDX total play count":     "total",
		"当前版本的游玩次数":                     "version",
		"舞萌DX的累计游玩次数":                   "total",
		"現バージョンプレイ回数":                   "version",
		"累計プレイ回数":                       "total",
		"maimaiDX総プレイ回数":                "total",
		"游戏次数":                          "total",
		"MAX":                           "max",
		"ID":                            "",
		"缓存时间":                          "",
	}
	for label, want := range tests {
		if got := playCountLabel(label); got != want {
			t.Errorf("playCountLabel(%q) = %q, want %q", label, got, want)
		}
	}
}
