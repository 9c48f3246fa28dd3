package archive

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/dxnet"
	"github.com/maiprobe/maiprobe/internal/fixtures"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/songs"
	"github.com/maiprobe/maiprobe/internal/storage"
)

// genSong is a song of synthetic diving-fish data.
type genSong struct {
	id    int
	title string
	typ   string // "SD" or "DX"
	from  string
	ds    []songs.Constant // basic … master
}

// dfJSON writes songs as diving-fish music_data, constants as exact text.
func dfJSON(list []genSong) []byte {
	var b bytes.Buffer
	b.WriteString("[\n")
	for i, s := range list {
		var ds, lv, cids, charts []string
		for j, c := range s.ds {
			ds = append(ds, c.String())
			label := fmt.Sprint(int(c / 10))
			if c%10 >= 6 && c/10 >= 7 && c/10 <= 14 {
				label += "+"
			}
			lv = append(lv, `"`+label+`"`)
			cids = append(cids, fmt.Sprint(s.id*10+j))
			notes := "[300,20,30,10]"
			if s.typ == "DX" {
				notes = "[300,20,30,15,10]"
			}
			charts = append(charts, `{"notes":`+notes+`,"charter":"-"}`)
		}
		fmt.Fprintf(&b, `{"id":"%d","title":%q,"type":%q,"ds":[%s],"level":[%s],"cids":[%s],"charts":[%s],`+
			`"basic_info":{"title":%q,"artist":"Synthetic","genre":"舞萌","bpm":150,"release_date":"","from":%q,"is_new":false}}`,
			s.id, s.title, s.typ, strings.Join(ds, ","), strings.Join(lv, ","), strings.Join(cids, ","), strings.Join(charts, ","),
			s.title, s.from)
		if i < len(list)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("]\n")
	return b.Bytes()
}

// smallSongs is three songs: one of them has a DX twin of the same title.
func smallSongs() []genSong {
	return []genSong{
		{id: 100, title: "Alpha", typ: "SD", from: "maimai でらっくす FESTiVAL", ds: []songs.Constant{30, 70, 105, 137}},
		{id: 11100, title: "Alpha", typ: "DX", from: "maimai でらっくす PRiSM", ds: []songs.Constant{40, 75, 112, 141}},
		{id: 200, title: "Beta", typ: "SD", from: "maimai でらっくす BUDDiES", ds: []songs.Constant{25, 65, 98, 128}},
	}
}

// serveSongs serves data as the diving-fish API would.
func serveSongs(t *testing.T, data *[]byte) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(*data)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/api/maimaidxprober/music_data"
}

func syncFrom(t testing.TB, a *Archive, src string) SyncReport {
	t.Helper()
	db, err := songs.Open(context.Background(), src, maimai.CN)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := a.SyncSongs(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// constantHistory reads a region's constant history keyed by "title type
// difficulty".
func constantHistory(t testing.TB, a *Archive, region maimai.Region) map[string][]storage.ConstantRow {
	t.Helper()
	ctx := context.Background()
	out := map[string][]storage.ConstantRow{}
	err := a.db.View(ctx, func(tx *storage.Tx) error {
		set, err := loadCharts(ctx, tx, region)
		if err != nil {
			return err
		}
		hist, err := tx.ConstantHistory(ctx, region)
		for _, h := range hist {
			c := set.byID[h.ChartID].chart
			k := fmt.Sprintf("%s %s %s", c.Song.Title, c.Song.Type, c.Difficulty)
			out[k] = append(out[k], h)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSyncSongs syncs synthetic data from an HTTP server, then a copy with
// one constant changed and one song added: the change is counted, the old
// value stays in the history with when it was seen.
func TestSyncSongs(t *testing.T) {
	for _, dbName := range []string{"sqlite", "mysql", "postgres"} {
		t.Run(dbName, func(t *testing.T) {
			a := openDB(t, dbName)
			data := dfJSON(smallSongs())
			url := serveSongs(t, &data)
			first := testNow
			rep := syncFrom(t, a, url)
			want := SyncReport{Region: maimai.CN, Source: "diving-fish", Songs: 3, Charts: 12, AddedSongs: 3, AddedCharts: 12}
			if rep != want {
				t.Fatalf("first sync: %+v, want %+v", rep, want)
			}

			list := smallSongs()
			list[0].ds[3] = 139 // Alpha std master 13.7 → 13.9
			list = append(list, genSong{id: 300, title: "Gamma", typ: "SD", from: "maimai でらっくす PRiSM", ds: []songs.Constant{20, 50, 80, 110}})
			data = dfJSON(list)
			second := testNow.Add(48 * time.Hour)
			a.now = func() time.Time { return second }
			rep = syncFrom(t, a, url)
			want = SyncReport{Region: maimai.CN, Source: "diving-fish", Songs: 4, Charts: 16, AddedSongs: 1, AddedCharts: 4, Constants: 1}
			if rep != want {
				t.Fatalf("second sync: %+v, want %+v", rep, want)
			}

			third := second.Add(24 * time.Hour)
			a.now = func() time.Time { return third }
			if rep = syncFrom(t, a, url); rep.Constants != 0 || rep.AddedSongs != 0 || rep.AddedCharts != 0 {
				t.Fatalf("same data again: %+v, want nothing added or changed", rep)
			}

			hist := constantHistory(t, a, maimai.CN)
			got := hist["Alpha std master"]
			if len(got) != 2 || got[0].Constant != 137 || got[1].Constant != 139 ||
				!got[0].FirstSeen.Equal(first) || !got[0].LastSeen.Equal(first) ||
				!got[1].FirstSeen.Equal(second) || !got[1].LastSeen.Equal(third) {
				t.Errorf("Alpha std master history: %+v\nwant 13.7 seen %s, then 13.9 from %s to %s", got, first, second, third)
			}
			if h := hist["Beta std master"]; len(h) != 1 || h[0].Constant != 128 || !h[0].FirstSeen.Equal(first) || !h[0].LastSeen.Equal(third) {
				t.Errorf("Beta std master history: %+v, want 12.8 from %s to %s", h, first, third)
			}
			if h := hist["Gamma std basic"]; len(h) != 1 || !h[0].FirstSeen.Equal(second) {
				t.Errorf("Gamma std basic history: %+v, want one row from %s", h, second)
			}

			db, err := a.SongDatabase(context.Background(), maimai.CN)
			if err != nil {
				t.Fatal(err)
			}
			c, err := db.Match(songs.Query{Title: "Alpha", Type: maimai.DX, Difficulty: maimai.Master})
			if err != nil || c.Constant != 141 || c.Level != "14" || c.Song.ID != 11100 || c.Notes.Touch != 15 ||
				c.Song.Version != "maimai でらっくす PRiSM" {
				t.Errorf("Alpha dx master from the archive: %+v, %v", c, err)
			}
		})
	}
}

// TestSyncRefusesRegionless checks a database without a region is refused.
func TestSyncRefusesRegionless(t *testing.T) {
	a := openDB(t, "sqlite")
	if _, err := a.SyncSongs(context.Background(), songs.NewDatabase("", "x", nil)); err == nil || !strings.Contains(err.Error(), "no region") {
		t.Fatalf("sync without region: %v", err)
	}
}

// TestLearnedThenSynced: a chart seen before any song data is learned with
// its page level and no constant, shows as unknown in the rating, and is
// matched to the real chart by a later sync.
func TestLearnedThenSynced(t *testing.T) {
	ctx := context.Background()
	a := openDB(t, "sqlite")
	pl := maimai.Play{Track: 1, PlayedAt: time.Date(2025, 11, 20, 12, 0, 0, 0, time.UTC),
		Chart: maimai.Chart{Title: "Beta", Type: maimai.Std, Difficulty: maimai.Master}, Level: "12+",
		Achievement: 1003000, Rank: maimai.RankOf(1003000), DXScore: 1000, DXScoreMax: 1200, Clear: true, Jacket: "b.png"}
	page := &dxnet.RecordPage{Header: dxnet.Header{Kind: dxnet.KindRecord, Region: maimai.CN}, Plays: []maimai.Play{pl}}
	mustImport(t, a, "p", "rec", page, Added)

	r, err := a.Rating(ctx, "p", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Total != 0 || len(r.Unknown) != 1 || r.Unmatched != 1 || r.Unknown[0].Title != "Beta" || r.Unknown[0].Level != "12+" ||
		r.Unknown[0].Link != LinkLearned || r.Unknown[0].Constant.Known() {
		t.Fatalf("rating before sync: %+v", r)
	}
	un, err := a.UnmatchedCharts(ctx)
	if err != nil || len(un) != 1 || un[0].Status != LinkLearned || !strings.Contains(un[0].Reason, "no song with this title") {
		t.Fatalf("unmatched before sync: %+v, %v", un, err)
	}
	db, err := a.SongDatabase(ctx, maimai.CN)
	if err != nil || len(db.Songs) != 1 || db.Songs[0].Key != "page:std:Beta" || db.Songs[0].Charts[0].Level != "12+" {
		t.Fatalf("learned song: %+v, %v", db, err)
	}

	path := filepath.Join(t.TempDir(), "music_data.json")
	if err := os.WriteFile(path, dfJSON(smallSongs()), 0o644); err != nil {
		t.Fatal(err)
	}
	rep := syncFrom(t, a, path)
	if rep.Links != (LinkCounts{Matched: 1}) {
		t.Errorf("links after sync: %+v, want 1 matched", rep.Links)
	}
	r, err = a.Rating(ctx, "p", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	// 12.8 × 21.6 × 100.3% = 277.3
	if r.Total != 277 || len(r.Unknown) != 0 || len(r.Old) != 1 || r.Old[0].Constant != 128 || r.Old[0].SongID != 200 || r.Old[0].Link != LinkMatched {
		t.Fatalf("rating after sync: total %d, old %+v, unknown %+v", r.Total, r.Old, r.Unknown)
	}
	if db, _ := a.SongDatabase(ctx, maimai.CN); len(db.Songs) != 3 {
		t.Errorf("after sync the archive has %d songs, want the 3 synced (the learned one dropped)", len(db.Songs))
	}
}

// TestSyncRealCN syncs the real CN data, imports the CN record fixtures
// (no chart unmatched), then syncs a copy with one constant changed.
func TestSyncRealCN(t *testing.T) {
	ctx := context.Background()
	src := fixtures.Shared(t, "data/songs/divingfish-music_data.cn.json")
	raw, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	a := openDB(t, "sqlite")
	rep := syncFrom(t, a, serveSongs(t, &raw)) // as from diving-fish's API
	if rep.Songs < 1000 || rep.AddedSongs != rep.Songs || rep.AddedCharts != rep.Charts || rep.Constants != 0 {
		t.Fatalf("first sync of the CN data: %+v", rep)
	}
	for _, name := range []string{"record-mainetcn-1.html", "record-truerou-1.html"} {
		res := a.Import(ctx, "cn", Source{Name: name, Data: fixtures.ReadDXNet(t, "cn/"+name), ObservedAt: testNow})
		if res.Status != Added {
			t.Fatalf("import %s: %s %v", name, res.Status, res.Err)
		}
	}
	un, err := a.UnmatchedCharts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(un) != 0 {
		t.Errorf("%d charts of the CN record fixtures are not matched: %+v", len(un), un)
	}

	// A modified copy: one master constant moves up by 0.1.
	db, err := songs.Load(bytes.NewReader(raw), maimai.CN)
	if err != nil {
		t.Fatal(err)
	}
	var s *songs.Song
	for _, x := range db.Songs[len(db.Songs)/2:] {
		if c := x.Chart(maimai.Master); !x.Utage && c != nil && c.Constant.Known() && c.Constant < 150 {
			s = x
			break
		}
	}
	m := s.Chart(maimai.Master)
	old := m.Constant
	m.Constant++
	later := testNow.Add(time.Hour)
	a.now = func() time.Time { return later }
	rep2, err := a.SyncSongs(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if rep2.Constants != 1 || rep2.AddedSongs != 0 || rep2.AddedCharts != 0 {
		t.Fatalf("sync of the modified copy: %+v, want exactly one changed constant", rep2)
	}
	hist := constantHistory(t, a, maimai.CN)[fmt.Sprintf("%s %s %s", s.Title, s.Type, maimai.Master)]
	if len(hist) != 2 || hist[0].Constant != int(old) || hist[1].Constant != int(old)+1 || !hist[1].FirstSeen.Equal(later) {
		t.Errorf("history of %s: %+v, want %s then one tenth more from %s", m, hist, old, later)
	}
}

// TestSyncRealIntl syncs the Tachi intl data and imports the intl record
// fixture. The page (CiRCLE) is newer than the data (PRiSM PLUS): each
// chart that does not match must be one the data does not have yet,
// learned with the matcher's reason, never dropped.
func TestSyncRealIntl(t *testing.T) {
	ctx := context.Background()
	src := fixtures.Shared(t, "data/songs/tachi-maimaidx-intl.2025-10-17.json")
	a := openDB(t, "sqlite")
	a.now = func() time.Time { return time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC) }
	db, err := songs.Open(ctx, src, maimai.Intl)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.SyncSongs(ctx, db); err != nil {
		t.Fatal(err)
	}
	res := a.Import(ctx, "intl", Source{Name: "record", Data: fixtures.ReadDXNet(t, "intl/record-minty-1.html"), ObservedAt: a.now()})
	if res.Status != Added {
		t.Fatalf("import: %s %v", res.Status, res.Err)
	}
	un, err := a.UnmatchedCharts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// 23 distinct charts of the page's 50 plays are of songs added after
	// the data was made (the songs package pins 34 missed plays).
	if len(un) != 23 {
		t.Errorf("%d charts unmatched, want 23", len(un))
	}
	for _, u := range un {
		if u.Region != maimai.Intl || u.Status != LinkLearned || !strings.Contains(u.Reason, "no song with this title in the intl data") {
			t.Errorf("unmatched %+v: want a learned intl chart of a song the data lacks", u)
		}
	}
	r, err := a.Rating(ctx, "intl", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Region != maimai.Intl || r.Unmatched != len(un) || r.Bests != len(r.New)+len(r.Old)+len(r.Unknown) {
		t.Errorf("rating: region %s, %d unmatched (want %d), %d bests = %d new + %d old + %d unknown",
			r.Region, r.Unmatched, len(un), r.Bests, len(r.New), len(r.Old), len(r.Unknown))
	}
}

// TestSyncRealJPTwice syncs the zetaraku JP data twice: every song is
// stored once, and the second sync finds nothing new or changed (the keys
// are stable).
func TestSyncRealJPTwice(t *testing.T) {
	ctx := context.Background()
	src := fixtures.Shared(t, "data/songs/zetaraku-maimai-data.2025-05-26.json")
	db, err := songs.Open(ctx, src, maimai.JP)
	if err != nil {
		t.Fatal(err)
	}
	a := openDB(t, "sqlite")
	rep, err := a.SyncSongs(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Songs < 1000 || rep.AddedSongs != rep.Songs || rep.AddedCharts != rep.Charts {
		t.Fatalf("first sync: %+v", rep)
	}
	a.now = func() time.Time { return testNow.Add(time.Hour) }
	rep, err = a.SyncSongs(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if rep.AddedSongs != 0 || rep.AddedCharts != 0 || rep.Constants != 0 {
		t.Fatalf("second sync of the same data: %+v", rep)
	}
	stored, err := a.SongDatabase(ctx, maimai.JP)
	if err != nil || len(stored.Songs) != len(db.Songs) || stored.ChartCount() != db.ChartCount() {
		t.Fatalf("stored %d songs, %d charts (%v); the data has %d, %d", len(stored.Songs), stored.ChartCount(), err, len(db.Songs), db.ChartCount())
	}
}
