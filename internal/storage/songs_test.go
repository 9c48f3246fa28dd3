package storage_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/storage"
)

// TestSongTables runs the chart database's SQL on every configured
// database: songs, charts, constant history, links, and the queries that
// find what is not linked yet.
func TestSongTables(t *testing.T) {
	storage.OpenEach(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		t0 := time.Date(2025, 11, 1, 12, 0, 0, 123456000, time.UTC)
		t1 := t0.Add(24 * time.Hour)
		var chartID, learnedChart int64
		err := db.Update(ctx, func(tx *storage.Tx) error {
			s := storage.SongRow{Region: maimai.CN, Key: "11100", MusicID: 11100, Title: "Ｔｉｔｌｅ “Ｘ”", Type: maimai.DX,
				Artist: "A", Genre: "舞萌", BPM: 180, Version: "maimai でらっくす PRiSM", VersionNum: 25000, Source: "diving-fish", SyncedAt: t0}
			if err := tx.InsertSong(ctx, &s); err != nil {
				return err
			}
			if again := s; !errors.Is(tx.InsertSong(ctx, &again), storage.ErrRetry) {
				t.Error("a second song with the same region and key was not refused")
			}
			s.BPM, s.New = 181, true
			if err := tx.UpdateSong(ctx, &s); err != nil {
				return err
			}
			c := storage.ChartRow{SongID: s.ID, Difficulty: maimai.Master, Level: "13+", Constant: 137, Tap: 500, Hold: 40,
				Slide: 60, Touch: 20, Break: 30, Charter: "X", SourceID: 555}
			if err := tx.InsertChart(ctx, &c); err != nil {
				return err
			}
			chartID = c.ID
			c.Constant, c.Level = 138, "13+"
			if err := tx.UpdateChart(ctx, &c); err != nil {
				return err
			}
			for _, h := range []storage.ConstantRow{
				{ChartID: c.ID, Constant: 137, Level: "13+", Source: "diving-fish", FirstSeen: t0, LastSeen: t0},
				{ChartID: c.ID, Constant: 138, Level: "13+", Source: "diving-fish", FirstSeen: t1, LastSeen: t1},
			} {
				if err := tx.InsertConstant(ctx, &h); err != nil {
					return err
				}
				if err := tx.SeeConstant(ctx, h.ID, t1.Add(time.Hour)); err != nil {
					return err
				}
			}
			learned := storage.SongRow{Region: maimai.CN, Key: "page:std:Gone", Title: "Gone", Type: maimai.Std, Source: "page", SyncedAt: t0}
			if err := tx.InsertSong(ctx, &learned); err != nil {
				return err
			}
			lc := storage.ChartRow{SongID: learned.ID, Difficulty: maimai.Expert, Level: "11"}
			if err := tx.InsertChart(ctx, &lc); err != nil {
				return err
			}
			learnedChart = lc.ID

			pid, err := tx.EnsurePlayer(ctx, "alice", t0)
			if err != nil {
				return err
			}
			pg := storage.Page{PlayerID: pid, SHA256: "aa", Kind: "record", Region: "cn", Name: "r", Size: 1, ObservedAt: t0,
				ImportedAt: t0, Compression: "zstd", Data: []byte{1}}
			if _, err := tx.InsertPage(ctx, &pg); err != nil {
				return err
			}
			for i, ch := range []maimai.Chart{
				{Title: s.Title, Type: maimai.DX, Difficulty: maimai.Master},
				{Title: "Gone", Type: maimai.Std, Difficulty: maimai.Expert},
			} {
				p := storage.Play{PlayerID: pid, PageID: pg.ID, Region: maimai.CN, Play: maimai.Play{Track: i + 1, PlayedAt: t0,
					Chart: ch, Level: "11", Achievement: 1000000, Rank: maimai.RankOf(1000000), Jacket: "j.png"}}
				if _, err := tx.InsertPlay(ctx, &p); err != nil {
					return err
				}
				b := storage.BestScore{PlayerID: pid, Score: maimai.Score{Chart: ch, Level: "11", Genre: "舞萌", Played: true,
					Achievement: 1000000, Rank: maimai.RankOf(1000000)}, UpdatedAt: t0}
				if err := tx.InsertBest(ctx, &b); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}

		err = db.Update(ctx, func(tx *storage.Tx) error {
			songs, err := tx.SongsIn(ctx, maimai.CN)
			if err != nil {
				return err
			}
			if len(songs) != 2 || songs[0].Title != "Ｔｉｔｌｅ “Ｘ”" || songs[0].BPM != 181 || !songs[0].New || songs[0].VersionNum != 25000 ||
				!songs[0].SyncedAt.Equal(t0) || songs[1].Source != "page" {
				t.Errorf("songs: %+v", songs)
			}
			if other, _ := tx.SongsIn(ctx, maimai.JP); len(other) != 0 {
				t.Errorf("jp songs: %+v", other)
			}
			charts, err := tx.ChartsIn(ctx, maimai.CN)
			if err != nil {
				return err
			}
			if len(charts) != 2 || charts[0].Constant != 138 || charts[0].Touch != 20 || charts[0].SourceID != 555 || charts[0].Charter != "X" {
				t.Errorf("charts: %+v", charts)
			}
			hist, err := tx.ConstantHistory(ctx, maimai.CN)
			if err != nil {
				return err
			}
			if len(hist) != 2 || hist[0].Constant != 137 || !hist[0].LastSeen.Equal(t1.Add(time.Hour)) || hist[1].Constant != 138 ||
				!hist[1].FirstSeen.Equal(t1) {
				t.Errorf("constant history: %+v", hist)
			}
			if r, err := tx.PlayerRegion(ctx, 1); !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("region of the page-less default player: %q, %v", r, err)
			}
			pid, _ := tx.PlayerID(ctx, "alice")
			if r, err := tx.PlayerRegion(ctx, pid); r != maimai.CN || err != nil {
				t.Errorf("region of alice: %q, %v", r, err)
			}
			plays, err := tx.UnlinkedPlays(ctx)
			if err != nil || len(plays) != 2 || plays[0].Jacket != "j.png" || plays[0].Region != maimai.CN {
				t.Errorf("unlinked plays: %+v, %v", plays, err)
			}
			for _, l := range []storage.ChartLink{
				{Region: maimai.CN, Chart: maimai.Chart{Title: "Ｔｉｔｌｅ “Ｘ”", Type: maimai.DX, Difficulty: maimai.Master}, ChartID: chartID, Status: "matched", UpdatedAt: t0},
				{Region: maimai.CN, Chart: maimai.Chart{Title: "Gone", Type: maimai.Std, Difficulty: maimai.Expert}, Status: "ambiguous", Reason: "two", UpdatedAt: t0},
				{Region: maimai.CN, Chart: maimai.Chart{Title: "Gone", Type: maimai.Std, Difficulty: maimai.Expert}, ChartID: learnedChart, Status: "learned", Reason: "none", UpdatedAt: t1},
			} {
				if err := tx.SetChartLink(ctx, &l); err != nil {
					return err
				}
			}
			links, err := tx.ChartLinks(ctx, maimai.CN)
			if err != nil || len(links) != 2 || links[0].Title != "Gone" || links[0].Status != "learned" || links[0].ChartID != learnedChart ||
				!links[0].UpdatedAt.Equal(t1) || links[1].ChartID != chartID {
				t.Errorf("links: %+v, %v", links, err)
			}
			if ps, _ := tx.UnlinkedPlays(ctx); len(ps) != 0 {
				t.Errorf("unlinked plays after linking: %+v", ps)
			}
			// The bests show their genre, so the genre-less links (the
			// plays') are not theirs.
			if bs, _ := tx.UnlinkedBests(ctx, pid, maimai.CN); len(bs) != 2 {
				t.Errorf("unlinked bests after linking without genre: %+v, want both", bs)
			}
			for _, l := range []storage.ChartLink{
				{Region: maimai.CN, Chart: maimai.Chart{Title: "Ｔｉｔｌｅ “Ｘ”", Type: maimai.DX, Difficulty: maimai.Master}, Genre: "舞萌", ChartID: chartID, Status: "matched", UpdatedAt: t0},
				{Region: maimai.CN, Chart: maimai.Chart{Title: "Gone", Type: maimai.Std, Difficulty: maimai.Expert}, Genre: "舞萌", Status: "ambiguous", Reason: "two", UpdatedAt: t1},
			} {
				if err := tx.SetChartLink(ctx, &l); err != nil {
					return err
				}
			}
			links, err = tx.ChartLinks(ctx, maimai.CN)
			if err != nil || len(links) != 4 || links[0].Genre != "" || links[0].Status != "learned" || links[1].Genre != "舞萌" ||
				links[1].Status != "ambiguous" || links[3].Genre != "舞萌" || links[3].ChartID != chartID {
				t.Errorf("links with genres: %+v, %v", links, err)
			}
			if bs, _ := tx.UnlinkedBests(ctx, pid, maimai.CN); len(bs) != 0 {
				t.Errorf("unlinked bests after linking: %+v", bs)
			}
			if bs, ls, err := tx.BestScoresLinked(ctx, pid, maimai.CN); err != nil || len(bs) != 2 || ls[0].Status != "ambiguous" ||
				ls[0].Genre != "舞萌" || ls[1].ChartID != chartID {
				t.Errorf("best scores linked: %+v %+v, %v", bs, ls, err)
			}
			if bs, _ := tx.UnlinkedBests(ctx, pid, maimai.JP); len(bs) != 2 || bs[0].Genre != "舞萌" {
				t.Errorf("unlinked bests in jp: %+v", bs)
			}
			if err := tx.DeleteUnsureLinks(ctx, maimai.CN); err != nil {
				return err
			}
			links, _ = tx.ChartLinks(ctx, maimai.CN)
			songs, _ = tx.SongsIn(ctx, maimai.CN)
			if len(links) != 2 || links[0].Status != "matched" || links[1].Status != "matched" || len(songs) != 1 || songs[0].Source == "page" {
				t.Errorf("after deleting unsure links: links %+v, songs %+v", links, songs)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// TestMigrationFillsAGap: an archive that has migration 0005 but not 0004
// (numbers are reserved in parallel work, so 0004 may land later) gets
// 0004 on the next open.
func TestMigrationFillsAGap(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "a.db")
	db, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"DROP TABLE chart_links", "DROP TABLE chart_constants", "DROP TABLE charts", "DROP TABLE songs",
		"DELETE FROM schema_migrations WHERE version = 4"} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(q, err)
		}
	}
	raw.Close()
	db, err = storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.View(ctx, func(tx *storage.Tx) error {
		_, err := tx.SongsIn(ctx, maimai.CN)
		return err
	})
	if err != nil {
		t.Fatalf("0004 was not applied on reopening: %v", err)
	}
}
