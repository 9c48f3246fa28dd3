package capture

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/dxsite"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

// importServer is the server side of the import API as docs/proxy.md
// describes it.
type importServer struct {
	busy  int // answer the next busy requests with 429
	mu    sync.Mutex
	got   []url.Values
	pages [][]byte
}

func (s *importServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/base/api/import" {
		http.NotFound(w, r)
		return
	}
	if r.Header.Get("Authorization") != "Bearer tok-1" {
		http.Error(w, `{"error":"bad token"}`, http.StatusUnauthorized)
		return
	}
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	if s.busy > 0 {
		s.busy--
		s.mu.Unlock()
		w.Header().Set("Retry-After", "1")
		http.Error(w, `{"error":"too many requests with this token; wait and try again"}`, http.StatusTooManyRequests)
		return
	}
	s.got = append(s.got, r.URL.Query())
	s.pages = append(s.pages, body)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if bytes.Contains(body, []byte("reject-me")) {
		w.WriteHeader(http.StatusUnprocessableEntity)
		json.NewEncoder(w).Encode(RemoteResult{Name: r.URL.Query().Get("name"), Status: "rejected", Error: "misparsed"})
		return
	}
	json.NewEncoder(w).Encode(RemoteResult{Name: r.URL.Query().Get("name"), Kind: "home", Region: "cn", Status: "added"})
}

func TestRemoteFetcher(t *testing.T) {
	home := readPage(t, "home-cn-2020.html")
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c, err := r.Cookie("userId"); err != nil || c.Value != "u1" || r.URL.Path != "/maimai-mobile/home/" {
			http.Error(w, "no", http.StatusForbidden)
			return
		}
		w.Write(home)
	}))
	defer site.Close()
	srv := &importServer{}
	api := httptest.NewServer(srv)
	defer api.Close()

	sess := Session{
		Region:  maimai.CN,
		Base:    mustURL(t, "https://maimai.wahlap.com/maimai-mobile/"),
		Site:    mustURL(t, site.URL+"/maimai-mobile/"),
		Cookies: []*http.Cookie{{Name: "userId", Value: "u1"}},
	}
	var last Progress
	fetch := RemoteFetcher(&Remote{Base: api.URL + "/base/", Token: "tok-1", Player: "mai"}, FetchOptions{Only: []dxsite.Part{dxsite.PartHome}})
	rep, err := fetch(context.Background(), sess, func(p Progress) { last = p })
	if err != nil {
		t.Fatal(err)
	}
	if rep != (Report{Pages: 1, Added: 1}) || last.Pages != 1 {
		t.Errorf("report %+v, last progress %+v; want one page added", rep, last)
	}
	if len(srv.pages) != 1 || !bytes.Equal(srv.pages[0], home) {
		t.Fatalf("the server got %d pages; want the home page's exact bytes", len(srv.pages))
	}
	q := srv.got[0]
	if q.Get("player") != "mai" || q.Get("name") != site.URL+"/maimai-mobile/home/" {
		t.Errorf("query %v", q)
	}
	if at, err := time.Parse(time.RFC3339, q.Get("observed_at")); err != nil || time.Since(at) > time.Minute {
		t.Errorf("observed_at %q: %v", q.Get("observed_at"), err)
	}
}

func TestRemoteImport(t *testing.T) {
	srv := &importServer{}
	api := httptest.NewServer(srv)
	defer api.Close()
	for _, tc := range []struct {
		name, token, page, status string
		err                       error
	}{
		{"added", "tok-1", "<html>home</html>", "added", nil},
		{"after waiting", "tok-1", "<html>busy</html>", "added", nil},
		{"rejected", "tok-1", "reject-me", "rejected", nil},
		{"wrong token", "nope", "<html>", "", ErrRemote},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "after waiting" {
				srv.busy = 1
			}
			start := time.Now()
			rm := &Remote{Base: api.URL + "/base", Token: tc.token}
			res, err := rm.Import(context.Background(), "p", []byte(tc.page), time.Time{})
			if !errors.Is(err, tc.err) || res.Status != tc.status {
				t.Errorf("status %q, err %v; want %q, %v", res.Status, err, tc.status, tc.err)
			}
			if tc.name == "after waiting" && (time.Since(start) < time.Second || srv.busy != 0) {
				t.Error("the page was not sent again after the server's Retry-After")
			}
			if tc.err != nil && !strings.Contains(err.Error(), "token") {
				t.Errorf("the error does not say the token is wrong: %v", err)
			}
		})
	}
	if _, err := (&Remote{Base: "ftp://x", Token: "t"}).Import(context.Background(), "p", nil, time.Time{}); err == nil {
		t.Error("an ftp server was accepted")
	}
}
