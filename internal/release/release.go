// Package release builds the function zips that scripts/release writes:
// static linux binaries of cmd/maiprobe in the function build, trimmed,
// zipped under the names the platforms run (bootstrap for an AWS Lambda
// custom runtime, scf_bootstrap for a Tencent SCF web function), and
// checked against the platforms' 10 MB package limit.
package release

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/klauspost/compress/flate"
)

// MaxZip is the size a release zip must stay below: Tencent SCF takes a
// package of up to 10 MB in its console's editor and direct upload (AWS
// Lambda's direct upload allows 50 MB). Counted in decimal megabytes, the
// stricter reading.
const MaxZip = 10_000_000

// Arches are the architectures a release is built for.
var Arches = []string{"amd64", "arm64"}

// Tags are the build tags of the function build: "function" leaves out
// the capture proxy, the generator and the pprof profiles
// (internal/cli/function_build.go) and the SQLite engine
// (internal/storage/sqlite_function.go).
const Tags = "function"

// BuildArgs are go build's arguments for a release binary: no file paths
// of the build machine, no symbol table or DWARF, the function build.
var BuildArgs = []string{"-trimpath", "-tags", Tags, "-ldflags", "-s -w"}

// Build compiles cmd/maiprobe of the module in dir for linux/arch into
// out, static (no cgo: the PostgreSQL and MySQL drivers are pure Go).
func Build(ctx context.Context, dir, arch, out string) error {
	args := append([]string{"build"}, BuildArgs...)
	args = append(args, "-o", out, "./cmd/maiprobe")
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch)
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("release: go build linux/%s: %w\n%s", arch, err, b)
	}
	return nil
}

// File is one file of a zip: the file at Path stored as Name.
type File struct {
	Name, Path string
	Mode       os.FileMode
}

// zipTime is every entry's modification time, so that the same binaries
// give the same zip byte for byte.
var zipTime = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// Zip writes the files into a new zip at path, deflated at the best
// level (klauspost's deflate: 0.3% smaller than the standard library's on
// the binary; Info-ZIP's zip -9 is 2% smaller still), each with its Unix mode: a platform runs bootstrap and
// scf_bootstrap only when the zip marks them executable.
func Zip(path string, files []File) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("release: %w", err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("release: %w", cerr)
		}
		if err != nil {
			os.Remove(path)
		}
	}()
	zw := zip.NewWriter(f)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestCompression)
	})
	for _, file := range files {
		if err := addFile(zw, file); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("release: %s: %w", path, err)
	}
	return nil
}

func addFile(zw *zip.Writer, file File) error {
	src, err := os.Open(file.Path)
	if err != nil {
		return fmt.Errorf("release: %w", err)
	}
	defer src.Close()
	h := &zip.FileHeader{Name: file.Name, Method: zip.Deflate, Modified: zipTime}
	h.SetMode(file.Mode)
	w, err := zw.CreateHeader(h)
	if err != nil {
		return fmt.Errorf("release: %s: %w", file.Name, err)
	}
	if _, err := io.Copy(w, src); err != nil {
		return fmt.Errorf("release: %s: %w", file.Name, err)
	}
	return nil
}

// CheckSize fails when the file at path has reached limit bytes.
func CheckSize(path string, limit int64) (size int64, err error) {
	st, err := os.Stat(path)
	if err != nil {
		return 0, fmt.Errorf("release: %w", err)
	}
	if st.Size() >= limit {
		return st.Size(), fmt.Errorf("release: %s is %s, at or over the limit of %s: leave more out of the function build (docs/deploy.md#size)",
			filepath.Base(path), MB(st.Size()), MB(limit))
	}
	return st.Size(), nil
}

// MB writes a size in decimal megabytes, as the limit is counted.
func MB(n int64) string { return fmt.Sprintf("%.2f MB", float64(n)/1e6) }

// Package builds the zip of one architecture into dir/maiprobe_linux_ARCH.zip
// from the module in moduleDir, with scfBootstrap (the SCF web function's
// start script) beside the binary, checks its size and returns its path
// and size. The binary is built in a temporary folder and not kept.
func Package(ctx context.Context, moduleDir, arch, scfBootstrap, dir string) (string, int64, error) {
	tmp, err := os.MkdirTemp("", "maiprobe-release-")
	if err != nil {
		return "", 0, fmt.Errorf("release: %w", err)
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "bootstrap")
	if err := Build(ctx, moduleDir, arch, bin); err != nil {
		return "", 0, err
	}
	out := filepath.Join(dir, "maiprobe_linux_"+arch+".zip")
	if err := Zip(out, []File{
		{Name: "bootstrap", Path: bin, Mode: 0o755},
		{Name: "scf_bootstrap", Path: scfBootstrap, Mode: 0o755},
	}); err != nil {
		return "", 0, err
	}
	size, err := CheckSize(out, MaxZip)
	return out, size, err
}
