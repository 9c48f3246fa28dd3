package cli

import (
	"encoding/json"
	"fmt"
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
	if code != exitOK || !strings.Contains(out, "可以损失 0.5000%") {
		t.Errorf("line (zh): %d\n%s", code, out)
	}
	// The BREAK PERFECT windows by the names CN players use: the higher
	// window (a quarter of the bonus lost) is 50落, the lower 100落.
	high, _ := analysis.NewLine([5]int{482, 24, 116, 0, 47}, 1008000)
	code, out, _ = run(t, nil, "", append(chart, "--target", "100.8")...)
	b := high.Allowed["break"]
	if w := fmt.Sprintf("50落最多 %d 个", *b.PerfectHigh); code != exitOK || !strings.Contains(out, w) ||
		!strings.Contains(out, fmt.Sprintf("100落最多 %d 个", *b.Perfect)) || *b.Perfect == *b.PerfectHigh {
		t.Errorf("line (zh) lacks %q and 100落 %d:\n%s", w, *b.Perfect, out)
	}
	// The title as the song data spells it, whatever was typed; a +N
	// target says what its achievement is; --target may be left out.
	lower := []string{"--db", db, "line", "--title", strings.ToLower("D✪N’T  ST✪P  R✪CKIN’"), "--type", "std", "--difficulty", "master"}
	code, out, errs = run(t, nil, "", lower...)
	if code != exitOK || !strings.HasPrefix(out, "D✪N’T  ST✪P  R✪CKIN’（std master") || !strings.Contains(out, "目标 100.5000%") {
		t.Errorf("line without --target, title typed in lower case: %d\n%s%s", code, out, errs)
	}
	expert := []string{"--db", db, "line", "--title", "D✪N’T  ST✪P  R✪CKIN’", "--type", "std", "--difficulty", "expert"}
	code, out, errs = run(t, nil, "", append(expert, "--target", "+1")...)
	if code != exitOK || !strings.Contains(out, "（让 rating +1 所需的最低达成率）") {
		t.Errorf("line --target +1: %d\n%s%s", code, out, errs)
	}
	// Refusals in Chinese, each saying what is wrong.
	for _, c := range []struct {
		args []string
		err  string
	}{
		{[]string{"--db", db, "line", "--title", "x", "--type", "dx", "--difficulty", "mas"}, `未知的难度 "mas"：--difficulty 为 basic、advanced、expert、master 或 remaster`},
		{[]string{"--db", db, "line", "--title", "x", "--type", "dx"}, "--target 可省略"},
		{append(chart, "--target", "abc"), `无法识别目标 "abc"`},
		{append(chart, "--target", "+100"), "即使打到 101%，现在也只能让 rating 增加"},
		{[]string{"--db", db, "line", "--title", "No such song", "--type", "dx", "--difficulty", "master"}, `曲目数据里找不到 "No such song"（dx master）`},
	} {
		if code, _, errs := run(t, nil, "", c.args...); code == exitOK || !strings.Contains(errs, c.err) || strings.Count(errs, "No such song") > 1 {
			t.Errorf("%q: exit %d %s, want %q", c.args, code, errs, c.err)
		}
	}

	for _, c := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"--db", db, "line", "--title", "No such song", "--type", "dx", "--difficulty", "master"}, exitUsage, `no chart "No such song" (dx master) in the song data`},
		{[]string{"--db", db, "line", "--title", "Link", "--type", "std", "--difficulty", "master"}, exitUsage, `more than one song is called "Link"`},
		{append(chart, "--target", "sss++"), exitUsage, "give an achievement"},
		{[]string{"--db", db, "line", "--title", "x", "--type", "dx", "--difficulty", "mas"}, exitUsage, `unknown difficulty "mas"`},
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
