package api

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
)

// Bearer reads the token of an Authorization header "Bearer <token>".
// The scheme is matched without regard to case (RFC 7235 §2.1: "bearer"
// is the same scheme), and spaces around the token are dropped; ok is
// false for another scheme or no token.
func Bearer(header string) (token string, ok bool) {
	scheme, rest, found := strings.Cut(strings.TrimSpace(header), " ")
	if !found || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(rest)
	return token, token != ""
}

// TokenLocked is UseToken's refusal of an unknown token from an address
// that sent too many: it must wait Wait before a wrong token is answered
// again.
type TokenLocked struct{ Wait time.Duration }

func (e *TokenLocked) Error() string {
	return fmt.Sprintf("too many wrong tokens from this address: wait %s", e.Wait.Round(time.Second))
}

// UseToken resolves a token presented from address ip, for every way a
// token comes in (this API, the import API, the diving-fish-compatible
// endpoints), so that they all count wrong tokens alike under one key.
//
// The token is looked up first (one indexed read of its hash): a valid
// token always passes, so a bot that serves many players from one
// address keeps working after one of its players' tokens is revoked or
// mistyped. Only unknown tokens are counted, per address: five, then each
// further unknown token is refused with *TokenLocked for 30 s, doubling
// up to an hour, without being counted again. A valid token does not
// forget the address's count either, so a guesser holding a token of
// their own cannot reset it between guesses.
//
// The lock therefore does not hide a lucky guess (a valid token is served
// even from a locked address); what makes guessing hopeless is the
// token's 256 random bits. The lock is what it was before valid tokens
// bypassed it: a cap on how many wrong tokens an address has answered as
// wrong before it must wait.
//
// It returns archive.ErrBadImportToken for an unknown token (counted),
// *TokenLocked for an unknown token from a locked address, or the
// archive's error. g may be nil (nothing counted).
func UseToken(ctx context.Context, a *archive.Archive, g Guard, ip, secret string) (archive.TokenUse, error) {
	u, err := a.UseToken(ctx, secret)
	if !errors.Is(err, archive.ErrBadImportToken) || g == nil {
		return u, err
	}
	key := guardKey(ip)
	wait, _, werr := g.Wait(ctx, key)
	if werr != nil {
		return archive.TokenUse{}, werr
	}
	if wait > 0 {
		return archive.TokenUse{}, &TokenLocked{Wait: wait}
	}
	if ferr := g.Fail(ctx, key); ferr != nil {
		return archive.TokenUse{}, ferr
	}
	return archive.TokenUse{}, err
}
