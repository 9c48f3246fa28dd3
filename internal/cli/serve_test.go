package cli

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
)

// syncBuffer is a buffer a running command writes while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestServeEndToEnd(t *testing.T) {
	db := filepath.Join(t.TempDir(), "serve.db")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		// No command: serve is the default.
		done <- Run(ctx, []string{"--db", db, "--lang", "en"}, Env{
			Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
			Getenv: func(k string) string {
				return map[string]string{"MAIPROBE_ADDR": "127.0.0.1:0", "MAIPROBE_BASE_PATH": "/release"}[k]
			},
		})
	}()

	urlRE := regexp.MustCompile(`open (http://127\.0\.0\.1:\d+/release/) in a browser`)
	var base string
	for deadline := time.Now().Add(10 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := urlRE.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
		}
		select {
		case code := <-done:
			t.Fatalf("serve exited with %d\nstdout: %s\nstderr: %s", code, out.String(), errb.String())
		default:
		}
	}
	if base == "" {
		t.Fatalf("serve printed no URL\nstdout: %s\nstderr: %s", out.String(), errb.String())
	}
	origin := strings.TrimSuffix(base, "/release/")

	for _, u := range []string{origin + "/healthz", base + "healthz"} {
		res, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || string(body) != "ok\n" {
			t.Errorf("GET %s: %d %q", u, res.StatusCode, body)
		}
	}
	setup := regexp.MustCompile(`url="?` + regexp.QuoteMeta(origin) + `(/release/setup\?token=[\w-]+)`).FindStringSubmatch(errb.String())
	if setup == nil {
		t.Errorf("no setup URL in the log:\n%s", errb.String())
	} else if res, err := http.Get(origin + setup[1]); err != nil || res.StatusCode != http.StatusOK {
		t.Errorf("the logged setup URL does not open: %v %v", res, err)
	}
	if !strings.Contains(errb.String(), "path=/healthz status=200") {
		t.Errorf("no request log for /healthz:\n%s", errb.String())
	}

	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("serve exited with %d after shutdown\n%s", code, errb.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
}

func TestServeRejectsBadSettings(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.db")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--trusted-proxies", "10.0.0.0/99"}, "10.0.0.0/99"},
		{[]string{"serve", "--max-upload", "lots"}, "--max-upload"},
		{[]string{"serve", "--session-ttl", "forever"}, "--session-ttl"},
		{[]string{"serve", "--base-path", "release"}, "base path"},
		{[]string{"serve", "--body-timeout", "-1s"}, "--body-timeout"},
		{[]string{"serve", "--read-header-timeout", "soon"}, "--read-header-timeout"},
		{[]string{"serve", "--write-timeout", "10"}, "--write-timeout"},
		{[]string{"serve", "--idle-timeout", "forever"}, "--idle-timeout"},
		{[]string{"serve", "--body-min-rate", "fast"}, "--body-min-rate"},
		{[]string{"serve", "--divingfish-prefix", "/api/v1"}, "diving-fish prefix"},
		{[]string{"serve", "--divingfish-prefix", "maimaidxprober"}, "diving-fish prefix"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, _, errOut := run(t, nil, "", append([]string{"--db", db, "--lang", "en"}, tt.args...)...)
			if code == exitOK || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, stderr %q, want it to name %q", code, errOut, tt.want)
			}
		})
	}
}

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{
		{"64MB", 64 << 20}, {"512kb", 512 << 10}, {"1G", 1 << 30}, {"1000", 1000}, {"10 MB", 10 << 20},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got, err := parseSize(tt.in); err != nil || got != tt.want {
				t.Errorf("parseSize(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
			}
		})
	}
	for _, bad := range []string{"", "MB", "-1", "1.5GB", "x"} {
		if _, err := parseSize(bad); err == nil {
			t.Errorf("parseSize(%q) accepted", bad)
		}
	}
}

func TestUserCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "users.db")
	env := map[string]string{"MAIPROBE_DB": db, "MAIPROBE_LANG": "en"}

	code, out, errOut := run(t, env, "correct horse\n", "user", "add", "alice", "--player", "ali", "--password-stdin")
	if code != exitOK || out != "added user alice (owns player ali)\n" {
		t.Fatalf("user add: %d %q %q", code, out, errOut)
	}
	code, out, _ = run(t, env, "", "user", "list")
	if code != exitOK || out != "alice\tali\n" {
		t.Errorf("user list: %d %q", code, out)
	}
	tests := []struct {
		name  string
		stdin string
		args  []string
		code  int
		want  string
	}{
		{"taken name", "another pass\n", []string{"user", "add", "alice", "--password-stdin"}, exitFail, "already exists"},
		{"short password", "short\n", []string{"user", "add", "bob", "--password-stdin"}, exitFail, "too short"},
		{"no password", "", []string{"user", "add", "bob", "--password-stdin"}, exitFail, "no password on standard input"},
		{"no terminal", "", []string{"user", "add", "bob"}, exitFail, "--password-stdin"},
		{"no name", "", []string{"user", "add"}, exitUsage, "usage: maiprobe user add"},
		{"passwd unknown", "new password\n", []string{"user", "passwd", "carol", "--password-stdin"}, exitFail, `"carol" does not exist`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := run(t, env, tt.stdin, tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d naming %q", code, errOut, tt.code, tt.want)
			}
		})
	}
	code, out, errOut = run(t, env, "a new password\n", "user", "passwd", "alice", "--password-stdin")
	if code != exitOK || out != "changed the password of alice\n" {
		t.Errorf("user passwd: %d %q %q", code, out, errOut)
	}
	a, err := archive.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := a.Authenticate(context.Background(), "alice", "a new password"); err != nil {
		t.Errorf("the new password does not log in: %v", err)
	}
	if _, err := a.Authenticate(context.Background(), "alice", "correct horse"); err == nil {
		t.Error("the old password still logs in")
	}
}
