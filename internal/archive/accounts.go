package archive

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/maiprobe/maiprobe/internal/storage"
)

// Account errors.
var (
	// ErrBadLogin: no such user or a wrong password (deliberately not
	// saying which).
	ErrBadLogin = errors.New("archive: wrong user name or password")
	// ErrUserExists: the user name is taken.
	ErrUserExists = errors.New("archive: a user with that name already exists")
	// ErrNotFirstUser: first-run setup found a user already there.
	ErrNotFirstUser = errors.New("archive: the archive already has a user")
	// ErrNoLogin: the session token is unknown or expired.
	ErrNoLogin = errors.New("archive: no such session (logged out or expired)")
	// ErrNoPlayer: the player does not exist.
	ErrNoPlayer = errors.New("archive: no such player")
)

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 8

// User is a web login.
type User struct {
	ID        int64
	Name      string
	CreatedAt time.Time
}

// LoginSession is a logged-in browser (not a play session).
type LoginSession struct {
	User      User
	CSRF      string // the token every form of this session must carry
	ExpiresAt time.Time
}

// CheckUserName says what is wrong with a user name, or nil.
func CheckUserName(name string) error {
	if name == "" || utf8.RuneCountInString(name) > 64 || strings.TrimSpace(name) != name {
		return fmt.Errorf("archive: user name %q: want 1 to 64 characters without leading or trailing spaces", name)
	}
	return nil
}

// CheckPassword says what is wrong with a new password, or nil.
func CheckPassword(password string) error {
	if utf8.RuneCountInString(password) < MinPasswordLen {
		return fmt.Errorf("archive: the password is too short: want at least %d characters", MinPasswordLen)
	}
	if len(password) > 1024 {
		return errors.New("archive: the password is too long: at most 1024 bytes")
	}
	return nil
}

// CountUsers counts the web logins; zero means the server still needs
// its first-run setup.
func (a *Archive) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := a.db.View(ctx, func(tx *storage.Tx) error {
		var err error
		n, err = tx.CountUsers(ctx)
		return err
	})
	return n, err
}

// Users lists the web logins with the players each owns.
func (a *Archive) Users(ctx context.Context) (map[string][]string, error) {
	out := map[string][]string{}
	err := a.db.View(ctx, func(tx *storage.Tx) error {
		us, err := tx.Users(ctx)
		if err != nil {
			return err
		}
		for _, u := range us {
			ps, err := tx.OwnedPlayers(ctx, u.ID)
			if err != nil {
				return err
			}
			out[u.Name] = ps
		}
		return nil
	})
	return out, err
}

// AddUser adds a user owning player (created when it does not exist).
// With first set, it adds the user only when the archive has none yet,
// in the same transaction, so two first-run setups cannot both succeed.
func (a *Archive) AddUser(ctx context.Context, name, password, player string, first bool) (User, error) {
	return a.addUser(ctx, name, password, player, first, "")
}

// addUser is AddUser; a setupToken, when given, must be the stored
// first-run token, used up in the same transaction (shared.go).
func (a *Archive) addUser(ctx context.Context, name, password, player string, first bool, setupToken string) (User, error) {
	if err := CheckUserName(name); err != nil {
		return User{}, err
	}
	if err := CheckPassword(password); err != nil {
		return User{}, err
	}
	hash, err := hashPassword(password)
	if err != nil {
		return User{}, err
	}
	now := a.now()
	var u User
	err = a.db.Update(ctx, func(tx *storage.Tx) error {
		if setupToken != "" {
			// First, so that a second setup waits on the token's row
			// and then finds it gone.
			used, err := tx.UseSetupToken(ctx, setupToken)
			if err != nil {
				return err
			}
			if !used {
				return ErrBadSetupToken
			}
		}
		if first {
			n, err := tx.CountUsers(ctx)
			if err != nil {
				return err
			}
			if n > 0 {
				return ErrNotFirstUser
			}
		}
		id, added, err := tx.AddUser(ctx, name, hash, now)
		if err != nil {
			return err
		}
		if !added {
			return ErrUserExists
		}
		pid, err := ensurePlayer(ctx, tx, player, now)
		if err != nil {
			return err
		}
		u = User{ID: id, Name: name, CreatedAt: now.UTC()}
		return tx.GrantPlayer(ctx, id, pid)
	})
	return u, err
}

// GrantPlayer lets an existing user own one more player, e.g. their
// account on another server region. With create, a player that does not
// exist yet is made (empty: its first pages bind it to its in-game player);
// without, an unknown player is an error, so a typo makes no player.
func (a *Archive) GrantPlayer(ctx context.Context, user, player string, create bool) error {
	return a.db.Update(ctx, func(tx *storage.Tx) error {
		u, err := tx.UserByName(ctx, user)
		if err != nil {
			return err
		}
		pid, err := tx.PlayerID(ctx, player)
		if isNotFound(err) && create {
			pid, err = ensurePlayer(ctx, tx, player, a.now())
		}
		if err != nil {
			return err
		}
		return tx.GrantPlayer(ctx, u.ID, pid)
	})
}

// SetPassword changes the user's password and ends all their sessions.
func (a *Archive) SetPassword(ctx context.Context, name, password string) error {
	if err := CheckPassword(password); err != nil {
		return err
	}
	hash, err := hashPassword(password)
	if err != nil {
		return err
	}
	return a.db.Update(ctx, func(tx *storage.Tx) error {
		u, err := tx.UserByName(ctx, name)
		if isNotFound(err) {
			return fmt.Errorf("archive: user %q does not exist", name)
		}
		if err != nil {
			return err
		}
		if err := tx.SetPasswordHash(ctx, u.ID, hash); err != nil {
			return err
		}
		return tx.DeleteUserLoginSessions(ctx, u.ID)
	})
}

// Authenticate checks a user's password; ErrBadLogin when the user does
// not exist or the password is wrong.
func (a *Archive) Authenticate(ctx context.Context, name, password string) (User, error) {
	var su storage.User
	err := a.db.View(ctx, func(tx *storage.Tx) error {
		var err error
		su, err = tx.UserByName(ctx, name)
		return err
	})
	if isNotFound(err) {
		// Spend the same time as for a real user, so timing does not tell
		// which names exist.
		verifyPassword(dummyHash, password)
		return User{}, ErrBadLogin
	}
	if err != nil {
		return User{}, err
	}
	if !verifyPassword(su.PasswordHash, password) {
		return User{}, ErrBadLogin
	}
	return User{ID: su.ID, Name: su.Name, CreatedAt: su.CreatedAt}, nil
}

// StartLogin starts a session for the user lasting ttl and returns the
// token for the cookie (only its hash is stored) with the session.
func (a *Archive) StartLogin(ctx context.Context, u User, ttl time.Duration) (token string, s LoginSession, err error) {
	token, csrf := randomToken(), randomToken()
	now := a.now()
	s = LoginSession{User: u, CSRF: csrf, ExpiresAt: now.Add(ttl).UTC()}
	err = a.db.Update(ctx, func(tx *storage.Tx) error {
		// Sweep old sessions while here, so the table does not grow forever.
		if err := tx.DeleteExpiredLoginSessions(ctx, now); err != nil {
			return err
		}
		return tx.AddLoginSession(ctx, storage.LoginSession{TokenHash: tokenHash(token), UserID: u.ID, CSRF: csrf, CreatedAt: now, ExpiresAt: s.ExpiresAt})
	})
	if err != nil {
		return "", LoginSession{}, err
	}
	return token, s, nil
}

// LoginByToken returns the live login session of a cookie's token, or ErrNoLogin.
func (a *Archive) LoginByToken(ctx context.Context, token string) (LoginSession, error) {
	if token == "" {
		return LoginSession{}, ErrNoLogin
	}
	var s LoginSession
	err := a.db.View(ctx, func(tx *storage.Tx) error {
		ss, err := tx.LoginSessionByHash(ctx, tokenHash(token), a.now())
		if err != nil {
			return err
		}
		u, err := tx.UserByID(ctx, ss.UserID)
		if err != nil {
			return err
		}
		s = LoginSession{User: User{ID: u.ID, Name: u.Name, CreatedAt: u.CreatedAt}, CSRF: ss.CSRF, ExpiresAt: ss.ExpiresAt}
		return nil
	})
	if isNotFound(err) {
		return LoginSession{}, ErrNoLogin
	}
	return s, err
}

// EndLogin deletes the session of a cookie's token (logout).
func (a *Archive) EndLogin(ctx context.Context, token string) error {
	return a.db.Update(ctx, func(tx *storage.Tx) error {
		return tx.DeleteLoginSession(ctx, tokenHash(token))
	})
}

// Access is what a viewer may do with a player.
type Access struct {
	Exists bool // the player exists
	Public bool // anyone may view it
	Owner  bool // the viewer owns it (may view, import and change it)
}

// PlayerAccess says whether the player exists, is public and is owned by
// the user (userID 0 for an anonymous viewer).
func (a *Archive) PlayerAccess(ctx context.Context, player string, userID int64) (Access, error) {
	var acc Access
	err := a.db.View(ctx, func(tx *storage.Tx) error {
		pid, err := tx.PlayerID(ctx, player)
		if isNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		acc.Exists = true
		if acc.Public, err = tx.PlayerPublic(ctx, pid); err != nil {
			return err
		}
		if userID == 0 {
			return nil
		}
		owned, err := tx.OwnedPlayers(ctx, userID)
		for _, p := range owned {
			acc.Owner = acc.Owner || p == player
		}
		return err
	})
	return acc, err
}

// VisiblePlayers lists the players a viewer may see: the public ones and
// those the user owns (userID 0 for an anonymous viewer), owned first.
func (a *Archive) VisiblePlayers(ctx context.Context, userID int64) (owned, public []string, err error) {
	err = a.db.View(ctx, func(tx *storage.Tx) error {
		if userID != 0 {
			if owned, err = tx.OwnedPlayers(ctx, userID); err != nil {
				return err
			}
		}
		public, err = tx.PublicPlayers(ctx)
		return err
	})
	return owned, public, err
}

// HeaderPlayers lists the players a page's header offers a viewer: those
// the user owns (userID 0 for an anonymous viewer) and the first n public
// ones by name; more says there are public players beyond them (the list
// of all is its own page). Unlike VisiblePlayers it reads at most n+1
// public players, however many the archive holds.
func (a *Archive) HeaderPlayers(ctx context.Context, userID int64, n int) (owned, public []string, more bool, err error) {
	err = a.db.View(ctx, func(tx *storage.Tx) error {
		if userID != 0 {
			if owned, err = tx.OwnedPlayers(ctx, userID); err != nil {
				return err
			}
		}
		public, err = tx.FirstPublicPlayers(ctx, n+1)
		return err
	})
	if len(public) > n {
		public, more = public[:n], true
	}
	return owned, public, more, err
}

// SetPublic sets whether anyone may view the player.
func (a *Archive) SetPublic(ctx context.Context, player string, public bool) error {
	return a.db.Update(ctx, func(tx *storage.Tx) error {
		pid, err := tx.PlayerID(ctx, player)
		if isNotFound(err) {
			return fmt.Errorf("%w: %q", ErrNoPlayer, player)
		}
		if err != nil {
			return err
		}
		return tx.SetPlayerPublic(ctx, pid, public)
	})
}

// argon2id parameters: the OWASP minimum (19 MiB, 2 passes, 1 lane), so a
// small server can hash a login in about 30 ms.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// dummyHash is verified against when a user does not exist.
var dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

// hashPassword hashes with argon2id into the PHC string format, which
// carries its parameters so they can be raised later.
func hashPassword(password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("archive: random salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

func verifyPassword(encoded, password string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m > 1<<22 || t > 100 || p == 0 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// randomToken is 32 random bytes, URL-safe.
func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand panics instead)
	return base64.RawURLEncoding.EncodeToString(b)
}

func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
