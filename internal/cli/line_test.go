package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/maiprobe/maiprobe/internal/analysis"
)

// TestLine: maiprobe line prints the 分数线 of a chart of the song data in
// both languages and as JSON with "allowed"; an unknown chart, a chart
// that two songs' titles fit, and a bad target are clear errors.
func TestLine(t *testing.T) {
	db := filepath.Join(t.TempDir(), "line.db")
	songs := filepath.Join("..", "songs", "testdata", "synthetic-divingfish.json")
	if code, out, errs := run(t, nil, "", "--db", db, "songs", "sync", "--from", songs); code != exitOK {
		t.Fatalf("songs sync: %d\n%s%s", code, out, errs)
	}
	if code, out, errs := run(t, nil, "", "--db", db, "gen", "--plays", "300", "--end", "2025-12-31"); code != exitOK {
		t.Fatalf("gen: %d\n%s%s", code, out, errs)
	}
	chart := []string{"--db", db, "line", "--title", "D✪N’T  ST✪P  R✪CKIN’", "--type", "std", "--difficulty", "master"}

	code, out, errs := run(t, nil, "", append(chart, "--target", "100.5", "--json")...)
	if code != exitOK {
		t.Fatalf("line --json: %d\n%s%s", code, out, errs)
	}
	var got struct {
		Target  float64                     `json:"target"`
		Allowed map[string]analysis.Allowed `json:"allowed"`
		Notes   map[string]int              `json:"notes"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	// The synthetic chart: TAP 482, HOLD 24, SLIDE 116, BREAK 47.
	want, _ := analysis.NewLine([5]int{482, 24, 116, 0, 47}, 1005000)
	if got.Target != 100.5 || got.Notes["slide"] != 116 || got.Allowed["tap"] != want.Allowed["tap"] ||
		got.Allowed["break"].Great != want.Allowed["break"].Great || got.Allowed["break"].Perfect == nil {
		t.Errorf("JSON %+v, want allowed %+v", got, want.Allowed)
	}
	if !strings.Contains(out, `"allowed": {`) || !strings.Contains(out, `"break": {`) {
		t.Errorf("JSON lacks the allowed object:\n%s", out)
	}

	code, out, _ = run(t, nil, "", append(chart, "--target", "sss", "--lang", "en")...)
	if code != exitOK || !strings.Contains(out, "target 100.0000%") || !strings.Contains(out, "SLIDE") || strings.Contains(out, "TOUCH") {
		t.Errorf("line --lang en: %d\n%s", code, out)
	}
	code, out, _ = run(t, nil, "", append(chart, "--target", "sss+")...)
	if code != exitOK || !strings.Contains(out, "可以损失 0.5000%") || !strings.Contains(out, "50 落") {
		t.Errorf("line (zh): %d\n%s", code, out)
	}

	for _, c := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"--db", db, "line", "--title", "No such song", "--type", "dx", "--difficulty", "master"}, exitUsage, "no such chart"},
		{[]string{"--db", db, "line", "--title", "Link", "--type", "std", "--difficulty", "master"}, exitUsage, "more than one chart"},
		{append(chart, "--target", "sss++"), exitUsage, "give an achievement"},
		{[]string{"--db", db, "line", "--title", "x", "--type", "both", "--difficulty", "master"}, exitUsage, "--type"},
	} {
		code, _, errs := run(t, nil, "", append(c.args, "--lang", "en")...)
		if code != c.code || !strings.Contains(errs, c.err) {
			t.Errorf("%q: exit %d %s, want %d and %q", c.args, code, errs, c.code, c.err)
		}
	}
	if code, out, _ := run(t, nil, "", "help", "line", "--lang", "en"); code != exitOK || !strings.Contains(out, "--target X") {
		t.Errorf("help line: %d\n%s", code, out)
	}
}
