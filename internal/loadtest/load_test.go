package loadtest

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/cli"
	"github.com/maiprobe/maiprobe/internal/fixtures"
	"github.com/maiprobe/maiprobe/internal/servetest"
)

// childEnv marks the test binary started as the server (servetest.Main).
const childEnv = "MAIPROBE_LOADTEST_CHILD"

func TestMain(m *testing.M) { servetest.Main(m, childEnv) }

// The generated archives' player and its login.
const (
	loadPlayer   = "load"
	loadPassword = "load-test-password"
	genSeed      = 1
)

// page is one page the load test drives.
type page struct {
	name, path string
	status     int // 0: 200
}

// TestLoad runs maiprobe serve on generated archives (1,000 and 100,000
// plays over the shared CN song data), logs in, and measures /healthz and
// each main page at each concurrency with a closed loop of workers. It is
// a measurement, not a check of speed: it fails only when a page does not
// answer 200 or the server does not run. Off unless MAIPROBE_LOAD is set;
// see docs/benchmarks.md for the command and its settings.
func TestLoad(t *testing.T) {
	if os.Getenv("MAIPROBE_LOAD") == "" {
		t.Skip("a load benchmark of a few minutes: set MAIPROBE_LOAD=1 to run it (docs/benchmarks.md)")
	}
	songData := fixtures.Shared(t, "data/songs/divingfish-music_data.cn.json")
	sizes := intsEnv(t, "MAIPROBE_LOAD_PLAYS", "1000,100000")
	concs := intsEnv(t, "MAIPROBE_LOAD_CONCURRENCY", "1,32")
	dur := 3 * time.Second
	if s := os.Getenv("MAIPROBE_LOAD_DURATION"); s != "" {
		var err error
		if dur, err = time.ParseDuration(s); err != nil || dur <= 0 {
			t.Fatalf("MAIPROBE_LOAD_DURATION=%q: want a duration such as 3s", s)
		}
	}
	encoding := "gzip, deflate, br, zstd" // a browser's
	if s, ok := os.LookupEnv("MAIPROBE_LOAD_ENCODING"); ok {
		encoding = s
	}
	only := os.Getenv("MAIPROBE_LOAD_PAGES") // comma-separated page names; empty: all
	// MAIPROBE_LOAD_UNCACHED=1 renders every request (Options.Bust).
	bust := os.Getenv("MAIPROBE_LOAD_UNCACHED") != ""

	var rows []Row
	var mem []string
	for _, plays := range sizes {
		label := sizeLabel(plays)
		db := cachedArchive(t, plays, songData)
		// A copy per run, so the logins of one run do not pile up in the
		// cached archive.
		work := filepath.Join(t.TempDir(), "load.db")
		copyFile(t, db, work)
		srv := startServer(t, work)
		cookie := login(t, srv.Base)
		hdr := http.Header{"Cookie": {cookie}}
		if encoding != "" {
			hdr.Set("Accept-Encoding", encoding)
		}
		pages := mainPages(t, srv.Base, hdr)
		for _, p := range pages {
			warm(t, srv.Base+p.path, hdr, p.status)
		}
		idle := srv.status(t, "VmRSS")
		for _, c := range concs {
			client := NewClient(c)
			measure := func(name, path string, status int) Row {
				cpu0 := srv.cpu()
				r := Run(context.Background(), Options{Client: client, URL: srv.Base + path, Header: hdr, Concurrency: c, Duration: dur, Status: status, Bust: bust && path != "/healthz"})
				if r.Errors > 0 || r.Requests == 0 {
					t.Errorf("%s at c%d on %s plays: %d requests, %d errors, first: %s", path, c, label, r.Requests, r.Errors, r.FirstError)
				}
				row := Row{Archive: label, Page: name, Concurrency: c, Result: r}
				if cpu0 >= 0 {
					row.ServerCPU = srv.cpu() - cpu0
				}
				return row
			}
			srv.resetPeak(t)
			stopSampling := srv.sample()
			h := measure("/healthz", "/healthz", 0)
			h.Healthz = h.Result
			rows = append(rows, h)
			for _, p := range pages {
				if only != "" && !slicesContains(strings.Split(only, ","), p.name) {
					continue
				}
				t.Logf("measuring %s at c%d on %s plays", p.name, c, label)
				row := measure(p.name, p.path, p.status)
				row.Healthz = h.Result
				rows = append(rows, row)
			}
			client.CloseIdleConnections()
			most := stopSampling()
			mem = append(mem, fmt.Sprintf("| %s | %d | %s | %s | %s | %s | %s |", label, c, idle, srv.status(t, "VmHWM"),
				mb(most["RssAnon"]), mb(most["RssFile"]), srv.status(t, "VmRSS")))
			t.Logf("%s plays, c%d done (load average %s)", label, c, loadAvg())
		}
		srv.Stop()
	}
	t.Logf("closed loop, %s per page and concurrency, Accept-Encoding %q, uncached %v, GOMAXPROCS %d on %d CPUs, load average %s\n\n%s\n"+
		"| plays | c | RSS idle | peak RSS (VmHWM) | most heap and other anonymous (RssAnon) | most file-backed: SQLite's mmap, the binary (RssFile) | RSS after |\n"+
		"|---|---:|---:|---:|---:|---:|---:|\n%s\n",
		dur, encoding, bust, runtime.GOMAXPROCS(0), runtime.NumCPU(), loadAvg(), Table(rows), strings.Join(mem, "\n"))
}

// mainPages are the pages the issue names, for the generated player; the
// chart is the one of the newest play.
func mainPages(t *testing.T, base string, hdr http.Header) []page {
	p := "/p/" + loadPlayer
	body := fetch(t, base+p+"/plays", hdr, 0)
	m := regexp.MustCompile(`href="(/p/` + loadPlayer + `/chart\?[^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no chart link on the plays page:\n%.3000s", body)
	}
	chart := html.UnescapeString(m[1])
	return []page{
		// The index sends a logged-in owner of one player to that player.
		{"index", "/", http.StatusSeeOther},
		{"overview", p + "/", 0},
		{"plays", p + "/plays", 0},
		{"plays filtered", p + "/plays?diff=master&page=3", 0},
		{"diff", p + "/diff", 0},
		{"sessions", p + "/sessions", 0},
		{"chart", chart, 0},
		{"rating", p + "/rating", 0},
		{"targets", p + "/targets", 0},
		{"plates", p + "/plates", 0},
		{"songs", p + "/songs", 0},
	}
}

// warm asks for a page a few times (the first view after a start reads
// the rating data and links the charts), and checks its answer.
func warm(t *testing.T, u string, hdr http.Header, status int) {
	for i := 0; i < 3; i++ {
		fetch(t, u, hdr, status)
	}
}

// fetch GETs u uncompressed and fails the test unless it answers status
// (0: 200).
func fetch(t *testing.T, u string, hdr http.Header, status int) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	for k, v := range hdr {
		req.Header[k] = v
	}
	req.Header.Set("Accept-Encoding", "identity")
	res, err := NewClient(1).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != cmp.Or(status, http.StatusOK) {
		t.Fatalf("GET %s: %d (Location %q)\n%.2000s", u, res.StatusCode, res.Header.Get("Location"), b)
	}
	return string(b)
}

// login logs in through the login form and returns the Cookie header of
// the session.
func login(t *testing.T, base string) string {
	jar, _ := cookiejar.New(nil)
	c := NewClient(1)
	c.Jar = jar
	res, err := c.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("no csrf token on the login page:\n%.2000s", b)
	}
	form := url.Values{"name": {loadPlayer}, "password": {loadPassword}, "csrf": {string(m[1])}}
	req, _ := http.NewRequest(http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	res, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther && res.StatusCode != http.StatusFound {
		t.Fatalf("login: %d", res.StatusCode)
	}
	u, _ := url.Parse(base)
	var parts []string
	for _, ck := range jar.Cookies(u) {
		parts = append(parts, ck.Name+"="+ck.Value)
	}
	return strings.Join(parts, "; ")
}

// cachedArchive returns the generated archive of plays plays, made once
// under $TMPDIR/maiprobe-load and kept there, named by everything that
// decides its content (gen's flags and the song data), so later runs
// reuse it. Delete the directory to generate again (e.g. after gen
// changed).
func cachedArchive(t *testing.T, plays int, songData string) string {
	data, err := os.ReadFile(songData)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	dir := filepath.Join(os.TempDir(), "maiprobe-load")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, fmt.Sprintf("gen-plays%d-seed%d-songs%s.db", plays, genSeed, hex.EncodeToString(sum[:6])))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	tmp := fmt.Sprintf("%s.tmp%d", path, os.Getpid())
	start := time.Now()
	run := func(stdin string, args ...string) {
		var out strings.Builder
		env := cli.Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &out, Getenv: func(string) string { return "" }}
		if code := cli.Run(context.Background(), append([]string{"--db", tmp, "--lang", "en"}, args...), env); code != 0 {
			t.Fatalf("maiprobe %s: exit %d\n%s", strings.Join(args, " "), code, out.String())
		}
	}
	run("", "songs", "sync", "--from", songData, "--region", "cn")
	run("", "gen", "--plays", strconv.Itoa(plays), "--seed", strconv.Itoa(genSeed), "--player", loadPlayer)
	run(loadPassword+"\n", "user", "add", loadPlayer, "--player", loadPlayer, "--password-stdin")
	for _, suffix := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(tmp + suffix); err == nil {
			t.Fatalf("%s%s left after closing the archive", tmp, suffix)
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
	t.Logf("generated %d plays into %s in %s", plays, path, time.Since(start).Round(time.Second))
	return path
}

func copyFile(t *testing.T, from, to string) {
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// server is maiprobe serve running in a child process.
type server struct {
	*servetest.Server
}

// startServer runs this test binary as maiprobe serve over db on a free
// loopback port. MAIPROBE_LOAD_DEBUG_ADDR gives it a pprof address, to
// profile it while the load runs.
func startServer(t *testing.T, db string) *server {
	args := []string{"--db", db, "--lang", "en"}
	if a := os.Getenv("MAIPROBE_LOAD_DEBUG_ADDR"); a != "" {
		args = append(args, "--debug-addr", a)
	}
	return &server{servetest.Start(t, childEnv, &tail{max: 8 << 10}, 60*time.Second,
		func(line string) { t.Log("server: " + line) }, args...)}
}

// status reads a field of the server's /proc/PID/status, e.g. VmHWM, in MB.
func (s *server) status(t *testing.T, field string) string {
	kb, ok := s.statusKB()[field]
	if !ok {
		return "?"
	}
	return mb(kb)
}

// statusKB reads the kB fields of the server's /proc/PID/status.
func (s *server) statusKB() map[string]int {
	out := map[string]int{}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.Cmd.Process.Pid))
	if err != nil {
		return out
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		v, isKB := strings.CutSuffix(strings.TrimSpace(v), " kB")
		if n, err := strconv.Atoi(strings.TrimSpace(v)); ok && isKB && err == nil {
			out[k] = n
		}
	}
	return out
}

// sample reads the server's memory every 50 ms until the returned function
// is called, which gives the most of each field seen. The kernel keeps a
// peak only of the total (VmHWM); this tells which part made it.
func (s *server) sample() func() map[string]int {
	most := map[string]int{}
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			for k, v := range s.statusKB() {
				most[k] = max(most[k], v)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	return func() map[string]int { close(stop); <-done; return most }
}

func mb(kb int) string { return fmt.Sprintf("%.0f MB", float64(kb)/1024) }

// cpu is the server's CPU time so far (user and system, from
// /proc/PID/stat), -1 when it cannot be read.
func (s *server) cpu() time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.Cmd.Process.Pid))
	if err != nil {
		return -1
	}
	// The command name (field 2) may hold spaces; the fields after it
	// start at the last ')'. utime and stime are fields 14 and 15.
	i := strings.LastIndexByte(string(b), ')')
	f := strings.Fields(string(b)[i+1:])
	if i < 0 || len(f) < 13 {
		return -1
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return -1
	}
	// Clock ticks: USER_HZ, 100 on every Linux Go supports.
	return time.Duration(ut+st) * (time.Second / 100)
}

// resetPeak starts the server's peak RSS (VmHWM) again from its RSS now
// (Linux: writing 5 to clear_refs).
func (s *server) resetPeak(t *testing.T) {
	if err := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", s.Cmd.Process.Pid), []byte("5"), 0); err != nil {
		t.Logf("cannot reset the peak RSS (%v): VmHWM is since the start", err)
	}
}

// tail keeps the last max bytes written to it: the server's log, for the
// report when it fails.
type tail struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (w *tail) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.b = append(w.b, p...)
	if len(w.b) > 2*w.max {
		w.b = append(w.b[:0], w.b[len(w.b)-w.max:]...)
	}
	return len(p), nil
}

func (w *tail) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return string(w.b)
}

func intsEnv(t *testing.T, key, def string) []int {
	s := os.Getenv(key)
	if s == "" {
		s = def
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			t.Fatalf("%s=%q: want positive numbers separated by commas", key, s)
		}
		out = append(out, n)
	}
	return out
}

func sizeLabel(n int) string {
	if n%1000 == 0 {
		return strconv.Itoa(n/1000) + "k"
	}
	return strconv.Itoa(n)
}

func slicesContains(list []string, s string) bool {
	for _, x := range list {
		if strings.TrimSpace(x) == s {
			return true
		}
	}
	return false
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
