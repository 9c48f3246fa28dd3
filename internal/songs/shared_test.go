package songs

// Tests on the real song data and DX NET pages in ../shared. They skip when
// ../shared is not beside the repository (see internal/fixtures).

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/maiprobe/maiprobe/internal/dxnet"
	"github.com/maiprobe/maiprobe/internal/fixtures"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

const (
	dfFile    = "divingfish-music_data.cn.json"
	zkFile    = "zetaraku-maimai-data.2025-05-26.json"
	tachiFile = "tachi-maimaidx-intl.2025-10-17.json"
)

// TestSharedCounts checks the counts data/songs/SOURCES.md states (and, for
// the per-region zetaraku views, counts taken from its region flags).
func TestSharedCounts(t *testing.T) {
	tests := []struct {
		file     string
		region   maimai.Region
		songs    int // Songs (std and DX chart sets apart)
		keys     int // songs as the source counts them
		charts   int
		utage    int // utage charts
		known    int // charts with a known constant
		inRegion int // songs listed as playable in the region
	}{
		// SOURCES.md: 1379 songs, 5482 charts (74 utage); every chart has ds.
		{dfFile, maimai.CN, 1379, 1379, 5482, 74, 5482, 1379},
		// Region flags: jp 5684, intl 5245, cn 4647 sheets, plus the 77
		// utage sheets zetaraku flags nowhere (77 songs, loaded but listed in
		// no region: hence songs in region = songs − 77).
		{zkFile, maimai.JP, 1511, 1452, 5684 + 77, 140, 1802, 1434},
		{zkFile, maimai.Intl, 1392, 1339, 5245 + 77, 125, 1684, 1315},
		{zkFile, maimai.CN, 1213, 1169, 4647 + 77, 77, 1499, 1136},
		// SOURCES.md: 1504 songs, 6443 charts; 1324 std/DX sets carry prismplus.
		{tachiFile, maimai.Intl, 1571, 1504, 6443, 0, 6443, 1324},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+string(tt.region), func(t *testing.T) {
			db := sharedDB(t, tt.file, tt.region)
			keys := map[string]bool{}
			utage, known, in := 0, 0, 0
			for _, s := range db.Songs {
				keys[s.Key] = true
				if s.InRegion(tt.region) {
					in++
				}
				for _, c := range s.Charts {
					if s.Utage {
						utage++
					}
					if c.Constant.Known() {
						known++
					}
				}
			}
			got := []int{len(db.Songs), len(keys), db.ChartCount(), utage, known, in}
			want := []int{tt.songs, tt.keys, tt.charts, tt.utage, tt.known, tt.inRegion}
			for i, name := range []string{"songs", "source songs", "charts", "utage charts", "known constants", "songs in region"} {
				if got[i] != want[i] {
					t.Errorf("%s = %d, want %d", name, got[i], want[i])
				}
			}
		})
	}
}

// TestSharedDivingFish checks the CN data against the facts SOURCES.md
// lists: per-difficulty counts, types, utage and the level/constant rule,
// which holds only if every constant was read exactly.
func TestSharedDivingFish(t *testing.T) {
	db := sharedDB(t, dfFile, "")
	perDiff := map[maimai.Difficulty]int{}
	var sd, dx, utageSongs, buddy, newSongs, uncredited int
	var fifteen []string
	for _, s := range db.Songs {
		switch {
		case s.Utage:
			utageSongs++
			if s.Buddy {
				buddy++
			}
		case s.Type == maimai.Std:
			sd++
		default:
			dx++
		}
		if s.New {
			newSongs++
		}
		for _, c := range s.Charts {
			perDiff[c.Difficulty]++
			if c.Charter == "-" {
				uncredited++
			}
			if c.Constant == 150 {
				fifteen = append(fifteen, c.String())
			}
			if s.Utage {
				continue
			}
			// The label is floor(constant), "+" from x.6 for Lv 7–14.
			want := strconv.Itoa(int(c.Constant / 10))
			if c.Constant >= 70 && c.Constant < 150 && c.Constant%10 >= 6 {
				want += "+"
			}
			if c.Level != want {
				t.Errorf("%s: level %q, constant %s; want level %q", c, c.Level, c.Constant, want)
			}
		}
	}
	for _, d := range []maimai.Difficulty{maimai.Basic, maimai.Advanced, maimai.Expert, maimai.Master} {
		if perDiff[d] != 1319 {
			t.Errorf("%s charts = %d, want 1319", d, perDiff[d])
		}
	}
	if perDiff[maimai.ReMaster] != 132 || perDiff[maimai.Utage] != 74 {
		t.Errorf("remaster %d, utage %d charts; want 132, 74", perDiff[maimai.ReMaster], perDiff[maimai.Utage])
	}
	if sd != 541 || dx != 778 || utageSongs != 60 || buddy != 14 || newSongs != 57 {
		t.Errorf("SD %d, DX %d, utage %d (buddy %d), new %d; want 541, 778, 60 (14), 57", sd, dx, utageSongs, buddy, newSongs)
	}
	if uncredited != 2638+74 { // SOURCES.md counts 2638 among normal charts; no utage chart is credited
		t.Errorf("%d charts without a charter, want 2712", uncredited)
	}
	if len(fifteen) != 2 || !strings.Contains(fifteen[0]+fifteen[1], "PANDORA PARADOXXX") || !strings.Contains(fifteen[0]+fifteen[1], "系ぎて") {
		t.Errorf("constant 15.0 charts = %v, want PANDORA PARADOXXX and 系ぎて Re:Master", fifteen)
	}
}

// TestSharedCharts reads concrete charts off each data file.
func TestSharedCharts(t *testing.T) {
	tests := []struct {
		file    string
		region  maimai.Region
		q       Query
		id      int
		level   string
		cons    Constant
		notes   Notes
		charter string
	}{
		{dfFile, "", Query{Title: "群青シグナル", Type: maimai.DX, Difficulty: maimai.Master}, 11466, "13+", 138, Notes{719, 62, 114, 51, 32}, "ものくろっく"},
		{dfFile, "", Query{Title: "群青シグナル", Type: maimai.DX, Difficulty: maimai.Expert}, 11466, "11+", 117, Notes{}, ""},
		{dfFile, "", Query{Title: "PANDORA PARADOXXX", Type: maimai.Std, Difficulty: maimai.ReMaster}, 834, "15", 150, Notes{Tap: 1165, Hold: 72, Slide: 90, Break: 15}, "PANDORA PARADOXXX"},
		{dfFile, "", Query{Title: "VIIIbit Explorer", Type: maimai.DX, Difficulty: maimai.Master}, 11235, "14+", 147, Notes{738, 28, 75, 70, 88}, "-ZONE- SaFaRi"},
		{dfFile, "", Query{Title: "True Love Song", Type: maimai.Std, Difficulty: maimai.Master}, 8, "12", 124, Notes{Tap: 263, Hold: 14, Slide: 19, Break: 6}, "ニャイン"},
		{dfFile, "", Query{Title: "[協]疾走あんさんぶる", Type: maimai.DX, Difficulty: maimai.Utage}, 100700, "14?", 140, Notes{1092, 220, 2, 0, 51}, "-"},
		{zkFile, maimai.JP, Query{Title: "Link", Type: maimai.Std, Difficulty: maimai.ReMaster}, 0, "13", 135, Notes{Tap: 322, Hold: 29, Slide: 84, Break: 40}, "じゃこレモン"},
		{zkFile, maimai.Intl, Query{Title: "群青シグナル", Type: maimai.DX, Difficulty: maimai.Master}, 0, "13+", 138, Notes{719, 62, 114, 51, 32}, "ものくろっく"},
		{tachiFile, "", Query{Title: "群青シグナル", Type: maimai.DX, Difficulty: maimai.Master}, 11466, "13+", 138, Notes{}, ""},
		{tachiFile, "", Query{Title: "True Love Song", Type: maimai.Std, Difficulty: maimai.Advanced}, 8, "7", 72, Notes{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.q.Title+"/"+string(tt.q.Difficulty), func(t *testing.T) {
			c, err := sharedDB(t, tt.file, tt.region).Match(tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if c.Song.ID != tt.id || c.Level != tt.level || c.Constant != tt.cons {
				t.Errorf("%s: id %d level %q constant %s; want %d %q %s", c, c.Song.ID, c.Level, c.Constant, tt.id, tt.level, tt.cons)
			}
			if tt.notes.Known() && (c.Notes != tt.notes || c.Charter != tt.charter) {
				t.Errorf("%s: notes %+v by %q; want %+v by %q", c, c.Notes, c.Charter, tt.notes, tt.charter)
			}
		})
	}
}

// TestSharedTrickyTitles matches the titles known to trip matchers against
// the CN data.
func TestSharedTrickyTitles(t *testing.T) {
	db := sharedDB(t, dfFile, "")
	tests := []struct {
		name string
		q    Query
		id   int
		err  error
	}{
		{"Link (Clean Tears) by its Re:Master", Query{Title: "Link", Type: maimai.Std, Difficulty: maimai.ReMaster}, 131, nil},
		{"Link (CoF) by genre", Query{Title: "Link", Type: maimai.Std, Difficulty: maimai.Master, Genre: "niconico & VOCALOID"}, 383, nil},
		{"Link (Clean Tears) by genre", Query{Title: "Link", Type: maimai.Std, Difficulty: maimai.Master, Genre: "舞萌"}, 131, nil},
		{"Link (CoF) by level", Query{Title: "Link", Type: maimai.Std, Difficulty: maimai.Expert, Level: "10+"}, 383, nil},
		{"Link (Clean Tears) by version", Query{Title: "Link", Type: maimai.Std, Difficulty: maimai.Basic, Version: "maimai PLUS"}, 131, nil},
		{"Link master alone", Query{Title: "Link", Type: maimai.Std, Difficulty: maimai.Master, Level: "12"}, 0, ErrAmbiguous},
		{"double spaces", Query{Title: "D✪N’T  ST✪P  R✪CKIN’", Type: maimai.Std, Difficulty: maimai.Master}, 364, nil},
		{"double spaces lost", Query{Title: "D✪N’T ST✪P R✪CKIN’", Type: maimai.Std, Difficulty: maimai.Master}, 364, nil},
		{"one ideographic space", Query{Title: "\u3000", Type: maimai.DX, Difficulty: maimai.Master}, 11422, nil},
		{"full-width letters in data", Query{Title: "天狗の落とし文 feat. ytr", Type: maimai.DX, Difficulty: maimai.Master}, 10699, nil},
		{"full-width question mark", Query{Title: "Got more raves?", Type: maimai.Std, Difficulty: maimai.Master}, 390, nil},
		{"wave dash", Query{Title: "Excalibur 〜Revived resolution〜", Type: maimai.Std, Difficulty: maimai.Master}, 643, nil},
		{"utage", Query{Title: "[蔵]Glorious Crown", Type: maimai.DX, Difficulty: maimai.Utage}, 100456, nil},
		{"utage bare title", Query{Title: "Glorious Crown", Difficulty: maimai.Utage, UtageKind: "蔵"}, 100456, nil},
		{"utage with brackets inside", Query{Title: "[宴]セガサターン起動音[H.][Remix]", Type: maimai.DX, Difficulty: maimai.Utage}, 100220, nil},
		{"buddy utage", Query{Title: "[奏]洗脳", Type: maimai.DX, Difficulty: maimai.Utage}, 110532, nil},
		{"not the utage", Query{Title: "Glorious Crown", Type: maimai.Std, Difficulty: maimai.Master}, 456, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := db.Match(tt.q)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("Match = %v, %v; want %v", c, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Song.ID != tt.id {
				t.Errorf("Match = %s, want song %d", c, tt.id)
			}
		})
	}
}

// TestSharedZetarakuUtage: zetaraku (JP) has two utage charts titled
// "[協]青春コンプレックス" (入門編 and ヒーロー級), told apart only by level.
func TestSharedZetarakuUtage(t *testing.T) {
	db := sharedDB(t, zkFile, maimai.JP)
	for level, key := range map[string]string{"13?": "[協]青春コンプレックス（入門編）", "14+": "[協]青春コンプレックス（ヒーロー級）"} {
		c, err := db.Match(Query{Title: "[協]青春コンプレックス", Type: maimai.DX, Difficulty: maimai.Utage, Level: level})
		if err != nil || c.Song.Key != key || c.Song.UtageKind != "協" {
			t.Errorf("level %s: %v, %v; want %s", level, c, err, key)
		}
	}
	if c, err := db.Match(Query{Title: "[協]青春コンプレックス", Type: maimai.DX, Difficulty: maimai.Utage}); !errors.Is(err, ErrAmbiguous) {
		t.Errorf("no level: %v, %v; want ErrAmbiguous", c, err)
	}
	// zetaraku titles this one bare; the loader adds the badge.
	if c, err := db.Match(Query{Title: "[宴]CYCLES", Type: maimai.DX, Difficulty: maimai.Utage}); err != nil || c.Song.Title != "[宴]CYCLES" {
		t.Errorf("[宴]CYCLES: %v, %v", c, err)
	}
}

// TestRecordFixturesMatch matches every play on the saved CN record pages
// against the CN data: none may be left unmatched.
func TestRecordFixturesMatch(t *testing.T) {
	db := sharedDB(t, dfFile, "")
	files, err := filepath.Glob(filepath.Join(fixtures.DXNet(t, "cn"), "record-*.html"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no CN record fixtures: %v", err)
	}
	plays, matched := 0, map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		page, err := dxnet.Parse(b)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		rec, ok := page.(*dxnet.RecordPage)
		if !ok {
			t.Fatalf("%s parsed as %T, want a record page", f, page)
		}
		for _, p := range rec.Plays {
			plays++
			c, err := db.Match(PlayQuery(p))
			if err != nil {
				t.Errorf("%s track %d at %s: %v", filepath.Base(f), p.Track, p.PlayedAt, err)
				continue
			}
			if c.Difficulty != p.Difficulty || (!c.Song.Utage && c.Song.Type != p.Type) {
				t.Errorf("%q %s %s matched %s", p.Title, p.Type, p.Difficulty, c)
			}
			matched[p.Title+"/"+string(p.Difficulty)] = strconv.Itoa(c.Song.ID) + " " + c.Constant.String()
		}
	}
	if plays != 100 {
		t.Errorf("%d plays on the CN record fixtures, want 100", plays)
	}
	for key, want := range map[string]string{
		"[協]疾走あんさんぶる/utage":          "100700 14.0",
		"[蔵]Glorious Crown/utage":    "100456 14.7",
		"PANDORA PARADOXXX/remaster": "834 15.0",
		"Got more raves？/master":     "390 14.1",
		"ジングルベル/master":              matched["ジングルベル/master"], // checked below: std, not the utage 【即】
	} {
		if matched[key] != want || want == "" {
			t.Errorf("%s matched %q, want %q", key, matched[key], want)
		}
	}
	if s := db.Song(atoi(matched["ジングルベル/master"])); s == nil || s.Utage || s.Type != maimai.Std {
		t.Errorf("ジングルベル master matched %v, want the std song", s)
	}
}

func atoi(s string) int {
	n, _ := strconv.Atoi(strings.Fields(s + " ")[0])
	return n
}

// TestIntlFixturesMatch matches the intl fixture pages against Tachi's intl
// data of 2025-10-17. The pages are newer (CiRCLE), so songs and DX charts
// added since are missing from the data: each such chart must fail with
// ErrNoMatch saying so, never match something else, and the counts are
// pinned so a change in the matcher shows.
func TestIntlFixturesMatch(t *testing.T) {
	db := sharedDB(t, tachiFile, "")
	tests := []struct {
		file               string
		queries, unmatched int
	}{
		{"musicDetail-minty-1.html", 5, 0},
		{"musicDetail-minty-3.html", 4, 0},
		{"musicGenre-minty-1.html", 1357, 34},
		{"musicGenre-minty-3.html", 1357, 34},
		{"musicGenre-minty-5.html", 134, 2},
		{"musicLevel-minty-1.html", 350, 9},
		{"musicLevel-minty-3.html", 205, 14},
		{"musicLevel-minty-5.html", 3, 1},
		{"musicVersion-minty-1.html", 43, 0},
		{"musicVersion-minty-3.html", 45, 0}, // holds both Links: told apart by the version heading
		{"ratingTargetMusic-minty-1.html", 90, 22},
		{"record-minty-1.html", 50, 34},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			page, err := dxnet.Parse(fixtures.ReadDXNet(t, "intl/"+tt.file))
			if err != nil {
				t.Fatal(err)
			}
			var qs []Query
			switch p := page.(type) {
			case *dxnet.RecordPage:
				for _, x := range p.Plays {
					qs = append(qs, PlayQuery(x))
				}
			case *dxnet.ScoresPage:
				for _, x := range p.Scores {
					qs = append(qs, ScoreQuery(x, p.List))
				}
			case *dxnet.MusicDetailPage:
				for _, x := range p.Scores {
					qs = append(qs, QueryOf(x.Chart, x.Level, p.Genre, p.Jacket))
				}
			default:
				t.Fatalf("parsed as %T", page)
			}
			unmatched := 0
			for _, q := range qs {
				c, err := db.Match(q)
				if err == nil {
					if c.Song.Type != q.Type || c.Difficulty != q.Difficulty {
						t.Errorf("%q %s %s matched %s", q.Title, q.Type, q.Difficulty, c)
					}
					continue
				}
				unmatched++
				msg := err.Error()
				if !errors.Is(err, ErrNoMatch) || !(strings.Contains(msg, "no song with this title") || strings.Contains(msg, "chart set")) {
					t.Errorf("unexpected failure: %v", err)
				}
			}
			if len(qs) != tt.queries || unmatched != tt.unmatched {
				t.Errorf("%d charts, %d unmatched; want %d, %d", len(qs), unmatched, tt.queries, tt.unmatched)
			}
		})
	}
}

// TestCNScoresFixtureMatch matches the CN best-score fixture, whose rows
// carry their genre heading, against the CN data.
func TestCNScoresFixtureMatch(t *testing.T) {
	db := sharedDB(t, dfFile, "")
	page, err := dxnet.Parse(fixtures.ReadDXNet(t, "cn/musicGenre-truerou-1.html"))
	if err != nil {
		t.Fatal(err)
	}
	p, ok := page.(*dxnet.ScoresPage)
	if !ok || len(p.Scores) != 8 {
		t.Fatalf("parsed as %T, want a scores page with 8 rows", page)
	}
	for _, s := range p.Scores {
		c, err := db.Match(ScoreQuery(s, p.List))
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if c.Song.GenreKey != GenreKey(s.Genre) || c.Level != s.Level {
			t.Errorf("%q matched %s: genre %q level %q, page says %q %q", s.Title, c, c.Song.Genre, c.Level, s.Genre, s.Level)
		}
	}
}
