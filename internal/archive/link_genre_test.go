package archive

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/fixtures"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/songs"
	"github.com/maiprobe/maiprobe/internal/storage/storagetest"
)

// genreEntry is one score of a synthetic CN musicGenre page.
type genreEntry struct {
	diff, level, achievement, rank string
}

// cnGenrePage is a CN musicGenre page in the layout of
// cn/musicGenre-truerou-1.html: each section is a genre heading followed
// by std "Link" scores.
func cnGenrePage(sections map[string][]genreEntry, order []string) []byte {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html>
<html lang="zh">
<head>
    <meta charset="UTF-8" />
</head>
<body oncontextmenu="return false;">
<div class="wrapper main_wrapper t_c o_v">
`)
	for _, genre := range order {
		fmt.Fprintf(&b, "    <div class=\"screw_block m_15 f_15 p_s\">%s</div>\n", genre)
		for _, e := range sections[genre] {
			fmt.Fprintf(&b, `    <div class="w_450 m_15 p_r f_0" >
        <div class="music_%[1]s_score_back pointer p_3">
            <form action="https://maimai.wahlap.com/maimai-mobile/record/musicDetail/" method="get" accept-charset="utf-8">
                <img src="https://maimai.wahlap.com/maimai-mobile/img/diff_%[1]s.png" class="h_20 f_l">
                <div class="clearfix"></div>
                <div class="music_lv_block f_r t_c f_14">%[2]s</div>
                <div class="music_name_block t_l f_13 break">Link</div>
                <div class="music_score_block w_112 t_r f_l f_12">%[3]s</div>
                <div class="music_score_block w_190 t_r f_l f_12">
                    <img src="https://maimai.wahlap.com/maimai-mobile/img/deluxscore.png" class="v_b f_l"/>
                    500 / 1,500
                </div>
                <img src="https://maimai.wahlap.com/maimai-mobile/img/music_icon_back.png?ver=1.50" class="h_30 f_r"/>
                <img src="https://maimai.wahlap.com/maimai-mobile/img/music_icon_back.png?ver=1.50" class="h_30 f_r"/>
                <img src="https://maimai.wahlap.com/maimai-mobile/img/music_icon_%[4]s.png?ver=1.50" class="h_30 f_r"/>
                <div class="clearfix"></div>
            </form>
        </div>
        <img src="https://maimai.wahlap.com/maimai-mobile/img/music_standard.png" class="music_kind_icon "/>
    </div>
`, e.diff, e.level, e.achievement, e.rank)
		}
		b.WriteString("    <p class=\"scroll_point\"></p>\n")
	}
	b.WriteString("</div>\n</body>\n</html>\n")
	return []byte(b.String())
}

// TestTwoLinksInArchive: with the real CN song data synced, a musicGenre
// page that lists both songs titled "Link" (舞萌's song 131 and niconico's
// song 383, diving-fish's "Link(CoF)") under their genre headings gives
// two charts in the rating and the song list, each with its own song id
// and constant. The master charts share title, type, difficulty and level,
// so only the genre tells them apart; the expert charts differ in constant
// (12.6 and 10.7).
func TestTwoLinksInArchive(t *testing.T) {
	raw, err := os.ReadFile(fixtures.Shared(t, "data/songs/divingfish-music_data.cn.json"))
	if err != nil {
		t.Fatal(err)
	}
	page := cnGenrePage(map[string][]genreEntry{
		"舞萌":                 {{"expert", "12+", "99.0000%", "ss"}, {"master", "12", "98.0000%", "sp"}},
		"niconico＆VOCALOID™": {{"expert", "10+", "100.5000%", "sssp"}, {"master", "12", "97.0000%", "s"}},
	}, []string{"niconico＆VOCALOID™", "舞萌"})
	type want struct {
		song     int
		constant songs.Constant
		ach      maimai.Achievement
	}
	wants := map[maimai.Difficulty][]want{ // by song id
		maimai.Expert: {{131, 126, 990000}, {383, 107, 1005000}},
		maimai.Master: {{131, 125, 980000}, {383, 125, 970000}},
	}
	for _, dbName := range storagetest.Databases {
		t.Run(dbName, func(t *testing.T) {
			ctx := context.Background()
			a := openDB(t, dbName)
			db, err := songs.Load(bytes.NewReader(raw), maimai.CN)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.SyncSongs(ctx, db); err != nil {
				t.Fatal(err)
			}
			res := a.Import(ctx, "cn", Source{Name: "musicGenre-links.html", Data: page, ObservedAt: testNow.Add(-time.Hour)})
			if res.Status != Added {
				t.Fatalf("import: %s %v", res.Status, res.Err)
			}

			r, err := a.Rating(ctx, "cn", time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			got := map[maimai.Difficulty][]want{}
			for _, tab := range [][]RatingEntry{r.New, r.Old, r.Unknown} {
				for _, e := range tab {
					if e.Title == "Link" && e.Type == maimai.Std {
						if e.Link != LinkMatched {
							t.Errorf("rating: %s %s linked %q, want %q", e.Title, e.Difficulty, e.Link, LinkMatched)
						}
						got[e.Difficulty] = append(got[e.Difficulty], want{e.SongID, e.Constant, e.Achievement})
					}
				}
			}
			checkLinks(t, "rating", got, wants)

			list, err := a.SongList(ctx, "cn", SongFilter{Played: true}, 0, 100)
			if err != nil {
				t.Fatal(err)
			}
			got = map[maimai.Difficulty][]want{}
			for _, c := range list.Charts {
				if c.Best == nil {
					t.Errorf("song list: %s %s listed as played without a best", c.Title, c.Difficulty)
					continue
				}
				got[c.Difficulty] = append(got[c.Difficulty], want{c.SongID, c.Constant, c.Best.Achievement})
			}
			if list.Total != 4 {
				t.Errorf("song list of played charts: %d charts, want the 4 Link charts: %+v", list.Total, list.Charts)
			}
			checkLinks(t, "song list", got, wants)

			un, err := a.UnmatchedCharts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(un) != 0 {
				t.Errorf("unmatched charts: %+v, want none", un)
			}
		})
	}
}

// checkLinks compares what a reader showed of the Link charts, in song
// id order, with want.
func checkLinks[W comparable](t *testing.T, what string, got, want map[maimai.Difficulty][]W) {
	t.Helper()
	for d, ws := range want {
		gs := got[d]
		if len(gs) == 2 && fmt.Sprint(gs[0]) > fmt.Sprint(gs[1]) {
			gs[0], gs[1] = gs[1], gs[0]
		}
		if fmt.Sprint(gs) != fmt.Sprint(ws) {
			t.Errorf("%s: Link %s = %v (song, constant, achievement), want %v", what, d, gs, ws)
		}
	}
}

// TestDivingFishCoF: diving-fish calls the niconico "Link" (song 383)
// "Link(CoF)"; its file's record goes to that song's chart beside the
// 舞萌 "Link" (131), so neither is listed as unmatched.
func TestDivingFishCoF(t *testing.T) {
	raw, err := os.ReadFile(fixtures.Shared(t, "data/songs/divingfish-music_data.cn.json"))
	if err != nil {
		t.Fatal(err)
	}
	file := []byte(`[
 {"achievements": 99.5, "dxScore": 800, "fc": "", "fs": "", "level_index": 3, "title": "Link", "type": "SD"},
 {"achievements": 100.1, "dxScore": 810, "fc": "fc", "fs": "", "level_index": 3, "title": "Link(CoF)", "type": "SD"}
]`)
	for _, dbName := range storagetest.Databases {
		t.Run(dbName, func(t *testing.T) { testDivingFishCoF(t, openDB(t, dbName), raw, file) })
	}
}

func testDivingFishCoF(t *testing.T, a *Archive, raw, file []byte) {
	ctx := context.Background()
	db, err := songs.Load(bytes.NewReader(raw), maimai.CN)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.SyncSongs(ctx, db); err != nil {
		t.Fatal(err)
	}
	// A CN page first, so the player's region is known; then the file.
	home := cnGenrePage(map[string][]genreEntry{"舞萌": {{"expert", "12+", "99.0000%", "ss"}}}, []string{"舞萌"})
	if res := a.Import(ctx, "cn", Source{Name: "musicGenre.html", Data: home, ObservedAt: testNow.Add(-2 * time.Hour)}); res.Status != Added {
		t.Fatalf("page: %s %v", res.Status, res.Err)
	}
	if res := a.Import(ctx, "cn", Source{Name: "records.json", Data: file, ObservedAt: testNow.Add(-time.Hour)}); res.Status != Added {
		t.Fatalf("file: %s %v", res.Status, res.Err)
	}
	r, err := a.Rating(ctx, "cn", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[int]maimai.Achievement{}
	for _, tab := range [][]RatingEntry{r.New, r.Old, r.Unknown} {
		for _, e := range tab {
			if e.Title == "Link" && e.Difficulty == maimai.Master {
				got[e.SongID] = e.Achievement
				if e.Source != "divingfish-json" || !e.SourceAt.Equal(testNow.Add(-time.Hour)) {
					t.Errorf("rating: Link %d from %q at %v, want the diving-fish file's provenance", e.SongID, e.Source, e.SourceAt)
				}
			}
		}
	}
	if got[131] != 995000 || got[383] != 1001000 || len(got) != 2 {
		t.Errorf("Link master by song id: %v, want 131 at 99.5%% and 383 at 100.1%%", got)
	}
	list, err := a.SongList(ctx, "cn", SongFilter{Played: true}, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range list.Charts {
		want := "divingfish-json"
		if c.Difficulty == maimai.Expert {
			want = "dxnet:scores"
		}
		if c.Source != want {
			t.Errorf("song list: %s %s (%d) from %q, want %q", c.Title, c.Difficulty, c.SongID, c.Source, want)
		}
	}
	un, err := a.UnmatchedCharts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(un) != 0 {
		t.Errorf("unmatched charts: %+v, want none", un)
	}
}
