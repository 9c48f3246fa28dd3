package release

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/storage/storagetest"
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
// scripts/release). On a linux/amd64 machine it also runs the binary: it
// is the function build (no capture proxy, no SQLite, refused with the
// reason and nothing created), and it runs on PostgreSQL and MariaDB
// (MAIPROBE_TEST_POSTGRES, MAIPROBE_TEST_MYSQL; each skipped when unset):
// migrate, then serve answering /healthz. About 15 s with a warm build
// cache; the first run compiles everything for -trimpath.
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
	// The zip's two files, unpacked side by side as a platform does.
	unpacked := t.TempDir()
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		os.WriteFile(filepath.Join(unpacked, f.Name), b, 0o755)
	}
	bin := filepath.Join(unpacked, "bootstrap")
	// run runs the zip's binary in a folder of its own with a clean
	// environment plus env.
	run := func(t *testing.T, wd, stdin string, env []string, args ...string) (int, string) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Dir = wd
		cmd.Env = append([]string{"PATH=/usr/bin:/bin", "HOME=" + wd, "MAIPROBE_LANG=en"}, env...)
		cmd.Stdin = strings.NewReader(stdin)
		msg, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), string(msg)
		} else if err != nil {
			t.Fatal(err)
		}
		return 0, string(msg)
	}

	t.Run("proxy", func(t *testing.T) {
		if code, msg := run(t, t.TempDir(), "", nil, "proxy"); code != 2 || !strings.Contains(msg, "not in the function build") {
			t.Errorf("bootstrap proxy: exit %d\n%s\nwant exit 2: not in the function build", code, msg)
		}
	})

	// No SQLite engine: every SQLite archive is refused before a file is
	// made, with what to set instead, also where the full build would
	// take one (off a platform, or forced on one).
	t.Run("sqlite", func(t *testing.T) {
		wd := t.TempDir()
		file := filepath.Join(wd, "a.db")
		for _, tc := range []struct {
			name string
			env  []string
			args []string
		}{
			{"default archive", nil, []string{"status"}},
			{"file", []string{"MAIPROBE_DB=" + file}, []string{"status"}},
			{"migrate", []string{"MAIPROBE_DB=" + file}, []string{"migrate"}},
			{"serve", []string{"MAIPROBE_DB=" + file, "MAIPROBE_ADDR=127.0.0.1:0"}, []string{"serve"}},
			{"forced on Lambda", []string{"AWS_LAMBDA_FUNCTION_NAME=maiprobe", "MAIPROBE_DB=" + file, "MAIPROBE_ALLOW_EPHEMERAL_SQLITE=1"}, []string{"status"}},
			{"forced on SCF", []string{"TENCENTCLOUD_RUNENV=SCF", "MAIPROBE_DB=" + file, "MAIPROBE_ALLOW_EPHEMERAL_SQLITE=1"}, []string{"migrate"}},
		} {
			code, msg := run(t, wd, "", tc.env, tc.args...)
			if code != 1 || !strings.Contains(msg, "has no SQLite") || !strings.Contains(msg, "MAIPROBE_DB to postgres://") {
				t.Errorf("%s: exit %d, want 1 refusing SQLite:\n%s", tc.name, code, msg)
			}
			for _, f := range []string{file, filepath.Join(wd, "maiprobe.db")} {
				if _, err := os.Stat(f); err == nil {
					t.Fatalf("%s: %s was created", tc.name, f)
				}
			}
		}
	})

	for _, db := range []string{"postgres", "mysql"} {
		t.Run(db, func(t *testing.T) {
			loc := storagetest.Location(t, db)
			wd := t.TempDir()
			env := []string{"MAIPROBE_DB=" + loc}
			if code, msg := run(t, wd, "", env, "migrate"); code != 0 || !strings.Contains(msg, "the "+db+" archive is up to date") {
				t.Fatalf("bootstrap migrate on %s: exit %d\n%s", db, code, msg)
			}
			if code, msg := run(t, wd, "a long password\n", env, "user", "add", "mai", "--player", "mai", "--password-stdin"); code != 0 {
				t.Fatalf("bootstrap user add on %s: exit %d\n%s", db, code, msg)
			}
			// As an SCF web function runs it: the zip's scf_bootstrap
			// starting bootstrap serve, every setting from the environment.
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			addr := l.Addr().String()
			l.Close()
			cmd := exec.Command(filepath.Join(unpacked, "scf_bootstrap"))
			cmd.Dir = wd
			cmd.Env = append([]string{"PATH=/usr/bin:/bin", "HOME=" + wd, "TENCENTCLOUD_RUNENV=SCF", "MAIPROBE_SCF_LISTEN=" + addr}, env...)
			var log bytes.Buffer
			cmd.Stdout, cmd.Stderr = &log, &log
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer func() {
				cmd.Process.Kill()
				cmd.Wait()
			}()
			for deadline := time.Now().Add(20 * time.Second); ; {
				res, err := http.Get("http://" + addr + "/healthz")
				if err == nil {
					body, _ := io.ReadAll(res.Body)
					res.Body.Close()
					if res.StatusCode != 200 || string(body) != "ok\n" {
						t.Fatalf("healthz on %s: %d %q\n%s", db, res.StatusCode, body, log.String())
					}
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("bootstrap serve on %s does not answer: %v\n%s", db, err, log.String())
				}
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
}
