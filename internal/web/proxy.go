package web

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/maiprobe/maiprobe/internal/archive"
)

// reqState is what the root handler and the middleware learn about a
// request, kept in its context for the pages.
type reqState struct {
	IP     string // the client's address
	Scheme string // http or https, as the browser sees the app
	Host   string // the host (and port) the browser sees
	Lang   string // zh or en

	Session *archive.LoginSession // nil when not logged in
	// anonCSRF is the CSRF token of a visitor without a session (login
	// and setup forms), kept in a cookie.
	anonCSRF string
	// anonNew: anonCSRF was made for this request (its cookie is set).
	anonNew bool
	// access is the viewer's access to the {player} of the path, once
	// canView or canChange checked it.
	access archive.Access
	// bodyLimit is the body limit the csrf check applied (0: MaxUpload),
	// for the 413 page to name.
	bodyLimit int64
	// version is the archive's version read at the start of the request
	// (0: unknown, nothing is cached).
	version int64
	// sessionKey names the login in the caches (sessionKey of its token).
	sessionKey string
	// page: render wrote a page (200) the response cache may keep: it
	// does not carry an anonymous visitor's own CSRF token.
	page bool
}

type stateKey struct{}

// userID is the logged-in viewer's user id, 0 for an anonymous visitor.
func (st *reqState) userID() int64 {
	if st.Session == nil {
		return 0
	}
	return st.Session.User.ID
}

// state returns the request's state; a request that did not come through
// ServeHTTP (a unit test of one handler) gets an empty one.
func state(r *http.Request) *reqState {
	if st, ok := r.Context().Value(stateKey{}).(*reqState); ok {
		return st
	}
	return &reqState{Scheme: "http", Host: r.Host, Lang: "zh"}
}

// ParseTrustedProxies reads a comma-separated list of CIDRs or single
// addresses (10.0.0.0/8, 127.0.0.1, ::1).
func ParseTrustedProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, fmt.Errorf("web: trusted proxy %q: want an address or a CIDR such as 10.0.0.0/8", f)
			}
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("web: trusted proxy %q: want an address or a CIDR such as 10.0.0.0/8", f)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

func (s *Server) trusted(addr string) bool {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// resolve works out who is asking and which URL they see. The forwarding
// headers are believed only from a trusted proxy: anyone else could send
// them to get Secure cookies dropped or redirects sent elsewhere.
func (s *Server) resolve(r *http.Request) *reqState {
	st := &reqState{Scheme: "http", Host: r.Host}
	if r.TLS != nil {
		st.Scheme = "https"
	}
	ip, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		ip = r.RemoteAddr
	}
	st.IP = ip
	if s.trusted(ip) {
		// The client is the last address of X-Forwarded-For that is not
		// one of our proxies; earlier ones are the client's own claims.
		hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
		for i := len(hops) - 1; i >= 0; i-- {
			h := strings.TrimSpace(hops[i])
			if _, err := netip.ParseAddr(h); err != nil {
				break
			}
			st.IP = h
			if !s.trusted(h) {
				break
			}
		}
		if p := firstValue(r.Header.Get("X-Forwarded-Proto")); p == "http" || p == "https" {
			st.Scheme = p
		} else if p := firstValue(r.Header.Get("X-Api-Scheme")); p == "http" || p == "https" {
			st.Scheme = p
		}
		if h := firstValue(r.Header.Get("X-Forwarded-Host")); validHost(h) {
			st.Host = h
		}
	}
	st.Lang = pickLang(r)
	return st
}

func firstValue(v string) string {
	v, _, _ = strings.Cut(v, ",")
	return strings.ToLower(strings.TrimSpace(v))
}

// validHost accepts host or host:port without anything that would change
// a URL built from it.
func validHost(h string) bool {
	return h != "" && len(h) <= 255 && !strings.ContainsAny(h, "/\\?#@ \t\r\n")
}

// origin is the app's external origin, e.g. https://example.com.
func (st *reqState) origin() string { return st.Scheme + "://" + st.Host }

// external is the absolute URL of an app path as the browser sees it.
func (s *Server) external(r *http.Request, path string) string {
	return state(r).origin() + s.cfg.BasePath + path
}
