// Command maiprobe keeps every maimai DX NET page a player saves in a
// permanent archive. See README.md, or run `maiprobe help`.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/maiprobe/maiprobe/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], cli.Env{
		Stdin:  os.Stdin,
		Stdout: os.Stdout,
		Stderr: os.Stderr,
		Getenv: os.Getenv,
	})
	stop()
	os.Exit(code)
}
