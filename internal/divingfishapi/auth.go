package divingfishapi

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

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
			if v, ok = strings.CutPrefix(v, "Bearer "); !ok {
				continue
			}
			v = strings.TrimSpace(v)
		}
		if v != "" {
			return v, h
		}
	}
	return "", ""
}

// Wrong tokens are counted per address under the key the import API uses
// (web/api_import.go), so a guesser is slowed across both APIs alike:
// five free tries, then a wait of 30 s doubling up to an hour, forgotten
// after a day without failures.
const (
	freeTries  = 5
	baseWait   = 30 * time.Second
	maxWait    = time.Hour
	forgetTime = 24 * time.Hour
)

// lockout is how long after its last failure an address with n failures
// must wait before its next try.
func lockout(n int) time.Duration {
	if n < freeTries {
		return 0
	}
	return min(baseWait<<min(n-freeTries, 7), maxWait)
}

// errBadToken and errLocked are useToken's refusals; errLocked carries no
// verdict on the token, which was not looked at.
var (
	errBadToken = errors.New("unknown or revoked token")
	errLocked   = errors.New("too many wrong tokens from this address")
)

// useToken resolves a presented token. An address with too many wrong
// tokens is refused before the token is looked at (errLocked, with the
// wait), so guessing gains nothing from answers; a wrong token counts
// against the address (errBadToken).
func (h *Handler) useToken(ctx context.Context, r *http.Request, secret string) (archive.TokenUse, time.Duration, error) {
	key := "api:" + h.cfg.ClientIP(r)
	fs, err := h.a.FailedTries(ctx, key)
	if err != nil {
		return archive.TokenUse{}, 0, err
	}
	now := h.cfg.Now()
	if f, ok := fs[key]; ok && now.Sub(f.Last) <= forgetTime {
		if left := f.Last.Add(lockout(f.N)).Sub(now); left > 0 {
			return archive.TokenUse{}, left, errLocked
		}
	}
	u, err := h.a.UseToken(ctx, secret)
	if errors.Is(err, archive.ErrBadImportToken) {
		if err := h.a.CountFailedTry(ctx, now, forgetTime, key); err != nil {
			return archive.TokenUse{}, 0, err
		}
		return archive.TokenUse{}, 0, errBadToken
	}
	if err != nil {
		return archive.TokenUse{}, 0, err
	}
	if len(fs) > 0 {
		if err := h.a.ForgetFailedTries(ctx, key); err != nil {
			return archive.TokenUse{}, 0, err
		}
	}
	return u, 0, nil
}

// spend takes one request from the budget of the token, or of the
// address when there is none; false when it is spent and the request was
// answered 429.
func (h *Handler) spend(w http.ResponseWriter, r *http.Request, tok *archive.TokenUse) bool {
	key := "dfapi:ip:" + h.cfg.ClientIP(r)
	if tok != nil {
		key = "dfapi:token:" + itoa(tok.ID)
	}
	wait, err := h.a.SpendAPIBudget(r.Context(), key, h.cfg.Now(), burst, refill)
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
