package web

import (
	"bytes"
	"container/list"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The response cache keeps the pages the app rendered, already
// compressed, so the same page asked again is a map lookup and a write:
// no query of the archive, no template, no compression. An entry is keyed
// by everything a page depends on: the archive's version (read from the
// database on every request, so an import by any process makes the next
// request fresh), the viewer (the login session, whose name and CSRF
// token the page carries, or "anonymous"), the language, the external
// origin, the encoding and the method, path and query. Pages that show
// the clock ("3 days ago", the default date of ?at=) are right within
// pageTTL. docs/web.md, "The response cache".

// DefaultPageCacheBytes is the response cache's size when
// Config.PageCacheBytes is 0.
const DefaultPageCacheBytes = 32 << 20

// pageTTL is how long a cached page is served: a bound on how stale what
// depends on the clock, not on the archive, may be.
const pageTTL = 30 * time.Second

// pageEntry is one cached response.
type pageEntry struct {
	key    string
	header http.Header // the page's own headers: type, encoding, Vary, Cache-Control, ETag
	body   []byte
	etag   string
	stored time.Time
	elem   *list.Element
}

func (e *pageEntry) size() int64 { return int64(len(e.body) + len(e.key) + 512) }

// flight is a page being rendered; requests for the same key wait for it
// instead of rendering it again.
type flight struct {
	done  chan struct{}
	entry *pageEntry // nil: the response could not be cached
}

// pageCache is a byte-bounded LRU of rendered pages.
type pageCache struct {
	max int64
	now func() time.Time

	mu      sync.Mutex
	size    int64
	lru     list.List // front: the most recently used
	entries map[string]*pageEntry
	flights map[string]*flight
}

func newPageCache(max int64, now func() time.Time) *pageCache {
	return &pageCache{max: max, now: now, entries: map[string]*pageEntry{}, flights: map[string]*flight{}}
}

// get returns the fresh entry of key, or, when none, either a flight to
// wait for (someone else renders it) or lead set (the caller renders it
// and must call finish).
func (c *pageCache) get(key string) (e *pageEntry, wait *flight, lead bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[key]; ok {
		if c.now().Sub(e.stored) < pageTTL {
			c.lru.MoveToFront(e.elem)
			return e, nil, false
		}
		c.remove(e)
	}
	if f, ok := c.flights[key]; ok {
		return nil, f, false
	}
	c.flights[key] = &flight{done: make(chan struct{})}
	return nil, nil, true
}

// finish ends the caller's flight for key, storing e (nil: nothing to
// keep) and waking the requests that waited for it.
func (c *pageCache) finish(key string, e *pageEntry) {
	c.mu.Lock()
	f := c.flights[key]
	delete(c.flights, key)
	if e != nil && e.size() <= c.max/8 {
		if old, ok := c.entries[key]; ok {
			c.remove(old)
		}
		e.elem = c.lru.PushFront(e)
		c.entries[key] = e
		c.size += e.size()
		for c.size > c.max {
			c.remove(c.lru.Back().Value.(*pageEntry))
		}
	}
	c.mu.Unlock()
	if f != nil {
		f.entry = e
		close(f.done)
	}
}

func (c *pageCache) remove(e *pageEntry) {
	c.lru.Remove(e.elem)
	delete(c.entries, e.key)
	c.size -= e.size()
}

// len is the number of cached pages (for tests).
func (c *pageCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// cachePages serves GET requests from the response cache, and renders
// and keeps the ones that miss. It sits after the session (the viewer is
// part of the key) and outside compression (the compressed bytes are
// kept, one entry per encoding). A response is kept only when render
// marked it a page (200, a template, no anonymous visitor's own CSRF
// token) and it sets no cookie of its own.
func (s *Server) cachePages(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := state(r)
		// A first visit's CSRF cookie (the session middleware set it) does
		// not stop the cache: a page that carries the token is not kept
		// (render), and a kept page is served with the visitor's own cookie.
		cookies := len(w.Header().Values("Set-Cookie"))
		if st.anonNew {
			cookies--
		}
		if s.pageCache == nil || r.Method != http.MethodGet || st.version == 0 || cookies > 0 || r.Header.Get("Range") != "" {
			next.ServeHTTP(w, r)
			return
		}
		viewer := "anonymous"
		if st.Session != nil {
			viewer = "session " + st.sessionKey
		}
		key := strings.Join([]string{strconv.FormatInt(st.version, 10), viewer, st.Lang, st.origin(),
			negotiate(r.Header.Get("Accept-Encoding")), r.URL.RequestURI()}, "\x00")
		for {
			e, f, lead := s.pageCache.get(key)
			if e != nil {
				serveEntry(w, r, e)
				return
			}
			if lead {
				break
			}
			select {
			case <-f.done:
			case <-r.Context().Done():
				return
			}
			if f.entry != nil {
				serveEntry(w, r, f.entry)
				return
			}
			// The response that was rendered could not be shared (an error,
			// a cookie): render this one.
			next.ServeHTTP(w, r)
			return
		}
		rec := &pageRecorder{header: http.Header{}, status: http.StatusOK}
		var e *pageEntry
		defer func() { s.pageCache.finish(key, e) }()
		next.ServeHTTP(rec, r)
		if rec.status == http.StatusOK && st.page && len(rec.header.Values("Set-Cookie")) == 0 {
			sum := sha256.Sum256(rec.body.Bytes())
			e = &pageEntry{key: key, header: rec.header, body: rec.body.Bytes(), stored: s.now(),
				etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`}
			e.header.Set("ETag", e.etag)
			serveEntry(w, r, e)
			return
		}
		h := w.Header()
		for k, v := range rec.header {
			h[k] = v
		}
		w.WriteHeader(rec.status)
		w.Write(rec.body.Bytes())
	})
}

// serveEntry writes a cached page, or 304 when the browser has it.
func serveEntry(w http.ResponseWriter, r *http.Request, e *pageEntry) {
	h := w.Header()
	for k, v := range e.header {
		h[k] = v
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatch(inm, e.etag) {
		h.Del("Content-Type")
		h.Del("Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(e.body)))
	w.WriteHeader(http.StatusOK)
	w.Write(e.body)
}

// etagMatch reports whether an If-None-Match header names etag (weak
// comparison, as RFC 9110 asks for If-None-Match).
func etagMatch(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

// pageRecorder holds a response while it is rendered, for the cache.
type pageRecorder struct {
	header http.Header
	status int
	wrote  bool
	body   bytes.Buffer
}

func (p *pageRecorder) Header() http.Header { return p.header }

func (p *pageRecorder) WriteHeader(code int) {
	if !p.wrote {
		p.status, p.wrote = code, true
	}
}

func (p *pageRecorder) Write(b []byte) (int, error) {
	p.wrote = true
	return p.body.Write(b)
}
