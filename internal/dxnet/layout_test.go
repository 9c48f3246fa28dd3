package dxnet

import (
	"bytes"
	"errors"
	"testing"
)

// TestParseUnknownLayout changes one thing of a known page at a time into
// something the parsers do not know: each must fail with ErrLayout rather
// than return the page with a value missing.
func TestParseUnknownLayout(t *testing.T) {
	tests := []struct {
		name     string
		page     page
		old, new string
	}{
		{"musicDetail row without level", page{testdata: "musicDetail-cn-both.html"},
			`class="music_lv_back`, `class="zqmusic_lv_back`},
		{"musicDetail row without level real", page{fixture: "intl/musicDetail-minty-1.html"},
			`class="music_lv_back`, `class="zqmusic_lv_back`},
		{"musicDetail genre line unknown", page{testdata: "musicDetail-cn-both.html"},
			`f_12 blue">`, `f_12 zqblue">`},
		{"musicDetail genre line unknown real", page{fixture: "intl/musicDetail-minty-3.html"},
			`f_12 blue">`, `f_12 zqblue">`},
		{"musicDetail genre moved into a span", page{testdata: "musicDetail-cn-both.html"},
			`blue">舞萌</div>`, `blue"><span>舞萌</span></div>`},
		{"playerData unknown counter icon", page{testdata: "playerData-cn-2025.html"},
			"music_icon_sssp.png", "music_icon_sssp_new.png"},
		{"playerData unknown counter icon real", page{fixture: "intl/playerData-minty-1.html"},
			"music_icon_sssp.png", "music_icon_sssp_new.png"},
		{"playerData counter icon twice", page{testdata: "playerData-cn-2025.html"},
			"music_icon_sss.png", "music_icon_sssp.png"},
		{"playerData counter block unknown", page{testdata: "playerData-cn-2025.html"},
			`class="musiccount_block`, `class="zqmusiccount_block`},
		{"playerData maimile block unknown", page{testdata: "playerData-cn-2025.html"},
			`class="mile_block`, `class="zqmile_block`},
		{"playerData maimile block unknown real", page{fixture: "intl/playerData-minty-1.html"},
			`class="mile_block`, `class="zqmile_block`},
		{"home rating band unknown", page{testdata: "home-intl-2025.html"},
			"img/rating_base_rainbow.png", "img/zqrating_base_rainbow.png"},
		{"friendCode rating band unknown real", page{fixture: "cn/friendCode-truerou-1.html"},
			"img/rating_base_", "img/zqrating_base_"},
		{"musicDetail score block without play count", page{testdata: "musicDetail-cn-both.html"},
			`class="black_block`, `class="zqblack_block`},
		{"musicDetail score block without play count real", page{fixture: "intl/musicDetail-minty-1.html"},
			`class="black_block`, `class="zqblack_block`},
		{"playerData selected difficulty unknown", page{testdata: "playerData-cn-2025.html"},
			`class="diffbtn_selected`, `class="zqdiffbtn_selected`},
		{"playerData selected difficulty unknown real", page{fixture: "intl/playerData-minty-1.html"},
			`class="diffbtn_selected`, `class="zqdiffbtn_selected`},
		{"playerData play count unreadable", page{testdata: "playerData-cn-2025.html"},
			"当前版本的游玩次数：1,281", "当前版本的游玩次数：一千"},
		{"playerData old play count unreadable", page{testdata: "playerData-cn-2020.html"},
			"游戏次数：320", "游戏次数：--"},
		{"home star count unreadable", page{testdata: "home-intl-2025.html"},
			"×1,204", "×1.2k"},
		{"home star count missing", page{testdata: "home-intl-2025.html"},
			"×1,204", ""},
		{"home star icon unknown", page{testdata: "home-intl-2025.html"},
			"img/icon_star.png", "img/zqicon_star.png"},
		{"home star icon unknown real", page{fixture: "cn/home-mainetcn-1.html"},
			"img/icon_star.png", "img/zqicon_star.png"},
		{"home trophy_block missing", page{testdata: "home-intl-2025.html"},
			`class="trophy_block`, `class="zqtrophy_block`},
		{"home trophy_block missing real", page{fixture: "cn/home-mainetcn-1.html"},
			`class="trophy_block`, `class="zqtrophy_block`},
		{"home trophy colour missing", page{testdata: "home-cn-2020.html"},
			"trophy_block trophy_Gold", "trophy_block zqtrophy_Gold"},
		{"home rating max unreadable", page{testdata: "home-cn-2020.html"},
			"MAX：5077", "MAX：?"},
		{"friendCode star icon unknown", page{testdata: "friendCode-intl-2025.html"},
			"img/icon_star.png", "img/zqicon_star.png"},
		{"friendCode trophy_block missing real", page{fixture: "cn/friendCode-truerou-1.html"},
			`class="trophy_block`, `class="zqtrophy_block`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.page.read(t)
			if _, err := Parse(b); err != nil {
				t.Fatalf("the page itself: %v", err)
			}
			if !bytes.Contains(b, []byte(tt.old)) {
				t.Fatalf("%s does not contain %q", tt.page, tt.old)
			}
			b = bytes.Replace(b, []byte(tt.old), []byte(tt.new), 1)
			p, err := Parse(b)
			if !errors.Is(err, ErrLayout) {
				t.Fatalf("Parse = %+v, %v; want ErrLayout", p, err)
			}
		})
	}
}
