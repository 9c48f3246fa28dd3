//go:build function

package cli

import (
	"context"
	"flag"
	"fmt"
	"net/http"
)

// The function build (scripts/release builds it with -tags function)
// leaves out what a function never runs, to keep its zip under the
// platforms' 10 MB: the capture proxy (its own TLS authority and proxy),
// the generator and the pprof profiles. Their commands stay and say so.
// It has no SQLite engine either (storage.HasSQLite): platformArchive
// refuses an SQLite archive with what to set instead.

func proxyCmd() *cmd { return notInBuildCmd("proxy") }

func genCmd() *cmd { return notInBuildCmd("gen") }

func notInBuildCmd(name string) *cmd {
	return &cmd{
		name:  name,
		usage: func(m *messages) string { return fmt.Sprintf(m.notInBuild, name) },
		run: func(_ context.Context, c *runCtx, _ *flag.FlagSet, _ []string) int {
			fmt.Fprintf(c.Stderr, c.msg.notInBuild+"\n", name)
			return exitUsage
		},
	}
}

func debugHandler(m *messages) (http.Handler, error) {
	return nil, fmt.Errorf(m.notInBuild, "serve --debug-addr")
}
