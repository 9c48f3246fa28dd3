package capture

// The attacks of issue 8, point 2, each reproduced: a client of the proxy
// (anyone on the LAN it listens on) tried to reach this machine or its
// network through it, or to forge its address with forwarding headers.
// No test sends traffic beyond loopback: names resolve through fakeNet,
// and a "private" or "public" address is never dialed for real.

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// trap is a listener on loopback standing for a service that only this
// machine should reach (MariaDB on 3306, a loopback-only maiprobe serve).
// It counts the connections it gets.
type trap struct {
	net.Listener
	got atomic.Int32
}

func newTrap(t *testing.T, addr string) *trap {
	t.Helper()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil
	}
	tr := &trap{Listener: l}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			tr.got.Add(1)
			c.Write([]byte("5.5.5-10.11.6-MariaDB handshake\n"))
			c.Close()
		}
	}()
	t.Cleanup(func() { l.Close() })
	return tr
}

// rawProxy sends one request head to the proxy as written and returns its
// answer, so the target is exactly the spelling under test.
func rawProxy(t *testing.T, proxy, method, target string, header ...string) (*http.Response, string) {
	t.Helper()
	c, err := net.Dial("tcp", proxy)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	host := target
	if u, err := url.Parse(target); err == nil && u.Host != "" {
		host = u.Host
	}
	head := method + " " + target + " HTTP/1.1\r\nHost: " + host + "\r\n"
	for _, h := range header {
		head += h + "\r\n"
	}
	if _, err := io.WriteString(c, head+"\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), &http.Request{Method: method})
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	if method == http.MethodConnect && resp.StatusCode == http.StatusOK {
		return resp, ""
	}
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// addr is the rig's proxy as host:port.
func (r *rig) addr() string { return strings.TrimPrefix(r.srv.URL, "http://") }

// TestProxyRefusesLoopback: CONNECT and plain GET through the proxy to a
// service on this machine's loopback, under every spelling of loopback, get
// 403 and the service gets nothing.
func TestProxyRefusesLoopback(t *testing.T) {
	v4 := newTrap(t, "127.0.0.1:0")
	v6 := newTrap(t, "[::1]:0")
	p4 := port(t, v4.Addr().String())
	fn := newFakeNet()
	fn.name("localhost", addrs("127.0.0.1")) // as /etc/hosts says
	fn.name("loop.test", addrs("127.0.0.1"))
	fn.name("loop6.test", addrs("::1"))
	fn.name("loopmapped.test", addrs("::ffff:127.0.0.1"))
	fn.name("mixed.test", addrs("203.0.113.5", "127.0.0.1"))
	r := newRig(t, Config{Resolver: fn, Dial: fn.Dial}, nil)

	for _, tc := range []struct {
		host string // without port
		v6   bool   // reaches the ::1 trap
	}{
		{host: "127.0.0.1"},
		{host: "localhost"},
		{host: "LocalHost."},
		{host: "db.localhost"},
		{host: "127.1"},
		{host: "127.0.1"},
		{host: "2130706433"},
		{host: "0x7f000001"},
		{host: "0x7f.1"},
		{host: "017700000001"},
		{host: "0177.0.0.1"},
		{host: "127.000.000.001"},
		{host: "0"},
		{host: "0.0.0.0"},
		{host: "[::ffff:127.0.0.1]"},
		{host: "[::ffff:7f00:1]"},
		{host: "loop.test"},
		{host: "loopmapped.test"},
		{host: "mixed.test"},
		{host: "[::1]", v6: true},
		{host: "[::]", v6: true},
		{host: "loop6.test", v6: true},
	} {
		t.Run(tc.host, func(t *testing.T) {
			trap, p := v4, p4
			if tc.v6 {
				if v6 == nil {
					t.Skip("no IPv6 loopback here")
				}
				trap, p = v6, port(t, v6.Addr().String())
			}
			target := tc.host + ":" + p
			for _, req := range []struct{ method, target string }{
				{http.MethodConnect, target},
				{http.MethodGet, "http://" + target + "/"},
			} {
				resp, body := rawProxy(t, r.addr(), req.method, req.target)
				if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "maiprobe") {
					t.Errorf("%s %s answered %d %q, want 403 with the reason", req.method, req.target, resp.StatusCode, body)
				}
			}
			if n := trap.got.Load(); n != 0 {
				t.Fatalf("the loopback service got %d connections through the proxy", n)
			}
		})
	}
	if n := fn.lookedUp("localhost"); n != 0 {
		t.Errorf("localhost was looked up %d times; it is refused by name", n)
	}
	if !strings.Contains(r.log.String(), "refused a destination") {
		t.Errorf("the refusals were not logged:\n%s", r.log.String())
	}
}

// TestProxyRefusesPrivateBeforeDial: names and addresses inside the LAN,
// the cloud metadata service, CGNAT, multicast and this machine's own
// public address are refused before any connection is tried.
func TestProxyRefusesPrivateBeforeDial(t *testing.T) {
	fn := newFakeNet()
	names := map[string]string{
		"intranet.test":  "10.0.0.1",
		"router.test":    "192.168.1.1",
		"corp.test":      "172.16.5.4",
		"metadata.test":  "169.254.169.254",
		"cgnat.test":     "100.64.0.1",
		"ula.test":       "fd00::1",
		"linklocal.test": "fe80::1",
		"mapped.test":    "::ffff:10.0.0.1",
		"nat64.test":     "64:ff9b::a00:1",
		"6to4.test":      "2002:c0a8:101::1",
		"mcast.test":     "224.0.0.251",
		"bcast.test":     "255.255.255.255",
		"self.test":      "198.51.100.7",
		"self6.test":     "2001:db8::7",
	}
	for n, a := range names {
		fn.name(n, addrs(a))
	}
	own := func() ([]netip.Addr, error) { return addrs("198.51.100.7", "2001:db8::7"), nil }
	r := newRig(t, Config{Resolver: fn, Dial: fn.Dial, LocalAddrs: own}, nil)

	hosts := []string{"10.0.0.1", "192.168.1.1", "172.31.255.255", "169.254.169.254", "100.127.0.1",
		"[fd12:3456::1]", "[fe80::1]", "[::ffff:192.168.1.1]", "224.0.0.1", "198.51.100.7", "[2001:db8::7]",
		"0xa000001", "192.168.257", "3232235777"} // the last three: 10.0.0.1, 192.168.1.1 in inet_aton forms
	for n := range names {
		hosts = append(hosts, n)
	}
	for _, host := range hosts {
		t.Run(host, func(t *testing.T) {
			for _, req := range []struct{ method, target string }{
				{http.MethodConnect, host + ":3306"},
				{http.MethodGet, "http://" + host + "/admin"},
			} {
				resp, body := rawProxy(t, r.addr(), req.method, req.target)
				if resp.StatusCode != http.StatusForbidden {
					t.Errorf("%s %s answered %d %q, want 403", req.method, req.target, resp.StatusCode, body)
				}
			}
			if d := fn.dialed(); len(d) != 0 {
				t.Fatalf("the proxy dialed %v before refusing", d)
			}
		})
	}
}

// TestProxyConnectsToTheCheckedAddress: a name that answers with a public
// address when checked and with loopback afterwards (DNS rebinding) is
// reached at the public address; it is looked up once.
func TestProxyConnectsToTheCheckedAddress(t *testing.T) {
	tr := newTrap(t, "127.0.0.1:0")
	p := port(t, tr.Addr().String())
	var hits atomic.Int32
	public := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		io.WriteString(w, "public")
	}))
	defer public.Close()
	fn := newFakeNet()
	fn.name("rebind.test", addrs("203.0.113.10"), addrs("127.0.0.1"))
	fn.stand("203.0.113.10:"+p, public.Listener.Addr().String())
	r := newRig(t, Config{Resolver: fn, Dial: fn.Dial}, nil)

	resp, body := rawProxy(t, r.addr(), http.MethodGet, "http://rebind.test:"+p+"/")
	if resp.StatusCode != http.StatusOK || body != "public" {
		t.Errorf("answered %d %q, want the public server's page", resp.StatusCode, body)
	}
	if got := fn.dialed(); len(got) != 1 || got[0] != "203.0.113.10:"+p {
		t.Errorf("dialed %v, want only the checked address 203.0.113.10:%s", got, p)
	}
	if n := fn.lookedUp("rebind.test"); n != 1 {
		t.Errorf("rebind.test looked up %d times, want once", n)
	}
	if tr.got.Load() != 0 || hits.Load() != 1 {
		t.Errorf("loopback got %d connections, the public server %d requests", tr.got.Load(), hits.Load())
	}
}

// recorder is an origin that keeps the headers of the requests it gets.
type recorder struct {
	mu   sync.Mutex
	seen []http.Header
}

func (rc *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rc.mu.Lock()
	rc.seen = append(rc.seen, r.Header.Clone())
	rc.mu.Unlock()
	io.WriteString(w, "recorded")
}

func (rc *recorder) last(t *testing.T) http.Header {
	t.Helper()
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if len(rc.seen) == 0 {
		t.Fatal("the origin got no request")
	}
	return rc.seen[len(rc.seen)-1]
}

// forged are the headers a client sends to pass for another address (or
// scheme, or host) to a server that trusts the proxy's address.
var forged = []string{
	"X-Forwarded-For: 10.9.8.7", "X-Forwarded-Proto: https", "X-Forwarded-Host: evil.example",
	"X-Real-IP: 10.9.8.7", "Forwarded: for=10.9.8.7;proto=https", "X-Forwarded-Port: 443",
	"True-Client-IP: 10.9.8.7", "X-Api-Scheme: https",
	"Connection: keep-alive, X-Hop-Secret", "X-Hop-Secret: 1", "Proxy-Authorization: Basic YTpi",
	"X-Kept: yes",
}

// TestProxyDropsForwardingHeaders: a client's own forwarding and hop-by-hop
// headers reach no origin, on every path the proxy forwards: a site host
// (over the operator's mapping to a loopback origin), another host, and
// inside an intercepted TLS tunnel (the home page and other pages).
func TestProxyDropsForwardingHeaders(t *testing.T) {
	plain := &recorder{}
	plainSrv := httptest.NewServer(plain)
	defer plainSrv.Close()
	tlsRec := &recorder{}
	tlsSrv := httptest.NewTLSServer(tlsRec)
	defer tlsSrv.Close()
	other := &recorder{}
	otherSrv := httptest.NewServer(other)
	defer otherSrv.Close()

	fn := newFakeNet()
	fn.name("other.example", addrs("203.0.113.20"))
	fn.stand("203.0.113.20:80", otherSrv.Listener.Addr().String())
	hosts, err := ParseHostMap(HostCN + "=" + plainSrv.URL + "," + HostIntl + "=" + tlsSrv.URL)
	if err != nil {
		t.Fatal(err)
	}
	ca, _, err := LoadOrCreateCA(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	r := newRig(t, Config{CA: ca, Hosts: hosts, UpstreamTLS: clientTLS(pool(tlsSrv)), Resolver: fn, Dial: fn.Dial}, ca.Pool())

	check := func(t *testing.T, h http.Header) {
		t.Helper()
		for _, f := range forged {
			name, _, _ := strings.Cut(f, ":")
			switch got := h.Get(name); {
			case name == "X-Kept" && got != "yes":
				t.Errorf("an ordinary header was dropped: %v", h)
			case name != "X-Kept" && got != "":
				t.Errorf("%s reached the origin: %q", name, got)
			}
		}
	}
	t.Run("site host over the mapping", func(t *testing.T) {
		resp, _ := rawProxy(t, r.addr(), http.MethodGet, "http://"+HostCN+"/maimai-mobile/x", forged...)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("answered %d", resp.StatusCode)
		}
		check(t, plain.last(t))
	})
	t.Run("another host", func(t *testing.T) {
		resp, _ := rawProxy(t, r.addr(), http.MethodGet, "http://other.example/x", forged...)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("answered %d", resp.StatusCode)
		}
		check(t, other.last(t))
	})
	for _, path := range []string{"/maimai-mobile/home/", "/maimai-mobile/record/"} {
		t.Run("intercepted "+path, func(t *testing.T) {
			req := mustReq(t, "https://"+HostIntl+path, "en")
			for _, f := range forged {
				name, v, _ := strings.Cut(f, ":")
				req.Header.Add(name, strings.TrimSpace(v))
			}
			req.Header.Set("Cookie", "userId=u") // the home visit's path
			resp, body := getBody(t, r.client, req)
			if resp.StatusCode != http.StatusOK || body != "recorded" {
				t.Fatalf("answered %d %q", resp.StatusCode, body)
			}
			check(t, tlsRec.last(t))
		})
	}
}

// TestHostMapIsTheOperatorsOnly: the operator's --hosts may send a site
// host to loopback (tests' fake sites), but a client cannot name that
// loopback origin itself, and the map takes only the site's hosts.
func TestHostMapIsTheOperatorsOnly(t *testing.T) {
	site := &recorder{}
	siteSrv := httptest.NewServer(site)
	defer siteSrv.Close()
	hosts, err := ParseHostMap(HostCN + "=" + siteSrv.URL)
	if err != nil {
		t.Fatal(err)
	}
	fn := newFakeNet()
	r := newRig(t, Config{Hosts: hosts, Resolver: fn, Dial: fn.Dial}, nil)
	loop := siteSrv.Listener.Addr().String()

	if resp, body := rawProxy(t, r.addr(), http.MethodGet, "http://"+HostCN+"/maimai-mobile/"); resp.StatusCode != http.StatusOK || body != "recorded" {
		t.Errorf("the mapped site host answered %d %q, want the loopback fake site", resp.StatusCode, body)
	}
	if resp, _ := rawProxy(t, r.addr(), http.MethodConnect, HostCN+":443"); resp.StatusCode != http.StatusOK {
		t.Errorf("CONNECT to the mapped site host answered %d", resp.StatusCode)
	}
	site.mu.Lock()
	before := len(site.seen)
	site.mu.Unlock()
	for _, req := range []struct{ method, target string }{
		{http.MethodGet, "http://" + loop + "/maimai-mobile/"},
		{http.MethodConnect, loop},
	} {
		if resp, _ := rawProxy(t, r.addr(), req.method, req.target); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s %s (the map's target, named by a client) answered %d, want 403", req.method, req.target, resp.StatusCode)
		}
	}
	site.mu.Lock()
	after := len(site.seen)
	site.mu.Unlock()
	if after != before {
		t.Errorf("the loopback origin got %d requests named by a client", after-before)
	}
	for _, bad := range []string{"localhost=http://127.0.0.1:3306", "example.com=http://127.0.0.1:8080", "wahlap.com=http://127.0.0.1:1"} {
		if _, err := ParseHostMap(bad); err == nil || !strings.Contains(err.Error(), "only the site's hosts") {
			t.Errorf("ParseHostMap(%q) = %v, want refused", bad, err)
		}
	}
}

// TestReplayRedirectOffSiteIsChecked: the WeChat login's replay follows
// the site's redirects; one to loopback (the site, or whoever answers for
// it, pointing the proxy at this machine) is refused like a client's.
func TestReplayRedirectOffSiteIsChecked(t *testing.T) {
	tr := newTrap(t, "127.0.0.1:0")
	s := newSiteRig(t, false)
	s.auth.next = "http://" + tr.Addr().String() + "/"
	req := mustReq(t, "http://"+HostCNAuth+callbackPath+"?r=xK4fT2e9&t=214115533&code=071code&state=F1E2D3C4B5A69788", "en")
	_, page := getBody(t, s.client, req)
	st := waitJob(t, s.client, "http://"+HostCNAuth, page)
	if st.State != stateFailed || !strings.Contains(st.Error, "loopback") {
		t.Errorf("capture ended %+v, want failed on the loopback redirect", st)
	}
	if n := tr.got.Load(); n != 0 {
		t.Errorf("the loopback service got %d connections from the replay", n)
	}
}

// TestDefaultAddrIsLoopback: without --addr or --lan the proxy is for this
// machine only.
func TestDefaultAddrIsLoopback(t *testing.T) {
	ap, err := netip.ParseAddrPort(DefaultAddr)
	if err != nil || !ap.Addr().IsLoopback() {
		t.Errorf("DefaultAddr %q (%v) is not a loopback address", DefaultAddr, err)
	}
}

// TestClassify pins which addresses are inside this machine or its
// network, and that public ones are not.
func TestClassify(t *testing.T) {
	for _, tc := range []struct{ ip, want string }{
		{"127.0.0.1", reasonLoopback}, {"127.255.0.9", reasonLoopback}, {"::1", reasonLoopback},
		{"::ffff:127.0.0.1", reasonLoopback}, {"0.0.0.0", reasonUnspecified}, {"0.1.2.3", reasonUnspecified},
		{"::", reasonUnspecified}, {"10.1.2.3", reasonPrivate}, {"172.16.0.1", reasonPrivate},
		{"192.168.0.1", reasonPrivate}, {"fc00::1", reasonPrivate}, {"fdff::1", reasonPrivate},
		{"fec0::1", reasonPrivate}, {"::ffff:10.0.0.1", reasonPrivate}, {"169.254.169.254", reasonLinkLocal},
		{"fe80::1%eth0", reasonLinkLocal}, {"224.0.0.1", reasonLinkLocal}, {"239.1.2.3", reasonMulticast}, {"ff02::1", reasonLinkLocal},
		{"ff05::2", reasonMulticast}, {"100.64.0.1", reasonCGNAT}, {"100.127.255.254", reasonCGNAT},
		{"255.255.255.255", reasonReserved}, {"240.0.0.1", reasonReserved}, {"64:ff9b::7f00:1", reasonLoopback},
		{"64:ff9b::a00:1", reasonPrivate}, {"2002:7f00:1::", reasonLoopback}, {"::7f00:1", reasonLoopback},
		{"::808:808", reasonReserved},
		{"8.8.8.8", ""}, {"203.0.113.10", ""}, {"100.128.0.1", ""}, {"172.32.0.1", ""}, {"2606:4700::1111", ""},
		{"64:ff9b::808:808", ""}, {"::ffff:1.1.1.1", ""},
	} {
		t.Run(tc.ip, func(t *testing.T) {
			if got := classify(netip.MustParseAddr(tc.ip)); got != tc.want {
				t.Errorf("classify(%s) = %q, want %q", tc.ip, got, tc.want)
			}
		})
	}
}

// TestParseLegacyIPv4 pins the inet_aton spellings the proxy reads as
// addresses, and the names it leaves to DNS.
func TestParseLegacyIPv4(t *testing.T) {
	for _, tc := range []struct {
		in, want    string
		numeric, ok bool
	}{
		{"127.1", "127.0.0.1", true, true},
		{"127.0.1", "127.0.0.1", true, true},
		{"2130706433", "127.0.0.1", true, true},
		{"0x7f000001", "127.0.0.1", true, true},
		{"0X7F.0.0.1", "127.0.0.1", true, true},
		{"017700000001", "127.0.0.1", true, true},
		{"0", "0.0.0.0", true, true},
		{"192.168.257", "192.168.1.1", true, true},
		{"1.2.3.256", "", true, false},
		{"256.1", "", true, false},
		{"1.2.3.4.5", "", true, false},
		{"08.1.1.1", "", true, false}, // 8 is no octal digit
		{"4294967296", "", true, false},
		{"123.cc", "", false, false},
		{"example.com", "", false, false},
		{"1e100.net", "", false, false},
		{"0xdead.beef", "", false, false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			ip, numeric, ok := parseLegacyIPv4(tc.in)
			if numeric != tc.numeric || ok != tc.ok || (ok && ip.String() != tc.want) {
				t.Errorf("parseLegacyIPv4(%q) = %v, %v, %v; want %s, %v, %v", tc.in, ip, numeric, ok, tc.want, tc.numeric, tc.ok)
			}
		})
	}
}
