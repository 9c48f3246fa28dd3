// Package web is maiprobe's web app: server-rendered pages over the
// archive, in Chinese and English, safe to put on the internet behind a
// proxy. docs/web.md explains how to add a page.
package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"sync/atomic"
	"time"

	"github.com/maiprobe/maiprobe/internal/api"
	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/divingfishapi"
	"github.com/maiprobe/maiprobe/internal/probersync"
)

// Config is every setting of the web app.
type Config struct {
	// BasePath is the prefix every URL of the app lives under ("" or
	// e.g. "/release"), for gateways that route by path.
	BasePath string
	// TrustedProxies are the addresses whose X-Forwarded-Proto,
	// X-Forwarded-Host, X-Forwarded-For and X-Api-Scheme headers are
	// believed; empty trusts nobody.
	TrustedProxies []netip.Prefix
	// HTTPSRedirect sends plain-HTTP requests to the HTTPS URL.
	HTTPSRedirect bool
	// MaxUpload caps a request body in bytes.
	MaxUpload int64
	// SessionTTL is how long a login lasts.
	SessionTTL time.Duration
	// BodyTimeout is the longest a request body may pause, and the time
	// it has before MinBodyRate counts; negative turns both off.
	BodyTimeout time.Duration
	// MinBodyRate is the slowest average, in bytes a second, a request
	// body may arrive at (after BodyTimeout); negative: no minimum.
	MinBodyRate int64
	// WriteTimeout is the longest one write of a response may take to
	// reach the client (the handler's work before it is not counted);
	// negative turns it off.
	WriteTimeout time.Duration
	// Logger receives request logs and the first-run setup URL; nil
	// discards them.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// ImportOrigins are origins allowed to call the import API besides
	// the DX NET sites (SiteOrigins): a mirror of the site, or tests.
	ImportOrigins []string
	// SecretKey seals stored site logins (MAIPROBE_SECRET_KEY); nil
	// turns stored logins and scheduled fetches off.
	SecretKey *archive.SecretKey
	// Fetch fetches a player's pages with a stored site login for the
	// scheduler; nil turns scheduled fetches off.
	Fetch FetchFunc
	// SyncURLs replaces the addresses scheduled syncs post to
	// (MAIPROBE_DIVINGFISH_URL, MAIPROBE_LXNS_URL): the operator's
	// setting, never a player's; a service not in it is the real one.
	SyncURLs map[probersync.Service]string
	// Font is the CJK font file the B50 picture is drawn with
	// (MAIPROBE_FONT, --font); "" finds one on the system (b50img.LoadFonts).
	Font string
	// DivingFishPrefix is where the diving-fish-compatible endpoints
	// (internal/divingfishapi) live below the base path: "" means
	// divingfishapi.DefaultPrefix, "off" turns them off.
	DivingFishPrefix string
	// PageCacheBytes bounds the response cache of rendered pages
	// (pagecache.go); 0 means DefaultPageCacheBytes, negative turns it off.
	PageCacheBytes int64
	// APILimits are the read API's request budgets; zero fields take
	// api.DefaultLimits'.
	APILimits api.Limits
}

// Defaults for the zero values of Config.
const (
	DefaultMaxUpload  = 64 << 20
	DefaultSessionTTL = 30 * 24 * time.Hour
)

// Server is the web app over one archive.
type Server struct {
	cfg     Config
	archive *archive.Archive
	log     *slog.Logger
	now     func() time.Time
	mux     *http.ServeMux
	pages   map[string]map[string]*pageTemplate // language → page name → template
	assets  *assets
	logins  *limiter
	api     *apiState  // the import API's rate limits
	readAPI *api.API   // the read API under /api/v1 (internal/api)
	sched   *scheduler // scheduled fetches with stored site logins

	// holder names this server in the leases of scheduled work it takes.
	holder string
	// setupDone is set once this server saw a user in the archive: from
	// then on there is no first-run setup to offer.
	setupDone atomic.Bool

	pictures pictures // the B50 pictures drawn, and their fonts

	// divingFish answers diving-fish's API under cfg.DivingFishPrefix
	// (divingfish.go); nil when off.
	divingFish http.Handler

	pageCache  *pageCache   // rendered pages by version, viewer, language and URL; nil: off
	loginCache sessionCache // logins by cookie, under the archive version
	// onRender, when set, is called with the name of every page rendered:
	// tests count what the caches saved.
	onRender func(page string)
}

// New builds the web app over a, checking its templates and catalogues.
// When the archive has no user yet it makes a one-time setup token; the
// caller shows SetupPath to whoever runs the server.
func New(ctx context.Context, cfg Config, a *archive.Archive) (*Server, error) {
	base, err := cleanBasePath(cfg.BasePath)
	if err != nil {
		return nil, err
	}
	cfg.BasePath = base
	if cfg.DivingFishPrefix, err = divingfishapi.CleanPrefix(cfg.DivingFishPrefix); err != nil {
		return nil, err
	}
	if cfg.MaxUpload <= 0 {
		cfg.MaxUpload = DefaultMaxUpload
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = DefaultSessionTTL
	}
	if cfg.BodyTimeout == 0 {
		cfg.BodyTimeout = DefaultBodyTimeout
	}
	if cfg.MinBodyRate == 0 {
		cfg.MinBodyRate = DefaultMinBodyRate
	}
	if cfg.WriteTimeout == 0 {
		cfg.WriteTimeout = DefaultWriteTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.PageCacheBytes == 0 {
		cfg.PageCacheBytes = DefaultPageCacheBytes
	}
	s := &Server{cfg: cfg, archive: a, log: cfg.Logger, now: cfg.Now, logins: newLimiter(a, cfg.Now), api: newAPIState(a, cfg.Now), sched: newScheduler(), holder: newHolder()}
	if cfg.PageCacheBytes > 0 {
		s.pageCache = newPageCache(cfg.PageCacheBytes, cfg.Now)
	}
	if s.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	if s.pages, err = s.loadTemplates(); err != nil {
		return nil, err
	}
	// The setup token lives in the database: every server started on a
	// fresh archive offers the same one, and it is used once (setup.go).
	setup, err := a.StartSetup(ctx)
	if err != nil {
		return nil, err
	}
	s.setupDone.Store(setup == "")
	s.mux = http.NewServeMux()
	s.routes()
	s.readAPI = s.newReadAPI()
	s.divingFish = s.newDivingFish()
	return s, nil
}

// routes registers every page: one line per route, the handler in the
// page's own file. canView and canChange check the {player} of the path.
func (s *Server) routes() {
	s.mux.HandleFunc("GET /{$}", s.index)
	s.mux.HandleFunc("GET /players", s.playerList)
	s.mux.HandleFunc("GET /static/{name...}", s.assets.serveStatic)
	s.mux.HandleFunc("GET /jackets/{file}", s.jacket)
	s.mux.HandleFunc("GET /favicon.ico", s.assets.favicon)
	s.mux.HandleFunc("GET /lang/{lang}", s.switchLang)
	s.mux.HandleFunc("GET /login", s.loginForm)
	s.mux.HandleFunc("POST /login", s.login)
	s.mux.HandleFunc("POST /logout", s.logout)
	s.mux.HandleFunc("GET /setup", s.setupForm)
	s.mux.HandleFunc("POST /setup", s.doSetup)
	s.mux.HandleFunc("GET /healthz", s.healthz)

	s.mux.HandleFunc("GET /p/{player}/{$}", s.canView(s.overview))
	s.mux.HandleFunc("GET /p/{player}/plays", s.canView(s.plays))
	s.mux.HandleFunc("GET /p/{player}/plays/{id}", s.canView(s.play))
	s.mux.HandleFunc("GET /p/{player}/diff", s.canView(s.diff))
	s.mux.HandleFunc("GET /p/{player}/sessions", s.canView(s.sessions))
	s.mux.HandleFunc("GET /p/{player}/sessions/{id}", s.canView(s.visitReport))
	s.mux.HandleFunc("GET /p/{player}/year", s.canView(s.yearIndex))
	s.mux.HandleFunc("GET /p/{player}/year/{year}", s.canView(s.year))
	s.mux.HandleFunc("GET /p/{player}/milestones", s.canView(s.milestones))
	s.mux.HandleFunc("GET /p/{player}/chart", s.canView(s.chart))
	s.mux.HandleFunc("GET /p/{player}/album", s.canView(s.album))
	s.mux.HandleFunc("GET /p/{player}/profile", s.canView(s.profile))
	s.mux.HandleFunc("GET /p/{player}/songs", s.canView(s.songs))
	s.mux.HandleFunc("GET /p/{player}/rating", s.canView(s.rating))
	s.mux.HandleFunc("GET /p/{player}/rating.png", s.canView(s.ratingPNG))
	s.mux.HandleFunc("GET /p/{player}/targets", s.canView(s.targets))
	s.mux.HandleFunc("GET /p/{player}/constants", s.canView(s.constantsPage))
	s.mux.HandleFunc("GET /p/{player}/analysis", s.canView(s.analysis))
	s.mux.HandleFunc("GET /p/{player}/plates", s.canView(s.plates))
	s.mux.HandleFunc("GET /p/{player}/rival", s.canView(s.rival))
	s.mux.HandleFunc("GET /p/{player}/export/{format}", s.canView(s.exportDownload))
	s.mux.HandleFunc("GET /p/{player}/import", s.canChange(s.importForm))
	s.mux.HandleFunc("POST /p/{player}/import", s.canChange(s.doImport))
	s.mux.HandleFunc("GET /p/{player}/settings", s.canChange(s.settingsForm))
	s.mux.HandleFunc("POST /p/{player}/settings", s.canChange(s.saveSettings))

	s.mux.HandleFunc("GET /p/{player}/tokens", s.canChange(s.tokensPage))
	s.mux.HandleFunc("POST /p/{player}/tokens", s.canChange(s.createToken))
	s.mux.HandleFunc("POST /p/{player}/tokens/{id}/revoke", s.canChange(s.revokeToken))
	s.mux.HandleFunc("GET /p/{player}/fetch", s.canChange(s.fetchPage))
	s.mux.HandleFunc("POST /p/{player}/fetch", s.canChange(s.storeFetch))
	s.mux.HandleFunc("POST /p/{player}/fetch/run", s.canChange(s.runFetch))
	s.mux.HandleFunc("POST /p/{player}/fetch/forget", s.canChange(s.forgetFetch))
	s.mux.HandleFunc("GET /p/{player}/sync", s.canChange(s.syncPage))
	s.mux.HandleFunc("POST /p/{player}/sync/{service}", s.canChange(s.syncForm(s.storeSync)))
	s.mux.HandleFunc("POST /p/{player}/sync/{service}/schedule", s.canChange(s.syncForm(s.scheduleSync)))
	s.mux.HandleFunc("POST /p/{player}/sync/{service}/run", s.canChange(s.syncForm(s.runSync)))
	s.mux.HandleFunc("POST /p/{player}/sync/{service}/forget", s.canChange(s.syncForm(s.forgetSync)))

	s.mux.HandleFunc("/", s.notFound)
}

// SetupPath is the path (with the base path) of the one-time first-run
// setup page, or "" when the archive already has a user. It reads the
// archive: a setup done through another server counts.
func (s *Server) SetupPath() string {
	if s.setupDone.Load() {
		return ""
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	tok, err := s.archive.SetupToken(ctx)
	if err != nil {
		s.log.Warn("read the setup token", "err", err)
		return ""
	}
	if tok == "" {
		s.setupDone.Store(true)
		return ""
	}
	return s.cfg.BasePath + "/setup?token=" + tok
}

// BasePath is the configured base path ("" or "/something").
func (s *Server) BasePath() string { return s.cfg.BasePath }

// ServeHTTP is the root of the app: request logs, proxy headers, health
// checks and the HTTPS redirect apply to every request; the base path is
// stripped once here, then security headers, the session, the response
// cache, compression and the CSRF check wrap the router.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := s.now()
	w, r, finish := s.timeouts(w, r)
	defer finish()
	st := s.resolve(r)
	r = r.WithContext(context.WithValue(r.Context(), stateKey{}, st))
	lw := &logWriter{ResponseWriter: w, status: http.StatusOK}
	method, path := r.Method, r.URL.Path
	defer func() {
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", method), slog.String("path", path), slog.Int("status", lw.status),
			slog.Int64("bytes", lw.bytes), slog.Duration("duration", s.now().Sub(start)), slog.String("ip", st.IP))
	}()
	w = lw

	// Health checks answer at the root and under the base path, before
	// the https redirect: a gateway's check may come over plain HTTP.
	if r.URL.Path == "/healthz" || (s.cfg.BasePath != "" && r.URL.Path == s.cfg.BasePath+"/healthz") {
		s.healthz(w, r)
		return
	}
	if r.URL.Path == "/favicon.ico" && s.cfg.BasePath != "" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		// Browsers ask the host's root for it, outside the base path too.
		s.assets.favicon(w, r)
		return
	}
	if s.cfg.HTTPSRedirect && st.Scheme != "https" {
		http.Redirect(w, r, "https://"+st.Host+r.URL.RequestURI(), http.StatusPermanentRedirect)
		return
	}
	base := s.cfg.BasePath
	if base != "" {
		if r.URL.Path == base {
			http.Redirect(w, r, s.external(r, "/"), http.StatusMovedPermanently)
			return
		}
		if !strings.HasPrefix(r.URL.Path, base+"/") {
			http.NotFound(w, r)
			return
		}
		r2 := new(http.Request)
		*r2 = *r
		u := *r.URL
		u.Path = strings.TrimPrefix(r.URL.Path, base)
		u.RawPath = strings.TrimPrefix(r.URL.RawPath, base)
		r2.URL = &u
		r = r2
	}
	if r.Body != nil && r.Method != http.MethodGet && r.Method != http.MethodHead {
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxUpload)
	}
	if s.divingFish != nil && strings.HasPrefix(r.URL.Path, s.cfg.DivingFishPrefix+"/") {
		// Bots written for diving-fish: tokens in its headers, never
		// the login cookie, so no session and no CSRF (divingfish.go).
		compress(s.secure(s.divingFish)).ServeHTTP(w, r)
		return
	}
	if strings.HasPrefix(r.URL.Path, api.Prefix+"/") {
		// The read API takes a bearer token or the login cookie (reads
		// only, so no CSRF): api_read.go.
		compress(s.secure(s.readAPI)).ServeHTTP(w, r)
		return
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		// The API takes a bearer token, never the login cookie: no session, no CSRF.
		compress(s.secure(http.HandlerFunc(s.serveAPI))).ServeHTTP(w, r)
		return
	}
	if (r.Method == http.MethodGet || r.Method == http.MethodHead) && strings.HasPrefix(r.URL.Path, "/static/") {
		// Static files need no login and are compressed once (assets.go).
		s.secure(http.HandlerFunc(s.assets.serveStatic)).ServeHTTP(w, r)
		return
	}
	s.secure(s.session(s.cachePages(compress(s.csrf(s.mux))))).ServeHTTP(w, r)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if _, err := s.archive.CountUsers(r.Context()); err != nil {
		s.log.Error("healthz", "err", err)
		http.Error(w, "archive unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	fmt.Fprintln(w, "ok")
}

// secure sets the headers every response of the app carries.
func (s *Server) secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		// Jackets and photos are the site's images, hence img-src https:.
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' https: data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		if state(r).Scheme == "https" {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// CleanBasePath checks a base path setting and returns it without a
// trailing slash ("" for none), so the command line can refuse a bad one
// as a usage error before anything starts.
func CleanBasePath(p string) (string, error) { return cleanBasePath(p) }

func cleanBasePath(p string) (string, error) {
	p = strings.TrimRight(strings.TrimSpace(p), "/")
	if p == "" {
		return "", nil
	}
	if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, "?#%\\ ") || strings.Contains(p, "//") {
		return "", fmt.Errorf("web: base path %q: want a path such as /release (starting with /, no query)", p)
	}
	return p, nil
}

// logWriter remembers the status and size of a response for the log.
type logWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
	wrote  bool
}

func (w *logWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *logWriter) Write(b []byte) (int, error) {
	w.wrote = true
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func (w *logWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
