//go:build !function

package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/maiprobe/maiprobe/internal/capture"
	"github.com/maiprobe/maiprobe/internal/dxsite"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

// DefaultProxyAddr is where maiprobe proxy listens without --addr or
// --lan: loopback only. Anyone who can reach the proxy can browse through
// it, so the LAN is opened only when asked.
const DefaultProxyAddr = capture.DefaultAddr

// proxyConfig is the settings of maiprobe proxy.
type proxyConfig struct {
	Addr   string
	LAN    bool
	TLS    bool
	CADir  string
	Remote string
	Token  string
	Only   string
	Hosts  string
	Once   bool
}

func proxyCmd() *cmd {
	var pc proxyConfig
	return &cmd{
		name:  "proxy",
		usage: func(m *messages) string { return m.proxyUsage },
		flags: func(fs *flag.FlagSet, c *runCtx) {
			env := c.Getenv
			fs.StringVar(&pc.Addr, "addr", orDefault(env("MAIPROBE_PROXY_ADDR"), DefaultProxyAddr), "")
			lan, _ := strconv.ParseBool(env("MAIPROBE_PROXY_LAN"))
			fs.BoolVar(&pc.LAN, "lan", lan, "")
			fs.BoolVar(&pc.TLS, "tls", false, "")
			fs.StringVar(&pc.CADir, "ca-dir", env("MAIPROBE_CA_DIR"), "")
			fs.StringVar(&pc.Remote, "remote", env("MAIPROBE_REMOTE"), "")
			fs.StringVar(&pc.Token, "token", env("MAIPROBE_TOKEN"), "")
			fs.StringVar(&pc.Only, "only", "", "")
			fs.StringVar(&pc.Hosts, "hosts", env("MAIPROBE_PROXY_HOSTS"), "")
			fs.BoolVar(&pc.Once, "once", false, "")
		},
		run: func(ctx context.Context, c *runCtx, _ *flag.FlagSet, args []string) int {
			if len(args) > 0 {
				fmt.Fprintf(c.Stderr, "maiprobe proxy: unexpected argument %q\n", args[0])
				return exitUsage
			}
			return runProxy(ctx, c, pc)
		},
	}
}

// runProxy serves the capture proxy until ctx ends (or, with --once, until
// the first capture ends).
func runProxy(ctx context.Context, c *runCtx, pc proxyConfig) int {
	fail := func(code int, err error) int {
		fmt.Fprintf(c.Stderr, "maiprobe proxy: %v\n", err)
		return code
	}
	if (pc.Remote == "") != (pc.Token == "") {
		return fail(exitUsage, errors.New(c.msg.proxyRemoteToken))
	}
	only, err := dxsite.ParseParts(pc.Only)
	if err != nil {
		return fail(exitUsage, fmt.Errorf("--only: %w", err))
	}
	hosts, err := capture.ParseHostMap(pc.Hosts)
	if err != nil {
		return fail(exitUsage, fmt.Errorf("--hosts: %w", err))
	}
	ctx, stop := context.WithCancel(ctx)
	defer stop()

	log := slog.New(slog.NewTextHandler(c.Stderr, nil))
	cfg := capture.Config{Hosts: hosts, Lang: c.cfg.Lang, Log: log}
	o := capture.FetchOptions{Only: only}
	if pc.Remote != "" {
		cfg.Fetch = capture.RemoteFetcher(&capture.Remote{Base: pc.Remote, Token: pc.Token, Player: c.cfg.Player}, o)
	} else {
		a, err := openArchive(ctx, c)
		if err != nil {
			return fail(exitFail, err)
		}
		defer a.Close()
		cfg.Fetch = capture.ArchiveFetcher(a, c.cfg.Player, o)
	}
	failed := false
	cfg.Done = func(region maimai.Region, rep capture.Report, err error) {
		if err != nil {
			failed = true
			fmt.Fprintf(c.Stderr, c.msg.proxyFailed+"\n", region, err)
		} else {
			fmt.Fprintf(c.Stdout, c.msg.proxySaved+"\n", region, rep.Pages, rep.Added, rep.Unchanged, rep.Rejected)
		}
		if pc.Once {
			stop()
		}
	}
	if pc.TLS {
		dir := pc.CADir
		if dir == "" {
			base, err := os.UserConfigDir()
			if err != nil {
				return fail(exitFail, fmt.Errorf("%v; give --ca-dir", err))
			}
			dir = filepath.Join(base, "maiprobe", "proxy-ca")
		}
		ca, created, err := capture.LoadOrCreateCA(dir)
		if err != nil {
			return fail(exitFail, err)
		}
		cfg.CA = ca
		if created {
			fmt.Fprintf(c.Stdout, c.msg.proxyCACreated+"\n", ca.CertPath)
		}
	}

	addr, err := listenAddr(pc.Addr, pc.LAN)
	if err != nil {
		return fail(exitUsage, err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fail(exitFail, err)
	}
	p := capture.New(cfg)
	srv := &http.Server{
		Handler:           localOnly(p),
		ReadHeaderTimeout: 30 * time.Second,
		// net/http would log client errors with what they asked for.
		ErrorLog: slog.NewLogLogger(slog.DiscardHandler, slog.LevelError),
	}
	printProxyHelp(c, ln.Addr().String(), cfg.CA)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		p.Close()
		return fail(exitFail, err)
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	srv.Shutdown(shut)
	p.Close()
	if failed {
		return exitFail
	}
	return exitOK
}

// listenAddr is where the proxy listens: addr, or with lan every
// interface at addr's port.
func listenAddr(addr string, lan bool) (string, error) {
	if !lan {
		return addr, nil
	}
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("--addr %q: want host:port or :port (%v)", addr, err)
	}
	return net.JoinHostPort("", port), nil
}

// localOnly refuses clients from outside the local network, so the proxy
// is not an open proxy for the internet when the machine has a public
// address.
func localOnly(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, _ := net.SplitHostPort(r.RemoteAddr)
		ip := net.ParseIP(host)
		if ip == nil || !(ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast()) {
			http.Error(w, "maiprobe proxy: only devices on the local network may use this proxy", http.StatusForbidden)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// printProxyHelp says how to set the proxy up: its addresses on this
// machine's networks (or, on loopback, how to open it to the LAN), the
// login link, and the CA to trust.
func printProxyHelp(c *runCtx, addr string, ca *capture.CA) {
	host, port, _ := net.SplitHostPort(addr)
	ip := net.ParseIP(host)
	var addrs []string
	if ip != nil && !ip.IsUnspecified() {
		addrs = append(addrs, net.JoinHostPort(host, port))
	} else {
		ifs, _ := net.InterfaceAddrs()
		for _, a := range ifs {
			if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && !n.IP.IsLoopback() {
				addrs = append(addrs, net.JoinHostPort(n.IP.String(), port))
			}
		}
		if len(addrs) == 0 {
			addrs = append(addrs, net.JoinHostPort("127.0.0.1", port))
		}
	}
	local := ip != nil && ip.IsLoopback()
	if local {
		fmt.Fprintf(c.Stdout, c.msg.proxyListeningLocal+"\n", addr)
	} else {
		fmt.Fprintf(c.Stdout, c.msg.proxyListening+"\n", addr)
	}
	for _, a := range addrs {
		fmt.Fprintf(c.Stdout, "  %s\n", a)
	}
	if local {
		// A phone cannot reach 127.0.0.1: say how to open the proxy to the
		// LAN, and what that means.
		fmt.Fprintf(c.Stdout, c.msg.proxyLoopback+"\n", port)
	} else {
		fmt.Fprintln(c.Stdout, c.msg.proxyLAN)
	}
	fmt.Fprintf(c.Stdout, c.msg.proxyWeChat+"\n", capture.LoginURL)
	if ca != nil {
		fmt.Fprintf(c.Stdout, c.msg.proxyTLS+"\n", ca.CertPath, "http://"+addrs[0]+"/ca.pem", ca.Fingerprint())
	}
}
