package cli

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
)

// genCmd is maiprobe gen: a made-up but realistic archive for trying the
// web app and for benchmarks.
func genCmd() *cmd {
	var plays int
	var seed uint64
	return &cmd{
		name:  "gen",
		usage: func(m *messages) string { return m.genUsage },
		flags: func(fs *flag.FlagSet, _ *runCtx) {
			fs.IntVar(&plays, "plays", 10000, "")
			fs.Uint64Var(&seed, "seed", 1, "")
		},
		run: func(ctx context.Context, c *runCtx, _ *flag.FlagSet, args []string) int {
			if plays <= 0 || len(args) > 0 {
				fmt.Fprintln(c.Stderr, c.msg.genArgs)
				return exitUsage
			}
			a, err := openArchive(ctx, c)
			if err != nil {
				fmt.Fprintf(c.Stderr, "maiprobe gen: %v\n", err)
				return exitFail
			}
			defer a.Close()
			start := c.Now()
			last := start
			rep, err := a.Generate(ctx, archive.GenOptions{Player: c.cfg.Player, Plays: plays, Seed: seed,
				End: c.Now().Add(-time.Hour),
				Progress: func(n int) {
					if now := c.Now(); now.Sub(last) >= 5*time.Second {
						last = now
						fmt.Fprintf(c.Stderr, c.msg.genProgress+"\n", n, plays)
					}
				}})
			if err != nil {
				fmt.Fprintf(c.Stderr, "maiprobe gen: %v\n", err)
				return exitFail
			}
			fmt.Fprintf(c.Stdout, c.msg.generated+"\n", c.cfg.Player, rep.Plays, rep.Details, rep.Snapshots, rep.Photos, rep.Pages,
				c.Now().Sub(start).Round(time.Second))
			return exitOK
		},
	}
}
