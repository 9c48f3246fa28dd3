//go:build !function

package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestGenRerun is issue 8's point 7 on the command line: gen with the same
// flags run again later (after kill -9, say) must not add shifted copies of
// the plays: its timeline comes from --end, never from the clock.
func TestGenRerun(t *testing.T) {
	db := filepath.Join(t.TempDir(), "gen.db")
	run := func(now time.Time, args ...string) (int, string) {
		var out bytes.Buffer
		env := Env{Stdout: &out, Stderr: &out, Now: func() time.Time { return now }}
		code := Run(context.Background(), append([]string{"--db", db, "--lang", "en"}, args...), env)
		return code, out.String()
	}
	first := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	gen := []string{"gen", "--plays", "200", "--seed", "2", "--player", "gen"}
	if code, out := run(first, gen...); code != exitOK || !strings.Contains(out, "player gen: generated 200 plays") {
		t.Fatalf("first gen: exit %d\n%s", code, out)
	}
	code, out := run(first.Add(36*time.Hour), gen...)
	if code != exitOK || !strings.Contains(out, "player gen: generated 0 plays, 0 details, 0 profile snapshots, 0 photos") ||
		!strings.Contains(out, "pages were in the archive already") {
		t.Errorf("gen again a day and a half later: exit %d, want nothing added\n%s", code, out)
	}
	if code, out := run(first, "status"); code != exitOK || !strings.Contains(out, "player gen: 200 plays") {
		t.Errorf("status after two gens: exit %d\n%s", code, out)
	}
}

// TestGenEnd checks --end: dates and RFC 3339 times are taken, anything
// else and times in the future are usage errors.
func TestGenEnd(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		end  string
		code int
		want string
	}{
		{"2026-06-30", exitOK, "generated 20 plays"},
		{"2026-06-30T18:00:00+08:00", exitOK, "generated 20 plays"},
		{"yesterday", exitUsage, `--end "yesterday": give a date (2026-11-01) or an RFC 3339 time`},
		{"2026-12-02", exitUsage, "--end 2026-12-02T00:00:00Z is in the future"},
	} {
		t.Run(tc.end, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "gen.db")
			var out bytes.Buffer
			env := Env{Stdout: &out, Stderr: &out, Now: func() time.Time { return now }}
			code := Run(context.Background(), []string{"--db", db, "--lang", "en", "gen", "--plays", "20", "--end", tc.end}, env)
			if code != tc.code || !strings.Contains(out.String(), tc.want) {
				t.Errorf("gen --end %s: exit %d, want %d and %q\n%s", tc.end, code, tc.code, tc.want, out.String())
			}
		})
	}
}
