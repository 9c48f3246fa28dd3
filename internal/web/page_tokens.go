package web

import (
	"errors"
	"html/template"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/maiprobe/maiprobe/internal/archive"
)

// tokensView is the owner's import tokens of a player, with the
// bookmarklet and userscript of a token just made.
type tokensView struct {
	Tokens  []archive.ImportToken
	API     string // the import API's external URL
	Revoked bool
	Error   string // a catalogue key, "" when nothing went wrong
	// New is the secret of the token just made: shown on this response
	// only (the archive keeps its hash).
	New         string
	NewLabel    string
	NewScopes   archive.TokenScope
	Bookmarklet template.URL // javascript: link holding New
	Userscript  string
	// PlainHTTP: the site's HTTPS pages cannot call this server's address
	// (mixed content), so the bookmarklet would fail.
	PlainHTTP bool
	// ReadAPI is the read API's external URL of this player's B50, for the
	// example of a token that may read.
	ReadAPI string
}

func (s *Server) tokensPage(w http.ResponseWriter, r *http.Request) {
	v := tokensView{Revoked: r.URL.Query().Get("revoked") == "1"}
	s.showTokens(w, r, http.StatusOK, v)
}

func (s *Server) showTokens(w http.ResponseWriter, r *http.Request, status int, v tokensView) {
	toks, err := s.archive.ImportTokens(r.Context(), r.PathValue("player"))
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	v.Tokens, v.API = toks, s.external(r, "/api/import")
	v.ReadAPI = s.external(r, "/api/v1/players/"+url.PathEscape(r.PathValue("player"))+"/b50")
	st := state(r)
	v.PlainHTTP = st.Scheme != "https" && !loopbackHost(st.Host)
	s.render(w, r, status, "tokens", v)
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	label := r.PostFormValue("label")
	if utf8.RuneCountInString(label) > 100 {
		s.showTokens(w, r, http.StatusBadRequest, tokensView{Error: "tokens.label_too_long"})
		return
	}
	// The form offers import, read and both; a post without the field
	// (an older page) makes an import token, as every token was before.
	scope := archive.ScopeImport
	if name := r.PostFormValue("scope"); name != "" {
		var err error
		if scope, err = archive.ParseTokenScope(name); err != nil {
			s.showTokens(w, r, http.StatusBadRequest, tokensView{Error: "tokens.bad_scope"})
			return
		}
	}
	secret, tok, err := s.archive.CreateToken(r.Context(), r.PathValue("player"), label, scope)
	if errors.Is(err, archive.ErrTooManyTokens) {
		s.showTokens(w, r, http.StatusBadRequest, tokensView{Error: "tokens.too_many"})
		return
	}
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	api := s.external(r, "/api/import")
	v := tokensView{New: secret, NewLabel: tok.Label, NewScopes: tok.Scopes}
	// The bookmarklet and userscript carry the token into the site's
	// pages, where the site's own scripts run beside them: only a token
	// that can do no more than import goes there (least privilege), so a
	// leak there reads nothing.
	if scope == archive.ScopeImport {
		v.Bookmarklet, v.Userscript = bookmarkletURL(api, secret), userscript(api, secret)
	}
	s.showTokens(w, r, http.StatusOK, v)
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) {
	player := r.PathValue("player")
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return
	}
	err = s.archive.RevokeImportToken(r.Context(), player, id)
	if errors.Is(err, archive.ErrBadImportToken) {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.redirect(w, r, "/p/"+url.PathEscape(player)+"/tokens?revoked=1")
}

// loopbackHost reports whether host (with or without a port) is this
// computer, which browsers let HTTPS pages call over plain HTTP.
func loopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}
