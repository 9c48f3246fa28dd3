package capture

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// A client of the proxy is anyone on the network it listens on, so the
// proxy must not let them reach what only this machine (or its own network)
// can: a database on 127.0.0.1, a loopback-only maiprobe serve, a router's
// admin page, a cloud metadata service. The site's hosts (and where the
// operator's --hosts sends them) are the proxy's purpose and always
// allowed; every other destination is resolved once, every address is
// checked, and the connection goes to a checked address, so a DNS answer
// that changes between check and dial (rebinding) changes nothing.

// Resolver looks up a host name's addresses; *net.Resolver is one.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// DialFunc opens a connection, as net.Dialer.DialContext does.
type DialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// Reasons a destination is refused.
const (
	reasonLocalName   = "localhost"
	reasonBadAddr     = "malformed address"
	reasonNoHost      = "no host"
	reasonLoopback    = "loopback"
	reasonUnspecified = "unspecified address"
	reasonPrivate     = "private network"
	reasonLinkLocal   = "link-local"
	reasonMulticast   = "multicast"
	reasonCGNAT       = "shared address space (CGNAT)"
	reasonReserved    = "reserved or broadcast"
	reasonOwn         = "this machine's own address"
)

// RefusedError is a destination the proxy will not connect a client to.
type RefusedError struct {
	Host   string     // as the client named it, without the port
	Addr   netip.Addr // the refused address; zero when the name itself was refused
	Reason string     // why, one of the reasons above
}

func (e *RefusedError) Error() string {
	if e.Addr.IsValid() {
		return fmt.Sprintf("capture: %s is %s (%s): the proxy does not connect clients to this machine or its network", e.Host, e.Addr, e.Reason)
	}
	return fmt.Sprintf("capture: %q refused (%s): the proxy does not connect clients to this machine or its network", e.Host, e.Reason)
}

var (
	cgnat     = netip.MustParsePrefix("100.64.0.0/10")
	thisNet   = netip.MustParsePrefix("0.0.0.0/8")
	reserved4 = netip.MustParsePrefix("240.0.0.0/4") // includes 255.255.255.255
	siteLocal = netip.MustParsePrefix("fec0::/10")   // deprecated, still routed inside some networks
	// IPv6 forms that carry an IPv4 address a gateway may turn back into
	// IPv4: NAT64 (RFC 6052, 8215), 6to4, and the deprecated compatible form.
	nat64      = netip.MustParsePrefix("64:ff9b::/96")
	nat64Local = netip.MustParsePrefix("64:ff9b:1::/48")
	sixToFour  = netip.MustParsePrefix("2002::/16")
	compat4    = netip.MustParsePrefix("::/96")
)

// classify says why ip is inside this machine or its network, or "" when
// it is a public address.
func classify(ip netip.Addr) string {
	ip = ip.WithZone("")
	if ip.Is4In6() {
		return classify(ip.Unmap())
	}
	if v4, ok := embeddedIPv4(ip); ok {
		if r := classify(v4); r != "" {
			return r
		}
	}
	switch {
	case !ip.IsValid():
		return reasonBadAddr
	case ip.IsLoopback():
		return reasonLoopback
	case ip.IsUnspecified(), thisNet.Contains(ip):
		// Linux connects 0.0.0.0 (and "0") to this machine.
		return reasonUnspecified
	case ip.IsPrivate(), siteLocal.Contains(ip): // RFC 1918, fc00::/7
		return reasonPrivate
	case ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast(): // 169.254/16 (cloud metadata), fe80::/10
		return reasonLinkLocal
	case ip.IsMulticast(), ip.IsInterfaceLocalMulticast():
		return reasonMulticast
	case cgnat.Contains(ip):
		return reasonCGNAT
	case reserved4.Contains(ip), compat4.Contains(ip):
		return reasonReserved
	}
	return ""
}

// embeddedIPv4 is the IPv4 address inside an IPv6 address of a translating
// form, if ip is one.
func embeddedIPv4(ip netip.Addr) (netip.Addr, bool) {
	if !ip.Is6() {
		return netip.Addr{}, false
	}
	b := ip.As16()
	switch {
	case nat64.Contains(ip), (compat4.Contains(ip) && !ip.IsUnspecified() && !ip.IsLoopback()):
		return netip.AddrFrom4([4]byte(b[12:16])), true
	case nat64Local.Contains(ip):
		return netip.AddrFrom4([4]byte(b[12:16])), true
	case sixToFour.Contains(ip):
		return netip.AddrFrom4([4]byte(b[2:6])), true
	}
	return netip.Addr{}, false
}

// parseLegacyIPv4 reads the IPv4 forms inet_aton and browsers accept
// besides dotted decimal: "127.1", "2130706433", "0x7f000001", "0177.0.0.1".
// numeric reports whether s looks like such a number at all; ok whether it
// is a valid one. A resolver would read these as addresses too, so the
// proxy reads them itself and checks the address they mean.
func parseLegacyIPv4(s string) (ip netip.Addr, numeric, ok bool) {
	parts := strings.Split(s, ".")
	// As the WHATWG URL standard: a host whose last label is a number is
	// an IPv4 address (valid or not); "123.cc" is a name.
	if !isNumberLabel(parts[len(parts)-1]) {
		return netip.Addr{}, false, false
	}
	if len(parts) > 4 {
		return netip.Addr{}, true, false
	}
	var vals []uint64
	for _, p := range parts {
		base := 10
		switch {
		case len(p) > 1 && (p[:2] == "0x" || p[:2] == "0X"):
			base, p = 16, p[2:]
			if p == "" {
				p = "0"
			}
		case len(p) > 1 && p[0] == '0':
			base, p = 8, p[1:]
		}
		v, err := strconv.ParseUint(p, base, 32)
		if err != nil {
			return netip.Addr{}, true, false
		}
		vals = append(vals, v)
	}
	// Every part but the last is one byte; the last fills the rest.
	var n uint64
	for i, v := range vals[:len(vals)-1] {
		if v > 0xff {
			return netip.Addr{}, true, false
		}
		n |= v << (8 * (3 - i))
	}
	last := vals[len(vals)-1]
	if last >= 1<<(8*(5-len(vals))) {
		return netip.Addr{}, true, false
	}
	n |= last
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}), true, true
}

// isNumberLabel reports a label of decimal digits or 0x and hex digits.
func isNumberLabel(l string) bool {
	if h, ok := strings.CutPrefix(strings.ToLower(l), "0x"); ok {
		return strings.Trim(h, "0123456789abcdef") == ""
	}
	return l != "" && strings.Trim(l, "0123456789") == ""
}

// resolveOther is where host (a destination other than the site's hosts)
// may be reached: its addresses, each checked, or a *RefusedError.
func (p *Proxy) resolveOther(ctx context.Context, host string) ([]netip.Addr, error) {
	name := strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	refuse := func(ip netip.Addr, reason string) error {
		return &RefusedError{Host: host, Addr: ip, Reason: reason}
	}
	if name == "" {
		return nil, refuse(netip.Addr{}, reasonNoHost)
	}
	if name == "localhost" || strings.HasSuffix(name, ".localhost") {
		// RFC 6761: always this machine, whatever a resolver says.
		return nil, refuse(netip.Addr{}, reasonLocalName)
	}
	var addrs []netip.Addr
	if ip, err := netip.ParseAddr(name); err == nil {
		addrs = []netip.Addr{ip}
	} else if ip, numeric, ok := parseLegacyIPv4(name); numeric {
		if !ok {
			return nil, refuse(netip.Addr{}, reasonBadAddr)
		}
		addrs = []netip.Addr{ip}
	} else {
		addrs, err = p.resolver.LookupNetIP(ctx, "ip", name)
		if err != nil {
			return nil, err
		}
		if len(addrs) == 0 {
			return nil, fmt.Errorf("capture: %s has no address", name)
		}
	}
	own, _ := p.localAddrs()
	for _, ip := range addrs {
		if r := classify(ip); r != "" {
			// One inner address is enough to refuse the name: a rebinding
			// answer mixes a public and an inner one.
			return nil, refuse(ip, r)
		}
		for _, o := range own {
			if o.WithZone("").Unmap() == ip.WithZone("").Unmap() {
				return nil, refuse(ip, reasonOwn)
			}
		}
	}
	return addrs, nil
}

// dialOther connects to addr (host:port, not one of the site's hosts) at
// an address resolveOther checked.
func (p *Proxy) dialOther(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	pn, err := strconv.ParseUint(port, 10, 16)
	if err != nil {
		return nil, fmt.Errorf("capture: bad port in %q", addr)
	}
	addrs, err := p.resolveOther(ctx, host)
	if err != nil {
		return nil, err
	}
	var first error
	for _, ip := range addrs {
		c, err := p.dial(ctx, network, netip.AddrPortFrom(ip.Unmap(), uint16(pn)).String())
		if err == nil {
			return c, nil
		}
		if first == nil {
			first = err
		}
	}
	return nil, first
}

// dialSite connects for the site's own requests (the upstream transport):
// the site's hosts and the operator's --hosts targets directly, anything
// else (a redirect off the site) as any other destination.
func (p *Proxy) dialSite(ctx context.Context, network, addr string) (net.Conn, error) {
	if isKnownHost(hostOnly(addr)) || p.targets[strings.ToLower(addr)] {
		return p.dial(ctx, network, addr)
	}
	return p.dialOther(ctx, network, addr)
}

// refused reports err as a refusal, if it is one.
func refused(err error) (*RefusedError, bool) {
	var re *RefusedError
	ok := errors.As(err, &re)
	return re, ok
}

// interfaceAddrs is this machine's own addresses.
func interfaceAddrs() ([]netip.Addr, error) {
	as, err := net.InterfaceAddrs()
	if err != nil {
		return nil, err
	}
	var out []netip.Addr
	for _, a := range as {
		if n, ok := a.(*net.IPNet); ok {
			if ip, ok := netip.AddrFromSlice(n.IP); ok {
				out = append(out, ip.Unmap())
			}
		}
	}
	return out, nil
}
