//go:build !function

package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/maiprobe/maiprobe/internal/fixtures"
)

// TestSyncCommand runs `maiprobe sync` against a stand-in for Lxns (the
// full fakes are internal/probersync's): a dry run prints the plays and
// sends nothing, a sync sends them once with the token from the file, a
// second sends nothing, and a refused token fails naming the service but
// never the token.
func TestSyncCommand(t *testing.T) {
	src := fixtures.Shared(t, "data/songs/divingfish-music_data.cn.json")
	dir := t.TempDir()
	db := filepath.Join(dir, "a.db")
	const token = "lxns-token-0123456789abcdef="
	var mu sync.Mutex
	var received []json.RawMessage
	requests := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		requests++
		if r.URL.Path != "/api/v0/user/maimai/player/scores" || r.Header.Get("X-User-Token") != token {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"success": false, "code": 401, "message": "invalid user token"}`)
			return
		}
		var up struct{ Scores []json.RawMessage }
		if err := json.NewDecoder(r.Body).Decode(&up); err != nil {
			t.Errorf("body: %v", err)
		}
		received = append(received, up.Scores...)
		io.WriteString(w, `{"success": true, "code": 200}`)
	}))
	defer srv.Close()
	run := func(stdin string, args ...string) (int, string, string) {
		var out, errs bytes.Buffer
		code := Run(context.Background(), append([]string{"--db", db, "--lang", "en"}, args...),
			Env{Stdout: &out, Stderr: &errs, Stdin: strings.NewReader(stdin), Getenv: func(k string) string {
				if k == "MAIPROBE_LXNS_URL" {
					return srv.URL
				}
				return ""
			}})
		return code, out.String(), errs.String()
	}
	if code, out, errs := run("", "songs", "sync", "--from", src); code != exitOK {
		t.Fatalf("songs sync: exit %d\n%s%s", code, out, errs)
	}
	if code, out, errs := run("", "gen", "--plays", "120", "--player", "mai"); code != exitOK {
		t.Fatalf("gen: exit %d\n%s%s", code, out, errs)
	}
	tokenFile := filepath.Join(dir, "lxns.token")
	if err := os.WriteFile(tokenFile, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	code, out, errs := run("", "sync", "lxns", "--player", "mai", "--token-file", tokenFile, "--dry-run")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != exitOK || len(lines) < 100 || requests != 0 || !strings.Contains(errs, "nothing was sent") {
		t.Fatalf("dry run: exit %d, %d lines, %d requests\n%s", code, len(lines), requests, errs)
	}
	if !strings.Contains(lines[0], `"play_time"`) {
		t.Errorf("a dry run line is not an Lxns score: %s", lines[0])
	}

	code, out, errs = run("", "sync", "lxns", "--player", "mai", "--token-file", tokenFile)
	if code != exitOK || len(received) != len(lines) || !strings.Contains(out, "sent") {
		t.Fatalf("sync: exit %d, %d received of %d\n%s%s", code, len(received), len(lines), out, errs)
	}
	before := requests
	code, out, errs = run(token+"\n", "sync", "lxns", "--player", "mai", "--token-file", "-")
	if code != exitOK || requests != before || !strings.Contains(out, "lxns: 0 sent") {
		t.Errorf("second sync (token on stdin): exit %d, %d more requests\n%s%s", code, requests-before, out, errs)
	}

	const wrong = "wrong-token-abcdefghijklmnop"
	code, out, errs = run(wrong, "sync", "lxns", "--player", "mai", "--token-file", "-", "--full")
	if code != exitFail || !strings.Contains(errs, "lxns refused the token") {
		t.Errorf("refused token: exit %d\n%s%s", code, out, errs)
	}
	if strings.Contains(out+errs, wrong) {
		t.Error("the output shows the token")
	}
	for _, bad := range [][]string{
		{"sync", "tachi", "--token-file", tokenFile},
		{"sync", "lxns"},
		{"sync", "lxns", "--token-file", tokenFile, "--base-url", "ftp://example"},
	} {
		if code, out, errs := run("", bad...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d\n%s%s", bad, code, exitUsage, out, errs)
		}
	}
}
