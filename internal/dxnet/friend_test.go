package dxnet

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// TestParseFriend reads the CN friend list: every card's name, code (the
// idx its forms send), rating, favourite mark and the rest of the card.
func TestParseFriend(t *testing.T) {
	p, err := Parse(readFixture(t, "cn/friend-truerou-1.html"))
	if err != nil {
		t.Fatal(err)
	}
	fp, ok := p.(*FriendPage)
	if !ok {
		t.Fatalf("parsed as %T, want *FriendPage", p)
	}
	card := func(name string) Friend {
		return Friend{Profile: Profile{
			Name: name, Rating: 15000, RatingBand: "rainbow", Stars: 666, Trophy: "MAiTECH NINJA", TrophyColor: "gold",
			Icon:       "https://maimai.wahlap.com/maimai-mobile/img/Icon/0316a7342a390497.png",
			CourseRank: "course_rank_13KOI1uBwE.png", ClassRank: "class_rank_s_06IjZSkULI.png",
		}, FriendCode: "77581639114514"}
	}
	want := &FriendPage{
		Header:        Header{Kind: KindFriend, Region: maimai.CN, SiteVersion: "1.50"},
		Count:         &maimai.Count{Got: 1, Total: 100},
		FavoriteCount: &maimai.Count{Got: 0, Total: 20},
		Friends:       []Friend{card("maimai1"), card("maimai2")},
	}
	if !reflect.DeepEqual(fp, want) {
		t.Errorf("got  %+v\nwant %+v", fp, want)
	}
}

// TestParseFriendVs reads the CN friend comparison. It was refused at
// chart 6, where the player's column shows "― %" while the friend's has
// icons; other parsers read all 1,199 charts, 846 with the friend's score.
func TestParseFriendVs(t *testing.T) {
	p, err := Parse(readFixture(t, "cn/friendVs-bakapiano-1.html"))
	if err != nil {
		t.Fatal(err)
	}
	vs, ok := p.(*FriendVsPage)
	if !ok {
		t.Fatalf("parsed as %T, want *FriendVsPage", p)
	}
	if want := (VsPlayer{Name: "ｍａｉｂｏｔ♪", Rating: 1393, RatingBand: "blue", Icon: "https://maimai.wahlap.com/maimai-mobile/img/Icon/34f0363f4ce86d07.png"}); vs.Player != want {
		t.Errorf("player = %+v, want %+v", vs.Player, want)
	}
	if want := (VsPlayer{Name: "ｍａｉｍａｉ", Rating: 16148, RatingBand: "rainbow", Icon: "https://maimai.wahlap.com/maimai-mobile/img/Icon/a5c3ed540eaaee02.png", FriendCode: "634142510810999"}); vs.Friend != want {
		t.Errorf("friend = %+v, want %+v", vs.Friend, want)
	}
	if vs.ScoreType != VsAchievement || !reflect.DeepEqual(vs.Filter, []string{"全部分类", "BASIC"}) {
		t.Errorf("score type %q, filter %q", vs.ScoreType, vs.Filter)
	}
	var friend, player int
	results := map[VsResult]int{}
	for _, c := range vs.Charts {
		if c.Friend.Played {
			friend++
		}
		if c.Player.Played {
			player++
		}
		results[c.Result]++
	}
	// The page's own total: 合计：3胜　845负　351平.
	if len(vs.Charts) != 1199 || friend != 846 || player != 19 ||
		!reflect.DeepEqual(results, map[VsResult]int{VsWin: 3, VsLose: 845, VsDraw: 351}) {
		t.Errorf("%d charts, %d with the friend's score, %d with the player's, results %v; want 1199, 846, 19, 3/845/351",
			len(vs.Charts), friend, player, results)
	}
	a1005, a0 := maimai.Achievement(1005000), maimai.Achievement(0)
	for _, tt := range []struct {
		i    int
		want VsChart
	}{
		{0, VsChart{Chart: maimai.Chart{Title: "アイドル", Type: maimai.DX, Difficulty: maimai.Basic}, Level: "3", Section: "流行&动漫", Result: VsDraw}},
		{5, VsChart{Chart: maimai.Chart{Title: "だから僕は音楽を辞めた", Type: maimai.DX, Difficulty: maimai.Basic}, Level: "2", Section: "流行&动漫",
			Friend: VsScore{Played: true, Achievement: &a1005, Rank: maimai.RankSSSP, FC: maimai.AP, FS: maimai.FSD}, Result: VsLose}},
		{6, VsChart{Chart: maimai.Chart{Title: "前前前世", Type: maimai.Std, Difficulty: maimai.Basic}, Level: "4", Section: "流行&动漫",
			Friend: VsScore{Played: true, Achievement: &a1005, Rank: maimai.RankSSSP, FC: maimai.AP, FS: maimai.FSD}, Result: VsLose}},
	} {
		if got := vs.Charts[tt.i]; !reflect.DeepEqual(got, tt.want) {
			t.Errorf("chart %d:\n got %+v\nwant %+v", tt.i+1, got, tt.want)
		}
	}
	// A played 0.0000% keeps its zero, unlike a chart never played.
	for _, c := range vs.Charts {
		if c.Title == "QUEEN" && c.Player.Played {
			if want := (VsScore{Played: true, Achievement: &a0, Rank: maimai.RankD}); !reflect.DeepEqual(c.Player, want) {
				t.Errorf("QUEEN player = %+v, want %+v", c.Player, want)
			}
			return
		}
	}
	t.Error("no played chart QUEEN in the player's column")
}

// TestFriendLayout: an unfamiliar friend or friendVs layout fails with
// ErrLayout naming what is wrong, never a page with charts or friends
// silently left out.
func TestFriendLayout(t *testing.T) {
	tests := []struct {
		name, file string
		old, new   string
		n          int // replacements, -1 for all
		mention    string
	}{
		{"vs: a third kind of result", "cn/friendVs-bakapiano-1.html", "vs_draw.png", "vs_tie.png", 1, `result image "vs_tie"`},
		{"vs: a new icon", "cn/friendVs-bakapiano-1.html", "music_icon_fdx.png", "music_icon_fdxx.png", 1, "unknown icon"},
		{"vs: a third column", "cn/friendVs-bakapiano-1.html", `<td rowspan="2" class="see_through_block f_0 f_b">`, `<td>x</td><td rowspan="2" class="see_through_block f_0 f_b">`, 1, "4 value cells"},
		{"vs: icons on a chart never played", "cn/friendVs-bakapiano-1.html", `music_icon_back.png?ver=1.50" class="h_30 f_l"`, `music_icon_sssp.png?ver=1.50" class="h_30 f_l"`, 1, "not played"},
		{"vs: no score type", "cn/friendVs-bakapiano-1.html", `name="scoreType"`, `name="kind"`, 1, "no score type"},
		{"vs: no friend card", "cn/friendVs-bakapiano-1.html", "friend_vs_friend_block", "friend_block", 1, "friend_vs_friend_block"},
		{"vs: no name", "cn/friendVs-bakapiano-1.html", "ｍａｉｂｏｔ♪", "", 1, "no name"},
		{"vs: an unreadable value", "cn/friendVs-bakapiano-1.html", "\t100.5000%\n", "\t100.50000%\n", 1, "achievement"},
		{"friend: no favourite button", "cn/friend-truerou-1.html", "/favoriteOn/", "/favourite/", 1, "favourite button"},
		{"friend: no code", "cn/friend-truerou-1.html", `name="idx"`, `name="id"`, -1, "no friend code"},
		{"friend: no cards", "cn/friend-truerou-1.html", "name_block", "nameblock", -1, "no friend cards"},
		{"friend: a card without rating", "cn/friend-truerou-1.html", "<div class=\"rating_block\">15000</div>", "<div class=\"rating_block\">?</div>", 1, "rating"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := string(readFixture(t, tt.file))
			if !strings.Contains(b, tt.old) {
				t.Fatalf("%s no longer holds %q", tt.file, tt.old)
			}
			p, err := Parse([]byte(strings.Replace(b, tt.old, tt.new, tt.n)))
			if !errors.Is(err, ErrLayout) || !strings.Contains(err.Error(), tt.mention) {
				t.Fatalf("Parse = %T, %v; want ErrLayout mentioning %q", p, err, tt.mention)
			}
		})
	}
}
