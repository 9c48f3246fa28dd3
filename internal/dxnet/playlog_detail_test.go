package dxnet

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/maiprobe/maiprobe/internal/fixtures"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

// parseDetailBytes runs parsePlaylogDetail directly, past detection.
func parseDetailBytes(t *testing.T, b []byte, r maimai.Region) (*PlaylogDetailPage, error) {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	p, err := parsePlaylogDetail(doc, &Header{Kind: KindPlaylogDetail, Region: r})
	if err != nil {
		if p != nil {
			t.Fatalf("parsePlaylogDetail returned a page and an error: %v", err)
		}
		return nil, err
	}
	return p.(*PlaylogDetailPage), nil
}

// nj is a judgement row: critical perfect, perfect, great, good, miss.
func nj(cp, p, gr, gd, m int) *maimai.NoteJudgement {
	return &maimai.NoteJudgement{CriticalPerfect: cp, Perfect: p, Great: gr, Good: gd, Miss: m}
}

// charas builds the five characters of a play from image, stars, level triples.
func charas(v ...any) []maimai.Character {
	var out []maimai.Character
	for i := 0; i+2 < len(v); i += 3 {
		out = append(out, maimai.Character{Image: v[i].(string), Stars: v[i+1].(int), Level: v[i+2].(int)})
	}
	return out
}

func TestPlaylogDetailSynthetic(t *testing.T) {
	cn, intl, jp := maimai.CN, maimai.Intl, maimai.JP
	tests := []struct {
		file   string
		region maimai.Region
		play   maimai.Play
		detail maimai.PlayDetail
	}{
		{
			file: "playlogDetail-cn-dx.html", region: cn,
			play: maimai.Play{
				Track: 2, PlayedAt: at(cn, 2026, 11, 21, 20, 14, 0),
				Chart:       maimai.Chart{Title: "BREaK! BREaK! BREaK!", Type: maimai.DX, Difficulty: maimai.Master},
				Achievement: 992315, Rank: maimai.RankSS, DXScore: 1982, DXScoreMax: 2130, DXStars: 3,
				FS: maimai.Sync, Clear: true, NewRecord: true, NewDXRecord: true, MatchingRank: 1,
				Jacket: "b2f4c6d8e0a1c3e5.png",
			},
			detail: maimai.PlayDetail{
				Judgements: maimai.Judgements{
					Tap: nj(420, 60, 15, 3, 2), Hold: nj(50, 7, 2, 1, 0), Slide: nj(70, 6, 3, 0, 1),
					Touch: nj(35, 4, 1, 0, 0), Break: nj(25, 3, 1, 1, 0),
				},
				Fast: 61, Late: 46, MaxCombo: 402, MaxComboTotal: 710, MaxSync: 1255, MaxSyncTotal: 1420,
				Rating: 15432, RatingDelta: 12,
				Characters: charas("a1b2c3d4e5f60718.png", 5, 120, "0f1e2d3c4b5a6978.png", 4, 99,
					"1234abcd5678ef90.png", 3, 45, "fedcba0987654321.png", 2, 10, "00112233aabbccdd.png", 1, 1),
				Partners: []maimai.Partner{{Name: "ＭＡＩＭＡＩ"}},
			},
		},
		{
			file: "playlogDetail-intl-std.html", region: intl,
			play: maimai.Play{
				Track: 1, PlayedAt: at(intl, 2026, 11, 22, 18, 40, 0),
				Chart: maimai.Chart{Title: "Oshama Scramble!", Type: maimai.Std, Difficulty: maimai.Expert},
				Level: "11+", Achievement: 1005843, Rank: maimai.RankSSSP, DXScore: 1194, DXScoreMax: 1230, DXStars: 5,
				FC: maimai.FCN, Clear: true, Jacket: "d4c3b2a1f0e9d8c7.png",
			},
			detail: maimai.PlayDetail{
				Judgements: maimai.Judgements{
					Tap: nj(280, 15, 4, 1, 0), Hold: nj(36, 3, 1, 0, 0), Slide: nj(48, 1, 1, 0, 0),
					Touch: nil, Break: nj(18, 2, 0, 0, 0),
				},
				Fast: 16, Late: 12, MaxCombo: 410, MaxComboTotal: 410,
				Rating: 12210, RatingDelta: 0,
				Characters: charas("5a5a5a5a5a5a5a5a.png", 3, 30, "6b6b6b6b6b6b6b6b.png", 2, 25,
					"7c7c7c7c7c7c7c7c.png", 1, 9, "8d8d8d8d8d8d8d8d.png", 1, 5, "9e9e9e9e9e9e9e9e.png", 1, 1),
			},
		},
		{
			file: "playlogDetail-jp-place.html", region: jp,
			play: maimai.Play{
				Track: 3, PlayedAt: at(jp, 2026, 11, 23, 13, 5, 0),
				Chart:       maimai.Chart{Title: "PANDORA PARADOXXX", Type: maimai.DX, Difficulty: maimai.ReMaster},
				Achievement: 975012, Rank: maimai.RankS, DXScore: 3532, DXScoreMax: 4026, DXStars: 1,
				FS: maimai.Sync, Clear: true, MatchingRank: 3, Jacket: "35b2760a42a8eebe.png",
			},
			detail: maimai.PlayDetail{
				Judgements: maimai.Judgements{
					Tap: nj(780, 130, 60, 15, 20), Hold: nj(80, 10, 5, 2, 3), Slide: nj(120, 0, 10, 3, 7),
					Touch: nj(30, 5, 3, 0, 2), Break: nj(40, 4, 6, 2, 5),
				},
				Fast: 140, Late: 115, MaxCombo: 187, MaxComboTotal: 1342, MaxSync: 2015, MaxSyncTotal: 4026,
				Rating: 14987, RatingDelta: 3,
				Characters: charas("aaaa0000bbbb1111.png", 6, 150, "cccc2222dddd3333.png", 5, 80,
					"eeee4444ffff5555.png", 4, 60, "1111aaaa2222bbbb.png", 3, 40, "3333cccc4444dddd.png", 2, 20),
				Partners: []maimai.Partner{{Name: "ＴＡＲＯ"}, {Name: "はなこ"}},
				Place:    "タイトーステーション 新宿南口ゲームワールド店",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			p, err := parseDetailBytes(t, readOwnPage(t, tt.file), tt.region)
			if err != nil {
				t.Fatal(err)
			}
			if p.Kind != KindPlaylogDetail || p.Region != tt.region {
				t.Errorf("header = %+v", p.Header)
			}
			checkPlay(t, "play", p.Play, tt.play)
			if !reflect.DeepEqual(p.Detail, tt.detail) {
				t.Errorf("detail:\n got %s\nwant %s", dumpDetail(p.Detail), dumpDetail(tt.detail))
			}
			// Our pages must be consistent the way the site's are: the
			// table sums to the chart's notes, the DX score's maximum is
			// three per note, a max combo's total is the note count and
			// every judgement but critical perfect and miss is fast or late.
			j := p.Detail.Judgements
			notes := j.TotalNotes()
			if p.Play.DXScoreMax != 3*notes || p.Detail.MaxComboTotal != notes {
				t.Errorf("%d notes, but DX score max %d and max combo total %d", notes, p.Play.DXScoreMax, p.Detail.MaxComboTotal)
			}
			var cp, perfect, great, good int
			for _, r := range []*maimai.NoteJudgement{j.Tap, j.Hold, j.Slide, j.Touch, j.Break} {
				if r != nil {
					cp, perfect, great, good = cp+r.CriticalPerfect, perfect+r.Perfect, great+r.Great, good+r.Good
				}
			}
			if dx := 3*cp + 2*perfect + great; dx != p.Play.DXScore {
				t.Errorf("judgements give DX score %d, page says %d", dx, p.Play.DXScore)
			}
			if p.Detail.Fast+p.Detail.Late != perfect+great+good {
				t.Errorf("fast+late = %d, want %d", p.Detail.Fast+p.Detail.Late, perfect+great+good)
			}
		})
	}
}

// dumpDetail prints a detail with its judgement rows dereferenced.
func dumpDetail(d maimai.PlayDetail) string {
	var b strings.Builder
	j := d.Judgements
	for i, r := range []*maimai.NoteJudgement{j.Tap, j.Hold, j.Slide, j.Touch, j.Break} {
		if r == nil {
			fmt.Fprintf(&b, "%s=nil ", judgementRows[i])
		} else {
			fmt.Fprintf(&b, "%s=%+v ", judgementRows[i], *r)
		}
	}
	d.Judgements = maimai.Judgements{}
	fmt.Fprintf(&b, "%+v", d)
	return b.String()
}

// templateValues fill the 2020 CN template's placeholders, by field name.
var templateValues = map[string]string{
	"id": "7", "name": "ＰＡＲＴＮＥＲ", "track": "3", "play_dt": "2020/08/15 14:03",
	"level_img_s": "diff_master", "dx_img_s": "music_dx", "score_rank_img_s": "sssplus",
	"delux_score": "2,148 / 2,178", "fc_img_s": "fcplus", "fs_img_s": "fs", "rate_img_s": "2nd", "vs_img_s": "win",
	"img_s": "https://maimai.wahlap.com/maimai-mobile/img/Music/5d2cd8a0e3f1b7c4.png",
	"fast":  "15", "late": "12", "maxcombo": "726/726", "maxsync": "1452/1452",
	"grade": "初段", "grade_diff": "(+1)", "rating": "13.52", "delux_rating": "8,012", "delux_rating_diff": "rating_up",
	"grade_pic_s": "grade_rankup", "vs_rank": "2", "vs_achievement": "99.1000", "vs_rating": "7,950", "vs_grade": "grade_07",
	"notes_tap_cp": "500", "notes_tap_p": "20", "notes_tap_great": "3", "notes_tap_good": "0", "notes_tap_miss": "0",
	"notes_hold_cp": "60", "notes_hold_p": "2", "notes_hold_great": "0", "notes_hold_good": "0", "notes_hold_miss": "0",
	"notes_slide_cp": "80", "notes_slide_p": "1", "notes_slide_great": "0", "notes_slide_good": "0", "notes_slide_miss": "0",
	"notes_touch_cp": "30", "notes_touch_p": "0", "notes_touch_great": "0", "notes_touch_good": "0", "notes_touch_miss": "0",
	"notes_break_cp": "29", "notes_break_p": "1", "notes_break_great": "0", "notes_break_good": "0", "notes_break_miss": "0",
	"create_time": "2020-08-15 14:10:00", "img": "3e1f0a9c",
	"chara_0_img_s": "c0a0", "chara_0_star": "5", "chara_0_lv": "100",
	"chara_1_img_s": "c1a1", "chara_1_star": "4", "chara_1_lv": "80",
	"chara_2_img_s": "c2a2", "chara_2_star": "3", "chara_2_lv": "60",
	"chara_3_img_s": "c3a3", "chara_3_star": "2", "chara_3_lv": "40",
	"chara_4_img_s": "c4a4", "chara_4_star": "1", "chara_4_lv": "20",
}

var (
	jinjaExpr    = regexp.MustCompile(`\{\{(.*?)\}\}`)
	jinjaTags    = regexp.MustCompile(`(?s)\{%.*?%\}|\{#.*?#\}`)
	jinjaFieldRe = regexp.MustCompile(`^\s*[A-Za-z_]+\.([a-z0-9_]+)`)
)

// fillTemplate turns the Jinja copy of a 2020 page into a page: both
// branches of every {% if %} are kept, every {{ x.field … }} becomes the
// field's value above (with the template's filters applied by hand).
func fillTemplate(t *testing.T, tpl string) string {
	t.Helper()
	out := jinjaExpr.ReplaceAllStringFunc(tpl, func(e string) string {
		inner := e[2 : len(e)-2]
		m := jinjaFieldRe.FindStringSubmatch(inner)
		if m == nil {
			return "" // url_for(…), counters: not read
		}
		v, ok := templateValues[m[1]]
		switch {
		case m[1] == "achievement" && strings.Contains(inner, "int"):
			return "100"
		case m[1] == "achievement":
			return "5012"
		case m[1] == "level_img_s" && strings.Contains(inner, "my_split"):
			return strings.TrimPrefix(v, "diff_")
		case !ok:
			t.Logf("template field %q left empty", m[1])
		}
		return v
	})
	return jinjaTags.ReplaceAllString(out, "")
}

// TestPlaylogDetailTemplate reads the 2020 CN layout, from a copy of the
// Jinja template in ../shared filled in at test time.
func TestPlaylogDetailTemplate(t *testing.T) {
	tpl := string(fixtures.ReadDXNet(t, "templates/cn/playlogDetail-yuange-1.html"))
	page := fillTemplate(t, tpl)
	if strings.Contains(page, "{{") || strings.Contains(page, "{%") {
		t.Fatal("template placeholders left in the page")
	}
	p, err := parseDetailBytes(t, []byte(page), maimai.CN)
	if err != nil {
		t.Fatal(err)
	}
	want := maimai.Play{
		Track: 3, PlayedAt: at(maimai.CN, 2020, 8, 15, 14, 3, 0),
		// The archive's copy prefixes the title with its own id.
		Chart:       maimai.Chart{Title: "ID：7 ★ ＰＡＲＴＮＥＲ", Type: maimai.DX, Difficulty: maimai.Master},
		Achievement: 1005012, Rank: maimai.RankSSSP, DXScore: 2148, DXScoreMax: 2178,
		// Every {% if %} is kept, so both new-record marks are shown.
		FC: maimai.FCP, FS: maimai.FSN, Clear: true, NewRecord: true, NewDXRecord: true, MatchingRank: 2,
		Jacket: "5d2cd8a0e3f1b7c4.png",
	}
	checkPlay(t, "play", p.Play, want)
	wantDetail := maimai.PlayDetail{
		Judgements: maimai.Judgements{
			Tap: nj(500, 20, 3, 0, 0), Hold: nj(60, 2, 0, 0, 0), Slide: nj(80, 1, 0, 0, 0),
			Touch: nj(30, 0, 0, 0, 0), Break: nj(29, 1, 0, 0, 0),
		},
		Fast: 15, Late: 12, MaxCombo: 726, MaxComboTotal: 726, MaxSync: 1452, MaxSyncTotal: 1452,
		// The 2020 layout shows the DX rating and an arrow, not the change.
		Rating: 8012,
		Characters: charas("c0a0.png", 5, 100, "c1a1.png", 4, 80, "c2a2.png", 3, 60,
			"c3a3.png", 2, 40, "c4a4.png", 1, 20),
		Partners: []maimai.Partner{{Name: "ＰＡＲＴＮＥＲ"}},
	}
	if !reflect.DeepEqual(p.Detail, wantDetail) {
		t.Errorf("detail:\n got %s\nwant %s", dumpDetail(p.Detail), dumpDetail(wantDetail))
	}
}

// TestPlaylogDetailLayoutErrors breaks a good page part by part.
func TestPlaylogDetailLayoutErrors(t *testing.T) {
	good := string(readOwnPage(t, "playlogDetail-cn-dx.html"))
	tests := []struct {
		name, old, new string
	}{
		{"header missing", `playlog_top_container`, `playlog_head`},
		{"achievement missing", `playlog_achievement_txt`, `playlog_achv`},
		{"fast/late missing", `playlog_fl_block`, `playlog_counters`},
		{"late missing", `playlog/late.png`, `playlog/slow.png`},
		{"fast unreadable", `<div class="p_t_5">61</div>`, `<div class="p_t_5">many</div>`},
		{"judgement table missing", `playlog_notes_detail`, `playlog_notes`},
		{"judgement row unknown", `playlog/slide.png`, `playlog/star.png`},
		{"judgement row partly empty", `<td>420</td>`, `<td></td>`},
		{"judgement row short", `<td>420</td>`, ``},
		{"judgement unreadable", `<td>420</td>`, `<td>4x0</td>`},
		{"rating missing", `playlog_rating_detail_block`, `playlog_rating`},
		{"rating value missing", `<div class="rating_block">15,432</div>`, ``},
		{"rating change unreadable", `(+12)`, `(up)`},
		{"max combo missing", `playlog/maxcombo.png`, `playlog/combo.png`},
		{"max combo unreadable", `402/710`, `402 of 710`},
		{"max combo over total", `402/710`, `902/710`},
		{"max sync missing", `playlog/maxsync.png`, `playlog/sync_total.png`},
		{"character without level", `<div class="playlog_chara_lv_block f_13">Lv99</div>`, ``},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(good, tt.old) {
				t.Fatalf("test page lacks %q", tt.old)
			}
			bad := strings.Replace(good, tt.old, tt.new, 1)
			p, err := parseDetailBytes(t, []byte(bad), maimai.CN)
			if !errors.Is(err, ErrLayout) {
				t.Fatalf("err = %v, want ErrLayout (page %+v)", err, p)
			}
		})
	}
}

func TestPlaylogDetailRatingChange(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"(+12)", 12}, {"(+0)", 0}, {"(±0)", 0}, {"(-3)", -3}, {"(－3)", -3}, {"(+1,024)", 1024},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := signedParen(tt.in)
			if err != nil || got != tt.want {
				t.Errorf("signedParen(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
			}
		})
	}
	for _, bad := range []string{"", "()", "(up)", "(+)", "(+-3)"} {
		if v, err := signedParen(bad); err == nil {
			t.Errorf("signedParen(%q) = %d, want an error", bad, v)
		}
	}
}

// TestPlaylogDetailParse runs our pages through Parse, detection included.
func TestPlaylogDetailParse(t *testing.T) {
	for _, tt := range []struct {
		file   string
		region maimai.Region
	}{
		{"playlogDetail-cn-dx.html", maimai.CN},
		{"playlogDetail-intl-std.html", maimai.Intl},
		{"playlogDetail-jp-place.html", maimai.JP},
	} {
		t.Run(tt.file, func(t *testing.T) {
			p, err := Parse(readOwnPage(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			dp, ok := p.(*PlaylogDetailPage)
			if !ok {
				t.Fatalf("Parse returned %T (%s), want *PlaylogDetailPage", p, p.Head().Kind)
			}
			if dp.Region != tt.region || dp.Detail.Judgements.Tap == nil {
				t.Errorf("region %s, tap row %v", dp.Region, dp.Detail.Judgements.Tap)
			}
		})
	}
}
