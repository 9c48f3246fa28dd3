package dxnet

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

func TestParseFriendCode(t *testing.T) {
	tests := []struct {
		page page
		want FriendCodePage
	}{
		{
			page{fixture: "cn/friendCode-truerou-1.html"},
			FriendCodePage{
				Header: Header{Kind: KindFriendCode, Region: maimai.CN, SiteVersion: "1.50"},
				Profile: Profile{
					Name:        "Ｃｉａ～（・ω",
					Rating:      9459,
					RatingBand:  "red",
					Stars:       5,
					Trophy:      "だけど僕はmaimaiでらっくすを始めた",
					TrophyColor: "normal",
					Icon:        "https://maimai.wahlap.com/maimai-mobile/img/Icon/4e6e74e816900636.png",
					CourseRank:  "course_rank_00T7GHJvGe.png",
					ClassRank:   "class_rank_s_00ZqZmdpb8.png",
				},
				FriendCode: "386587586148257",
			},
		},
		{
			page{testdata: "friendCode-intl-2025.html"},
			FriendCodePage{
				Header: Header{Kind: KindFriendCode, Region: maimai.Intl, SiteVersion: "1.60"},
				Profile: Profile{
					Name:        "ＫＯＨＡＫＵ",
					Rating:      2580,
					RatingBand:  "blue",
					Stars:       0,
					Trophy:      "NEW COMER",
					TrophyColor: "normal",
					Icon:        "https://maimaidx-eng.com/maimai-mobile/img/Icon/0f0e0d0c0b0a0908.png",
					CourseRank:  "course_rank_00T7GHJvGe.png",
					ClassRank:   "class_rank_s_00ZqZmdpb8.png",
					Comment:     "Let's be friends!",
				},
				FriendCode: "8012345678901",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.page.String(), func(t *testing.T) {
			p, err := Parse(tt.page.read(t))
			if err != nil {
				t.Fatal(err)
			}
			got, ok := p.(*FriendCodePage)
			if !ok {
				t.Fatalf("Parse returned %T, want *FriendCodePage", p)
			}
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", *got, tt.want)
			}
		})
	}
}

func TestParseFriendCodeMissing(t *testing.T) {
	b := strings.Replace(string(readTestdata(t, "friendCode-intl-2025.html")), ">8012345678901<", "><", 1)
	p, err := Parse([]byte(b))
	if !errors.Is(err, ErrLayout) || !strings.Contains(err.Error(), "friend code") {
		t.Fatalf("Parse = %+v, %v; want ErrLayout about the friend code", p, err)
	}
}
