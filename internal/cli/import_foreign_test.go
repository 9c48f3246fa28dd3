//go:build !function

package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/maiprobe/maiprobe/internal/fixtures"
)

// TestForeignRoundTripGen: maiprobe's own diving-fish, Lxns and Tachi
// exports of a generated archive of over 2,000 charts (files far past the
// 64 KiB detection reads) import back into a new player, every chart of
// each; its CSVs are refused as export-only, in the command line's
// language.
func TestForeignRoundTripGen(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 10,000 plays")
	}
	src := fixtures.Shared(t, "data/songs/divingfish-music_data.cn.json")
	dir := t.TempDir()
	db := filepath.Join(dir, "a.db")
	run := func(lang string, args ...string) (int, string, string) {
		var out, errs bytes.Buffer
		code := Run(context.Background(), append([]string{"--db", db, "--lang", lang}, args...), Env{Stdout: &out, Stderr: &errs})
		return code, out.String(), errs.String()
	}
	if code, out, errs := run("en", "songs", "sync", "--from", src); code != exitOK {
		t.Fatalf("songs sync: exit %d\n%s%s", code, out, errs)
	}
	if code, out, errs := run("en", "gen", "--plays", "10000", "--player", "gen"); code != exitOK {
		t.Fatalf("gen: exit %d\n%s%s", code, out, errs)
	}
	added := regexp.MustCompile(`scores \+(\d+)`)
	for _, format := range []string{"divingfish", "lxns", "tachi"} {
		file := filepath.Join(dir, format+".json")
		if code, out, errs := run("en", "export", "--player", "gen", "--format", format, "-o", file); code != exitOK {
			t.Fatalf("export %s: exit %d\n%s%s", format, code, out, errs)
		}
		st, err := os.Stat(file)
		if err != nil {
			t.Fatal(err)
		}
		// A Tachi file does not say its region: the new player has none.
		code, out, errs := run("en", "import", "--player", "back-"+format, "--region", "cn", file)
		if code != exitOK {
			t.Fatalf("import of our %s export (%d bytes): exit %d\n%s%s", format, st.Size(), code, out, errs)
		}
		m := added.FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("import of our %s export: no score count in\n%s", format, out)
		}
		n, _ := strconv.Atoi(m[1])
		t.Logf("%s export: %d bytes, %d charts' bests back", format, st.Size(), n)
		if n < 2000 {
			t.Errorf("%s export (%d bytes) gave back %d charts' bests, want over 2,000:\n%s", format, st.Size(), n, out)
		}
	}
	for _, format := range []string{"csv", "csv-bests"} {
		file := filepath.Join(dir, format+".csv")
		if code, out, errs := run("en", "export", "--player", "gen", "--format", format, "-o", file); code != exitOK {
			t.Fatalf("export %s: exit %d\n%s%s", format, code, out, errs)
		}
		for lang, want := range map[string]string{"en": "maiprobe's CSV is export-only", "zh": "maiprobe 导出的 CSV 只供表格软件使用，不能导入"} {
			code, out, errs := run(lang, "import", "--player", "back-csv", file)
			if code != exitFail || !strings.Contains(out+errs, want) || strings.Contains(out+errs, "maimai DX NET") {
				t.Errorf("import of our %s (%s): exit %d, want %q\n%s%s", format, lang, code, want, out, errs)
			}
		}
	}
}

// TestImportRegion: a Tachi file into a player of no region asks for
// --region; with it, the file goes in; a wrong --region is a usage error.
func TestImportRegion(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "tachi.json")
	os.WriteFile(file, []byte(`{"meta":{"game":"maimaidx","playtype":"Single","service":"x"},"scores":[`+
		`{"percent":100.5432,"lamp":"FULL COMBO+","matchType":"songTitle","identifier":"群青シグナル","difficulty":"DX Master","timeAchieved":1714566660000}]}`), 0o644)
	env := map[string]string{"MAIPROBE_DB": filepath.Join(dir, "a.db"), "MAIPROBE_LANG": "zh"}
	code, out, errOut := run(t, env, "", "import", "--player", "mai", file)
	if code != exitFail || !strings.Contains(out+errOut, "文件没有注明游戏地区") || !strings.Contains(out+errOut, "--region") {
		t.Errorf("no region: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, errOut := run(t, env, "", "import", "--player", "mai", "--region", "eu", file); code != exitUsage {
		t.Errorf("--region eu: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, errOut := run(t, env, "", "import", "--player", "mai", "--region", "jp", file); code != exitOK {
		t.Errorf("--region jp: exit %d\n%s%s", code, out, errOut)
	}
}

// TestImportDirectorySkipsOurCSV: a folder holding maiprobe's own CSV
// export beside a page imports the page and skips the CSV like an asset;
// named on the command line, the CSV is refused as export-only.
func TestImportDirectorySkipsOurCSV(t *testing.T) {
	dir := t.TempDir()
	b, _ := os.ReadFile(page("home-intl-2025.html"))
	os.WriteFile(filepath.Join(dir, "home.html"), b, 0o644)
	csv, err := os.ReadFile(filepath.Join("..", "interchange", "testdata", "export-csv-bests.csv"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "maiprobe-mai-csv-bests.csv"), csv, 0o644)
	env := map[string]string{"MAIPROBE_DB": filepath.Join(t.TempDir(), "a.db"), "MAIPROBE_LANG": "en"}
	code, out, errOut := run(t, env, "", "import", dir)
	if code != exitOK || !strings.Contains(errOut, "skipped 1 file") || !strings.Contains(errOut, "maiprobe-mai-csv-bests.csv") {
		t.Errorf("folder: exit %d, want the page added and the CSV skipped\n%s%s", code, out, errOut)
	}
	code, out, errOut = run(t, env, "", "import", filepath.Join(dir, "maiprobe-mai-csv-bests.csv"))
	if code != exitFail || !strings.Contains(out+errOut, "export-only") {
		t.Errorf("the CSV named: exit %d\n%s%s", code, out, errOut)
	}
}
