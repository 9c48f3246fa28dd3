package capture

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
)

// syncBuffer is a log sink safe for the proxy's goroutines.
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

// rig is a running proxy with a client set to use it.
type rig struct {
	p      *Proxy
	srv    *httptest.Server
	client *http.Client
	log    *syncBuffer
}

// newRig starts the proxy on loopback; roots are the certificates the
// client trusts (the fake servers', the CA's).
func newRig(t *testing.T, cfg Config, roots *x509.CertPool) *rig {
	t.Helper()
	buf := &syncBuffer{}
	cfg.Log = slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	p := New(cfg)
	srv := httptest.NewServer(p)
	t.Cleanup(func() {
		srv.Close()
		p.Close()
	})
	pu, _ := url.Parse(srv.URL)
	client := &http.Client{
		Transport: &http.Transport{
			Proxy:           http.ProxyURL(pu),
			TLSClientConfig: &tls.Config{RootCAs: roots},
		},
		// The browser's redirects are looked at one by one.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       20 * time.Second,
	}
	t.Cleanup(client.CloseIdleConnections)
	return &rig{p: p, srv: srv, client: client, log: buf}
}

// pool is a certificate pool of the given servers' certificates.
func pool(servers ...*httptest.Server) *x509.CertPool {
	p := x509.NewCertPool()
	for _, s := range servers {
		p.AddCert(s.Certificate())
	}
	return p
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func readPage(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "dxnet", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// openArchive is a fresh SQLite archive.
func openArchive(t *testing.T) *archive.Archive {
	t.Helper()
	a, err := archive.Open(context.Background(), filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// pageFetcher is a small stand-in for the site fetcher: it reads the
// given pages with the session's cookies through the proxy's host map and
// imports them. It records the sessions it was given.
type pageFetcher struct {
	p      **Proxy
	a      *archive.Archive
	player string
	paths  []string

	mu       sync.Mutex
	sessions []Session
}

func (f *pageFetcher) fetch(ctx context.Context, s Session, progress func(Progress)) (Report, error) {
	f.mu.Lock()
	f.sessions = append(f.sessions, s)
	f.mu.Unlock()
	c := &http.Client{Transport: (*f.p).SiteTransport()}
	var rep Report
	for _, path := range f.paths {
		progress(Progress{Pages: rep.Pages, Current: path})
		u, _ := s.Base.Parse(path)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
		req.Header.Set("User-Agent", s.UserAgent)
		for _, ck := range s.Cookies {
			req.AddCookie(ck)
		}
		resp, err := c.Do(req)
		if err != nil {
			return rep, err
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return rep, fmt.Errorf("%s: HTTP %d", path, resp.StatusCode)
		}
		res := f.a.Import(ctx, f.player, archive.Source{Name: path, Data: body})
		rep.Pages++
		switch res.Status {
		case archive.Added:
			rep.Added++
		case archive.Unchanged:
			rep.Unchanged++
		default:
			return rep, fmt.Errorf("%s: %v", path, res.Err)
		}
	}
	progress(Progress{Pages: rep.Pages})
	return rep, nil
}

var jobIDRE = regexp.MustCompile(`data-job="([0-9a-f]{32})"`)

// waitJob polls the saving page's status URL on origin until the job ends.
func waitJob(t *testing.T, client *http.Client, origin, page string) jobStatus {
	t.Helper()
	m := jobIDRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the saving page has no job id:\n%s", page)
	}
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := client.Get(origin + ownPrefix + "job/" + m[1] + ".json")
		if err != nil {
			t.Fatal(err)
		}
		var st jobStatus
		err = json.NewDecoder(resp.Body).Decode(&st)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("status: %v", err)
		}
		if st.State == stateDone || st.State == stateFailed {
			return st
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("the capture did not end in 15 s")
	return jobStatus{}
}

func getBody(t *testing.T, c *http.Client, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func contains(s string, subs ...string) string {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return sub
		}
	}
	return ""
}

func clientTLS(roots *x509.CertPool) *tls.Config { return &tls.Config{RootCAs: roots} }

// fakeNet is the network a test's proxy sees, so that no test ever sends
// traffic beyond loopback: names resolve to the addresses given (the nth
// lookup of a name gets its nth answer, the last one repeating), and a dial
// to an address in route goes to the loopback server standing in for it.
// Every lookup and dial is recorded; a dial of anything else fails.
type fakeNet struct {
	names map[string][][]netip.Addr
	route map[string]string // "203.0.113.10:443" → "127.0.0.1:port"

	mu      sync.Mutex
	lookups []string
	dials   []string
}

func newFakeNet() *fakeNet {
	return &fakeNet{names: map[string][][]netip.Addr{}, route: map[string]string{}}
}

// name makes host resolve to addrs (one answer per lookup, in order).
func (f *fakeNet) name(host string, answers ...[]netip.Addr) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.names[host] = answers
}

// stand makes a dial of public (ip:port) reach the server at local.
func (f *fakeNet) stand(public, local string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.route[public] = local
}

func (f *fakeNet) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, l := range f.lookups {
		if l == host {
			n++
		}
	}
	f.lookups = append(f.lookups, host)
	answers := f.names[host]
	if len(answers) == 0 {
		return nil, &net.DNSError{Err: "no such host (fakeNet)", Name: host, IsNotFound: true}
	}
	return answers[min(n, len(answers)-1)], nil
}

func (f *fakeNet) Dial(ctx context.Context, network, addr string) (net.Conn, error) {
	f.mu.Lock()
	f.dials = append(f.dials, addr)
	f.mu.Unlock()
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		// A dial by name looks the name up again, as a real dialer would:
		// that second answer is what a rebinding attacker controls.
		as, err := f.LookupNetIP(ctx, "ip", host)
		if err != nil {
			return nil, err
		}
		ip = as[0]
	}
	addr = net.JoinHostPort(ip.String(), p)
	f.mu.Lock()
	to, ok := f.route[addr]
	f.mu.Unlock()
	var d net.Dialer
	switch {
	case ok:
		return d.DialContext(ctx, network, to)
	case ip.Unmap().IsLoopback():
		// Loopback is this machine: the tests' listeners there must see
		// whether the proxy lets a client through.
		return d.DialContext(ctx, network, addr)
	}
	return nil, fmt.Errorf("fakeNet: no route to %s (tests stay on loopback)", addr)
}

// dialed is what the proxy dialed so far.
func (f *fakeNet) dialed() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.dials...)
}

// lookedUp is how many times host was looked up.
func (f *fakeNet) lookedUp(host string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, l := range f.lookups {
		if l == host {
			n++
		}
	}
	return n
}

// addrs parses IP addresses.
func addrs(ss ...string) []netip.Addr {
	var out []netip.Addr
	for _, s := range ss {
		out = append(out, netip.MustParseAddr(s))
	}
	return out
}

// port is the port of a listener's or server's address.
func port(t *testing.T, hostport string) string {
	t.Helper()
	_, p, err := net.SplitHostPort(hostport)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
