package archive

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/storage"
)

// Errors of import tokens and stored site logins.
var (
	// ErrBadImportToken: the token is unknown (never made, or revoked).
	ErrBadImportToken = errors.New("archive: unknown or revoked import token")
	// ErrTooManyTokens: the player has MaxTokens live tokens already.
	ErrTooManyTokens = fmt.Errorf("archive: a player may have at most %d tokens: revoke one you no longer use first", MaxTokens)
	// ErrNoSiteLogin: the player has no stored site login.
	ErrNoSiteLogin = errors.New("archive: no site login stored for this player")
	// ErrSiteLoginExpired: the site no longer accepts the stored login; the
	// owner must store a new one. A fetch function wraps it so the
	// scheduler stops using the login.
	ErrSiteLoginExpired = errors.New("session expired, log in again")
	// ErrNoSecretKey: stored site logins need MAIPROBE_SECRET_KEY.
	ErrNoSecretKey = errors.New("archive: stored site logins are disabled: set MAIPROBE_SECRET_KEY to 32 random bytes in base64 (openssl rand -base64 32)")
)

// MaxTokens is how many live (not revoked) tokens a player may have: more
// than any owner's devices and bots need, and a bound on what a stolen
// login can leave behind unnoticed.
const MaxTokens = 50

// ImportTokenPrefix starts every import token, so one pasted into the
// wrong place is recognisable (and secret scanners can find it).
const ImportTokenPrefix = "mpi_"

// TokenScope is what a token may do, a bit set: import pages, read the
// player's archive through the read API, or both.
type TokenScope int

// The scopes of a token. Tokens made before scopes existed import only.
const (
	ScopeImport TokenScope = 1 << iota
	ScopeRead
	ScopeBoth = ScopeImport | ScopeRead
)

// Has reports whether s includes every scope of want.
func (s TokenScope) Has(want TokenScope) bool { return want != 0 && s&want == want }

// String is the scope's name in forms, the API and docs: import, read or
// both.
func (s TokenScope) String() string {
	switch s {
	case ScopeImport:
		return "import"
	case ScopeRead:
		return "read"
	case ScopeBoth:
		return "both"
	}
	return fmt.Sprintf("scope(%d)", int(s))
}

// ParseTokenScope reads a scope's name (import, read, both).
func ParseTokenScope(name string) (TokenScope, error) {
	for _, s := range []TokenScope{ScopeImport, ScopeRead, ScopeBoth} {
		if s.String() == name {
			return s, nil
		}
	}
	return 0, fmt.Errorf("archive: token scope %q: want import, read or both", name)
}

// ImportToken is one of a player's tokens as the owner sees it (the
// secret itself is shown once, when it is made). The name is older than
// scopes: a token may be for reading too, or only.
type ImportToken struct {
	ID         int64
	Label      string
	Scopes     TokenScope
	CreatedAt  time.Time
	LastUsedAt time.Time // zero when never used
}

// CreateImportToken makes a new import-only token for player and returns
// the secret (only its hash is stored: show it now or never).
func (a *Archive) CreateImportToken(ctx context.Context, player, label string) (string, ImportToken, error) {
	return a.CreateToken(ctx, player, label, ScopeImport)
}

// CreateToken makes a new token for player with the given scopes and
// returns the secret (only its hash is stored: show it now or never);
// ErrTooManyTokens when the player has MaxTokens already.
func (a *Archive) CreateToken(ctx context.Context, player, label string, scopes TokenScope) (string, ImportToken, error) {
	if scopes != ScopeImport && scopes != ScopeRead && scopes != ScopeBoth {
		return "", ImportToken{}, fmt.Errorf("archive: token scope %d: want import, read or both", int(scopes))
	}
	label = strings.TrimSpace(label)
	if label == "" {
		label = "import"
	}
	if utf8.RuneCountInString(label) > 100 {
		return "", ImportToken{}, errors.New("archive: the token's label is too long: at most 100 characters")
	}
	secret := ImportTokenPrefix + randomToken()
	now := a.now()
	tok := ImportToken{Label: label, Scopes: scopes, CreatedAt: now.UTC().Truncate(time.Microsecond)}
	err := a.db.Update(ctx, func(tx *storage.Tx) error {
		pid, err := tx.PlayerID(ctx, player)
		if isNotFound(err) {
			return fmt.Errorf("%w: %q", ErrNoPlayer, player)
		}
		if err != nil {
			return err
		}
		live, err := tx.ImportTokens(ctx, pid)
		if err != nil {
			return err
		}
		if len(live) >= MaxTokens {
			return ErrTooManyTokens
		}
		tok.ID, err = tx.AddImportToken(ctx, storage.ImportToken{PlayerID: pid, TokenHash: tokenHash(secret), Label: label, CreatedAt: now, Scopes: int(scopes)})
		return err
	})
	if err != nil {
		return "", ImportToken{}, err
	}
	return secret, tok, nil
}

// ImportTokens lists the player's import tokens, newest first.
func (a *Archive) ImportTokens(ctx context.Context, player string) ([]ImportToken, error) {
	var out []ImportToken
	err := a.db.View(ctx, func(tx *storage.Tx) error {
		pid, err := tx.PlayerID(ctx, player)
		if err != nil {
			return err
		}
		toks, err := tx.ImportTokens(ctx, pid)
		for _, t := range toks {
			out = append(out, ImportToken{ID: t.ID, Label: t.Label, Scopes: TokenScope(t.Scopes), CreatedAt: t.CreatedAt, LastUsedAt: t.LastUsedAt})
		}
		return err
	})
	return out, err
}

// RevokeImportToken deletes the player's token id; ErrBadImportToken when
// the player has no such token.
func (a *Archive) RevokeImportToken(ctx context.Context, player string, id int64) error {
	return a.db.Update(ctx, func(tx *storage.Tx) error {
		pid, err := tx.PlayerID(ctx, player)
		if err != nil {
			return err
		}
		ok, err := tx.DeleteImportToken(ctx, pid, id)
		if err == nil && !ok {
			err = ErrBadImportToken
		}
		return err
	})
}

// TokenUse is who a presented token speaks for and what it may do.
type TokenUse struct {
	Player string
	ID     int64
	Scopes TokenScope
}

// UseToken returns the player, id and scopes of a token, recording the
// use; ErrBadImportToken for an unknown (or revoked) token. Checking the
// scope is the caller's: import and read ask for different ones.
func (a *Archive) UseToken(ctx context.Context, secret string) (TokenUse, error) {
	if !strings.HasPrefix(secret, ImportTokenPrefix) || len(secret) > 200 {
		return TokenUse{}, ErrBadImportToken
	}
	var u TokenUse
	err := a.db.Update(ctx, func(tx *storage.Tx) error {
		tok, err := tx.ImportTokenByHash(ctx, tokenHash(secret))
		if isNotFound(err) {
			return ErrBadImportToken
		}
		if err != nil {
			return err
		}
		u = TokenUse{Player: tok.Player, ID: tok.ID, Scopes: TokenScope(tok.Scopes)}
		return tx.TouchImportToken(ctx, tok.ID, a.now())
	})
	return u, err
}

// SecretKey seals stored site logins (AES-256-GCM). Without one the
// feature is off.
type SecretKey struct {
	aead cipher.AEAD
}

// ParseSecretKey reads MAIPROBE_SECRET_KEY: 32 bytes in standard or
// URL-safe base64.
func ParseSecretKey(b64 string) (*SecretKey, error) {
	b64 = strings.TrimSpace(b64)
	var key []byte
	var err error
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if key, err = enc.DecodeString(b64); err == nil {
			break
		}
	}
	if err != nil || len(key) != 32 {
		return nil, errors.New("archive: MAIPROBE_SECRET_KEY must be 32 random bytes in base64 (openssl rand -base64 32)")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("archive: secret key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("archive: secret key: %w", err)
	}
	return &SecretKey{aead: aead}, nil
}

// sealVersion starts every sealed value, so the format can change later.
const sealVersion = 1

// seal encrypts plain bound to context (the player's name): a sealed
// login copied to another player's row does not open.
func (k *SecretKey) seal(plain []byte, context string) []byte {
	nonce := make([]byte, k.aead.NonceSize())
	rand.Read(nonce)
	out := append([]byte{sealVersion}, nonce...)
	return k.aead.Seal(out, nonce, plain, []byte(context))
}

func (k *SecretKey) open(sealed []byte, context string) ([]byte, error) {
	n := k.aead.NonceSize()
	if len(sealed) < 1+n || sealed[0] != sealVersion {
		return nil, errors.New("archive: the stored site login is not in a known format; store it again")
	}
	plain, err := k.aead.Open(nil, sealed[1:1+n], sealed[1+n:], []byte(context))
	if err != nil {
		return nil, errors.New("archive: the stored site login does not open with this MAIPROBE_SECRET_KEY (was the key changed?); store it again")
	}
	return plain, nil
}

// SiteLogin is what the fetcher logs in to DX NET with: the CN site's
// cookie string, or a SEGA ID and password for the intl and JP sites.
type SiteLogin struct {
	Region   maimai.Region `json:"region"`
	Cookie   string        `json:"cookie,omitempty"`
	SegaID   string        `json:"sega_id,omitempty"`
	Password string        `json:"password,omitempty"`
}

// Check says what is wrong with the login, or nil.
func (l SiteLogin) Check() error {
	switch l.Region {
	case maimai.CN:
		if !strings.Contains(l.Cookie, "userId=") || !strings.Contains(l.Cookie, "_t=") {
			return errors.New("archive: the CN site's cookie must hold userId=… and _t=… (copy the Cookie header of a logged-in page)")
		}
		if len(l.Cookie) > 4096 || strings.ContainsAny(l.Cookie, "\r\n") {
			return errors.New("archive: the cookie is too long or spans several lines")
		}
	case maimai.Intl, maimai.JP:
		if l.SegaID == "" || l.Password == "" {
			return errors.New("archive: give both the SEGA ID and its password")
		}
		if len(l.SegaID) > 200 || len(l.Password) > 1024 {
			return errors.New("archive: the SEGA ID or password is too long")
		}
	default:
		return fmt.Errorf("archive: unknown site region %q: want cn, intl or jp", l.Region)
	}
	return nil
}

// SiteLoginStatus is what the owner sees of a stored login: never the
// secret, only its kind and what the scheduler did with it.
type SiteLoginStatus struct {
	Player     string
	Region     maimai.Region
	Every      time.Duration // 0: no schedule
	Enabled    bool          // false once the site refused it
	StoredAt   time.Time
	NextRunAt  time.Time
	LastRunAt  time.Time
	LastResult string
	LastError  string
}

func siteLoginStatus(l storage.SiteLogin) SiteLoginStatus {
	return SiteLoginStatus{
		Player: l.Player, Region: maimai.Region(l.Region), Every: time.Duration(l.EveryHours) * time.Hour, Enabled: l.Enabled,
		StoredAt: l.StoredAt, NextRunAt: l.NextRunAt, LastRunAt: l.LastRunAt, LastResult: l.LastResult, LastError: l.LastError,
	}
}

// MaxScheduleHours caps the schedule at four weeks.
const MaxScheduleHours = 24 * 28

// StoreSiteLogin seals login with key and stores it for player with a
// schedule of every (whole hours, 0 for none), replacing an earlier login
// and re-enabling the schedule. The first run is due at once.
func (a *Archive) StoreSiteLogin(ctx context.Context, key *SecretKey, player string, login SiteLogin, every time.Duration) error {
	if key == nil {
		return ErrNoSecretKey
	}
	if err := login.Check(); err != nil {
		return err
	}
	hours := int(every / time.Hour)
	if every < 0 || every%time.Hour != 0 || hours > MaxScheduleHours {
		return fmt.Errorf("archive: schedule %s: want whole hours from 1 to %d, or none", every, MaxScheduleHours)
	}
	plain, err := json.Marshal(login)
	if err != nil {
		return err
	}
	now := a.now()
	return a.db.Update(ctx, func(tx *storage.Tx) error {
		pid, err := tx.PlayerID(ctx, player)
		if isNotFound(err) {
			return fmt.Errorf("%w: %q", ErrNoPlayer, player)
		}
		if err != nil {
			return err
		}
		var next time.Time
		if hours > 0 {
			next = now
		}
		return tx.PutSiteLogin(ctx, storage.SiteLogin{
			PlayerID: pid, Region: string(login.Region), Sealed: key.seal(plain, player), EveryHours: hours,
			Enabled: true, StoredAt: now, NextRunAt: next,
		})
	})
}

// SiteLoginStatus returns what the owner may see of the player's stored
// login; ErrNoSiteLogin when there is none.
func (a *Archive) SiteLoginStatus(ctx context.Context, player string) (SiteLoginStatus, error) {
	var st SiteLoginStatus
	err := a.db.View(ctx, func(tx *storage.Tx) error {
		pid, err := tx.PlayerID(ctx, player)
		if err != nil {
			return err
		}
		l, err := tx.SiteLoginOf(ctx, pid)
		if err != nil {
			return err
		}
		st = siteLoginStatus(l)
		return nil
	})
	if isNotFound(err) {
		return SiteLoginStatus{}, ErrNoSiteLogin
	}
	return st, err
}

// OpenSiteLogin returns the player's stored login in clear, for the fetcher.
func (a *Archive) OpenSiteLogin(ctx context.Context, key *SecretKey, player string) (SiteLogin, error) {
	if key == nil {
		return SiteLogin{}, ErrNoSecretKey
	}
	var sealed []byte
	err := a.db.View(ctx, func(tx *storage.Tx) error {
		pid, err := tx.PlayerID(ctx, player)
		if err != nil {
			return err
		}
		l, err := tx.SiteLoginOf(ctx, pid)
		sealed = l.Sealed
		return err
	})
	if isNotFound(err) {
		return SiteLogin{}, ErrNoSiteLogin
	}
	if err != nil {
		return SiteLogin{}, err
	}
	plain, err := key.open(sealed, player)
	if err != nil {
		return SiteLogin{}, err
	}
	var l SiteLogin
	if err := json.Unmarshal(plain, &l); err != nil {
		return SiteLogin{}, fmt.Errorf("archive: the stored site login is damaged: %w", err)
	}
	return l, nil
}

// UpdateSiteLoginCookie stores the cookie a fetch ended with in place of
// the player's stored one (the CN site rotates _t with every answer, so
// the old one no longer works), keeping the schedule and the last outcome.
func (a *Archive) UpdateSiteLoginCookie(ctx context.Context, key *SecretKey, player, cookie string) error {
	l, err := a.OpenSiteLogin(ctx, key, player)
	if err != nil {
		return err
	}
	l.Cookie = cookie
	if err := l.Check(); err != nil {
		return err
	}
	plain, err := json.Marshal(l)
	if err != nil {
		return err
	}
	return a.db.Update(ctx, func(tx *storage.Tx) error {
		pid, err := tx.PlayerID(ctx, player)
		if err != nil {
			return err
		}
		return tx.SetSiteLoginSealed(ctx, pid, key.seal(plain, player))
	})
}

// ForgetSiteLogin deletes the player's stored login.
func (a *Archive) ForgetSiteLogin(ctx context.Context, player string) error {
	return a.db.Update(ctx, func(tx *storage.Tx) error {
		pid, err := tx.PlayerID(ctx, player)
		if err != nil {
			return err
		}
		return tx.DeleteSiteLogin(ctx, pid)
	})
}

// DueSiteLogins lists the players whose scheduled fetch is due at now.
func (a *Archive) DueSiteLogins(ctx context.Context, now time.Time) ([]SiteLoginStatus, error) {
	var out []SiteLoginStatus
	err := a.db.View(ctx, func(tx *storage.Tx) error {
		ls, err := tx.DueSiteLogins(ctx, now)
		for _, l := range ls {
			out = append(out, siteLoginStatus(l))
		}
		return err
	})
	return out, err
}

// RunSiteLoginNow makes the player's stored login due at once (a fetch on
// request), even without a schedule; ErrNoSiteLogin when there is none.
func (a *Archive) RunSiteLoginNow(ctx context.Context, player string) error {
	err := a.db.Update(ctx, func(tx *storage.Tx) error {
		pid, err := tx.PlayerID(ctx, player)
		if err != nil {
			return err
		}
		if _, err := tx.SiteLoginOf(ctx, pid); err != nil {
			return err
		}
		return tx.SetSiteLoginNextRun(ctx, pid, a.now())
	})
	if isNotFound(err) {
		return ErrNoSiteLogin
	}
	return err
}

// RecordSiteLoginRun records the outcome of a fetch started at ranAt: a
// summary, or the error. An ErrSiteLoginExpired disables the login until a
// new one is stored; otherwise the next run is a schedule period after
// ranAt (none without a schedule).
func (a *Archive) RecordSiteLoginRun(ctx context.Context, player string, ranAt time.Time, summary string, runErr error) error {
	return a.db.Update(ctx, func(tx *storage.Tx) error {
		pid, err := tx.PlayerID(ctx, player)
		if err != nil {
			return err
		}
		l, err := tx.SiteLoginOf(ctx, pid)
		if err != nil {
			return err
		}
		enabled, errText := true, ""
		var next time.Time
		if l.EveryHours > 0 {
			next = ranAt.Add(time.Duration(l.EveryHours) * time.Hour)
		}
		if runErr != nil {
			errText = cutText(runErr.Error(), 2000)
			if errors.Is(runErr, ErrSiteLoginExpired) {
				enabled, next = false, time.Time{}
			}
		}
		return tx.UpdateSiteLoginRun(ctx, pid, ranAt, next, enabled, summary, errText)
	})
}
