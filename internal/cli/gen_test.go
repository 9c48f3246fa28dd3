//go:build !function

package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func TestGen(t *testing.T) {
	db := filepath.Join(t.TempDir(), "gen.db")
	run := func(args ...string) (int, string, string) {
		var out, errs bytes.Buffer
		code := Run(context.Background(), append([]string{"--db", db, "--lang", "en"}, args...), Env{Stdout: &out, Stderr: &errs})
		return code, out.String(), errs.String()
	}
	code, out, errs := run("gen", "--plays", "200", "--seed", "2", "--player", "gen")
	if code != exitOK || !strings.Contains(out, "player gen: generated 200 plays") {
		t.Fatalf("gen: exit %d\n%s%s", code, out, errs)
	}
	if code, out, _ := run("status"); code != exitOK || !strings.Contains(out, "player gen: 200 plays") {
		t.Errorf("status after gen: exit %d\n%s", code, out)
	}
	if code, _, errs := run("gen", "--plays", "0"); code != exitUsage || !strings.Contains(errs, "--plays must be positive") {
		t.Errorf("gen --plays 0: exit %d, %s", code, errs)
	}
}
