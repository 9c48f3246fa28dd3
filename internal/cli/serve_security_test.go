package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// startServe runs maiprobe serve with args on a loopback port until the
// test ends and returns its origin (http://127.0.0.1:port).
func startServe(t *testing.T, args ...string) string {
	t.Helper()
	origin, _, _ := startServeEnv(t, nil, args...)
	return origin
}

// startServeEnv is startServe with env as the process environment; it
// returns the server's output too.
func startServeEnv(t *testing.T, env map[string]string, args ...string) (origin string, out, errb *syncBuffer) {
	t.Helper()
	db := filepath.Join(t.TempDir(), "serve.db")
	ctx, cancel := context.WithCancel(context.Background())
	out, errb = &syncBuffer{}, &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, append([]string{"serve", "--db", db, "--lang", "en", "--addr", "127.0.0.1:0"}, args...), Env{
			Stdin: strings.NewReader(""), Stdout: out, Stderr: errb,
			Getenv: func(k string) string { return env[k] },
		})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Error("serve did not stop")
		}
	})
	urlRE := regexp.MustCompile(`open (http://127\.0\.0\.1:\d+)/ in a browser`)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := urlRE.FindStringSubmatch(out.String()); m != nil {
			return m[1], out, errb
		}
		select {
		case code := <-done:
			t.Fatalf("serve exited with %d\nstdout: %s\nstderr: %s", code, out.String(), errb.String())
		default:
		}
	}
	t.Fatalf("serve printed no URL\nstdout: %s\nstderr: %s", out.String(), errb.String())
	return "", nil, nil
}

// TestServeCutsOffSlowClients is the slow-client attack of issue 8: a
// POST trickling its body one byte at a time held a connection (and a
// goroutine and a handler) for as long as the client liked. Each client
// here sends slowly for up to 8 s; the server must close the connection
// within its timeout plus a margin, not wait for the client.
func TestServeCutsOffSlowClients(t *testing.T) {
	const timeout = time.Second
	const margin = 1500 * time.Millisecond
	origin := startServe(t, "--read-header-timeout", "1s", "--body-timeout", "1s", "--body-min-rate", "1KB", "--idle-timeout", "1s")
	addr := strings.TrimPrefix(origin, "http://")
	post := func(length int) string {
		return "POST /login HTTP/1.1\r\nHost: " + addr + "\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
			fmt.Sprintf("Content-Length: %d\r\n\r\n", length)
	}
	tests := []struct {
		name   string
		start  string        // sent at once
		drip   string        // then sent one byte every interval, again and again
		every  time.Duration // the interval
		status string        // the answer expected before the close, "" for none
	}{
		// The attack: a byte every few seconds never stops for
		// longer than a pause, so only the rate rule catches it.
		{"body trickled a byte at a time", post(1000), "a", 200 * time.Millisecond, "408"},
		{"body trickled a byte every 900 ms", post(1000), "a", 900 * time.Millisecond, "408"},
		// A quick start earns time at the minimum rate, but no pause may
		// be longer than the body timeout.
		{"body stalls after a quick start", post(40000) + strings.Repeat("a", 20000), "", 0, "408"},
		{"headers trickled (slowloris)", "GET /healthz HTTP/1.1\r\nHost: " + addr + "\r\n", "X-Slow: 1\r\n", 200 * time.Millisecond, ""},
		// A keep-alive connection that asks nothing more is closed.
		{"idle keep-alive connection", "GET /healthz HTTP/1.1\r\nHost: " + addr + "\r\n\r\n", "", 0, "200"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := io.WriteString(conn, tt.start); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			closed := make(chan string, 1)
			go func() {
				b, _ := io.ReadAll(conn) // until the server closes it (or the test does)
				closed <- string(b)
			}()
			var got string
			ticker := &time.Ticker{}
			if tt.every > 0 {
				ticker = time.NewTicker(tt.every)
				defer ticker.Stop()
			}
		drip:
			for giveUp := time.After(8 * time.Second); ; {
				select {
				case got = <-closed:
					break drip
				case <-ticker.C:
					conn.Write([]byte(tt.drip))
				case <-giveUp:
					t.Fatalf("the connection was still open after 8 s of slow sending; want it closed within %v", timeout+margin)
				}
			}
			took := time.Since(start)
			if took > timeout+margin {
				t.Errorf("closed after %v; want within %v", took.Round(time.Millisecond), timeout+margin)
			}
			if tt.status != "" && !strings.HasPrefix(got, "HTTP/1.1 "+tt.status) {
				t.Errorf("answer %.60q; want %s before the close", got, tt.status)
			}
			t.Logf("closed by the server after %v", took.Round(time.Millisecond))
		})
	}
}

// TestServeLetsSlowSteadyUploadsFinish is the other side of the body
// timeout: a body that arrives slowly but above the minimum rate is read
// to the end and answered, however long it takes altogether (here three
// times the body timeout, which a whole-request ReadTimeout of the same
// length would have cut off).
func TestServeLetsSlowSteadyUploadsFinish(t *testing.T) {
	origin := startServe(t, "--body-timeout", "1s", "--body-min-rate", "4KB")
	addr := strings.TrimPrefix(origin, "http://")

	// The login form's CSRF token and cookie, so the body is read and
	// the login is actually tried.
	res, err := http.Get(origin + "/login")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(page)
	var cookie *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "maiprobe_csrf" {
			cookie = c
		}
	}
	if m == nil || cookie == nil {
		t.Fatalf("no CSRF token or cookie on /login (%d)", res.StatusCode)
	}
	form := url.Values{"csrf": {string(m[1])}, "name": {"nobody"}, "password": {"wrong password"}, "pad": {strings.Repeat("x", 24<<10)}}.Encode()

	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /login HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nCookie: %s=%s\r\nContent-Length: %d\r\n\r\n",
		addr, cookie.Name, cookie.Value, len(form))
	// 512 bytes every 62.5 ms: 8 KB/s, twice the minimum, for about 3 s.
	start := time.Now()
	for b := []byte(form); len(b) > 0; time.Sleep(62500 * time.Microsecond) {
		n := min(512, len(b))
		if _, err := conn.Write(b[:n]); err != nil {
			t.Fatalf("the server stopped reading after %v: %v", time.Since(start).Round(time.Millisecond), err)
		}
		b = b[n:]
	}
	took := time.Since(start)
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	got, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer after a %v upload: %v", took.Round(time.Millisecond), err)
	}
	got.Body.Close()
	// 401: the form was read whole and the (wrong) password checked.
	if got.StatusCode != http.StatusUnauthorized {
		t.Errorf("status %d after a %v upload at 8 KB/s; want 401 (form read, login refused)", got.StatusCode, took.Round(time.Millisecond))
	}
	if took < 2*time.Second {
		t.Errorf("the upload took only %v; the test means it to outlast the 1 s body timeout", took)
	}
}
