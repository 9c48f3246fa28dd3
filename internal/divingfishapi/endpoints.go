package divingfishapi

import (
	"bytes"
	"errors"
	"net/http"
	"strconv"

	"github.com/maiprobe/maiprobe/internal/archive"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// msgNoRead is the refusal of a good token without the read scope, in the
// words diving-fish uses for a token lacking a scope.
const msgNoRead = "access token 缺少权限：read（此令牌只能导入，请在玩家的令牌页面创建可读取的令牌；this token may only import: make a read token on the player's tokens page）"

// token resolves the token a request presents in one of headers, if any;
// tok is nil when none was sent. On a wrong token, or an address locked
// out for wrong tokens, it answers in the shape of the header the token
// came in and returns false.
func (h *Handler) token(w http.ResponseWriter, r *http.Request, headers ...string) (tok *archive.TokenUse, ok bool) {
	secret, header := presented(r, headers...)
	if secret == "" {
		return nil, true
	}
	u, wait, err := h.useToken(r.Context(), r, secret)
	switch {
	case errors.Is(err, errLocked):
		tooMany(w, wait)
		return nil, false
	case errors.Is(err, errBadToken):
		h.badToken(w, header)
		return nil, false
	case err != nil:
		h.internalError(w, r, err)
		return nil, false
	}
	return &u, true
}

// readToken is token for an endpoint that needs a read token: one must
// be presented (none is answered as a wrong one in the first of headers,
// as diving-fish answers it), it must hold the read scope, and the
// request spends from its budget; false once the request was answered.
func (h *Handler) readToken(w http.ResponseWriter, r *http.Request, headers ...string) (*archive.TokenUse, bool) {
	if secret, _ := presented(r, headers...); secret == "" {
		h.badToken(w, headers[0])
		return nil, false
	}
	tok, ok := h.token(w, r, headers...)
	if !ok {
		return nil, false
	}
	if !tok.Scopes.Has(archive.ScopeRead) {
		writeStatusError(w, http.StatusForbidden, msgNoRead)
		return nil, false
	}
	if !h.spend(w, r, tok) {
		return nil, false
	}
	return tok, true
}

// badToken answers a wrong token as diving-fish answers one in header.
func (h *Handler) badToken(w http.ResponseWriter, header string) {
	switch header {
	case headerDeveloper:
		writeDeveloperError(w, msgBadDeveloper)
	case headerAuth:
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		writeStatusError(w, http.StatusUnauthorized, "令牌无效或已被撤销（the token is unknown or was revoked）")
	default:
		writeStatusError(w, http.StatusBadRequest, msgBadImport)
	}
}

// hasQQ reports whether a body names a QQ number (not absent, not null).
func hasQQ(q query) bool { return len(q.QQ) > 0 && !bytes.Equal(q.QQ, []byte("null")) }

// queryTarget reads and checks the player of a query body and the caller's
// right to read it; on failure it has answered.
func (h *Handler) queryTarget(w http.ResponseWriter, r *http.Request) (query, string, bool) {
	q, ok := readQuery(w, r)
	if !ok {
		return q, "", false
	}
	if hasQQ(q) && q.Username == nil {
		// Players here have no QQ number bound: diving-fish's answer
		// for a QQ number no account has bound.
		writeError(w, http.StatusBadRequest, msgUserNotExists)
		return q, "", false
	}
	tok, ok := h.token(w, r, headerDeveloper, headerImport, headerAuth)
	if !ok || !h.spend(w, r, tok) {
		return q, "", false
	}
	if q.Username == nil || *q.Username == "" {
		// diving-fish's query_player and query_plate answer "user not
		// exists" for every player they cannot find; "no such user" is
		// its /dev/player/records answer.
		writeError(w, http.StatusBadRequest, msgUserNotExists)
		return q, "", false
	}
	player := *q.Username
	exists, may, err := h.mayRead(r.Context(), player, tok)
	switch {
	case err != nil:
		h.internalError(w, r, err)
		return q, "", false
	case !exists:
		writeError(w, http.StatusBadRequest, msgUserNotExists)
		return q, "", false
	case !may:
		writeStatusError(w, http.StatusForbidden, msgPrivate)
		return q, "", false
	}
	return q, player, true
}

// queryPlayer is POST /query/player: the B50 (B40 without "b50").
func (h *Handler) queryPlayer(w http.ResponseWriter, r *http.Request) {
	q, player, ok := h.queryTarget(w, r)
	if !ok {
		return
	}
	ans, err := h.b50(r.Context(), player, q.B50 == nil)
	if h.failed(w, r, err, msgUserNotExists) {
		return
	}
	writeJSON(w, http.StatusOK, ans)
}

// queryPlate is POST /query/plate: the bests on the versions' songs.
func (h *Handler) queryPlate(w http.ResponseWriter, r *http.Request) {
	q, player, ok := h.queryTarget(w, r)
	if !ok {
		return
	}
	if q.Version == nil {
		writeError(w, http.StatusBadRequest, `请求体缺少 version（版本名列表，如 ["maimai でらっくす PRiSM"]）；"version" is missing: a list of version names`)
		return
	}
	if len(q.Version) > 64 {
		writeError(w, http.StatusBadRequest, "version 最多 64 项（at most 64 versions）")
		return
	}
	ans, err := h.plate(r.Context(), player, q.Version)
	if h.failed(w, r, err, msgUserNotExists) {
		return
	}
	writeJSON(w, http.StatusOK, ans)
}

// playerRecords is GET /player/records: every best of the player whose
// token is sent as Import-Token (or Authorization: Bearer).
func (h *Handler) playerRecords(w http.ResponseWriter, r *http.Request) {
	tok, ok := h.readToken(w, r, headerImport, headerAuth)
	if !ok {
		return
	}
	ans, err := h.records(r.Context(), tok.Player)
	if h.failed(w, r, err, msgNoSuchUser) {
		return
	}
	writeJSON(w, http.StatusOK, ans)
}

// devPlayerRecords is GET /dev/player/records?username=…: every best of a
// player, for a caller with a read token (Developer-Token) of that player,
// or of any player when this one is public.
func (h *Handler) devPlayerRecords(w http.ResponseWriter, r *http.Request) {
	tok, ok := h.readToken(w, r, headerDeveloper)
	if !ok {
		return
	}
	player := r.URL.Query().Get("username")
	if player == "" {
		// No player here has a QQ number bound, so a qq finds no one.
		writeError(w, http.StatusBadRequest, msgNoSuchUser)
		return
	}
	exists, may, err := h.mayRead(r.Context(), player, tok)
	switch {
	case err != nil:
		h.internalError(w, r, err)
		return
	case !exists:
		writeError(w, http.StatusBadRequest, msgNoSuchUser)
		return
	case !may:
		writeStatusError(w, http.StatusForbidden, msgPrivate)
		return
	}
	ans, err := h.records(r.Context(), player)
	if h.failed(w, r, err, msgNoSuchUser) {
		return
	}
	writeJSON(w, http.StatusOK, ans)
}

// failed answers err, if any: a player that vanished meanwhile is missing
// (the endpoint's own words for an unknown player), anything else a 500.
func (h *Handler) failed(w http.ResponseWriter, r *http.Request, err error, missing string) bool {
	switch {
	case err == nil:
		return false
	case errors.Is(err, errNoPlayer):
		writeError(w, http.StatusBadRequest, missing)
	case errors.Is(err, errNoSongData):
		writeError(w, http.StatusNotFound, "存档中没有国服曲目数据，请先运行 maiprobe songs sync（"+err.Error()+"）")
	default:
		h.internalError(w, r, err)
	}
	return true
}

// musicData is GET /music_data: the CN song data in diving-fish's shape,
// for the bots that load it from the same base URL as the scores.
func (h *Handler) musicData(w http.ResponseWriter, r *http.Request) {
	if !h.spend(w, r, nil) {
		return
	}
	body, etag, err := h.musicJSON(r.Context())
	if h.failed(w, r, err, msgNoSuchUser) {
		return
	}
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "private, max-age=86400")
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(body)
}
