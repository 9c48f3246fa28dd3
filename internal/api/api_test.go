package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/api"
	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/songs"
	"github.com/maiprobe/maiprobe/internal/web"
)

func parseTime(s string) (time.Time, error) { return time.Parse(time.RFC3339Nano, s) }

// world is a real server over a real archive: players made by the
// generator on CN song data (the shared diving-fish song file when
// present, else the synthetic one), and one player of real synthetic
// pages imported through the import path.
type world struct {
	t   *testing.T
	a   *archive.Archive
	srv *httptest.Server
	// tokens by name: aliceRead, aliceImport, aliceBoth, bobRead, revoked
	tokens map[string]string
	// aliceCookie is a login of alice's owner; bobCookie of bob's.
	aliceCookie, bobCookie string
}

func newWorld(t *testing.T, limits api.Limits) *world {
	t.Helper()
	ctx := context.Background()
	a, err := archive.Open(ctx, filepath.Join(t.TempDir(), "api.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	songFile := filepath.Join("..", "..", "..", "shared", "data", "songs", "divingfish-music_data.cn.json")
	if _, err := os.Stat(songFile); err != nil {
		t.Logf("shared song data absent (%v): the synthetic songs stand in", err)
		songFile = filepath.Join("..", "songs", "testdata", "synthetic-divingfish.json")
	}
	f, err := os.Open(songFile)
	if err != nil {
		t.Fatal(err)
	}
	db, err := songs.LoadDivingFish(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.SyncSongs(ctx, db); err != nil {
		t.Fatal(err)
	}
	for i, p := range []string{"alice", "bob"} {
		if _, err := a.AddUser(ctx, p, "password-"+p, p, false); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Generate(ctx, archive.GenOptions{Player: p, Plays: 120, Seed: uint64(i + 1)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.SetPublic(ctx, "bob", true); err != nil {
		t.Fatal(err)
	}
	// carol: public, from synthetic DX NET pages.
	if err := a.GrantPlayer(ctx, "bob", "carol", true); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"record-cn-mixed.html", "playlogDetail-cn-dx.html", "home-cn-2020.html"} {
		b, err := os.ReadFile(filepath.Join("..", "dxnet", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if res := a.Import(ctx, "carol", archive.Source{Name: name, Data: b, ObservedAt: time.Date(2026, 1, 2, 12, 0, 0, 0, time.UTC)}); res.Err != nil {
			t.Logf("carol: %s: %v", name, res.Err)
		}
	}
	if err := a.SetPublic(ctx, "carol", true); err != nil {
		t.Fatal(err)
	}
	// empty: alice's second player, private, without a saved page.
	if err := a.GrantPlayer(ctx, "alice", "empty", true); err != nil {
		t.Fatal(err)
	}

	w := &world{t: t, a: a, tokens: map[string]string{}}
	for name, tok := range map[string]struct {
		player string
		scope  archive.TokenScope
	}{
		"aliceRead": {"alice", archive.ScopeRead}, "aliceImport": {"alice", archive.ScopeImport}, "aliceBoth": {"alice", archive.ScopeBoth},
		"bobRead": {"bob", archive.ScopeRead}, "revoked": {"alice", archive.ScopeBoth},
	} {
		secret, it, err := a.CreateToken(ctx, tok.player, name, tok.scope)
		if err != nil {
			t.Fatal(err)
		}
		w.tokens[name] = secret
		if name == "revoked" {
			if err := a.RevokeImportToken(ctx, "alice", it.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, who := range []string{"alice", "bob"} {
		u, err := a.Authenticate(ctx, who, "password-"+who)
		if err != nil {
			t.Fatal(err)
		}
		tok, _, err := a.StartLogin(ctx, u, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if who == "alice" {
			w.aliceCookie = tok
		} else {
			w.bobCookie = tok
		}
	}
	s, err := web.New(ctx, web.Config{APILimits: limits}, a)
	if err != nil {
		t.Fatal(err)
	}
	w.srv = httptest.NewServer(s)
	t.Cleanup(w.srv.Close)
	return w
}

// cred is how a request authenticates: a token's name, "cookie:alice",
// or "" for nobody.
type answer struct {
	status int
	header http.Header
	body   []byte
	json   any
}

func (w *world) get(path, cred string) answer {
	w.t.Helper()
	req, err := http.NewRequest(http.MethodGet, w.srv.URL+path, nil)
	if err != nil {
		w.t.Fatal(err)
	}
	switch {
	case cred == "cookie:alice":
		req.AddCookie(&http.Cookie{Name: "maiprobe_session", Value: w.aliceCookie})
	case cred == "cookie:bob":
		req.AddCookie(&http.Cookie{Name: "maiprobe_session", Value: w.bobCookie})
	case strings.HasPrefix(cred, "raw:"):
		req.Header.Set("Authorization", strings.TrimPrefix(cred, "raw:"))
	case cred != "":
		tok, ok := w.tokens[cred]
		if !ok {
			w.t.Fatalf("no token %q", cred)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		w.t.Fatal(err)
	}
	ans := answer{status: res.StatusCode, header: res.Header, body: b}
	if err := json.Unmarshal(b, &ans.json); err != nil {
		w.t.Fatalf("GET %s: not JSON (%v): %.300s", path, err, b)
	}
	return ans
}

// errorCode is the code of an error answer, "" for another.
func (a answer) errorCode() string {
	m, _ := a.json.(map[string]any)
	e, _ := m["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}

// field reads a top-level field of an object answer.
func (a answer) field(name string) any {
	m, _ := a.json.(map[string]any)
	return m[name]
}

func esc(s string) string { return url.PathEscape(s) }

// parseAtFor is archive.ParseAt for a region's name.
func parseAtFor(s, region string) (time.Time, error) {
	return archive.ParseAt(s, maimai.Region(region))
}

// second starts another server on the same archive, as a second instance
// behind a load balancer would be.
func (w *world) second(t *testing.T, limits api.Limits) *world {
	s, err := web.New(context.Background(), web.Config{APILimits: limits}, w.a)
	if err != nil {
		t.Fatal(err)
	}
	w2 := *w
	w2.srv = httptest.NewServer(s)
	t.Cleanup(w2.srv.Close)
	return &w2
}
