package cli

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/divingfishapi"
	"github.com/maiprobe/maiprobe/internal/web"
)

// DefaultAddr is where maiprobe serve listens without --addr.
const DefaultAddr = "127.0.0.1:8080"

// Server timeouts of maiprobe serve (the body and write timeouts are
// web.Config's, with web's defaults).
const (
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultIdleTimeout       = 2 * time.Minute
)

// serveConfig is the settings of maiprobe serve: where to listen, the
// connection timeouts, and the web app's own Config.
type serveConfig struct {
	Addr string
	// DebugAddr is where net/http/pprof is served, on a listener of its
	// own; empty: nowhere (the default).
	DebugAddr string
	// ReadHeaderTimeout bounds the request line and headers, IdleTimeout
	// a keep-alive connection waiting for its next request; 0: none.
	ReadHeaderTimeout, IdleTimeout time.Duration
	web.Config
	// The raw forms of settings parsed after the flags.
	trustedProxies, maxUpload, sessionTTL                                  string
	readHeaderTimeout, bodyTimeout, bodyMinRate, writeTimeout, idleTimeout string
	// secretKey is MAIPROBE_SECRET_KEY (never a flag: it would show in ps).
	secretKey string
}

func serveCmd() *cmd {
	var sc serveConfig
	return &cmd{
		name:  "serve",
		usage: func(m *messages) string { return m.serveUsage },
		flags: func(fs *flag.FlagSet, c *runCtx) {
			env := c.Getenv
			fs.StringVar(&sc.Addr, "addr", orDefault(env("MAIPROBE_ADDR"), DefaultAddr), "")
			fs.StringVar(&sc.DebugAddr, "debug-addr", env("MAIPROBE_DEBUG_ADDR"), "")
			fs.StringVar(&sc.BasePath, "base-path", env("MAIPROBE_BASE_PATH"), "")
			fs.StringVar(&sc.trustedProxies, "trusted-proxies", env("MAIPROBE_TRUSTED_PROXIES"), "")
			redirect, _ := strconv.ParseBool(env("MAIPROBE_HTTPS_REDIRECT"))
			fs.BoolVar(&sc.HTTPSRedirect, "https-redirect", redirect, "")
			fs.StringVar(&sc.maxUpload, "max-upload", orDefault(env("MAIPROBE_MAX_UPLOAD"), "64MB"), "")
			fs.StringVar(&sc.sessionTTL, "session-ttl", orDefault(env("MAIPROBE_SESSION_TTL"), "720h"), "")
			fs.StringVar(&sc.readHeaderTimeout, "read-header-timeout", orDefault(env("MAIPROBE_READ_HEADER_TIMEOUT"), DefaultReadHeaderTimeout.String()), "")
			fs.StringVar(&sc.bodyTimeout, "body-timeout", orDefault(env("MAIPROBE_BODY_TIMEOUT"), web.DefaultBodyTimeout.String()), "")
			fs.StringVar(&sc.bodyMinRate, "body-min-rate", orDefault(env("MAIPROBE_BODY_MIN_RATE"), "1KB"), "")
			fs.StringVar(&sc.writeTimeout, "write-timeout", orDefault(env("MAIPROBE_WRITE_TIMEOUT"), web.DefaultWriteTimeout.String()), "")
			fs.StringVar(&sc.idleTimeout, "idle-timeout", orDefault(env("MAIPROBE_IDLE_TIMEOUT"), DefaultIdleTimeout.String()), "")
			fs.StringVar(&sc.Font, "font", env("MAIPROBE_FONT"), "")
			fs.StringVar(&sc.DivingFishPrefix, "divingfish-prefix", env("MAIPROBE_DIVINGFISH_PREFIX"), "")
			sc.secretKey = env("MAIPROBE_SECRET_KEY")
		},
		run: func(ctx context.Context, c *runCtx, _ *flag.FlagSet, args []string) int {
			if len(args) > 0 {
				fmt.Fprintf(c.Stderr, "maiprobe serve: unexpected argument %q\n", args[0])
				return exitUsage
			}
			if err := sc.finish(); err != nil {
				fmt.Fprintf(c.Stderr, "maiprobe serve: %v\n", err)
				return exitUsage
			}
			return serve(ctx, c, sc)
		},
	}
}

// finish parses the settings given as text.
func (sc *serveConfig) finish() error {
	var err error
	if sc.BasePath, err = web.CleanBasePath(sc.BasePath); err != nil {
		return err
	}
	// Checked here to refuse a bad one as a usage error; web.New reads
	// the setting as given ("" is the default prefix, "off" none).
	if _, err = divingfishapi.CleanPrefix(sc.DivingFishPrefix); err != nil {
		return err
	}
	if sc.TrustedProxies, err = web.ParseTrustedProxies(sc.trustedProxies); err != nil {
		return err
	}
	if sc.MaxUpload, err = parseSize(sc.maxUpload); err != nil {
		return fmt.Errorf("--max-upload %q: %w", sc.maxUpload, err)
	}
	if sc.SessionTTL, err = time.ParseDuration(sc.sessionTTL); err != nil || sc.SessionTTL <= 0 {
		return fmt.Errorf("--session-ttl %q: want a duration such as 720h", sc.sessionTTL)
	}
	if sc.secretKey != "" {
		if sc.SecretKey, err = archive.ParseSecretKey(sc.secretKey); err != nil {
			return err
		}
	}
	if sc.ReadHeaderTimeout, err = parseTimeout("read-header-timeout", sc.readHeaderTimeout); err != nil {
		return err
	}
	if sc.IdleTimeout, err = parseTimeout("idle-timeout", sc.idleTimeout); err != nil {
		return err
	}
	// web.Config takes 0 as "the default" and a negative value as "off".
	off := func(d time.Duration) time.Duration { return cmp.Or(d, -1) }
	var d time.Duration
	if d, err = parseTimeout("body-timeout", sc.bodyTimeout); err != nil {
		return err
	}
	sc.BodyTimeout = off(d)
	if d, err = parseTimeout("write-timeout", sc.writeTimeout); err != nil {
		return err
	}
	sc.WriteTimeout = off(d)
	if strings.TrimSpace(sc.bodyMinRate) == "0" {
		sc.MinBodyRate = -1
	} else if sc.MinBodyRate, err = parseSize(sc.bodyMinRate); err != nil {
		return fmt.Errorf("--body-min-rate %q: want bytes a second such as 1KB, or 0 for no minimum", sc.bodyMinRate)
	}
	return nil
}

// parseTimeout reads the duration of a timeout flag; 0 turns it off.
func parseTimeout(flag, s string) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil || d < 0 {
		return 0, fmt.Errorf("--%s %q: want a duration such as 30s or 2m, or 0 to turn it off", flag, s)
	}
	return d, nil
}

// httpServer is the http.Server of maiprobe serve. ReadTimeout and
// WriteTimeout stay 0 on purpose: they bound a whole request, from its
// first byte, so any value short enough to stop a client trickling its
// body would also cut off a 64 MB upload from a phone on a slow link, or
// the answer to an import that took minutes. The web app bounds the body
// by pause and rate, and each write on its own, instead (web.Config).
func (sc serveConfig) httpServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: sc.ReadHeaderTimeout,
		IdleTimeout:       sc.IdleTimeout,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// parseSize reads a byte count: 1048576, 512KB, 64MB or 1GB.
func parseSize(s string) (int64, error) {
	u := strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, suf := range []struct {
		s string
		m int64
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(u, suf.s) {
			u, mult = strings.TrimSpace(strings.TrimSuffix(u, suf.s)), suf.m
			break
		}
	}
	n, err := strconv.ParseInt(u, 10, 64)
	if err != nil || n <= 0 {
		return 0, errors.New("want a size such as 64MB")
	}
	return n * mult, nil
}

// serve runs the web app until ctx ends.
func serve(ctx context.Context, c *runCtx, sc serveConfig) int {
	if rt := functionRuntime(c.Getenv); rt != "" {
		return serveFunction(ctx, c, sc, rt)
	}
	a, err := openArchive(ctx, c)
	if err != nil {
		fmt.Fprintf(c.Stderr, "maiprobe serve: %v\n", err)
		return exitFail
	}
	defer a.Close()
	// A server that keeps running computes a player's history pages a
	// moment after an upload, so the first view finds them ready (the
	// function platforms above freeze after each answer: not there).
	a.PrewarmAfterImport(time.Second)
	log := slog.New(slog.NewTextHandler(c.Stderr, nil))
	sc.Logger, sc.Now = log, c.Now
	if sc.SyncURLs, err = syncURLs(c.Getenv); err != nil {
		fmt.Fprintf(c.Stderr, "maiprobe serve: %v\n", err)
		return exitUsage
	}
	if sc.SecretKey != nil {
		sc.Fetch = web.SiteFetcher{Archive: a}.Fetch
	}
	app, err := web.New(ctx, sc.Config, a)
	if err != nil {
		fmt.Fprintf(c.Stderr, "maiprobe serve: %v\n", err)
		return exitFail
	}
	ln, err := net.Listen("tcp", sc.Addr)
	if err != nil {
		fmt.Fprintf(c.Stderr, "maiprobe serve: %v\n", err)
		return exitFail
	}
	origin := "http://" + browsable(ln.Addr().String())
	fmt.Fprintf(c.Stdout, c.msg.serving+"\n", origin+app.BasePath()+"/")
	if p := app.SetupPath(); p != "" {
		// Only whoever can read this log can create the first user.
		log.Warn("no user yet: open the one-time setup URL to create the first one", "url", origin+p)
	}
	if sc.DebugAddr != "" {
		dsrv, err := startDebug(c, sc, log)
		if err != nil {
			ln.Close()
			fmt.Fprintf(c.Stderr, "maiprobe serve: --debug-addr: %v\n", err)
			return exitFail
		}
		defer dsrv.Close()
	}
	srv := sc.httpServer(app, log)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	schedCtx, stopSched := context.WithCancel(ctx)
	schedDone := make(chan struct{})
	go func() { app.RunScheduler(schedCtx); close(schedDone) }()
	defer func() { stopSched(); <-schedDone }()
	select {
	case err := <-done:
		fmt.Fprintf(c.Stderr, "maiprobe serve: %v\n", err)
		return exitFail
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil {
		fmt.Fprintf(c.Stderr, "maiprobe serve: %v\n", err)
		return exitFail
	}
	return exitOK
}

// startDebug serves the profiles of net/http/pprof at sc.DebugAddr. They
// show the process's memory, so they are never on the app's mux: only on
// this listener, which exists only when the operator asks for it, and on
// an address other than loopback only when they give one.
func startDebug(c *runCtx, sc serveConfig, log *slog.Logger) (*http.Server, error) {
	h, err := debugHandler(c.msg)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", sc.DebugAddr)
	if err != nil {
		return nil, err
	}
	if !isLoopback(ln.Addr().String()) {
		log.Warn("the pprof debug address is open to other machines; anyone who reaches it can read the process's memory profiles", "addr", ln.Addr().String())
	}
	fmt.Fprintf(c.Stdout, c.msg.debugServing+"\n", "http://"+browsable(ln.Addr().String())+"/debug/pprof/")
	srv := &http.Server{Handler: h, ReadHeaderTimeout: sc.ReadHeaderTimeout,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	go srv.Serve(ln)
	return srv, nil
}

// isLoopback tells whether a listener's address is reachable from this
// machine only.
func isLoopback(addr string) bool {
	ap, err := netip.ParseAddrPort(addr)
	return err == nil && ap.Addr().IsLoopback()
}

// browsable turns a listening address into one a browser can open: an
// unspecified host (0.0.0.0, ::) becomes 127.0.0.1.
func browsable(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}
