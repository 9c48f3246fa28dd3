package capture

import (
	"bufio"
	"crypto/tls"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"time"
)

// nilLogger silences net/http's own logs, which would name URLs.
var nilLogger = log.New(io.Discard, "", 0)

// intercept terminates TLS for a site host with a leaf of the local CA and
// serves the requests inside as the site's.
func (p *Proxy) intercept(w http.ResponseWriter, r *http.Request, host string) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return
	}
	if _, err := conn.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n")); err != nil {
		conn.Close()
		return
	}
	tc := tls.Server(&bufConn{Conn: conn, r: buf.Reader}, &tls.Config{
		MinVersion: tls.VersionTLS12,
		NextProtos: []string{"http/1.1"},
		GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
			// The CONNECT's host, not the SNI: the CA only vouches for the
			// site, whatever name the client asks for.
			return p.cfg.CA.leaf(host)
		},
	})
	tc.SetDeadline(time.Now().Add(15 * time.Second))
	if err := tc.Handshake(); err != nil {
		p.log.Info("capture: TLS handshake refused; is the maiprobe CA trusted on this device?", "host", host)
		tc.Close()
		return
	}
	tc.SetDeadline(time.Time{})
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// Requests inside the tunnel can only reach the tunnel's host.
			r.URL.Scheme, r.URL.Host = "https", host
			p.serveSite(w, r)
		}),
		ErrorLog:          nilLogger,
		ReadHeaderTimeout: 30 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	l := &oneConnListener{conn: tc, closed: make(chan struct{})}
	srv.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateClosed || s == http.StateHijacked {
			l.once.Do(func() { close(l.closed) })
		}
	}
	srv.Serve(l)
}

// bufConn reads through the bufio.Reader of a hijacked connection, which
// may hold bytes the client sent right after CONNECT.
type bufConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufConn) Read(b []byte) (int, error) { return c.r.Read(b) }

// oneConnListener hands http.Server one connection and then blocks until
// that connection ends, so Serve returns when the tunnel closes.
type oneConnListener struct {
	conn   net.Conn
	taken  bool
	once   sync.Once
	closed chan struct{}
}

func (l *oneConnListener) Accept() (net.Conn, error) {
	if !l.taken {
		l.taken = true
		return l.conn, nil
	}
	<-l.closed
	return nil, net.ErrClosed
}

func (l *oneConnListener) Close() error   { return nil }
func (l *oneConnListener) Addr() net.Addr { return l.conn.LocalAddr() }
