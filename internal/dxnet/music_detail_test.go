package dxnet

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/maiprobe/maiprobe/internal/fixtures"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

func parseMusicDetailPage(t *testing.T, b []byte) *MusicDetailPage {
	t.Helper()
	p, err := Parse(b)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	mp, ok := p.(*MusicDetailPage)
	if !ok {
		t.Fatalf("Parse returned %T, want *MusicDetailPage", p)
	}
	return mp
}

// detailScore is one expected difficulty of a musicDetail page.
func detailScore(p *MusicDetailPage, typ maimai.ChartType, d maimai.Difficulty, level, idx string) maimai.Score {
	return maimai.Score{Chart: maimai.Chart{Title: p.Title, Type: typ, Difficulty: d}, Level: level, Genre: p.Genre, Idx: idx}
}

func detailPlayed(s maimai.Score, ach string, dx, dxMax int, rank maimai.Rank, fc maimai.FC, fs maimai.FS, count int, last time.Time) maimai.Score {
	s = wantPlayed(s, ach, dx, dxMax, rank, fc, fs)
	s.PlayCount, s.LastPlayedAt = count, last
	return s
}

func TestParseMusicDetail(t *testing.T) {
	jst := maimai.Intl.Location()
	cst := maimai.CN.Location()
	const (
		sirius = "63541955b250b2b4c86d0c5625b197a637d3c5ca54293a2a1fccea2d84c844c33006d67e8801d0714c5f0fd125a8502981f76978402786a240659aefd1ab19a5NKur6SJ8gUIZseeyH8mZIuBkoXVef0yzH6vRIdZAHys="
		poppi  = "b975de31e70f6b63aa7cd6a2b6d79f1ba075d163f4c1b64bd91375e8f27c7c3e7e1a7cd6c08e51c17728d2cc0db5b211be4722a915944473a53af01f61c2e8d01E2MrLR2D204dcAuHnyHyTBcqZ8anOLLh9oFbT0XNdg="
	)
	tests := []struct {
		name   string
		read   func(t *testing.T) []byte
		region maimai.Region
		title  string
		artist string
		genre  string
		jacket string
		scores func(p *MusicDetailPage) []maimai.Score
	}{
		{
			name:   "intl/musicDetail-minty-1.html",
			read:   func(t *testing.T) []byte { return fixtures.ReadDXNet(t, "intl/musicDetail-minty-1.html") },
			region: maimai.Intl,
			title:  "シリウスの輝きのように",
			artist: "鳳 ここな(CV.石見舞菜香)、静香(CV.長谷川育美)、カトリナ・グリーベル(CV.天城サリー)、新妻八恵(CV.長縄まりあ)、柳場ぱんだ(CV.大空直美)、流石知冴(CV.佐々木李子)",
			genre:  "POPS＆ANIME",
			jacket: "e855318fd3b94fc0.png",
			scores: func(p *MusicDetailPage) []maimai.Score {
				return []maimai.Score{
					detailScore(p, maimai.DX, maimai.Basic, "4", sirius),
					detailScore(p, maimai.DX, maimai.Advanced, "7+", sirius),
					detailPlayed(detailScore(p, maimai.DX, maimai.Expert, "10+", sirius), "98.4787", 1019, 1248, maimai.RankSP, maimai.FCN, maimai.Sync,
						1, time.Date(2025, 10, 23, 0, 15, 0, 0, jst)),
					detailPlayed(detailScore(p, maimai.DX, maimai.Master, "12", sirius), "100.0252", 1292, 1434, maimai.RankSSS, maimai.NoFC, maimai.Sync,
						16, time.Date(2026, 1, 3, 19, 15, 0, 0, jst)),
					detailScore(p, maimai.DX, maimai.ReMaster, "14", sirius),
				}
			},
		},
		{
			// A song whose artist is empty on the site.
			name:   "intl/musicDetail-minty-3.html",
			read:   func(t *testing.T) []byte { return fixtures.ReadDXNet(t, "intl/musicDetail-minty-3.html") },
			region: maimai.Intl,
			title:  "ぽっぴっぽー",
			artist: "",
			genre:  "niconico＆VOCALOID™",
			jacket: "a614663a6453f7de.png",
			scores: func(p *MusicDetailPage) []maimai.Score {
				return []maimai.Score{
					detailScore(p, maimai.Std, maimai.Basic, "4", poppi),
					detailScore(p, maimai.Std, maimai.Advanced, "7", poppi),
					detailScore(p, maimai.Std, maimai.Expert, "9+", poppi),
					detailScore(p, maimai.Std, maimai.Master, "13", poppi),
				}
			},
		},
		{
			// Synthetic CN page showing a std and a DX table, CN labels, a
			// score block paired by its sta_ id and one by its own icon, a
			// row whose difficulty is only in its button class.
			name:   "testdata/musicDetail-cn-both.html",
			read:   func(t *testing.T) []byte { return scoresOwnPage(t, "musicDetail-cn-both.html") },
			region: maimai.CN,
			title:  "\u3000",
			artist: "x0o0x_",
			genre:  "舞萌",
			jacket: "0123456789abcdef.png",
			scores: func(p *MusicDetailPage) []maimai.Score {
				return []maimai.Score{
					detailScore(p, maimai.Std, maimai.Basic, "5", "song-idx"),
					detailPlayed(detailScore(p, maimai.Std, maimai.Master, "12+", "song-idx"), "99.5012", 1700, 2001, maimai.RankSSP, maimai.FCP, maimai.FSP,
						1234, time.Date(2024, 5, 1, 21, 7, 0, 0, cst)),
					detailPlayed(detailScore(p, maimai.DX, maimai.Master, "13", ""), "101.0000", 2400, 2400, maimai.RankSSSP, maimai.APP, maimai.FSDP,
						3, time.Date(2024, 6, 2, 8, 0, 0, 0, cst)),
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := parseMusicDetailPage(t, tt.read(t))
			if p.Kind != KindMusicDetail || p.Region != tt.region {
				t.Errorf("header %s/%s, want %s/%s", p.Kind, p.Region, KindMusicDetail, tt.region)
			}
			if p.Title != tt.title || p.Artist != tt.artist || p.Genre != tt.genre || p.Jacket != tt.jacket {
				t.Errorf("got title %q artist %q genre %q jacket %q\nwant title %q artist %q genre %q jacket %q",
					p.Title, p.Artist, p.Genre, p.Jacket, tt.title, tt.artist, tt.genre, tt.jacket)
			}
			want := tt.scores(p)
			if len(p.Scores) != len(want) {
				t.Fatalf("%d difficulties, want %d: %+v", len(p.Scores), len(want), p.Scores)
			}
			for i := range want {
				g, w := p.Scores[i], want[i]
				if !g.LastPlayedAt.Equal(w.LastPlayedAt) {
					t.Errorf("%s %s: last played %v, want %v", w.Type, w.Difficulty, g.LastPlayedAt, w.LastPlayedAt)
				}
				g.LastPlayedAt, w.LastPlayedAt = time.Time{}, time.Time{}
				checkScore(t, string(w.Type)+" "+string(w.Difficulty), g, w)
			}
		})
	}
}

func TestParseMusicDetailLayoutErrors(t *testing.T) {
	const (
		head  = `<div class="basic_block"><img src="https://maimaidx-eng.com/maimai-mobile/img/Music/a.png"/><div class="m_10 blue"><img src="https://maimaidx-eng.com/maimai-mobile/img/music_dx.png"/>maimai</div>`
		title = `<div class="m_5 f_15 break">Song</div><hr><div class="m_5 f_12 break">Artist</div>`
		row   = `<tr><td><div class="music_lv_back">13</div></td><td><img src="https://maimaidx-eng.com/maimai-mobile/img/music_icon_sss.png"/></td><td><input type="hidden" name="diff" value="3"/></td></tr>`
		block = `<div id="master" class="music_master_score_back"><div class="music_lv_back">13</div><img src="https://maimaidx-eng.com/maimai-mobile/img/music_icon_sss.png"/>` +
			`<div class="music_score_block">100.0000%</div><div class="music_score_block">1 / 2</div>` +
			`<div class="black_block"><table><tr><td>PLAY COUNT：</td><td>5</td></tr></table></div></div>`
	)
	tests := []struct{ name, body, want string }{
		{"no title", head + `</div><table class="music_detail_table">` + row + `</table>` + block, "no song title"},
		{"no rows", head + title + `</div>`, "no difficulties"},
		{"played row without block", head + title + `<table class="music_detail_table">` + row + `</table></div>`, "no score block"},
		{"block without row", head + title + `<table class="music_detail_table">` + strings.NewReplacer(`value="3"`, `value="2"`, "music_icon_sss", "music_icon_blank").Replace(row) + `</table></div>` + block, "has no row"},
		{"levels disagree", head + title + `<table class="music_detail_table">` + strings.Replace(row, ">13<", ">12+<", 1) + `</table></div>` + block, "the score block 13"},
		{"unknown diff", head + title + `<table class="music_detail_table">` + strings.Replace(row, `value="3"`, `value="7"`, 1) + `</table></div>`, "no known difficulty"},
		{"block without achievement", head + title + `<table class="music_detail_table">` + row + `</table></div>` + strings.Replace(block, "100.0000%", "", 1), "rank or combo icons but no achievement"},
		{"block without play count", head + title + `<table class="music_detail_table">` + row + `</table></div>` + strings.Replace(block, "black_block", "grey_block", 1), "no play count or last play date"},
		{"bad play count", head + title + `<table class="music_detail_table">` + row + `</table></div>` +
			strings.Replace(block, `<div class="music_score_block">`, `<div class="black_block"><table><tr><td>PLAY COUNT：</td><td>many</td></tr></table></div><div class="music_score_block">`, 1), "neither a date nor a play count"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := html.Parse(bytes.NewReader([]byte(`<html><body>` + tt.body + `</body></html>`)))
			if err != nil {
				t.Fatal(err)
			}
			_, err = parseMusicDetail(doc, &Header{Kind: KindMusicDetail, Region: maimai.Intl})
			if !errors.Is(err, ErrLayout) {
				t.Fatalf("err = %v, want ErrLayout", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %q, want it to say %q", err, tt.want)
			}
		})
	}
}
