package storage

import (
	"context"
	"testing"
	"time"
)

// TestTokenScopesDefault checks migration 0017's promise: a token stored
// the way it was before scopes (no scopes column in the INSERT, as every
// row that existed when the column was added) is an import token, 1, and
// a token stored with scopes keeps them.
func TestTokenScopesDefault(t *testing.T) {
	OpenEach(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
		err := db.Update(ctx, func(tx *Tx) error {
			pid, err := tx.EnsurePlayer(ctx, "alice", now)
			if err != nil {
				return err
			}
			if _, err := tx.exec(ctx, "INSERT INTO import_tokens (player_id, token_hash, label, created_at) VALUES (?, ?, ?, ?)", pid, "old-hash", "old", utc(now)); err != nil {
				return err
			}
			_, err = tx.AddImportToken(ctx, ImportToken{PlayerID: pid, TokenHash: "read-hash", Label: "bot", CreatedAt: now, Scopes: 2})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.View(ctx, func(tx *Tx) error {
			for hash, want := range map[string]int{"old-hash": 1, "read-hash": 2} {
				tok, err := tx.ImportTokenByHash(ctx, hash)
				if err != nil {
					return err
				}
				if tok.Scopes != want || tok.Player != "alice" {
					t.Errorf("token %s: scopes %d of %q, want %d of alice", hash, tok.Scopes, tok.Player, want)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
