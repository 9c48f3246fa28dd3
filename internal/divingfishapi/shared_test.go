package divingfishapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/cli"
	"github.com/maiprobe/maiprobe/internal/divingfishapi"
	"github.com/maiprobe/maiprobe/internal/fixtures"
	"github.com/maiprobe/maiprobe/internal/interchange"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

// TestB50EqualsRatingJSON: for the shared CN pages and the real CN song
// data, the B50 /query/player answers is `maiprobe rating --json` chart
// for chart: the same charts in the same order, split the same way (dx
// the new table, sd the old), with the same constant as ds, the same
// rating as ra and the same achievement, song id and marks; the player's
// rating is its total.
func TestB50EqualsRatingJSON(t *testing.T) {
	music := fixtures.Shared(t, "data/songs/divingfish-music_data.cn.json")
	pages := []string{
		fixtures.DXNet(t, "cn/record-mainetcn-1.html"),
		fixtures.DXNet(t, "cn/record-truerou-1.html"),
		fixtures.DXNet(t, "cn/home-mainetcn-1.html"),
	}
	db := filepath.Join(t.TempDir(), "shared.db")
	cmd := func(args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		code := cli.Run(context.Background(), append([]string{"--db", db, "--lang", "en"}, args...), cli.Env{
			Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" },
		})
		if code != 0 {
			t.Fatalf("maiprobe %s: exit %d\n%s", strings.Join(args, " "), code, errb.String())
		}
		return out.String()
	}
	cmd("songs", "sync", "--from", music)
	cmd(append([]string{"import", "--player", "mai"}, pages...)...)
	// The fields of rating --json's entries that a diving-fish record
	// holds, read as the JSON says them.
	type entry struct {
		Title       string  `json:"title"`
		Type        string  `json:"type"`
		Difficulty  string  `json:"difficulty"`
		Level       string  `json:"level"`
		Constant    float64 `json:"constant"`
		Achievement float64 `json:"achievement"`
		Rank        string  `json:"rank"`
		FC          string  `json:"fc"`
		FS          string  `json:"fs"`
		DXScore     int     `json:"dx_score"`
		Rating      int     `json:"rating"`
		SongID      int     `json:"song_id"`
	}
	var want struct {
		Total int     `json:"total"`
		New   []entry `json:"new"`
		Old   []entry `json:"old"`
	}
	if err := json.Unmarshal([]byte(cmd("rating", "--player", "mai", "--json")), &want); err != nil {
		t.Fatalf("rating --json: %v", err)
	}
	if len(want.New)+len(want.Old) < 35 {
		t.Fatalf("rating --json has %d + %d charts: the shared pages should fill the old table", len(want.New), len(want.Old))
	}

	ctx := context.Background()
	a, err := archive.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := a.SetPublic(ctx, "mai", true); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.StripPrefix(divingfishapi.DefaultPrefix, divingfishapi.New(a, divingfishapi.Config{})))
	defer srv.Close()
	res, err := http.Post(srv.URL+divingfishapi.DefaultPrefix+"/query/player", "application/json", strings.NewReader(`{"username": "mai", "b50": true}`))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var got struct {
		interchange.DivingFishPlayer
		Charts interchange.DivingFishCharts `json:"charts"`
	}
	if err := json.NewDecoder(res.Body).Decode(&got); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("query/player: status %d, %v", res.StatusCode, err)
	}
	if got.Rating != want.Total {
		t.Errorf("rating %d, rating --json total %d", got.Rating, want.Total)
	}
	same := func(table string, got []interchange.DivingFishRecord, want []entry) {
		t.Helper()
		if len(got) != len(want) {
			t.Errorf("%s: %d charts, rating --json %d", table, len(got), len(want))
			return
		}
		for i, w := range want {
			g := got[i]
			if g.Title != w.Title || g.Type != interchange.DivingFishType(maimai.ChartType(w.Type)) ||
				g.LevelIndex != interchange.LevelIndex(maimai.Difficulty(w.Difficulty)) ||
				g.DS != w.Constant || g.RA != w.Rating || g.Achievements != w.Achievement ||
				g.SongID != w.SongID || g.SongID == 0 || g.Level != w.Level || g.FC != string(w.FC) || g.FS != string(w.FS) ||
				g.DXScore != w.DXScore || g.Rate != string(w.Rank) {
				t.Errorf("%s %d: %+v\nrating --json: %+v", table, i, g, w)
			}
		}
	}
	same("dx (new)", got.Charts.DX, want.New)
	same("sd (old)", got.Charts.SD, want.Old)
	if got.Nickname == "" || got.Nickname == "mai" {
		t.Errorf("nickname %q: want the in-game name of the home page", got.Nickname)
	}
}
