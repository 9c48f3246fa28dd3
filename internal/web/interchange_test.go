package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
)

// foreignTestdata reads a file of another tool from the readers' testdata.
func foreignTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("../interchange/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// badDivingFish is a diving-fish file whose second record claims 120%.
var badDivingFish = []byte(`[
 {"achievements": 99.5, "dxScore": 800, "fc": "", "fs": "", "level_index": 3, "title": "Good", "type": "DX"},
 {"achievements": 120, "dxScore": 800, "fc": "", "fs": "", "level_index": 3, "title": "Forged", "type": "DX"}
]`)

// bestSources reads a player's bests as source by title, through the
// current rating (every best is in one of its tables).
func bestSources(t *testing.T, a *archive.Archive, player string) map[string]string {
	t.Helper()
	r, err := a.Rating(context.Background(), player, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, tab := range [][]archive.RatingEntry{r.New, r.Old, r.Unknown} {
		for _, e := range tab {
			out[e.Title+" "+string(e.Difficulty)] = e.Source
		}
	}
	return out
}

// TestImportForeignUpload: a diving-fish JSON and an Lxns CSV uploaded on
// the player's import page go in as bests with their provenance; the
// results name the formats in words, not "interchange:…"; a file with one
// bad record is refused (422) naming it, and writes nothing; the song list
// and the B50 page mark the imported bests.
func TestImportForeignUpload(t *testing.T) {
	ap := newApp(t, Config{})
	ap.addUser("alice", "alice")
	b := ap.browser()
	ap.mustLogin(b, "", "alice")
	tok := b.csrf("/p/alice/import")
	post := func(files map[string][]byte) response {
		body, ct := multipartForm(t, map[string]string{"csrf": tok}, files)
		req := httptest.NewRequest(http.MethodPost, "/p/alice/import", body)
		req.Header.Set("Content-Type", ct)
		return b.do(req)
	}
	res := post(map[string][]byte{"records.json": foreignTestdata(t, "divingfish-records.json"), "lxns.csv": foreignTestdata(t, "lxns.csv")})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("upload: %d\n%s", res.StatusCode, res.body)
	}
	for _, want := range []string{"水鱼成绩（JSON）", "落雪成绩（CSV）"} {
		if !strings.Contains(res.body, want) {
			t.Errorf("the results do not name the format %q", want)
		}
	}
	if strings.Contains(res.body, "interchange:") {
		t.Errorf("the results show a raw kind:\n%s", res.body)
	}
	src := bestSources(t, ap.a, "alice")
	if src["群青シグナル master"] == "" || !strings.HasPrefix(src["群青シグナル master"], "divingfish") && !strings.HasPrefix(src["群青シグナル master"], "lxns") ||
		src["PANDORA PARADOXXX remaster"] != "lxns-csv" {
		t.Errorf("bests by source: %v", src)
	}

	before, _ := ap.a.CountPlays(context.Background(), "alice")
	bestsBefore := len(bestSources(t, ap.a, "alice"))
	res = post(map[string][]byte{"forged.json": badDivingFish})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.body, "record 2") || !strings.Contains(res.body, "Forged") {
		t.Errorf("a file with a bad record: %d, want 422 naming record 2\n%s", res.StatusCode, res.body)
	}
	after, _ := ap.a.CountPlays(context.Background(), "alice")
	if n := len(bestSources(t, ap.a, "alice")); n != bestsBefore || after != before {
		t.Errorf("the refused file wrote: %d → %d bests", bestsBefore, n)
	}

	// Where bests are shown, the imported ones are marked.
	songs := mustGet(t, b, "/p/alice/songs?played=1")
	if !strings.Contains(songs, `class="badge prov"`) || !strings.Contains(songs, "来自 落雪 导入") {
		t.Errorf("the song list marks no imported best")
	}
	chart := mustGet(t, b, "/p/alice/chart?title=PANDORA+PARADOXXX&type=std&diff=remaster")
	if !strings.Contains(chart, "来自 落雪 导入 · 2024-01-01") || !strings.Contains(chart, `class="badge prov"`) {
		t.Errorf("the chart page does not say its best came from the Lxns file (played 2024-01-01 in CN time)")
	}
	b50 := mustGet(t, b, "/p/alice/rating")
	if !strings.Contains(b50, `class="badge prov"`) {
		t.Errorf("the B50 page marks no imported best")
	}
}

// TestImportForeignAPI: the import API takes another tool's JSON and CSV
// with the player's token; a token of one player cannot put a file into
// another (docs/security.md); a bad file is refused naming the record,
// nothing written.
func TestImportForeignAPI(t *testing.T) {
	ap := newApp(t, Config{})
	ap.addUser("alice", "alice")
	ap.addUser("bob", "bob")
	alice := ap.newImportToken("alice")
	ap.newImportToken("bob")
	b := ap.browser()

	res, ans := b.apiPost("/api/import", alice, "application/json", foreignTestdata(t, "divingfish-records.json"))
	if res.StatusCode != http.StatusOK || ans.Player != "alice" || ans.Status != "added" || ans.Files[0].Kind != "interchange:divingfish-json" ||
		ans.Files[0].Added.Scores != 5 || ans.Name != "scores.json" {
		t.Fatalf("diving-fish JSON: %d %+v\n%s", res.StatusCode, ans, res.body)
	}
	res, ans = b.apiPost("/api/import?name=lxns.csv", alice, "text/csv; charset=utf-8", foreignTestdata(t, "lxns.csv"))
	if res.StatusCode != http.StatusOK || ans.Status != "added" || ans.Files[0].Kind != "interchange:lxns-csv" {
		t.Fatalf("Lxns CSV: %d %+v\n%s", res.StatusCode, ans, res.body)
	}
	if src := bestSources(t, ap.a, "alice"); src["PANDORA PARADOXXX remaster"] != "lxns-csv" {
		t.Errorf("alice's bests: %v", src)
	}

	// alice's token names bob: refused, and bob has nothing.
	res, _ = b.apiPost("/api/import?player=bob", alice, "application/json", foreignTestdata(t, "lxns-scores.json"))
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("alice's token into bob: %d %s", res.StatusCode, res.body)
	}
	if _, err := ap.a.Rating(context.Background(), "bob", time.Time{}); err == nil {
		t.Errorf("bob has scores after a refused file")
	}

	n := len(bestSources(t, ap.a, "alice"))
	res, ans = b.apiPost("/api/import", alice, "application/json", badDivingFish)
	if res.StatusCode != http.StatusOK || ans.Status != "rejected" || !strings.Contains(ans.Files[0].Error, "record 2") {
		t.Errorf("a bad file: %d %+v", res.StatusCode, ans)
	}
	if m := len(bestSources(t, ap.a, "alice")); m != n {
		t.Errorf("the refused file wrote bests: %d → %d", n, m)
	}
}
