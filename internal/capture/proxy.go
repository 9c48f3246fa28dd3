package capture

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"time"
)

// New makes a proxy. Close it to stop the fetches it started.
func New(cfg Config) *Proxy {
	p := &Proxy{cfg: cfg, log: cfg.Log, jobs: map[string]*job{}}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	p.dial = cfg.Dial
	if p.dial == nil {
		d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
		p.dial = d.DialContext
	}
	p.resolver = cfg.Resolver
	if p.resolver == nil {
		p.resolver = net.DefaultResolver
	}
	p.localAddrs = cfg.LocalAddrs
	if p.localAddrs == nil {
		p.localAddrs = interfaceAddrs
	}
	p.targets = map[string]bool{}
	for name, u := range cfg.Hosts {
		if isKnownHost(name) {
			p.targets[strings.ToLower(hostPort(u))] = true
		}
	}
	p.forward = &http.Transport{
		Proxy:       nil, // never chain into another proxy, nor into ourselves
		DialContext: p.dialOther,
		// Keep the other host's bytes as they are: no transparent gzip.
		DisableCompression:  true,
		MaxIdleConnsPerHost: 4,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: 15 * time.Second,
	}
	p.upstream = &http.Transport{
		Proxy:               nil,
		DialContext:         p.dialSite,
		TLSClientConfig:     cfg.UpstreamTLS,
		ForceAttemptHTTP2:   false,
		DisableCompression:  true,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: 15 * time.Second,
	}
	p.ctx, p.cancel = context.WithCancel(context.Background())
	return p
}

// Close cancels running fetches and waits for them to end.
func (p *Proxy) Close() error {
	p.cancel()
	p.wg.Wait()
	p.upstream.CloseIdleConnections()
	if t, ok := p.forward.(*http.Transport); ok {
		t.CloseIdleConnections()
	}
	return nil
}

// ServeHTTP serves one proxy request: a CONNECT tunnel, a plain HTTP
// request with an absolute URL, or a request to the proxy itself.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodConnect {
		p.connect(w, r)
		return
	}
	if !r.URL.IsAbs() {
		// Addressed to the proxy itself, not through it.
		p.servePortal(w, r)
		return
	}
	host := hostOnly(r.URL.Host)
	if !isKnownHost(host) {
		p.forwardOther(w, r)
		return
	}
	p.serveSite(w, r)
}

// hostOnly is host without its port, lower case.
func hostOnly(hostport string) string {
	h := hostport
	if hh, _, err := net.SplitHostPort(hostport); err == nil {
		h = hh
	}
	return strings.ToLower(strings.Trim(h, "[]"))
}

// hopHeaders are the headers meant for the proxy, not the origin.
var hopHeaders = []string{
	"Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization",
	"Te", "Trailer", "Transfer-Encoding", "Upgrade",
}

// forwardingHeaders claim where a request came from. A server behind a
// trusted proxy believes them (maiprobe serve with --trusted-proxies
// 127.0.0.1 does), so a client passing its own through this proxy could
// forge its address; they are dropped, and none are added: the origin
// sees the proxy, as with a NAT.
var forwardingHeaders = []string{
	"Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Port",
	"X-Forwarded-Server", "X-Forwarded-Prefix", "X-Real-Ip", "X-Client-Ip", "True-Client-Ip",
	"X-Api-Scheme", // maiprobe serve's API-gateway scheme header
}

// dropForwarding removes the forwarding headers from h.
func dropForwarding(h http.Header) {
	for _, name := range forwardingHeaders {
		h.Del(name)
	}
}

// dropClientHeaders removes from h the hop-by-hop headers (and those the
// Connection header names) and the forwarding headers, for requests not
// sent through httputil.ReverseProxy (which drops hop-by-hop headers
// itself, keeping a protocol upgrade).
func dropClientHeaders(h http.Header) {
	for _, v := range h.Values("Connection") {
		for _, name := range strings.Split(v, ",") {
			if name = strings.TrimSpace(name); name != "" {
				h.Del(name)
			}
		}
	}
	for _, name := range hopHeaders {
		h.Del(name)
	}
	dropForwarding(h)
}

// forwardOther passes a plain HTTP request to a host that is not the
// site's, unlogged, once the host is known not to be inside this machine
// or its network.
func (p *Proxy) forwardOther(w http.ResponseWriter, r *http.Request) {
	rp := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			// The request already names its origin; only hop-by-hop
			// (gone already) and forwarding headers go.
			pr.Out.URL = cloneURL(pr.In.URL)
			pr.Out.Host = pr.In.Host
			dropForwarding(pr.Out.Header)
		},
		Transport: p.forward,
		// ReverseProxy's default would log the URL; say nothing.
		ErrorLog:     nilLogger,
		ErrorHandler: p.proxyError,
	}
	rp.ServeHTTP(w, r)
}

// proxyError answers a request the proxy could not pass on: 403 when the
// destination was refused, else 502, saying nothing about other hosts.
func (p *Proxy) proxyError(w http.ResponseWriter, r *http.Request, err error) {
	if re, ok := refused(err); ok {
		p.refuse(w, r, re)
		return
	}
	w.WriteHeader(http.StatusBadGateway)
}

// refuse answers 403 with the reason and logs the attempt: a client tried
// to reach this machine or its network through the proxy.
func (p *Proxy) refuse(w http.ResponseWriter, r *http.Request, re *RefusedError) {
	attrs := []any{"client", r.RemoteAddr, "method", r.Method, "host", re.Host, "reason", re.Reason}
	if re.Addr.IsValid() {
		attrs = append(attrs, "addr", re.Addr.String())
	}
	p.log.Warn("capture: refused a destination inside this machine or its network", attrs...)
	t := catalogue(p.lang(r))
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusForbidden)
	reason := t.Reasons[re.Reason]
	if reason == "" {
		reason = re.Reason
	}
	fmt.Fprintf(w, t.Refused+"\n", re.Host, reason)
}

// connect serves CONNECT: the site's hosts are intercepted when a CA is
// configured; everything else is tunnelled byte for byte, once the
// destination is known not to be inside this machine or its network.
func (p *Proxy) connect(w http.ResponseWriter, r *http.Request) {
	host := hostOnly(r.Host)
	_, site := siteRegions[host]
	if site && p.cfg.CA != nil {
		p.intercept(w, r, host)
		return
	}
	var up net.Conn
	var err error
	if isKnownHost(host) {
		// The site's hosts are what the proxy is for; --hosts is the
		// operator's own choice of where they go.
		target := r.Host
		if u, ok := p.cfg.Hosts[host]; ok {
			target = hostPort(u)
		}
		up, err = p.dial(r.Context(), "tcp", target)
	} else {
		up, err = p.dialOther(r.Context(), "tcp", r.Host)
	}
	if err != nil {
		p.proxyError(w, r, err)
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		up.Close()
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		up.Close()
		return
	}
	if _, err := conn.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n")); err != nil {
		conn.Close()
		up.Close()
		return
	}
	// The client may have sent bytes after the CONNECT head already.
	if n := buf.Reader.Buffered(); n > 0 {
		b, _ := buf.Reader.Peek(n)
		if _, err := up.Write(b); err != nil {
			conn.Close()
			up.Close()
			return
		}
	}
	pipe(conn, up)
}

// pipe copies both ways until either side ends.
func pipe(a, b net.Conn) {
	done := make(chan struct{}, 2)
	cp := func(dst, src net.Conn) {
		io.Copy(dst, src)
		if c, ok := dst.(interface{ CloseWrite() error }); ok {
			c.CloseWrite()
		} else {
			dst.Close()
		}
		done <- struct{}{}
	}
	go cp(a, b)
	go cp(b, a)
	<-done
	<-done
	a.Close()
	b.Close()
}

// hostPort is u's host with the scheme's default port made explicit.
func hostPort(u *url.URL) string {
	if u.Port() != "" {
		return u.Host
	}
	if u.Scheme == "http" {
		return net.JoinHostPort(u.Hostname(), "80")
	}
	return net.JoinHostPort(u.Hostname(), "443")
}

func cloneURL(u *url.URL) *url.URL {
	c := *u
	if u.User != nil {
		uu := *u.User
		c.User = &uu
	}
	return &c
}

// mapped is u sent where Hosts says, for requests the proxy itself makes
// to the site.
func (p *Proxy) mapped(u *url.URL) *url.URL {
	c := cloneURL(u)
	if t, ok := p.cfg.Hosts[hostOnly(u.Host)]; ok {
		c.Scheme, c.Host = t.Scheme, t.Host
	}
	return c
}

// mapTransport is the upstream transport with Hosts applied, so clients
// (and their cookie jars) keep seeing the site's real names.
type mapTransport struct{ p *Proxy }

func (t mapTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	out := r.Clone(r.Context())
	out.URL = t.p.mapped(r.URL)
	out.Host = r.URL.Host
	if _, ok := t.p.cfg.Hosts[hostOnly(r.URL.Host)]; ok {
		out.Host = out.URL.Host
	}
	return t.p.upstream.RoundTrip(out)
}

// SiteTransport is an http.RoundTripper to the site with the proxy's host
// map applied, for the fetcher.
func (p *Proxy) SiteTransport() http.RoundTripper { return mapTransport{p} }
