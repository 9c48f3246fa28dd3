package capture

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

// echo answers with a fixed set of headers and a body naming what it got,
// so a proxied and a direct answer can be compared exactly.
func echo(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h["Date"] = []string{"Mon, 23 Nov 2026 15:00:00 GMT"}
	h.Set("Content-Type", "application/octet-stream")
	h.Set("X-Other-Secret", "hdr-7f3a")
	h.Add("Set-Cookie", "other=cookie-9b1c; Path=/")
	h.Add("Set-Cookie", "second=2; Path=/")
	body, _ := io.ReadAll(r.Body)
	io.WriteString(w, "path="+r.URL.RequestURI()+"\nua="+r.UserAgent()+"\nauth="+r.Header.Get("Authorization")+
		"\nxff="+r.Header.Get("X-Forwarded-For")+"\nconnection="+r.Header.Get("Connection")+"\nbody=")
	w.Write(body)
	w.Write([]byte{0, 1, 2, 0xff, 0xfe, '\r', '\n'})
}

func TestOtherHostsPassThrough(t *testing.T) {
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(echo))
	defer tlsSrv.Close()
	plainSrv := httptest.NewServer(http.HandlerFunc(echo))
	defer plainSrv.Close()

	ca, _, err := LoadOrCreateCA(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	roots := pool(tlsSrv)
	roots.AddCert(ca.cert)
	// The servers stand on loopback for a public host, example.com at
	// 203.0.113.10 (httptest's certificate names example.com): the proxy
	// refuses loopback destinations, and no test leaves the machine.
	fn := newFakeNet()
	fn.name("example.com", addrs("203.0.113.10"))
	servers := map[string]string{} // port → loopback address
	for _, s := range []*httptest.Server{tlsSrv, plainSrv} {
		p := port(t, s.Listener.Addr().String())
		fn.stand("203.0.113.10:"+p, s.Listener.Addr().String())
		servers[p] = s.Listener.Addr().String()
	}
	// TLS capture on: other hosts must still be tunnelled untouched.
	r := newRig(t, Config{CA: ca, Resolver: fn, Dial: fn.Dial}, roots)
	direct := &http.Client{Transport: &http.Transport{
		TLSClientConfig: r.client.Transport.(*http.Transport).TLSClientConfig.Clone(),
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, servers[port(t, addr)])
		},
	}}
	defer direct.CloseIdleConnections()
	origin := func(s *httptest.Server) string {
		u, _ := url.Parse(s.URL)
		return u.Scheme + "://example.com:" + u.Port()
	}

	for _, tc := range []struct {
		name   string
		srv    *httptest.Server
		method string
		body   string
	}{
		{"https GET", tlsSrv, http.MethodGet, ""},
		{"https POST", tlsSrv, http.MethodPost, "secret-body-41c2\x00\x01"},
		{"http GET", plainSrv, http.MethodGet, ""},
		{"http POST", plainSrv, http.MethodPost, "secret-body-41c2\x00\x01"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			do := func(c *http.Client) (*http.Response, string) {
				req, _ := http.NewRequest(tc.method, origin(tc.srv)+"/secret-path-5e8d?token=q-0a9f", strings.NewReader(tc.body))
				req.Header.Set("User-Agent", "ua-test")
				req.Header.Set("Authorization", "Bearer other-token-77")
				return getBody(t, c, req)
			}
			want, wantBody := do(direct)
			got, gotBody := do(r.client)
			if gotBody != wantBody {
				t.Errorf("body through the proxy:\n%q\nwant\n%q", gotBody, wantBody)
			}
			if got.StatusCode != want.StatusCode {
				t.Errorf("status %d, want %d", got.StatusCode, want.StatusCode)
			}
			if !reflect.DeepEqual(got.Header, want.Header) {
				t.Errorf("headers through the proxy:\n%v\nwant\n%v", got.Header, want.Header)
			}
			if !strings.Contains(gotBody, "auth=Bearer other-token-77") || !strings.Contains(gotBody, "ua=ua-test") {
				t.Errorf("the request's headers did not arrive: %q", gotBody)
			}
			if tc.srv == tlsSrv {
				if got.TLS == nil || !got.TLS.PeerCertificates[0].Equal(tlsSrv.Certificate()) {
					t.Error("the client did not see the server's own certificate: the tunnel was intercepted")
				}
			}
		})
	}
	if log := r.log.String(); log != "" {
		t.Errorf("the proxy logged something about other hosts:\n%s", log)
	}
	// The proxy connected to the address it checked, never by name.
	for _, d := range fn.dialed() {
		if !strings.HasPrefix(d, "203.0.113.10:") {
			t.Errorf("the proxy dialed %q, want the checked address 203.0.113.10", d)
		}
	}
	if len(fn.dialed()) == 0 || fn.lookedUp("example.com") == 0 {
		t.Errorf("dials %v, %d lookups: the requests did not go through the proxy's resolver and dialer", fn.dialed(), fn.lookedUp("example.com"))
	}
}

// TestTunnelIsByteForByte speaks a non-HTTP protocol through CONNECT,
// including bytes sent before the proxy's answer was read.
func TestTunnelIsByteForByte(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				io.Copy(c, c)
			}()
		}
	}()
	// The echo server stands on loopback for echo.example at 198.51.100.20.
	fn := newFakeNet()
	fn.name("echo.example", addrs("198.51.100.20"))
	target := "echo.example:" + port(t, l.Addr().String())
	fn.stand("198.51.100.20:"+port(t, l.Addr().String()), l.Addr().String())
	r := newRig(t, Config{Resolver: fn, Dial: fn.Dial}, nil)
	pu, _ := url.Parse(r.srv.URL)
	c, err := net.Dial("tcp", pu.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	early := []byte("\x16\x03\x01early bytes\x00\xff")
	head := "CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n"
	if _, err := c.Write(append([]byte(head), early...)); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodConnect})
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("CONNECT answered %d", resp.StatusCode)
	}
	later := bytes.Repeat([]byte{0, 0x80, 0xff, '\n'}, 5000)
	if _, err := c.Write(later); err != nil {
		t.Fatal(err)
	}
	want := append(append([]byte{}, early...), later...)
	got := make([]byte, len(want))
	if _, err := io.ReadFull(br, got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("the tunnel changed the bytes")
	}
	if log := r.log.String(); log != "" {
		t.Errorf("the proxy logged a tunnel:\n%s", log)
	}
}

// TestUpgradeThroughPlainProxying: a protocol upgrade (a WebSocket over
// plain HTTP) still passes, though hop-by-hop and forwarding headers go.
func TestUpgradeThroughPlainProxying(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") != "websocket" {
			http.Error(w, "no upgrade", http.StatusBadRequest)
			return
		}
		c, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		defer c.Close()
		buf.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
		buf.Flush()
		io.Copy(c, buf)
	}))
	defer srv.Close()
	p := port(t, srv.Listener.Addr().String())
	fn := newFakeNet()
	fn.name("ws.example", addrs("203.0.113.30"))
	fn.stand("203.0.113.30:"+p, srv.Listener.Addr().String())
	r := newRig(t, Config{Resolver: fn, Dial: fn.Dial}, nil)

	c, err := net.Dial("tcp", strings.TrimPrefix(r.srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, "GET http://ws.example:"+p+"/ HTTP/1.1\r\nHost: ws.example:"+p+"\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n")
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodGet})
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("answered %d, want 101", resp.StatusCode)
	}
	io.WriteString(c, "ping\x00\xff")
	got := make([]byte, 6)
	if _, err := io.ReadFull(br, got); err != nil || string(got) != "ping\x00\xff" {
		t.Errorf("echo %q, %v", got, err)
	}
}
