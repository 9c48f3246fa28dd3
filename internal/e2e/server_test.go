package e2e

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/fixtures"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/songs"
	"github.com/maiprobe/maiprobe/internal/web"
)

// The owner every scenario creates through the first-run setup page.
const (
	ownerName     = "owner"
	ownerPassword = "correct horse battery"
	playerName    = "default"
)

// server is the real web app over a fresh SQLite archive, listening on
// a loopback port.
type server struct {
	// Origin is http://127.0.0.1:port; App is Origin plus the base path.
	Origin, App string
	web         *web.Server
	archive     *archive.Archive
}

// startServer runs web.New(cfg) on 127.0.0.1:0 until the test ends.
func startServer(t *testing.T, cfg web.Config) *server {
	t.Helper()
	ctx := context.Background()
	a, err := archive.Open(ctx, filepath.Join(t.TempDir(), "maiprobe.db"))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Logger = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelError}))
	app, err := web.New(ctx, cfg, a)
	if err != nil {
		a.Close()
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		a.Close()
		t.Fatal(err)
	}
	srv := &http.Server{Handler: app, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() {
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shut)
		a.Close()
	})
	origin := "http://" + ln.Addr().String()
	return &server{Origin: origin, App: origin + app.BasePath(), web: app, archive: a}
}

// testWriter sends the server's error log to the test log, so a 500
// comes with its reason.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Logf("server: %s", b)
	return len(b), nil
}

// setupOwner creates the owner through the one-time setup page the
// server's log points to, and returns with tb logged in as the owner.
func setupOwner(t *testing.T, tb *tab, s *server, origin string) {
	t.Helper()
	p := s.web.SetupPath()
	if p == "" {
		t.Fatal("setup: a fresh archive has no setup path")
	}
	tb.open(origin+p, http.StatusOK)
	tb.wantText("setup page", "First-run setup")
	tb.fill(`form input[name=name]`, ownerName)
	tb.fill(`form input[name=password]`, ownerPassword)
	tb.fill(`form input[name=password2]`, ownerPassword)
	tb.fill(`form input[name=player]`, playerName)
	tb.submit(`form[action$="/setup"]`, http.StatusOK)
	if got, want := tb.path(), s.web.BasePath()+"/p/"+playerName+"/settings"; got != want {
		t.Fatalf("setup: ended at %s, want %s", got, want)
	}
	tb.checkClean("setup")
	if s.web.SetupPath() != "" {
		t.Error("setup: the setup path still works after the first user was made")
	}
}

// login logs tb in through the login form at origin+base.
func login(t *testing.T, tb *tab, origin, base string) {
	t.Helper()
	tb.open(origin+base+"/login", http.StatusOK)
	tb.fill(`form[action$="/login"] input[name=name]`, ownerName)
	tb.fill(`form[action$="/login"] input[name=password]`, ownerPassword)
	tb.submit(`form[action$="/login"]`, http.StatusOK)
	if got, want := tb.path(), base+"/p/"+playerName+"/"; got != want {
		t.Fatalf("login: ended at %s, want the owner's overview %s", got, want)
	}
}

// logout logs tb out with the header's button.
func logout(t *testing.T, tb *tab) {
	t.Helper()
	tb.submit(`form[action$="/logout"]`, http.StatusOK)
}

// tlsProxy is a TLS-terminating reverse proxy on its own loopback port in
// front of backend, as a real deployment has: it sets X-Forwarded-For,
// X-Forwarded-Host (the host the browser asked for) and
// X-Forwarded-Proto: https, and talks plain HTTP to the backend, whose
// Host header is the backend's own address.
func tlsProxy(t *testing.T, backend string) *httptest.Server {
	t.Helper()
	target, err := url.Parse(backend)
	if err != nil {
		t.Fatal(err)
	}
	rp := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(target)
			r.SetXForwarded()
		},
	}
	p := httptest.NewTLSServer(rp)
	t.Cleanup(p.Close)
	return p
}

// noRedirects is a client that trusts the TLS proxy's certificate and
// shows redirects instead of following them.
func noRedirects(p *httptest.Server) *http.Client {
	c := p.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c
}

// get fetches u with c and returns the response with its body read.
func get(t *testing.T, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// syncSongs loads the CN song data of ../shared into the server's archive
// (the test skips without it, fails in CI), so the B50, targets and plates
// have charts.
func syncSongs(t *testing.T, s *server) {
	t.Helper()
	ctx := context.Background()
	db, err := songs.Open(ctx, fixtures.Shared(t, "data/songs/divingfish-music_data.cn.json"), maimai.CN)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.archive.SyncSongs(ctx, db); err != nil {
		t.Fatal(err)
	}
}
