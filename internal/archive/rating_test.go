package archive

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/dxnet"
	"github.com/maiprobe/maiprobe/internal/fixtures"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/songs"
)

// synthSongs is 60 songs, std and DX alternating; every third was added in
// 舞萌DX 2025 (PRiSM songs), so it is new under the 2025 rules.
func synthSongs() []genSong {
	var list []genSong
	for i := 0; i < 60; i++ {
		s := genSong{id: 1000 + i, title: fmt.Sprintf("Synth %02d", i), typ: "SD", from: "maimai でらっくす FESTiVAL"}
		if i%2 == 1 {
			s.id, s.typ = 11000+i, "DX"
		}
		if i%3 == 0 {
			s.from = "maimai でらっくす PRiSM"
		}
		s.ds = []songs.Constant{50, 80, songs.Constant(100 + i%10), songs.Constant(120 + (i*7)%30)}
		list = append(list, s)
	}
	return list
}

// synthPlay is a play of song i's chart d at minute k of day, with an
// achievement that never lands on an edge row of the factor table.
func synthPlay(list []genSong, i int, d maimai.Difficulty, day time.Time, k int, bump maimai.Achievement) maimai.Play {
	s := list[i]
	typ := maimai.Std
	if s.typ == "DX" {
		typ = maimai.DX
	}
	ach := maimai.Achievement(970000+(i*3170+int(d.Index())*977)%40000)/10*10 + bump
	fc := maimai.NoFC
	if ach >= 1005000 {
		fc = maimai.AP
	}
	return maimai.Play{Track: k%4 + 1, PlayedAt: day.Add(time.Duration(k) * 3 * time.Minute),
		Chart: maimai.Chart{Title: s.title, Type: typ, Difficulty: d}, Achievement: ach, Rank: maimai.RankOf(ach),
		DXScore: 900, DXScoreMax: 1080, FC: fc, FS: maimai.NoFS, Clear: true, Jacket: fmt.Sprintf("%016x.png", s.id)}
}

// expectedRating computes a B50 from the rules doc independently of
// package rating: rating = floor(constant × factor × min(achievement,
// 100.5%)), the best 15 new and 35 old charts.
func expectedRating(list []genSong, plays []maimai.Play) int {
	factors := []struct {
		min    maimai.Achievement
		factor int64
	}{
		{1005000, 224}, {1000000, 216}, {995000, 211}, {990000, 208}, {980000, 203}, {970000, 200}, {940000, 168},
		{900000, 152}, {800000, 136}, {750000, 120}, {700000, 112}, {600000, 96}, {500000, 80}, {0, 0},
	}
	best := map[maimai.Chart]maimai.Achievement{}
	for _, p := range plays {
		best[p.Chart] = max(best[p.Chart], p.Achievement)
	}
	var fresh, old []int
	for c, a := range best {
		var s genSong
		for _, x := range list {
			if x.title == c.Title {
				s = x
			}
		}
		f := int64(0)
		for _, row := range factors {
			if a >= row.min {
				f = row.factor
				break
			}
		}
		r := int(int64(s.ds[c.Difficulty.Index()]) * f * int64(min(a, 1005000)) / 100_000_000)
		if strings.Contains(s.from, "PRiSM") {
			fresh = append(fresh, r)
		} else {
			old = append(old, r)
		}
	}
	sum := func(rs []int, n int) int {
		sort.Sort(sort.Reverse(sort.IntSlice(rs)))
		t := 0
		for _, r := range rs[:min(n, len(rs))] {
			t += r
		}
		return t
	}
	return sum(fresh, 15) + sum(old, 35)
}

// homeHTML is the synthetic CN home page of package dxnet's tests showing
// rating.
func homeHTML(t testing.TB, rating int) []byte {
	t.Helper()
	b, err := os.ReadFile("../dxnet/testdata/home-cn-2020.html")
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(b), `<div class="rating_block f_11">4829</div>`, fmt.Sprintf(`<div class="rating_block f_11">%d</div>`, rating), 1)
	s = strings.Replace(s, "MAX：5077", fmt.Sprintf("MAX：%d", rating), 1)
	if s == string(b) {
		t.Fatal("the home page template no longer has the rating to replace")
	}
	return []byte(s)
}

// recordPage renders plays (oldest first) as a record page, newest first.
func recordPage(t testing.TB, plays []maimai.Play) []byte {
	t.Helper()
	var rev []maimai.Play
	for i := len(plays) - 1; i >= 0; i-- {
		p := plays[i]
		p.Idx = fmt.Sprintf("%d,%d", len(rev), p.PlayedAt.Unix())
		rev = append(rev, p)
	}
	return recordHTML(t, rev)
}

// TestRatingMatchesSiteRating: a synthetic player's plays over two days
// and the home page saved after each day, showing the rating computed
// independently from the rules. The archive's rating equals the site's at
// both points, and now.
func TestRatingMatchesSiteRating(t *testing.T) {
	for _, dbName := range []string{"sqlite", "mysql", "postgres"} {
		t.Run(dbName, func(t *testing.T) {
			ctx := context.Background()
			a := openDB(t, dbName)
			list := synthSongs()
			path := filepath.Join(t.TempDir(), "music_data.json")
			if err := os.WriteFile(path, dfJSON(list), 0o644); err != nil {
				t.Fatal(err)
			}
			syncFrom(t, a, path)

			day1 := time.Date(2025, 11, 20, 2, 0, 0, 0, time.UTC)
			day2 := day1.Add(24 * time.Hour)
			var p1, p2 []maimai.Play
			for i := 0; i < 45; i++ {
				d := maimai.Master
				if i >= 30 {
					d = maimai.Expert
				}
				p1 = append(p1, synthPlay(list, i%30*2+i/30, d, day1, i, 0))
			}
			for i := 0; i < 45; i++ {
				d := maimai.Master
				if i >= 30 {
					d = maimai.Expert
				}
				p2 = append(p2, synthPlay(list, (i%30*2+1+i/30)%60, d, day2, i, 0))
			}
			for k := 0; k < 5; k++ { // raise five bests of day 1
				p2 = append(p2, synthPlay(list, k*2, maimai.Master, day2, 45+k, 4000))
			}
			want1 := expectedRating(list, p1)
			want2 := expectedRating(list, append(append([]maimai.Play(nil), p1...), p2...))
			if want2 <= want1 {
				t.Fatalf("the synthetic days should raise the rating: %d then %d", want1, want2)
			}
			home1 := day1.Add(10 * time.Hour)
			home2 := day2.Add(10 * time.Hour)
			for _, src := range []Source{
				{Name: "record-1.html", Data: recordPage(t, p1), ObservedAt: home1.Add(-time.Minute)},
				{Name: "home-1.html", Data: homeHTML(t, want1), ObservedAt: home1},
				{Name: "record-2.html", Data: recordPage(t, p2), ObservedAt: home2.Add(-time.Minute)},
				{Name: "home-2.html", Data: homeHTML(t, want2), ObservedAt: home2},
			} {
				if res := a.Import(ctx, "synth", src); res.Status != Added {
					t.Fatalf("import %s: %s %v", src.Name, res.Status, res.Err)
				}
			}

			r, err := a.Rating(ctx, "synth", time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			if r.Total != want2 || len(r.New) != 15 || len(r.Old) != 35 || len(r.Unknown) != 0 || r.Bests != 90 ||
				r.Version != "舞萌DX 2025" || r.Era != "B50" || r.Region != maimai.CN {
				t.Errorf("rating now: total %d (want %d), %d new, %d old, %d unknown, %d bests, %s %s %s",
					r.Total, want2, len(r.New), len(r.Old), len(r.Unknown), r.Bests, r.Version, r.Era, r.Region)
			}
			for _, e := range r.New {
				if e.Version != "舞萌DX 2025" {
					t.Errorf("new entry %s of version %q", e.Title, e.Version)
				}
			}
			if r1, err := a.Rating(ctx, "synth", home1); err != nil || r1.Total != want1 || r1.Bests != 45 {
				t.Errorf("rating at the first home page: %v %v, want %d over 45 bests", r1, err, want1)
			}

			hist, err := a.RatingHistory(ctx, "synth")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range hist {
				got = append(got, fmt.Sprintf("%s %s %d/%d", p.At.Format(time.RFC3339), p.Kind, p.Computed, p.Site))
			}
			want := []string{
				fmt.Sprintf("%s day %d/0", p1[44].PlayedAt.Format(time.RFC3339), want1),
				fmt.Sprintf("%s home %d/%d", home1.Format(time.RFC3339), want1, want1),
				fmt.Sprintf("%s day %d/0", p2[49].PlayedAt.Format(time.RFC3339), want2),
				fmt.Sprintf("%s home %d/%d", home2.Format(time.RFC3339), want2, want2),
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("rating history:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// TestRatingUsesConstantOfItsTime: a constant changed by a later sync
// rates today's best with the new value and a past rating with the old.
func TestRatingUsesConstantOfItsTime(t *testing.T) {
	ctx := context.Background()
	a := openDB(t, "sqlite")
	list := smallSongs()
	path := filepath.Join(t.TempDir(), "music_data.json")
	os.WriteFile(path, dfJSON(list), 0o644)
	a.now = func() time.Time { return time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC) }
	syncFrom(t, a, path)
	list[2].ds[3] = 130 // Beta master 12.8 → 13.0
	os.WriteFile(path, dfJSON(list), 0o644)
	a.now = func() time.Time { return time.Date(2025, 11, 25, 0, 0, 0, 0, time.UTC) }
	syncFrom(t, a, path)
	a.now = func() time.Time { return testNow }

	pl := synthPlay([]genSong{list[2]}, 0, maimai.Master, time.Date(2025, 11, 10, 3, 0, 0, 0, time.UTC), 0, 0)
	if res := a.Import(ctx, "p", Source{Name: "r", Data: recordPage(t, []maimai.Play{pl}), ObservedAt: pl.PlayedAt.Add(time.Hour)}); res.Status != Added {
		t.Fatal(res.Err)
	}
	factor := 200 // 97% ≤ achievement < 98%: see synthPlay
	if pl.Achievement >= 980000 {
		t.Fatalf("synthPlay changed: %s", pl.Achievement)
	}
	now, err := a.Rating(ctx, "p", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	past, err := a.Rating(ctx, "p", time.Date(2025, 11, 12, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if want := 130 * factor * int(pl.Achievement) / 100_000_000; now.Total != want || now.Old[0].Constant != 130 {
		t.Errorf("rating now: %d with %s, want %d with 13.0", now.Total, now.Old[0].Constant, want)
	}
	if want := 128 * factor * int(pl.Achievement) / 100_000_000; past.Total != want || past.Old[0].Constant != 128 {
		t.Errorf("rating on 2025-11-12: %d with %s, want %d with 12.8", past.Total, past.Old[0].Constant, want)
	}
	b, _ := json.Marshal(now)
	if !strings.Contains(string(b), `"constant":13.0`) && !strings.Contains(string(b), `"constant":13`) {
		t.Errorf("JSON has no constant 13.0: %s", b)
	}
}

// TestRatingGoldenCN rates a player built from the CN fixture pages with
// the real CN data: the values are pinned so a change in matching, song
// data handling or rules shows up.
func TestRatingGoldenCN(t *testing.T) {
	ctx := context.Background()
	src := fixtures.Shared(t, "data/songs/divingfish-music_data.cn.json")
	a := openDB(t, "sqlite")
	a.now = func() time.Time { return time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC) }
	syncFrom(t, a, src)
	for _, name := range []string{"record-mainetcn-1.html", "record-truerou-1.html", "musicGenre-truerou-1.html", "home-mainetcn-1.html"} {
		res := a.Import(ctx, "cn", Source{Name: name, Data: fixtures.ReadDXNet(t, "cn/"+name), ObservedAt: a.now()})
		if res.Status != Added {
			t.Fatalf("import %s: %s %v", name, res.Status, res.Err)
		}
	}
	r, err := a.Rating(ctx, "cn", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	// 88 charts played on the two record pages and the musicGenre list;
	// only 13 are new (舞萌DX 2025) songs. Hand-checked: 14.5 × 22.4 ×
	// 100.5 = 326.4 and 14.5 × 21.6 × 100.09 = 313.5.
	if r.Total != 13892 || r.NewTotal != 3240 || r.OldTotal != 10652 || len(r.New) != 13 || len(r.Old) != 35 ||
		len(r.Unknown) != 0 || r.Unmatched != 0 || r.Bests != 88 {
		t.Errorf("rating: total %d = %d new + %d old; %d new, %d old, %d unknown, %d unmatched, %d bests; want 13892 = 3240 + 10652; 13, 35, 0, 0, 88",
			r.Total, r.NewTotal, r.OldTotal, len(r.New), len(r.Old), len(r.Unknown), r.Unmatched, r.Bests)
	}
	check := func(table string, got []RatingEntry, title string, typ maimai.ChartType, c songs.Constant, a maimai.Achievement, rating, songID int) {
		t.Helper()
		if len(got) == 0 {
			t.Errorf("%s table is empty", table)
			return
		}
		e := got[0]
		if e.Title != title || e.Type != typ || e.Difficulty != maimai.Master || e.Constant != c || e.Achievement != a ||
			e.Rating != rating || e.SongID != songID || e.Link != LinkMatched {
			t.Errorf("%s table starts with %+v, want %s %s master %s %s rating %d (song %d)", table, e, title, typ, c, a, rating, songID)
		}
	}
	check("new", r.New, "ouroboros -twin stroke of the end-", maimai.DX, 145, 1000900, 313, 11707)
	check("old", r.Old, "最強STRONGER", maimai.DX, 145, 1006248, 326, 11517)
	// 314 / (14.5 × 21.6) = 100.25543…%
	if n := r.New[0].Next; n == nil || n.Achievement != 1002555 || n.Rating != 314 {
		t.Errorf("next step of the first new entry: %+v, want 100.2555%% for 314", n)
	}
	if r.Old[0].Next != nil {
		t.Errorf("an entry at 100.5%% has a next step: %+v", r.Old[0].Next)
	}
}

// BenchmarkArchiveRating rates a player with 10,000 best scores (every
// chart of 2,500 synthetic songs) from a SQLite archive: reading the
// chart database, the links and the bests, and the B50.
func BenchmarkArchiveRating(b *testing.B) {
	ctx := context.Background()
	a := openTest(b, filepath.Join(b.TempDir(), "bench.db"))
	var list []genSong
	for i := 0; i < 2500; i++ {
		s := genSong{id: 1000 + i, title: fmt.Sprintf("Bench %04d", i), typ: "SD", from: "maimai でらっくす FESTiVAL",
			ds: []songs.Constant{songs.Constant(20 + i%30), songs.Constant(60 + i%40), songs.Constant(90 + i%40), songs.Constant(110 + i%40)}}
		if i%5 == 0 {
			s.from = "maimai でらっくす PRiSM"
		}
		list = append(list, s)
	}
	path := filepath.Join(b.TempDir(), "music_data.json")
	if err := os.WriteFile(path, dfJSON(list), 0o644); err != nil {
		b.Fatal(err)
	}
	syncFrom(b, a, path)
	page := &dxnet.ScoresPage{Header: dxnet.Header{Kind: dxnet.KindScores, Region: maimai.CN}, List: "musicSort"}
	for i, s := range list {
		for j, d := range []maimai.Difficulty{maimai.Basic, maimai.Advanced, maimai.Expert, maimai.Master} {
			ach := maimai.Achievement(900000 + (i*7919+j*104729)%110000)
			page.Scores = append(page.Scores, maimai.Score{Chart: maimai.Chart{Title: s.title, Type: maimai.Std, Difficulty: d},
				Level: "13", Played: true, Achievement: ach, Rank: maimai.RankOf(ach), DXScore: 100, DXScoreMax: 1080})
		}
	}
	if res := mustImport(b, a, "bench", "scores", page, Added); res.Added.Scores != 10000 {
		b.Fatalf("imported %d scores", res.Added.Scores)
	}
	r, err := a.Rating(ctx, "bench", time.Time{}) // links the charts once
	if err != nil || r.Bests != 10000 || len(r.Old) != 35 || len(r.New) != 15 || len(r.Unknown) != 0 {
		b.Fatalf("rating: %v; %d bests, %d old, %d new, %d unknown", err, r.Bests, len(r.Old), len(r.New), len(r.Unknown))
	}
	// "changed" is the first rating after an import (the player's data
	// changed, the chart database is cached); "same" is every rating after
	// that until the next import or sync.
	for _, bc := range []struct {
		name  string
		reset bool
	}{{"changed", true}, {"same", false}} {
		b.Run(bc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if bc.reset {
					a.ratings.mu.Lock()
					a.ratings.m, a.ratings.data = nil, nil
					a.ratings.mu.Unlock()
				}
				r, err := a.Rating(ctx, "bench", time.Time{})
				if err != nil || r.Bests != 10000 {
					b.Fatal(err)
				}
			}
		})
	}
}
