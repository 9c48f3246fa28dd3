package scaletest

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/servetest"
)

// childEnv marks the test binary started as maiprobe (servetest.Main).
const childEnv = "MAIPROBE_SCALETEST_CHILD"

func TestMain(m *testing.M) { servetest.Main(m, childEnv) }

// server is maiprobe serve in a child process.
type server struct {
	*servetest.Server
	log capLog
}

// startServer runs maiprobe serve over location on a free loopback port,
// configured by flags only, trusting the proxy's forwarding headers.
var servers atomic.Int64 // servers started, for their pprof ports

func startServer(t *testing.T, location string) *server {
	args := []string{"--db", location, "--lang", "en", "--trusted-proxies", "127.0.0.1"}
	// MAIPROBE_SCALE_PPROF=6061 serves the first server's pprof on
	// 127.0.0.1:6061, the second's on :6062.
	if port, err := strconv.Atoi(os.Getenv("MAIPROBE_SCALE_PPROF")); err == nil && port > 0 {
		addr := fmt.Sprintf("127.0.0.1:%d", port+int(servers.Add(1))-1)
		args = append(args, "--debug-addr", addr)
		t.Logf("pprof of the server on %s: http://%s/debug/pprof/", location, addr)
	}
	s := &server{}
	s.Server = servetest.Start(t, childEnv, &s.log, 2*time.Minute, nil, args...)
	return s
}

func (s *server) logText() string { return s.log.String() }

// capLog keeps the first 64 KB of a server's stderr.
type capLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *capLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.b.Len() < 64<<10 {
		l.b.Write(p)
	}
	return len(p), nil
}

func (l *capLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

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
