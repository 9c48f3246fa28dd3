package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/fixtures"
)

// run runs the command line in-process with the given environment and
// standard input, returning the exit code and both outputs.
func run(t *testing.T, env map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, Env{
		Stdin:  strings.NewReader(stdin),
		Stdout: &out,
		Stderr: &errb,
		Getenv: func(k string) string { return env[k] },
		Now:    func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) },
	})
	return code, out.String(), errb.String()
}

// page is one of the parser package's synthetic pages.
func page(name string) string { return filepath.Join("..", "dxnet", "testdata", name) }

func rowCounts(t *testing.T, db string) map[string]int {
	return withArchive(t, db, func(a *archive.Archive) (map[string]int, error) { return a.RowCounts(context.Background()) })
}

// withArchive opens the archive at db, reads something off it and closes it.
func withArchive[T any](t *testing.T, db string, read func(*archive.Archive) (T, error)) T {
	t.Helper()
	a, err := archive.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	v, err := read(a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestParsePrintsJSONContract(t *testing.T) {
	code, out, errOut := run(t, nil, "", "parse", page("record-cn-mixed.html"), page("error-intl.html"))
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("want one JSON object per file, got %d lines", len(lines))
	}
	var rec struct {
		Page   string `json:"page"`
		Region string `json:"region"`
		Plays  []map[string]any
	}
	if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil {
		t.Fatal(err)
	}
	if rec.Page != "record" || rec.Region != "cn" || len(rec.Plays) != 5 {
		t.Fatalf("record page: page=%q region=%q plays=%d", rec.Page, rec.Region, len(rec.Plays))
	}
	for _, key := range []string{"track", "played_at", "title", "type", "difficulty", "achievement", "rank", "dx_score", "dx_score_max", "fc", "fs", "clear", "idx"} {
		if _, ok := rec.Plays[0][key]; !ok {
			t.Errorf("play has no %q field: %v", key, rec.Plays[0])
		}
	}
	if at, _ := rec.Plays[0]["played_at"].(string); !strings.HasSuffix(at, "+08:00") {
		t.Errorf("CN played_at %q is not in UTC+8", at)
	}
	var e struct {
		Page    string `json:"page"`
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal([]byte(lines[1]), &e); err != nil {
		t.Fatal(err)
	}
	if e.Page != "error" || e.Code == 0 || e.Message == "" {
		t.Errorf("error page: %+v", e)
	}
}

func TestParseRealRecordPage(t *testing.T) {
	f := fixtures.DXNet(t, "cn/record-mainetcn-1.html")
	code, out, errOut := run(t, nil, "", "parse", f)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rec struct {
		Plays []struct {
			Track       int             `json:"track"`
			PlayedAt    string          `json:"played_at"`
			Title       string          `json:"title"`
			Type        string          `json:"type"`
			Difficulty  string          `json:"difficulty"`
			Achievement json.RawMessage `json:"achievement"`
			Rank        string          `json:"rank"`
			DXScore     int             `json:"dx_score"`
			DXScoreMax  int             `json:"dx_score_max"`
			FS          string          `json:"fs"`
			Idx         string          `json:"idx"`
		}
	}
	if err := json.Unmarshal([]byte(out), &rec); err != nil {
		t.Fatal(err)
	}
	p := rec.Plays[0]
	if p.Track != 4 || p.PlayedAt != "2025-11-22T21:51:35+08:00" || p.Title != "Desperado Waltz" || p.Type != "dx" ||
		p.Difficulty != "master" || string(p.Achievement) != "26.8277" || p.Rank != "d" || p.DXScore != 806 ||
		p.DXScoreMax != 3306 || p.FS != "sync" || p.Idx != "26,1763819495" {
		t.Errorf("first play = %+v", p)
	}
}

func TestParseRejectsNonPages(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.bin")
	os.WriteFile(junk, []byte{0x89, 'P', 'N', 'G', 0, 0, 0, 1, 2, 3}, 0o644)
	code, out, errOut := run(t, nil, "", "parse", junk, page("notdxnet-othersite.html"))
	if code != 1 || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	for _, want := range []string{"junk.bin", "notdxnet-othersite.html", "不是 maimai DX NET 页面"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr does not name %q:\n%s", want, errOut)
		}
	}
	if code, _, _ := run(t, nil, "", "parse"); code != 2 {
		t.Errorf("parse without files: exit %d, want 2", code)
	}
}

// TestImportRejectsBadInput feeds every kind of bad input to import: each
// must exit non-zero, name the file and the problem, and write nothing.
func TestImportRejectsBadInput(t *testing.T) {
	dir := t.TempDir()
	rec, err := os.ReadFile(page("record-cn-mixed.html"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"cut.html":   rec[:len(rec)*2/3],
		"junk.bin":   bytes.Repeat([]byte{0, 1, 2, 0xff, 0xfe}, 1000),
		"empty.html": {},
		"other.html": []byte(`<!DOCTYPE html><html><head><title>Example</title></head><body><p>hello</p></body></html>`),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	big := filepath.Join(dir, "big.html")
	f, _ := os.Create(big)
	f.Truncate(50<<20 + 1) // sparse: no 50 MB written to disk
	f.Close()

	tests := []struct {
		file, reason string
	}{
		{filepath.Join(dir, "cut.html"), "truncated"},
		{filepath.Join(dir, "junk.bin"), "binary"},
		{filepath.Join(dir, "empty.html"), "empty"},
		{filepath.Join(dir, "other.html"), "not a maimai DX NET page"},
		{big, "50 MB"},
		{page("login-cn-wechat.html"), "login"},
		{page("maintenance-jp.html"), "maintenance"},
		{page("error-intl.html"), "error"},
		{page("unknown-collection.html"), "unknown"},
	}
	db := filepath.Join(t.TempDir(), "a.db")
	env := map[string]string{"MAIPROBE_DB": db, "MAIPROBE_LANG": "en"}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			code, _, errOut := run(t, env, "", "import", tt.file)
			if code != 1 {
				t.Errorf("exit %d, want 1", code)
			}
			if !strings.Contains(errOut, filepath.Base(tt.file)) || !strings.Contains(strings.ToLower(errOut), strings.ToLower(tt.reason)) {
				t.Errorf("stderr should name the file and say %q:\n%s", tt.reason, errOut)
			}
		})
	}
	for table, n := range rowCounts(t, db) {
		if n != 0 && table != "players" {
			t.Errorf("table %s has %d rows after rejected imports", table, n)
		}
	}
}

func TestImportTwiceAndStdin(t *testing.T) {
	db := filepath.Join(t.TempDir(), "a.db")
	env := map[string]string{"MAIPROBE_DB": db}
	code, out, errOut := run(t, env, "", "import", page("record-cn-mixed.html"), page("playlogDetail-cn-dx.html"))
	if code != 0 || !strings.Contains(out, "新增") {
		t.Fatalf("first import: exit %d\n%s%s", code, out, errOut)
	}
	before := rowCounts(t, db)
	if before["plays"] == 0 {
		t.Fatalf("no plays stored: %v", before)
	}
	rec, _ := os.ReadFile(page("record-cn-mixed.html"))
	code, out, errOut = run(t, env, string(rec), "import", "-")
	if code != 0 || !strings.Contains(out, "无变化") || !strings.Contains(out, "(stdin)") {
		t.Fatalf("second import from stdin: exit %d\n%s%s", code, out, errOut)
	}
	after := rowCounts(t, db)
	for k, v := range before {
		if after[k] != v {
			t.Errorf("table %s: %d rows before, %d after importing the same page again", k, v, after[k])
		}
	}
	code, out, _ = run(t, env, "", "status")
	if code != 0 || !strings.Contains(out, "default") {
		t.Errorf("status: exit %d\n%s", code, out)
	}
}

func TestImportDirectorySkipsAssets(t *testing.T) {
	dir := t.TempDir()
	b, _ := os.ReadFile(page("home-intl-2025.html"))
	os.WriteFile(filepath.Join(dir, "home.html"), b, 0o644)
	os.MkdirAll(filepath.Join(dir, "home_files"), 0o755)
	os.WriteFile(filepath.Join(dir, "home_files", "logo.png"), []byte{0x89, 'P', 'N', 'G'}, 0o644)
	os.WriteFile(filepath.Join(dir, "home_files", "common.css"), []byte("body{}"), 0o644)
	db := filepath.Join(t.TempDir(), "a.db")
	code, out, errOut := run(t, map[string]string{"MAIPROBE_DB": db, "MAIPROBE_LANG": "en"}, "", "import", dir)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "added") || !strings.Contains(errOut, "skipped 2 files") {
		t.Errorf("want the page added and 2 assets skipped:\n%s%s", out, errOut)
	}
}

// A directory's files of other tools are found by their content, whatever
// their ending (Lxns's and diving-fish's .csv); other .csv files and
// assets are skipped.
func TestImportDirectoryFindsForeignFiles(t *testing.T) {
	dir := t.TempDir()
	for name, from := range map[string]string{"lxns.csv": "lxns.csv", "水鱼.csv": "divingfish.csv"} {
		b, err := os.ReadFile(filepath.Join("..", "interchange", "testdata", from))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, name), b, 0o644)
	}
	os.WriteFile(filepath.Join(dir, "budget.csv"), []byte("date,amount\n2026-11-01,3\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "logo.png"), []byte{0x89, 'P', 'N', 'G'}, 0o644)
	db := filepath.Join(t.TempDir(), "a.db")
	code, out, errOut := run(t, map[string]string{"MAIPROBE_DB": db, "MAIPROBE_LANG": "en"}, "", "import", "--player", "mai", dir)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "added  "+filepath.Join(dir, "lxns.csv")) || !strings.Contains(out, "added  "+filepath.Join(dir, "水鱼.csv")) ||
		strings.Contains(out, "budget.csv") || !strings.Contains(errOut, "skipped 2 files") {
		t.Errorf("want lxns.csv and 水鱼.csv imported, budget.csv and logo.png skipped:\n%s%s", out, errOut)
	}
}

func TestExportImportRoundTrip(t *testing.T) {
	dir := t.TempDir()
	db1, db2 := filepath.Join(dir, "one.db"), filepath.Join(dir, "two.db")
	exp1, exp2 := filepath.Join(dir, "one.json"), filepath.Join(dir, "two.json")
	env1 := map[string]string{"MAIPROBE_DB": db1, "MAIPROBE_PLAYER": "mai"}
	if code, out, e := run(t, env1, "", "import", page("record-cn-mixed.html"), page("home-cn-2020.html"), page("playerData-cn-2020.html")); code != 0 {
		t.Fatalf("import: %s%s", out, e)
	}
	if code, _, e := run(t, env1, "", "export", "-o", exp1); code != 0 {
		t.Fatalf("export: %s", e)
	}
	env2 := map[string]string{"MAIPROBE_DB": db2, "MAIPROBE_PLAYER": "mai"}
	// The file holds every player (mai and the fresh archive's default).
	if code, out, e := run(t, env2, "", "import", "--all-players", exp1); code != 0 {
		t.Fatalf("import export: %s%s", out, e)
	}
	if code, _, e := run(t, env2, "", "export", "-o", exp2); code != 0 {
		t.Fatalf("export again: %s", e)
	}
	a, b := readExport(t, exp1), readExport(t, exp2)
	if !bytes.Equal(a, b) {
		t.Errorf("export → import → export differs:\n%s\n---\n%s", a, b)
	}
	c1, c2 := rowCounts(t, db1), rowCounts(t, db2)
	for k, v := range c1 {
		if c2[k] != v {
			t.Errorf("table %s: %d rows, %d after the round trip", k, v, c2[k])
		}
	}
}

// readExport reads an export with its exported_at time blanked.
func readExport(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "exported_at")
	out, _ := json.Marshal(m)
	return out
}

func TestHelpInBothLanguages(t *testing.T) {
	code, out, _ := run(t, nil, "", "help")
	if code != 0 || !strings.Contains(out, "命令") || !strings.Contains(out, "import") {
		t.Errorf("zh help: %d\n%s", code, out)
	}
	code, out, _ = run(t, nil, "", "--lang", "en", "import", "--help")
	if code != 0 || !strings.Contains(out, "Import saved pages") || !strings.Contains(out, "--db") {
		t.Errorf("en import help: %d\n%s", code, out)
	}
	// help takes the language after it too (it used to read --lang as a command).
	for _, args := range [][]string{{"help", "--lang", "en"}, {"--lang", "en", "help"}, {"help", "--lang=en"}} {
		code, out, errOut := run(t, nil, "", args...)
		if code != 0 || !strings.Contains(out, "Commands:") {
			t.Errorf("%q: %d\n%s%s", args, code, out, errOut)
		}
	}
	if code, out, _ := run(t, nil, "", "help", "import", "--lang", "en"); code != 0 || !strings.Contains(out, "Import saved pages") {
		t.Errorf("help import --lang en: %d\n%s", code, out)
	}
	code, _, errOut := run(t, nil, "", "frobnicate")
	if code != 2 || !strings.Contains(errOut, "frobnicate") {
		t.Errorf("unknown command: %d %s", code, errOut)
	}
}

func TestSplitCommand(t *testing.T) {
	tests := []struct {
		args  []string
		name  string
		rest  []string
		named bool
	}{
		{[]string{"import", "a.html"}, "import", []string{"a.html"}, true},
		{[]string{"--db", "x.db", "import", "a.html"}, "import", []string{"--db", "x.db", "a.html"}, true},
		{[]string{"--player", "export", "export", "-o", "f"}, "export", []string{"--player", "export", "-o", "f"}, true},
		{[]string{"--db=x.db", "status"}, "status", []string{"--db=x.db"}, true},
		{[]string{"--addr", "127.0.0.1:9", "--lang", "en"}, "serve", []string{"--addr", "127.0.0.1:9", "--lang", "en"}, false},
		{[]string{"--https-redirect", "serve"}, "serve", []string{"--https-redirect"}, true},
		{nil, "serve", nil, false},
	}
	for _, tt := range tests {
		name, rest, named := splitCommand(tt.args)
		if name != tt.name || named != tt.named || strings.Join(rest, " ") != strings.Join(tt.rest, " ") {
			t.Errorf("splitCommand(%q) = %q %q %v; want %q %q %v", tt.args, name, rest, named, tt.name, tt.rest, tt.named)
		}
	}
}

func TestFlagsMeanTheSameBeforeAndAfterTheCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "a.db")
	for _, p := range []string{"one", "two"} {
		if code, out, e := run(t, nil, "", "--db", db, "--player", p, "import", page("home-intl-2025.html")); code != 0 {
			t.Fatalf("import for %s: %s%s", p, out, e)
		}
	}
	dir := t.TempDir()
	before, after := filepath.Join(dir, "before.json"), filepath.Join(dir, "after.json")
	if code, _, e := run(t, nil, "", "--db", db, "--player", "one", "export", "-o", before); code != 0 {
		t.Fatal(e)
	}
	if code, _, e := run(t, nil, "", "export", "--db", db, "--player", "one", "-o", after); code != 0 {
		t.Fatal(e)
	}
	a, b := readExport(t, before), readExport(t, after)
	if !bytes.Equal(a, b) || strings.Contains(string(a), `"name":"two"`) {
		t.Errorf("--player before and after export differ, or exported another player:\n%s\n%s", a, b)
	}
	if code, _, e := run(t, nil, "", "--lang", "fr", "status"); code != 2 || !strings.Contains(e, "zh or en") {
		t.Errorf("--lang fr: exit %d %s", code, e)
	}
}

func TestParseInterleaved(t *testing.T) {
	for _, tt := range []struct {
		args, words []string
		at          string
	}{
		{[]string{"a.html", "--at", "2026-01-01T00:00:00Z", "b.html"}, []string{"a.html", "b.html"}, "2026-01-01T00:00:00Z"},
		{[]string{"--at", "x", "-", "c"}, []string{"-", "c"}, "x"},
		{[]string{"a", "--", "--at", "y"}, []string{"a", "--at", "y"}, ""},
	} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		at := fs.String("at", "", "")
		words, err := parseInterleaved(fs, tt.args)
		if err != nil || strings.Join(words, " ") != strings.Join(tt.words, " ") || *at != tt.at {
			t.Errorf("parseInterleaved(%q) = %q, at %q, %v; want %q, at %q", tt.args, words, *at, err, tt.words, tt.at)
		}
	}
}
