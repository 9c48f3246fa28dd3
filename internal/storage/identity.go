package storage

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Identity is the in-game player a player's pages belong to: the region,
// the friend code once a friendCode page showed it, and every in-game name
// its pages showed. Region "" means the player is not bound yet.
type Identity struct {
	Region     string
	FriendCode string
	Names      []string
	// AcceptRename: the owner confirmed a rename; the next new name is
	// accepted once.
	AcceptRename bool
}

// Bound reports whether the identity has been set.
func (id Identity) Bound() bool { return id.Region != "" }

// HasName reports whether name is one of the identity's names.
func (id Identity) HasName(name string) bool {
	return slices.Contains(id.Names, name)
}

// PlayerIdentity returns the player's identity.
func (t *Tx) PlayerIdentity(ctx context.Context, playerID int64) (Identity, error) {
	return t.playerIdentity(ctx, playerID, "")
}

// LockPlayerIdentity is PlayerIdentity that also locks the player's row
// until the transaction ends, so two imports binding the same player apply
// one after the other. SQLite has one writer and needs no lock.
func (t *Tx) LockPlayerIdentity(ctx context.Context, playerID int64) (Identity, error) {
	lock := " FOR UPDATE"
	if t.d.name == "sqlite" {
		lock = ""
	}
	return t.playerIdentity(ctx, playerID, lock)
}

func (t *Tx) playerIdentity(ctx context.Context, playerID int64, lock string) (Identity, error) {
	var id Identity
	var accept int
	err := t.tx.QueryRowContext(ctx, t.d.rebind("SELECT region, friend_code, accept_rename FROM players WHERE id = ?"+lock), playerID).
		Scan(&id.Region, &id.FriendCode, &accept)
	id.AcceptRename = accept != 0
	if err != nil {
		return id, fmt.Errorf("storage: player identity: %w", err)
	}
	id.Names, err = t.playerNames(ctx, playerID)
	return id, err
}

func (t *Tx) playerNames(ctx context.Context, playerID int64) ([]string, error) {
	rows, err := t.query(ctx, "SELECT name FROM player_names WHERE player_id = ? ORDER BY first_seen, id", playerID)
	if err != nil {
		return nil, fmt.Errorf("storage: player names: %w", err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("storage: player names: %w", err)
		}
		names = append(names, n)
	}
	return names, rows.Err()
}

// SetIdentity stores the player's region and friend code.
func (t *Tx) SetIdentity(ctx context.Context, playerID int64, region, friendCode string) error {
	if _, err := t.exec(ctx, "UPDATE players SET region = ?, friend_code = ? WHERE id = ?", region, friendCode, playerID); err != nil {
		return fmt.Errorf("storage: set player identity: %w", err)
	}
	return nil
}

// SetAcceptRename sets or clears the player's confirmed rename.
func (t *Tx) SetAcceptRename(ctx context.Context, playerID int64, accept bool) error {
	v := 0
	if accept {
		v = 1
	}
	if _, err := t.exec(ctx, "UPDATE players SET accept_rename = ? WHERE id = ?", v, playerID); err != nil {
		return fmt.Errorf("storage: set accept rename: %w", err)
	}
	return nil
}

// AddPlayerName adds an in-game name to the player's identity (nothing
// when it is there already).
func (t *Tx) AddPlayerName(ctx context.Context, playerID int64, name string, at time.Time) error {
	if _, _, err := t.insert(ctx, "player name", "INSERT INTO player_names (player_id, name, first_seen) VALUES (?, ?, ?){{ignore}}",
		playerID, name, utc(at)); err != nil {
		return fmt.Errorf("storage: add player name: %w", err)
	}
	return nil
}

// PlayerIdentityRow is a player with its identity, for routing pages.
type PlayerIdentityRow struct {
	Player
	Identity
}

// Identities lists every player with its identity, by name.
func (t *Tx) Identities(ctx context.Context) ([]PlayerIdentityRow, error) {
	rows, err := t.query(ctx, "SELECT id, name, created_at, region, friend_code FROM players ORDER BY name")
	if err != nil {
		return nil, fmt.Errorf("storage: list identities: %w", err)
	}
	var out []PlayerIdentityRow
	for rows.Next() {
		var r PlayerIdentityRow
		if err := rows.Scan(&r.ID, &r.Name, &r.CreatedAt, &r.Region, &r.FriendCode); err != nil {
			rows.Close()
			return nil, fmt.Errorf("storage: list identities: %w", err)
		}
		r.CreatedAt = r.CreatedAt.UTC()
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: list identities: %w", err)
	}
	// Every player's names in one query, not one per player: routing reads
	// this for every page it imports.
	byID := make(map[int64]*PlayerIdentityRow, len(out))
	for i := range out {
		byID[out[i].ID] = &out[i]
	}
	rows, err = t.query(ctx, "SELECT player_id, name FROM player_names ORDER BY player_id, first_seen, id")
	if err != nil {
		return nil, fmt.Errorf("storage: player names: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var pid int64
		var n string
		if err := rows.Scan(&pid, &n); err != nil {
			return nil, fmt.Errorf("storage: player names: %w", err)
		}
		if r := byID[pid]; r != nil {
			r.Names = append(r.Names, n)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: player names: %w", err)
	}
	return out, nil
}

// Sighting is what the player's stored data says about its identity: a
// region with the in-game names seen in it, for archives made before
// players were bound and for status reports.
type Sighting struct {
	Region string
	// Pages counts the player's stored pages of the region.
	Pages int
	// Names are the in-game names its snapshots showed, oldest first.
	Names []string
}

// StoredIdentities lists the regions of the player's stored player-data
// pages (error, login and maintenance pages are never stored) with the
// in-game names its snapshots showed in each.
func (t *Tx) StoredIdentities(ctx context.Context, playerID int64) ([]Sighting, error) {
	rows, err := t.query(ctx, "SELECT region, COUNT(*) FROM pages WHERE player_id = ? AND region <> '' GROUP BY region ORDER BY region", playerID)
	if err != nil {
		return nil, fmt.Errorf("storage: stored identities: %w", err)
	}
	var out []Sighting
	for rows.Next() {
		var s Sighting
		if err := rows.Scan(&s.Region, &s.Pages); err != nil {
			rows.Close()
			return nil, fmt.Errorf("storage: stored identities: %w", err)
		}
		out = append(out, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: stored identities: %w", err)
	}
	rows, err = t.query(ctx, "SELECT region, name, MIN(observed_at) AS first FROM snapshots WHERE player_id = ? AND name <> '' GROUP BY region, name ORDER BY first, name", playerID)
	if err != nil {
		return nil, fmt.Errorf("storage: stored names: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var region, name string
		var first any
		if err := rows.Scan(&region, &name, &first); err != nil {
			return nil, fmt.Errorf("storage: stored names: %w", err)
		}
		for i := range out {
			if out[i].Region == region {
				out[i].Names = append(out[i].Names, name)
			}
		}
	}
	return out, rows.Err()
}

// MovePages gives the pages with the given ids to another player, for
// splitting a player whose pages belong to several in-game players. The
// rows derived from them must be derived again (see archive.Reparse).
func (t *Tx) MovePages(ctx context.Context, ids []int64, toPlayer int64) error {
	for _, id := range ids {
		if _, err := t.exec(ctx, "UPDATE pages SET player_id = ? WHERE id = ?", toPlayer, id); err != nil {
			return fmt.Errorf("storage: move page %d: %w", id, err)
		}
	}
	return nil
}

// ClearIdentity forgets the player's identity (region, friend code and
// names), before a split binds it again.
func (t *Tx) ClearIdentity(ctx context.Context, playerID int64) error {
	if _, err := t.exec(ctx, "DELETE FROM player_names WHERE player_id = ?", playerID); err != nil {
		return fmt.Errorf("storage: clear player names: %w", err)
	}
	return t.SetIdentity(ctx, playerID, "", "")
}

// CopyOwners lets every user who owns one player own another too.
func (t *Tx) CopyOwners(ctx context.Context, fromPlayer, toPlayer int64) error {
	rows, err := t.query(ctx, "SELECT user_id FROM user_players WHERE player_id = ?", fromPlayer)
	if err != nil {
		return fmt.Errorf("storage: copy owners: %w", err)
	}
	var users []int64
	for rows.Next() {
		var u int64
		if err := rows.Scan(&u); err != nil {
			rows.Close()
			return fmt.Errorf("storage: copy owners: %w", err)
		}
		users = append(users, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("storage: copy owners: %w", err)
	}
	for _, u := range users {
		if err := t.GrantPlayer(ctx, u, toPlayer); err != nil {
			return err
		}
	}
	return nil
}
