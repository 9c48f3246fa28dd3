//go:build !function

package cli

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func httpGet(t *testing.T, u string) (int, string) {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestServeDebugAddrOffByDefault(t *testing.T) {
	origin, out, _ := startServeEnv(t, nil)
	if strings.Contains(out.String(), "pprof") {
		t.Errorf("serve announced pprof without --debug-addr:\n%s", out.String())
	}
	for _, p := range []string{"/debug/pprof/", "/debug/pprof/heap", "/debug/pprof/profile?seconds=1"} {
		if code, _ := httpGet(t, origin+p); code != http.StatusNotFound {
			t.Errorf("GET %s on the app: %d, want 404", p, code)
		}
	}
}

func TestServeDebugAddr(t *testing.T) {
	for _, how := range []struct {
		name string
		env  map[string]string
		args []string
	}{
		{"flag", nil, []string{"--debug-addr", "127.0.0.1:0"}},
		{"env", map[string]string{"MAIPROBE_DEBUG_ADDR": "127.0.0.1:0"}, nil},
	} {
		t.Run(how.name, func(t *testing.T) {
			origin, out, errb := startServeEnv(t, how.env, how.args...)
			m := regexp.MustCompile(`pprof profiles: (http://127\.0\.0\.1:\d+)/debug/pprof/`).FindStringSubmatch(out.String())
			if m == nil {
				t.Fatalf("no pprof address printed:\n%s", out.String())
			}
			debug := m[1]
			if debug == origin {
				t.Fatalf("pprof on the app's own address %s", origin)
			}
			if strings.Contains(errb.String(), "open to other machines") {
				t.Errorf("warned about a loopback debug address:\n%s", errb.String())
			}
			for _, tt := range []struct{ path, want string }{
				{"/debug/pprof/", "goroutine"},
				{"/debug/pprof/goroutine?debug=1", "goroutine profile:"},
				{"/debug/pprof/heap?debug=1", "heap profile:"},
				{"/debug/pprof/allocs?debug=1", "heap profile:"},
				{"/debug/pprof/cmdline", filepath.Base(os.Args[0])}, // this test binary
			} {
				code, body := httpGet(t, debug+tt.path)
				if code != http.StatusOK || !strings.Contains(body, tt.want) {
					t.Errorf("GET %s: %d, no %q in %.300s", tt.path, code, tt.want, body)
				}
			}
			// The CPU profile is gzip'd protobuf: check its magic bytes.
			if code, body := httpGet(t, debug+"/debug/pprof/profile?seconds=1"); code != http.StatusOK || !strings.HasPrefix(body, "\x1f\x8b") {
				t.Errorf("CPU profile: %d, %d bytes, not gzip", code, len(body))
			}
			// Never on the app's mux, even with the debug address on.
			if code, _ := httpGet(t, origin+"/debug/pprof/"); code != http.StatusNotFound {
				t.Errorf("GET /debug/pprof/ on the app: %d, want 404", code)
			}
		})
	}
}

func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:6060": true, "127.0.0.2:6060": true, "[::1]:6060": true,
		"0.0.0.0:6060": false, "[::]:6060": false, "192.168.1.5:6060": false, "10.0.0.1:1": false, "nonsense": false,
	} {
		if got := isLoopback(addr); got != want {
			t.Errorf("isLoopback(%q) = %v, want %v", addr, got, want)
		}
	}
}

func TestServeDebugAddrBusy(t *testing.T) {
	origin := startServe(t)
	addr := strings.TrimPrefix(origin, "http://")
	code, _, errOut := run(t, nil, "", "serve", "--db", filepath.Join(t.TempDir(), "x.db"), "--lang", "en", "--addr", "127.0.0.1:0", "--debug-addr", addr)
	if code != exitFail || !strings.Contains(errOut, "--debug-addr") {
		t.Errorf("a busy debug address: exit %d, %q", code, errOut)
	}
}
