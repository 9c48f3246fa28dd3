package cli

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/serverless"
	"github.com/maiprobe/maiprobe/internal/web"
)

// Function runtimes serve calls it recognises.
const (
	runtimeLambda = "lambda" // AWS_LAMBDA_RUNTIME_API: Lambda's custom runtime (provided.al2023)
	runtimeSCF    = "scf"    // _LAMBDA_SERVER_PORT: an SCF event function (Go1 runtime)
)

// functionRuntime says whether the process was started by a function
// runtime that hands it events instead of connections, and which. An
// SCF web function starts an ordinary server (deploy/scf/scf_bootstrap)
// and is none of these.
func functionRuntime(getenv func(string) string) string {
	switch {
	case getenv("AWS_LAMBDA_RUNTIME_API") != "":
		return runtimeLambda
	case getenv(serverless.SCFPortEnv) != "":
		return runtimeSCF
	}
	return ""
}

// serveFunction serves a function runtime's events through the web app
// instead of listening: HTTP events become requests of the same handler
// serve listens with, under the gateway stage's base path (or
// --base-path), and scheduled events run the fetches due now. The archive
// is opened and the app built on the first event, so the runtime sees
// the process ready at once.
func serveFunction(ctx context.Context, c *runCtx, sc serveConfig, rt string) int {
	log := slog.New(slog.NewJSONHandler(c.Stderr, nil))
	var (
		once sync.Once
		a    *archive.Archive
		aErr error
	)
	defer func() {
		if a != nil {
			a.Close()
		}
	}()
	build := func(ctx context.Context, base string) (serverless.App, error) {
		once.Do(func() {
			if rt == runtimeSCF {
				// SCF's Go1 runtime may hand the function's variables
				// over with the first call (serverless.Function.Invoke).
				if db := c.Getenv("MAIPROBE_DB"); db != "" {
					c.cfg.DB = db
				}
				if k := c.Getenv("MAIPROBE_SECRET_KEY"); k != "" && sc.SecretKey == nil {
					if sc.SecretKey, aErr = archive.ParseSecretKey(k); aErr != nil {
						return
					}
				}
			}
			a, aErr = openArchive(context.WithoutCancel(ctx), c)
		})
		if aErr != nil {
			return nil, aErr
		}
		cfg := sc.Config
		cfg.BasePath, cfg.Logger, cfg.Now = base, log, c.Now
		urls, err := syncURLs(c.Getenv)
		if err != nil {
			return nil, err
		}
		cfg.SyncURLs = urls
		if cfg.SecretKey != nil {
			f := web.SiteFetcher{Archive: a, Site: c.Getenv("MAIPROBE_SITE"), LoginURL: c.Getenv("MAIPROBE_SITE_LOGIN_URL")}
			if s := c.Getenv("MAIPROBE_SITE_INTERVAL"); s != "" {
				d, err := time.ParseDuration(s)
				if err != nil {
					return nil, fmt.Errorf("MAIPROBE_SITE_INTERVAL %q: %w", s, err)
				}
				f.Interval = d
				if d == 0 {
					f.Interval = -1 // no pause at all
				}
			}
			cfg.Fetch = f.Fetch
		}
		app, err := web.New(ctx, cfg, a)
		if err != nil {
			return nil, err
		}
		if p := app.SetupPath(); p != "" {
			// Only whoever can read the function's log can create the first user.
			log.Warn("no user yet: open the one-time setup path under the function's URL to create the first one", "path", p)
		}
		return app, nil
	}
	ad := serverless.New(build, sc.BasePath, log)
	switch rt {
	case runtimeSCF:
		// Every interface, as scf-go-lib listens: the runtime calls in
		// from outside the function's loopback.
		host := orDefault(c.Getenv("MAIPROBE_SCF_RPC_HOST"), "0.0.0.0")
		if err := ad.ServeSCF(ctx, host, c.Getenv(serverless.SCFPortEnv)); err != nil {
			fmt.Fprintf(c.Stderr, "maiprobe serve: %v\n", err)
			return exitFail
		}
	default:
		ad.ServeLambda(ctx) // returns only when the runtime goes away
	}
	return exitOK
}
