package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/songs"
)

// testSongs is a small CN song list covering the charts of the parser's
// synthetic record page (record-cn-mixed.html): ウミユリ海底譚 (DX master
// 100.7654% AP), Help me, ERINNNNNN!! (std Re:Master 99.0012%) and Scatman
// (std expert 72.5%), plus さくらんぼ, never played.
func testSongs() *songs.Database {
	chart := func(d maimai.Difficulty, level string, c songs.Constant) *songs.Chart {
		return &songs.Chart{Difficulty: d, Level: level, Constant: c}
	}
	return songs.NewDatabase(maimai.CN, "test", []*songs.Song{
		{ID: 11300, Key: "11300", Title: "ウミユリ海底譚", Artist: "n-buna", Genre: "niconico & VOCALOID", Type: maimai.DX,
			Version: "maimai でらっくす PRiSM PLUS", Charts: []*songs.Chart{
				chart(maimai.Basic, "5", 50), chart(maimai.Advanced, "8", 80), chart(maimai.Expert, "11+", 117), chart(maimai.Master, "13+", 137)}},
		{ID: 389, Key: "389", Title: "Help me, ERINNNNNN!!", Artist: "ビートまりお", Genre: "东方Project", Type: maimai.Std,
			Version: "maimai MURASAKi", Charts: []*songs.Chart{
				chart(maimai.Basic, "4", 40), chart(maimai.Advanced, "7", 70), chart(maimai.Expert, "10", 100),
				chart(maimai.Master, "12", 124), chart(maimai.ReMaster, "12+", 129)}},
		{ID: 17, Key: "17", Title: "Scatman (Ski Ba Bop Ba Dop Bop)", Artist: "Scatman John", Genre: "流行&动漫", Type: maimai.Std,
			Version: "maimai", Charts: []*songs.Chart{
				chart(maimai.Basic, "3", 30), chart(maimai.Advanced, "5", 50), chart(maimai.Expert, "8", 80), chart(maimai.Master, "10", 100)}},
		{ID: 11500, Key: "11500", Title: "さくらんぼ", Artist: "大塚愛", Genre: "流行&动漫", Type: maimai.DX,
			Version: "maimai でらっくす", Charts: []*songs.Chart{
				chart(maimai.Basic, "4", 40), chart(maimai.Advanced, "7", 70), chart(maimai.Expert, "10", 100), chart(maimai.Master, "12+", 127)}},
	})
}

// songsApp is an app whose private player "default" (owned by "owner")
// has the synthetic record page, with testSongs synced when synced.
func songsApp(t *testing.T, synced bool) (*app, *browser) {
	t.Helper()
	ap := newApp(t, Config{})
	ap.addUser("owner", "default")
	importRecord(t, ap.a, "default", "")
	if synced {
		if _, err := ap.a.SyncSongs(context.Background(), testSongs()); err != nil {
			t.Fatal(err)
		}
	}
	b := ap.browser()
	ap.mustLogin(b, "", "owner")
	return ap, b
}

// getOK fetches path and fails unless it answers 200.
func getOK(t *testing.T, b *browser, path string) string {
	t.Helper()
	res := b.get(path)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", path, res.StatusCode, res.body)
	}
	return res.body
}

var songTitleRE = regexp.MustCompile(`<td class="title">(?:<a [^>]*>)?([^<]*)`)

// songTitles lists the song titles of a song list page, in order.
func songTitles(body string) []string {
	var out []string
	for _, m := range songTitleRE.FindAllStringSubmatch(body, -1) {
		out = append(out, strings.TrimSpace(m[1]))
	}
	return out
}

func TestSongList(t *testing.T) {
	_, b := songsApp(t, true)
	q := func(v url.Values) string { return "/p/default/songs?" + v.Encode() }
	for _, tc := range []struct {
		name  string
		path  string
		want  []string // titles in order (one per chart)
		count string
	}{
		{"all: 17 synced charts and 2 learned ones", "/p/default/songs", nil, "共 19 张谱面"},
		{"hiragana finds katakana", q(url.Values{"q": {"うみゆり"}}), []string{"ウミユリ海底譚", "ウミユリ海底譚", "ウミユリ海底譚", "ウミユリ海底譚"}, "共 4 张谱面"},
		{"katakana finds hiragana", q(url.Values{"q": {"サクランボ"}, "diff": {"master"}}), []string{"さくらんぼ"}, "共 1 张谱面"},
		{"pinyin initials of 海底譚", q(url.Values{"q": {"HDT"}, "diff": {"master"}}), []string{"ウミユリ海底譚"}, "共 1 张谱面"},
		{"half-width katakana", q(url.Values{"q": {"ｳﾐﾕﾘ"}, "diff": {"master"}}), []string{"ウミユリ海底譚"}, "共 1 张谱面"},
		{"full-width latin, artist", q(url.Values{"q": {"ＳＣＡＴＭＡＮ ｊｏｈｎ"}, "level": {"8"}}), []string{"Scatman (Ski Ba Bop Ba Dop Bop)"}, "共 1 张谱面"},
		{"constant range", q(url.Values{"cmin": {"12.4"}, "cmax": {"12.9"}}), []string{"Help me, ERINNNNNN!!", "Help me, ERINNNNNN!!", "さくらんぼ"}, "共 3 张谱面"},
		{"version", q(url.Values{"version": {"25500"}, "diff": {"expert"}}), []string{"ウミユリ海底譚"}, "共 1 张谱面"},
		{"level range", q(url.Values{"lv_min": {"12+"}, "lv_max": {"13+"}}), []string{"ウミユリ海底譚", "Help me, ERINNNNNN!!", "さくらんぼ"}, "共 3 张谱面"},
		{"level from", q(url.Values{"lv_min": {"13"}}), []string{"ウミユリ海底譚"}, "共 1 张谱面"},
		// Lamps are "at least": FC+ keeps ウミユリ's AP, FS keeps FS, FDX and FDX+.
		{"fc+ or better keeps the AP", q(url.Values{"fc": {"fcp"}}), []string{"ウミユリ海底譚", "Help me, ERINNNNNN!!"}, "共 2 张谱面"},
		{"ap or better", q(url.Values{"fc": {"ap"}}), []string{"ウミユリ海底譚"}, "共 1 张谱面"},
		{"fs or better keeps FDX and FDX+", q(url.Values{"fs": {"fs"}}), []string{"ウミユリ海底譚", "Help me, ERINNNNNN!!", ""}, "共 3 张谱面"},
		{"genre and type", q(url.Values{"genre": {"流行&动漫"}, "type": {"dx"}}), []string{"さくらんぼ", "さくらんぼ", "さくらんぼ", "さくらんぼ"}, "共 4 张谱面"},
		{"played", q(url.Values{"played": {"1"}}), []string{"ウミユリ海底譚", "Help me, ERINNNNNN!!", "Scatman (Ski Ba Bop Ba Dop Bop)", "[宴]ガラクタドールプレイ", ""}, "共 5 张谱面"},
		{"played, by type", q(url.Values{"played": {"1"}, "type": {"std"}}), []string{"Help me, ERINNNNNN!!", "Scatman (Ski Ba Bop Ba Dop Bop)"}, "共 2 张谱面"},
		{"nothing", q(url.Values{"q": {"no such song"}}), nil, "共 0 张谱面"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := getOK(t, b, tc.path)
			if !strings.Contains(body, tc.count) {
				t.Errorf("no %q on the page", tc.count)
			}
			if got := songTitles(body); tc.want != nil && strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("titles %q, want %q", got, tc.want)
			}
		})
	}

	t.Run("best and rating beside the chart", func(t *testing.T) {
		body := getOK(t, b, q(url.Values{"q": {"ウミユリ"}, "diff": {"master"}}))
		// 13.7 × 22.4 × 100.5% = 308.4
		for _, want := range []string{`<td class="num constant">13.7</td>`, "100.7654%", `alt="SSS+"`, `alt="AP"`, `alt="FDX+"`, `<td class="num" data-label="Rating">308</td>`, "舞萌DX 2026"} {
			if !strings.Contains(body, want) {
				t.Errorf("the master of ウミユリ海底譚 lacks %q:\n%s", want, body)
			}
		}
	})

	t.Run("learned charts marked", func(t *testing.T) {
		// The utage and the blank-titled chart are not in the song data.
		body := getOK(t, b, q(url.Values{"played": {"1"}}))
		if n := strings.Count(body, ">来自页面</span>"); n != 2 {
			t.Errorf("%d charts marked as learned from pages, want 2", n)
		}
	})

	t.Run("paginated", func(t *testing.T) {
		ap, b := songsApp(t, false)
		many := testSongs()
		for i := 0; i < 12; i++ {
			s := *many.Songs[3]
			s.ID, s.Key, s.Title = 12000+i, "x"+string(rune('a'+i)), s.Title+string(rune('a'+i))
			s.Charts = nil
			for _, c := range many.Songs[3].Charts {
				cc := *c
				s.Charts = append(s.Charts, &cc)
			}
			many.Songs = append(many.Songs, &s)
		}
		if _, err := ap.a.SyncSongs(context.Background(), songs.NewDatabase(maimai.CN, "test", many.Songs)); err != nil {
			t.Fatal(err)
		}
		first := getOK(t, b, "/p/default/songs")
		if n := len(songTitles(first)); n != listPageSize || !strings.Contains(first, "共 67 张谱面") {
			t.Errorf("first page: %d rows, want %d of 67", n, listPageSize)
		}
		second := getOK(t, b, "/p/default/songs?page=2")
		if n := len(songTitles(second)); n != 67-listPageSize {
			t.Errorf("second page: %d rows, want %d", n, 67-listPageSize)
		}
	})
}

// TestSongListWithoutData: with no song data the list holds the charts
// learned from the player's pages, their constants unknown.
func TestSongListWithoutData(t *testing.T) {
	_, b := songsApp(t, false)
	body := getOK(t, b, "/p/default/songs")
	if !strings.Contains(body, "此地区还没有同步曲库") || !strings.Contains(body, "共 5 张谱面") {
		t.Errorf("no notice or not the 5 learned charts:\n%s", body)
	}
	if n := strings.Count(body, `<td class="num constant"><span class="muted">未知</span></td>`); n != 5 {
		t.Errorf("%d charts with an unknown constant, want 5", n)
	}
	if !strings.Contains(body, "99.0012%") {
		t.Error("the learned Help me, ERINNNNNN!! lacks its best")
	}
	if strings.Contains(body, ">来自页面</span>") {
		t.Error("every chart is learned here: the notice says so, no badge should")
	}
}

// TestNewPagesRefusePrivate: the four pages are refused to others like
// every page of a private player.
func TestNewPagesRefusePrivate(t *testing.T) {
	ap, owner := songsApp(t, true)
	ap.addUser("eve", "eves")
	eve := ap.browser()
	ap.mustLogin(eve, "", "eve")
	anon := ap.browser()
	for _, page := range []string{"songs", "rating", "targets", "plates"} {
		t.Run(page, func(t *testing.T) {
			path := "/p/default/" + page
			if res := anon.get(path); res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "/login?next=") {
				t.Errorf("anonymous: %d %q, want a redirect to the login", res.StatusCode, res.Header.Get("Location"))
			}
			if res := eve.get(path); res.StatusCode != http.StatusForbidden {
				t.Errorf("eve: %d, want 403", res.StatusCode)
			}
			if res := anon.get("/p/nobody/" + page); res.StatusCode != http.StatusNotFound {
				t.Errorf("unknown player: %d, want 404", res.StatusCode)
			}
			body := getOK(t, owner, path)
			if !strings.Contains(body, `aria-current="page">`+map[string]string{"songs": "曲目", "rating": "Rating", "targets": "上分推荐", "plates": "牌子"}[page]+`</a>`) {
				t.Errorf("the nav does not mark %s as the current page", page)
			}
		})
	}
}

// TestSongFilterFolds: the song list's filter folds like the play lists'
// (closed with no filter, open with its summary naming each one set), and
// "played only" is a checkbox before its words, not a field above them.
func TestSongFilterFolds(t *testing.T) {
	ap, _ := songsApp(t, true)
	filtered := "/p/default/songs?" + url.Values{"q": {"help"}, "diff": {"remaster"}, "lv_min": {"12"}, "cmax": {"13"},
		"fc": {"ap"}, "played": {"1"}}.Encode()
	for _, tt := range []struct {
		lang, path string
		open       bool
		summary    string
	}{
		{"zh", "/p/default/songs", false, "筛选"},
		{"zh", filtered, true, "筛选：“help” · Re:MASTER · 等级 ≥ 12 · 定数 ≤ 13.0 · AP 及以上 · 只看玩过的"},
		{"en", "/p/default/songs?type=std&lv_min=12&lv_max=13", true, "Filters: STD · Level 12–13"},
		{"en", "/p/default/songs", false, "Filters"},
	} {
		b := ap.browser()
		b.headers["Accept-Language"] = tt.lang
		ap.mustLogin(b, "", "owner")
		body := html.UnescapeString(getOK(t, b, tt.path))
		checkFilterBox(t, tt.lang+" "+tt.path, body, tt.open, tt.summary)
		if !regexp.MustCompile(`<label class="check"><input type="checkbox" name="played" value="1"( checked)?> [^<]+</label>`).MatchString(body) {
			t.Errorf("%s %s: the played checkbox is not inline before its words", tt.lang, tt.path)
		}
	}
}
