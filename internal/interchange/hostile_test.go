package interchange

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// bigScores is an archive of n charts (titles "曲 0001" …, standard and DX,
// Basic to Re:MASTER in turn, every one known to the song data) with plays
// played times each, a detail page on every other play.
func bigScores(n, plays int) *Scores {
	s := &Scores{Player: "mai", Region: maimai.CN}
	start := time.Date(2023, 1, 1, 12, 0, 0, 0, time.UTC)
	row := func(cp, p, g int) *maimai.NoteJudgement {
		return &maimai.NoteJudgement{CriticalPerfect: cp, Perfect: p, Great: g}
	}
	chart := func(i int) (maimai.Chart, ChartData) {
		t := maimai.Std
		if i%2 == 1 {
			t = maimai.DX
		}
		c := maimai.Chart{Title: fmt.Sprintf("曲 %04d", i/10), Type: t, Difficulty: maimai.Difficulties[(i/2)%5]}
		id := 100 + i/10
		if t == maimai.DX {
			id += 10000
		}
		return c, ChartData{SongID: id, Level: "12", Constant: 12.5}
	}
	for i := range n {
		c, cd := chart(i)
		a := maimai.Achievement(900000 + i%100000)
		s.Bests = append(s.Bests, Best{Score: maimai.Score{Chart: c, Level: "12", Played: true, Achievement: a,
			Rank: maimai.RankOf(a), DXScore: 1000, FC: maimai.FCN, FS: maimai.Sync},
			UpdatedAt: start, ChartData: cd})
	}
	for p := range plays {
		c, cd := chart(p % n)
		a := maimai.Achievement(800000 + p%200000)
		pl := Play{ID: int64(p + 1), Region: maimai.CN, Play: maimai.Play{Track: 1 + p%4,
			PlayedAt: start.Add(time.Duration(p) * time.Minute), Chart: c, Achievement: a, DXScore: 900 + p%300,
			FC: maimai.FCN, Clear: true}, ChartData: cd}
		if p%2 == 0 {
			pl.Detail = &maimai.PlayDetail{Judgements: maimai.Judgements{Tap: row(400, 40, 2), Hold: row(50, 5, 0),
				Slide: row(60, 0, 0), Break: row(30, 2, 0)}, Fast: 20, Late: 15, MaxCombo: 589, MaxComboTotal: 589}
		}
		s.Plays = append(s.Plays, pl)
	}
	return s
}

func write(t testing.TB, f ExportFormat, s *Scores) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := Write(&buf, f, s); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Files past the 64 KiB detectors look at are read whole: maiprobe's own
// exports of a 2,500-chart archive, and diving-fish's and Lxns's other
// shapes, come back with every chart.
func TestLargeFiles(t *testing.T) {
	s := bigScores(2500, 2500)
	var dfRecs []DivingFishRecord
	for _, b := range s.Bests {
		dfRecs = append(dfRecs, DivingFishRecordOf(Record{Score: b.Score, SongID: b.SongID}))
	}
	lxScores, _ := LxnsScores(s.Plays)
	marshal := func(v any) []byte {
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, c := range []struct {
		name   string
		b      []byte
		format Format
	}{
		{"export divingfish", write(t, ExportDivingFish, s), DivingFishJSON},
		{"export lxns", write(t, ExportLxns, s), LxnsJSON},
		{"export tachi", write(t, ExportTachi, s), TachiBatch},
		{"divingfish /player/records", marshal(DivingFishPlayer{Username: "mai", Records: dfRecs}), DivingFishJSON},
		{"divingfish /query/player", marshal(DivingFishPlayer{Username: "mai", Charts: &DivingFishCharts{DX: dfRecs[:1000], SD: dfRecs[1000:]}}), DivingFishJSON},
		{"lxns response", marshal(LxnsResponse[[]LxnsScore]{Success: true, Code: 200, Data: lxScores}), LxnsJSON},
		{"lxns bests", marshal(LxnsResponse[LxnsBests]{Success: true, Code: 200, Data: LxnsBests{Standard: lxScores[:1000], DX: lxScores[1000:]}}), LxnsJSON},
		{"with a byte order mark", append(append([]byte(nil), bom...), write(t, ExportDivingFish, s)...), DivingFishJSON},
	} {
		t.Run(c.name, func(t *testing.T) {
			if len(c.b) <= 4*HeadSize {
				t.Fatalf("the file is %d bytes: the test needs one well past the %d the detectors look at", len(c.b), HeadSize)
			}
			if f, ok := Detect(c.b); !ok || f != c.format {
				t.Fatalf("Detect = %q %v, want %q", f, ok, c.format)
			}
			f, err := Parse(c.b)
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Records) != 2500 {
				t.Fatalf("%d records, want 2500", len(f.Records))
			}
		})
	}
}

// Every record passes the rules of a page's score, whatever the format: a
// record that breaks one refuses the file, naming the record, with
// ErrBadFile.
func TestRecordRules(t *testing.T) {
	df := func(title, extra string) string {
		return `[{"title":` + title + `,"type":"DX","level_index":3,"achievements":99.5,"dxScore":1000` + extra + `}]`
	}
	long := strings.Repeat("長", 200) // 600 bytes
	for _, c := range []struct{ name, file, want string }{
		{"diving-fish AP+ at 10%", `[{"title":"A","type":"DX","level_index":3,"achievements":10,"fc":"app","dxScore":0}]`, "AP+"},
		{"Lxns AP+ at 10%", `[{"song_name":"A","type":"dx","level_index":3,"achievements":10,"fc":"app"}]`, "AP+"},
		{"DXRating AP+ at 10%", `[{"sheetId":"A__dxrt__dx__dxrt__master","achievementRate":10,"achievementAccuracy":"app"}]`, "AP+"},
		{"Lxns play_time in year 1", `[{"song_name":"A","type":"dx","level_index":3,"achievements":99,"play_time":"0001-01-02T00:00:00Z"}]`, "0001-01-02"},
		{"Lxns CSV play_time in 2018", "song_name,level_index,achievements,type,play_time\nA,3,99,dx,2018-12-31T00:00:00Z\n", "2018-12-31"},
		{"NUL and RLO in a title", df(`"A\u0000\u202e"`, ""), "control character U+0000"},
		{"RLO in a title", df(`"A\u202eB"`, ""), "direction control U+202E"},
		{"a broken escape", df(`"A\udc00"`, ""), "U+FFFD"},
		{"invalid UTF-8", df("\"A\xff\xfeB\"", ""), "UTF-8"},
		{"Lxns control character", `{"scores":[{"song_name":"A\u0007","type":"dx","level_index":3,"achievements":99}]}`, "U+0007"},
		{"Tachi NUL", `{"meta":{"game":"maimaidx","playtype":"Single","service":"x"},"scores":[{"percent":99,"lamp":"CLEAR","matchType":"songTitle","identifier":"A\u0000","difficulty":"Master"}]}`, "U+0000"},
		{"DXRating RLO", `[{"sheetId":"A\u202e__dxrt__dx__dxrt__master","achievementRate":99}]`, "U+202E"},
		{"mai-tools control character", "A\x01B\tPOPS\tMASTER\t13\tDX\t99.5\n", "U+0001"},
		{"diving-fish CSV NUL", divingFishCSVHeader + "\nA\x00,DX,Master,13,13.2,99.5,1000,280\n", "U+0000"},
		{"Lxns genre level", `[{"song_name":"A","type":"dx","level_index":3,"achievements":99,"level":"13\u200f\u202d"}]`, "level"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.file))
			if err == nil || !errors.Is(err, ErrBadFile) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Parse: %v, want ErrBadFile naming %q", err, c.want)
			}
		})
	}
	// A refused 600-byte title is not echoed whole.
	_, err := Parse([]byte(df(`"`+long+`"`, `,"fc":"max"`)))
	if err == nil || strings.Contains(err.Error(), long[:300]) || !strings.Contains(err.Error(), "…") || len(err.Error()) > 300 {
		t.Errorf("long title: %v", err)
	}
	// What a page shows passes: a title with Japanese, full-width and
	// symbols, AP+ at 101%.
	f, err := Parse([]byte(df(`"≠彡\"/了→ ＳＣＨＷＩ"`, `,"fc":"app","achievements":101`)))
	if err != nil || len(f.Records) != 1 || f.Records[0].FC != maimai.APP {
		t.Errorf("a good record: %+v %v", f, err)
	}
}

// Each file is claimed by one detector at most, by its structure: words of
// one format inside another's file do not move it, a record with two
// formats' keys is no one's, and a file with no records is refused.
func TestDetectExclusive(t *testing.T) {
	files := map[string][]byte{
		"tachi that mentions dxScore": []byte(`{"meta":{"game":"maimaidx","playtype":"Single","service":"x"},"scores":[` +
			`{"percent":99,"lamp":"CLEAR","matchType":"songTitle","identifier":"A","difficulty":"Master","dxScore":1,"level_index":3,"comment":"__dxrt__ \"sheetId\""}]}`),
		"lxns with a title":        []byte(`[{"song_name":"A","title":"A","type":"dx","level_index":3,"dxScore":1,"achievements":99}]`),
		"diving-fish with sheetId": []byte(`[{"title":"A","sheetId":"A__dxrt__dx__dxrt__master","type":"DX","level_index":3,"dxScore":1,"achievements":99}]`),
		"export":                   []byte(`{"format":"maiprobe-export","players":[{"bests":[{"title":"A","level_index":3,"dxScore":1}]}]}`),
		"page":                     []byte(`<!DOCTYPE html><html><body>"dxScore" "level_index" "song_name"</body></html>`),
		"broken json":              []byte(`[{"title":"A","level_index":3,"dxScore":1},,]`),
	}
	for _, name := range []string{"divingfish-records.json", "divingfish-query-player.json", "divingfish-update-records.json",
		"divingfish.csv", "lxns-scores.json", "lxns.csv", "tachi-batch.json", "maitools.tsv", "dxrating.json",
		"export-divingfish.json", "export-lxns.json", "export-tachi.json", "export-csv.csv", "export-csv-bests.csv"} {
		files[name] = readTestdata(t, name)
	}
	for name, b := range files {
		var took []Format
		for _, r := range readers {
			if r.detect(sniff(b)) {
				took = append(took, r.format)
			}
		}
		if len(took) > 1 {
			t.Errorf("%s: detected as %v", name, took)
		}
	}
	if f, ok := Detect(files["tachi that mentions dxScore"]); !ok || f != TachiBatch {
		t.Errorf("tachi that mentions dxScore: %q %v", f, ok)
	}
	for _, name := range []string{"lxns with a title", "diving-fish with sheetId", "export", "page", "broken json"} {
		if f, ok := Detect(files[name]); ok {
			t.Errorf("%s detected as %s", name, f)
		}
	}
	for name, b := range map[string]string{
		"diving-fish, no records": `{"username":"mai","rating":0,"records":[]}`,
		"Lxns, no data":           `{"success":true,"code":200,"data":[]}`,
		"Lxns, null data":         `{"success":true,"code":200,"data":null}`,
		"Lxns upload, no scores":  `{"scores":[]}`,
		"Tachi, no scores":        `{"meta":{"game":"maimaidx","playtype":"Single","service":"x"},"scores":[]}`,
		"diving-fish CSV header":  divingFishCSVHeader + "\n",
		"Lxns CSV header":         "song_name,level_index,achievements,type\n",
	} {
		if _, err := Parse([]byte(b)); !errors.Is(err, ErrBadFile) || !strings.Contains(err.Error(), "no scores") {
			t.Errorf("%s: %v, want no scores", name, err)
		}
	}
}

// maiprobe's CSVs are named as what they are when imported, not as
// unknown files.
func TestCSVExportOnly(t *testing.T) {
	for _, f := range []ExportFormat{ExportCSV, ExportCSVBests} {
		b := write(t, f, sampleScores())
		if got, ok := Detect(b); !ok || got != CSV {
			t.Errorf("%s: Detect = %q %v, want csv", f, got, ok)
		}
		if _, err := Parse(b); !errors.Is(err, ErrExportOnly) || !strings.Contains(err.Error(), "export-only") {
			t.Errorf("%s: %v, want ErrExportOnly", f, err)
		}
	}
}

// MaxRecords counts charts, not entries: maiprobe's Tachi export of
// 100,000 plays, with judgements, reads back as its charts; MaxEntries
// bounds the entries.
func TestHundredThousandPlays(t *testing.T) {
	s := bigScores(3000, 100000)
	for _, c := range []struct {
		f    ExportFormat
		want Format
	}{{ExportTachi, TachiBatch}, {ExportLxns, LxnsJSON}} {
		b := write(t, c.f, s)
		if len(b) > MaxFileSize {
			t.Fatalf("%s of 100,000 plays is %d bytes, over MaxFileSize %d", c.f, len(b), MaxFileSize)
		}
		f, err := Parse(b)
		if err != nil {
			t.Fatalf("%s (%d bytes): %v", c.f, len(b), err)
		}
		if f.Format != c.want || len(f.Records) != 3000 {
			t.Errorf("%s: %s, %d records, want 3000", c.f, f.Format, len(f.Records))
		}
	}
	var sb strings.Builder
	sb.WriteString(divingFishCSVHeader + "\n")
	for i := range MaxEntries + 1 {
		sb.WriteString("t")
		sb.WriteByte(byte('a' + i%20))
		sb.WriteString(",DX,Basic,1,1,50,1,1\n")
	}
	if _, err := Parse([]byte(sb.String())); err == nil || !strings.Contains(err.Error(), "more than 500000 entries") {
		t.Errorf("a CSV of 20 charts in %d lines: %v", MaxEntries+1, err)
	}
}

// BenchmarkParseTachi100k reads maiprobe's Tachi export of 100,000 plays
// (3,000 charts); -benchmem shows what decoding it allocates.
func BenchmarkParseTachi100k(b *testing.B) {
	data := write(b, ExportTachi, bigScores(3000, 100000))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzParse: whatever the bytes, Parse never panics, at most one detector
// claims them, and what it returns passes every record rule.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"divingfish-records.json", "divingfish-query-player.json", "divingfish.csv", "lxns-scores.json",
		"lxns.csv", "tachi-batch.json", "maitools.tsv", "dxrating.json"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"success":true,"data":{"standard":[{"song_name":"A\u202e","type":"dx","level_index":3,"achievements":99}]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		n := 0
		for _, r := range readers {
			if r.detect(sniff(b)) {
				n++
			}
		}
		if n > 1 {
			t.Fatalf("%d detectors claim the file", n)
		}
		file, err := Parse(b)
		if err != nil {
			return
		}
		if len(file.Records) == 0 {
			t.Fatal("a file with no records was accepted")
		}
		for _, r := range file.Records {
			if err := checkRecord(r); err != nil || !r.Difficulty.Valid() || r.Achievement < 0 || r.Achievement > maimai.MaxAchievement ||
				r.Rank != maimai.RankOf(r.Achievement) || (r.Title == "" && r.SongID == 0) {
				t.Fatalf("%s gave a record that breaks the rules (%v): %+v", file.Format, err, r)
			}
		}
	})
}
