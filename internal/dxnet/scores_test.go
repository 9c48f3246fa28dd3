package dxnet

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/maiprobe/maiprobe/internal/fixtures"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

// scoresOwnPage reads one of our synthetic pages under testdata/.
func scoresOwnPage(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// parseScoresPage runs Parse end to end and wants a *ScoresPage.
func parseScoresPage(t *testing.T, b []byte) *ScoresPage {
	t.Helper()
	p, err := Parse(b)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	sp, ok := p.(*ScoresPage)
	if !ok {
		t.Fatalf("Parse returned %T, want *ScoresPage", p)
	}
	return sp
}

// parseScoresDirect calls parseScores without detect, so the list name
// must come from the parser's own reading of the page.
func parseScoresDirect(t *testing.T, b []byte, r maimai.Region) (*ScoresPage, error) {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	p, err := parseScores(doc, &Header{Kind: KindScores, Region: r})
	if err != nil {
		return nil, err
	}
	return p.(*ScoresPage), nil
}

func checkScore(t *testing.T, what string, got, want maimai.Score) {
	t.Helper()
	if want.Idx == "*" { // any non-empty token
		if got.Idx == "" {
			t.Errorf("%s: empty idx", what)
		}
		want.Idx = got.Idx
	}
	if got != want {
		t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

func wantScore(title string, typ maimai.ChartType, d maimai.Difficulty, level, section string) maimai.Score {
	return maimai.Score{Chart: maimai.Chart{Title: title, Type: typ, Difficulty: d}, Level: level, Section: section, Idx: "*"}
}

func wantPlayed(s maimai.Score, ach string, dx, dxMax int, rank maimai.Rank, fc maimai.FC, fs maimai.FS) maimai.Score {
	a, err := maimai.ParseAchievement(ach)
	if err != nil {
		panic(err)
	}
	s.Played, s.Achievement, s.DXScore, s.DXScoreMax, s.Rank, s.FC, s.FS = true, a, dx, dxMax, rank, fc, fs
	return s
}

func withGenre(s maimai.Score) maimai.Score  { s.Genre = s.Section; return s }
func withoutIdx(s maimai.Score) maimai.Score { s.Idx = ""; return s }

func TestParseScoresFixtures(t *testing.T) {
	const pops, game, maimaiG = "POPS＆ANIME", "GAME＆VARIETY", "maimai"
	tests := []struct {
		file     string
		region   maimai.Region
		list     string
		filter   string
		total    int
		played   int
		std      int
		sections map[string]int
		charts   map[int]maimai.Score // by position on the page
	}{
		{
			file: "intl/musicGenre-minty-1.html", region: maimai.Intl, list: "musicGenre", filter: "All genre / basic",
			total: 1357, played: 1, std: 544,
			sections: map[string]int{pops: 92, "niconico＆VOCALOID™": 328, "東方Project": 155, game: 248, maimaiG: 395, "オンゲキ＆CHUNITHM": 139},
			charts: map[int]maimai.Score{
				0:    withGenre(wantScore("ビビデバ", maimai.DX, maimai.Basic, "2", pops)),
				58:   withGenre(wantScore("\u3000", maimai.DX, maimai.Basic, "3", pops)), // 如月车站: the title is one U+3000
				710:  withGenre(wantPlayed(wantScore("CHAOS", maimai.DX, maimai.Basic, "5", game), "99.0352", 586, 720, maimai.RankSS, maimai.FCN, maimai.Sync)),
				1166: withGenre(wantScore("D✪N’T  ST✪P  R✪CKIN’", maimai.Std, maimai.Basic, "6", maimaiG)), // two spaces kept
				1356: withGenre(wantScore("エンドマークに希望と涙を添えて", maimai.Std, maimai.Basic, "6", "オンゲキ＆CHUNITHM")),
			},
		},
		{
			file: "intl/musicGenre-minty-3.html", region: maimai.Intl, list: "musicGenre", filter: "All genre / expert",
			total: 1357, played: 581, std: 544,
			charts: map[int]maimai.Score{
				0:    withGenre(wantPlayed(wantScore("ビビデバ", maimai.DX, maimai.Expert, "9+", pops), "100.3277", 1279, 1440, maimai.RankSSS, maimai.NoFC, maimai.Sync)),
				19:   withGenre(wantPlayed(wantScore("INTERNET YAMERO", maimai.DX, maimai.Expert, "10+", pops), "100.2946", 1843, 2097, maimai.RankSSS, maimai.FCN, maimai.FSP)),
				1166: withGenre(wantScore("D✪N’T  ST✪P  R✪CKIN’", maimai.Std, maimai.Expert, "11+", maimaiG)),
				1356: withGenre(wantPlayed(wantScore("エンドマークに希望と涙を添えて", maimai.Std, maimai.Expert, "12+", "オンゲキ＆CHUNITHM"), "95.9324", 1666, 2106, maimai.RankAAA, maimai.NoFC, maimai.Sync)),
			},
		},
		{
			file: "intl/musicGenre-minty-5.html", region: maimai.Intl, list: "musicGenre", filter: "All genre / remaster",
			total: 134, played: 12, std: 88,
			charts: map[int]maimai.Score{
				0:   withGenre(wantPlayed(wantScore("ビビデバ", maimai.DX, maimai.ReMaster, "13", pops), "90.4161", 1686, 2475, maimai.RankAA, maimai.NoFC, maimai.Sync)),
				133: withGenre(wantScore("レーイレーイ", maimai.DX, maimai.ReMaster, "13+", "オンゲキ＆CHUNITHM")),
			},
		},
		{
			file: "intl/musicLevel-minty-1.html", region: maimai.Intl, list: "musicLevel", filter: "LEVEL 7",
			total: 350, played: 9, std: 150, sections: map[string]int{"LEVEL 7": 350},
			charts: map[int]maimai.Score{
				0:   wantScore("前前前世", maimai.Std, maimai.Advanced, "7", "LEVEL 7"),
				73:  wantPlayed(wantScore("お願い！コンコンお稲荷さま", maimai.DX, maimai.Advanced, "7", "LEVEL 7"), "100.6939", 1005, 1143, maimai.RankSSSP, maimai.FCP, maimai.Sync),
				93:  wantPlayed(wantScore("ウタヒメナイトストーム", maimai.DX, maimai.Advanced, "7", "LEVEL 7"), "100.0577", 782, 939, maimai.RankSSS, maimai.FCP, maimai.FSD),
				349: wantScore("BOKUTO", maimai.DX, maimai.Advanced, "7", "LEVEL 7"),
			},
		},
		{
			file: "intl/musicLevel-minty-3.html", region: maimai.Intl, list: "musicLevel", filter: "LEVEL 10",
			total: 205, played: 102, std: 54,
			charts: map[int]maimai.Score{
				0:   wantPlayed(wantScore("阿修羅ちゃん", maimai.DX, maimai.Expert, "10", "LEVEL 10"), "99.8039", 1275, 1458, maimai.RankSSP, maimai.NoFC, maimai.Sync),
				1:   wantPlayed(wantScore("きゅびずむ", maimai.DX, maimai.Expert, "10", "LEVEL 10"), "100.7500", 1269, 1407, maimai.RankSSSP, maimai.FCN, maimai.Sync),
				154: wantPlayed(wantScore("\u3000", maimai.DX, maimai.Expert, "10", "LEVEL 10"), "98.3234", 929, 1071, maimai.RankSP, maimai.NoFC, maimai.Sync),
				204: wantPlayed(wantScore("レーイレーイ", maimai.DX, maimai.Expert, "10", "LEVEL 10"), "91.4805", 1394, 1881, maimai.RankAA, maimai.NoFC, maimai.Sync),
			},
		},
		{
			file: "intl/musicLevel-minty-5.html", region: maimai.Intl, list: "musicLevel", filter: "LEVEL 15",
			total: 3, played: 0, std: 1,
			charts: map[int]maimai.Score{
				0: wantScore("PANDORA PARADOXXX", maimai.Std, maimai.ReMaster, "15", "LEVEL 15"),
				2: wantScore("Xaleid◆scopiX", maimai.DX, maimai.ReMaster, "15", "LEVEL 15"),
			},
		},
		{
			file: "intl/musicVersion-minty-1.html", region: maimai.Intl, list: "musicVersion", filter: "maimai / basic",
			total: 43, played: 0, std: 43, sections: map[string]int{"maimai": 43},
			charts: map[int]maimai.Score{
				0:  wantScore("Love or Lies", maimai.Std, maimai.Basic, "5", "maimai"),
				42: wantScore("Rooftop Run: Act1", maimai.Std, maimai.Basic, "5", "maimai"),
			},
		},
		{
			file: "intl/musicVersion-minty-3.html", region: maimai.Intl, list: "musicVersion", filter: "maimai PLUS / basic",
			total: 45, played: 0, std: 45,
			charts: map[int]maimai.Score{
				0:  wantScore("腐れ外道とチョコレゐト", maimai.Std, maimai.Basic, "6", "maimai PLUS"),
				44: wantScore("Black Out", maimai.Std, maimai.Basic, "6", "maimai PLUS"),
			},
		},
		{
			// The rating list shows achievement and rank only: no DX score,
			// no combo or sync marks.
			file: "intl/ratingTargetMusic-minty-1.html", region: maimai.Intl, list: "ratingTargetMusic",
			total: 90, played: 90, std: 16,
			sections: map[string]int{"Songs for Rating(New)": 15, "Songs for Rating(Others)": 35, "Songs for Rating Selection(New)": 20, "Songs for Rating Selection(Others)": 20},
			charts: map[int]maimai.Score{
				0:  wantPlayed(wantScore("少女レイ", maimai.DX, maimai.Master, "12+", "Songs for Rating(New)"), "100.5320", 0, 0, maimai.RankSSSP, maimai.NoFC, maimai.NoFS),
				2:  wantPlayed(wantScore("Destined Marionette", maimai.DX, maimai.Expert, "12", "Songs for Rating(New)"), "100.8197", 0, 0, maimai.RankSSSP, maimai.NoFC, maimai.NoFS),
				50: wantPlayed(wantScore("おべんきょうたいむ", maimai.DX, maimai.Expert, "12", "Songs for Rating Selection(New)"), "100.0547", 0, 0, maimai.RankSSS, maimai.NoFC, maimai.NoFS),
				89: wantPlayed(wantScore("グリーンライツ・セレナーデ", maimai.DX, maimai.Master, "12+", "Songs for Rating Selection(Others)"), "99.1064", 0, 0, maimai.RankSS, maimai.NoFC, maimai.NoFS),
			},
		},
		{
			// A hand-trimmed CN fragment: no header, no form, no idx. Its
			// "blank" first title is 如月车站's real title, one U+3000.
			file: "cn/musicGenre-truerou-1.html", region: maimai.CN, list: "musicGenre",
			total: 8, played: 8, std: 2,
			sections: map[string]int{"流行&动漫": 1, "niconico＆VOCALOID™": 2, "其他游戏": 1, "舞萌": 2, "音击/中二节奏": 2},
			charts: map[int]maimai.Score{
				0: withoutIdx(withGenre(wantPlayed(wantScore("\u3000", maimai.DX, maimai.Expert, "10", "流行&动漫"), "100.8750", 989, 1071, maimai.RankSSSP, maimai.AP, maimai.Sync))),
				1: withoutIdx(withGenre(wantPlayed(wantScore("花となれ", maimai.DX, maimai.Expert, "8+", "niconico＆VOCALOID™"), "101.0000", 752, 831, maimai.RankSSSP, maimai.APP, maimai.Sync))),
				2: withoutIdx(withGenre(wantPlayed(wantScore("ロストワンの号哭", maimai.Std, maimai.Expert, "10+", "niconico＆VOCALOID™"), "90.4090", 1079, 1635, maimai.RankAA, maimai.NoFC, maimai.Sync))),
				4: withoutIdx(withGenre(wantPlayed(wantScore("シックスプラン", maimai.DX, maimai.Expert, "9", "舞萌"), "99.9338", 961, 1125, maimai.RankSSP, maimai.FCP, maimai.FSN))),
				5: withoutIdx(withGenre(wantPlayed(wantScore("maimaiちゃんのテーマ", maimai.Std, maimai.Expert, "9", "舞萌"), "98.1502", 557, 729, maimai.RankSP, maimai.FCN, maimai.FSP))),
				6: withoutIdx(withGenre(wantPlayed(wantScore("STARTLINER", maimai.DX, maimai.Expert, "9", "音击/中二节奏"), "100.1990", 979, 1110, maimai.RankSSS, maimai.FCP, maimai.FSD))),
				7: withoutIdx(withGenre(wantPlayed(wantScore("Limits", maimai.DX, maimai.Expert, "10", "音击/中二节奏"), "99.3390", 1227, 1428, maimai.RankSS, maimai.NoFC, maimai.Sync))),
			},
		},
		{
			// A JP fragment: the level <select> and three unplayed charts.
			file: "jp/musicLevel-jietng-1.html", region: maimai.JP, list: "musicLevel", filter: "LEVEL 13",
			total: 3, played: 0, std: 0,
			charts: map[int]maimai.Score{
				0: withoutIdx(wantScore("Overdose", maimai.DX, maimai.Master, "13", "")),
				1: withoutIdx(wantScore("Colorful Starting Line", maimai.DX, maimai.Master, "13", "")),
				2: withoutIdx(wantScore("勝手に生きましょ", maimai.DX, maimai.Master, "13", "")),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b := fixtures.ReadDXNet(t, tt.file)
			p := parseScoresPage(t, b)
			if p.Kind != KindScores || p.Region != tt.region {
				t.Errorf("header %s/%s, want %s/%s", p.Kind, p.Region, KindScores, tt.region)
			}
			if p.List != tt.list || p.Filter != tt.filter {
				t.Errorf("list %q filter %q, want %q %q", p.List, p.Filter, tt.list, tt.filter)
			}
			if len(p.Scores) != tt.total {
				t.Fatalf("%d charts, want %d", len(p.Scores), tt.total)
			}
			nPlayed, nStd, sections := 0, 0, map[string]int{}
			for i, s := range p.Scores {
				if s.Played {
					nPlayed++
					if s.Rank != maimai.RankOf(s.Achievement) {
						t.Errorf("chart %d %q: rank icon %s but %s is %s", i, s.Title, s.Rank, s.Achievement, maimai.RankOf(s.Achievement))
					}
				} else if s.Achievement != 0 || s.Rank != "" || s.FC != "" || s.FS != "" || s.DXScore != 0 {
					t.Errorf("chart %d %q: unplayed but has a score: %+v", i, s.Title, s)
				}
				if s.Type == maimai.Std {
					nStd++
				}
				if s.Title == "" || s.Level == "" || !s.Difficulty.Valid() {
					t.Errorf("chart %d incomplete: %+v", i, s)
				}
				sections[s.Section]++
			}
			if nPlayed != tt.played || nStd != tt.std {
				t.Errorf("%d played, %d std; want %d, %d", nPlayed, nStd, tt.played, tt.std)
			}
			if tt.sections != nil {
				for k, v := range tt.sections {
					if sections[k] != v {
						t.Errorf("section %q has %d charts, want %d (all: %v)", k, sections[k], v, sections)
					}
				}
				if len(sections) != len(tt.sections) {
					t.Errorf("sections %v, want %v", sections, tt.sections)
				}
			}
			for i, want := range tt.charts {
				checkScore(t, tt.file+" chart "+strings.TrimSpace(want.Title), p.Scores[i], want)
			}

			// Without detect's help the parser names the list the same way.
			direct, err := parseScoresDirect(t, b, tt.region)
			if err != nil {
				t.Fatalf("parseScores: %v", err)
			}
			if direct.List != tt.list || len(direct.Scores) != tt.total {
				t.Errorf("direct: list %q with %d charts, want %q with %d", direct.List, len(direct.Scores), tt.list, tt.total)
			}
		})
	}
}

func TestParseScoresSynthetic(t *testing.T) {
	tests := []struct {
		file   string
		region maimai.Region
		list   string
		filter string
		charts []maimai.Score
	}{
		{
			file: "musicSort-cn-utage.html", region: maimai.CN, list: "musicSort", filter: "版本 / master",
			charts: []maimai.Score{
				func() maimai.Score {
					s := wantPlayed(wantScore("D✪N’T  ST✪P  R✪CKIN’", maimai.Std, maimai.Master, "14+", "舞萌DX 2024"), "100.6789", 2523, 2844, maimai.RankSSSP, maimai.AP, maimai.FSDP)
					s.Idx = "cn-idx-1"
					return s
				}(),
				func() maimai.Score {
					s := wantScore(`Tom & Jerry's "Song"`, maimai.DX, maimai.Master, "13", "舞萌DX 2024")
					s.Idx = "cn-idx-2"
					return s
				}(),
				// Utage: a badge instead of a std/DX icon, "?" levels, and
				// two players' achievement.
				func() maimai.Score {
					s := wantPlayed(wantScore("[协]青春コンプレックス", maimai.DX, maimai.Utage, "13?", "宴会场"), "198.1234", 3001, 3300, maimai.RankSSSP, maimai.FCN, maimai.NoFS)
					s.Idx = "cn-idx-3"
					s.UtageMark = maimai.UtageMark{UtageKind: "协"}
					return s
				}(),
				// The intl site's "music__score_back" / "diff_.png" utage block.
				func() maimai.Score {
					s := wantScore("[蛸]ぼくたちいつでも\u3000しゅわっしゅわ！", maimai.DX, maimai.Utage, "12?", "宴会场")
					s.Idx = "cn-idx-4"
					return s
				}(),
			},
		},
		{
			// One song's std and DX charts in one wrapper, the type icons
			// beside them as tabs, paired in order.
			file: "musicGenre-tabs.html", region: maimai.Intl, list: "musicGenre", filter: "maimai / expert",
			charts: []maimai.Score{
				func() maimai.Score {
					s := withGenre(wantScore("Link", maimai.Std, maimai.Expert, "8", "maimai"))
					s.Idx = "std-link"
					return s
				}(),
				func() maimai.Score {
					s := withGenre(wantPlayed(wantScore("Link", maimai.DX, maimai.Expert, "9+", "maimai"), "97.0000", 1000, 1500, maimai.RankS, maimai.FCP, maimai.FSN))
					s.Idx = "dx-link"
					return s
				}(),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			p := parseScoresPage(t, scoresOwnPage(t, tt.file))
			if p.Region != tt.region || p.List != tt.list || p.Filter != tt.filter {
				t.Errorf("region %s list %q filter %q, want %s %q %q", p.Region, p.List, p.Filter, tt.region, tt.list, tt.filter)
			}
			if len(p.Scores) != len(tt.charts) {
				t.Fatalf("%d charts, want %d: %+v", len(p.Scores), len(tt.charts), p.Scores)
			}
			for i, want := range tt.charts {
				checkScore(t, want.Title, p.Scores[i], want)
			}
		})
	}
}

// listBlock is a musicLevel-style chart block with parts replaceable.
func listBlock(class, diffImg, kind, level, name, extra string) string {
	return `<div class="` + class + ` pointer w_450 m_15 p_3 f_0"><form action="https://maimaidx-eng.com/maimai-mobile/record/musicDetail/">` +
		diffImg + kind + level + name + extra + `</form></div>`
}

func TestParseScoresLayoutErrors(t *testing.T) {
	const (
		cls   = "music_master_score_back"
		diff  = `<img src="https://maimaidx-eng.com/maimai-mobile/img/diff_master.png">`
		kind  = `<img src="https://maimaidx-eng.com/maimai-mobile/img/music_dx.png" class="music_kind_icon f_r"/>`
		level = `<div class="music_lv_block f_r t_c f_14">13</div>`
		name  = `<div class="music_name_block t_l f_13 break">Song</div>`
		score = `<div class="music_score_block w_112">99.0000%</div><div class="music_score_block w_190">1,000 / 1,200</div>`
		rank  = `<img src="https://maimaidx-eng.com/maimai-mobile/img/music_icon_ss.png?ver=1.60"/>`
	)
	tests := []struct {
		name, body, want string
	}{
		{"no title", listBlock(cls, diff, kind, level, "", ""), "no title"},
		{"empty title", listBlock(cls, diff, kind, level, `<div class="music_name_block">  </div>`, ""), "empty title"},
		{"no level", listBlock(cls, diff, kind, "", name, ""), "no level"},
		{"blank level", listBlock(cls, diff, kind, `<div class="music_lv_block"> </div>`, name, ""), "no level"},
		{"no type", listBlock(cls, diff, "", level, name, ""), "no chart type icon"},
		{"unknown difficulty", listBlock("music_legend_score_back", diff, kind, level, name, ""), "no known difficulty"},
		{"class and image disagree", listBlock(cls, `<img src="https://maimaidx-eng.com/maimai-mobile/img/diff_basic.png">`, kind, level, name, ""), "image says basic"},
		{"unknown icon", listBlock(cls, diff, kind, level, name, score+rank+`<img src="https://maimaidx-eng.com/maimai-mobile/img/music_icon_gold.png"/>`), "unknown icon"},
		{"no rank", listBlock(cls, diff, kind, level, name, score), "no rank icon"},
		{"icons without score", listBlock(cls, diff, kind, level, name, rank), "no achievement"},
		{"bad achievement", listBlock(cls, diff, kind, level, name, `<div class="music_score_block">99.12345%</div>`+rank), "achievement"},
		{"bad dx score", listBlock(cls, diff, kind, level, name, `<div class="music_score_block">99.0000%</div><div class="music_score_block">lots / 1,200</div>`+rank), "DX score"},
		{"tabs without pairs", `<div class="w_450">` + listBlock(cls, diff, "", level, name, "") + listBlock(cls, diff, "", level, name, "") + kind + `</div>`, "1 chart type icons beside 2 blocks"},
		{"nothing", `<div class="screw_block">LEVEL 13</div><p>no charts</p>`, "no chart blocks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := `<html><body><div class="screw_block">LEVEL 13</div>` + tt.body + `</body></html>`
			_, err := parseScoresDirect(t, []byte(page), maimai.Intl)
			if !errors.Is(err, ErrLayout) {
				t.Fatalf("err = %v, want ErrLayout", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %q, want it to say %q", err, tt.want)
			}
		})
	}
}

// An empty search result (a level with no charts) is a list, not an error.
func TestParseScoresEmptyList(t *testing.T) {
	page := `<html><body><form action="https://maimaidx.jp/maimai-mobile/record/musicLevel/search/">
		<select name="level"><option value="1">LEVEL 1</option><option value="23" selected>LEVEL 15</option></select></form></body></html>`
	p, err := parseScoresDirect(t, []byte(page), maimai.JP)
	if err != nil {
		t.Fatal(err)
	}
	if p.List != "musicLevel" || p.Filter != "LEVEL 15" || p.Scores == nil || len(p.Scores) != 0 {
		t.Errorf("got list %q filter %q scores %v, want musicLevel, LEVEL 15, []", p.List, p.Filter, p.Scores)
	}
}
