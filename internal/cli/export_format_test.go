package cli

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/maiprobe/maiprobe/internal/interchange"
)

// TestExportFormats: export --format writes the player's plays in each
// other tool's format, to standard output or a file; the plays of a record
// page without song data are all listed as skipped by the formats that
// need song ids, and kept by those that do not; a wrong format is a usage
// error naming the choices.
func TestExportFormats(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"MAIPROBE_DB": filepath.Join(dir, "a.db"), "MAIPROBE_PLAYER": "mai", "MAIPROBE_LANG": "en"}
	if code, out, e := run(t, env, "", "import", page("record-cn-mixed.html")); code != 0 {
		t.Fatalf("import: %s%s", out, e)
	}
	code, csvOut, e := run(t, env, "", "export", "--format", "csv")
	if code != 0 {
		t.Fatalf("export csv: %s", e)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(csvOut, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	plays := len(rows) - 1
	if plays < 2 || strings.Join(rows[0], ",") != strings.Join(interchange.PlaysCSVHeader, ",") {
		t.Fatalf("csv: %d plays, header %q", plays, rows[0])
	}

	// Tachi matches by title when the song data is not loaded: nothing is
	// skipped but utage.
	file := filepath.Join(dir, "tachi.json")
	code, _, e = run(t, env, "", "export", "--format", "tachi", "-o", file)
	if code != 0 || !strings.Contains(e, "to "+file) {
		t.Fatalf("export tachi: %d %s", code, e)
	}
	var batch interchange.TachiManual
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &batch); err != nil {
		t.Fatal(err)
	}
	utage := strings.Count(csvOut, ",utage,")
	if len(batch.Scores) != plays-utage || batch.Meta.Game != "maimaidx" {
		t.Errorf("tachi: %d scores of %d plays (%d utage), meta %+v", len(batch.Scores), plays, utage, batch.Meta)
	}
	if f, err := interchange.Parse(b); err != nil || f.Format != interchange.TachiBatch {
		t.Errorf("the Tachi file does not read back: %v", err)
	}

	// Lxns needs its song ids: without song data every play is reported.
	code, lx, e := run(t, env, "", "export", "--format", "lxns")
	if code != 0 {
		t.Fatalf("export lxns: %s", e)
	}
	if !strings.Contains(e, "cannot be held by the lxns format") || !strings.Contains(e, "songs sync") || !strings.Contains(lx, `"scores":[]`) {
		t.Errorf("lxns without song data: stdout %s\nstderr %s", lx, e)
	}

	code, _, e = run(t, env, "", "export", "--format", "xlsx")
	if code != exitUsage || !strings.Contains(e, "divingfish, lxns, tachi, csv, csv-bests") {
		t.Errorf("--format xlsx: %d %s", code, e)
	}
	// The default is still the lossless archive.
	code, arch, _ := run(t, env, "", "export")
	if code != 0 || !bytes.Contains([]byte(arch), []byte(`"players"`)) {
		t.Errorf("export without --format: %d %.80s", code, arch)
	}

	// A name typed wrong is refused in the same words with and without
	// --format, naming the players there are; another tool's format for
	// a player without scores (here the unset default) is refused, not
	// written as an empty file.
	for _, args := range [][]string{{"export", "--player", "nobody"}, {"export", "--player", "nobody", "--format", "lxns"}} {
		code, out, e := run(t, env, "", args...)
		if code != exitFail || out != "" || !strings.Contains(e, `no player "nobody" in the archive (it has: `) || !strings.Contains(e, "mai") {
			t.Errorf("%v: exit %d, stdout %q, stderr %s", args, code, out, e)
		}
	}
	noPlayer := map[string]string{"MAIPROBE_DB": env["MAIPROBE_DB"], "MAIPROBE_LANG": "en"}
	code, out, e := run(t, noPlayer, "", "export", "--format", "csv")
	if code != exitFail || out != "" || !strings.Contains(e, `player "default" has no scores to export`) || !strings.Contains(e, "--player") {
		t.Errorf("--format csv without --player: exit %d, stdout %q, stderr %s", code, out, e)
	}
}
