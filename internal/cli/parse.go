package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"

	"github.com/maiprobe/maiprobe/internal/dxnet"
)

func parseCmd() *cmd {
	var pretty bool
	return &cmd{
		name:  "parse",
		args:  "FILE...",
		usage: func(m *messages) string { return m.parseUsage },
		flags: func(fs *flag.FlagSet, _ *runCtx) { fs.BoolVar(&pretty, "pretty", false, "") },
		run: func(ctx context.Context, c *runCtx, _ *flag.FlagSet, args []string) int {
			if len(args) == 0 {
				fmt.Fprintf(c.Stderr, c.msg.needFiles+"\n", "parse")
				return exitUsage
			}
			code := exitOK
			for _, name := range args {
				in, err := readInput(c, name)
				if err != nil {
					fmt.Fprintf(c.Stderr, "maiprobe parse: %s: %v\n", name, err)
					code = exitFail
					continue
				}
				page, err := dxnet.Parse(in.data)
				if err != nil {
					fmt.Fprintf(c.Stderr, "maiprobe parse: %s: %s\n", in.name, c.msg.explain(err))
					code = exitFail
					continue
				}
				var out []byte
				if pretty {
					out, err = json.MarshalIndent(page, "", "  ")
				} else {
					out, err = json.Marshal(page)
				}
				if err != nil {
					fmt.Fprintf(c.Stderr, "maiprobe parse: %s: %v\n", in.name, err)
					code = exitFail
					continue
				}
				fmt.Fprintf(c.Stdout, "%s\n", out)
			}
			return code
		},
	}
}
