package scaletest

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/cli"
)

// childEnv marks the test binary started as maiprobe: TestMain then runs
// the command line instead of the tests, so each server is exactly what
// maiprobe serve builds, in a process of its own.
const childEnv = "MAIPROBE_SCALETEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := cli.Run(ctx, os.Args[1:], cli.Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv})
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// server is maiprobe serve in a child process.
type server struct {
	cmd  *exec.Cmd
	base string
	done chan error
	log  strings.Builder
	mu   sync.Mutex
}

// startServer runs maiprobe serve over location on a free loopback port,
// configured by flags only, trusting the proxy's forwarding headers.
var servers atomic.Int64 // servers started, for their pprof ports

func startServer(t *testing.T, location string) *server {
	cmd := exec.Command(os.Args[0], "serve", "--db", location, "--addr", "127.0.0.1:0", "--lang", "en",
		"--trusted-proxies", "127.0.0.1")
	// MAIPROBE_SCALE_PPROF=6061 serves the first server's pprof on
	// 127.0.0.1:6061, the second's on :6062.
	if port, err := strconv.Atoi(os.Getenv("MAIPROBE_SCALE_PPROF")); err == nil && port > 0 {
		addr := fmt.Sprintf("127.0.0.1:%d", port+int(servers.Add(1))-1)
		cmd.Args = append(cmd.Args, "--debug-addr", addr)
		t.Logf("pprof of the server on %s: http://%s/debug/pprof/", location, addr)
	}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MAIPROBE_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, childEnv+"=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, done: make(chan error, 1)}
	cmd.Stderr = writerFunc(func(p []byte) (int, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.log.Len() < 64<<10 {
			s.log.Write(p)
		}
		return len(p), nil
	})
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.done <- cmd.Wait() }()
	t.Cleanup(func() { s.stop() })
	urls := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`(http://127\.0\.0\.1:\d+)/ in a browser`)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				urls <- m[1]
			}
		}
	}()
	select {
	case s.base = <-urls:
	case err := <-s.done:
		t.Fatalf("maiprobe serve exited: %v\n%s", err, s.logText())
	case <-time.After(2 * time.Minute):
		t.Fatalf("maiprobe serve printed no address in two minutes\n%s", s.logText())
	}
	return s
}

func (s *server) logText() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.String()
}

// stop ends the server with SIGINT, or kills it after 20 s.
func (s *server) stop() {
	if s.cmd.Process == nil || s.cmd.ProcessState != nil {
		return
	}
	s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(20 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
	s.cmd.ProcessState = &os.ProcessState{}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// roundRobin is a reverse proxy on loopback that sends each request to the
// next backend in turn, keeping the Host the client asked for (so the
// apps' same-origin checks see the proxy's origin) and adding
// X-Forwarded-For as a load balancer does. Returns its base URL and how
// many requests each backend got.
func roundRobin(t *testing.T, backends ...string) (string, []*atomic.Int64) {
	var targets []*url.URL
	counts := make([]*atomic.Int64, len(backends))
	for i, b := range backends {
		u, err := url.Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		targets = append(targets, u)
		counts[i] = new(atomic.Int64)
	}
	var next atomic.Uint64
	rp := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			i := int(next.Add(1)-1) % len(targets)
			counts[i].Add(1)
			r.SetURL(targets[i])
			r.Out.Host = r.In.Host
			r.SetXForwarded()
		},
		Transport: &http.Transport{MaxIdleConnsPerHost: 256, IdleConnTimeout: time.Minute},
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: rp, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String(), counts
}
