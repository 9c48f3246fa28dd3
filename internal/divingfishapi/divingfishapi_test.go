package divingfishapi

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/api"
	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/dxnet"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/songs"
)

// The synthetic archive of these tests: the player "mai" has the CN
// record page of internal/dxnet/testdata (ウミユリ海底譚 MASTER AP+
// 100.7654%, Help me, ERINNNNNN!! Re:MASTER 99.0012%, Scatman EXPERT
// 72.5%, a utage play and a blank-titled chart no song data has) and a
// playerData page (ｍａｉｍａｉ, course rank 05), with the song data below
// synced. The golden answers are written by hand in the shape of
// diving-fish's API document (zh-api-document.md 3.1.5, 3.1.7, 3.1.8).
//
// ウミユリ海底譚 is of 舞萌DX 2026 (PRiSM PLUS songs), the CN version
// current since 2026-06-09: the new table. The split follows the clock,
// as maiprobe's rating does; the answers below hold until 舞萌DX 2027.

func testSongs() *songs.Database {
	chart := func(d maimai.Difficulty, level string, c songs.Constant, cid int, n songs.Notes) *songs.Chart {
		return &songs.Chart{Difficulty: d, Level: level, Constant: c, SourceID: cid, Notes: n, Charter: "-"}
	}
	dx := songs.Notes{Tap: 500, Hold: 100, Slide: 100, Touch: 50, Break: 25}
	sd := songs.Notes{Tap: 400, Hold: 100, Slide: 100, Break: 18}
	return songs.NewDatabase(maimai.CN, "diving-fish", []*songs.Song{
		{ID: 11300, Key: "11300", Title: "ウミユリ海底譚", Artist: "n-buna", Genre: "niconico & VOCALOID", BPM: 200, Type: maimai.DX,
			Version: "maimai でらっくす PRiSM PLUS", New: true, Charts: []*songs.Chart{
				chart(maimai.Basic, "5", 50, 9001, dx), chart(maimai.Advanced, "8", 80, 9002, dx),
				chart(maimai.Expert, "11+", 117, 9003, dx), chart(maimai.Master, "13+", 137, 9004, dx)}},
		{ID: 389, Key: "389", Title: "Help me, ERINNNNNN!!", Artist: "ビートまりお", Genre: "东方Project", BPM: 200, Type: maimai.Std,
			Version: "maimai MURASAKi", Charts: []*songs.Chart{
				chart(maimai.Basic, "4", 40, 801, sd), chart(maimai.Advanced, "7", 70, 802, sd), chart(maimai.Expert, "10", 100, 803, sd),
				chart(maimai.Master, "12", 124, 804, sd), chart(maimai.ReMaster, "12+", 129, 805, sd)}},
		{ID: 17, Key: "17", Title: "Scatman (Ski Ba Bop Ba Dop Bop)", Artist: "Scatman John", Genre: "流行&动漫", BPM: 136, Type: maimai.Std,
			Version: "maimai", Charts: []*songs.Chart{
				chart(maimai.Basic, "3", 30, 61, sd), chart(maimai.Advanced, "5", 50, 62, sd), chart(maimai.Expert, "8", 80, 63, sd),
				chart(maimai.Master, "10", 100, 64, sd)}},
	})
}

// testdata reads a page of internal/dxnet/testdata.
func testdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "dxnet", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// env is a served handler over a synthetic archive.
type env struct {
	t   *testing.T
	a   *archive.Archive
	srv *httptest.Server
}

// newEnv opens a fresh archive, imports "mai"'s pages with the song data
// synced, makes "mai" public when public, and serves the handler with cfg
// under DefaultPrefix as the web app mounts it.
func newEnv(t *testing.T, public bool, cfg Config) *env {
	t.Helper()
	ctx := context.Background()
	a, err := archive.Open(ctx, filepath.Join(t.TempDir(), "df.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	at := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	for _, name := range []string{"record-cn-mixed.html", "playerData-cn-2025.html"} {
		if res := a.Import(ctx, "mai", archive.Source{Name: name, Data: testdata(t, name), ObservedAt: at}); res.Err != nil {
			t.Fatalf("import %s: %v", name, res.Err)
		}
	}
	if _, err := a.SyncSongs(ctx, testSongs()); err != nil {
		t.Fatal(err)
	}
	if err := a.SetPublic(ctx, "mai", public); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle(DefaultPrefix+"/", http.StripPrefix(DefaultPrefix, New(a, cfg)))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &env{t: t, a: a, srv: srv}
}

// token makes a token of player with scopes.
func (e *env) token(player string, scopes archive.TokenScope) string {
	e.t.Helper()
	secret, _, err := e.a.CreateToken(context.Background(), player, "bot", scopes)
	if err != nil {
		e.t.Fatal(err)
	}
	return secret
}

// do sends a request to path under the prefix with a JSON body (none for
// "") and headers ("Name: value"), and returns the status and body.
func (e *env) do(method, path, body string, headers ...string) (int, string) {
	e.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.srv.URL+DefaultPrefix+path, r)
	if err != nil {
		e.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	if ct := res.Header.Get("Content-Type"); res.StatusCode != http.StatusNotModified && !strings.HasPrefix(ct, "application/json") {
		e.t.Errorf("%s %s: Content-Type %q, want JSON", method, path, ct)
	}
	return res.StatusCode, string(b)
}

// sameJSON fails unless got and want are the same JSON value: every field
// name, every value and every JSON type (a number is not a string, null
// is not absent).
func sameJSON(t *testing.T, what, got, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("%s: answer is not JSON: %v\n%s", what, err, got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("%s: golden is not JSON: %v", what, err)
	}
	if !reflect.DeepEqual(g, w) {
		gi, _ := json.MarshalIndent(g, "", "  ")
		wi, _ := json.MarshalIndent(w, "", "  ")
		t.Errorf("%s:\ngot  %s\nwant %s", what, gi, wi)
	}
}

// The three charts of "mai"'s B50 as diving-fish records. ra: 13.7 ×
// 22.4 × 100.5% = 308; 12.9 × 20.8 × 99.0012% = 265; 8.0 × 11.2 × 72.5%
// = 64 (maiprobe's rating rules, docs/rating.md).
const (
	recUmiyuri = `{"achievements": 100.7654, "ds": 13.7, "dxScore": 2911, "fc": "ap", "fs": "fsdp", "level": "13+",
		"level_index": 3, "level_label": "Master", "ra": 308, "rate": "sssp", "song_id": 11300, "title": "ウミユリ海底譚", "type": "DX"}`
	recHelpMe = `{"achievements": 99.0012, "ds": 12.9, "dxScore": 1902, "fc": "fcp", "fs": "fs", "level": "12+",
		"level_index": 4, "level_label": "Re:MASTER", "ra": 265, "rate": "ss", "song_id": 389, "title": "Help me, ERINNNNNN!!", "type": "SD"}`
	recScatman = `{"achievements": 72.5, "ds": 8, "dxScore": 650, "fc": "", "fs": "sync", "level": "8",
		"level_index": 2, "level_label": "Expert", "ra": 64, "rate": "bb", "song_id": 17, "title": "Scatman (Ski Ba Bop Ba Dop Bop)", "type": "SD"}`
)

func TestQueryPlayerGolden(t *testing.T) {
	e := newEnv(t, true, Config{})
	status, body := e.do("POST", "/query/player", `{"username": "mai", "b50": true}`)
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, body)
	}
	// 3.1.7: the fields of /player/records without records, plus charts
	// and user_general_data (null). additional_rating 5 is course rank
	// 五段; plate is "" (maiprobe does not know the plate shown).
	sameJSON(t, "query/player", body, `{
		"additional_rating": 5,
		"charts": {"dx": [`+recUmiyuri+`], "sd": [`+recHelpMe+`, `+recScatman+`]},
		"nickname": "ｍａｉｍａｉ",
		"plate": "",
		"rating": 637,
		"user_general_data": null,
		"username": "mai"
	}`)
	// Without "b50" diving-fish answers the B40 (old table cut to 25),
	// which holds the same three charts here.
	status, b40 := e.do("POST", "/query/player", `{"username": "mai"}`)
	if status != http.StatusOK {
		t.Fatalf("b40: status %d: %s", status, b40)
	}
	sameJSON(t, "query/player without b50", b40, body)
}

func TestPlayerRecordsGolden(t *testing.T) {
	e := newEnv(t, false, Config{})
	tok := e.token("mai", archive.ScopeRead)
	status, body := e.do("GET", "/player/records", "", "Import-Token: "+tok)
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, body)
	}
	// 3.1.5: every best on a chart of the song data, in song data order;
	// the utage play and the chart the data lacks have no level_index
	// and song_id in diving-fish's terms and are left out.
	want := `{
		"additional_rating": 5,
		"nickname": "ｍａｉｍａｉ",
		"plate": "",
		"rating": 637,
		"records": [` + recUmiyuri + `, ` + recHelpMe + `, ` + recScatman + `],
		"username": "mai"
	}`
	sameJSON(t, "player/records", body, want)
	status, dev := e.do("GET", "/dev/player/records?username=mai", "", "Developer-Token: "+tok)
	if status != http.StatusOK {
		t.Fatalf("dev: status %d: %s", status, dev)
	}
	sameJSON(t, "dev/player/records", dev, want)
	// Authorization: Bearer is taken too, as diving-fish does.
	if status, bearer := e.do("GET", "/player/records", "", "Authorization: Bearer "+tok); status != http.StatusOK {
		t.Errorf("bearer: status %d: %s", status, bearer)
	}
}

func TestQueryPlateGolden(t *testing.T) {
	e := newEnv(t, true, Config{})
	// 3.1.8: the version names are diving-fish's ("from" of music_data);
	// "maimai" is Scatman's, MURASAKi Help me's. A name no song has, and a
	// name twice, add nothing.
	status, body := e.do("POST", "/query/plate", `{"username": "mai", "version": ["maimai", "maimai MURASAKi", "maimai MURASAKi", "maimai GreeN", "no such version"]}`)
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, body)
	}
	sameJSON(t, "query/plate", body, `{"verlist": [
		{"achievements": 72.5, "fc": "", "fs": "sync", "id": 17, "level": "8", "level_index": 2, "title": "Scatman (Ski Ba Bop Ba Dop Bop)", "type": "SD"},
		{"achievements": 99.0012, "fc": "fcp", "fs": "fs", "id": 389, "level": "12+", "level_index": 4, "title": "Help me, ERINNNNNN!!", "type": "SD"}
	]}`)
	status, body = e.do("POST", "/query/plate", `{"username": "mai", "version": ["maimai GreeN"]}`)
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, body)
	}
	sameJSON(t, "query/plate, no song played", body, `{"verlist": []}`)
}

// TestErrors: every refusal in diving-fish's words, status and shape.
func TestErrors(t *testing.T) {
	e := newEnv(t, false, Config{})
	read := e.token("mai", archive.ScopeRead)
	importOnly := e.token("mai", archive.ScopeImport)
	if res := e.a.Import(context.Background(), "other", archive.Source{Name: "record.html", Data: testdata(t, "record-cn-mixed.html")}); res.Err != nil {
		t.Fatal(res.Err)
	}
	otherRead := e.token("other", archive.ScopeRead)
	for _, tc := range []struct {
		name, method, path, body string
		headers                  []string
		status                   int
		want                     string
	}{
		{"qq is bound to no one", "POST", "/query/player", `{"qq": 12345678, "b50": true}`, nil,
			400, `{"message": "user not exists"}`},
		{"unknown username", "POST", "/query/player", `{"username": "nobody", "b50": true}`, nil,
			400, `{"message": "user not exists"}`},
		{"no username", "POST", "/query/player", `{"b50": true}`, nil,
			400, `{"message": "user not exists"}`},
		{"plate of an unknown username", "POST", "/query/plate", `{"username": "nobody", "version": ["maimai"]}`, nil,
			400, `{"message": "user not exists"}`},
		{"private, no token", "POST", "/query/player", `{"username": "mai", "b50": true}`, nil,
			403, `{"status": "error", "message": "已设置隐私或未同意用户协议"}`},
		{"private, import-only token", "POST", "/query/player", `{"username": "mai"}`, []string{"Developer-Token: " + importOnly},
			403, `{"status": "error", "message": "已设置隐私或未同意用户协议"}`},
		{"private, another player's read token", "POST", "/query/plate", `{"username": "mai", "version": ["maimai"]}`, []string{"Developer-Token: " + otherRead},
			403, `{"status": "error", "message": "已设置隐私或未同意用户协议"}`},
		{"wrong developer token", "POST", "/query/player", `{"username": "mai"}`, []string{"Developer-Token: mpi_wrong"},
			400, `{"status": "error", "message": "开发者token有误", "msg": "开发者token有误"}`},
		{"records without a token", "GET", "/player/records", "", nil,
			400, `{"status": "error", "message": "导入token有误"}`},
		{"records with a wrong token", "GET", "/player/records", "", []string{"Import-Token: mpi_wrong"},
			400, `{"status": "error", "message": "导入token有误"}`},
		{"dev records without a token", "GET", "/dev/player/records?username=mai", "", nil,
			400, `{"status": "error", "message": "开发者token有误", "msg": "开发者token有误"}`},
		{"dev records of a private player with another player's token", "GET", "/dev/player/records?username=mai", "", []string{"Developer-Token: " + otherRead},
			403, `{"status": "error", "message": "已设置隐私或未同意用户协议"}`},
		{"dev records by qq", "GET", "/dev/player/records?qq=12345678", "", []string{"Developer-Token: " + read},
			400, `{"message": "no such user"}`},
		{"dev records of no one", "GET", "/dev/player/records?username=nobody", "", []string{"Developer-Token: " + read},
			400, `{"message": "no such user"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := e.do(tc.method, tc.path, tc.body, tc.headers...)
			if status != tc.status {
				t.Errorf("status %d, want %d: %s", status, tc.status, body)
			}
			sameJSON(t, tc.name, body, tc.want)
		})
	}
	// An import-only token reads nothing, not even its own player.
	for _, h := range []string{"Import-Token: " + importOnly, "Authorization: Bearer " + importOnly} {
		status, body := e.do("GET", "/player/records", "", h)
		if status != http.StatusForbidden || !strings.Contains(body, "access token 缺少权限") {
			t.Errorf("%s: status %d: %s", h, status, body)
		}
	}
	status, body := e.do("GET", "/dev/player/records?username=mai", "", "Developer-Token: "+importOnly)
	if status != http.StatusForbidden {
		t.Errorf("dev records with an import-only token: status %d: %s", status, body)
	}
	// Its own read token reads the private player everywhere.
	for _, tc := range []struct{ method, path, body, header string }{
		{"POST", "/query/player", `{"username": "mai", "b50": 1}`, "Developer-Token: " + read},
		{"POST", "/query/player", `{"username": "mai", "b50": 1}`, "Import-Token: " + read},
		{"POST", "/query/plate", `{"username": "mai", "version": ["maimai"]}`, "Authorization: Bearer " + read},
		{"GET", "/dev/player/records?username=mai", "", "Developer-Token: " + read},
	} {
		if status, body := e.do(tc.method, tc.path, tc.body, tc.header); status != http.StatusOK {
			t.Errorf("%s %s with its read token: status %d: %s", tc.method, tc.path, status, body)
		}
	}
	// /player/records answers the token's own player, whatever is asked.
	status, body = e.do("GET", "/player/records?username=mai", "", "Import-Token: "+otherRead)
	if status != http.StatusOK || !strings.Contains(body, `"username":"other"`) {
		t.Errorf("another player's token: status %d: %s", status, body)
	}
}

func TestBadRequests(t *testing.T) {
	e := newEnv(t, true, Config{})
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
	}{
		{"not JSON", "POST", "/query/player", `username=mai`, 400},
		{"plate without versions", "POST", "/query/plate", `{"username": "mai"}`, 400},
		{"too many versions", "POST", "/query/plate", `{"username": "mai", "version": [` + strings.Repeat(`"maimai",`, 64) + `"maimai"]}`, 400},
		{"body too big", "POST", "/query/player", `{"username": "mai", "x": "` + strings.Repeat("a", maxBody) + `"}`, 413},
		{"GET a POST endpoint", "GET", "/query/player", "", 405},
		{"POST a GET endpoint", "POST", "/player/records", `{}`, 405},
		{"an endpoint not served", "GET", "/rating_ranking", "", 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := e.do(tc.method, tc.path, tc.body)
			if status != tc.status {
				t.Errorf("status %d, want %d: %s", status, tc.status, body)
			}
			var msg struct{ Message string }
			if err := json.Unmarshal([]byte(body), &msg); err != nil || msg.Message == "" {
				t.Errorf("answer is not {\"message\": …}: %s", body)
			}
		})
	}
}

// TestRateLimit: a caller without a token has the address's budget, a
// token its own, and each is spent at its burst.
func TestRateLimit(t *testing.T) {
	e := newEnv(t, true, Config{Limits: api.Limits{TokenBurst: 3, TokenEvery: time.Hour, AddrBurst: 2, AddrEvery: time.Hour}})
	tok := e.token("mai", archive.ScopeRead)
	for i, tc := range []struct {
		header string
		status int
	}{
		{"", 200}, {"", 200}, {"", 429},
		{"Developer-Token: " + tok, 200}, {"Developer-Token: " + tok, 200}, {"Developer-Token: " + tok, 200}, {"Developer-Token: " + tok, 429},
	} {
		var headers []string
		if tc.header != "" {
			headers = append(headers, tc.header)
		}
		status, body := e.do("POST", "/query/player", `{"username": "mai", "b50": true}`, headers...)
		if status != tc.status {
			t.Errorf("request %d: status %d, want %d: %s", i+1, status, tc.status, body)
		}
		if status == http.StatusTooManyRequests {
			sameJSON(t, "429", body, `{"status": "error", "message": "已超出今日请求上限"}`)
		}
	}
}

func TestMusicData(t *testing.T) {
	e := newEnv(t, true, Config{})
	status, body := e.do("GET", "/music_data", "")
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, body)
	}
	var list []map[string]any
	if err := json.Unmarshal([]byte(body), &list); err != nil || len(list) != 3 {
		t.Fatalf("want 3 songs: %v\n%.300s", err, body)
	}
	byID := map[any]map[string]any{}
	for _, s := range list {
		byID[s["id"]] = s
	}
	// 3.1.4's shape; id is a string there.
	one, _ := json.Marshal(byID["17"])
	sameJSON(t, "music_data song 17", string(one), `{"id": "17", "title": "Scatman (Ski Ba Bop Ba Dop Bop)", "type": "SD",
		"ds": [3, 5, 8, 10], "level": ["3", "5", "8", "10"], "cids": [61, 62, 63, 64],
		"charts": [{"notes": [400, 100, 100, 18], "charter": "-"}, {"notes": [400, 100, 100, 18], "charter": "-"},
			{"notes": [400, 100, 100, 18], "charter": "-"}, {"notes": [400, 100, 100, 18], "charter": "-"}],
		"basic_info": {"title": "Scatman (Ski Ba Bop Ba Dop Bop)", "artist": "Scatman John", "genre": "流行&动漫", "bpm": 136,
			"release_date": "", "from": "maimai", "is_new": false}}`)
	dx, _ := json.Marshal(byID["11300"]["charts"].([]any)[0])
	sameJSON(t, "a DX chart's notes", string(dx), `{"notes": [500, 100, 100, 50, 25], "charter": "-"}`)
}

func TestAdditionalRating(t *testing.T) {
	for _, tc := range []struct {
		file string
		want int
	}{
		{"course_rank_00abcdefgh.png", 0},  // 初心者
		{"course_rank_10abcdefgh.png", 10}, // 十段
		{"course_rank_12abcdefgh.png", 11}, // 真初段
		{"course_rank_21abcdefgh.png", 20}, // 真十段
		{"course_rank_22abcdefgh.png", 21}, // 真皆伝
		{"course_rank_23abcdefgh.png", 22}, // 裏皆伝
		{"course_rank_11abcdefgh.png", 0},  // no such rank
		{"class_rank_s_10abcdefgh.png", 0}, // a class rank, not a course rank
		{"", 0},
	} {
		if got := additionalRating(dxnet.Profile{CourseRank: tc.file}); got != tc.want {
			t.Errorf("%q: %d, want %d", tc.file, got, tc.want)
		}
	}
}

func TestCleanPrefix(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", DefaultPrefix}, {"off", ""}, {"/df/", "/df"}, {"/api/maimaidxprober", DefaultPrefix}, {" /x/y ", "/x/y"},
	} {
		if got, err := CleanPrefix(tc.in); err != nil || got != tc.want {
			t.Errorf("CleanPrefix(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"/", "api", "/api", "/api/v1", "/api/v1/x", "/api/import", "/p", "/static/x", "/a b", "/a?b", "/a//b", "/a/../b"} {
		if got, err := CleanPrefix(bad); err == nil {
			t.Errorf("CleanPrefix(%q) = %q, want an error", bad, got)
		}
	}
}
