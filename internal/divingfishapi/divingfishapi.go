// Package divingfishapi answers the diving-fish (水鱼) prober's API for the
// players of a maiprobe archive, so that a QQ/WeChat bot written for
// diving-fish (nonebot-plugin-maimaidx, mai-bot, …) works unchanged when
// its base URL points here: POST query/player (the B50), POST query/plate,
// GET player/records (Import-Token) and GET dev/player/records
// (Developer-Token), plus GET music_data for the bots that load it from
// the same base URL. Field names, value codes, error messages and status
// codes are diving-fish's, as its public API document describes them
// (docs/divingfish-api.md says what differs).
package divingfishapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/maiprobe/maiprobe/internal/api"
	"github.com/maiprobe/maiprobe/internal/archive"
)

// DefaultPrefix is where the endpoints live unless configured otherwise:
// diving-fish's own path, so a bot's base URL changes only its host.
const DefaultPrefix = "/api/maimaidxprober"

// Limits of the endpoints.
const (
	// maxBody caps a request body: the largest real one, /query/plate
	// with every version named, is under 1 KB.
	maxBody = 16 << 10
)

// Config is what the handler needs besides the archive.
type Config struct {
	// ClientIP is the caller's address as the server resolved it (behind
	// trusted proxies, the forwarded one); nil uses the connection's.
	ClientIP func(*http.Request) string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives errors; nil discards them.
	Logger *slog.Logger
	// Guard counts wrong tokens per address: the web app lends the one
	// its import and read APIs count with. nil counts nothing.
	Guard api.Guard
	// Limits are the request budgets, the read API's (api.DefaultLimits
	// when zero).
	Limits api.Limits
}

// Handler serves the endpoints. Mount it with the prefix stripped
// (http.StripPrefix): it routes on the path diving-fish gives after
// /api/maimaidxprober.
type Handler struct {
	a   *archive.Archive
	cfg Config
	log *slog.Logger
	mux *http.ServeMux
	// music is music_data's body, built once per archive version.
	music musicCache
}

// New builds the handler over a.
func New(a *archive.Archive, cfg Config) *Handler {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Limits.TokenBurst <= 0 || cfg.Limits.TokenEvery <= 0 || cfg.Limits.AddrBurst <= 0 || cfg.Limits.AddrEvery <= 0 {
		cfg.Limits = api.DefaultLimits
	}
	if cfg.ClientIP == nil {
		cfg.ClientIP = func(r *http.Request) string {
			if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
				return host
			}
			return r.RemoteAddr
		}
	}
	h := &Handler{a: a, cfg: cfg, log: cfg.Logger, mux: http.NewServeMux()}
	h.mux.HandleFunc("POST /query/player", h.queryPlayer)
	h.mux.HandleFunc("POST /query/plate", h.queryPlate)
	h.mux.HandleFunc("GET /player/records", h.playerRecords)
	h.mux.HandleFunc("GET /dev/player/records", h.devPlayerRecords)
	h.mux.HandleFunc("GET /music_data", h.musicData)
	h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "maiprobe 未提供此接口（this diving-fish endpoint is not served by maiprobe; see docs/divingfish-api.md）")
	})
	return h
}

// ServeHTTP answers one request. Cookies are dropped: like the import API,
// these endpoints take tokens only, so a page on another site cannot read
// a private player with its owner's login.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r.Header.Del("Cookie")
	w.Header().Set("Cache-Control", "no-store")
	if r.Body != nil {
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	}
	// A method diving-fish does not take on a known path is 405 with the
	// methods it does take (the mux's own answer is plain text).
	if allow := allowed(r.URL.Path); allow != "" && !strings.Contains(allow, r.Method) {
		w.Header().Set("Allow", allow)
		writeError(w, http.StatusMethodNotAllowed, fmt.Sprintf("请用 %s 请求（use %s）", allow, allow))
		return
	}
	h.mux.ServeHTTP(w, r)
}

// allowed is the method a path takes, "" for an unknown path.
func allowed(path string) string {
	switch path {
	case "/query/player", "/query/plate":
		return http.MethodPost
	case "/player/records", "/dev/player/records", "/music_data":
		return http.MethodGet + ", " + http.MethodHead
	}
	return ""
}

// The error messages of diving-fish that bots recognise by their text
// (nonebot-plugin-maimaidx maps each to its own reply).
const (
	msgNoSuchUser    = "no such user"
	msgUserNotExists = "user not exists"
	msgPrivate       = "已设置隐私或未同意用户协议"
	msgBadImport     = "导入token有误"
	msgBadDeveloper  = "开发者token有误"
	msgTooMany       = "已超出今日请求上限"
)

// writeJSON writes v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// writeError writes diving-fish's error shape, {"message": …}, which is
// what the bots parse.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"message": msg})
}

// writeStatusError writes the shape diving-fish's token checks and
// privacy refusals use: {"status": "error", "message": …}.
func writeStatusError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"status": "error", "message": msg})
}

// writeDeveloperError writes a Developer-Token refusal. diving-fish sends
// these under "msg", while its document says "message": both are sent,
// so a bot reading either finds the text it knows.
func writeDeveloperError(w http.ResponseWriter, msg string) {
	writeJSON(w, http.StatusBadRequest, map[string]string{"status": "error", "message": msg, "msg": msg})
}

// internalError logs err and answers 500.
func (h *Handler) internalError(w http.ResponseWriter, r *http.Request, err error) {
	h.log.Error("diving-fish api", "path", r.URL.Path, "err", err)
	writeError(w, http.StatusInternalServerError, "服务器内部错误，请稍后再试（internal error; try again later）")
}

// tooMany answers 429 with when to come back.
func tooMany(w http.ResponseWriter, wait time.Duration) {
	w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
	writeStatusError(w, http.StatusTooManyRequests, msgTooMany)
}

// query is the body of the query endpoints. username and qq are kept raw
// to tell absent from empty, and qq may be a number or a string.
type query struct {
	Username *string         `json:"username"`
	QQ       json.RawMessage `json:"qq"`
	B50      json.RawMessage `json:"b50"`
	Version  []string        `json:"version"`
}

// readQuery reads a query body; on failure it has answered.
func readQuery(w http.ResponseWriter, r *http.Request) (query, bool) {
	var q query
	b, err := io.ReadAll(r.Body)
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("请求体超过 %d 字节（the body is over %d bytes）", maxBody, maxBody))
			return q, false
		}
		writeError(w, http.StatusBadRequest, "读取请求体失败（cannot read the body）: "+err.Error())
		return q, false
	}
	if err := json.Unmarshal(b, &q); err != nil {
		writeError(w, http.StatusBadRequest, `请求体应为 JSON 对象，如 {"username": "…", "b50": true}（want a JSON object）: `+err.Error())
		return q, false
	}
	return q, true
}

// CleanPrefix checks a prefix setting and returns it without a trailing
// slash; "" for "off", which turns the endpoints off, and DefaultPrefix
// for "". The prefix may not cover the web app's own paths: not "/", and
// not the import or read API's.
func CleanPrefix(p string) (string, error) {
	p = strings.TrimSpace(p)
	switch p {
	case "":
		return DefaultPrefix, nil
	case "off":
		return "", nil
	}
	p = strings.TrimRight(p, "/")
	if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, "?#%\\ ") || strings.Contains(p, "//") || strings.Contains(p, "/.") {
		return "", fmt.Errorf("diving-fish prefix %q: want a path such as %s (starting with /), or off", p, DefaultPrefix)
	}
	for _, taken := range []string{"/api/import", "/api/v1", "/p", "/static", "/jackets", "/healthz", "/login", "/setup", "/players"} {
		if p == taken || strings.HasPrefix(p, taken+"/") || strings.HasPrefix(taken, p+"/") {
			return "", fmt.Errorf("diving-fish prefix %q: it would cover the web app's %s; choose another, e.g. %s", p, taken, DefaultPrefix)
		}
	}
	return p, nil
}
