// Package api is maiprobe's JSON read API under /api/v1, documented by
// the OpenAPI 3 file openapi.json (served at /api/v1/openapi.json and
// checked against real answers by the tests). The web app mounts it
// (internal/web): the web app resolves the base path, the client's
// address and the login cookie, and this package does the rest.
//
// Every handler is thin: it reads the request, makes one archive call
// (the same one the web page of the same data makes, so the numbers
// agree) and answers a typed value as JSON. Errors are always
// {"error": {"code": "…", "message": "…"}} with a code of the list in
// codes.go.
//
// Who may read what (auth.go): a public player is readable by anyone; a
// private one by its owners' logins (the session cookie) and by tokens of
// that player with the read scope (Authorization: Bearer …). A token
// reads its own player only. Every request spends from a budget in the
// archive's database (per token, per login, or per address), so several
// servers on one archive limit alike.
//
// Adding an endpoint (for another package's feature): write a file in
// this package with a handler of type PlayerHandler (it gets the
// player, already authorised, and the caller), add one line to routes()
// in routes.go with a.player("GET /api/v1/players/{player}/NAME", h), and
// describe the path and its response schema in openapi.json: the tests
// fail for a route the document lacks and for a documented path no
// route answers. Packages outside this one can reuse the authorisation
// with Authorize and answer errors with WriteError.
package api

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
)

// Prefix is where the API lives, below the web app's base path.
const Prefix = "/api/v1"

// Config is what the API needs from the web app around it.
type Config struct {
	// Archive is the archive read.
	Archive *archive.Archive
	// Viewer returns the id of the user the request's login cookie
	// belongs to, 0 when there is none.
	Viewer func(r *http.Request) int64
	// IP returns the client's address as the web app resolved it
	// (behind trusted proxies, the forwarded one).
	IP func(r *http.Request) string
	// Guard counts wrong tokens per address; nil counts nothing.
	Guard Guard
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives internal errors; nil discards them.
	Logger *slog.Logger
	// Limits are the request budgets; zero fields take DefaultLimits'.
	Limits Limits
	// BasePath is the web app's base path ("" or "/something"): the
	// served openapi.json names its server under it.
	BasePath string
}

// API is the read API over one archive; it is an http.Handler for paths
// starting with Prefix.
type API struct {
	cfg Config
	a   *archive.Archive
	now func() time.Time
	log *slog.Logger
	mux *http.ServeMux
	// patterns are the registered routes, for the document check.
	patterns []string
	// doc is the served openapi.json (its server under the base path).
	doc []byte
}

// New builds the API.
func New(cfg Config) *API {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Viewer == nil {
		cfg.Viewer = func(*http.Request) int64 { return 0 }
	}
	if cfg.IP == nil {
		cfg.IP = func(r *http.Request) string { return r.RemoteAddr }
	}
	cfg.Limits = cfg.Limits.withDefaults()
	doc, err := documentFor(cfg.BasePath)
	if err != nil {
		// The embedded document is checked by the tests: it cannot be
		// unreadable in a built binary.
		panic(err)
	}
	a := &API{cfg: cfg, a: cfg.Archive, now: cfg.Now, log: cfg.Logger, mux: http.NewServeMux(), doc: doc}
	a.routes()
	a.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		WriteError(w, errNotFound("no such endpoint: the endpoints are listed in "+Prefix+"/openapi.json"))
	})
	return a
}

// Routes lists the route patterns of the API ("GET /api/v1/…"): what
// the document test compares openapi.json with.
func Routes() []string { return New(Config{}).patterns }

// ServeHTTP answers a request under Prefix. Browsers on other sites may
// read the answers (Access-Control-Allow-Origin: *) but never with the
// visitor's login: the cookie is SameSite=Lax, and a wildcard origin
// forbids credentialed reads, so other sites see only public players.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Access-Control-Allow-Origin", "*")
	if r.Method == http.MethodOptions {
		h.Set("Access-Control-Allow-Methods", "GET")
		h.Set("Access-Control-Allow-Headers", "Authorization")
		h.Set("Access-Control-Max-Age", "600")
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD, OPTIONS")
		WriteError(w, &Error{Status: http.StatusMethodNotAllowed, Code: CodeMethodNotAllowed, Message: "the read API takes GET only; pages are imported with POST /api/import"})
		return
	}
	a.mux.ServeHTTP(w, r)
}

// handle registers one route.
func (a *API) handle(pattern string, h http.HandlerFunc) {
	a.patterns = append(a.patterns, pattern)
	a.mux.HandleFunc(pattern, h)
}

// WriteJSON answers v as JSON with status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		// The client went away mid-answer; the status is sent already.
		return
	}
}
