package interchange

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

func TestCodes(t *testing.T) {
	for _, c := range []struct {
		in   string
		fc   maimai.FC
		fcOK bool
		fs   maimai.FS
		fsOK bool
	}{
		{"", maimai.NoFC, true, maimai.NoFS, true},
		{"fc", maimai.FCN, true, "", false},
		{"fcp", maimai.FCP, true, "", false},
		{"ap", maimai.AP, true, "", false},
		{"app", maimai.APP, true, "", false},
		{"sync", "", false, maimai.Sync, true},
		{"fs", "", false, maimai.FSN, true},
		{"fsp", "", false, maimai.FSP, true},
		{"fsd", "", false, maimai.FSD, true},
		{"fsdp", "", false, maimai.FSDP, true},
		{"fdx", "", false, maimai.FSD, true},
		{"fdxp", "", false, maimai.FSDP, true},
		{"FC", "", false, "", false},
		{"fsd+", "", false, "", false},
	} {
		fc, err := ParseFC(c.in)
		if (err == nil) != c.fcOK || fc != c.fc {
			t.Errorf("ParseFC(%q) = %q, %v; want %q ok=%v", c.in, fc, err, c.fc, c.fcOK)
		}
		fs, err := ParseFS(c.in)
		if (err == nil) != c.fsOK || fs != c.fs {
			t.Errorf("ParseFS(%q) = %q, %v; want %q ok=%v", c.in, fs, err, c.fs, c.fsOK)
		}
	}
	for _, r := range []string{"d", "c", "b", "bb", "bbb", "a", "aa", "aaa", "s", "sp", "ss", "ssp", "sss", "sssp"} {
		if got, err := ParseRate(r); err != nil || string(got) != r {
			t.Errorf("ParseRate(%q) = %q, %v", r, got, err)
		}
	}
	if _, err := ParseRate("SSS+"); err == nil {
		t.Error("ParseRate(SSS+) accepted a code diving-fish never sends")
	}
}

func TestAchievementOf(t *testing.T) {
	for _, c := range []struct {
		in   float64
		want maimai.Achievement
		ok   bool
	}{
		{100.1143, 1001143, true},
		{91.6265, 916265, true},
		{101, 1010000, true},
		{0, 0, true},
		{99.99999999, 1000000, true}, // float noise rounds to the site's 4 decimals
		{101.0001, 0, false},
		{-0.5, 0, false},
	} {
		got, err := AchievementOf(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("AchievementOf(%v) = %v, %v; want %v ok=%v", c.in, got, err, c.want, c.ok)
		}
	}
	if Percent(1001143) != 100.1143 {
		t.Errorf("Percent(1001143) = %v", Percent(1001143))
	}
}

// The record of the diving-fish doc's /player/records example.
const dfAltale = `{"achievements": 101, "ds": 8.5, "dxScore": 744, "fc": "app", "fs": "fsd",
 "level": "8", "level_index": 1, "level_label": "Advanced", "ra": 191, "rate": "sssp",
 "song_id": 837, "title": "Altale", "type": "SD"}`

func TestDivingFishRecord(t *testing.T) {
	var r DivingFishRecord
	if err := json.Unmarshal([]byte(dfAltale), &r); err != nil {
		t.Fatal(err)
	}
	rec, err := r.Record()
	if err != nil {
		t.Fatal(err)
	}
	want := maimai.Score{
		Chart: maimai.Chart{Title: "Altale", Type: maimai.Std, Difficulty: maimai.Advanced},
		Level: "8", Played: true, Achievement: 1010000, DXScore: 744,
		FC: maimai.APP, FS: maimai.FSD, Rank: maimai.RankSSSP,
	}
	if rec.Score != want || rec.Constant != 8.5 || rec.SongID != 837 {
		t.Errorf("Record() = %+v", rec)
	}
	back := DivingFishRecordOf(rec)
	back.RA = 191 // the caller's to fill from its song data
	if back != r {
		t.Errorf("DivingFishRecordOf round trip:\n got %+v\nwant %+v", back, r)
	}

	bad := []struct{ field, json, want string }{
		{"type", `"type": "STD"`, "type"},
		{"level_index", `"level_index": 5`, "level_index"},
		{"fc", `"fc": "fullcombo"`, "fc"},
		{"fs", `"fs": "fdx+"`, "fs"},
		{"achievements", `"achievements": 102`, "achievements"},
		{"rate", `"rate": "s"`, "does not match"},
		{"dxScore", `"dxScore": -3`, "dxScore"},
		{"title", `"title": ""`, "title"},
	}
	for _, b := range bad {
		var r DivingFishRecord
		src := dfAltale[:len(dfAltale)-1] + ", " + b.json + "}"
		if err := json.Unmarshal([]byte(src), &r); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Record(); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%s: Record() error %v, want one naming %q", b.field, err, b.want)
		}
	}
}

func TestDivingFishTypeAndLabels(t *testing.T) {
	for _, ty := range []maimai.ChartType{maimai.DX, maimai.Std} {
		got, err := ParseDivingFishType(DivingFishType(ty))
		if err != nil || got != ty {
			t.Errorf("type %q round trip: %q, %v", ty, got, err)
		}
	}
	for i, d := range maimai.Difficulties[:5] {
		if LevelIndex(d) != i {
			t.Errorf("LevelIndex(%s) = %d, want %d", d, LevelIndex(d), i)
		}
	}
	if LevelIndex(maimai.Utage) != -1 {
		t.Error("utage has a diving-fish level_index")
	}
	if DivingFishLevelLabels[4] != "Re:MASTER" {
		t.Error("level_label of Re:MASTER")
	}
}

func TestDivingFishPlayerShapes(t *testing.T) {
	// /query/player answers charts{dx,sd}, /player/records answers records.
	var q DivingFishPlayer
	err := json.Unmarshal([]byte(`{"additional_rating":22,"nickname":"n","plate":"舞神","rating":15932,
		"charts":{"dx":[`+dfAltale+`],"sd":[]},"username":"u","user_general_data":null}`), &q)
	if err != nil || q.Charts == nil || len(q.Charts.DX) != 1 || q.Records != nil || q.AdditionalRating != 22 {
		t.Errorf("query/player: %+v, %v", q, err)
	}
	b, _ := json.Marshal(DivingFishPlayer{Username: "u", Records: []DivingFishRecord{}})
	if strings.Contains(string(b), "charts") {
		t.Errorf("records body writes charts: %s", b)
	}
}

// The score of the Lxns doc's upload example, with the fields Lxns adds
// when it answers.
const lxnsExample = `{"id": 834, "song_name": "PANDORA PARADOXXX", "level": "15", "level_index": 4,
 "achievements": 101, "fc": null, "fs": null, "dx_score": 0, "dx_rating": 337.68, "rate": "sssp",
 "type": "standard", "play_time": "2023-12-31T16:00:00Z", "upload_time": "2024-01-01T00:00:00Z"}`

func TestLxnsScore(t *testing.T) {
	var s LxnsScore
	if err := json.Unmarshal([]byte(lxnsExample), &s); err != nil {
		t.Fatal(err)
	}
	rec, err := s.Record()
	if err != nil {
		t.Fatal(err)
	}
	if rec.Title != "PANDORA PARADOXXX" || rec.Type != maimai.Std || rec.Difficulty != maimai.ReMaster ||
		rec.Achievement != 1010000 || rec.FC != "" || rec.FS != "" || rec.SongID != 834 ||
		!rec.AchievedAt.Equal(time.Date(2023, 12, 31, 16, 0, 0, 0, time.UTC)) {
		t.Errorf("Record() = %+v", rec)
	}
	back := LxnsScoreOf(rec)
	if back.FC != nil || back.FS != nil || back.Type != "standard" || back.LevelIndex != 4 ||
		!back.PlayTime.Equal(s.PlayTime) || back.Achievements != 101 {
		t.Errorf("LxnsScoreOf = %+v", back)
	}
	b, _ := json.Marshal(back)
	if !strings.Contains(string(b), `"fc":null`) || !strings.Contains(string(b), `"play_time":"2023-12-31T16:00:00Z"`) {
		t.Errorf("LxnsScoreOf JSON %s: want fc null and play_time in UTC", b)
	}

	// utage: Lxns types the chart "utage" with level_index 0.
	u := LxnsScore{ID: 100123, SongName: "[宴]Oshama Scramble!", LevelIndex: 0, Achievements: 99.5, Type: "utage", FC: lxnsCodePtr("fc")}
	rec, err = u.Record()
	if err != nil || rec.Difficulty != maimai.Utage || rec.Type != maimai.DX || rec.FC != maimai.FCN {
		t.Errorf("utage Record() = %+v, %v", rec, err)
	}
	if got := LxnsScoreOf(rec); got.Type != "utage" || got.LevelIndex != 0 {
		t.Errorf("utage LxnsScoreOf = %+v", got)
	}

	for _, b := range []struct{ json, want string }{
		{`"type": "DX"`, "type"},
		{`"fs": "fsd+"`, "fs"},
		{`"achievements": 101.5`, "achievements"},
		{`"song_name": ""`, "song_name"},
		{`"level_index": -1`, "level_index"},
		{`"dx_score": 99999`, "dx_score"},
	} {
		var s LxnsScore
		if err := json.Unmarshal([]byte(lxnsExample[:len(lxnsExample)-1]+", "+b.json+"}"), &s); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Record(); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%s: Record() error %v, want one naming %q", b.json, err, b.want)
		}
	}
}

func TestLxnsResponse(t *testing.T) {
	var r LxnsResponse[[]LxnsScore]
	if err := json.Unmarshal([]byte(`{"success":true,"code":200,"data":[`+lxnsExample+`]}`), &r); err != nil {
		t.Fatal(err)
	}
	if !r.Success || r.Code != 200 || len(r.Data) != 1 || r.Data[0].ID != 834 {
		t.Errorf("response = %+v", r)
	}
}
