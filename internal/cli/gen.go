//go:build !function

package cli

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
)

// genCmd is maiprobe gen: a made-up but realistic archive for trying the
// web app and for benchmarks. Its output depends on its flags only, so a
// rerun after an interruption completes the archive instead of adding
// shifted copies.
func genCmd() *cmd {
	var plays int
	var seed uint64
	var endFlag string
	var details int
	var hide float64
	return &cmd{
		name:  "gen",
		usage: func(m *messages) string { return m.genUsage },
		flags: func(fs *flag.FlagSet, _ *runCtx) {
			fs.IntVar(&plays, "plays", 10000, "")
			fs.Uint64Var(&seed, "seed", 1, "")
			fs.StringVar(&endFlag, "end", archive.GenDefaultEnd.Format(time.DateOnly), "")
			fs.IntVar(&details, "details", 12, "")
			fs.Float64Var(&hide, "hide-constants", 0, "")
		},
		run: func(ctx context.Context, c *runCtx, _ *flag.FlagSet, args []string) int {
			if plays <= 0 || len(args) > 0 || details <= 0 || hide < 0 || hide > 1 {
				fmt.Fprintln(c.Stderr, c.msg.genArgs)
				return exitUsage
			}
			end, ok := parseGenEnd(endFlag)
			if !ok {
				fmt.Fprintf(c.Stderr, c.msg.genEndBad+"\n", endFlag)
				return exitUsage
			}
			// The clock only checks the flag: the plays must pass the
			// import's rule that nothing happened in the future.
			if end.After(c.Now()) {
				fmt.Fprintf(c.Stderr, c.msg.genEndFuture+"\n", end.Format(time.RFC3339))
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
			rep, err := a.Generate(ctx, archive.GenOptions{Player: c.cfg.Player, Plays: plays, Seed: seed, End: end,
				DetailEvery: details, HideConstants: hide,
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
			if rep.RealCharts > 0 {
				fmt.Fprintf(c.Stdout, c.msg.genCharts+"\n", rep.RealCharts)
			} else {
				fmt.Fprintln(c.Stdout, c.msg.genMadeUp)
			}
			if len(rep.Hidden) > 0 {
				fmt.Fprintf(c.Stdout, genHiddenText[c.msg == zh]+"\n", len(rep.Hidden))
			}
			if rep.Stored > 0 {
				fmt.Fprintf(c.Stdout, c.msg.genStored+"\n", rep.Stored, rep.Pages)
			}
			return exitOK
		},
	}
}

// genHiddenText says how many constants --hide-constants hid.
var genHiddenText = map[bool]string{
	true:  "歌曲数据忘掉了 %d 个谱面的定数（maiprobe constants 从游玩推算）",
	false: "the song data forgot the constants of %d charts (maiprobe constants learns them from the plays)",
}

// parseGenEnd reads --end: a date (midnight UTC) or an RFC 3339 time.
func parseGenEnd(s string) (time.Time, bool) {
	for _, layout := range []string{time.DateOnly, time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
