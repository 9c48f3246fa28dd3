package archive

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/storage"
	"github.com/maiprobe/maiprobe/internal/storage/storagetest"
)

func testKey(t testing.TB, fill byte) *SecretKey {
	t.Helper()
	k, err := ParseSecretKey(base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{fill}, 32)))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestImportTokens(t *testing.T) {
	storagetest.Run(t, func(t *testing.T, location string) {
		ctx := context.Background()
		a := openTest(t, location)
		now := testNow
		a.now = func() time.Time { return now }
		if _, err := a.AddUser(ctx, "alice", "alice-password", "alice", false); err != nil {
			t.Fatal(err)
		}
		if _, err := a.AddUser(ctx, "bob", "bob-password", "bob", false); err != nil {
			t.Fatal(err)
		}
		if _, _, err := a.CreateImportToken(ctx, "nobody", "x"); !errors.Is(err, ErrNoPlayer) {
			t.Errorf("token for a missing player: %v, want ErrNoPlayer", err)
		}
		secret, tok, err := a.CreateImportToken(ctx, "alice", "  phone  ")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(secret, ImportTokenPrefix) || len(secret) < 40 || tok.Label != "phone" {
			t.Fatalf("token %q %+v", secret, tok)
		}
		secret2, _, err := a.CreateImportToken(ctx, "alice", "")
		if err != nil || secret2 == secret {
			t.Fatalf("second token %q %v", secret2, err)
		}

		now = now.Add(time.Hour)
		u, err := a.UseToken(ctx, secret)
		if err != nil || u.Player != "alice" || u.ID != tok.ID || !u.Scopes.Has(ScopeImport) {
			t.Fatalf("UseToken = %+v %v, want alice's import token %d", u, err, tok.ID)
		}
		for _, bad := range []string{"", secret + "x", strings.TrimPrefix(secret, ImportTokenPrefix), ImportTokenPrefix} {
			if _, err := a.UseToken(ctx, bad); !errors.Is(err, ErrBadImportToken) {
				t.Errorf("UseToken(%q) = %v, want ErrBadImportToken", bad, err)
			}
		}
		toks, err := a.ImportTokens(ctx, "alice")
		if err != nil || len(toks) != 2 {
			t.Fatalf("ImportTokens = %+v %v", toks, err)
		}
		used := toks[0]
		if used.ID != tok.ID {
			used = toks[1]
		}
		if !used.LastUsedAt.Equal(now) || used.Label != "phone" {
			t.Errorf("used token %+v, want last use %s", used, now)
		}
		if other, _ := a.ImportTokens(ctx, "bob"); len(other) != 0 {
			t.Errorf("bob sees alice's tokens: %+v", other)
		}

		// Bob cannot revoke Alice's token through his own player.
		if err := a.RevokeImportToken(ctx, "bob", tok.ID); !errors.Is(err, ErrBadImportToken) {
			t.Errorf("revoke through another player: %v", err)
		}
		if err := a.RevokeImportToken(ctx, "alice", tok.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := a.UseToken(ctx, secret); !errors.Is(err, ErrBadImportToken) {
			t.Errorf("revoked token: %v, want ErrBadImportToken", err)
		}
		if u, err := a.UseToken(ctx, secret2); err != nil || u.Player != "alice" {
			t.Errorf("other token after a revoke: %+v %v", u, err)
		}
	})
}

func TestParseSecretKey(t *testing.T) {
	raw := bytes.Repeat([]byte{7}, 32)
	for _, tt := range []struct {
		name, in string
		ok       bool
	}{
		{"std", base64.StdEncoding.EncodeToString(raw), true},
		{"url raw", base64.RawURLEncoding.EncodeToString(raw), true},
		{"spaces", " " + base64.StdEncoding.EncodeToString(raw) + "\n", true},
		{"short", base64.StdEncoding.EncodeToString(raw[:16]), false},
		{"not base64", "this is not a key at all", false},
		{"empty", "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSecretKey(tt.in)
			if (err == nil) != tt.ok {
				t.Errorf("ParseSecretKey(%q) = %v, want ok %v", tt.in, err, tt.ok)
			}
			if err != nil && !strings.Contains(err.Error(), "32 random bytes") {
				t.Errorf("message %q does not say what a key is", err)
			}
		})
	}
}

func TestSealRoundTrip(t *testing.T) {
	k := testKey(t, 1)
	plain := []byte(`{"cookie":"userId=1; _t=abc"}`)
	sealed := k.seal(plain, "alice")
	if bytes.Contains(sealed, []byte("userId")) {
		t.Fatal("sealed value holds the plaintext")
	}
	if again := k.seal(plain, "alice"); bytes.Equal(again, sealed) {
		t.Error("two seals of one value are equal: the nonce is not random")
	}
	got, err := k.open(sealed, "alice")
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("open = %q %v", got, err)
	}
	for _, tt := range []struct {
		name    string
		key     *SecretKey
		sealed  []byte
		context string
	}{
		{"other key", testKey(t, 2), sealed, "alice"},
		{"other player", k, sealed, "bob"},
		{"flipped bit", k, append(append([]byte(nil), sealed[:len(sealed)-1]...), sealed[len(sealed)-1]^1), "alice"},
		{"truncated", k, sealed[:5], "alice"},
		{"unknown version", k, append([]byte{9}, sealed[1:]...), "alice"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tt.key.open(tt.sealed, tt.context); err == nil || !strings.Contains(err.Error(), "store it again") {
				t.Errorf("open = %v, want an error that says to store the login again", err)
			}
		})
	}
}

func TestSiteLogins(t *testing.T) {
	storagetest.Run(t, func(t *testing.T, location string) {
		ctx := context.Background()
		a := openTest(t, location)
		now := testNow
		a.now = func() time.Time { return now }
		key := testKey(t, 3)
		if _, err := a.AddUser(ctx, "alice", "alice-password", "alice", false); err != nil {
			t.Fatal(err)
		}
		if _, err := a.AddUser(ctx, "bob", "bob-password", "bob", false); err != nil {
			t.Fatal(err)
		}
		cookie := "userId=1234567890; _t=0123456789abcdef0123456789abcdef"
		cn := SiteLogin{Region: maimai.CN, Cookie: cookie}

		for _, tt := range []struct {
			name  string
			key   *SecretKey
			login SiteLogin
			every time.Duration
			want  string
		}{
			{"no key", nil, cn, time.Hour, "MAIPROBE_SECRET_KEY"},
			{"cookie without _t", key, SiteLogin{Region: maimai.CN, Cookie: "userId=1"}, time.Hour, "_t="},
			{"intl without password", key, SiteLogin{Region: maimai.Intl, SegaID: "sega"}, time.Hour, "password"},
			{"no region", key, SiteLogin{Cookie: cookie}, time.Hour, "region"},
			{"minutes", key, cn, 90 * time.Minute, "whole hours"},
			{"too long", key, cn, 30 * 24 * time.Hour, "whole hours"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				err := a.StoreSiteLogin(ctx, tt.key, "alice", tt.login, tt.every)
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("StoreSiteLogin = %v, want an error saying %q", err, tt.want)
				}
			})
		}
		if _, err := a.SiteLoginStatus(ctx, "alice"); !errors.Is(err, ErrNoSiteLogin) {
			t.Errorf("status before storing: %v, want ErrNoSiteLogin", err)
		}

		if err := a.StoreSiteLogin(ctx, key, "alice", cn, 6*time.Hour); err != nil {
			t.Fatal(err)
		}
		if err := a.StoreSiteLogin(ctx, key, "bob", SiteLogin{Region: maimai.Intl, SegaID: "bob-sega", Password: "bob-sega-password"}, 0); err != nil {
			t.Fatal(err)
		}
		got, err := a.OpenSiteLogin(ctx, key, "alice")
		if err != nil || got != cn {
			t.Fatalf("OpenSiteLogin = %+v %v, want %+v", got, err, cn)
		}
		if _, err := a.OpenSiteLogin(ctx, testKey(t, 4), "alice"); err == nil || !strings.Contains(err.Error(), "was the key changed") {
			t.Errorf("open with another key: %v", err)
		}

		t.Run("no plaintext in the database", func(t *testing.T) {
			err := a.db.View(ctx, func(tx *storage.Tx) error {
				for _, p := range []string{"alice", "bob"} {
					pid, err := tx.PlayerID(ctx, p)
					if err != nil {
						return err
					}
					l, err := tx.SiteLoginOf(ctx, pid)
					if err != nil {
						return err
					}
					for _, secret := range []string{cookie, "0123456789abcdef", "bob-sega", "bob-sega-password"} {
						if bytes.Contains(l.Sealed, []byte(secret)) {
							t.Errorf("%s's stored row holds %q in clear", p, secret)
						}
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(location, "://") {
				return
			}
			// SQLite: nothing in the file or its write-ahead log either.
			for _, f := range []string{location, location + "-wal"} {
				b, err := os.ReadFile(f)
				if errors.Is(err, os.ErrNotExist) {
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				for _, secret := range []string{"0123456789abcdef", "bob-sega-password"} {
					if bytes.Contains(b, []byte(secret)) {
						t.Errorf("%s holds %q in clear", filepath.Base(f), secret)
					}
				}
			}
		})

		st, err := a.SiteLoginStatus(ctx, "alice")
		if err != nil {
			t.Fatal(err)
		}
		if st.Region != maimai.CN || st.Every != 6*time.Hour || !st.Enabled || !st.NextRunAt.Equal(now) || !st.LastRunAt.IsZero() {
			t.Errorf("status %+v", st)
		}
		due, err := a.DueSiteLogins(ctx, now)
		if err != nil || len(due) != 1 || due[0].Player != "alice" {
			t.Fatalf("due = %+v %v, want alice only (bob has no schedule)", due, err)
		}

		ran := now
		now = now.Add(time.Minute)
		if err := a.RecordSiteLoginRun(ctx, "alice", ran, "3 pages added", nil); err != nil {
			t.Fatal(err)
		}
		st, _ = a.SiteLoginStatus(ctx, "alice")
		if !st.NextRunAt.Equal(ran.Add(6*time.Hour)) || st.LastResult != "3 pages added" || st.LastError != "" || !st.Enabled {
			t.Errorf("after a good run: %+v", st)
		}
		if due, _ := a.DueSiteLogins(ctx, now); len(due) != 0 {
			t.Errorf("due right after a run: %+v", due)
		}
		if due, _ := a.DueSiteLogins(ctx, ran.Add(6*time.Hour)); len(due) != 1 {
			t.Errorf("due after the period: %+v", due)
		}

		// A passing failure keeps the schedule; an expired login stops it.
		if err := a.RecordSiteLoginRun(ctx, "alice", now, "", errors.New("site: connection reset")); err != nil {
			t.Fatal(err)
		}
		st, _ = a.SiteLoginStatus(ctx, "alice")
		if !st.Enabled || st.LastError != "site: connection reset" || !st.NextRunAt.Equal(now.Add(6*time.Hour)) {
			t.Errorf("after a network error: %+v", st)
		}
		if err := a.RecordSiteLoginRun(ctx, "alice", now, "", fmt.Errorf("dxsite: %w", ErrSiteLoginExpired)); err != nil {
			t.Fatal(err)
		}
		st, _ = a.SiteLoginStatus(ctx, "alice")
		if st.Enabled || !st.NextRunAt.IsZero() || !strings.Contains(st.LastError, "log in again") {
			t.Errorf("after an expired session: %+v", st)
		}
		if due, _ := a.DueSiteLogins(ctx, now.Add(1000*time.Hour)); len(due) != 0 {
			t.Errorf("a disabled login is due: %+v", due)
		}
		if err := a.RunSiteLoginNow(ctx, "bob"); err != nil {
			t.Fatal(err)
		}
		if due, _ := a.DueSiteLogins(ctx, now); len(due) != 1 || due[0].Player != "bob" {
			t.Errorf("due after run now: %+v", due)
		}

		// A rotated cookie replaces the stored one and keeps the rest.
		rotated := "userId=1234567890; _t=fedcba9876543210fedcba9876543210"
		if err := a.UpdateSiteLoginCookie(ctx, key, "alice", rotated); err != nil {
			t.Fatal(err)
		}
		if got, err := a.OpenSiteLogin(ctx, key, "alice"); err != nil || got.Cookie != rotated {
			t.Errorf("after rotation: %+v %v", got, err)
		}
		if st2, _ := a.SiteLoginStatus(ctx, "alice"); st2.Enabled || !strings.Contains(st2.LastError, "log in again") {
			t.Errorf("rotation changed the status: %+v", st2)
		}

		// Storing a new login enables it again.
		if err := a.StoreSiteLogin(ctx, key, "alice", cn, time.Hour); err != nil {
			t.Fatal(err)
		}
		st, _ = a.SiteLoginStatus(ctx, "alice")
		if !st.Enabled || st.LastError != "" || !st.NextRunAt.Equal(now) {
			t.Errorf("after storing again: %+v", st)
		}
		if err := a.ForgetSiteLogin(ctx, "alice"); err != nil {
			t.Fatal(err)
		}
		if _, err := a.SiteLoginStatus(ctx, "alice"); !errors.Is(err, ErrNoSiteLogin) {
			t.Errorf("after forgetting: %v", err)
		}
	})
}

// TestTokenScopes: a token is made with the scopes asked for, and UseToken
// reports them for the caller to check.
func TestTokenScopes(t *testing.T) {
	storagetest.Run(t, func(t *testing.T, location string) {
		ctx := context.Background()
		a := openTest(t, location)
		if _, err := a.AddUser(ctx, "alice", "alice-password", "alice", false); err != nil {
			t.Fatal(err)
		}
		if _, _, err := a.CreateToken(ctx, "alice", "x", 0); err == nil {
			t.Error("a token with no scope was made")
		}
		if _, _, err := a.CreateToken(ctx, "alice", "x", 4); err == nil {
			t.Error("a token with an unknown scope was made")
		}
		for _, scope := range []TokenScope{ScopeImport, ScopeRead, ScopeBoth} {
			secret, tok, err := a.CreateToken(ctx, "alice", scope.String(), scope)
			if err != nil || tok.Scopes != scope {
				t.Fatalf("CreateToken(%s) = %+v %v", scope, tok, err)
			}
			u, err := a.UseToken(ctx, secret)
			if err != nil || u.Player != "alice" || u.Scopes != scope || u.ID != tok.ID {
				t.Errorf("UseToken(%s) = %+v %v", scope, u, err)
			}
			if got, err := ParseTokenScope(scope.String()); err != nil || got != scope {
				t.Errorf("ParseTokenScope(%s) = %v %v", scope, got, err)
			}
		}
		toks, err := a.ImportTokens(ctx, "alice")
		if err != nil || len(toks) != 3 {
			t.Fatalf("ImportTokens = %+v %v", toks, err)
		}
		for _, tok := range toks {
			if tok.Label != tok.Scopes.String() {
				t.Errorf("token %q listed with scopes %s", tok.Label, tok.Scopes)
			}
		}
		if _, err := ParseTokenScope("admin"); err == nil {
			t.Error("ParseTokenScope(admin) passed")
		}
		if !ScopeBoth.Has(ScopeRead) || ScopeImport.Has(ScopeRead) || ScopeRead.Has(0) {
			t.Error("TokenScope.Has is wrong")
		}
	})
}
