package interchange

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// The Tachi, mai-tools and DXRating files under testdata are written from
// those tools' sources:
//   - tachi-batch.json: zkldi/Tachi docs/docs/codebase/batch-manual/index.md
//     and common/src/types/batch-manual.ts (meta, scores, matchType,
//     timeAchieved in ms, judgements, optional) with the maimai DX values of
//     common/src/config/game-support/maimai-dx.ts (percent, lamps, "DX
//     Master"); two plays of one chart, as an export of plays has them;
//   - maitools.tsv: myjian/mai-tools src/scripts/score-download.ts (column
//     order, tab-separated, no header) with the names of
//     src/common/difficulties.ts and chart-type.ts; both "Link"s;
//   - dxrating.json: gekichumai/dxrating ExportToJSONMenuItem.tsx (a JSON
//     array of entries) with the PlayEntry fields of its playEntrySchema and
//     sheetIds built as canonicalId in apps/web/src/songs.ts ("Link (2)").

func TestToolReaders(t *testing.T) {
	t.Run("tachi", func(t *testing.T) {
		f := parseFile(t, "tachi-batch.json", TachiBatch)
		if len(f.Records) != 4 {
			t.Fatalf("%d records, want 4 (two plays of one chart are one best)", len(f.Records))
		}
		r := find(t, f, "群青シグナル", maimai.Master)
		if r.Type != maimai.DX || r.Achievement != 1005432 || r.FC != maimai.FCP || r.Rank != maimai.RankSSSP {
			t.Errorf("群青シグナル: %+v", r.Score)
		}
		if want := time.UnixMilli(1714566660000).UTC(); !r.AchievedAt.Equal(want) {
			t.Errorf("achieved at %v, want %v (the best play's time)", r.AchievedAt, want)
		}
		var byID *Record
		for i := range f.Records {
			if f.Records[i].SongID == 10383 {
				byID = &f.Records[i]
			}
		}
		if byID == nil || byID.Title != "" || byID.Type != maimai.DX || byID.Difficulty != maimai.Expert || byID.Achievement != 972500 {
			t.Errorf("inGameID score: %+v", byID)
		}
		link := find(t, f, "Link", maimai.Basic)
		if link.Type != maimai.Std || link.FC != maimai.APP || !link.AchievedAt.IsZero() {
			t.Errorf("Link: %+v", link)
		}
		jb := find(t, f, "ジングルベル", maimai.ReMaster)
		if jb.FC != maimai.NoFC || jb.Rank != maimai.RankBB {
			t.Errorf("ジングルベル: %+v", jb.Score)
		}
	})
	t.Run("maitools", func(t *testing.T) {
		f := parseFile(t, "maitools.tsv", MaiToolsTSV)
		if len(f.Records) != 6 {
			t.Fatalf("%d records, want 6", len(f.Records))
		}
		r := find(t, f, "Ref:rain (for 7th Heaven)", maimai.Master)
		if r.Type != maimai.Std || r.Level != "13+" || r.Genre != "maimai" || r.Achievement != 1008012 || r.Rank != maimai.RankSSSP {
			t.Errorf("Ref:rain: %+v", r.Score)
		}
		genres := map[string]maimai.Achievement{}
		for _, r := range f.Records {
			if r.Title == "Link" {
				genres[r.Genre] = r.Achievement
			}
		}
		if genres["maimai"] != 1002105 || genres["niconico＆ボーカロイド"] != 980000 {
			t.Errorf("the two Links by genre: %v", genres)
		}
		if r := find(t, f, "PANDORA PARADOXXX", maimai.ReMaster); r.Type != maimai.DX || r.Achievement != 970001 || r.Level != "15" {
			t.Errorf("PANDORA: %+v", r.Score)
		}
	})
	t.Run("dxrating", func(t *testing.T) {
		f := parseFile(t, "dxrating.json", DXRatingJSON)
		if len(f.Records) != 4 {
			t.Fatalf("%d records, want 4", len(f.Records))
		}
		r := find(t, f, "群青シグナル", maimai.Master)
		if r.Type != maimai.DX || r.FC != maimai.FCN || r.FS != maimai.Sync || r.DXScore != 2450 || r.DXScoreMax != 2772 || r.PlayCount != 12 {
			t.Errorf("群青シグナル: %+v", r.Score)
		}
		genres := map[string]Record{}
		for _, r := range f.Records {
			if r.Title == "Link" {
				genres[r.Genre] = r
			}
		}
		if genres["niconico＆ボーカロイド"].Achievement != 980000 || genres["maimai"].FS != maimai.FSN {
			t.Errorf("Link (2) is the niconico Link: %+v", genres)
		}
	})
}

func parseFile(t *testing.T, name string, want Format) File {
	t.Helper()
	b := readTestdata(t, name)
	if got, ok := Detect(b); !ok || got != want {
		t.Fatalf("Detect(%s) = %q, %v; want %q", name, got, ok, want)
	}
	f, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if f.Format != want {
		t.Errorf("format %q", f.Format)
	}
	return f
}

// TestToolReadersRefuse: one bad record refuses the whole file, and the
// error names it.
func TestToolReadersRefuse(t *testing.T) {
	tachi := string(readTestdata(t, "tachi-batch.json"))
	maitools := string(readTestdata(t, "maitools.tsv"))
	dxr := string(readTestdata(t, "dxrating.json"))
	cases := []struct {
		name, file, want string
	}{
		{"tachi other game", strings.Replace(tachi, `"maimaidx"`, `"iidx"`, 1), `meta.game "iidx"`},
		{"tachi percent", strings.Replace(tachi, "100.5432", "101.5", 1), "score 1"},
		{"tachi lamp", strings.Replace(tachi, `"FULL COMBO+"`, `"HARD CLEAR"`, 1), `lamp "HARD CLEAR"`},
		{"tachi difficulty", strings.Replace(tachi, `"DX Expert"`, `"Utage"`, 1), `score 3 (10383 Utage)`},
		{"tachi seconds", strings.Replace(tachi, "1714566660000", "1714566660", 1), "timeAchieved"},
		{"tachi song id", strings.Replace(tachi, `"inGameID"`, `"tachiSongID"`, 1), "tachiSongID"},
		{"tachi bad id", strings.Replace(tachi, `"10383"`, `"-5"`, 1), "inGameID"},
		{"tachi AP+ under 101", strings.Replace(tachi, `"percent": 101,`, `"percent": 100.9,`, 1), "ALL PERFECT+"},
		{"tachi judgements", strings.Replace(tachi, `"pcrit": 800`, `"pcrit": -1`, 1), "judgements"},
		{"maitools achievement", strings.Replace(maitools, "99.5", "150", 1), "line 2"},
		{"maitools level", strings.Replace(maitools, "\t13+\tDX", "\t16\tDX", 1), "level"},
		{"maitools columns", strings.Replace(maitools, "\tゲームバラエティ", "", 1), "line 6"},
		{"maitools type", maitools + "x\tmaimai\tMASTER\t13\tUTAGE\t99\n", "chart type"},
		{"dxrating utage", strings.Replace(dxr, "__dxrt__dx__dxrt__remaster", "__dxrt__utage__dxrt__remaster", 1), "entry 4"},
		{"dxrating sync", strings.Replace(dxr, `"sp"`, `"fdx+"`, 1), "achievementSync"},
		{"dxrating rate", strings.Replace(dxr, `"achievementRate":98`, `"achievementRate":-1`, 1), "entry 1"},
		{"dxrating dx score", strings.Replace(dxr, `"achieved":2450`, `"achieved":9999`, 1), "achievementDXScore"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.file))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want one naming %q", err, c.want)
			}
		})
	}
}

// TestToolDetection: each detector takes its own files only, and none
// takes a DX NET page, a maiprobe export or another tool's file.
func TestToolDetection(t *testing.T) {
	others := map[string][]byte{
		"page":     []byte("<!DOCTYPE html><html><body><div class=\"main_wrapper\">maimai</div></body></html>"),
		"export":   []byte(`{"format":"maiprobe-archive","version":1,"players":[{"name":"default","plays":[]}]}`),
		"tsv-like": []byte("a\tb\tc\n"),
	}
	for _, name := range []string{"divingfish-records.json", "divingfish.csv", "lxns-scores.json", "lxns.csv"} {
		others[name] = readTestdata(t, name)
	}
	for name, b := range others {
		for _, d := range []struct {
			f      Format
			detect func(*sniffed) bool
		}{{TachiBatch, detectTachi}, {MaiToolsTSV, detectMaiTools}, {DXRatingJSON, detectDXRating}} {
			if d.detect(sniff(b)) {
				t.Errorf("%s detector takes %s", d.f, name)
			}
		}
	}
	// A BOM and a leading blank line (editors add them) do not hide a file.
	b := append([]byte("\xef\xbb\xbf\n"), readTestdata(t, "tachi-batch.json")...)
	if f, ok := Detect(b); !ok || f != TachiBatch {
		t.Errorf("tachi with BOM: %q %v", f, ok)
	}
	if _, err := Parse(b); err != nil {
		t.Errorf("tachi with BOM: %v", err)
	}
	if _, err := Parse([]byte("not a file")); !errors.Is(err, ErrUnknown) {
		t.Errorf("unknown bytes: %v", err)
	}
}

// FuzzToolReaders: whatever the bytes, the Tachi, mai-tools and DXRating
// readers return an error or records that pass the sanity rules (a known
// chart type and difficulty, an achievement of 0–101%, a rank that
// matches it), and never panic.
func FuzzToolReaders(f *testing.F) {
	for _, name := range []string{"tachi-batch.json", "maitools.tsv", "dxrating.json"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("x\tg\tMASTER\t13+\tDX\t1e400\n"))
	f.Add([]byte(`[{"sheetId":"a__dxrt__dx__dxrt__master","achievementRate":NaN}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, d := range []reader{{TachiBatch, detectTachi, parseTachi}, {MaiToolsTSV, detectMaiTools, parseMaiTools}, {DXRatingJSON, detectDXRating, parseDXRating}} {
			if !d.detect(sniff(b)) {
				continue
			}
			file, err := d.parse(b)
			if err != nil {
				continue
			}
			for _, r := range file.Records {
				if r.Type != maimai.Std && r.Type != maimai.DX || !r.Difficulty.Valid() || r.Achievement < 0 ||
					r.Achievement > maimai.MaxAchievement || r.Rank != maimai.RankOf(r.Achievement) || (r.Title == "" && r.SongID == 0) {
					t.Fatalf("%s gave a record that breaks the sanity rules: %+v", d.format, r)
				}
			}
		}
	})
}
