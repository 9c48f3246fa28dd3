//go:build !function

package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/maiprobe/maiprobe/internal/fixtures"
)

// TestGenRealCharts: after songs sync, gen says it plays the song data's
// charts and the rating has a B50; before, it says the songs are made up.
func TestGenRealCharts(t *testing.T) {
	src := fixtures.Shared(t, "data/songs/divingfish-music_data.cn.json")
	dir := t.TempDir()
	run := func(db string, args ...string) (int, string, string) {
		var out, errs bytes.Buffer
		code := Run(context.Background(), append([]string{"--db", filepath.Join(dir, db), "--lang", "en"}, args...), Env{Stdout: &out, Stderr: &errs})
		return code, out.String(), errs.String()
	}
	if code, out, errs := run("plain.db", "gen", "--plays", "100"); code != exitOK || !strings.Contains(out, "the songs are made up") {
		t.Errorf("gen without song data: exit %d\n%s%s", code, out, errs)
	}
	if code, out, errs := run("real.db", "songs", "sync", "--from", src); code != exitOK {
		t.Fatalf("songs sync: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs := run("real.db", "gen", "--plays", "1500")
	if code != exitOK || !strings.Contains(out, "the charts are the archive's CN song data") {
		t.Fatalf("gen with song data: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = run("real.db", "rating")
	if code != exitOK || strings.Count(out, "\n") < 50 {
		t.Errorf("rating of the generated archive: exit %d\n%s%s", code, out, errs)
	}
}
