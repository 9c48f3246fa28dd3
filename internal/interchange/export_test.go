package interchange

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

var update = flag.Bool("update", false, "rewrite the export golden files")

// sampleScores is a small archive: plays with and without a detail, a
// standard chart (no touch row), a utage play, a play on a chart the song
// data does not know, the diving-fish-titled "Link(CoF)" and a title that
// starts like a spreadsheet formula; bests of the same.
func sampleScores() *Scores {
	cn := maimai.CN.Location()
	at := func(s string) time.Time {
		t, err := time.ParseInLocation("2006-01-02 15:04", s, cn)
		if err != nil {
			panic(err)
		}
		return t
	}
	row := func(cp, p, g, gd, m int) *maimai.NoteJudgement {
		return &maimai.NoteJudgement{CriticalPerfect: cp, Perfect: p, Great: g, Good: gd, Miss: m}
	}
	detail := &maimai.PlayDetail{
		Judgements: maimai.Judgements{Tap: row(500, 60, 3, 0, 0), Hold: row(80, 10, 1, 0, 0), Slide: row(120, 0, 0, 0, 0),
			Touch: row(40, 5, 0, 0, 0), Break: row(60, 10, 0, 0, 0)},
		Fast: 30, Late: 22, MaxCombo: 889, MaxComboTotal: 889, MaxSync: 0, MaxSyncTotal: 0,
		Rating: 15321, RatingDelta: 12, Place: "大玩家超乐场（万达广场店）",
	}
	return &Scores{
		Player: "mai",
		Region: maimai.CN,
		Plays: []Play{
			{ID: 11, Region: maimai.CN, Play: maimai.Play{Track: 1, PlayedAt: at("2024-05-01 20:31"),
				Chart: maimai.Chart{Title: "群青シグナル", Type: maimai.DX, Difficulty: maimai.Master}, Achievement: 1005432,
				DXScore: 2450, DXScoreMax: 2667, DXStars: 2, FC: maimai.FCP, Clear: true, NewRecord: true, NewDXRecord: true},
				Detail: detail, ChartData: ChartData{SongID: 11311, Level: "13+", Constant: 13.7, Rating: 308}},
			{ID: 12, Region: maimai.CN, Play: maimai.Play{Track: 2, PlayedAt: at("2024-05-01 20:36"),
				Chart: maimai.Chart{Title: "Link", Type: maimai.Std, Difficulty: maimai.Master}, Achievement: 990210,
				DXScore: 1500, DXStars: 1, FS: maimai.Sync, Clear: true, MatchingRank: 2},
				ChartData: ChartData{SongID: 131, SongTitle: "Link(CoF)", Level: "12", Constant: 12.0, Rating: 246}},
			{ID: 13, Region: maimai.CN, Play: maimai.Play{Track: 3, PlayedAt: at("2024-05-01 20:41"),
				Chart: maimai.Chart{Title: "[協]青春コンプレックス", Type: maimai.DX, Difficulty: maimai.Utage}, Achievement: 1003000,
				Clear: true, UtageMark: maimai.UtageMark{UtageKind: "協", Buddy: true}},
				ChartData: ChartData{SongID: 100418, Level: "12?"}},
			{ID: 14, Region: maimai.CN, Play: maimai.Play{Track: 4, PlayedAt: at("2024-05-01 20:46"),
				Chart: maimai.Chart{Title: "+♂", Type: maimai.Std, Difficulty: maimai.Expert}, Achievement: 720000},
				Detail: &maimai.PlayDetail{Judgements: maimai.Judgements{Tap: row(100, 50, 40, 10, 30), Hold: row(10, 5, 2, 1, 2),
					Slide: row(20, 0, 0, 0, 5), Break: row(5, 3, 1, 1, 0)}, Fast: 60, Late: 40, MaxCombo: 44, MaxComboTotal: 285}},
		},
		Bests: []Best{
			{Score: maimai.Score{Chart: maimai.Chart{Title: "群青シグナル", Type: maimai.DX, Difficulty: maimai.Master},
				Level: "13+", Played: true, Achievement: 1005432, DXScore: 2450, DXScoreMax: 2667, FC: maimai.FCP, FS: maimai.FSN, PlayCount: 5},
				UpdatedAt: time.Date(2024, 5, 1, 12, 40, 0, 0, time.UTC), ChartData: ChartData{SongID: 11311, Level: "13+", Constant: 13.7, Rating: 308}},
			{Score: maimai.Score{Chart: maimai.Chart{Title: "Link", Type: maimai.Std, Difficulty: maimai.Master}, Genre: "niconico＆VOCALOID",
				Level: "12", Played: true, Achievement: 990210, DXScore: 1500, FS: maimai.Sync},
				UpdatedAt: time.Date(2024, 5, 1, 12, 40, 0, 0, time.UTC), ChartData: ChartData{SongID: 131, SongTitle: "Link(CoF)", Level: "12", Constant: 12.0, Rating: 246}},
			{Score: maimai.Score{Chart: maimai.Chart{Title: "[協]青春コンプレックス", Type: maimai.DX, Difficulty: maimai.Utage}, Played: true,
				Achievement: 1003000, UtageMark: maimai.UtageMark{UtageKind: "協", Buddy: true}},
				UpdatedAt: time.Date(2024, 5, 1, 12, 45, 0, 0, time.UTC), ChartData: ChartData{SongID: 100418}},
			{Score: maimai.Score{Chart: maimai.Chart{Title: "+♂", Type: maimai.Std, Difficulty: maimai.Expert}, Level: "10+", Played: true,
				Achievement: 720000}, UpdatedAt: time.Date(2024, 5, 1, 12, 50, 0, 0, time.UTC), ChartData: ChartData{Level: "10+"}},
		},
	}
}

// TestExportGolden writes each format of sampleScores and compares it with
// the golden file, which was checked by hand against the format's
// documentation (go test -run TestExportGolden -update rewrites them).
func TestExportGolden(t *testing.T) {
	skips := map[ExportFormat][]string{
		ExportDivingFish: {"[協]青春コンプレックス (dx utage): " + reasonUtage, "+♂ (std expert): " + reasonNoSong},
		ExportLxns:       {"+♂ (std expert, 2024-05-01 20:46): " + reasonNoSong},
		ExportTachi:      {"[協]青春コンプレックス (dx utage, 2024-05-01 20:41): " + reasonUtage},
	}
	for _, f := range ExportFormats {
		t.Run(string(f), func(t *testing.T) {
			var buf bytes.Buffer
			skipped, err := Write(&buf, f, sampleScores())
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range skipped {
				got = append(got, s.String())
			}
			if strings.Join(got, "\n") != strings.Join(skips[f], "\n") {
				t.Errorf("skipped:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(skips[f], "\n"))
			}
			name := "testdata/export-" + string(f) + f.Ext()
			if *update {
				if err := os.WriteFile(name, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("%s differs from the golden file:\n%s", f, buf.String())
			}
		})
	}
}

// TestExportShapes checks the facts the golden files are meant to hold, so
// that a careless -update cannot bless a wrong file.
func TestExportShapes(t *testing.T) {
	s := sampleScores()
	t.Run("divingfish", func(t *testing.T) {
		var buf bytes.Buffer
		if _, err := Write(&buf, ExportDivingFish, s); err != nil {
			t.Fatal(err)
		}
		var recs []map[string]any
		if err := json.Unmarshal(buf.Bytes(), &recs); err != nil {
			t.Fatal(err)
		}
		if len(recs) != 2 {
			t.Fatalf("%d records, want 2 (one per known non-utage chart)", len(recs))
		}
		// update_records matches by diving-fish's title, type and level_index.
		want := map[string]any{"title": "Link(CoF)", "type": "SD", "level_index": 3.0, "achievements": 99.021,
			"dxScore": 1500.0, "fc": "", "fs": "sync", "song_id": 131.0, "ds": 12.0, "ra": 246.0, "rate": "ss", "level_label": "Master"}
		for k, v := range want {
			if recs[1][k] != v {
				t.Errorf("%s = %v, want %v", k, recs[1][k], v)
			}
		}
		if recs[0]["achievements"] != 100.5432 || recs[0]["type"] != "DX" || recs[0]["fc"] != "fcp" {
			t.Errorf("群青シグナル: %v", recs[0])
		}
	})
	t.Run("lxns", func(t *testing.T) {
		var buf bytes.Buffer
		if _, err := Write(&buf, ExportLxns, s); err != nil {
			t.Fatal(err)
		}
		var up struct {
			Scores []map[string]any `json:"scores"`
		}
		if err := json.Unmarshal(buf.Bytes(), &up); err != nil {
			t.Fatal(err)
		}
		if len(up.Scores) != 3 {
			t.Fatalf("%d scores, want 3 (one per play of a known chart)", len(up.Scores))
		}
		first := up.Scores[0]
		// Lxns ids are the same for a song's std and DX charts: 11311 % 10000.
		if first["id"] != 1311.0 || first["type"] != "dx" || first["level_index"] != 3.0 || first["play_time"] != "2024-05-01T12:31:00Z" || first["fc"] != "fcp" || first["fs"] != nil {
			t.Errorf("first score: %v", first)
		}
		if u := up.Scores[2]; u["id"] != 100418.0 || u["type"] != "utage" || u["level_index"] != 0.0 {
			t.Errorf("utage score: %v", u)
		}
	})
	t.Run("tachi", func(t *testing.T) {
		var buf bytes.Buffer
		if _, err := Write(&buf, ExportTachi, s); err != nil {
			t.Fatal(err)
		}
		var batch TachiManual
		if err := json.Unmarshal(buf.Bytes(), &batch); err != nil {
			t.Fatal(err)
		}
		if batch.Meta != (TachiMeta{Game: "maimaidx", Playtype: "Single", Service: "maiprobe"}) {
			t.Errorf("meta %+v", batch.Meta)
		}
		if n := len(batch.Meta.Service); n < 2 || n > 15 {
			t.Errorf("service is %d characters; Tachi wants 2 to 15", n)
		}
		if len(batch.Scores) != 3 {
			t.Fatalf("%d scores, want 3", len(batch.Scores))
		}
		g := batch.Scores[0]
		if g.MatchType != "inGameID" || g.Identifier != "11311" || g.Difficulty != "DX Master" || g.Lamp != "FULL COMBO+" ||
			*g.TimeAchieved != 1714566660000 || *g.Judgements != (TachiJudgements{PCrit: 800, Perfect: 85, Great: 4}) ||
			*g.Optional.Fast != 30 || *g.Optional.Slow != 22 || *g.Optional.MaxCombo != 889 {
			t.Errorf("群青シグナル: %+v", g)
		}
		if l := batch.Scores[1]; l.Difficulty != "Master" || l.Lamp != "CLEAR" || l.Judgements != nil || l.Optional != nil {
			t.Errorf("Link: %+v", l)
		}
		if p := batch.Scores[2]; p.MatchType != "songTitle" || p.Identifier != "+♂" || p.Lamp != "FAILED" || p.Difficulty != "Expert" {
			t.Errorf("+♂: %+v", p)
		}
	})
	t.Run("csv", func(t *testing.T) {
		var buf bytes.Buffer
		if _, err := Write(&buf, ExportCSV, s); err != nil {
			t.Fatal(err)
		}
		b := buf.Bytes()
		if !bytes.HasPrefix(b, []byte("\xef\xbb\xbfplay_id,played_at,")) || !bytes.Contains(b, []byte("\r\n")) {
			t.Fatalf("want a BOM, the header and CRLF lines: %q", b[:40])
		}
		rows, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 5 {
			t.Fatalf("%d rows, want a header and 4 plays", len(rows))
		}
		col := map[string]int{}
		for i, h := range rows[0] {
			col[h] = i
		}
		g := rows[1]
		for k, v := range map[string]string{"played_at": "2024-05-01 20:31:00", "title": "群青シグナル", "achievement": "100.5432",
			"rank": "sssp", "dx_score": "2450", "dx_stars": "2", "fc": "fcp", "constant": "13.7", "song_id": "11311",
			"touch_critical_perfect": "40", "break_perfect": "10", "place": "大玩家超乐场（万达广场店）", "rating_after": "15321"} {
			if g[col[k]] != v {
				t.Errorf("play 1 %s = %q, want %q", k, g[col[k]], v)
			}
		}
		if r := rows[2]; r[col["fast"]] != "" || r[col["tap_miss"]] != "" || r[col["matching_rank"]] != "2" || r[col["fs"]] != "sync" {
			t.Errorf("a play without detail: %q", r)
		}
		if r := rows[4]; r[col["title"]] != "'+♂" || r[col["touch_miss"]] != "" || r[col["tap_miss"]] != "30" || r[col["song_id"]] != "" {
			t.Errorf("the +♂ play (formula guard, no touch row): %q", r)
		}
	})
	t.Run("csv-bests", func(t *testing.T) {
		var buf bytes.Buffer
		if _, err := Write(&buf, ExportCSVBests, s); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\xef\xbb\xbf")))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 5 || strings.Join(rows[0], ",") != strings.Join(BestsCSVHeader, ",") {
			t.Fatalf("rows: %q", rows)
		}
		if r := rows[1]; r[13] != "2" || r[14] != "fcp" || r[15] != "fs" || r[16] != "5" || r[19] != "2024-05-01 20:40:00" {
			t.Errorf("群青シグナル best (dx_stars, fc, fs, play_count, updated_at in CN time): %q", r)
		}
	})
}

// TestExportRoundTrip: a file maiprobe writes in a format it also reads
// gives back every field the format holds.
func TestExportRoundTrip(t *testing.T) {
	s := sampleScores()
	t.Run("divingfish", func(t *testing.T) {
		f := roundTrip(t, ExportDivingFish, s, DivingFishJSON)
		if len(f.Records) != 2 {
			t.Fatalf("%d records", len(f.Records))
		}
		for i, b := range []Best{s.Bests[0], s.Bests[1]} {
			r := f.Records[i]
			// The writer sends diving-fish's "Link(CoF)"; the reader reads
			// it back as the site's "Link" of the niconico genre.
			if b.SongTitle == "Link(CoF)" && r.Genre != "niconico＆VOCALOID™" {
				t.Errorf("record %d: genre %q, want Link(CoF)'s niconico genre", i, r.Genre)
			}
			if r.Title != b.Title || r.Type != b.Type || r.Difficulty != b.Difficulty || r.Achievement != b.Achievement ||
				r.DXScore != b.DXScore || r.FC != b.FC || r.FS != b.FS || r.Constant != b.Constant || r.SongID != b.SongID || r.Level != b.ChartData.Level {
				t.Errorf("record %d: %+v\nfrom %+v", i, r, b)
			}
		}
	})
	t.Run("lxns", func(t *testing.T) {
		f := roundTrip(t, ExportLxns, s, LxnsJSON)
		if len(f.Records) != 3 {
			t.Fatalf("%d records", len(f.Records))
		}
		for i, p := range s.Plays[:3] {
			r := f.Records[i]
			if r.Title != p.Title || r.Type != p.Type || r.Difficulty != p.Difficulty || r.Achievement != p.Achievement ||
				r.DXScore != p.DXScore || r.FC != p.FC || r.FS != p.FS || r.SongID != LxnsID(p.SongID) || !r.AchievedAt.Equal(p.PlayedAt) {
				t.Errorf("record %d: %+v\nfrom %+v", i, r, p)
			}
		}
	})
	t.Run("tachi", func(t *testing.T) {
		f := roundTrip(t, ExportTachi, s, TachiBatch)
		if len(f.Records) != 3 {
			t.Fatalf("%d records", len(f.Records))
		}
		for i, p := range []Play{s.Plays[0], s.Plays[1], s.Plays[3]} {
			r := f.Records[i]
			// inGameID carries the song id instead of the title.
			if (p.SongID != 0 && (r.SongID != p.SongID || r.Title != "")) || (p.SongID == 0 && r.Title != p.Title) ||
				r.Type != p.Type || r.Difficulty != p.Difficulty || r.Achievement != p.Achievement || r.FC != p.FC ||
				!r.AchievedAt.Equal(p.PlayedAt) {
				t.Errorf("record %d: %+v\nfrom %+v", i, r, p)
			}
		}
	})
}

func roundTrip(t *testing.T, f ExportFormat, s *Scores, want Format) File {
	t.Helper()
	var buf bytes.Buffer
	if _, err := Write(&buf, f, s); err != nil {
		t.Fatal(err)
	}
	got, err := Parse(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if got.Format != want {
		t.Fatalf("read back as %q, want %q", got.Format, want)
	}
	return got
}

func TestParseExportFormat(t *testing.T) {
	for _, f := range ExportFormats {
		if g, err := ParseExportFormat(string(f)); err != nil || g != f {
			t.Errorf("%s: %v %v", f, g, err)
		}
	}
	if _, err := ParseExportFormat("xlsx"); err == nil || !strings.Contains(err.Error(), "divingfish, lxns, tachi, csv, csv-bests") {
		t.Errorf("xlsx: %v", err)
	}
}
