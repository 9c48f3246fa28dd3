package archive

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/storage/storagetest"
)

func TestAccounts(t *testing.T) {
	storagetest.Run(t, func(t *testing.T, location string) {
		ctx := context.Background()
		a := openTest(t, location)
		now := testNow
		a.now = func() time.Time { return now }

		if n, err := a.CountUsers(ctx); err != nil || n != 0 {
			t.Fatalf("fresh archive: %d users, %v", n, err)
		}
		alice, err := a.AddUser(ctx, "alice", "alice-password", "default", true)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.AddUser(ctx, "mallory", "mallory-password", "default", true); !errors.Is(err, ErrNotFirstUser) {
			t.Errorf("second first user: %v, want ErrNotFirstUser", err)
		}
		if _, err := a.AddUser(ctx, "alice", "other-password", "x", false); !errors.Is(err, ErrUserExists) {
			t.Errorf("taken name: %v, want ErrUserExists", err)
		}
		if _, err := a.AddUser(ctx, "bob", "short", "bob", false); err == nil || !strings.Contains(err.Error(), "too short") {
			t.Errorf("short password: %v", err)
		}
		if _, err := a.AddUser(ctx, "bob", "bob-password", "bobs", false); err != nil {
			t.Fatal(err)
		}
		users, err := a.Users(ctx)
		if want := map[string][]string{"alice": {"default"}, "bob": {"bobs"}}; err != nil || !reflect.DeepEqual(users, want) {
			t.Errorf("Users = %v, %v; want %v", users, err, want)
		}

		t.Run("authenticate", func(t *testing.T) {
			for _, tt := range []struct {
				name, password string
				ok             bool
			}{
				{"alice", "alice-password", true},
				{"alice", "alice-passworD", false},
				{"alice", "", false},
				{"nobody", "alice-password", false},
			} {
				u, err := a.Authenticate(ctx, tt.name, tt.password)
				if tt.ok && (err != nil || u.ID != alice.ID) {
					t.Errorf("%s/%q: %v %v", tt.name, tt.password, u, err)
				}
				if !tt.ok && !errors.Is(err, ErrBadLogin) {
					t.Errorf("%s/%q: %v, want ErrBadLogin", tt.name, tt.password, err)
				}
			}
		})

		t.Run("sessions", func(t *testing.T) {
			token, s, err := a.StartLogin(ctx, alice, time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			got, err := a.LoginByToken(ctx, token)
			if err != nil || got.User.Name != "alice" || got.CSRF != s.CSRF || len(got.CSRF) < 40 {
				t.Fatalf("LoginByToken: %+v %v", got, err)
			}
			if _, err := a.LoginByToken(ctx, token+"x"); !errors.Is(err, ErrNoLogin) {
				t.Errorf("wrong token: %v", err)
			}
			now = now.Add(2 * time.Hour)
			if _, err := a.LoginByToken(ctx, token); !errors.Is(err, ErrNoLogin) {
				t.Errorf("expired token: %v", err)
			}
			token, _, _ = a.StartLogin(ctx, alice, time.Hour)
			if err := a.EndLogin(ctx, token); err != nil {
				t.Fatal(err)
			}
			if _, err := a.LoginByToken(ctx, token); !errors.Is(err, ErrNoLogin) {
				t.Errorf("after logout: %v", err)
			}
			token, _, _ = a.StartLogin(ctx, alice, time.Hour)
			if err := a.SetPassword(ctx, "alice", "new-alice-password"); err != nil {
				t.Fatal(err)
			}
			if _, err := a.LoginByToken(ctx, token); !errors.Is(err, ErrNoLogin) {
				t.Errorf("session outlived a password change: %v", err)
			}
			if _, err := a.Authenticate(ctx, "alice", "new-alice-password"); err != nil {
				t.Errorf("new password: %v", err)
			}
		})

		t.Run("visibility", func(t *testing.T) {
			for _, tt := range []struct {
				player string
				user   int64
				want   Access
			}{
				{"default", 0, Access{Exists: true}},
				{"default", alice.ID, Access{Exists: true, Owner: true}},
				{"bobs", alice.ID, Access{Exists: true}},
				{"nobody", alice.ID, Access{}},
			} {
				if got, err := a.PlayerAccess(ctx, tt.player, tt.user); err != nil || got != tt.want {
					t.Errorf("PlayerAccess(%s, %d) = %+v, %v; want %+v", tt.player, tt.user, got, err, tt.want)
				}
			}
			for _, public := range []bool{true, false, true} {
				if err := a.SetPublic(ctx, "bobs", public); err != nil {
					t.Fatal(err)
				}
				if got, _ := a.PlayerAccess(ctx, "bobs", 0); got.Public != public {
					t.Errorf("after SetPublic(%v): %+v", public, got)
				}
			}
			owned, public, err := a.VisiblePlayers(ctx, alice.ID)
			if err != nil || !reflect.DeepEqual(owned, []string{"default"}) || !reflect.DeepEqual(public, []string{"bobs"}) {
				t.Errorf("VisiblePlayers = %v, %v, %v", owned, public, err)
			}
			if err := a.SetPublic(ctx, "nobody", true); !errors.Is(err, ErrNoPlayer) {
				t.Errorf("SetPublic on a missing player: %v", err)
			}
		})
	})
}
