package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/web"
)

// DefaultAddr is where maiprobe serve listens without --addr.
const DefaultAddr = "127.0.0.1:8080"

// serveConfig is the settings of maiprobe serve: where to listen, and the
// web app's own Config.
type serveConfig struct {
	Addr string
	web.Config
	// The raw forms of settings parsed after the flags.
	trustedProxies, maxUpload, sessionTTL string
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
			fs.StringVar(&sc.BasePath, "base-path", env("MAIPROBE_BASE_PATH"), "")
			fs.StringVar(&sc.trustedProxies, "trusted-proxies", env("MAIPROBE_TRUSTED_PROXIES"), "")
			redirect, _ := strconv.ParseBool(env("MAIPROBE_HTTPS_REDIRECT"))
			fs.BoolVar(&sc.HTTPSRedirect, "https-redirect", redirect, "")
			fs.StringVar(&sc.maxUpload, "max-upload", orDefault(env("MAIPROBE_MAX_UPLOAD"), "64MB"), "")
			fs.StringVar(&sc.sessionTTL, "session-ttl", orDefault(env("MAIPROBE_SESSION_TTL"), "720h"), "")
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
	return nil
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
	a, err := openArchive(ctx, c)
	if err != nil {
		fmt.Fprintf(c.Stderr, "maiprobe serve: %v\n", err)
		return exitFail
	}
	defer a.Close()
	log := slog.New(slog.NewTextHandler(c.Stderr, nil))
	sc.Logger, sc.Now = log, c.Now
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
	srv := &http.Server{
		Handler:           app,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
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
