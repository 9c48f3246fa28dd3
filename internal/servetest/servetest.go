// Package servetest runs maiprobe serve in a child process, for the load
// and scale tests: the test binary starts itself again as maiprobe, so the
// server is exactly what maiprobe serve builds, in a process of its own
// whose memory is measured apart from the client's.
package servetest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/cli"
)

// Main is the TestMain of a package that starts servers: in a child that
// childEnv marks, it runs maiprobe's command line instead of the tests.
func Main(m *testing.M, childEnv string) {
	if os.Getenv(childEnv) != "" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := cli.Run(ctx, os.Args[1:], cli.Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv})
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// Log takes a server's stderr; its String is shown when the server fails
// to start.
type Log interface {
	io.Writer
	fmt.Stringer
}

// Server is maiprobe serve running in a child process.
type Server struct {
	Cmd  *exec.Cmd
	Base string // its origin: http://127.0.0.1:port
	done chan error
}

var urlRE = regexp.MustCompile(`(http://127\.0\.0\.1:\d+)/ in a browser`)

// Start runs the test binary, in the child childEnv marks, as maiprobe
// serve args on a free loopback port, configured by args only (none of
// the caller's MAIPROBE_ settings), and waits up to wait for the address
// it prints. Its stderr goes to log; onLine, when not nil, sees each line
// of its stdout. The server is stopped when the test ends.
func Start(t *testing.T, childEnv string, log Log, wait time.Duration, onLine func(string), args ...string) *Server {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MAIPROBE_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, childEnv+"=1")
	cmd.Stderr = log
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &Server{Cmd: cmd, done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait() }()
	t.Cleanup(s.Stop)
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := urlRE.FindStringSubmatch(sc.Text()); m != nil {
				urls <- m[1]
			}
			if onLine != nil {
				onLine(sc.Text())
			}
		}
	}()
	select {
	case s.Base = <-urls:
	case err := <-s.done:
		t.Fatalf("maiprobe serve exited: %v\n%s", err, log)
	case <-time.After(wait):
		t.Fatalf("maiprobe serve printed no address in %v\n%s", wait, log)
	}
	return s
}

// Stop ends the server with SIGINT (a clean shutdown), or kills it after
// 20 s. Later calls do nothing.
func (s *Server) Stop() {
	if s.Cmd.Process == nil || s.Cmd.ProcessState != nil {
		return
	}
	s.Cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(20 * time.Second):
		s.Cmd.Process.Kill()
		<-s.done
	}
	s.Cmd.ProcessState = &os.ProcessState{}
}
