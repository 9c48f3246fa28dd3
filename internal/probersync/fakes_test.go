package probersync_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/interchange"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

// The fake services answer like the real ones as their public documents
// and code describe them (diving-fish doc/docs/developer/zh-api-document.md
// 2.2 and 3.1.11, database/routes/maimai.py update_records; Lxns
// public/docs/api/maimai.md, the personal API and the Score type), check
// the token header and every field's type, keep what they accept per
// account, and fail on demand.

// failure is what a fake does to one request instead of serving it.
type failure int

const (
	failNone  failure = iota
	fail500           // answer 500 without keeping the batch
	failDrop          // read the request, then drop the connection without answering or keeping it
	failAfter         // keep the batch, then drop the connection: the answer is lost
)

// fake is what both fakes share: accounts by token, requests seen, and
// failures planned by request number.
type fake struct {
	t        testing.TB
	srv      *httptest.Server
	mu       sync.Mutex
	accounts map[string]string // token → account
	requests int
	bodies   [][]byte
	failures map[int]failure // 1-based request number → failure
	// refused counts requests whose batch was refused (bad token or shape).
	refused int
}

func (f *fake) URL() string { return f.srv.URL }

// failOn makes request n (1-based, counting every request) fail.
func (f *fake) failOn(n int, how failure) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failures[n] = how
}

// Requests is how many requests reached the fake.
func (f *fake) Requests() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests
}

// serve runs handle for a request to path whose token (in header) the
// service's handler has checked; handle returns the status and answer,
// and keep, which stores the batch and is run unless a planned failure
// says otherwise.
func (f *fake) serve(w http.ResponseWriter, r *http.Request, path, header string, handle func(account string, body []byte) (int, any, func())) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests++
	how := f.failures[f.requests]
	body, err := io.ReadAll(io.LimitReader(r.Body, 16<<20))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.bodies = append(f.bodies, body)
	if r.Method != http.MethodPost || r.URL.Path != path {
		http.NotFound(w, r)
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		f.t.Errorf("%s: Content-Type %q, want application/json", path, ct)
	}
	switch how {
	case fail500:
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte("<html>502 Bad Gateway</html>"))
		return
	case failDrop:
		drop(f.t, w)
		return
	}
	status, ans, keep := handle(f.accounts[r.Header.Get(header)], body)
	if keep == nil {
		f.refused++
	} else {
		keep()
	}
	if how == failAfter {
		drop(f.t, w)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(ans)
}

func drop(t testing.TB, w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		t.Fatal("the fake cannot drop a connection")
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		t.Fatal(err)
	}
	conn.Close()
}

// strictFields decodes a JSON object and refuses keys outside allowed.
func strictFields(raw json.RawMessage, allowed ...string) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("not an object: %v", err)
	}
	for k := range m {
		if !slices.Contains(allowed, k) {
			return nil, fmt.Errorf("unknown field %q", k)
		}
	}
	return m, nil
}

func number(m map[string]json.RawMessage, k string) (float64, error) {
	var v float64
	if err := json.Unmarshal(m[k], &v); err != nil || m[k] == nil {
		return 0, fmt.Errorf("%s: %s is not a number", k, m[k])
	}
	return v, nil
}

func integer(m map[string]json.RawMessage, k string) (int, error) {
	v, err := number(m, k)
	if err != nil || v != math.Trunc(v) {
		return 0, fmt.Errorf("%s: %s is not an integer", k, m[k])
	}
	return int(v), nil
}

func str(m map[string]json.RawMessage, k string) (string, error) {
	var v string
	if err := json.Unmarshal(m[k], &v); err != nil || m[k] == nil {
		return "", fmt.Errorf("%s: %s is not a string", k, m[k])
	}
	return v, nil
}

// dfChart names a chart as update_records matches it.
type dfChart struct {
	Title      string
	Type       string
	LevelIndex int
}

// dfBest is what diving-fish keeps of a chart.
type dfBest struct {
	Achievements float64
	DXScore      int
	FC, FS       string
}

// dfSong is what the fake's song data says of a chart: the fields
// /player/records answers beside the score.
type dfSong struct {
	SongID int
	DS     float64
	Level  string
}

// fakeDivingFish serves POST /api/maimaidxprober/player/update_records
// and GET /api/maimaidxprober/player/records. requests (and failOn)
// count the updates only; reads counts the record reads.
type fakeDivingFish struct {
	fake
	// records by account, as update_records keeps them: the last one
	// sent per chart overwrites the one before, whether higher or lower
	// (routes/maimai.py assigns every field of the matching row).
	records map[string]map[dfChart]dfBest
	songs   map[dfChart]dfSong
	reads   int
	// readFail is what the next record read does instead of answering.
	readFail failure
}

func newFakeDivingFish(t testing.TB, tokens map[string]string) *fakeDivingFish {
	f := &fakeDivingFish{fake: fake{t: t, accounts: tokens, failures: map[int]failure{}}, records: map[string]map[dfChart]dfBest{}, songs: map[dfChart]dfSong{}}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := f.accounts[r.Header.Get("Import-Token")]; !ok {
			// diving-fish's doc 2.2: a wrong (or missing) Import-Token,
			// on every route that takes one.
			f.mu.Lock()
			if r.Method == http.MethodGet {
				f.reads++
			} else {
				f.requests++
			}
			f.refused++
			f.mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"status": "error", "message": "导入token有误"}`))
			return
		}
		if r.Method == http.MethodGet && r.URL.Path == "/api/maimaidxprober/player/records" {
			f.serveRecords(w, f.accounts[r.Header.Get("Import-Token")])
			return
		}
		f.serve(w, r, "/api/maimaidxprober/player/update_records", "Import-Token", f.update)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

// serveRecords answers /player/records as the doc's 3.1.5 and
// record_json describe it: the player's fields and every record, each
// with its song data (ds, level, song_id) and what diving-fish derives
// from the achievement (rate, ra).
func (f *fakeDivingFish) serveRecords(w http.ResponseWriter, account string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads++
	how := f.readFail
	f.readFail = failNone
	switch how {
	case fail500:
		w.WriteHeader(http.StatusBadGateway)
		w.Write([]byte("<html>502 Bad Gateway</html>"))
		return
	case failDrop, failAfter:
		drop(f.t, w)
		return
	}
	records := []map[string]any{}
	for c, b := range f.records[account] {
		song := f.songs[c]
		// A two-player utage's achievement reaches 202%; its rate is
		// that of the capped 101%.
		ach, err := interchange.AchievementOf(min(b.Achievements, 101))
		if err != nil {
			f.t.Errorf("the fake holds %+v: %v", b, err)
		}
		records = append(records, map[string]any{
			"achievements": b.Achievements, "ds": song.DS, "dxScore": b.DXScore, "fc": b.FC, "fs": b.FS,
			"level": song.Level, "level_index": c.LevelIndex, "level_label": levelLabel(song.SongID, c.LevelIndex),
			"ra": int(song.DS * b.Achievements * 0.2), "rate": string(maimai.RankOf(ach)), "song_id": song.SongID,
			"title": c.Title, "type": c.Type,
		})
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	json.NewEncoder(w).Encode(map[string]any{
		"username": account, "nickname": account, "rating": 0, "additional_rating": 0, "plate": "", "records": records,
	})
}

// levelLabel is record_json's level_label: Utage for a utage song.
func levelLabel(songID, levelIndex int) string {
	if songID >= 100000 {
		return "Utage"
	}
	return interchange.DivingFishLevelLabels[levelIndex]
}

// seed stores records as if another tool (or the player by hand) had
// sent them to the account.
func (f *fakeDivingFish) seed(account string, recs map[dfChart]dfBest, songs map[dfChart]dfSong) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.records[account] == nil {
		f.records[account] = map[dfChart]dfBest{}
	}
	for c, b := range recs {
		f.records[account][c] = b
		if s, ok := songs[c]; ok {
			f.songs[c] = s
		}
	}
}

// deleteAll empties the account, as /player/delete_records does.
func (f *fakeDivingFish) deleteAll(account string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.records, account)
}

// Reads is how many record reads reached the fake.
func (f *fakeDivingFish) Reads() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reads
}

// update checks the body as diving-fish would and more strictly (a field
// of no record shape is refused, not ignored: it would be a writer's bug).
func (f *fakeDivingFish) update(account string, body []byte) (int, any, func()) {
	var list []json.RawMessage
	if err := json.Unmarshal(body, &list); err != nil {
		return http.StatusNotFound, map[string]string{"message": "导入数据格式有误"}, nil
	}
	got := map[dfChart]dfBest{}
	songs := map[dfChart]dfSong{}
	for i, raw := range list {
		c, b, err := dfRecord(raw)
		if err != nil {
			f.t.Errorf("diving-fish: record %d: %v", i, err)
			return http.StatusBadRequest, map[string]string{"message": fmt.Sprintf("record %d: %v", i, err)}, nil
		}
		got[c] = b
		var s struct {
			SongID int     `json:"song_id"`
			DS     float64 `json:"ds"`
			Level  string  `json:"level"`
		}
		json.Unmarshal(raw, &s)
		songs[c] = dfSong{s.SongID, s.DS, s.Level}
	}
	updates := 0
	for c := range got {
		if _, ok := f.records[account][c]; ok {
			updates++
		}
	}
	keep := func() {
		if f.records[account] == nil {
			f.records[account] = map[dfChart]dfBest{}
		}
		for c, b := range got {
			// Overwritten, never compared: diving-fish's behaviour.
			f.records[account][c] = b
			f.songs[c] = songs[c]
		}
	}
	return http.StatusOK, map[string]any{"message": "更新成功", "updates": updates, "creates": len(got) - updates}, keep
}

func dfRecord(raw json.RawMessage) (dfChart, dfBest, error) {
	var c dfChart
	var b dfBest
	m, err := strictFields(raw, "achievements", "dxScore", "fc", "fs", "level_index", "title", "type",
		// The rest of the /player/records shape, which update_records ignores.
		"ds", "level", "level_label", "ra", "rate", "song_id")
	if err != nil {
		return c, b, err
	}
	if b.Achievements, err = number(m, "achievements"); err != nil {
		return c, b, err
	}
	if b.Achievements < 0 || b.Achievements > 101 {
		return c, b, fmt.Errorf("achievements %v out of 0–101", b.Achievements)
	}
	if b.DXScore, err = integer(m, "dxScore"); err != nil || b.DXScore < 0 {
		return c, b, fmt.Errorf("dxScore: %v (%d)", err, b.DXScore)
	}
	if b.FC, err = str(m, "fc"); err != nil || !slices.Contains([]string{"", "fc", "fcp", "ap", "app"}, b.FC) {
		return c, b, fmt.Errorf("fc %q: %v", b.FC, err)
	}
	if b.FS, err = str(m, "fs"); err != nil || !slices.Contains([]string{"", "sync", "fs", "fsp", "fsd", "fsdp"}, b.FS) {
		return c, b, fmt.Errorf("fs %q: %v", b.FS, err)
	}
	if c.LevelIndex, err = integer(m, "level_index"); err != nil || c.LevelIndex < 0 || c.LevelIndex > 4 {
		return c, b, fmt.Errorf("level_index %d: %v", c.LevelIndex, err)
	}
	if c.Title, err = str(m, "title"); err != nil || c.Title == "" {
		return c, b, fmt.Errorf("title %q: %v", c.Title, err)
	}
	if c.Type, err = str(m, "type"); err != nil || (c.Type != "SD" && c.Type != "DX") {
		return c, b, fmt.Errorf("type %q: %v", c.Type, err)
	}
	return c, b, nil
}

// Records returns a copy of what the account holds.
func (f *fakeDivingFish) Records(account string) map[dfChart]dfBest {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[dfChart]dfBest{}
	for c, b := range f.records[account] {
		out[c] = b
	}
	return out
}

// lxScore is one play as the fake Lxns keeps it.
type lxScore struct {
	ID           int
	Type         string
	LevelIndex   int
	Achievements float64
	FC, FS       string // "" for null
	DXScore      int
	PlayTime     time.Time
}

// fakeLxns serves the personal API's POST /api/v0/user/maimai/player/scores.
type fakeLxns struct {
	fake
	// scores by account: a play sent twice is kept once (counted in dups).
	scores map[string]map[lxScore]int
}

func newFakeLxns(t testing.TB, tokens map[string]string) *fakeLxns {
	f := &fakeLxns{fake: fake{t: t, accounts: tokens, failures: map[int]failure{}}, scores: map[string]map[lxScore]int{}}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := f.accounts[r.Header.Get("X-User-Token")]; !ok {
			f.mu.Lock()
			f.requests++
			f.refused++
			f.mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"success": false, "code": 401, "message": "invalid user token"}`))
			return
		}
		f.serve(w, r, "/api/v0/user/maimai/player/scores", "X-User-Token", f.upload)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeLxns) upload(account string, body []byte) (int, any, func()) {
	bad := func(err error) (int, any, func()) {
		f.t.Errorf("lxns: %v", err)
		return http.StatusBadRequest, map[string]any{"success": false, "code": 400, "message": err.Error()}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	var up struct {
		Scores []json.RawMessage `json:"scores"`
	}
	if err := dec.Decode(&up); err != nil {
		return bad(fmt.Errorf("body: %v", err))
	}
	var got []lxScore
	for i, raw := range up.Scores {
		s, err := lxUpload(raw)
		if err != nil {
			return bad(fmt.Errorf("score %d: %v", i, err))
		}
		got = append(got, s)
	}
	keep := func() {
		if f.scores[account] == nil {
			f.scores[account] = map[lxScore]int{}
		}
		for _, s := range got {
			f.scores[account][s]++
		}
	}
	return http.StatusOK, map[string]any{"success": true, "code": 200}, keep
}

// lxUpload checks one uploaded Score: the fields the upload takes (the
// doc's example), with their types and codes; what only Lxns sends back
// (song_name, level, rate, dx_rating, upload_time) is refused.
func lxUpload(raw json.RawMessage) (lxScore, error) {
	var s lxScore
	m, err := strictFields(raw, "id", "type", "level_index", "achievements", "fc", "fs", "dx_score", "play_time")
	if err != nil {
		return s, err
	}
	if s.ID, err = integer(m, "id"); err != nil || s.ID <= 0 || (s.ID >= 10000 && s.ID < 100000) {
		return s, fmt.Errorf("id %d: %v (Lxns ids are below 10000, or utage above 100000)", s.ID, err)
	}
	if s.Type, err = str(m, "type"); err != nil || !slices.Contains([]string{"standard", "dx", "utage"}, s.Type) {
		return s, fmt.Errorf("type %q: %v", s.Type, err)
	}
	if s.LevelIndex, err = integer(m, "level_index"); err != nil || s.LevelIndex < 0 || s.LevelIndex > 4 {
		return s, fmt.Errorf("level_index %d: %v", s.LevelIndex, err)
	}
	if s.Achievements, err = number(m, "achievements"); err != nil || s.Achievements < 0 || s.Achievements > 101 {
		return s, fmt.Errorf("achievements %v: %v", s.Achievements, err)
	}
	for _, c := range []struct {
		k     string
		dst   *string
		codes []string
	}{{"fc", &s.FC, []string{"fc", "fcp", "ap", "app"}}, {"fs", &s.FS, []string{"sync", "fs", "fsp", "fsd", "fsdp"}}} {
		if string(m[c.k]) == "null" {
			continue
		}
		v, err := str(m, c.k)
		if err != nil || !slices.Contains(c.codes, v) {
			return s, fmt.Errorf("%s %s: want null or one of %v", c.k, m[c.k], c.codes)
		}
		*c.dst = v
	}
	if s.DXScore, err = integer(m, "dx_score"); err != nil || s.DXScore < 0 {
		return s, fmt.Errorf("dx_score: %v", err)
	}
	if m["play_time"] != nil {
		pt, err := str(m, "play_time")
		if err != nil {
			return s, err
		}
		if s.PlayTime, err = time.Parse(time.RFC3339, pt); err != nil || s.PlayTime.Location() != time.UTC || s.PlayTime.Second() != 0 {
			return s, fmt.Errorf("play_time %q: want UTC to the minute (2024-01-01T00:00:00Z)", pt)
		}
	}
	return s, nil
}

// Scores returns a copy of what the account holds, with how many times
// each was received.
func (f *fakeLxns) Scores(account string) map[lxScore]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[lxScore]int{}
	for s, n := range f.scores[account] {
		out[s] = n
	}
	return out
}
