package scaletest

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestColdStart measures the function build's cold start: from starting
// the process to the first answered request (200 from the front page,
// which reads the archive and renders a template), over an already
// migrated database on the server MAIPROBE_TEST_POSTGRES (or, without it,
// MAIPROBE_TEST_MYSQL) names, MAIPROBE_COLDSTART_RUNS times (10); it
// reports each start and the median, and asserts no speed (the machine is
// shared). Off unless MAIPROBE_COLDSTART=1; docs/benchmarks.md, "Cold
// start".
func TestColdStart(t *testing.T) {
	if os.Getenv("MAIPROBE_COLDSTART") == "" {
		t.Skip("the cold start measurement: set MAIPROBE_COLDSTART=1 and MAIPROBE_TEST_POSTGRES or MAIPROBE_TEST_MYSQL (docs/benchmarks.md)")
	}
	kind, admin := "postgres", os.Getenv("MAIPROBE_TEST_POSTGRES")
	if admin == "" {
		kind, admin = "mysql", os.Getenv("MAIPROBE_TEST_MYSQL")
	}
	if admin == "" {
		t.Fatal("MAIPROBE_COLDSTART needs MAIPROBE_TEST_POSTGRES or MAIPROBE_TEST_MYSQL")
	}
	runs := envInt(t, "MAIPROBE_COLDSTART_RUNS", 10)

	// The function build, as scripts/release makes it (or
	// MAIPROBE_COLDSTART_BIN, another build to compare with).
	bin := os.Getenv("MAIPROBE_COLDSTART_BIN")
	if bin == "" {
		bin = filepath.Join(t.TempDir(), "bootstrap")
		build := exec.Command("go", "build", "-tags", "function", "-trimpath", "-ldflags=-s -w", "-o", bin, "github.com/maiprobe/maiprobe/cmd/maiprobe")
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
	}
	if fi, err := os.Stat(bin); err == nil {
		t.Logf("function build: %.1f MB", float64(fi.Size())/1e6)
	}

	d := newDB(t, kind, admin)
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	cli := func(stdin string, args ...string) {
		c := exec.Command(bin, append([]string{"--db", d.location, "--lang", "en"}, args...)...)
		c.Env, c.Stdin = env, strings.NewReader(stdin)
		if out, err := c.CombinedOutput(); err != nil {
			t.Fatalf("maiprobe %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	cli("", "migrate")
	cli(password+"\n", "user", "add", "u0000", "--player", "p0000", "--password-stdin") // no setup token to make at start

	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 5 * time.Second}
	var times []time.Duration
	for i := range runs {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		c := exec.Command(bin, "serve", "--db", d.location, "--addr", addr, "--lang", "en")
		c.Env = env
		var log strings.Builder
		c.Stdout, c.Stderr = &log, &log
		t0 := time.Now()
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		var took time.Duration
		for took == 0 {
			if time.Since(t0) > 30*time.Second {
				c.Process.Kill()
				c.Wait()
				t.Fatalf("start %d: no answer in 30 s\n%s", i+1, log.String())
			}
			res, err := client.Get("http://" + addr + "/")
			if err != nil {
				time.Sleep(200 * time.Microsecond)
				continue
			}
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				c.Process.Kill()
				c.Wait()
				t.Fatalf("start %d: GET /: %d\n%s", i+1, res.StatusCode, log.String())
			}
			took = time.Since(t0)
		}
		c.Process.Signal(syscall.SIGTERM)
		c.Wait()
		times = append(times, took)
	}
	sorted := slices.Clone(times)
	slices.Sort(sorted)
	var list []string
	for _, d := range sorted {
		list = append(list, fmt.Sprintf("%.0f", float64(d)/1e6))
	}
	t.Logf("cold start of the function build on %s, %d starts: median %.0f ms (%s ms), load average %s",
		kind, runs, float64(sorted[len(sorted)/2]+sorted[(len(sorted)-1)/2])/2e6, strings.Join(list, ", "), loadAvg())
}
