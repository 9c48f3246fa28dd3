package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// tachiByTitle is a Tachi file of one score named by title: it does not
// say its game region.
var tachiByTitle = []byte(`{"meta":{"game":"maimaidx","playtype":"Single","service":"x"},"scores":[` +
	`{"percent":100.5432,"lamp":"FULL COMBO+","matchType":"songTitle","identifier":"群青シグナル","difficulty":"DX Master","timeAchieved":1714566660000}]}`)

// maiprobeCSV starts like maiprobe's CSV of bests.
var maiprobeCSV = []byte("\xef\xbb\xbftitle,type,difficulty,utage_kind,buddy,genre,level,constant,song_id,achievement,rank,dx_score,dx_score_max,dx_stars,fc,fs,play_count,rating,last_played_at,updated_at\r\n" +
	"Altale,std,advanced,,,,8,,,101.0000,sssp,744,744,5,app,fsdp,1,0,,2024-05-01 20:40:00\r\n")

// TestImportRegionForm: on the import page a Tachi file into a player of
// no region is refused, saying in the page's language to choose the
// region; with the form's region it goes in. maiprobe's CSV is refused as
// export-only, in Chinese on a Chinese page.
func TestImportRegionForm(t *testing.T) {
	ap := newApp(t, Config{})
	ap.addUser("alice", "alice")
	b := ap.browser()
	ap.mustLogin(b, "", "alice")
	form := mustGet(t, b, "/p/alice/import")
	if !strings.Contains(form, `<select name="region">`) || !strings.Contains(form, "其他工具文件的游戏地区") {
		t.Fatalf("the import form has no region choice")
	}
	tok := b.csrf("/p/alice/import")
	post := func(fields map[string]string, files map[string][]byte) response {
		fields["csrf"] = tok
		body, ct := multipartForm(t, fields, files)
		req := httptest.NewRequest(http.MethodPost, "/p/alice/import", body)
		req.Header.Set("Content-Type", ct)
		return b.do(req)
	}
	res := post(map[string]string{}, map[string][]byte{"tachi.json": tachiByTitle})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.body, "文件没有注明游戏地区，请在上面选择地区后再导入") {
		t.Errorf("tachi, no region: %d\n%s", res.StatusCode, res.body)
	}
	res = post(map[string]string{}, map[string][]byte{"bests.csv": maiprobeCSV})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.body, "maiprobe 导出的 CSV 只供表格软件使用，不能导入") ||
		strings.Contains(res.body, "不是 maimai DX NET") {
		t.Errorf("maiprobe CSV: %d\n%s", res.StatusCode, res.body)
	}
	res = post(map[string]string{"region": "jp"}, map[string][]byte{"tachi.json": tachiByTitle})
	if res.StatusCode != http.StatusOK || !strings.Contains(res.body, "(jp)") || !strings.Contains(res.body, `<option value="jp" selected>`) {
		t.Errorf("tachi, region jp: %d\n%s", res.StatusCode, res.body)
	}
	b.headers["Accept-Language"] = "en"
	res = post(map[string]string{}, map[string][]byte{"bests.csv": maiprobeCSV})
	if !strings.Contains(res.body, "maiprobe&#39;s CSV is export-only") {
		t.Errorf("maiprobe CSV, English page: %d\n%s", res.StatusCode, res.body)
	}
}

// TestImportRegionAPI: /api/import?region= names the region of a file
// that does not say it; a wrong one is a 400.
func TestImportRegionAPI(t *testing.T) {
	ap := newApp(t, Config{})
	ap.addUser("alice", "alice")
	tok := ap.newImportToken("alice")
	b := ap.browser()
	res, ans := b.apiPost("/api/import", tok, "application/json", tachiByTitle)
	if res.StatusCode != http.StatusOK || ans.Status != "rejected" || !strings.Contains(ans.Files[0].Error, "region=") {
		t.Errorf("no region: %d %+v", res.StatusCode, ans)
	}
	if res, _ := b.apiPost("/api/import?region=eu", tok, "application/json", tachiByTitle); res.StatusCode != http.StatusBadRequest {
		t.Errorf("region eu: %d %s", res.StatusCode, res.body)
	}
	res, ans = b.apiPost("/api/import?region=intl", tok, "application/json", tachiByTitle)
	if res.StatusCode != http.StatusOK || ans.Status != "added" || ans.Files[0].Region != "intl" || ans.Files[0].Kind != "interchange:tachi-batch" {
		t.Errorf("region intl: %d %+v\n%s", res.StatusCode, ans, res.body)
	}
}
