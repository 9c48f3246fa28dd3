//go:build !function

package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
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
	// Lxns keeps every play: what it has is what was sent before.
	if code != exitOK || requests != before || !strings.Contains(out, fmt.Sprintf("lxns: 0 plays sent (0 requests), %d sent before", len(lines))) {
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

// TestSyncPullCommand runs `maiprobe sync diving-fish` and `--pull`
// against a stand-in for diving-fish that overwrites what it is sent, as
// diving-fish does: records it holds higher than the archive's are not
// lowered by the sync, and the pull brings them into the archive.
func TestSyncPullCommand(t *testing.T) {
	src := fixtures.Shared(t, "data/songs/divingfish-music_data.cn.json")
	dir := t.TempDir()
	db := filepath.Join(dir, "a.db")
	const token = "df-import-token-0123456789abcdef"
	var mu sync.Mutex
	held := map[string]map[string]any{} // title/type/level_index → record
	key := func(r map[string]any) string {
		return fmt.Sprint(r["title"], "\x00", r["type"], "\x00", r["level_index"])
	}
	posts := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.Header.Get("Import-Token") != token {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"status": "error", "message": "导入token有误"}`)
			return
		}
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/api/maimaidxprober/player/records":
			recs := []map[string]any{}
			for _, rec := range held {
				recs = append(recs, rec)
			}
			json.NewEncoder(w).Encode(map[string]any{"username": "u", "nickname": "n", "rating": 0, "additional_rating": 0, "plate": "", "records": recs})
		case r.Method == http.MethodPost && r.URL.Path == "/api/maimaidxprober/player/update_records":
			posts++
			var recs []map[string]any
			if err := json.NewDecoder(r.Body).Decode(&recs); err != nil {
				t.Errorf("update_records body: %v", err)
			}
			for _, rec := range recs {
				held[key(rec)] = rec // overwritten, as diving-fish does
			}
			io.WriteString(w, `{"message": "更新成功"}`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	run := func(args ...string) (int, string, string) {
		var out, errs bytes.Buffer
		code := Run(context.Background(), append([]string{"--db", db, "--lang", "en"}, args...),
			Env{Stdout: &out, Stderr: &errs, Stdin: strings.NewReader(""), Getenv: func(k string) string {
				switch k {
				case "MAIPROBE_DIVINGFISH_URL":
					return srv.URL
				case "MAIPROBE_DIVINGFISH_TOKEN":
					return token
				}
				return ""
			}})
		return code, out.String(), errs.String()
	}
	if code, out, errs := run("songs", "sync", "--from", src); code != exitOK {
		t.Fatalf("songs sync: exit %d\n%s%s", code, out, errs)
	}
	if code, out, errs := run("gen", "--plays", "120", "--player", "mai"); code != exitOK {
		t.Fatalf("gen: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs := run("sync", "diving-fish", "--player", "mai")
	if code != exitOK || posts != 1 || len(held) < 20 {
		t.Fatalf("sync: exit %d, %d posts, %d records held\n%s%s", code, posts, len(held), out, errs)
	}

	// Another tool raises ten DX scores on diving-fish; maiprobe's bests
	// of those charts did not change, so --full is what sends them again.
	mu.Lock()
	raised := map[string]float64{}
	for k, rec := range held {
		if len(raised) == 10 {
			break
		}
		rec["dxScore"] = rec["dxScore"].(float64) + 1
		raised[k] = rec["dxScore"].(float64)
	}
	mu.Unlock()
	code, out, errs = run("sync", "diving-fish", "--player", "mai", "--full")
	if code != exitOK || !strings.Contains(out, "0 sent") {
		t.Errorf("full sync over higher records: exit %d\n%s%s", code, out, errs)
	}
	mu.Lock()
	for k, dx := range raised {
		if got := held[k]["dxScore"].(float64); got != dx {
			t.Errorf("the sync lowered a DX score on diving-fish from %v to %v", dx, got)
		}
	}
	mu.Unlock()

	code, out, errs = run("sync", "diving-fish", "--player", "mai", "--pull", "--dry-run")
	if code != exitOK || !strings.Contains(out, "nothing was imported") {
		t.Errorf("pull dry run: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = run("sync", "diving-fish", "--player", "mai", "--pull")
	if code != exitOK || !strings.Contains(out, "10 bests were raised") {
		t.Errorf("pull: exit %d\n%s%s", code, out, errs)
	}
	if code, out, errs := run("sync", "lxns", "--player", "mai", "--pull"); code != exitUsage {
		t.Errorf("--pull from Lxns: exit %d, want %d\n%s%s", code, exitUsage, out, errs)
	}
}
