package divingfishapi

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/maiprobe/maiprobe/internal/api"
	"github.com/maiprobe/maiprobe/internal/archive"
)

// Who may read whom. A username is a player of the archive. A public
// player is readable by anyone, as diving-fish's /query/player is for a
// player who allows it; a private one only with a token of that player
// that has the read scope (a maiprobe token, made on the player's tokens
// page), sent in any header diving-fish takes a token in. A token never
// reaches another player's private data, and an import-only token reads
// nothing private.

// Where diving-fish's clients send a token.
const (
	headerDeveloper = "Developer-Token"
	headerImport    = "Import-Token"
	headerAuth      = "Authorization"
)

// presented is the token of the first of headers the request carries, and
// that header's name; "" when it carries none.
func presented(r *http.Request, headers ...string) (secret, header string) {
	for _, h := range headers {
		v := strings.TrimSpace(r.Header.Get(h))
		if h == headerAuth {
			var ok bool
			if v, ok = api.Bearer(v); !ok {
				continue
			}
		}
		if v != "" {
			return v, h
		}
	}
	return "", ""
}

// errBadToken and errLocked are useToken's refusals of an unknown token;
// errLocked is for an address that sent too many.
var (
	errBadToken = errors.New("unknown or revoked token")
	errLocked   = errors.New("too many wrong tokens from this address")
)

// useToken resolves a presented token the way the read and import APIs
// do (api.UseToken): a valid token always passes; an unknown one counts
// against the address (errBadToken), and after too many it is refused
// with the wait (errLocked), under the key those APIs count with.
func (h *Handler) useToken(ctx context.Context, r *http.Request, secret string) (archive.TokenUse, time.Duration, error) {
	u, err := api.UseToken(ctx, h.a, h.cfg.Guard, h.cfg.ClientIP(r), secret)
	var locked *api.TokenLocked
	switch {
	case errors.As(err, &locked):
		return archive.TokenUse{}, locked.Wait, errLocked
	case errors.Is(err, archive.ErrBadImportToken):
		return archive.TokenUse{}, 0, errBadToken
	}
	return u, 0, err
}

// spend takes one request from the budget of the token, or of the
// address when there is none; false when it is spent and the request was
// answered 429. The budgets are the read API's, under its keys: a bot's
// token spends from one budget whichever API it asks.
func (h *Handler) spend(w http.ResponseWriter, r *http.Request, tok *archive.TokenUse) bool {
	l := h.cfg.Limits
	key, burst, every := "ip:"+h.cfg.ClientIP(r), l.AddrBurst, l.AddrEvery
	if tok != nil {
		key, burst, every = "token:"+itoa(tok.ID), l.TokenBurst, l.TokenEvery
	}
	wait, err := h.a.SpendAPIBudget(r.Context(), key, h.cfg.Now(), burst, every)
	if err != nil {
		h.internalError(w, r, err)
		return false
	}
	if wait > 0 {
		tooMany(w, wait)
		return false
	}
	return true
}

// mayRead reports whether a caller with tok (nil: none) may read player.
// exists is false for a username that is no player.
func (h *Handler) mayRead(ctx context.Context, player string, tok *archive.TokenUse) (exists, ok bool, err error) {
	acc, err := h.a.PlayerAccess(ctx, player, 0)
	if err != nil || !acc.Exists {
		return false, false, err
	}
	own := tok != nil && tok.Player == player && tok.Scopes.Has(archive.ScopeRead)
	return true, acc.Public || own, nil
}
