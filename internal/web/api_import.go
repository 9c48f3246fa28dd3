package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/maiprobe/maiprobe/internal/api"
	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/interchange"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

// SiteOrigins are the DX NET sites whose pages may call the import API
// from the browser (the bookmarklet and the userscript run there).
var SiteOrigins = []string{"https://maimai.wahlap.com", "https://maimaidx-eng.com", "https://maimaidx.jp"}

// Limits of the import API.
const (
	// apiMaxFiles caps the pages of one request.
	apiMaxFiles = 200
	// apiBurst requests of one token may come at once, then one per
	// apiRefill: the bookmarklet paces itself at one page a second.
	apiBurst  = 60
	apiRefill = time.Second
)

// apiState is the import API's memory, in the archive's database so every
// server shares it: the failures per address (token guessing); each
// token's request budget is archive.SpendImportBudget.
type apiState struct {
	fails *limiter
}

func newAPIState(a *archive.Archive, now func() time.Time) *apiState {
	return &apiState{fails: newLimiter(a, now)}
}

// apiFile is the answer for one imported file: the fields `maiprobe
// import` reports, with Error saying why a rejected file was rejected.
type apiFile struct {
	Name      string         `json:"name"`
	Status    archive.Status `json:"status"`
	Kind      string         `json:"kind,omitempty"`
	Region    string         `json:"region,omitempty"`
	Added     archive.Counts `json:"added"`
	Unchanged archive.Counts `json:"unchanged"`
	Error     string         `json:"error,omitempty"`
}

// apiAnswer is the body of a successful import request: every file in
// Files and, when the request held one page, that page's fields at the top
// level too (what the capture proxy reads, docs/proxy.md).
type apiAnswer struct {
	Player string `json:"player"`
	*apiFile
	Files []apiFile `json:"files"`
}

// apiPage is one page of a JSON request.
type apiPage struct {
	Name       string    `json:"name"`
	HTML       string    `json:"html"`
	ObservedAt time.Time `json:"observed_at"`
}

// serveAPI answers everything under /api/. It runs outside the session
// and CSRF middleware: it reads no cookie (they are dropped here), so a
// page on another site cannot import in the owner's name; the bearer
// token is the only credential, and CORS lets only the DX NET sites'
// pages read the answers.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	r.Header.Del("Cookie")
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Add("Vary", "Origin")
	origin := r.Header.Get("Origin")
	if origin != "" {
		if !s.importOrigin(origin) {
			apiError(w, http.StatusForbidden, fmt.Sprintf("pages of %s may not call the import API; only the maimai DX NET sites may", origin))
			return
		}
		h.Set("Access-Control-Allow-Origin", origin)
	}
	if r.URL.Path != "/api/import" {
		apiError(w, http.StatusNotFound, "no such API: the import API is POST /api/import")
		return
	}
	switch r.Method {
	case http.MethodOptions:
		s.preflight(w, r)
	case http.MethodPost:
		s.apiImport(w, r)
	default:
		h.Set("Allow", "POST, OPTIONS")
		apiError(w, http.StatusMethodNotAllowed, "the import API takes POST")
	}
}

// importOrigin reports whether pages of origin may call the API.
func (s *Server) importOrigin(origin string) bool {
	for _, o := range SiteOrigins {
		if o == origin {
			return true
		}
	}
	for _, o := range s.cfg.ImportOrigins {
		if o == origin {
			return true
		}
	}
	return false
}

// preflight answers a CORS preflight from an allowed origin: POST with the
// Authorization and Content-Type headers, no credentials.
func (s *Server) preflight(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Origin") == "" {
		apiError(w, http.StatusBadRequest, "a preflight needs an Origin")
		return
	}
	if m := r.Header.Get("Access-Control-Request-Method"); m != http.MethodPost {
		apiError(w, http.StatusForbidden, fmt.Sprintf("method %q is not allowed: the import API takes POST", m))
		return
	}
	for _, name := range strings.Split(r.Header.Get("Access-Control-Request-Headers"), ",") {
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "", "authorization", "content-type":
		default:
			apiError(w, http.StatusForbidden, fmt.Sprintf("header %q is not allowed: send only Authorization and Content-Type", strings.TrimSpace(name)))
			return
		}
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Methods", "POST")
	h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
	h.Set("Access-Control-Max-Age", "600")
	if r.Header.Get("Access-Control-Request-Private-Network") == "true" {
		// A server at home (a private address) called from the public site.
		h.Set("Access-Control-Allow-Private-Network", "true")
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) apiImport(w http.ResponseWriter, r *http.Request) {
	secret, ok := api.Bearer(r.Header.Get("Authorization"))
	if !ok {
		w.Header().Set("WWW-Authenticate", `Bearer realm="maiprobe import"`)
		apiError(w, http.StatusUnauthorized, "no import token: send Authorization: Bearer <token> (make one on the player's import tokens page)")
		return
	}
	// Looked up first, as by the read API: a valid token always passes,
	// only unknown ones count against the address (api.UseToken).
	u, err := api.UseToken(r.Context(), s.archive, apiGuard{s.api.fails}, state(r).IP, secret)
	var locked *api.TokenLocked
	switch {
	case errors.As(err, &locked):
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(locked.Wait.Seconds()))))
		apiError(w, http.StatusTooManyRequests, "too many wrong tokens from this address; wait and try again (a valid token is still accepted)")
		return
	case errors.Is(err, archive.ErrBadImportToken):
		w.Header().Set("WWW-Authenticate", `Bearer realm="maiprobe import", error="invalid_token"`)
		apiError(w, http.StatusUnauthorized, "the import token is unknown or was revoked")
		return
	case err != nil:
		s.log.Error("api import: token", "err", err)
		apiError(w, http.StatusInternalServerError, "internal error")
		return
	case !u.Scopes.Has(archive.ScopeImport):
		// A good token, so no failure is counted against the address.
		apiError(w, http.StatusForbidden, "this token may only read: make a token with the import scope on the player's import tokens page")
		return
	}
	player, tokenID := u.Player, u.ID
	wait, err := s.archive.SpendImportBudget(r.Context(), tokenID, s.now(), apiBurst, apiRefill)
	if err != nil {
		s.log.Error("api import: spend the token's budget", "err", err)
		apiError(w, http.StatusInternalServerError, "internal error")
		return
	}
	if wait > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		apiError(w, http.StatusTooManyRequests, "too many requests with this token; wait and try again")
		return
	}

	if p := r.URL.Query().Get("player"); p != "" && p != player {
		apiError(w, http.StatusForbidden, fmt.Sprintf("this token imports for player %q only, not %q", player, p))
		return
	}

	// region: the game region of other tools' files that do not say it
	// (Tachi, mai-tools, DXRating), for a player of none yet.
	region := maimai.Region(r.URL.Query().Get("region"))
	if region != "" && !region.Valid() {
		apiError(w, http.StatusBadRequest, fmt.Sprintf("region %q: want cn, intl or jp (the game region of another tool's file that does not say it)", region))
		return
	}
	pages, status, msg := s.readPages(r)
	if status != 0 {
		apiError(w, status, msg)
		return
	}
	ans := apiAnswer{Player: player, Files: make([]apiFile, 0, len(pages))}
	for _, p := range pages {
		res := s.archive.ImportWith(r.Context(), p, archive.ImportOptions{Player: player, Region: region})
		f := apiFile{Name: res.Name, Status: res.Status, Kind: string(res.Kind), Region: string(res.Region), Added: res.Added, Unchanged: res.Unchanged}
		if res.Err != nil {
			f.Error = res.Err.Error()
		}
		ans.Files = append(ans.Files, f)
		s.log.Info("api import", "player", player, "token", tokenID, "file", res.Name, "status", res.Status, "kind", res.Kind)
	}
	if len(ans.Files) == 1 {
		ans.apiFile = &ans.Files[0]
	}
	writeJSON(w, http.StatusOK, ans)
}

// exportMark is how a maiprobe export starts (its "format" field), so an
// export posted as JSON is restored rather than read as pages.
var exportMark = []byte(`"maiprobe-export"`)

// readPages reads the pages of a request in one of its three forms; on
// failure it returns the status and what is wrong.
func (s *Server) readPages(r *http.Request) ([]archive.Source, int, string) {
	ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return nil, http.StatusUnsupportedMediaType, "no Content-Type: send text/html, multipart/form-data or application/json"
	}
	tooBig := func(err error) (int, string) {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return http.StatusRequestEntityTooLarge, fmt.Sprintf("the request is over the server's limit of %d bytes", s.cfg.MaxUpload)
		}
		if isTimeout(err) {
			return http.StatusRequestTimeout, "the request body came too slowly or stopped; send it again on a better connection"
		}
		return http.StatusBadRequest, "cannot read the request: " + err.Error()
	}
	q := r.URL.Query()
	var observed time.Time
	if o := q.Get("observed_at"); o != "" {
		if observed, err = time.Parse(time.RFC3339, o); err != nil {
			return nil, http.StatusBadRequest, fmt.Sprintf("observed_at %q: want an RFC 3339 time such as 2025-12-01T20:30:00+08:00", o)
		}
	}
	name := q.Get("name")
	var pages []archive.Source
	switch ct {
	case "text/html", "application/xhtml+xml", "text/plain", "application/octet-stream", "text/csv", "text/tab-separated-values":
		b, err := io.ReadAll(r.Body)
		if err != nil {
			st, msg := tooBig(err)
			return nil, st, msg
		}
		if name == "" {
			switch ct {
			case "text/csv":
				name = "scores.csv" // diving-fish's or Lxns's export
			case "text/tab-separated-values":
				name = "scores.tsv" // mai-tools'
			default:
				name = "page.html"
			}
		}
		pages = append(pages, archive.Source{Name: name, Data: b, ObservedAt: observed})
	case "application/json":
		b, err := io.ReadAll(r.Body)
		if err != nil {
			st, msg := tooBig(err)
			return nil, st, msg
		}
		if bytes.Contains(b[:min(len(b), 200)], exportMark) {
			if name == "" {
				name = "export.json"
			}
			pages = append(pages, archive.Source{Name: name, Data: b})
			break
		}
		if _, ok := interchange.Detect(b); ok {
			// Another tool's JSON (diving-fish records, Lxns scores…) is one
			// file of its own, not a list of pages.
			if name == "" {
				name = "scores.json"
			}
			pages = append(pages, archive.Source{Name: name, Data: b, ObservedAt: observed})
			break
		}
		var list []apiPage
		if trimmed := strings.TrimSpace(string(b)); strings.HasPrefix(trimmed, "[") {
			err = json.Unmarshal(b, &list)
		} else {
			var one apiPage
			err = json.Unmarshal(b, &one)
			list = []apiPage{one}
		}
		if err != nil {
			return nil, http.StatusBadRequest, "bad JSON: want {\"name\": …, \"html\": …} or a list of them: " + err.Error()
		}
		for i, p := range list {
			if p.HTML == "" {
				return nil, http.StatusBadRequest, fmt.Sprintf("page %d has no \"html\"", i+1)
			}
			if p.Name == "" {
				p.Name = fmt.Sprintf("page-%d.html", i+1)
			}
			pages = append(pages, archive.Source{Name: p.Name, Data: []byte(p.HTML), ObservedAt: p.ObservedAt})
		}
	case "multipart/form-data":
		if err := r.ParseMultipartForm(32 << 20); err != nil {
			st, msg := tooBig(err)
			return nil, st, msg
		}
		defer r.MultipartForm.RemoveAll()
		n := 0
		for _, files := range r.MultipartForm.File {
			n += len(files)
		}
		if n > apiMaxFiles {
			return nil, http.StatusRequestEntityTooLarge, fmt.Sprintf("%d pages in one request: send at most %d", n, apiMaxFiles)
		}
		for _, field := range slices.Sorted(maps.Keys(r.MultipartForm.File)) {
			for _, fh := range r.MultipartForm.File[field] {
				f, err := fh.Open()
				if err != nil {
					return nil, http.StatusBadRequest, "cannot read " + fh.Filename + ": " + err.Error()
				}
				b, err := io.ReadAll(f)
				f.Close()
				if err != nil {
					return nil, http.StatusBadRequest, "cannot read " + fh.Filename + ": " + err.Error()
				}
				pages = append(pages, archive.Source{Name: fh.Filename, Data: b, ObservedAt: observed})
			}
		}
	default:
		return nil, http.StatusUnsupportedMediaType, fmt.Sprintf("Content-Type %s: send text/html, multipart/form-data or application/json", ct)
	}
	if len(pages) == 0 {
		return nil, http.StatusBadRequest, "the request holds no page"
	}
	if len(pages) > apiMaxFiles {
		return nil, http.StatusRequestEntityTooLarge, fmt.Sprintf("%d pages in one request: send at most %d", len(pages), apiMaxFiles)
	}
	return pages, 0, ""
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func apiError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}
