// Command release is scripts/release: it writes dist/maiprobe_linux_amd64.zip
// and dist/maiprobe_linux_arm64.zip, each holding the function build of
// maiprobe as bootstrap (AWS Lambda) and deploy/scf/scf_bootstrap (Tencent
// SCF), and fails when a zip reaches 10 MB. With --check it writes them to
// a temporary folder instead and only reports.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"

	"github.com/maiprobe/maiprobe/internal/release"
)

func main() {
	check := flag.Bool("check", false, "build and check the zips in a temporary folder; leave dist/ alone")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: scripts/release [--check]\n\n"+
			"Builds dist/maiprobe_linux_amd64.zip and dist/maiprobe_linux_arm64.zip (bootstrap + scf_bootstrap)\n"+
			"and fails when one reaches 10 MB. 构建两个函数部署包，超过 10 MB 时失败。")
		flag.PrintDefaults()
	}
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *check); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(ctx context.Context, check bool) error {
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	scf := filepath.Join(root, "deploy", "scf", "scf_bootstrap")
	if _, err := os.Stat(scf); err != nil {
		return fmt.Errorf("release: the SCF start script: %w (run scripts/release from the repository)", err)
	}
	dist := filepath.Join(root, "dist")
	if check {
		if dist, err = os.MkdirTemp("", "maiprobe-dist-"); err != nil {
			return err
		}
		defer os.RemoveAll(dist)
	} else if err := os.MkdirAll(dist, 0o755); err != nil {
		return err
	}
	failed := false
	for _, arch := range release.Arches {
		out, size, err := release.Package(ctx, root, arch, scf, dist)
		if size == 0 && err != nil {
			return err
		}
		if check {
			out = filepath.Base(out)
		} else if rel, rerr := filepath.Rel(root, out); rerr == nil {
			out = rel
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			failed = true
			continue
		}
		fmt.Printf("%s  %s (%d bytes; limit %s)\n", out, release.MB(size), size, release.MB(release.MaxZip))
	}
	if failed {
		return fmt.Errorf("release: a zip reached the limit")
	}
	return nil
}
