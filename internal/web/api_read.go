package web

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/maiprobe/maiprobe/internal/api"
	"github.com/maiprobe/maiprobe/internal/archive"
)

// newReadAPI builds the read API (internal/api) with what only the web
// app knows: the client's address, the login of the cookie and the
// limiter of wrong tokens the import API counts with.
func (s *Server) newReadAPI() *api.API {
	return api.New(api.Config{
		Archive: s.archive,
		Viewer:  s.apiViewer,
		IP:      func(r *http.Request) string { return state(r).IP },
		Guard:   apiGuard{s.api.fails},
		Now:     s.now,
		Logger:  s.log,
		Limits:  s.cfg.APILimits,
		// The base path is clean here (New checked it).
		BasePath: s.cfg.BasePath,
	})
}

// apiViewer is the user whose login cookie the request carries, 0 for
// none (or an expired one: the API does not clear cookies).
func (s *Server) apiViewer(r *http.Request) int64 {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return 0
	}
	// Version 0: the session cache is not used without the version the
	// session middleware reads, so a logout is seen at once.
	sess, err := s.lookupSession(r, c.Value, 0)
	if err != nil {
		if !errors.Is(err, archive.ErrNoLogin) {
			s.log.Warn("api: read login", "err", err)
		}
		return 0
	}
	return sess.User.ID
}

// apiGuard lends the limiter of wrong tokens to api.UseToken, for the
// import, read and diving-fish-compatible APIs alike.
type apiGuard struct{ l *limiter }

func (g apiGuard) Wait(ctx context.Context, key string) (time.Duration, bool, error) {
	return g.l.wait(ctx, key)
}
func (g apiGuard) Fail(ctx context.Context, key string) error { return g.l.fail(ctx, key) }
