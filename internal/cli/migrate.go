package cli

import (
	"context"
	"flag"
	"fmt"

	"github.com/maiprobe/maiprobe/internal/storage"
)

// migrateCmd is maiprobe migrate: applies the migrations the archive lacks
// and exits, for a deploy pipeline to run before it sends traffic to a new
// build. Every other command migrates on open too, under the same lock, so
// cold starts racing it are safe; this only moves the wait out of the
// first requests.
func migrateCmd() *cmd {
	return &cmd{
		name:  "migrate",
		usage: func(m *messages) string { return m.migrateUsage },
		run: func(ctx context.Context, c *runCtx, _ *flag.FlagSet, args []string) int {
			if len(args) > 0 {
				fmt.Fprintf(c.Stderr, "maiprobe migrate: unexpected argument %q\n", args[0])
				return exitUsage
			}
			if err := c.platformArchive(); err != nil {
				fmt.Fprintf(c.Stderr, "maiprobe migrate: %v\n", err)
				return exitFail
			}
			pool := storage.ServerPool
			if c.platform != "" {
				pool = functionPool
			}
			db, err := storage.OpenWith(ctx, c.cfg.DB, pool)
			if err != nil {
				fmt.Fprintf(c.Stderr, "maiprobe migrate: %v\n", err)
				return exitFail
			}
			defer db.Close()
			v, err := db.SchemaVersion(ctx)
			if err != nil {
				fmt.Fprintf(c.Stderr, "maiprobe migrate: %v\n", err)
				return exitFail
			}
			fmt.Fprintf(c.Stdout, c.msg.migrated+"\n", db.Dialect(), v)
			return exitOK
		},
	}
}
