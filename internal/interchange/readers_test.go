package interchange

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// The files under testdata are written from the services' public
// documents:
//   - divingfish-records.json: Diving-Fish/maimaidx-prober
//     doc/docs/developer/zh-api-document.md 3.1.5 (/player/records; its two
//     example records, three more of the same shape, incl. the "Link(CoF)"
//     title of 3.1.11);
//   - divingfish-query-player.json: same document, 3.1.7 (/query/player);
//   - divingfish-update-records.json: same document, 3.1.11 (the example
//     update_records body);
//   - divingfish.csv: web/src/pages/MainPage.vue exportToCSV of the same
//     repository (header, and titles with commas quoted);
//   - lxns-scores.json: Lxns-Network/maimai-prober-frontend
//     public/docs/api/maimai.md (Score, the response envelope; the
//     upload example's score, a chart twice as score/history gives it,
//     a utage score);
//   - lxns.csv: the Score fields of that document as columns (the CSV is
//     written by Lxns's server, whose source is not public).

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func find(t *testing.T, f File, title string, d maimai.Difficulty) Record {
	t.Helper()
	for _, r := range f.Records {
		if r.Title == title && r.Difficulty == d {
			return r
		}
	}
	t.Fatalf("no record of %s %s in %d records", title, d, len(f.Records))
	return Record{}
}

func TestReaders(t *testing.T) {
	cases := []struct {
		file    string
		format  Format
		records int
		player  string
		check   func(t *testing.T, f File)
	}{
		{"divingfish-records.json", DivingFishJSON, 5, "sample_username", func(t *testing.T, f File) {
			r := find(t, f, "群青シグナル", maimai.Master)
			if r.Achievement != 1005432 || r.DXScore != 2301 || r.FC != maimai.FCP || r.FS != maimai.FSP ||
				r.Type != maimai.DX || r.Constant != 13.7 || r.SongID != 11466 || r.Level != "13+" {
				t.Errorf("群青シグナル = %+v", r)
			}
			// diving-fish's "Link(CoF)" reads as the site's "Link" of the
			// niconico genre, as a musicGenre page shows it.
			if r := find(t, f, "Link", maimai.Master); r.SongID != 383 || r.Genre != "niconico＆VOCALOID™" {
				t.Errorf("Link(CoF) = %+v", r)
			}
		}},
		{"divingfish-query-player.json", DivingFishJSON, 2, "sample_username", func(t *testing.T, f File) {
			if r := find(t, f, "Altale", maimai.Advanced); r.FC != maimai.APP || r.FS != maimai.FSD || r.Type != maimai.Std {
				t.Errorf("Altale = %+v", r)
			}
		}},
		{"divingfish-update-records.json", DivingFishJSON, 2, "", func(t *testing.T, f File) {
			if r := find(t, f, "Revive The Rave", maimai.ReMaster); r.Achievement != 1007770 || r.FC != maimai.FCN {
				t.Errorf("Revive The Rave = %+v", r)
			}
		}},
		{"divingfish.csv", DivingFishCSV, 5, "", func(t *testing.T, f File) {
			r := find(t, f, "Hello, world", maimai.Expert)
			if r.Achievement != 985000 || r.DXScore != 1200 || r.Constant != 10.8 || r.Level != "10+" {
				t.Errorf("Hello, world = %+v", r)
			}
			if r := find(t, f, "Link", maimai.ReMaster); r.FC != "" || r.Type != maimai.Std {
				t.Errorf("Link = %+v (the CSV has no FC column)", r)
			}
		}},
		{"lxns-scores.json", LxnsJSON, 4, "", func(t *testing.T, f File) {
			// 群青シグナル twice: the best of each field, the time of the best achievement.
			r := find(t, f, "群青シグナル", maimai.Master)
			if r.Achievement != 1005432 || r.DXScore != 2350 || r.FC != maimai.AP || r.FS != maimai.FSP ||
				!r.AchievedAt.Equal(time.Date(2024, 3, 2, 11, 27, 0, 0, time.UTC)) {
				t.Errorf("群青シグナル = %+v", r)
			}
			if r := find(t, f, "[宴]Oshama Scramble!", maimai.Utage); r.Type != maimai.DX || r.SongID != 100123 {
				t.Errorf("utage = %+v", r)
			}
			if r := find(t, f, "Link", maimai.ReMaster); !r.AchievedAt.IsZero() {
				t.Errorf("Link play_time null read as %v", r.AchievedAt)
			}
		}},
		{"lxns.csv", LxnsCSV, 3, "", func(t *testing.T, f File) {
			r := find(t, f, "PANDORA PARADOXXX", maimai.ReMaster)
			if r.Achievement != 1010000 || r.FC != "" || r.Type != maimai.Std || r.SongID != 834 ||
				!r.AchievedAt.Equal(time.Date(2023, 12, 31, 16, 0, 0, 0, time.UTC)) {
				t.Errorf("PANDORA = %+v", r)
			}
			if r := find(t, f, "Link", maimai.ReMaster); r.FS != maimai.Sync {
				t.Errorf("Link = %+v", r)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			b := readTestdata(t, c.file)
			if got, ok := Detect(b); !ok || got != c.format {
				t.Fatalf("Detect = %q, %v; want %q", got, ok, c.format)
			}
			f, err := Parse(b)
			if err != nil {
				t.Fatal(err)
			}
			if f.Format != c.format || len(f.Records) != c.records || f.Player != c.player || f.Region != maimai.CN {
				t.Fatalf("Parse = format %q, %d records, player %q, region %q; want %q, %d, %q, cn",
					f.Format, len(f.Records), f.Player, f.Region, c.format, c.records, c.player)
			}
			for _, r := range f.Records {
				if !r.Played || r.Rank != maimai.RankOf(r.Achievement) {
					t.Errorf("%s: played %v rank %q", r.Title, r.Played, r.Rank)
				}
			}
			c.check(t, f)
		})
	}
}

// A bad record refuses the whole file, naming the record.
func TestReadersRefuse(t *testing.T) {
	cases := []struct {
		name, file, from, to, want string
	}{
		{"df achievement", "divingfish-records.json", `"achievements": 101,`, `"achievements": 150,`, "record 2 (Altale)"},
		{"df fc", "divingfish-records.json", `"fc": "fcp"`, `"fc": "max"`, "record 3 (群青シグナル): fc"},
		{"df type", "divingfish-update-records.json", `"type": "SD"}`, `"type": "STD"}`, "record 1 (Alea jacta est!): type"},
		{"df csv difficulty", "divingfish.csv", "Link,SD,Re:MASTER", "Link,SD,Ultima", "line 6: 难度"},
		{"df csv achievement", "divingfish.csv", "744,191", "744x,191", "line 3: DX分数"},
		{"lxns fs", "lxns-scores.json", `"fs": "sync"`, `"fs": "fdx+"`, "score 4 (Link): fs"},
		{"lxns type", "lxns-scores.json", `"type": "utage"`, `"type": "party"`, "score 5"},
		{"lxns failure", "lxns-scores.json", `"success": true`, `"success": false`, "failure"},
		{"lxns csv level", "lxns.csv", "Link,12+,4,", "Link,12+,9,", "line 4: Link: level_index"},
		{"lxns csv time", "lxns.csv", "2023-12-31T16:00:00Z", "31/12/2023", "line 2: play_time"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := readTestdata(t, c.file)
			if !bytes.Contains(b, []byte(c.from)) {
				t.Fatalf("%s has no %q", c.file, c.from)
			}
			_, err := Parse(bytes.Replace(b, []byte(c.from), []byte(c.to), 1))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Parse error %v, want one naming %q", err, c.want)
			}
		})
	}
}

func TestReadersBounds(t *testing.T) {
	big := append([]byte(`[{"dxScore":1,"level_index":0}`), bytes.Repeat([]byte(" "), MaxFileSize)...)
	if _, err := Parse(big); err == nil || !strings.Contains(err.Error(), "at most") {
		t.Errorf("a file past MaxFileSize: %v", err)
	}
	var sb strings.Builder
	sb.WriteString(divingFishCSVHeader + "\n")
	for i := range MaxRecords + 1 {
		// Distinct charts: MaxRecords counts charts, not lines.
		sb.WriteString("t" + strconv.Itoa(i) + ",DX,Basic,1,1,50,1,1\n")
	}
	if _, err := Parse([]byte(sb.String())); err == nil || !strings.Contains(err.Error(), "more than") {
		t.Errorf("a CSV past MaxRecords: %v", err)
	}
	gbk := append([]byte(nil), divingFishCSVHeaderGBK...)
	gbk = append(gbk, ",\xc4\xd1\xb6\xc8\nAltale,SD,Advanced,8,8.5,101,744,191\n"...)
	if _, err := Parse(gbk); err == nil || !strings.Contains(err.Error(), "UTF-8") {
		t.Errorf("a GBK export: %v, want the advice to export as UTF-8", err)
	}
}

// Detection never takes a DX NET page, a maiprobe export or another
// tool's file for one of these formats.
func TestDetectRefusesOthers(t *testing.T) {
	for name, b := range map[string]string{
		"record page":     `<!DOCTYPE html><html><head><title>舞萌DX</title></head><body>"dxScore" "level_index"</body></html>`,
		"maiprobe export": `{"format":"maiprobe-archive","players":[{"bests":[{"title":"Altale","type":"std","difficulty":"advanced","dx_score":744}]}]}`,
		"empty":           ``,
		"csv of others":   "title,difficulty,achievement\nAltale,advanced,101\n",
	} {
		if f, ok := Detect([]byte(name + b)[len(name):]); ok && (f == DivingFishJSON || f == DivingFishCSV || f == LxnsJSON || f == LxnsCSV) {
			t.Errorf("%s detected as %s", name, f)
		}
	}
}

// TestReadersLargeJSON: a real /player/records of every chart played is
// megabytes, far past the 64 KB Detect looks at; the readers parse the
// whole file, not its head.
func TestReadersLargeJSON(t *testing.T) {
	rec := func(i int) string {
		return `{"achievements":99.5,"ds":12.5,"dxScore":1200,"fc":"","fs":"","level":"12+","level_index":3,` +
			`"level_label":"Master","ra":250,"rate":"ssp","song_id":` + strconv.Itoa(i) + `,"title":"song ` + strconv.Itoa(i) + `","type":"DX"}`
	}
	lx := func(i int) string {
		return `{"id":` + strconv.Itoa(i) + `,"song_name":"song ` + strconv.Itoa(i) + `","level":"12+","level_index":3,"achievements":99.5,` +
			`"fc":null,"fs":null,"dx_score":1200,"rate":"ssp","type":"dx"}`
	}
	const n = 2000 // about 400 KB
	var df, lxns []string
	for i := 1; i <= n; i++ {
		df, lxns = append(df, rec(i)), append(lxns, lx(i))
	}
	for name, body := range map[string]string{
		"diving-fish /player/records": `{"username":"u","rating":0,"additional_rating":0,"nickname":"n","plate":"","records":[` + strings.Join(df, ",") + `]}`,
		"Lxns scores":                 `{"success":true,"code":200,"data":[` + strings.Join(lxns, ",") + `]}`,
	} {
		if len(body) <= HeadSize {
			t.Fatalf("%s: %d bytes, want more than HeadSize", name, len(body))
		}
		f, err := Parse([]byte(body))
		if err != nil {
			t.Errorf("%s of %d bytes: %v", name, len(body), err)
		} else if len(f.Records) != n {
			t.Errorf("%s: %d records, want %d", name, len(f.Records), n)
		}
	}
}
