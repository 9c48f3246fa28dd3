package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
)

// Cookie names.
const (
	sessionCookie = "maiprobe_session"
	csrfCookie    = "maiprobe_csrf" // the CSRF token of a visitor not logged in
)

// csrfField is the form field every form carries the token in.
const csrfField = "csrf"

// maxFormBody caps every request body but a logged-in browser's file
// upload: no form of the app without files comes near it.
const maxFormBody = 64 << 10

func newToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand panics instead)
	return base64.RawURLEncoding.EncodeToString(b)
}

// cookiePath scopes the app's cookies to its base path, so two apps
// under /release and /test of one host keep apart.
func (s *Server) cookiePath() string { return s.cfg.BasePath + "/" }

func (s *Server) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: s.cookiePath(), MaxAge: maxAge,
		HttpOnly: true, Secure: state(r).Scheme == "https", SameSite: http.SameSiteLaxMode,
	})
}

// session finds the login of the request's cookie; a visitor without one
// gets a CSRF token of their own for the login and setup forms.
func (s *Server) session(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := state(r)
		// The archive's version, read before anything of the archive, is
		// what the session and page caches check their entries against.
		if v, err := s.archive.Version(r.Context()); err == nil {
			st.version = v
		} else {
			s.log.Warn("read archive version", "err", err)
		}
		if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
			sess, err := s.lookupSession(r, c.Value, st.version)
			switch {
			case err == nil:
				st.Session = &sess
				st.sessionKey = sessionKey(c.Value)
			case errors.Is(err, archive.ErrNoLogin):
				s.setCookie(w, r, sessionCookie, "", -1)
			default:
				s.failErr(w, r, err)
				return
			}
		}
		if st.Session == nil {
			if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 32 {
				st.anonCSRF = c.Value
			} else {
				st.anonCSRF, st.anonNew = newToken(), true
				s.setCookie(w, r, csrfCookie, st.anonCSRF, 0)
			}
		}
		next.ServeHTTP(w, r)
	})
}

// sessionCacheTTL bounds how long a cached login is believed without asking
// the archive again; a logout or password change anywhere also changes the
// archive's version, which ends the cached entry at once.
const sessionCacheTTL = time.Minute

// maxCachedSessions bounds the session cache; when it is full it starts
// afresh.
const maxCachedSessions = 10000

// cachedSession is a login found by its cookie, under the archive version
// it was read at.
type cachedSession struct {
	sess    archive.LoginSession
	version int64
	read    time.Time
}

// sessionCache keeps the logins of recent requests, so a page view does
// not read the sessions and users tables again while nothing was written.
type sessionCache struct {
	mu sync.Mutex
	m  map[string]cachedSession // by sessionKey of the cookie's token
}

// sessionKey is what the caches know a login by: a hash of its cookie's
// token, so no token is kept in memory longer than its request.
func sessionKey(token string) string {
	sum := sha256.Sum256([]byte(token))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// lookupSession returns the login of a cookie's token: from the cache
// when it was read at the same archive version within sessionCacheTTL and has
// not expired, else from the archive.
func (s *Server) lookupSession(r *http.Request, token string, version int64) (archive.LoginSession, error) {
	key, now := sessionKey(token), s.now()
	if version != 0 {
		s.loginCache.mu.Lock()
		c, ok := s.loginCache.m[key]
		s.loginCache.mu.Unlock()
		if ok && c.version == version && now.Sub(c.read) < sessionCacheTTL && now.Before(c.sess.ExpiresAt) {
			return c.sess, nil
		}
	}
	sess, err := s.archive.LoginByToken(r.Context(), token)
	if err != nil || version == 0 {
		s.forgetSession(token)
		return sess, err
	}
	s.loginCache.mu.Lock()
	if s.loginCache.m == nil || len(s.loginCache.m) >= maxCachedSessions {
		s.loginCache.m = map[string]cachedSession{}
	}
	s.loginCache.m[key] = cachedSession{sess: sess, version: version, read: now}
	s.loginCache.mu.Unlock()
	return sess, nil
}

// forgetSession drops a token's login from the cache (logout).
func (s *Server) forgetSession(token string) {
	s.loginCache.mu.Lock()
	delete(s.loginCache.m, sessionKey(token))
	s.loginCache.mu.Unlock()
}

// csrf refuses every request that could change something (any method but
// GET, HEAD and OPTIONS) unless it comes from this app's own pages: the
// browser's Sec-Fetch-Site or Origin must say same origin, and the form
// must carry the session's token.
func (s *Server) csrf(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		}
		st := state(r)
		if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
			s.fail(w, r, http.StatusForbidden, "error.csrf")
			return
		}
		if o := r.Header.Get("Origin"); o != "" && o != st.origin() {
			s.fail(w, r, http.StatusForbidden, "error.csrf")
			return
		}
		want := st.anonCSRF
		if st.Session != nil {
			want = st.Session.CSRF
		}
		// Reading the form reads the body, before the token can be
		// checked, so the body is bounded first: --max-upload only for a
		// logged-in browser sending files (the import page), maxFormBody
		// for every other form and for anyone not logged in — a login
		// form is a few hundred bytes, and an anonymous client must not
		// make the server hold or spool 64 MB. Multipart forms are parsed
		// here too, so their handlers find r.MultipartForm ready.
		multipart := strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data")
		limit := s.cfg.MaxUpload
		if !multipart || st.Session == nil {
			limit = min(limit, maxFormBody)
		}
		st.bodyLimit = limit
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		var err error
		if multipart {
			err = r.ParseMultipartForm(32 << 20)
		} else {
			err = r.ParseForm()
		}
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			s.tooLarge(w, r)
			return
		case isTimeout(err):
			// The body stalled or trickled (Config.BodyTimeout): the
			// connection is closed after this answer.
			w.Header().Set("Connection", "close")
			s.fail(w, r, http.StatusRequestTimeout, "error.timeout")
			return
		}
		if r.MultipartForm != nil {
			// Files over the 32 MB kept in memory went to temporary files.
			// net/http removes them only for the request it made, and
			// this is a copy (the state, the base path), so the parser
			// cleans up.
			defer r.MultipartForm.RemoveAll()
		}
		got := r.Header.Get("X-CSRF-Token")
		if got == "" {
			got = r.PostFormValue(csrfField)
		}
		if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
			s.fail(w, r, http.StatusForbidden, "error.csrf")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// canView lets through viewers of the {player} of the path: anyone for a
// public player, its owners for a private one. Others are sent to log in
// (anonymous) or refused (logged in as someone else).
func (s *Server) canView(h http.HandlerFunc) http.HandlerFunc {
	return s.checkPlayer(h, false)
}

// canChange lets through only the owners of the {player} of the path:
// importing, settings and every other change.
func (s *Server) canChange(h http.HandlerFunc) http.HandlerFunc {
	return s.checkPlayer(h, true)
}

func (s *Server) checkPlayer(h http.HandlerFunc, change bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		st := state(r)
		acc, err := s.archive.PlayerAccess(r.Context(), r.PathValue("player"), st.userID())
		if err != nil {
			s.failErr(w, r, err)
			return
		}
		st.access = acc
		switch {
		case !acc.Exists:
			s.notFound(w, r)
		case acc.Owner, acc.Public && !change:
			h(w, r)
		case st.Session == nil && (r.Method == http.MethodGet || r.Method == http.MethodHead):
			s.redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()))
		default:
			s.fail(w, r, http.StatusForbidden, "error.forbidden")
		}
	}
}

// limiter slows down password guessing: after a few failures for one key
// (an IP address or a user name) each further try must wait, twice as
// long each time, up to an hour. The failures are counted in the archive's
// database, so every server on it limits alike (docs/web.md).
type limiter struct {
	a   *archive.Archive
	now func() time.Time
}

// Limiter settings: free tries, then a wait starting at base.
const (
	freeTries  = 5
	baseWait   = 30 * time.Second
	maxWait    = time.Hour
	forgetTime = 24 * time.Hour
)

func newLimiter(a *archive.Archive, now func() time.Time) *limiter {
	return &limiter{a: a, now: now}
}

// lockout is the rule: how long after its last failure a key with n
// failures must wait before its next try (0: no wait).
func lockout(n int) time.Duration {
	if n < freeTries {
		return 0
	}
	return min(baseWait<<min(n-freeTries, 7), maxWait)
}

// wait says how long the caller must still wait before trying any of keys
// again (0: go ahead), and whether any key has failures to forget after a
// success.
func (l *limiter) wait(ctx context.Context, keys ...string) (time.Duration, bool, error) {
	fs, err := l.a.FailedTries(ctx, keys...)
	if err != nil {
		return 0, false, err
	}
	now := l.now()
	var longest time.Duration
	for _, f := range fs {
		if now.Sub(f.Last) > forgetTime {
			continue
		}
		if left := f.Last.Add(lockout(f.N)).Sub(now); left > longest {
			longest = left
		}
	}
	return longest, len(fs) > 0, nil
}

// fail counts a failed try against keys.
func (l *limiter) fail(ctx context.Context, keys ...string) error {
	return l.a.CountFailedTry(ctx, l.now(), forgetTime, keys...)
}

// succeed forgets the failures of keys.
func (l *limiter) succeed(ctx context.Context, keys ...string) error {
	return l.a.ForgetFailedTries(ctx, keys...)
}
