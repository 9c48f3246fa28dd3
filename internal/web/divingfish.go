package web

import (
	"net/http"

	"github.com/maiprobe/maiprobe/internal/divingfishapi"
)

// newDivingFish builds the diving-fish-compatible endpoints
// (internal/divingfishapi) under the configured prefix, with the client's
// address as the web app resolved it and the limiter of wrong tokens the
// import and read APIs count with; nil when they are turned off.
func (s *Server) newDivingFish() http.Handler {
	if s.cfg.DivingFishPrefix == "" {
		return nil
	}
	h := divingfishapi.New(s.archive, divingfishapi.Config{
		ClientIP: func(r *http.Request) string { return state(r).IP },
		Now:      s.now,
		Logger:   s.log,
		Guard:    apiGuard{s.api.fails},
		Limits:   s.cfg.APILimits,
	})
	return http.StripPrefix(s.cfg.DivingFishPrefix, h)
}
