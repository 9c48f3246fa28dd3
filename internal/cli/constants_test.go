//go:build !function

package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/maiprobe/maiprobe/internal/fixtures"
)

// TestConstantsCommand: gen --hide-constants --details 1 over the CN song
// data, then maiprobe constants prints the estimates as a table and as
// JSON; the JSON's certain estimates have the plays behind them, nothing
// disagrees (exit 0), and a wrong flag is a usage error.
func TestConstantsCommand(t *testing.T) {
	src := fixtures.Shared(t, "data/songs/divingfish-music_data.cn.json")
	dir := t.TempDir()
	run := func(args ...string) (int, string, string) {
		var out, errs bytes.Buffer
		code := Run(context.Background(), append([]string{"--db", filepath.Join(dir, "c.db"), "--lang", "en"}, args...), Env{Stdout: &out, Stderr: &errs})
		return code, out.String(), errs.String()
	}
	if code, out, errs := run("songs", "sync", "--from", src); code != exitOK {
		t.Fatalf("songs sync: exit %d\n%s%s", code, out, errs)
	}
	if code, _, _ := run("gen", "--plays", "10", "--hide-constants", "1.5"); code != exitUsage {
		t.Errorf("gen --hide-constants 1.5: exit %d, want %d", code, exitUsage)
	}
	code, out, errs := run("gen", "--plays", "2000", "--details", "1", "--hide-constants", "0.1")
	if code != exitOK || !strings.Contains(out, "the song data forgot the constants of") {
		t.Fatalf("gen: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = run("constants")
	if code != exitOK || !strings.Contains(out, "2000 plays with a printed rating") || !strings.Contains(out, "certain") {
		t.Fatalf("constants: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = run("constants", "--json")
	if code != exitOK {
		t.Fatalf("constants --json: exit %d\n%s", code, errs)
	}
	// The report as a client reads it: constants are JSON numbers (13.7).
	var r struct {
		Plays     int `json:"plays"`
		Estimates []struct {
			Title    string     `json:"title"`
			Status   string     `json:"status"`
			Constant *float64   `json:"constant"`
			Evidence []struct{} `json:"evidence"`
		} `json:"estimates"`
		Disagreements []struct{} `json:"disagreements"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("constants --json: %v\n%.500s", err, out)
	}
	certain := 0
	for _, e := range r.Estimates {
		if e.Status == "certain" {
			certain++
			if e.Constant == nil || *e.Constant < 1 || len(e.Evidence) == 0 {
				t.Errorf("%s: certain without a constant or a play: %+v", e.Title, e)
			}
		}
	}
	if certain == 0 || r.Plays != 2000 || len(r.Disagreements) != 0 {
		t.Errorf("--json: %d certain, %d plays, %d disagreements; want some, 2000, 0", certain, r.Plays, len(r.Disagreements))
	}
	if code, _, _ := run("constants", "extra"); code != exitUsage {
		t.Errorf("constants extra: exit %d, want %d", code, exitUsage)
	}

	// The certain ones count in the B50, and the text table marks each
	// of them "est." as --json's "estimated" does, with a legend.
	code, out, errs = run("rating", "--json")
	if code != exitOK {
		t.Fatalf("rating --json: exit %d\n%s", code, errs)
	}
	var b50 struct {
		New, Old []struct {
			Title     string `json:"title"`
			Estimated bool   `json:"estimated"`
		}
	}
	if err := json.Unmarshal([]byte(out), &b50); err != nil {
		t.Fatalf("rating --json: %v", err)
	}
	est := 0
	for _, e := range append(b50.New, b50.Old...) {
		if e.Estimated {
			est++
		}
	}
	if est == 0 {
		t.Fatalf("no learned constant in the B50 of %d+%d charts; the test needs one", len(b50.New), len(b50.Old))
	}
	code, out, errs = run("rating")
	if code != exitOK {
		t.Fatalf("rating: exit %d\n%s", code, errs)
	}
	if got := strings.Count(out, " est.\t") + strings.Count(out, " est. "); got != est {
		t.Errorf("rating marks %d constants est., --json says %d are estimated\n%s", got, est, out)
	}
	if !strings.Contains(out, fmt.Sprintf("est.: a certain constant the song data lacks, learned from the ratings play details printed (%d charts", est)) {
		t.Errorf("rating: no legend for the est. mark\n%s", out)
	}
}

// TestNoPagesSaidInTheUsersLanguage: constants and rating for a player
// without a saved page fail (exit 1) with a sentence in the chosen
// language that says what to import, not the archive's English.
func TestNoPagesSaidInTheUsersLanguage(t *testing.T) {
	db := filepath.Join(t.TempDir(), "e.db")
	for _, c := range []struct {
		lang, want, notWant string
	}{
		{"zh", "还没有保存的页面", "has no saved pages"},
		{"en", "has no saved pages yet", "还没有"},
	} {
		for _, cmd := range [][]string{{"constants"}, {"rating"}, {"rating", "--history"}} {
			code, out, errs := run(t, nil, "", append([]string{"--db", db, "--lang", c.lang, "--player", "default"}, cmd...)...)
			if code != exitFail || out != "" || !strings.Contains(errs, c.want) || strings.Contains(errs, c.notWant) ||
				!strings.Contains(errs, "import") {
				t.Errorf("%s %v: exit %d, stdout %q, stderr %q; want exit 1 and %q naming import", c.lang, cmd, code, out, errs, c.want)
			}
		}
	}
}
