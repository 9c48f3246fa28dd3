package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestSongsSyncAndRating imports the parser package's synthetic
// musicDetail page of the song "　" (std master 99.5012%, dx master 101%),
// syncs the songs package's synthetic diving-fish data, which has only the
// DX chart set of "　", and prints what is unmatched and the rating.
func TestSongsSyncAndRating(t *testing.T) {
	env := map[string]string{"MAIPROBE_DB": filepath.Join(t.TempDir(), "a.db"), "MAIPROBE_LANG": "en"}
	if code, out, errs := run(t, env, "", "import", "--at", "2025-12-01T00:00:00Z", page("musicDetail-cn-both.html")); code != 0 {
		t.Fatalf("import: %d %s %s", code, out, errs)
	}
	// Before any song data the chart is learned, constant unknown.
	code, out, errs := run(t, env, "", "songs", "unmatched")
	if code != 0 || !strings.Contains(out, "2 charts do not match") || strings.Count(out, "not in the data") != 2 {
		t.Fatalf("songs unmatched before sync: %d\n%s\n%s", code, out, errs)
	}
	data := filepath.Join("..", "songs", "testdata", "synthetic-divingfish.json")
	code, out, errs = run(t, env, "", "songs", "sync", "--from", data)
	if code != 0 || !strings.Contains(out, "synced cn song data from diving-fish: 9 songs") {
		t.Fatalf("songs sync: %d\n%s\n%s", code, out, errs)
	}
	code, out, _ = run(t, env, "", "songs", "unmatched")
	if code != 0 || !strings.Contains(out, "1 charts do not match") || !strings.Contains(out, "std master") ||
		!strings.Contains(out, "but no std chart set") {
		t.Errorf("songs unmatched after sync: %d\n%s", code, out)
	}
	code, out, errs = run(t, env, "", "rating", "--json", "--at", "2026-01-02T00:00:00Z")
	if code != 0 {
		t.Fatalf("rating --json: %d %s", code, errs)
	}
	var r struct {
		Total int `json:"total"`
		New   []struct {
			Title string `json:"title"`
		} `json:"new"`
		Unknown []struct {
			Achievement float64  `json:"achievement"`
			Constant    *float64 `json:"constant"`
		} `json:"unknown"`
		Old []struct {
			Title       string  `json:"title"`
			Type        string  `json:"type"`
			Difficulty  string  `json:"difficulty"`
			Achievement float64 `json:"achievement"`
			Constant    float64 `json:"constant"`
			Rating      int     `json:"rating"`
			Next        *struct {
				Achievement float64 `json:"achievement"`
			} `json:"next"`
		} `json:"old"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("rating --json: %v\n%s", err, out)
	}
	// 12.8 × 22.4 × 100.5% = 288.1; the std master has no constant.
	if r.Total != 288 || len(r.New) != 0 || len(r.Old) != 1 || r.Old[0].Title != "　" || r.Old[0].Type != "dx" ||
		r.Old[0].Difficulty != "master" || r.Old[0].Achievement != 101 || r.Old[0].Constant != 12.8 || r.Old[0].Rating != 288 || r.Old[0].Next != nil ||
		len(r.Unknown) != 1 || r.Unknown[0].Achievement != 99.5012 || r.Unknown[0].Constant != nil {
		t.Errorf("rating --json:\n%s", out)
	}
	code, out, _ = run(t, env, "", "rating", "--at", "2026-01-02T00:00:00Z")
	if code != 0 || !strings.Contains(out, "rating 288 = new 0 + old 288") || !strings.Contains(out, "12.8") ||
		!strings.Contains(out, "Constant unknown (not counted) (1)") {
		t.Errorf("rating table:\n%s", out)
	}
	// --at takes a date too: the end of that day in the region's clock
	// (CN, UTC+8). The page was saved at 2025-12-01 00:00 UTC, 08:00 in CN.
	for _, tc := range []struct {
		at   string
		code int
		want string
	}{
		{"2026-01-02", 0, "rating 288 = new 0 + old 288"},
		{"2025-12-01", 0, "rating 288 = new 0 + old 288"},
		{"2025-11-30", 0, "rating 0 = new 0 + old 0"},
		{"31/01/2026", 2, "--at"},
	} {
		code, out, errs := run(t, env, "", "rating", "--at", tc.at)
		if code != tc.code || !strings.Contains(out+errs, tc.want) {
			t.Errorf("rating --at %s: %d, want %d with %q\n%s%s", tc.at, code, tc.code, tc.want, out, errs)
		}
	}
	if code, _, errs := run(t, env, "", "songs", "sync", "--region", "jp"); code != 2 || !strings.Contains(errs, "--from") {
		t.Errorf("songs sync --region jp without --from: %d %s", code, errs)
	}
}
