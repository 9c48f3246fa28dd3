package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
)

// Guard counts wrong tokens per address and says how long an address
// must wait after too many; the web app passes the limiter its import API
// uses, so wrong tokens at any of the APIs count together (UseToken).
type Guard interface {
	// Wait says how long key must still wait (0: go ahead) and whether
	// it has failures counted.
	Wait(ctx context.Context, key string) (time.Duration, bool, error)
	// Fail counts one wrong token against key.
	Fail(ctx context.Context, key string) error
}

// Limits are the request budgets: Burst requests at once, then one per
// Every, per token (or login) and per address without one.
type Limits struct {
	TokenBurst int
	TokenEvery time.Duration
	AddrBurst  int
	AddrEvery  time.Duration
}

// DefaultLimits: a bot may ask 120 questions at once, then two a second;
// a caller without a credential 60, then one a second.
var DefaultLimits = Limits{TokenBurst: 120, TokenEvery: 500 * time.Millisecond, AddrBurst: 60, AddrEvery: time.Second}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.TokenBurst <= 0 || l.TokenEvery <= 0 {
		l.TokenBurst, l.TokenEvery = d.TokenBurst, d.TokenEvery
	}
	if l.AddrBurst <= 0 || l.AddrEvery <= 0 {
		l.AddrBurst, l.AddrEvery = d.AddrBurst, d.AddrEvery
	}
	return l
}

// Caller is who a request speaks for: a token, a login, or nobody.
type Caller struct {
	Token  *archive.TokenUse // nil without a token
	UserID int64             // the login's user, 0 without one (a request with a token uses no login)
	IP     string
}

// Access is what Authorize decided: the player read and the caller.
type Access struct {
	Player string
	Caller Caller
}

// guardKey is the key wrong tokens count under, the same for every API
// that takes tokens (UseToken), so guessing at any of them counts
// against one address.
func guardKey(ip string) string { return "api:" + ip }

// Caller resolves the request's credential: the bearer token if one is
// sent (a wrong or revoked one is an error, never a fall back to the
// cookie), else the login cookie. It spends one request of the caller's
// budget.
func (a *API) Caller(r *http.Request) (Caller, error) {
	ctx := r.Context()
	c := Caller{IP: a.cfg.IP(r)}
	if auth := r.Header.Get("Authorization"); auth != "" {
		secret, ok := Bearer(auth)
		if !ok {
			return c, &Error{Status: http.StatusUnauthorized, Code: CodeUnauthorized, Message: "send the token as Authorization: Bearer <token>"}
		}
		u, err := UseToken(ctx, a.a, a.cfg.Guard, c.IP, secret)
		var locked *TokenLocked
		switch {
		case errors.As(err, &locked):
			return c, &Error{Status: http.StatusTooManyRequests, Code: CodeRateLimited, RetryAfter: locked.Wait,
				Message: "too many wrong tokens from this address; wait and try again (a valid token is still served)"}
		case errors.Is(err, archive.ErrBadImportToken):
			return c, &Error{Status: http.StatusUnauthorized, Code: CodeUnauthorized, Message: "the token is unknown or was revoked: make one on the player's tokens page"}
		case err != nil:
			return c, err
		}
		c.Token = &u
	} else {
		c.UserID = a.cfg.Viewer(r)
	}
	key, burst, every := "ip:"+c.IP, a.cfg.Limits.AddrBurst, a.cfg.Limits.AddrEvery
	switch {
	case c.Token != nil:
		key, burst, every = "token:"+strconv.FormatInt(c.Token.ID, 10), a.cfg.Limits.TokenBurst, a.cfg.Limits.TokenEvery
	case c.UserID != 0:
		key, burst, every = "user:"+strconv.FormatInt(c.UserID, 10), a.cfg.Limits.TokenBurst, a.cfg.Limits.TokenEvery
	}
	wait, err := a.a.SpendAPIBudget(ctx, key, a.now(), burst, every)
	if err != nil {
		return c, err
	}
	if wait > 0 {
		return c, &Error{Status: http.StatusTooManyRequests, Code: CodeRateLimited, RetryAfter: wait,
			Message: fmt.Sprintf("too many requests: at most %d at once, then one every %s; wait and try again", burst, every)}
	}
	return c, nil
}

// May decides whether c may read player: nil, or the *Error to answer.
// A token reads its own player only, and needs the read scope; without a
// token, a public player is open to all and a private one to its owners'
// logins.
func (a *API) May(ctx context.Context, c Caller, player string) error {
	acc, err := a.a.PlayerAccess(ctx, player, c.UserID)
	if err != nil {
		return err
	}
	if !acc.Exists {
		return errNotFound(fmt.Sprintf("no player %q on this server", player))
	}
	if t := c.Token; t != nil {
		if t.Player != player {
			return &Error{Status: http.StatusForbidden, Code: CodeForbidden,
				Message: fmt.Sprintf("this token reads player %q only; read a public player without a token", t.Player)}
		}
		if !t.Scopes.Has(archive.ScopeRead) {
			return &Error{Status: http.StatusForbidden, Code: CodeInsufficientScope,
				Message: "this token may only import: make a token with the read scope on the player's tokens page"}
		}
		return nil
	}
	switch {
	case acc.Public, acc.Owner:
		return nil
	case c.UserID == 0:
		return &Error{Status: http.StatusUnauthorized, Code: CodeUnauthorized,
			Message: fmt.Sprintf("player %q is private: send a read token of the player (Authorization: Bearer …) or log in as its owner", player)}
	}
	return &Error{Status: http.StatusForbidden, Code: CodeForbidden, Message: fmt.Sprintf("player %q is private and not yours", player)}
}

// Authorize resolves the caller of r and checks that it may read player:
// what another package's endpoint (diving-fish compatible ones, say)
// calls first. On error, answer it with WriteError.
func (a *API) Authorize(r *http.Request, player string) (Access, error) {
	c, err := a.Caller(r)
	if err != nil {
		return Access{Caller: c}, err
	}
	if err := a.May(r.Context(), c, player); err != nil {
		return Access{Caller: c}, err
	}
	return Access{Player: player, Caller: c}, nil
}

// PlayerHandler answers a request about one player the caller may read.
type PlayerHandler func(w http.ResponseWriter, r *http.Request, acc Access)

// player registers a route whose path names a {player}: the caller is
// authorised for it before h runs.
func (a *API) player(pattern string, h PlayerHandler) {
	a.handle(pattern, func(w http.ResponseWriter, r *http.Request) {
		acc, err := a.Authorize(r, r.PathValue("player"))
		if err != nil {
			a.fail(w, r, err)
			return
		}
		h(w, r, acc)
	})
}

// fail answers err, logging what is not the caller's fault.
func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	var e *Error
	if !errors.As(err, &e) {
		if errors.Is(err, archive.ErrNotFound) {
			err = errNotFound("not found: " + err.Error())
		} else {
			a.log.Error("api", "path", r.URL.Path, "err", err)
		}
	}
	WriteError(w, err)
}
