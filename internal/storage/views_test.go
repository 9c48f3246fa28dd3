package storage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/storage"
)

// TestViews runs the read queries of the web pages on every configured
// database over the same small archive.
func TestViews(t *testing.T) {
	storage.OpenEach(t, viewSuite)
}

// viewPlays are the suite's plays, oldest first: two visits (day 1 and
// day 2), a title with LIKE's wildcards in it, two charts played twice.
var viewBase = time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC)

type viewPlay struct {
	minutes int // after viewBase
	title   string
	typ     maimai.ChartType
	diff    maimai.Difficulty
	ach     maimai.Achievement
	dx      int
	fc      maimai.FC
	fs      maimai.FS
}

var viewPlays = []viewPlay{
	{0, "Link", maimai.DX, maimai.Master, 975000, 1500, "", ""},
	{4, "100% Sugar_Rush", maimai.Std, maimai.Expert, 1001000, 1700, maimai.FCN, maimai.Sync},
	{8, "Link", maimai.DX, maimai.Master, 990500, 1600, maimai.FCN, ""},
	{24 * 60, "BREaK! BREaK! BREaK!", maimai.DX, maimai.ReMaster, 1005500, 2100, maimai.AP, maimai.FSP},
	{24*60 + 5, "Link", maimai.DX, maimai.Master, 985000, 1650, "", maimai.Sync},
}

func viewSuite(t *testing.T, db *storage.DB) {
	ctx := context.Background()
	var player int64
	err := db.Update(ctx, func(tx *storage.Tx) error {
		var err error
		if player, err = tx.EnsurePlayer(ctx, "viewer", viewBase); err != nil {
			return err
		}
		pg := storage.Page{PlayerID: player, SHA256: "views", Kind: "record", Region: "cn", Name: "r.html", Size: 1,
			ObservedAt: viewBase, ImportedAt: viewBase, Compression: "zstd", Data: []byte{1}}
		if _, err := tx.InsertPage(ctx, &pg); err != nil {
			return err
		}
		for i, v := range viewPlays {
			at := viewBase.Add(time.Duration(v.minutes) * time.Minute)
			p := storage.Play{PlayerID: player, PageID: pg.ID, Region: maimai.CN, IdxTime: at.Unix(), Play: maimai.Play{
				Track: i%4 + 1, PlayedAt: at, Chart: maimai.Chart{Title: v.title, Type: v.typ, Difficulty: v.diff},
				Achievement: v.ach, Rank: maimai.RankOf(v.ach), DXScore: v.dx, DXScoreMax: 2400, FC: v.fc, FS: v.fs,
				Idx: fmt.Sprintf("%d,%d", i, at.Unix()),
			}}
			if i == 3 {
				p.Detail = []byte(`{"rating":12345,"rating_delta":7}`)
			}
			if _, err := tx.InsertPlay(ctx, &p); err != nil {
				return err
			}
		}
		for i, rating := range []int{12000, 12338, 12345} {
			s := storage.Snapshot{PlayerID: player, Kind: "home", ObservedAt: viewBase.Add(time.Duration(i*12) * time.Hour),
				Region: "cn", Name: "VIEWER", Rating: rating, Digest: fmt.Sprint(rating), Data: []byte(`{}`)}
			if _, err := tx.InsertSnapshot(ctx, &s); err != nil {
				return err
			}
		}
		for i := 0; i < 3; i++ {
			ph := storage.Photo{PlayerID: player, Key: fmt.Sprint("k", i), Region: "cn", Photo: maimai.Photo{
				ImageURL: fmt.Sprintf("https://example.test/%d.jpg", i), TakenAt: viewBase.Add(time.Duration(i) * time.Hour),
				Chart: maimai.Chart{Title: "Link", Type: maimai.DX, Difficulty: maimai.Master}}}
			if _, err := tx.InsertPhoto(ctx, &ph); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	view := func(t *testing.T, fn func(tx *storage.Tx) error) {
		t.Helper()
		if err := db.View(ctx, fn); err != nil {
			t.Fatal(err)
		}
	}
	// filtered checks the titles f finds, newest first, and that the count agrees.
	filtered := func(t *testing.T, f storage.PlayFilter, titles []string) {
		t.Helper()
		view(t, func(tx *storage.Tx) error {
			ps, err := tx.FilterPlays(ctx, player, f, 0, 50)
			if err != nil {
				return err
			}
			n, err := tx.CountFilteredPlays(ctx, player, f)
			if err != nil {
				return err
			}
			var got []string
			for _, p := range ps {
				got = append(got, p.Title)
			}
			if fmt.Sprint(got) != fmt.Sprint(titles) || n != len(titles) {
				t.Errorf("titles = %q (count %d), want %q", got, n, titles)
			}
			return nil
		})
	}

	t.Run("filters", func(t *testing.T) {
		day2 := viewBase.Add(24 * time.Hour)
		tests := []struct {
			name   string
			f      storage.PlayFilter
			titles []string // newest first
		}{
			{"none", storage.PlayFilter{}, []string{"Link", "BREaK! BREaK! BREaK!", "Link", "100% Sugar_Rush", "Link"}},
			{"title any case", storage.PlayFilter{Title: "break!"}, []string{"BREaK! BREaK! BREaK!"}},
			{"percent is literal", storage.PlayFilter{Title: "0% s"}, []string{"100% Sugar_Rush"}},
			{"underscore is literal", storage.PlayFilter{Title: "r_r"}, []string{"100% Sugar_Rush"}},
			{"percent matches no other", storage.PlayFilter{Title: "%"}, []string{"100% Sugar_Rush"}},
			{"difficulty", storage.PlayFilter{Difficulty: maimai.Master}, []string{"Link", "Link", "Link"}},
			{"type", storage.PlayFilter{Type: maimai.Std}, []string{"100% Sugar_Rush"}},
			{"from", storage.PlayFilter{From: day2}, []string{"Link", "BREaK! BREaK! BREaK!"}},
			{"to", storage.PlayFilter{To: day2}, []string{"Link", "100% Sugar_Rush", "Link"}},
			{"rank", storage.PlayFilter{Rank: maimai.RankSS}, []string{"Link"}},
			// Marks are "at least": FC keeps FC+, AP and AP+; FS keeps FS+.
			{"fc or better", storage.PlayFilter{FC: maimai.FCN}, []string{"BREaK! BREaK! BREaK!", "Link", "100% Sugar_Rush"}},
			{"fc+ keeps ap", storage.PlayFilter{FC: maimai.FCP}, []string{"BREaK! BREaK! BREaK!"}},
			{"ap+ only", storage.PlayFilter{FC: maimai.APP}, nil},
			{"sync or better", storage.PlayFilter{FS: maimai.Sync}, []string{"Link", "BREaK! BREaK! BREaK!", "100% Sugar_Rush"}},
			{"fs keeps fs+", storage.PlayFilter{FS: maimai.FSN}, []string{"BREaK! BREaK! BREaK!"}},
			{"fs and title", storage.PlayFilter{FS: maimai.Sync, Title: "link"}, []string{"Link"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) { filtered(t, tt.f, tt.titles) })
		}
	})

	t.Run("pagination", func(t *testing.T) {
		view(t, func(tx *storage.Tx) error {
			var got []maimai.Achievement
			for off := 0; off < 6; off += 2 {
				ps, err := tx.FilterPlays(ctx, player, storage.PlayFilter{}, off, 2)
				if err != nil {
					return err
				}
				for _, p := range ps {
					got = append(got, p.Achievement)
				}
			}
			want := []maimai.Achievement{985000, 1005500, 990500, 1001000, 975000}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("pages of 2 = %v, want %v", got, want)
			}
			return nil
		})
	})

	t.Run("chart plays and attempts", func(t *testing.T) {
		link := maimai.Chart{Title: "Link", Type: maimai.DX, Difficulty: maimai.Master}
		view(t, func(tx *storage.Tx) error {
			ps, err := tx.ChartPlays(ctx, player, link)
			if err != nil {
				return err
			}
			if len(ps) != 3 || ps[0].Achievement != 975000 || ps[2].Achievement != 985000 {
				t.Errorf("chart plays = %d, want 3 oldest first", len(ps))
			}
			atts, err := tx.AttemptsBefore(ctx, player, []maimai.Chart{link, link, {Title: "BREaK! BREaK! BREaK!", Type: maimai.DX, Difficulty: maimai.ReMaster}},
				viewBase.Add(24*time.Hour+time.Minute))
			if err != nil {
				return err
			}
			var got []string
			for _, a := range atts {
				got = append(got, fmt.Sprintf("%s %d %s", a.Title, a.Achievement, a.FC))
			}
			want := []string{"Link 975000 ", "Link 990500 fc", "BREaK! BREaK! BREaK! 1005500 ap"}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("attempts = %q, want %q", got, want)
			}
			p, err := tx.PlayByID(ctx, player, atts[2].ID)
			if err != nil {
				return err
			}
			if string(p.Detail) != `{"rating":12345,"rating_delta":7}` {
				t.Errorf("play detail = %s", p.Detail)
			}
			if _, err := tx.PlayByID(ctx, player, atts[2].ID+1000); err == nil {
				t.Error("an unknown play was found")
			}
			return nil
		})
	})

	t.Run("minutes, ranges, snapshots, photos", func(t *testing.T) {
		view(t, func(tx *storage.Tx) error {
			day := viewBase.Unix() / 60
			if ms, err := tx.PlayMinutes(ctx, player); err != nil || fmt.Sprint(ms) != fmt.Sprint([]int64{day, day + 4, day + 8, day + 24*60, day + 24*60 + 5}) {
				t.Errorf("play minutes = %v, %v", ms, err)
			}
			first, last, ok, err := tx.PlayMinuteRange(ctx, player)
			if err != nil || !ok || first != day || last != day+24*60+5 {
				t.Errorf("play minutes %d…%d (%v, %v), want %d…%d", first, last, ok, err, day, day+24*60+5)
			}
			if ms, err := tx.RecentPlayMinutes(ctx, player, 2); err != nil || fmt.Sprint(ms) != fmt.Sprint([]int64{day + 24*60 + 5, day + 24*60}) {
				t.Errorf("recent minutes = %v, %v", ms, err)
			}
			if n, err := tx.CountPlaysInMinutes(ctx, player, day, day+9); err != nil || n != 3 {
				t.Errorf("plays in day 1's first 9 minutes = %d, %v; want 3", n, err)
			}
			day1, err := tx.PlaysBetween(ctx, player, viewBase, viewBase.Add(9*time.Minute))
			if err != nil {
				return err
			}
			if len(day1) != 3 || day1[0].Title != "Link" || day1[1].Title != "100% Sugar_Rush" {
				t.Errorf("plays of day 1 = %d", len(day1))
			}
			if n, err := tx.CountPlaysBetween(ctx, player, viewBase.Add(4*time.Minute), viewBase.Add(24*time.Hour+5*time.Minute)); err != nil || n != 3 {
				t.Errorf("plays from minute 4 to before day 2's second = %d, %v; want 3", n, err)
			}
			before, err := tx.SnapshotAround(ctx, player, viewBase.Add(13*time.Hour), true)
			if err != nil || before.Rating != 12338 {
				t.Errorf("snapshot before = %d, %v; want 12338", before.Rating, err)
			}
			after, err := tx.SnapshotAround(ctx, player, viewBase.Add(13*time.Hour), false)
			if err != nil || after.Rating != 12345 {
				t.Errorf("snapshot after = %d, %v; want 12345", after.Rating, err)
			}
			if _, err := tx.SnapshotAround(ctx, player, viewBase.Add(-time.Hour), true); err != storage.ErrNotFound {
				t.Errorf("snapshot before the first: %v, want ErrNotFound", err)
			}
			phs, err := tx.PhotosPage(ctx, player, 1, 5)
			if err != nil {
				return err
			}
			n, err := tx.CountPhotos(ctx, player)
			if err != nil {
				return err
			}
			if n != 3 || len(phs) != 2 || phs[0].ImageURL != "https://example.test/1.jpg" || phs[1].ImageURL != "https://example.test/0.jpg" {
				t.Errorf("photos from offset 1 = %+v (count %d)", phs, n)
			}
			return nil
		})
	})
	// Levels and constants come from the chart a play is linked to: Link's
	// MASTER is 13+ (13.7) and BREaK's Re:MASTER 14 (14.2) in the song
	// data; 100% Sugar_Rush is not linked, so it has neither.
	t.Run("level and constant", func(t *testing.T) {
		err := db.Update(ctx, func(tx *storage.Tx) error {
			for _, c := range []struct {
				title    string
				typ      maimai.ChartType
				diff     maimai.Difficulty
				level    string
				constant int
			}{{"Link", maimai.DX, maimai.Master, "13+", 137}, {"BREaK! BREaK! BREaK!", maimai.DX, maimai.ReMaster, "14", 142}} {
				song := storage.SongRow{Region: maimai.CN, Key: c.title, Title: c.title, Type: c.typ, Source: "test", SyncedAt: viewBase}
				if err := tx.InsertSong(ctx, &song); err != nil {
					return err
				}
				ch := storage.ChartRow{SongID: song.ID, Difficulty: c.diff, Level: c.level, Constant: c.constant}
				if err := tx.InsertChart(ctx, &ch); err != nil {
					return err
				}
				l := storage.ChartLink{Region: maimai.CN, Chart: maimai.Chart{Title: c.title, Type: c.typ, Difficulty: c.diff},
					ChartID: ch.ID, Status: "matched", UpdatedAt: viewBase}
				if err := tx.SetChartLink(ctx, &l); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name   string
			f      storage.PlayFilter
			titles []string
		}{
			{"level 13+", storage.PlayFilter{Levels: []string{"13+"}, ChartRegion: maimai.CN}, []string{"Link", "Link", "Link"}},
			{"levels 13+ to 14", storage.PlayFilter{Levels: []string{"13+", "14"}, ChartRegion: maimai.CN}, []string{"Link", "BREaK! BREaK! BREaK!", "Link", "Link"}},
			{"level nobody has", storage.PlayFilter{Levels: []string{"12"}, ChartRegion: maimai.CN}, nil},
			{"constant 13.5–13.9", storage.PlayFilter{MinConstant: 135, MaxConstant: 139, ChartRegion: maimai.CN}, []string{"Link", "Link", "Link"}},
			{"constant from 14.0", storage.PlayFilter{MinConstant: 140, ChartRegion: maimai.CN}, []string{"BREaK! BREaK! BREaK!"}},
			{"constant up to 14.2", storage.PlayFilter{MaxConstant: 142, ChartRegion: maimai.CN}, []string{"Link", "BREaK! BREaK! BREaK!", "Link", "Link"}},
			{"constant and fc", storage.PlayFilter{MaxConstant: 137, FC: maimai.FCN, ChartRegion: maimai.CN}, []string{"Link"}},
			{"the song data of another region", storage.PlayFilter{Levels: []string{"13+"}, ChartRegion: maimai.JP}, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) { filtered(t, tt.f, tt.titles) })
		}
		view(t, func(tx *storage.Tx) error {
			links, err := tx.PlayChartLinks(ctx, maimai.CN, []maimai.Chart{
				{Title: "Link", Type: maimai.DX, Difficulty: maimai.Master}, {Title: "100% Sugar_Rush", Type: maimai.Std, Difficulty: maimai.Expert}})
			if err != nil {
				return err
			}
			l, ok := links[maimai.Chart{Title: "Link", Type: maimai.DX, Difficulty: maimai.Master}]
			if len(links) != 1 || !ok || l.Status != "matched" || l.ChartID == 0 {
				t.Errorf("links = %+v, want Link's only", links)
			}
			hist, err := tx.ConstantsOf(ctx, []int64{l.ChartID, l.ChartID})
			if err != nil {
				return err
			}
			if len(hist) != 0 {
				t.Errorf("constant history = %+v, want none (the test stored none)", hist)
			}
			return nil
		})
	})
}
