package archive

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/dxnet"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/storage"
	"github.com/maiprobe/maiprobe/internal/storage/storagetest"
)

// TestArchive runs the archive suite on SQLite and, when configured, on
// MariaDB and PostgreSQL: the same rules must hold on every database.
func TestArchive(t *testing.T) {
	tests := []struct {
		name string
		fn   func(t *testing.T, db string)
	}{
		{"same page twice", testSamePageTwice},
		{"overlapping windows", testOverlappingWindows},
		{"detail before and after its record", testDetailAttaches},
		{"sanity rules write nothing", testRejectedWritesNothing},
		{"killed transaction writes nothing", testKilledTransaction},
		{"best scores and history", testBestScores},
		{"snapshots", testSnapshots},
		{"photos", testPhotos},
		{"export round trip", testExportRoundTrip},
		{"concurrent imports", testConcurrentImports},
		{"reparse", testReparse},
	}
	for _, db := range storagetest.Databases {
		t.Run(db, func(t *testing.T) {
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) { tt.fn(t, db) })
			}
		})
	}
}

func testSamePageTwice(t *testing.T, db string) {
	a := openDB(t, db)
	page := window(0, 50)
	first := mustImport(t, a, "alice", "record.html", page, Added)
	if first.Added.Pages != 1 || first.Added.Plays != 50 || first.Kind != dxnet.KindRecord || first.Region != maimai.CN {
		t.Errorf("first import: %+v", first)
	}
	before := rowCounts(t, a)
	second := mustImport(t, a, "alice", "record.html", page, Unchanged)
	if second.Unchanged.Pages != 1 || second.Unchanged.Plays != 50 || second.Added != (Counts{}) {
		t.Errorf("second import: added %+v unchanged %+v, want 1 page and 50 plays unchanged", second.Added, second.Unchanged)
	}
	if after := rowCounts(t, a); !maps.Equal(before, after) {
		t.Errorf("row counts changed on a second import: %v → %v", before, after)
	}
	if n := countPlays(t, a, "alice"); n != 50 {
		t.Errorf("plays = %d, want 50", n)
	}
}

func testOverlappingWindows(t *testing.T, db string) {
	a := openDB(t, db)
	// The second page is the first one later: the 10 oldest plays fell
	// off, 10 newer ones came, and every idx position moved by 10.
	first, second := window(0, 50), window(10, 60)
	if first.Plays[0].Idx == second.Plays[10].Idx || first.Plays[0].Title != second.Plays[10].Title {
		t.Fatal("test setup: the windows should share plays under new idx positions")
	}
	mustImport(t, a, "alice", "record-1.html", first, Added)
	res := mustImport(t, a, "alice", "record-2.html", second, Added)
	if res.Added.Plays != 10 || res.Unchanged.Plays != 40 {
		t.Errorf("second window: %d added, %d unchanged; want 10 and 40", res.Added.Plays, res.Unchanged.Plays)
	}
	plays, err := a.Plays(context.Background(), "alice", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(plays) != 60 {
		t.Fatalf("plays = %d, want 60", len(plays))
	}
	seen := map[int64]bool{}
	for i, p := range plays {
		if seen[p.PlayedAt.Unix()] {
			t.Errorf("play at %v stored twice", p.PlayedAt)
		}
		seen[p.PlayedAt.Unix()] = true
		if i > 0 && p.PlayedAt.After(plays[i-1].PlayedAt) {
			t.Errorf("plays not newest first at %d", i)
		}
	}
	newest := playAt(59)
	if got := plays[0]; got.Title != newest.Title || got.Achievement != newest.Achievement || !got.PlayedAt.Equal(newest.PlayedAt) {
		t.Errorf("newest play = %s %s at %v, want %s %s at %v", got.Title, got.Achievement, got.PlayedAt, newest.Title, newest.Achievement, newest.PlayedAt)
	}
	// The first page's idx of a shared play is kept (identity is the time).
	if got, want := plays[59-40].Idx, first.Plays[49-40].Idx; got != want || got == second.Plays[59-40].Idx {
		t.Errorf("idx of play 40 = %q, want the first page's %q", got, want)
	}
	limited, _ := a.Plays(context.Background(), "alice", 5)
	if len(limited) != 5 || !limited[0].PlayedAt.Equal(plays[0].PlayedAt) {
		t.Errorf("Plays(limit 5) = %d plays", len(limited))
	}
}

func detailPage(p maimai.Play) *dxnet.PlaylogDetailPage {
	p.DXScoreMax = 3 * 600
	return &dxnet.PlaylogDetailPage{
		Header: dxnet.Header{Kind: dxnet.KindPlaylogDetail, Region: maimai.CN},
		Play:   p,
		Detail: maimai.PlayDetail{Judgements: judgements(600), Fast: 12, Late: 7, MaxCombo: 600, MaxComboTotal: 600,
			Rating: 15123, RatingDelta: 4, Place: "Round1"},
	}
}

func testDetailAttaches(t *testing.T, db string) {
	a := openDB(t, db)
	ctx := context.Background()
	record := window(0, 50)

	// Detail first, without an idx (an old layout): it creates the play,
	// and the record page attaches its idx instead of adding a second row.
	early := record.Plays[49] // the oldest play
	early.Idx = ""
	res := mustImport(t, a, "alice", "detail-1.html", detailPage(early), Added)
	if res.Added.Plays != 1 || res.Added.Details != 1 {
		t.Errorf("detail first: %+v", res.Added)
	}
	// A detail page imported after its record attaches to the play.
	mustImport(t, a, "alice", "record.html", record, Added)
	late := record.Plays[0]
	res = mustImport(t, a, "alice", "detail-2.html", detailPage(late), Added)
	if res.Added.Plays != 0 || res.Unchanged.Plays != 1 || res.Added.Details != 1 {
		t.Errorf("detail after record: added %+v unchanged %+v", res.Added, res.Unchanged)
	}
	// The same detail again adds nothing.
	again := detailPage(late)
	again.Detail.Place = "Round1 " // different bytes, same play, detail already there
	res = mustImport(t, a, "alice", "detail-3.html", again, Added)
	if res.Added.Details != 0 || res.Unchanged.Details != 1 {
		t.Errorf("second detail: added %+v unchanged %+v", res.Added, res.Unchanged)
	}

	if n := countPlays(t, a, "alice"); n != 50 {
		t.Fatalf("plays = %d, want 50", n)
	}
	plays, _ := a.Plays(ctx, "alice", 0)
	withDetail := 0
	for _, p := range plays {
		if p.Detail != nil {
			withDetail++
		}
	}
	if withDetail != 2 {
		t.Errorf("plays with detail = %d, want 2", withDetail)
	}
	if p := plays[0]; p.Detail == nil || p.Detail.Fast != 12 || p.Detail.Place != "Round1" || p.Idx != late.Idx {
		t.Errorf("newest play: idx %q detail %+v", p.Idx, p.Detail)
	}
	if p := plays[49]; p.Detail == nil || p.Idx != record.Plays[49].Idx {
		t.Errorf("oldest play: idx %q (want %q), detail %v", p.Idx, record.Plays[49].Idx, p.Detail != nil)
	}
}

func testRejectedWritesNothing(t *testing.T, db string) {
	a := openDB(t, db)
	mustImport(t, a, "alice", "record.html", window(0, 50), Added)
	before := rowCounts(t, a)

	bad := func(change func(p *maimai.Play)) *dxnet.RecordPage {
		page := window(100, 110)
		change(&page.Plays[2])
		return page
	}
	detail := detailPage(playAt(200))
	detail.Detail.Judgements = judgements(500) // DX max 1800 is not 3 × 500
	tests := []struct {
		name string
		page dxnet.Page
		is   error
		msg  string
	}{
		{"achievement over 101%", bad(func(p *maimai.Play) { p.Achievement, p.Rank = 1023000, maimai.RankSSSP }),
			ErrMisparsed, "misparsed: play 3 (Song "},
		{"achievement over 101% (text)", bad(func(p *maimai.Play) { p.Achievement, p.Rank = 1023000, maimai.RankSSSP }),
			ErrMisparsed, "misparsed: play 3 (Song 33): achievement 102.3% is over 101%"},
		{"AP+ below 101%", bad(func(p *maimai.Play) { p.FC = maimai.APP }), ErrMisparsed, "AP+ with achievement"},
		{"rank does not match", bad(func(p *maimai.Play) { p.Rank = maimai.RankD }), ErrMisparsed, "rank d does not match"},
		{"DX score over max", bad(func(p *maimai.Play) { p.DXScore = 1801 }), ErrMisparsed, "DX score 1801 is over its max 1800"},
		{"no time", bad(func(p *maimai.Play) { p.PlayedAt = time.Time{} }), ErrMisparsed, "no time"},
		{"before DX", bad(func(p *maimai.Play) { p.PlayedAt = time.Date(2019, 6, 30, 0, 0, 0, 0, time.UTC) }), ErrMisparsed, "before maimai DX"},
		{"in the future", bad(func(p *maimai.Play) { p.PlayedAt = testNow.Add(25 * time.Hour) }), ErrMisparsed, "in the future"},
		{"bad idx", bad(func(p *maimai.Play) { p.Idx = "12" }), ErrMisparsed, `idx "12"`},
		{"unknown difficulty", bad(func(p *maimai.Play) { p.Difficulty = "hard" }), ErrMisparsed, "unknown difficulty"},
		{"DX max not 3 × notes", detail, ErrMisparsed, "DX score max 1800 is not 3 × 500 notes"},
		{"utage over 202%", &dxnet.ScoresPage{Header: dxnet.Header{Kind: dxnet.KindScores, Region: maimai.JP},
			Scores: []maimai.Score{{Chart: maimai.Chart{Title: "宴", Difficulty: maimai.Utage}, Played: true, Achievement: 2020001}}},
			ErrMisparsed, "is over 202%"},
		{"error page", &dxnet.ErrorPage{Header: dxnet.Header{Kind: dxnet.KindError, Region: maimai.CN}, Code: 200002, Message: "连接时间已过期"},
			ErrSitePage, "the site answered with error 200002 (连接时间已过期): log in again"},
		{"login page", &dxnet.LoginPage{Header: dxnet.Header{Kind: dxnet.KindLogin, Region: maimai.Intl}}, ErrSitePage, "login page"},
		{"maintenance page", &dxnet.MaintenancePage{Header: dxnet.Header{Kind: dxnet.KindMaintenance, Region: maimai.JP}}, ErrSitePage, "maintenance"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := mustImport(t, a, "bob", tt.name, tt.page, Rejected)
			if !errors.Is(res.Err, tt.is) || !strings.Contains(res.Err.Error(), tt.msg) {
				t.Errorf("error = %v, want %v containing %q", res.Err, tt.is, tt.msg)
			}
			if after := rowCounts(t, a); !maps.Equal(before, after) {
				t.Errorf("a rejected page changed the archive: %v → %v", before, after)
			}
		})
	}
	// A utage buddy chart may reach 202%, AP+ at exactly 101%.
	ok := &dxnet.ScoresPage{Header: dxnet.Header{Kind: dxnet.KindScores, Region: maimai.JP}, Scores: []maimai.Score{
		{Chart: maimai.Chart{Title: "宴", Difficulty: maimai.Utage}, Played: true, Achievement: 2020000, Rank: maimai.RankSSSP, FC: maimai.APP},
		{Chart: maimai.Chart{Title: "Link", Type: maimai.Std, Difficulty: maimai.Master}, Played: true, Achievement: 1010000, Rank: maimai.RankSSSP, FC: maimai.APP},
	}}
	mustImport(t, a, "bob", "utage.html", ok, Added)

	future := source(t, "future.html", window(0, 5))
	future.ObservedAt = testNow.Add(48 * time.Hour)
	if res := a.importPage(context.Background(), "bob", future, window(0, 5)); res.Status != Rejected || !strings.Contains(res.Err.Error(), "in the future") {
		t.Errorf("a page saved in the future: %s %v", res.Status, res.Err)
	}
	res := a.Import(context.Background(), "bob", Source{Name: "junk.bin", Data: []byte("\x00\x01\x02junk")})
	if res.Status != Rejected || !errors.Is(res.Err, dxnet.ErrNotDXNet) {
		t.Errorf("junk: %s %v, want rejected with ErrNotDXNet", res.Status, res.Err)
	}
}

func testKilledTransaction(t *testing.T, db string) {
	a := openDB(t, db)
	mustImport(t, a, "alice", "record-1.html", window(0, 50), Added)
	before := rowCounts(t, a)

	// Fail the 21st play insert of the next page.
	boom := errors.New("injected failure")
	inserts := 0
	a.hook = func(what string) error {
		if what == "play" {
			inserts++
			if inserts == 21 {
				return boom
			}
		}
		return nil
	}
	res := mustImport(t, a, "alice", "record-2.html", window(40, 90), Rejected)
	if !errors.Is(res.Err, boom) || inserts != 21 {
		t.Errorf("error %v after %d inserts, want the injected failure after 21", res.Err, inserts)
	}
	if after := rowCounts(t, a); !maps.Equal(before, after) {
		t.Errorf("a failed import changed the archive: %v → %v", before, after)
	}

	// Cancelling the context midway has the same effect.
	ctx, cancel := context.WithCancel(context.Background())
	inserts = 0
	a.hook = func(what string) error {
		if what == "play" {
			if inserts++; inserts == 10 {
				cancel()
			}
		}
		return nil
	}
	page := window(40, 90)
	res = a.importPage(ctx, "alice", source(t, "record-3.html", page), page)
	if res.Status != Rejected || !errors.Is(res.Err, context.Canceled) {
		t.Errorf("cancelled import: %s %v, want rejected with context.Canceled", res.Status, res.Err)
	}
	if after := rowCounts(t, a); !maps.Equal(before, after) {
		t.Errorf("a cancelled import changed the archive: %v → %v", before, after)
	}

	a.hook = nil
	res = mustImport(t, a, "alice", "record-2.html", window(40, 90), Added)
	if res.Added.Plays != 40 {
		t.Errorf("retry after the failure added %d plays, want 40", res.Added.Plays)
	}
}

func bestOf(t *testing.T, a *Archive, player string) (map[maimai.Chart]storage.BestScore, []storage.ScoreStep) {
	t.Helper()
	ctx := context.Background()
	best := map[maimai.Chart]storage.BestScore{}
	var steps []storage.ScoreStep
	err := a.db.View(ctx, func(tx *storage.Tx) error {
		pid, err := tx.PlayerID(ctx, player)
		if err != nil {
			return err
		}
		bs, err := tx.BestScores(ctx, pid)
		for _, b := range bs {
			best[b.Chart] = b
		}
		if err != nil {
			return err
		}
		steps, err = tx.ScoreHistory(ctx, pid)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return best, steps
}

func testBestScores(t *testing.T, db string) {
	a := openDB(t, db)
	link := maimai.Chart{Title: "Link", Type: maimai.Std, Difficulty: maimai.Master}
	list := &dxnet.ScoresPage{Header: dxnet.Header{Kind: dxnet.KindScores, Region: maimai.CN}, List: "musicGenre", Scores: []maimai.Score{
		{Chart: link, Level: "12+", Genre: "maimai", Played: true, Achievement: 995000, Rank: maimai.RankSSP, DXScore: 1500, DXScoreMax: 1800, FS: maimai.Sync},
		{Chart: maimai.Chart{Title: "Unplayed", Type: maimai.DX, Difficulty: maimai.Basic}, Level: "3", Played: false},
	}}
	// The list was saved the day before the plays below.
	src := source(t, "musicGenre.html", list)
	src.ObservedAt = time.Date(2025, 10, 31, 0, 0, 0, 0, time.UTC)
	res := a.importPage(context.Background(), "alice", src, list)
	if res.Status != Added || res.Added.Scores != 1 {
		t.Errorf("score list: %+v", res.Added)
	}

	play := func(n int, ach maimai.Achievement, dx int, fc maimai.FC) maimai.Play {
		p := playAt(n)
		p.Chart, p.Achievement, p.Rank, p.DXScore, p.FC, p.FS, p.Level = link, ach, maimai.RankOf(ach), dx, fc, maimai.NoFS, ""
		p.Idx = fmt.Sprintf("0,%d", p.PlayedAt.Unix())
		return p
	}
	// A worse play changes nothing; a better achievement raises the best;
	// a play that only brings an FC raises the FC alone.
	rec := &dxnet.RecordPage{Header: dxnet.Header{Kind: dxnet.KindRecord, Region: maimai.CN}, Plays: []maimai.Play{
		play(3, 1001000, 1600, maimai.NoFC), // newest: only the FC and DX score are not better … achievement better
		play(2, 990000, 1400, maimai.FCP),
		play(1, 980000, 1000, maimai.NoFC),
	}}
	res = mustImport(t, a, "alice", "record.html", rec, Added)
	if res.Added.Improvements != 2 {
		t.Errorf("record: improvements %d, want 2 (the FC+ play, then the 100.1%% play)", res.Added.Improvements)
	}
	best, steps := bestOf(t, a, "alice")
	b := best[link]
	if b.Achievement != 1001000 || b.Rank != maimai.RankSSS || b.DXScore != 1600 || b.FC != maimai.FCP || b.FS != maimai.Sync ||
		b.Level != "12+" || b.Genre != "maimai" || !b.UpdatedAt.Equal(playAt(3).PlayedAt) {
		t.Errorf("best of Link = %+v", b)
	}
	if len(best) != 1 {
		t.Errorf("best scores = %d, want 1 (unplayed charts have none)", len(best))
	}
	if len(steps) != 3 {
		t.Fatalf("history = %d rows, want 3: %+v", len(steps), steps)
	}
	if s := steps[1]; s.FC != maimai.FCP || s.Achievement != 995000 || !s.ObservedAt.Equal(playAt(2).PlayedAt) {
		t.Errorf("second step = %+v, want FC+ at 99.5%% at play 2's time", s)
	}
	if s := steps[2]; s.Achievement != 1001000 || s.FC != maimai.FCP || s.DXScore != 1600 {
		t.Errorf("third step = %+v", s)
	}
	// The same list again: unchanged, no history.
	res = mustImport(t, a, "alice", "musicGenre-2.html", &dxnet.ScoresPage{Header: list.Header, List: "musicLevel", Scores: list.Scores}, Added)
	if res.Unchanged.Scores != 1 || res.Added.Scores != 0 || res.Added.Improvements != 0 {
		t.Errorf("list again: added %+v unchanged %+v", res.Added, res.Unchanged)
	}
	// A musicDetail page names the song once; its play count is kept.
	md := &dxnet.MusicDetailPage{Header: dxnet.Header{Kind: dxnet.KindMusicDetail, Region: maimai.CN}, Title: "Link", Genre: "maimai",
		Scores: []maimai.Score{{Chart: maimai.Chart{Type: maimai.Std, Difficulty: maimai.Master}, Played: true, Achievement: 1001000,
			Rank: maimai.RankSSS, DXScore: 1700, DXScoreMax: 1800, FS: maimai.FSP, PlayCount: 42}}}
	res = mustImport(t, a, "alice", "musicDetail.html", md, Added)
	if res.Added.Improvements != 1 {
		t.Errorf("musicDetail: %+v", res.Added)
	}
	best, steps = bestOf(t, a, "alice")
	if b := best[link]; b.DXScore != 1700 || b.FS != maimai.FSP || b.PlayCount != 42 || b.FC != maimai.FCP {
		t.Errorf("best after musicDetail = %+v", b)
	}
	if len(steps) != 4 {
		t.Errorf("history = %d rows, want 4", len(steps))
	}
}

func testSnapshots(t *testing.T, db string) {
	a := openDB(t, db)
	home := func(rating int) *dxnet.HomePage {
		return &dxnet.HomePage{Header: dxnet.Header{Kind: dxnet.KindHome, Region: maimai.Intl},
			Profile: dxnet.Profile{Name: "ＭＩＮＴＹ", Rating: rating, Stars: 221, PlayCount: 1000}}
	}
	imp := func(name string, page dxnet.Page, at time.Time) Result {
		src := source(t, name, page)
		src.Data = append(src.Data, name...) // different bytes every time
		src.ObservedAt = at
		return a.importPage(context.Background(), "alice", src, page)
	}
	t0 := testNow.Add(-72 * time.Hour)
	steps := []struct {
		name   string
		page   dxnet.Page
		at     time.Time
		added  int
		status Status
	}{
		{"home-1", home(13394), t0, 1, Added},
		{"home-2 same profile", home(13394), t0.Add(time.Hour), 0, Added}, // the page is new, the snapshot is not
		{"home-3 rating up", home(13400), t0.Add(2 * time.Hour), 1, Added},
		{"playerData same profile is another kind", &dxnet.PlayerDataPage{Header: dxnet.Header{Kind: dxnet.KindPlayerData, Region: maimai.Intl},
			Profile: home(13400).Profile, Counts: map[string]maimai.Count{"sss": {Got: 48, Total: 5562}}}, t0.Add(3 * time.Hour), 1, Added},
	}
	for _, s := range steps {
		res := imp(s.name, s.page, s.at)
		if res.Status != s.status || res.Added.Snapshots != s.added {
			t.Errorf("%s: %s, %d snapshots added (%v); want %s, %d", s.name, res.Status, res.Added.Snapshots, res.Err, s.status, s.added)
		}
	}
	var snaps []storage.Snapshot
	ctx := context.Background()
	a.db.View(ctx, func(tx *storage.Tx) error {
		pid, _ := tx.PlayerID(ctx, "alice")
		snaps, _ = tx.Snapshots(ctx, pid)
		return nil
	})
	if len(snaps) != 3 {
		t.Fatalf("snapshots = %d, want 3", len(snaps))
	}
	if s := snaps[1]; s.Rating != 13400 || s.Name != "ＭＩＮＴＹ" || s.Stars != 221 || s.PlayCount != 1000 || s.Kind != "home" {
		t.Errorf("second snapshot = %+v", s)
	}
	var data struct {
		Counts map[string]maimai.Count `json:"counts"`
	}
	if err := json.Unmarshal(snaps[2].Data, &data); err != nil || data.Counts["sss"].Total != 5562 {
		t.Errorf("playerData snapshot data %s: %v", snaps[2].Data, err)
	}
}

func testPhotos(t *testing.T, db string) {
	a := openDB(t, db)
	at := time.Date(2025, 11, 20, 12, 30, 0, 0, time.UTC)
	photo := func(url string, min int) maimai.Photo {
		return maimai.Photo{ImageURL: url, TakenAt: at.Add(time.Duration(min) * time.Minute),
			Chart: maimai.Chart{Title: "Link", Type: maimai.Std, Difficulty: maimai.Master}, Level: "12+"}
	}
	page := func(ps ...maimai.Photo) *dxnet.PhotoPage {
		return &dxnet.PhotoPage{Header: dxnet.Header{Kind: dxnet.KindPhoto, Region: maimai.CN}, Photos: ps}
	}
	res := mustImport(t, a, "alice", "photo-1.html", page(photo("https://x/1.jpg", 0), photo("https://x/2.jpg", 5), photo("", 9)), Added)
	if res.Added.Photos != 3 {
		t.Errorf("first album: %+v", res.Added)
	}
	res = mustImport(t, a, "alice", "photo-2.html", page(photo("https://x/2.jpg", 5), photo("", 9), photo("https://x/3.jpg", 20)), Added)
	if res.Added.Photos != 1 || res.Unchanged.Photos != 2 {
		t.Errorf("second album: added %+v unchanged %+v", res.Added, res.Unchanged)
	}
	if c := rowCounts(t, a); c["photos"] != 4 {
		t.Errorf("photos = %d, want 4", c["photos"])
	}
}

// fillArchive imports one of every kind of page for two players.
func fillArchive(t *testing.T, a *Archive) {
	for _, player := range []string{"alice", "bob"} {
		mustImport(t, a, player, "record-1.html", window(0, 50), Added)
		mustImport(t, a, player, "record-2.html", window(30, 80), Added)
		mustImport(t, a, player, "detail.html", detailPage(window(30, 80).Plays[3]), Added)
		mustImport(t, a, player, "scores.html", &dxnet.ScoresPage{Header: dxnet.Header{Kind: dxnet.KindScores, Region: maimai.CN}, List: "musicGenre",
			Scores: []maimai.Score{{Chart: maimai.Chart{Title: "Song 1", Type: maimai.DX, Difficulty: maimai.Advanced}, Level: "8", Genre: "POPS", Played: true,
				Achievement: 1010000, Rank: maimai.RankSSSP, DXScore: 1800, DXScoreMax: 1800, FC: maimai.APP, FS: maimai.FSDP}}}, Added)
		mustImport(t, a, player, "home.html", &dxnet.HomePage{Header: dxnet.Header{Kind: dxnet.KindHome, Region: maimai.CN},
			Profile: dxnet.Profile{Name: "<b>" + player + "</b>", Rating: 14374, Stars: 85, Trophy: "シフォン"}}, Added)
		mustImport(t, a, player, "photo.html", &dxnet.PhotoPage{Header: dxnet.Header{Kind: dxnet.KindPhoto, Region: maimai.CN},
			Photos: []maimai.Photo{{ImageURL: "https://x/1.jpg", TakenAt: testNow.Add(-time.Hour), Chart: maimai.Chart{Title: "Link", Type: maimai.Std, Difficulty: maimai.Master}}}}, Added)
	}
}

func export(t *testing.T, a *Archive, players ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := a.Export(context.Background(), &buf, players...); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// withoutExportedAt parses an export and drops its exported_at.
func withoutExportedAt(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if _, ok := m["exported_at"]; !ok {
		t.Error("export has no exported_at")
	}
	delete(m, "exported_at")
	return m
}

func testExportRoundTrip(t *testing.T, db string) {
	ctx := context.Background()
	a := openDB(t, db)
	fillArchive(t, a)
	first := export(t, a)

	b := openDB(t, db)
	res := b.ImportWith(ctx, Source{Name: "export.json", Data: first}, ImportOptions{Player: "ignored with several players", AllPlayers: true})
	if res.Status != Added || res.Kind != KindExport {
		t.Fatalf("restore: %s %v", res.Status, res.Err)
	}
	if res.Added.Plays != 160 || res.Added.Pages != 12 || res.Added.Details != 2 {
		t.Errorf("restore added %+v", res.Added)
	}
	second := export(t, b)
	if x, y := withoutExportedAt(t, first), withoutExportedAt(t, second); !reflect.DeepEqual(x, y) {
		t.Errorf("export → import → export differs:\n%s\n----\n%s", clip(first), clip(second))
	}
	if !maps.Equal(rowCounts(t, a), rowCounts(t, b)) {
		t.Errorf("row counts differ: %v vs %v", rowCounts(t, a), rowCounts(t, b))
	}
	// Restoring again adds nothing.
	res = b.ImportWith(ctx, Source{Name: "export.json", Data: first}, ImportOptions{AllPlayers: true})
	if res.Status != Unchanged {
		t.Errorf("second restore: %s %+v %v", res.Status, res.Added, res.Err)
	}
	// A one-player export goes into the player named at import.
	one := export(t, a, "alice")
	res = b.Import(ctx, "carol", Source{Name: "alice.json", Data: one})
	if res.Status != Added || countPlays(t, b, "carol") != 80 {
		t.Errorf("restore as carol: %s %v, %d plays", res.Status, res.Err, countPlays(t, b, "carol"))
	}
	// A damaged export is rejected whole.
	broken := bytes.Replace(first, []byte(`"sha256": "`), []byte(`"sha256": "00`), 1)
	before := rowCounts(t, b)
	if res := b.ImportWith(ctx, Source{Name: "broken.json", Data: broken}, ImportOptions{AllPlayers: true}); res.Status != Rejected || !errors.Is(res.Err, ErrExport) {
		t.Errorf("damaged export: %s %v", res.Status, res.Err)
	}
	if !maps.Equal(before, rowCounts(t, b)) {
		t.Error("a rejected export changed the archive")
	}
	if err := a.Export(ctx, io.Discard, "nobody"); err == nil {
		t.Error("exporting an unknown player succeeded")
	}
}

func clip(b []byte) []byte {
	if len(b) > 3000 {
		return b[:3000]
	}
	return b
}

func testConcurrentImports(t *testing.T, db string) {
	location := storagetest.Location(t, db)
	archives := []*Archive{openTest(t, location), openTest(t, location)}
	page := window(0, 50)
	src := source(t, "record.html", page)
	const n = 4
	results := make([]Result, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = archives[i%2].importPage(context.Background(), "alice", src, page)
		}()
	}
	wg.Wait()
	added := 0
	for i, r := range results {
		switch r.Status {
		case Added:
			added++
		case Rejected:
			t.Errorf("import %d rejected: %v", i, r.Err)
		}
	}
	if added != 1 {
		t.Errorf("%d of %d concurrent imports added the page, want 1", added, n)
	}
	c := rowCounts(t, archives[0])
	if c["pages"] != 1 || c["plays"] != 50 || c["players"] != 2 {
		t.Errorf("after concurrent imports: %v; want 1 page, 50 plays, 2 players", c)
	}

	// Different pages sharing plays, at once: each play is stored once,
	// and the best scores see every play.
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := window(10*(i+1), 10*(i+1)+50)
			results[i] = archives[i%2].importPage(context.Background(), "alice", source(t, fmt.Sprintf("record-%d.html", i), p), p)
		}()
	}
	wg.Wait()
	for i, r := range results {
		if r.Status != Added || r.Added.Pages != 1 {
			t.Errorf("overlapping import %d: %s %+v %v", i, r.Status, r.Added, r.Err)
		}
	}
	if c := rowCounts(t, archives[0]); c["pages"] != 5 || c["plays"] != 90 {
		t.Errorf("after concurrent overlapping imports: %v; want 5 pages, 90 plays", c)
	}
	seq := openDB(t, db)
	for i := 0; i <= n; i++ {
		p := window(10*i, 10*i+50)
		mustImport(t, seq, "alice", fmt.Sprintf("record-%d.html", i), p, Added)
	}
	gotBest, _ := bestOf(t, archives[0], "alice")
	wantBest, _ := bestOf(t, seq, "alice")
	if len(gotBest) != len(wantBest) {
		t.Errorf("best scores after concurrent imports: %d charts, sequential %d", len(gotBest), len(wantBest))
	}
	for c, w := range wantBest {
		if g := gotBest[c]; g.Achievement != w.Achievement || g.DXScore != w.DXScore {
			t.Errorf("best of %v: %s/%d concurrently, %s/%d sequentially", c, g.Achievement, g.DXScore, w.Achievement, w.DXScore)
		}
	}
}

func testReparse(t *testing.T, db string) {
	ctx := context.Background()
	a := openDB(t, db)
	// Two overlapping record pages as the site renders them, through the
	// parser, and one hand-built page stored as JSON, as gen stores its
	// pages: a reparse rebuilds all three (dxnet.ParseJSON reads the
	// third). A page it cannot read: TestReparseUnreadableChangesNothing.
	for i, w := range []*dxnet.RecordPage{window(0, 50), window(10, 60)} {
		src := Source{Name: fmt.Sprintf("record-%d.html", i+1), Data: recordHTML(t, w.Plays), ObservedAt: testNow.Add(time.Duration(i-5) * time.Hour)}
		if res := a.Import(ctx, "alice", src); res.Status != Added {
			t.Fatalf("import %s: %s %v", src.Name, res.Status, res.Err)
		}
	}
	mustImport(t, a, "alice", "detail.json", detailPage(playAt(100)), Added)
	before := rowCounts(t, a)
	exportBefore := export(t, a, "alice")

	rep, err := a.Reparse(ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Pages != 3 || len(rep.Failed) != 0 || rep.Before.Plays != 61 || rep.After != rep.Before || rep.After.Details != 1 {
		t.Errorf("reparse: pages %d, failed %d, before %+v, after %+v", rep.Pages, len(rep.Failed), rep.Before, rep.After)
	}
	if after := rowCounts(t, a); !maps.Equal(after, before) {
		t.Errorf("rows after reparse: %v (before %v)", after, before)
	}
	// Reparsing again changes nothing.
	first := export(t, a, "alice")
	if _, err := a.Reparse(ctx, "alice"); err != nil {
		t.Fatal(err)
	}
	if x, y := withoutExportedAt(t, first), withoutExportedAt(t, export(t, a, "alice")); !reflect.DeepEqual(x, y) {
		t.Error("a second reparse changed the archive")
	}
	if x, y := withoutExportedAt(t, exportBefore), withoutExportedAt(t, first); !reflect.DeepEqual(x, y) {
		t.Error("the reparse changed the archive")
	}
	// A reparse that fails midway changes nothing.
	boom := errors.New("injected failure")
	inserts := 0
	a.hook = func(what string) error {
		if what == "play" {
			if inserts++; inserts == 30 {
				return boom
			}
		}
		return nil
	}
	if _, err := a.Reparse(ctx, "alice"); !errors.Is(err, boom) {
		t.Errorf("reparse with a failure: %v, want the injected failure", err)
	}
	a.hook = nil
	if x, y := withoutExportedAt(t, first), withoutExportedAt(t, export(t, a, "alice")); !reflect.DeepEqual(x, y) {
		t.Error("a failed reparse changed the archive")
	}
	if _, err := a.Reparse(ctx, "nobody"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("reparse of an unknown player: %v", err)
	}
}

// TestExportAcrossDatabases moves an archive from SQLite to each server
// database and back through an export file: nothing changes on the way.
func TestExportAcrossDatabases(t *testing.T) {
	ctx := context.Background()
	src := openDB(t, "sqlite")
	fillArchive(t, src)
	// SQLite could keep nanoseconds; every database keeps microseconds.
	home := &dxnet.HomePage{Header: dxnet.Header{Kind: dxnet.KindHome, Region: maimai.JP}, Profile: dxnet.Profile{Name: "ナノ", Rating: 1}}
	s := source(t, "home-nano.html", home)
	s.ObservedAt = testNow.Add(-time.Hour + 123456789*time.Nanosecond)
	if res := src.importPage(ctx, "nano", s, home); res.Status != Added {
		t.Fatalf("import: %s %v", res.Status, res.Err)
	}
	want := withoutExportedAt(t, export(t, src))
	for _, db := range storagetest.Databases[1:] {
		t.Run(db, func(t *testing.T) {
			server := openDB(t, db)
			if res := server.ImportWith(ctx, Source{Name: "export.json", Data: export(t, src)}, ImportOptions{AllPlayers: true}); res.Status != Added {
				t.Fatalf("restore into %s: %s %v", db, res.Status, res.Err)
			}
			back := openDB(t, "sqlite")
			if res := back.ImportWith(ctx, Source{Name: "export.json", Data: export(t, server)}, ImportOptions{AllPlayers: true}); res.Status != Added {
				t.Fatalf("restore from %s: %s %v", db, res.Status, res.Err)
			}
			for name, a := range map[string]*Archive{db: server, "sqlite again": back} {
				if got := withoutExportedAt(t, export(t, a)); !reflect.DeepEqual(got, want) {
					t.Errorf("export of %s differs from the original", name)
				}
			}
		})
	}
}
