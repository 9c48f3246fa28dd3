// Package capture is maiprobe's capture proxy: an HTTP proxy a player sets
// on their phone or PC that notices a login to maimai DX NET, takes the
// session and has the site's pages fetched into the archive. It captures
// in two ways: the CN WeChat login (the OAuth callback is made to come back
// over plain HTTP, so no certificate is needed) and local TLS interception
// of the site's own hosts with a locally generated CA. Every other host is
// tunnelled or forwarded untouched and never inspected or logged.
package capture

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// The site's host names as players' browsers use them.
const (
	HostCN       = "maimai.wahlap.com"
	HostCNAuth   = "tgk-wcaime.wahlap.com"
	HostIntl     = "maimaidx-eng.com"
	HostIntlAuth = "lng-tgk-aime-gw.am-all.net"
	HostJP       = "maimaidx.jp"
)

// DefaultAddr is where the proxy listens unless told otherwise: loopback,
// so only this machine can use it until the operator opens it to the LAN.
const DefaultAddr = "127.0.0.1:8866"

// siteRegions maps the hosts that serve DX NET pages to their region.
var siteRegions = map[string]maimai.Region{
	HostCN:   maimai.CN,
	HostIntl: maimai.Intl,
	HostJP:   maimai.JP,
}

// isKnownHost reports whether host (no port) is one of the site's hosts,
// the only ones the proxy ever looks into.
func isKnownHost(host string) bool {
	_, site := siteRegions[host]
	return site || host == HostCNAuth || host == HostIntlAuth
}

// The WeChat login's paths on HostCNAuth.
const (
	authorizePath = "/wc_auth/oauth/authorize/maimai-dx"
	callbackPath  = "/wc_auth/oauth/callback/maimai-dx"
)

// ownPrefix is the path prefix of the proxy's own pages (the saving page's
// status), answered on any of the site's hosts so the page can poll its own
// origin.
const ownPrefix = "/maiprobe-proxy/"

// HostMap sends a site host to another origin: tests point
// "maimai.wahlap.com" at a fake site on https://127.0.0.1:port. Keys are
// the site's host names without a port; values are scheme://host[:port].
// It is the operator's configuration, so its targets are reached even on
// loopback; clients of the proxy cannot add to it.
type HostMap map[string]*url.URL

// ParseHostMap reads "name=URL" pairs separated by commas, e.g.
// "maimai.wahlap.com=https://127.0.0.1:8443".
func ParseHostMap(s string) (HostMap, error) {
	m := HostMap{}
	for _, pair := range strings.Split(s, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		name, target, ok := strings.Cut(pair, "=")
		if !ok || name == "" {
			return nil, fmt.Errorf("host map %q: want name=URL", pair)
		}
		name = strings.ToLower(name)
		if !isKnownHost(name) {
			// The map may send the site's hosts anywhere, loopback
			// included, so it must not be a way to name other hosts.
			return nil, fmt.Errorf("host map %q: only the site's hosts may be mapped (%s, %s, %s, %s, %s)",
				pair, HostCN, HostCNAuth, HostIntl, HostIntlAuth, HostJP)
		}
		u, err := url.Parse(target)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("host map %q: the target must be http://host[:port] or https://host[:port]", pair)
		}
		m[name] = &url.URL{Scheme: u.Scheme, Host: u.Host}
	}
	return m, nil
}

// Session is a logged-in session of the site, taken from a player's login.
type Session struct {
	Region maimai.Region
	// Base is the site's DX NET root as the player's browser knows it,
	// e.g. https://maimai.wahlap.com/maimai-mobile/ (before any HostMap).
	Base *url.URL
	// Site is where the site's requests go: Base after the HostMap.
	Site *url.URL
	// Cookies are the session's cookies for Base.
	Cookies []*http.Cookie
	// UserAgent is the browser's (or WeChat's) User-Agent.
	UserAgent string
}

// Progress is how far a fetch has come, for the saving page.
type Progress struct {
	Pages   int    `json:"pages"`             // pages read so far
	Total   int    `json:"total"`             // pages planned so far (grows)
	Current string `json:"current,omitempty"` // what is being fetched now
}

// Report is what a fetch stored.
type Report struct {
	Pages     int `json:"pages"`
	Added     int `json:"added"`
	Unchanged int `json:"unchanged"`
	Rejected  int `json:"rejected"`
}

// Fetcher fetches a session's pages into the archive (local or remote),
// calling progress as it goes.
type Fetcher func(ctx context.Context, s Session, progress func(Progress)) (Report, error)

// Config is the proxy's settings.
type Config struct {
	// Fetch runs once a session is captured.
	Fetch Fetcher
	// CA, when set, turns on TLS interception of the site's own hosts.
	CA *CA
	// Hosts sends site hosts elsewhere (tests, mirrors).
	Hosts HostMap
	// UpstreamTLS is the TLS configuration for connections the proxy makes
	// to the site's hosts (tests trust their fake site's certificate here);
	// nil means the system's.
	UpstreamTLS *tls.Config
	// Lang is the saving page's language when the browser does not say
	// (zh or en).
	Lang string
	// Done, when set, is told when a capture ends (err nil on success).
	Done func(region maimai.Region, rep Report, err error)
	// Log receives what happens on the site's hosts and the destinations
	// refused; other hosts are never logged. Nil discards.
	Log *slog.Logger
	// Resolver looks up the addresses of hosts other than the site's, which
	// are checked before any connection (net.DefaultResolver when nil;
	// tests inject one).
	Resolver Resolver
	// Dial opens every connection the proxy makes (a net.Dialer when nil;
	// tests inject one to see where the proxy connects).
	Dial DialFunc
	// LocalAddrs lists this machine's own addresses, which clients may not
	// reach (the network interfaces' when nil).
	LocalAddrs func() ([]netip.Addr, error)
}

// Proxy is the capture proxy, an http.Handler to serve on the address the
// player sets as their HTTP proxy.
type Proxy struct {
	cfg      Config
	log      *slog.Logger
	forward  http.RoundTripper // other hosts: no redirects, no decompression
	upstream *http.Transport   // the site's hosts, through Hosts
	// dial, resolver and localAddrs are Config's or the system's.
	dial       DialFunc
	resolver   Resolver
	localAddrs func() ([]netip.Addr, error)
	// targets are the host:port the Hosts map sends site hosts to: the
	// operator's choice, so the site's requests may go there even when it
	// is loopback (a fake site in tests).
	targets map[string]bool
	// ctx bounds the fetches, which outlive the request that started them.
	ctx    context.Context
	cancel context.CancelFunc

	mu   sync.Mutex
	jobs map[string]*job
	wg   sync.WaitGroup
}

// ErrNoSession: the login did not leave session cookies for the site.
var ErrNoSession = errors.New("the login gave no session cookies for the site")
