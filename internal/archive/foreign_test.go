package archive

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/dxnet"
	"github.com/maiprobe/maiprobe/internal/fixtures"
	"github.com/maiprobe/maiprobe/internal/interchange"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/songs"
	"github.com/maiprobe/maiprobe/internal/storage"
	"github.com/maiprobe/maiprobe/internal/storage/storagetest"
)

func foreignFile(t *testing.T, name string) Source {
	t.Helper()
	b, err := os.ReadFile("../interchange/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return Source{Name: name, Data: b, ObservedAt: testNow.Add(-time.Hour)}
}

// TestForeignFixturesFitCNSongData: every sample file of another tool
// (interchange/testdata, not the export goldens written from made-up
// charts, nor Tachi's international one) imports into an archive with the real CN song data, whose note
// counts bound each record's DX score: the samples are files such a tool
// could write, so the docs' walk-throughs with them work.
func TestForeignFixturesFitCNSongData(t *testing.T) {
	ctx := context.Background()
	a := openTest(t, filepath.Join(t.TempDir(), "cn.db"))
	syncFrom(t, a, fixtures.Shared(t, "data/songs/divingfish-music_data.cn.json"))
	names, err := filepath.Glob("../interchange/testdata/*")
	if err != nil || len(names) == 0 {
		t.Fatalf("no samples: %v", err)
	}
	tried := 0
	for _, name := range names {
		base := filepath.Base(name)
		// The Tachi sample names its charts by the international game's
		// song ids (10383 is not a CN song id): not a CN file.
		if strings.HasPrefix(base, "export-") || strings.HasPrefix(base, "tachi-") {
			continue
		}
		tried++
		res := a.ImportWith(ctx, foreignFile(t, base), ImportOptions{Player: strings.NewReplacer(".", "-", "_", "-").Replace(base), Region: maimai.CN})
		if res.Status == Rejected {
			t.Errorf("%s: %v", base, res.Err)
		}
	}
	if tried < 5 {
		t.Errorf("only %d samples tried", tried)
	}
}

// A file of another tool goes in as best scores with their provenance,
// never as plays; the file itself is kept; a second import stores nothing.
func TestImportForeign(t *testing.T) {
	for _, db := range storagetest.Databases {
		t.Run(db, func(t *testing.T) { testImportForeign(t, openDB(t, db)) })
	}
}

func testImportForeign(t *testing.T, a *Archive) {
	ctx := context.Background()
	src := foreignFile(t, "divingfish-records.json")
	res := a.ImportWith(ctx, src, ImportOptions{Player: "alice"})
	if res.Status != Added || res.Added.Pages != 1 || res.Added.Scores != 5 || res.Added.Plays != 0 ||
		string(res.Kind) != "interchange:divingfish-json" || res.Region != maimai.CN {
		t.Fatalf("import: %+v (%v)", res, res.Err)
	}
	best, steps := bestOf(t, a, "alice")
	b := best[maimai.Chart{Title: "群青シグナル", Type: maimai.DX, Difficulty: maimai.Master}]
	if b.Achievement != 1005432 || b.FC != maimai.FCP || b.FS != maimai.FSP || b.DXScore != 2301 ||
		b.Source != "divingfish-json" || b.SourcePageID == 0 || !b.SourceAt.Equal(src.ObservedAt) || !b.Foreign() {
		t.Errorf("best = %+v", b)
	}
	if len(steps) != 5 || steps[0].Source != "divingfish-json" || steps[0].PageID != b.SourcePageID {
		t.Errorf("history = %+v", steps)
	}
	if n := countPlays(t, a, "alice"); n != 0 {
		t.Errorf("plays = %d, want none: files of other tools hold bests, not plays", n)
	}
	before := rowCounts(t, a)
	again := a.ImportWith(ctx, src, ImportOptions{Player: "alice"})
	if again.Status != Unchanged || again.Unchanged.Pages != 1 || again.Unchanged.Scores != 5 {
		t.Errorf("second import: %+v (%v)", again, again.Err)
	}
	if after := rowCounts(t, a); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("second import changed rows: %v → %v", before, after)
	}
	// Reparse reads the stored file again and derives the same bests.
	if _, err := a.Reparse(ctx, "alice"); err != nil {
		t.Fatal(err)
	}
	re, _ := bestOf(t, a, "alice")
	for _, m := range []map[maimai.Chart]storage.BestScore{best, re} {
		for c, b := range m {
			b.ID = 0 // new rows: MariaDB and PostgreSQL never reuse an id
			m[c] = b
		}
	}
	if fmt.Sprint(re) != fmt.Sprint(best) {
		t.Errorf("reparse changed the bests:\n%v\n%v", best, re)
	}
}

// --player auto is refused: the file shows no in-game player to trust.
// A file of CN scores does not go into a JP player.
func TestImportForeignWho(t *testing.T) {
	ctx := context.Background()
	a := openTest(t, t.TempDir()+"/a.db")
	res := a.ImportWith(ctx, foreignFile(t, "lxns-scores.json"), ImportOptions{Auto: true})
	if res.Status != Rejected || !errors.Is(res.Err, ErrForeignAuto) {
		t.Errorf("auto: %+v (%v)", res, res.Err)
	}
	web := a.ImportWith(ctx, foreignFile(t, "lxns.csv"), ImportOptions{Player: "carol", Auto: true, Candidates: []string{"carol", "dave"}})
	if web.Status != Added || web.Player != "carol" {
		t.Errorf("web upload with auto on: %+v (%v), want it in the page's player carol", web, web.Err)
	}
	jp := &dxnet.HomePage{Header: dxnet.Header{Kind: dxnet.KindHome, Region: maimai.JP}, Profile: dxnet.Profile{Name: "ＢＯＢ", Rating: 12000}}
	mustImport(t, a, "bob", "home.html", jp, Added)
	before := rowCounts(t, a)
	res = a.ImportWith(ctx, foreignFile(t, "lxns-scores.json"), ImportOptions{Player: "bob"})
	if res.Status != Rejected || !errors.Is(res.Err, ErrIdentity) {
		t.Errorf("CN file into a JP player: %+v (%v)", res, res.Err)
	}
	if after := rowCounts(t, a); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("a refused file wrote rows: %v → %v", before, after)
	}
}

// The conflict rules of docs/interchange.md, each on its own chart.
func TestForeignConflicts(t *testing.T) {
	for _, db := range storagetest.Databases {
		t.Run(db, func(t *testing.T) { testForeignConflicts(t, openDB(t, db)) })
	}
}

func testForeignConflicts(t *testing.T, a *Archive) {
	ctx := context.Background()
	day := func(d int) time.Time { return time.Date(2025, 11, d, 12, 0, 0, 0, time.UTC) }
	chart := func(title string) maimai.Chart {
		return maimai.Chart{Title: title, Type: maimai.DX, Difficulty: maimai.Master}
	}
	list := func(at time.Time, scores ...maimai.Score) {
		t.Helper()
		name := "musicLevel"
		if scores[0].DXScoreMax == 0 {
			// The rating list shows no DX score, FC or FS.
			name = "ratingTargetMusic"
		}
		p := &dxnet.ScoresPage{Header: dxnet.Header{Kind: dxnet.KindScores, Region: maimai.CN}, List: name, Scores: scores}
		src := source(t, "musicLevel.html", p)
		src.ObservedAt = at
		if res := a.importPage(ctx, "alice", src, p); res.Status == Rejected {
			t.Fatalf("list: %v", res.Err)
		}
	}
	score := func(title string, ach maimai.Achievement, fc maimai.FC) maimai.Score {
		return maimai.Score{Chart: chart(title), Level: "13", Played: true, Achievement: ach, Rank: maimai.RankOf(ach),
			DXScore: 2000, DXScoreMax: 3000, FC: fc}
	}
	lxns := func(saved time.Time, scores ...string) {
		t.Helper()
		body := `{"success":true,"code":200,"data":[`
		for i, s := range scores {
			if i > 0 {
				body += ","
			}
			body += s
		}
		res := a.ImportWith(ctx, Source{Name: "scores.json", Data: []byte(body + "]}"), ObservedAt: saved}, ImportOptions{Player: "alice"})
		if res.Status == Rejected {
			t.Fatalf("lxns: %v", res.Err)
		}
	}
	rec := func(title string, pct float64, fc string, played time.Time) string {
		dx := 2100
		if title == "lower" {
			dx = 1900
		}
		return fmt.Sprintf(`{"id":1,"song_name":%q,"level":"13","level_index":3,"achievements":%v,"fc":%q,"fs":null,"dx_score":%d,"type":"dx","play_time":%q}`,
			title, pct, fc, dx, played.Format(time.RFC3339))
	}

	// Day 1: the site's list shows every chart.
	list(day(1), score("raise", 990000, ""), score("lower", 990000, ""), score("older", 990000, ""), score("page wins", 990000, ""),
		score("rating list", 990000, ""))
	// Day 3: a file claims
	//   raise: 100.5% and FC — raises (a foreign record can raise a best);
	//   lower: 98% — changes nothing (it can only raise);
	//   older: 100.5% played on day 0 — ignored, the day-1 list already
	//          shows everything played before it;
	//   page wins: 100.5% played on day 2 — raises for now.
	//   page wins: 100.5% and AP played on day 2 — raises for now;
	//   rating list: 100.5% and AP played on day 2 — raises for now.
	lxns(day(3), rec("raise", 100.5, "fc", day(2)), rec("lower", 98, "", day(2)), rec("older", 100.5, "", day(1).Add(-24*time.Hour)),
		rec("page wins", 100.5, "ap", day(2)), rec("rating list", 100.5, "ap", day(2)))
	// Day 4: the site's list again shows page wins at 99.2% without FC:
	// the site knows the best, the claim was wrong, AP and DX score too.
	list(day(4), score("page wins", 992000, ""))
	// Day 5: the rating list shows rating list at 99.3%: its achievement
	// wins, but it shows no FC, FS or DX score, so the claim's AP and DX
	// score stay (rule 3 lowers only what the list shows).
	rating := score("rating list", 993000, "")
	rating.DXScore, rating.DXScoreMax = 0, 0
	list(day(5), rating)

	check := func(when string) {
		t.Helper()
		best, _ := bestOf(t, a, "alice")
		for title, want := range map[string]struct {
			ach    maimai.Achievement
			fc     maimai.FC
			source string
		}{
			"raise":       {1005000, maimai.FCN, "lxns-json"},
			"lower":       {990000, "", "dxnet:scores"},
			"older":       {990000, "", "dxnet:scores"},
			"page wins":   {992000, "", "dxnet:scores"},
			"rating list": {993000, maimai.AP, "dxnet:scores"},
		} {
			b := best[chart(title)]
			if b.Achievement != want.ach || b.FC != want.fc || b.Source != want.source {
				t.Errorf("%s: %s = %v %q from %q, want %v %q from %q", when, title, b.Achievement, b.FC, b.Source, want.ach, want.fc, want.source)
			}
		}
		if b := best[chart("raise")]; b.DXScore != 2100 || !b.SourceAt.Equal(day(2)) {
			t.Errorf("%s: raise = %+v, want DX score 2100 set on day 2", when, b)
		}
		if b := best[chart("page wins")]; b.DXScore != 2000 {
			t.Errorf("%s: page wins DX score = %d, want the list's 2000 over the claim's 2100", when, b.DXScore)
		}
		if b := best[chart("rating list")]; b.DXScore != 2100 {
			t.Errorf("%s: rating list DX score = %d, want the claim's 2100: the rating list shows none", when, b.DXScore)
		}
	}
	// (Reparse is not checked here: these hand-built pages are no HTML the
	// parser reads again; TestImportForeign reparses a real file.)
	check("import")
}

// A record's DX score over its chart's maximum (3 per note, as the song
// data counts the notes) refuses the file as a bad file (not a misparsed
// page), naming the record; a chart the song data does not know is not
// checked.
func TestForeignDXScoreMax(t *testing.T) {
	ctx := context.Background()
	a := openTest(t, t.TempDir()+"/a.db")
	// One song whose master has 700 notes: at most 2,100 DX score.
	data := `[{"id": "11900", "title": "テスト曲", "type": "DX", "ds": [5.0, 8.0, 11.0, 13.7], "level": ["5", "8", "11", "13+"],
 "cids": [1, 2, 3, 4], "charts": [{"notes": [100, 10, 10, 10, 10], "charter": "-"}, {"notes": [200, 10, 10, 10, 10], "charter": "-"},
 {"notes": [300, 10, 10, 10, 10], "charter": "-"}, {"notes": [500, 50, 50, 50, 50], "charter": "-"}],
 "basic_info": {"title": "テスト曲", "artist": "x", "genre": "舞萌", "bpm": 150, "release_date": "", "from": "maimai でらっくす PRiSM", "is_new": false}}]`
	db, err := songs.Load(strings.NewReader(data), maimai.CN)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.SyncSongs(ctx, db); err != nil {
		t.Fatal(err)
	}
	file := func(dx int) Source {
		return Source{Name: "records.json", ObservedAt: testNow.Add(-time.Hour), Data: []byte(fmt.Sprintf(`[
 {"achievements": 99.5, "dxScore": 1000, "fc": "", "fs": "", "level_index": 2, "title": "テスト曲", "type": "DX"},
 {"achievements": 100.1, "dxScore": %d, "fc": "", "fs": "", "level_index": 3, "title": "テスト曲", "type": "DX"},
 {"achievements": 100.1, "dxScore": 9000, "fc": "", "fs": "", "level_index": 3, "title": "not in the song data", "type": "DX"}]`, dx))}
	}
	before := rowCounts(t, a)
	res := a.ImportWith(ctx, file(2101), ImportOptions{Player: "alice"})
	if res.Status != Rejected || !errors.Is(res.Err, interchange.ErrBadFile) || errors.Is(res.Err, ErrMisparsed) ||
		!strings.Contains(res.Err.Error(), "record 2 (テスト曲") || !strings.Contains(res.Err.Error(), "maximum 2100") {
		t.Errorf("DX score 2101 of 2100: %+v (%v)", res, res.Err)
	}
	if after := rowCounts(t, a); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("a refused file wrote rows: %v → %v", before, after)
	}
	if res := a.ImportWith(ctx, file(2100), ImportOptions{Player: "alice"}); res.Status != Added {
		t.Errorf("DX score 2100 of 2100: %+v (%v)", res, res.Err)
	}
}

// An export keeps each best's provenance and restoring it gives it back:
// the same source, time and file (by its sha256), and each history step's
// source, without a reparse.
func TestRestoreKeepsProvenance(t *testing.T) {
	for _, db := range storagetest.Databases {
		t.Run(db, func(t *testing.T) { testRestoreKeepsProvenance(t, openDB(t, db)) })
	}
}

func testRestoreKeepsProvenance(t *testing.T, a *Archive) {
	ctx := context.Background()
	if res := a.ImportWith(ctx, foreignFile(t, "lxns-scores.json"), ImportOptions{Player: "alice"}); res.Status != Added {
		t.Fatalf("import: %v", res.Err)
	}
	var buf bytes.Buffer
	if err := a.Export(ctx, &buf, "alice"); err != nil {
		t.Fatal(err)
	}
	b := openTest(t, t.TempDir()+"/b.db")
	if res := b.ImportWith(ctx, Source{Name: "export.json", Data: buf.Bytes()}, ImportOptions{Player: "alice"}); res.Status != Added {
		t.Fatalf("restore: %+v %v", res, res.Err)
	}
	prov := func(x *Archive) (string, string) {
		best, steps := bestOf(t, x, "alice")
		shas := pageSHAs(t, x, "alice")
		var bs, ss []string
		for c, s := range best {
			bs = append(bs, fmt.Sprintf("%v %s %s %s", c, s.Source, s.SourceAt.Format(time.RFC3339), shas[s.SourcePageID]))
		}
		for _, s := range steps {
			ss = append(ss, fmt.Sprintf("%v %s %s", s.Chart, s.Source, s.PageSHA))
		}
		slices.Sort(bs)
		slices.Sort(ss)
		return strings.Join(bs, "\n"), strings.Join(ss, "\n")
	}
	wantB, wantS := prov(a)
	gotB, gotS := prov(b)
	if !strings.Contains(wantB, "lxns-json") || gotB != wantB || gotS != wantS {
		t.Errorf("restored provenance:\n%s\n%s\nwant\n%s\n%s", gotB, gotS, wantB, wantS)
	}
}

// pageSHAs maps the player's stored pages' ids to their sha256.
func pageSHAs(t *testing.T, a *Archive, player string) map[int64]string {
	t.Helper()
	out := map[int64]string{}
	err := a.db.View(context.Background(), func(tx *storage.Tx) error {
		id, err := tx.PlayerID(context.Background(), player)
		if err != nil {
			return err
		}
		pages, err := tx.Pages(context.Background(), id)
		for _, p := range pages {
			out[p.ID] = p.SHA256
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestReparseForeignMatchesImport: an archive of real pages and files of
// another tool, imported out of time order, reparses (oldest first) to the
// same bests with the same provenance: every conflict rule decides by the
// times the sources state, not by the order files arrive in.
func TestReparseForeignMatchesImport(t *testing.T) {
	for _, db := range storagetest.Databases {
		t.Run(db, func(t *testing.T) { testReparseForeignMatchesImport(t, openDB(t, db)) })
	}
}

func testReparseForeignMatchesImport(t *testing.T, a *Archive) {
	ctx := context.Background()
	a.now = func() time.Time { return pagesNow }
	cn := func(s string) time.Time {
		at, err := time.Parse("2006-01-02 15:04 -0700", s+" +0800")
		if err != nil {
			t.Fatal(err)
		}
		return at
	}
	rec := func(title, typ string, diff int, pct float64, fc, fs string, played string) string {
		return fmt.Sprintf(`{"id":1,"song_name":%q,"level_index":%d,"achievements":%v,"fc":%q,"fs":%q,"dx_score":0,"type":%q,"play_time":%q}`,
			title, diff, pct, fc, fs, typ, cn(played).Format(time.RFC3339))
	}
	lxns := func(name, saved string, recs ...string) Source {
		return Source{Name: name, ObservedAt: cn(saved), Data: []byte(`{"success":true,"code":200,"data":[` + strings.Join(recs, ",") + `]}`)}
	}
	record := parserPage(t, "record-cn-mixed.html") // plays of 11-20 and 11-21
	record.ObservedAt = cn("2026-11-22 00:00")
	detail := parserPage(t, "musicDetail-cn-both.html") // "　" (舞萌): std master 99.5012% FC+ FS+, dx master 101%
	detail.ObservedAt = cn("2026-11-22 12:00")
	// Saved on 11-25, played on 11-24 and 11-21:
	//   ウミユリ海底譚 101% AP+ after the play's 100.7654% AP — raises (and
	//     stays the source when the older play, imported after it, raises
	//     only the DX score the file does not hold);
	//   Help me, ERINNNNNN!! 98% under the play's 99.0012% — changes nothing
	//     (imported first, it makes the best, and the older play, raising
	//     every field, becomes the source, as in time order);
	//   "　" std master 100.2% played before the musicDetail page — ignored.
	later := lxns("later.json", "2026-11-25 20:00",
		rec("ウミユリ海底譚", "dx", 3, 101, "app", "fsdp", "2026-11-24 21:00"),
		rec("Help me, ERINNNNNN!!", "standard", 4, 98, "", "", "2026-11-24 21:00"),
		rec("\u3000", "standard", 3, 100.2, "fc", "", "2026-11-21 20:00"))
	// Saved on 11-23: "　" std master 99.9% AP played on 11-21, before the
	// musicDetail page, which (imported after it) replaces the claim.
	earlier := lxns("earlier.json", "2026-11-23 20:00", rec("\u3000", "standard", 3, 99.9, "ap", "", "2026-11-21 21:00"))

	for _, src := range []Source{later, earlier, record, detail} { // not in time order
		if res := a.ImportWith(ctx, src, ImportOptions{Player: "cn"}); res.Status != Added {
			t.Fatalf("import %s: %s %v", src.Name, res.Status, res.Err)
		}
	}
	names := map[string]string{}
	for _, src := range []Source{later, earlier, record, detail} {
		sum := sha256.Sum256(src.Data)
		names[hex.EncodeToString(sum[:])] = src.Name
	}
	state := func() string {
		best, _ := bestOf(t, a, "cn")
		shas := pageSHAs(t, a, "cn")
		var lines []string
		for c, b := range best {
			lines = append(lines, fmt.Sprintf("%s %s %s [%s]: %v %s %s dx %d from %s %s at %s", c.Title, c.Type, c.Difficulty, b.Genre,
				b.Achievement, b.FC, b.FS, b.DXScore, b.Source, names[shas[b.SourcePageID]], b.SourceAt.Format(time.RFC3339)))
		}
		slices.Sort(lines)
		return strings.Join(lines, "\n")
	}
	imported := state()
	for _, want := range []string{
		"ウミユリ海底譚 dx master []: 101.0000 app fsdp dx 2911 from lxns-json later.json",
		"Help me, ERINNNNNN!! std remaster []: 99.0012 fcp fs dx 1902 from dxnet:record record-cn-mixed.html",
		"\u3000 std master [舞萌]: 99.5012 fcp fsp dx 1700 from dxnet:musicDetail musicDetail-cn-both.html",
	} {
		if !strings.Contains(imported, want) {
			t.Errorf("after import, want %q in\n%s", want, imported)
		}
	}
	if _, err := a.Reparse(ctx, "cn"); err != nil {
		t.Fatal(err)
	}
	if re := state(); re != imported {
		t.Errorf("reparse changed the bests or their provenance:\n%s\nimport order gave\n%s", re, imported)
	}
}
