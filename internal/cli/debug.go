//go:build !function

package cli

import (
	"net/http"
	"net/http/pprof"
)

// debugHandler is net/http/pprof on a mux of its own: the index and every
// named profile (heap, allocs, goroutine, block, mutex, threadcreate), the
// CPU profile, the execution trace, the command line and symbols.
func debugHandler(*messages) (http.Handler, error) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("POST /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	return mux, nil
}
