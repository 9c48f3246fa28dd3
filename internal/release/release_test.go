package release

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestCheckSize: the checker fails at the limit and above, and passes
// below it (sparse files, so nothing of 10 MB is written).
func TestCheckSize(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		size int64
		fail bool
	}{{MaxZip - 1, false}, {MaxZip, true}, {MaxZip + 5<<20, true}, {1234, false}} {
		p := filepath.Join(dir, "fake.zip")
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Truncate(tc.size); err != nil {
			t.Fatal(err)
		}
		f.Close()
		size, err := CheckSize(p, MaxZip)
		if size != tc.size || (err != nil) != tc.fail {
			t.Errorf("CheckSize of %d bytes = %d, %v; want failure %v", tc.size, size, err, tc.fail)
		}
		if err != nil && !strings.Contains(err.Error(), "10.00 MB") {
			t.Errorf("the error does not name the limit: %v", err)
		}
	}
	if _, err := CheckSize(filepath.Join(dir, "missing.zip"), MaxZip); err == nil {
		t.Error("CheckSize of a missing file passed")
	}
}

// TestZip: the zip holds each file under its name with its content and
// its Unix mode (a platform runs bootstrap only when it is executable),
// and the same files give the same bytes.
func TestZip(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "maiprobe")
	script := filepath.Join(dir, "start.sh")
	os.WriteFile(bin, bytes.Repeat([]byte("\x7fELF binary "), 1000), 0o600)
	os.WriteFile(script, []byte("#!/bin/bash\nexec ./bootstrap serve\n"), 0o600)
	files := []File{{Name: "bootstrap", Path: bin, Mode: 0o755}, {Name: "scf_bootstrap", Path: script, Mode: 0o755}}
	a, b := filepath.Join(dir, "a.zip"), filepath.Join(dir, "b.zip")
	if err := Zip(a, files); err != nil {
		t.Fatal(err)
	}
	time.Sleep(10 * time.Millisecond)
	if err := Zip(b, files); err != nil {
		t.Fatal(err)
	}
	za, _ := os.ReadFile(a)
	zb, _ := os.ReadFile(b)
	if !bytes.Equal(za, zb) {
		t.Error("two zips of the same files differ")
	}
	checkZip(t, a, map[string]string{"bootstrap": bin, "scf_bootstrap": script})

	if err := Zip(filepath.Join(dir, "c.zip"), []File{{Name: "x", Path: filepath.Join(dir, "missing")}}); err == nil {
		t.Error("zipping a missing file succeeded")
	}
	if _, err := os.Stat(filepath.Join(dir, "c.zip")); err == nil {
		t.Error("a failed zip was left behind")
	}
}

func checkZip(t *testing.T, path string, want map[string]string) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	if len(zr.File) != len(want) {
		t.Errorf("%s has %d files, want %d", path, len(zr.File), len(want))
	}
	for _, f := range zr.File {
		src, ok := want[f.Name]
		if !ok {
			t.Errorf("%s holds %s", path, f.Name)
			continue
		}
		if f.Mode().Perm() != 0o755 || !f.Mode().IsRegular() {
			t.Errorf("%s: mode %v, want -rwxr-xr-x", f.Name, f.Mode())
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(rc)
		rc.Close()
		if exp, _ := os.ReadFile(src); !bytes.Equal(got, exp) {
			t.Errorf("%s: content differs from %s", f.Name, src)
		}
	}
}

// TestFunctionZipSize builds the linux/amd64 zip exactly as scripts/release
// does and fails when it reaches 10 MB (the arm64 one is checked by
// scripts/release). On a linux/amd64 machine it also runs the binary, to
// see that it is the function build. About 15 s with a warm build cache;
// the first run compiles everything for -trimpath.
func TestFunctionZipSize(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the release binary")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	scf := filepath.Join(root, "deploy", "scf", "scf_bootstrap")
	if _, err := os.Stat(scf); err != nil {
		t.Fatalf("the SCF start script: %v", err)
	}
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	start := time.Now()
	out, size, err := Package(ctx, root, "amd64", scf, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %s (%d bytes, limit %s), built in %v", filepath.Base(out), MB(size), size, MB(MaxZip), time.Since(start).Round(time.Second))

	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	names := map[string]os.FileMode{}
	for _, f := range zr.File {
		names[f.Name] = f.Mode()
	}
	for _, n := range []string{"bootstrap", "scf_bootstrap"} {
		if names[n].Perm()&0o111 == 0 {
			t.Errorf("%s is missing or not executable in the zip: %v", n, names)
		}
	}
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		return
	}
	bin := filepath.Join(dir, "bootstrap")
	for _, f := range zr.File {
		if f.Name == "bootstrap" {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			os.WriteFile(bin, b, 0o755)
		}
	}
	cmd := exec.Command(bin, "proxy", "--lang", "en")
	cmd.Env = []string{"PATH=/usr/bin:/bin"}
	msg, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || !strings.Contains(string(msg), "not in the function build") {
		t.Errorf("bootstrap proxy: %v\n%s\nwant exit 2: not in the function build", err, msg)
	}
}
