package songs

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

func TestLoadDivingFish(t *testing.T) {
	db := openTestdata(t, "synthetic-divingfish.json", "")
	if db.Source != "diving-fish" || db.Region != maimai.CN {
		t.Fatalf("source %q region %q, want diving-fish cn", db.Source, db.Region)
	}
	if len(db.Songs) != 9 || db.ChartCount() != 32 {
		t.Errorf("%d songs, %d charts; want 9, 32", len(db.Songs), db.ChartCount())
	}
	link := db.Song(131)
	if link == nil {
		t.Fatal("song 131 missing")
	}
	want := &Song{
		ID: 131, Key: "131", Title: "Link", Artist: "Synthetic A", Genre: "舞萌", GenreKey: "maimai",
		BPM: 132, Version: "maimai PLUS", Type: maimai.Std, Regions: []maimai.Region{maimai.CN},
	}
	got := *link
	got.Charts = nil
	if !reflect.DeepEqual(&got, want) {
		t.Errorf("song 131 = %+v\nwant %+v", got, *want)
	}
	rem := link.Chart(maimai.ReMaster)
	if rem == nil || rem.Constant != 135 || rem.Level != "13" || rem.Charter != "C" || rem.SourceID != 505 ||
		rem.Notes != (Notes{Tap: 322, Hold: 29, Slide: 84, Break: 40}) || rem.Notes.Total() != 475 || rem.Song != link {
		t.Errorf("Link Re:Master = %+v", rem)
	}
	if c := db.Song(383); c == nil || c.SiteTitle != "Link" || c.GenreKey != "niconico" || len(c.Charts) != 4 {
		t.Errorf("song 383 = %+v, want site title Link, niconico, 4 charts", c)
	}
	dx := db.Song(10699).Chart(maimai.Master)
	if dx.Constant != 137 || dx.Notes != (Notes{546, 30, 91, 20, 64}) || dx.Song.Type != maimai.DX || !dx.Song.New {
		t.Errorf("10699 master = %+v (song %+v)", dx, dx.Song)
	}
	buddy := db.Song(110532)
	if !buddy.Utage || !buddy.Buddy || buddy.UtageKind != "奏" || buddy.Type != maimai.DX || len(buddy.Charts) != 2 ||
		buddy.Charts[1].Side != 1 || buddy.Charts[1].Difficulty != maimai.Utage || buddy.Charts[1].Notes.Tap != 653 || buddy.Charts[1].Level != "12+?" {
		t.Errorf("buddy utage 110532 = %+v, charts %+v %+v", buddy, buddy.Charts[0], buddy.Charts[1])
	}
	if s := db.Song(100700); !s.Utage || s.Buddy || s.UtageKind != "協" || s.Charts[0].Constant != 140 {
		t.Errorf("utage 100700 = %+v", s)
	}
}

func TestLoadZetaraku(t *testing.T) {
	tests := []struct {
		region maimai.Region
		songs  int
		charts int
	}{
		// jp: Link std (2 charts), Link (2), 群青 dx, 群青 std, two utage.
		{maimai.JP, 6, 7},
		// intl: no 群青 std; Love You (unflagged) is kept everywhere.
		{maimai.Intl, 5, 6},
		// cn: no Link Re:Master, no 回る空うさぎ (flagged jp and intl only).
		{maimai.CN, 4, 4},
	}
	for _, tt := range tests {
		t.Run(string(tt.region), func(t *testing.T) {
			db := openTestdata(t, "synthetic-zetaraku.json", tt.region)
			if db.Source != "zetaraku" || db.Region != tt.region {
				t.Fatalf("source %q region %q", db.Source, db.Region)
			}
			if len(db.Songs) != tt.songs || db.ChartCount() != tt.charts {
				t.Errorf("%d songs, %d charts; want %d, %d", len(db.Songs), db.ChartCount(), tt.songs, tt.charts)
			}
		})
	}
	db := openTestdata(t, "synthetic-zetaraku.json", maimai.Intl)
	c, err := db.Match(Query{Title: "群青シグナル", Type: maimai.DX, Difficulty: maimai.Master})
	if err != nil {
		t.Fatal(err)
	}
	// intl overrides the level label; the sheet's own version wins over the song's.
	if c.Level != "13" || c.Constant != 138 || c.Notes.Touch != 51 || c.Charter != "P" || c.Song.Version != "FESTiVAL PLUS" ||
		!reflect.DeepEqual(c.Song.Regions, []maimai.Region{maimai.JP, maimai.Intl, maimai.CN}) {
		t.Errorf("群青シグナル DX master = %+v, song %+v", c, c.Song)
	}
	c, err = db.Match(Query{Title: "Link", Type: maimai.Std, Difficulty: maimai.Master, Genre: "niconico＆VOCALOID™"})
	if err != nil || c.Song.Key != "Link (2)" || c.Constant.Known() || c.Song.ID != 0 {
		t.Errorf("Link nico master = %v, %v; want song \"Link (2)\" with unknown constant", c, err)
	}
	for _, title := range []string{"[協]Love You", "[回]回る空うさぎ"} {
		c, err := db.Match(Query{Title: title, Type: maimai.DX, Difficulty: maimai.Utage})
		if err != nil || c.Song.Title != title || c.Notes.Known() || c.Song.BPM != 0 {
			t.Errorf("%s = %v, %v", title, c, err)
		}
	}
}

func TestLoadTachi(t *testing.T) {
	db := openTestdata(t, "synthetic-tachi.json", "")
	if db.Source != "tachi" || db.Region != maimai.Intl {
		t.Fatalf("source %q region %q", db.Source, db.Region)
	}
	if len(db.Songs) != 4 || db.ChartCount() != 6 {
		t.Errorf("%d songs, %d charts; want 4, 6", len(db.Songs), db.ChartCount())
	}
	space := db.Song(11422)
	if space == nil || space.Title != "\u3000" || space.Type != maimai.DX || space.Key != "959" || space.GenreKey != "pops" {
		t.Fatalf("song 11422 = %+v, want the title \"　\" (Tachi stores it empty)", space)
	}
	if space.Charts[0].Difficulty != maimai.Expert || space.Charts[0].Constant != 100 || space.Charts[1].Constant != 128 {
		t.Errorf("11422 charts out of order or wrong: %+v %+v", space.Charts[0], space.Charts[1])
	}
	if !db.Song(131).InRegion(maimai.Intl) || db.Song(5).InRegion(maimai.Intl) {
		t.Error("song 131 (in prismplus) must be in intl, song 5 (last in prism) must not")
	}
	if c := db.Song(131).Chart(maimai.ReMaster); c == nil || c.Constant != 135 || c.Notes.Known() {
		t.Errorf("131 Re:Master = %+v", c)
	}
}

func TestLoadSniffs(t *testing.T) {
	for _, tt := range []struct {
		file   string
		region maimai.Region
		source string
	}{
		{"synthetic-divingfish.json", "", "diving-fish"},
		{"synthetic-divingfish.json", maimai.CN, "diving-fish"},
		{"synthetic-zetaraku.json", maimai.JP, "zetaraku"},
		{"synthetic-tachi.json", "", "tachi"},
		{"synthetic-tachi.json", maimai.Intl, "tachi"},
	} {
		if db := openTestdata(t, tt.file, tt.region); db.Source != tt.source {
			t.Errorf("%s: source %q, want %q", tt.file, db.Source, tt.source)
		}
	}
	// The id-keyed object some mirrors keep diving-fish data in.
	keyed := `{"8":{"id":"8","title":"T","type":"SD","ds":[5.0],"level":["5"],"cids":[1],"charts":[{"notes":[1,2,3,4],"charter":"-"}],"basic_info":{"title":"T","artist":"a","genre":"舞萌","bpm":150,"from":"maimai","is_new":false}}}`
	db, err := Load(strings.NewReader(keyed), "")
	if err != nil || db.Source != "diving-fish" || db.Song(8).Charts[0].Constant != 50 {
		t.Errorf("keyed diving-fish: %v, %v", db, err)
	}
}

func TestLoadErrors(t *testing.T) {
	df := func(patch string) string {
		return `[{"id":"8","title":"T","type":"SD",` + patch + `,"basic_info":{"title":"T","artist":"a","genre":"舞萌","bpm":150,"from":"maimai","is_new":false}}]`
	}
	tests := []struct {
		name, in string
		region   maimai.Region
		want     string
	}{
		{"empty", "  ", "", "empty"},
		{"not JSON", "<html>", "", "not JSON"},
		{"unknown object", `{"a":1}`, "", "want a diving-fish"},
		{"zetaraku without region", `{"songs":[],"versions":[]}`, "", "name the region"},
		{"diving-fish as intl", `[]`, maimai.Intl, "not intl"},
		{"tachi as cn", `{"songs":[],"charts":[]}`, maimai.CN, "not cn"},
		{"lengths differ", df(`"ds":[5.0,6.0],"level":["5"],"charts":[{"notes":[1,2,3,4]}]`), "", "differ in length"},
		{"notes count", df(`"ds":[5.0],"level":["5"],"charts":[{"notes":[1,2,3,4,5]}]`), "", "want 4 counts"},
		{"two decimals", df(`"ds":[5.25],"level":["5"],"charts":[{"notes":[1,2,3,4]}]`), "", "more than one decimal"},
		{"bad type", strings.Replace(df(`"ds":[5.0],"level":["5"],"charts":[{"notes":[1,2,3,4]}]`), `"SD"`, `"XX"`, 1), "", "want SD or DX"},
		{"tachi unknown song", `{"songs":[],"charts":[{"chartID":"x","songID":3,"difficulty":"Master","levelNum":12}]}`, "", "no such song"},
		{"zetaraku bad region", `{"songs":[],"versions":[]}`, "kr", "unknown region"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := Load(strings.NewReader(tt.in), tt.region)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Load = %v, %v; want an error containing %q", db, err, tt.want)
			}
		})
	}
	if _, err := Load(strings.NewReader("<html>"), ""); !errors.Is(err, ErrFormat) {
		t.Errorf("error %v does not wrap ErrFormat", err)
	}
}

func TestOpen(t *testing.T) {
	body, err := os.ReadFile("testdata/synthetic-divingfish.json")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/music_data":
			w.Write(body)
		case "/slow":
			select {
			case <-time.After(5 * time.Second):
			case <-r.Context().Done():
			}
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	ctx := context.Background()

	db, err := Open(ctx, srv.URL+"/music_data", "")
	if err != nil || db.Source != "diving-fish" || len(db.Songs) != 9 {
		t.Fatalf("Open(URL) = %v, %v", db, err)
	}
	db, err = Open(ctx, filepath.Join("testdata", "synthetic-tachi.json"), "")
	if err != nil || db.Source != "tachi" {
		t.Fatalf("Open(file) = %v, %v", db, err)
	}
	tests := []struct {
		name   string
		loader Loader
		src    string
		want   string
	}{
		{"404", Loader{}, srv.URL + "/missing", "404"},
		{"timeout", Loader{Timeout: 100 * time.Millisecond}, srv.URL + "/slow", "fetch"},
		{"too large", Loader{MaxBytes: 100}, srv.URL + "/music_data", "larger than 100 bytes"},
		{"too large file", Loader{MaxBytes: 100}, "testdata/synthetic-divingfish.json", "larger than 100 bytes"},
		{"missing file", Loader{}, "testdata/nope.json", "no such file"},
		{"no server", Loader{}, "http://127.0.0.1:1/x", "fetch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			_, err := tt.loader.Open(ctx, tt.src, "")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Open(%s) error = %v, want one containing %q", tt.src, err, tt.want)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("took %s; the timeout did not apply", d)
			}
		})
	}
}

func ExampleOpen() {
	db, err := Open(context.Background(), "testdata/synthetic-divingfish.json", "")
	if err != nil {
		fmt.Println(err)
		return
	}
	c, err := db.Match(Query{Title: "天狗の落とし文 feat. ytr", Type: maimai.DX, Difficulty: maimai.Master})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c, c.Level, c.Constant, c.Notes.Total())
	// Output: "天狗の落とし文 feat. ｙｔｒ" (dx master, 10699) 13+ 13.7 751
}
