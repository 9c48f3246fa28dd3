package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// User is a web login.
type User struct {
	ID           int64
	Name         string
	PasswordHash string
	CreatedAt    time.Time
}

// LoginSession is a logged-in browser: the hash of its cookie's token, its
// user and its CSRF token.
type LoginSession struct {
	TokenHash string
	UserID    int64
	CSRF      string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// CountUsers counts the web logins.
func (t *Tx) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := t.tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM users").Scan(&n); err != nil {
		return 0, fmt.Errorf("storage: count users: %w", err)
	}
	return n, nil
}

// AddUser adds a user and returns its id; added is false (and nothing
// changes) when the name is taken.
func (t *Tx) AddUser(ctx context.Context, name, passwordHash string, createdAt time.Time) (id int64, added bool, err error) {
	id, added, err = t.insert(ctx, "user", "INSERT INTO users (name, password_hash, created_at) VALUES (?, ?, ?){{ignore}}", name, passwordHash, utc(createdAt))
	if err != nil {
		return 0, false, fmt.Errorf("storage: insert user: %w", err)
	}
	return id, added, nil
}

// SetPasswordHash replaces the user's password hash.
func (t *Tx) SetPasswordHash(ctx context.Context, userID int64, passwordHash string) error {
	if _, err := t.exec(ctx, "UPDATE users SET password_hash = ? WHERE id = ?", passwordHash, userID); err != nil {
		return fmt.Errorf("storage: update user: %w", err)
	}
	return nil
}

// UserByName returns the user called name, or ErrNotFound.
func (t *Tx) UserByName(ctx context.Context, name string) (User, error) {
	return t.user(ctx, "SELECT id, name, password_hash, created_at FROM users WHERE name = ?", name)
}

// UserByID returns the user with id, or ErrNotFound.
func (t *Tx) UserByID(ctx context.Context, id int64) (User, error) {
	return t.user(ctx, "SELECT id, name, password_hash, created_at FROM users WHERE id = ?", id)
}

func (t *Tx) user(ctx context.Context, query string, arg any) (User, error) {
	var u User
	err := t.tx.QueryRowContext(ctx, t.d.rebind(query), arg).Scan(&u.ID, &u.Name, &u.PasswordHash, &u.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, fmt.Errorf("user: %w", ErrNotFound)
	}
	if err != nil {
		return User{}, fmt.Errorf("storage: find user: %w", err)
	}
	u.CreatedAt = u.CreatedAt.UTC()
	return u, nil
}

// Users lists every user by name.
func (t *Tx) Users(ctx context.Context) ([]User, error) {
	rows, err := t.query(ctx, "SELECT id, name, password_hash, created_at FROM users ORDER BY name")
	if err != nil {
		return nil, fmt.Errorf("storage: list users: %w", err)
	}
	defer rows.Close()
	var us []User
	for rows.Next() {
		var u User
		if err := rows.Scan(&u.ID, &u.Name, &u.PasswordHash, &u.CreatedAt); err != nil {
			return nil, fmt.Errorf("storage: list users: %w", err)
		}
		u.CreatedAt = u.CreatedAt.UTC()
		us = append(us, u)
	}
	return us, rows.Err()
}

// GrantPlayer makes the user an owner of the player (nothing when it
// already is).
func (t *Tx) GrantPlayer(ctx context.Context, userID, playerID int64) error {
	if _, _, err := t.insert(ctx, "user_player", "INSERT INTO user_players (user_id, player_id) VALUES (?, ?){{ignore}}", userID, playerID); err != nil {
		return fmt.Errorf("storage: insert user_player: %w", err)
	}
	return nil
}

// OwnedPlayers lists the names of the players the user owns.
func (t *Tx) OwnedPlayers(ctx context.Context, userID int64) ([]string, error) {
	return t.names(ctx, "SELECT p.name FROM players p JOIN user_players up ON up.player_id = p.id WHERE up.user_id = ? ORDER BY p.name", userID)
}

// PlayerOwners lists the names of the users who own the player.
func (t *Tx) PlayerOwners(ctx context.Context, playerID int64) ([]string, error) {
	return t.names(ctx, "SELECT u.name FROM users u JOIN user_players up ON up.user_id = u.id WHERE up.player_id = ? ORDER BY u.name", playerID)
}

// PublicPlayers lists the names of the players anyone may view.
func (t *Tx) PublicPlayers(ctx context.Context) ([]string, error) {
	return t.names(ctx, "SELECT p.name FROM players p JOIN player_settings s ON s.player_id = p.id WHERE s.is_public = 1 ORDER BY p.name")
}

// FirstPublicPlayers lists the first n names (in name order) of the
// players anyone may view: the page header's, which must not read every
// public player on every page of a shared archive.
func (t *Tx) FirstPublicPlayers(ctx context.Context, n int) ([]string, error) {
	return t.names(ctx, "SELECT p.name FROM players p JOIN player_settings s ON s.player_id = p.id WHERE s.is_public = 1 ORDER BY p.name LIMIT ?", n)
}

func (t *Tx) names(ctx context.Context, query string, args ...any) ([]string, error) {
	rows, err := t.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: list names: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("storage: list names: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// PlayerPublic reports whether anyone may view the player; a player
// without settings is private.
func (t *Tx) PlayerPublic(ctx context.Context, playerID int64) (bool, error) {
	var v int
	err := t.tx.QueryRowContext(ctx, t.d.rebind("SELECT is_public FROM player_settings WHERE player_id = ?"), playerID).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("storage: read player settings: %w", err)
	}
	return v == 1, nil
}

// SetPlayerPublic sets whether anyone may view the player.
func (t *Tx) SetPlayerPublic(ctx context.Context, playerID int64, public bool) error {
	if _, _, err := t.insert(ctx, "player_settings", "INSERT INTO player_settings (player_id, is_public) VALUES (?, ?){{ignore}}", playerID, boolInt(public)); err != nil {
		return fmt.Errorf("storage: insert player settings: %w", err)
	}
	if _, err := t.exec(ctx, "UPDATE player_settings SET is_public = ? WHERE player_id = ?", boolInt(public), playerID); err != nil {
		return fmt.Errorf("storage: update player settings: %w", err)
	}
	return nil
}

// AddLoginSession stores a session.
func (t *Tx) AddLoginSession(ctx context.Context, s LoginSession) error {
	_, err := t.exec(ctx, "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
		s.TokenHash, s.UserID, s.CSRF, utc(s.CreatedAt), utc(s.ExpiresAt))
	if err != nil {
		return fmt.Errorf("storage: insert session: %w", err)
	}
	return nil
}

// LoginSessionByHash returns the session whose token hashes to tokenHash and
// that has not expired at now, or ErrNotFound.
func (t *Tx) LoginSessionByHash(ctx context.Context, tokenHash string, now time.Time) (LoginSession, error) {
	var s LoginSession
	err := t.tx.QueryRowContext(ctx, t.d.rebind("SELECT token_hash, user_id, csrf_token, created_at, expires_at FROM sessions WHERE token_hash = ? AND expires_at > ?"),
		tokenHash, utc(now)).Scan(&s.TokenHash, &s.UserID, &s.CSRF, &s.CreatedAt, &s.ExpiresAt)
	if errors.Is(err, sql.ErrNoRows) {
		return LoginSession{}, fmt.Errorf("session: %w", ErrNotFound)
	}
	if err != nil {
		return LoginSession{}, fmt.Errorf("storage: find session: %w", err)
	}
	s.CreatedAt, s.ExpiresAt = s.CreatedAt.UTC(), s.ExpiresAt.UTC()
	return s, nil
}

// DeleteLoginSession deletes the session whose token hashes to tokenHash.
func (t *Tx) DeleteLoginSession(ctx context.Context, tokenHash string) error {
	if _, err := t.exec(ctx, "DELETE FROM sessions WHERE token_hash = ?", tokenHash); err != nil {
		return fmt.Errorf("storage: delete session: %w", err)
	}
	return nil
}

// DeleteUserLoginSessions logs the user out everywhere (after a password change).
func (t *Tx) DeleteUserLoginSessions(ctx context.Context, userID int64) error {
	if _, err := t.exec(ctx, "DELETE FROM sessions WHERE user_id = ?", userID); err != nil {
		return fmt.Errorf("storage: delete sessions: %w", err)
	}
	return nil
}

// DeleteExpiredLoginSessions deletes the sessions that expired before now.
func (t *Tx) DeleteExpiredLoginSessions(ctx context.Context, now time.Time) error {
	if _, err := t.exec(ctx, "DELETE FROM sessions WHERE expires_at <= ?", utc(now)); err != nil {
		return fmt.Errorf("storage: delete expired sessions: %w", err)
	}
	return nil
}
