package scaletest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/cli"
	"github.com/maiprobe/maiprobe/internal/dxnet"
	"github.com/maiprobe/maiprobe/internal/fixtures"
	"github.com/maiprobe/maiprobe/internal/loadtest"
)

const (
	password = "scale-test-password"
	genSeed  = 1
)

// readPages are the pages a reader asks for, of a random player.
var readPages = []string{"", "plays", "plays?diff=master&page=3", "diff", "sessions", "rating", "targets", "plates", "songs", "profile", "album"}

// TestScale is the scale run of docs/benchmarks.md: for each database
// configured (MAIPROBE_TEST_MYSQL, MAIPROBE_TEST_POSTGRES), a database of
// its own holding MAIPROBE_SCALE_PLAYERS players (1,000) of
// MAIPROBE_SCALE_PLAYS plays (5,000) each, two maiprobe serve processes
// behind a round-robin proxy, MAIPROBE_SCALE_CONCURRENCY workers (8) for
// MAIPROBE_SCALE_DURATION (60s) mixing page reads, API imports and
// logins; it fails on any error, on a player whose plays changed by other
// than what its imports added, and on a per-player query of the slowest
// pages that reads a per-player table without an index. Off unless
// MAIPROBE_SCALE=1.
func TestScale(t *testing.T) {
	if os.Getenv("MAIPROBE_SCALE") == "" {
		t.Skip("a scale run of many minutes: set MAIPROBE_SCALE=1 and MAIPROBE_TEST_POSTGRES and/or MAIPROBE_TEST_MYSQL (docs/benchmarks.md)")
	}
	var plans planSet
	ran := false
	for _, kind := range []string{"mysql", "postgres"} { // MariaDB first: its log gives the statements both explain
		env := map[string]string{"mysql": "MAIPROBE_TEST_MYSQL", "postgres": "MAIPROBE_TEST_POSTGRES"}[kind]
		admin := os.Getenv(env)
		if admin == "" {
			continue
		}
		ran = true
		t.Run(kind, func(t *testing.T) { scaleRun(t, kind, admin, &plans) })
	}
	if !ran {
		t.Fatal("MAIPROBE_SCALE needs MAIPROBE_TEST_POSTGRES or MAIPROBE_TEST_MYSQL")
	}
}

func scaleRun(t *testing.T, kind, admin string, plans *planSet) {
	players := envInt(t, "MAIPROBE_SCALE_PLAYERS", 1000)
	plays := envInt(t, "MAIPROBE_SCALE_PLAYS", 5000)
	conc := envInt(t, "MAIPROBE_SCALE_CONCURRENCY", 8)
	importers := min(envInt(t, "MAIPROBE_SCALE_IMPORTERS", 100), players)
	dur := 60 * time.Second
	if s := os.Getenv("MAIPROBE_SCALE_DURATION"); s != "" {
		var err error
		if dur, err = time.ParseDuration(s); err != nil || dur <= 0 {
			t.Fatalf("MAIPROBE_SCALE_DURATION=%q: want a duration such as 60s", s)
		}
	}
	ctx := context.Background()
	d := newDB(t, kind, admin)

	// One player's archive through gen, then 999 copies of it (or an
	// earlier run's, MAIPROBE_SCALE_REUSE).
	var names []string
	t0 := time.Now()
	if !d.reused {
		songData := fixtures.Shared(t, "data/songs/divingfish-music_data.cn.json")
		run(t, d.location, "", "songs", "sync", "--from", songData, "--region", "cn")
		run(t, d.location, "", "gen", "--plays", strconv.Itoa(plays), "--seed", strconv.Itoa(genSeed), "--player", "p0000")
		run(t, d.location, password+"\n", "user", "add", "u0000", "--player", "p0000", "--password-stdin")
	}
	a, err := archive.Open(ctx, d.location)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if !d.reused {
		if err := a.SetPublic(ctx, "p0000", true); err != nil {
			t.Fatal(err)
		}
		t.Logf("gen: %d plays in %s", plays, time.Since(t0).Round(time.Second))
		names = clone(t, d, "p0000", players, "u0000")
		for _, c := range []struct{ table, want string }{{"players", "player"}, {"plays", "play"}, {"pages", "page"}, {"best_scores", "best"}, {"score_history", "step"}, {"snapshots", "snapshot"}, {"photos", "photo"}} {
			t.Logf("archive: %d %s rows", d.int(t, "SELECT COUNT(*) FROM "+c.table), c.table)
		}
		if got := d.int(t, "SELECT COUNT(*) FROM plays"); got != int64(players*plays) {
			t.Fatalf("%d plays in the archive, want %d × %d", got, players, plays)
		}
	}
	before := playCounts(t, d)
	if d.reused {
		for p := range before {
			if regexp.MustCompile(`^p\d{4,}$`).MatchString(p) { // the clones, not gen's private "default"
				names = append(names, p)
			}
		}
		slices.Sort(names)
		players = len(names)
	}
	// The importers: players still holding only the cloned plays (all of
	// them in a new archive; in a reused one, those earlier runs did not
	// import into).
	var fresh []string
	for _, p := range names {
		if before[p] == int64(plays) {
			fresh = append(fresh, p)
		}
	}
	if len(fresh) < importers {
		t.Fatalf("%d players hold %d plays, want %d importers (a reused archive runs out after %d runs)", len(fresh), plays, importers, players/importers)
	}
	fresh = fresh[:importers]

	// Import tokens, and the pages the API imports: two real CN record
	// pages per importer, each sent twice.
	tokens := map[string]string{}
	for _, p := range fresh {
		secret, _, err := a.CreateImportToken(ctx, p, "scale")
		if err != nil {
			t.Fatal(err)
		}
		tokens[p] = secret
	}
	var pages []recordPage
	for _, f := range []string{"record-mainetcn-1.html", "record-truerou-1.html"} {
		pages = append(pages, readRecord(t, d, f, fresh[0]))
	}
	var tasks []importTask
	want := map[string]int{} // plays each importer's imports must add
	for _, p := range fresh {
		for i, pg := range pages {
			want[p] += pg.new
			tasks = append(tasks, importTask{p, i}, importTask{p, i})
		}
	}
	rand.Shuffle(len(tasks), func(i, j int) { tasks[i], tasks[j] = tasks[j], tasks[i] })

	// Two servers on the one database, and the proxy in front.
	s1, s2 := startServer(t, d.location), startServer(t, d.location)
	base, perBackend := roundRobin(t, s1.Base, s2.Base)
	l := &load{base: base, names: names, tokens: tokens, pages: pages, tasks: tasks, client: loadtest.NewClient(conc * 2)}
	res := l.run(t, conc, dur)
	for _, s := range []*server{s1, s2} {
		if strings.Contains(s.logText(), "level=ERROR") {
			t.Errorf("a server logged an error:\n%.4000s", s.logText())
		}
	}
	t.Logf("%s: %d players × %d plays, 2 servers (%d and %d requests), c%d for %s, GOMAXPROCS %d, load average %s\n\n%s",
		kind, players, plays, perBackend[0].Load(), perBackend[1].Load(), conc, dur, runtime.GOMAXPROCS(0), loadAvg(), res)

	// The imports the timed run did not reach, so every player's count is
	// known.
	if left := int64(len(tasks)) - min(l.taskNext.Load(), int64(len(tasks))); left > 0 {
		t.Logf("%d of %d imports ran in the timed run; the other %d run now", int64(len(tasks))-left, len(tasks), left)
		for l.taskNext.Load() < int64(len(tasks)) {
			if err := l.importPage(tasks[l.taskNext.Add(1)-1]); err != nil {
				t.Error(err)
			}
		}
	}

	// Nothing lost, nothing doubled.
	after := playCounts(t, d)
	added := l.added()
	for _, p := range names {
		if got := after[p] - before[p]; got != int64(want[p]) || added[p] != want[p] {
			t.Errorf("%s: %d plays before, %d after (+%d), the API said +%d; want +%d", p, before[p], after[p], got, added[p], want[p])
		}
	}
	t.Logf("plays: %d before, %d after; %d imports of %d pages into %d players, each sent twice",
		sum(before), sum(after), len(tasks), len(pages), importers)

	// The slowest pages' query plans.
	slow := res.slowestPages(4)
	plans.check(t, d, s1.Base, names[len(names)/2], slow)
}

// run runs maiprobe's command line in this process over location.
func run(t *testing.T, location, stdin string, args ...string) {
	var out strings.Builder
	env := cli.Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &out, Getenv: func(string) string { return "" }}
	if code := cli.Run(context.Background(), append([]string{"--db", location, "--lang", "en"}, args...), env); code != 0 {
		t.Fatalf("maiprobe %s: exit %d\n%s", strings.Join(args, " "), code, out.String())
	}
}

// recordPage is a real record page the load imports, and how many of its
// plays are not in the generated archive (the plays it must add).
type recordPage struct {
	name string
	html []byte
	new  int
}

// readRecord reads a shared record page and counts the plays it adds to
// player, who holds only the cloned plays.
func readRecord(t *testing.T, d *scaleDB, name, player string) recordPage {
	b, err := os.ReadFile(fixtures.Shared(t, "fixtures/dxnet/cn/"+name))
	if err != nil {
		t.Fatal(err)
	}
	pg, err := dxnet.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	rec, ok := pg.(*dxnet.RecordPage)
	if !ok {
		t.Fatalf("%s is a %T", name, pg)
	}
	r := recordPage{name: name, html: b}
	for _, p := range rec.Plays {
		// The clones all hold p0000's plays: one player has already is
		// one the import must not add again.
		_, unix, _ := strings.Cut(p.Idx, ",")
		idx, err := strconv.ParseInt(unix, 10, 64)
		if err != nil {
			t.Fatalf("%s: play idx %q", name, p.Idx)
		}
		if d.int(t, "SELECT COUNT(*) FROM plays p JOIN players pl ON pl.id = p.player_id WHERE pl.name = ? AND p.idx_time = ?", player, idx) == 0 {
			r.new++
		}
	}
	if r.new == 0 {
		t.Fatalf("%s adds no play", name)
	}
	return r
}

// playCounts is every player's number of plays.
func playCounts(t *testing.T, d *scaleDB) map[string]int64 {
	rows, err := d.sql.Query("SELECT pl.name, COUNT(p.id) FROM players pl LEFT JOIN plays p ON p.player_id = pl.id GROUP BY pl.name")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var name string
		var n int64
		if err := rows.Scan(&name, &n); err != nil {
			t.Fatal(err)
		}
		out[name] = n
	}
	return out
}

func sum(m map[string]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}

type importTask struct {
	player string
	page   int
}

// load is the mixed closed-loop load: each worker sends its next request
// when the last is answered, picking a page read (85 %), an API import
// (10 %, while imports remain) or a login (5 %).
type load struct {
	base     string
	names    []string
	tokens   map[string]string
	pages    []recordPage
	tasks    []importTask
	taskNext atomic.Int64
	client   *http.Client

	mu       sync.Mutex
	addedBy  map[string]int
	lat      map[string][]time.Duration // by kind: "read /p/…/plays", "import", "login"
	errs     map[string]int
	firstErr []string
}

func (l *load) added() map[string]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.addedBy
}

func (l *load) record(kind string, d time.Duration, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil {
		l.errs[kind]++
		if len(l.firstErr) < 5 {
			l.firstErr = append(l.firstErr, kind+": "+err.Error())
		}
		return
	}
	l.lat[kind] = append(l.lat[kind], d)
}

func (l *load) run(t *testing.T, conc int, dur time.Duration) *result {
	l.addedBy, l.lat, l.errs = map[string]int{}, map[string][]time.Duration{}, map[string]int{}
	start := time.Now()
	deadline := start.Add(dur)
	var wg sync.WaitGroup
	for w := range conc {
		rng := rand.New(rand.NewPCG(uint64(w), 7))
		wg.Go(func() {
			for time.Now().Before(deadline) {
				x := rng.IntN(100)
				if x < 10 {
					if i := l.taskNext.Add(1) - 1; i < int64(len(l.tasks)) {
						t0 := time.Now()
						err := l.importPage(l.tasks[i])
						l.record("import", time.Since(t0), err)
						continue
					}
				}
				if x >= 95 {
					t0 := time.Now()
					err := l.login(l.names[rng.IntN(len(l.names))])
					l.record("login", time.Since(t0), err)
					continue
				}
				page := readPages[rng.IntN(len(readPages))]
				t0 := time.Now()
				err := l.read(l.names[rng.IntN(len(l.names))], page)
				l.record("read /p/…/"+page, time.Since(t0), err)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	r := &result{elapsed: elapsed, lat: l.lat, errs: l.errs}
	for _, e := range l.firstErr {
		t.Errorf("load error: %s", e)
	}
	return r
}

func (l *load) read(player, page string) error {
	return l.get(l.base+"/p/"+player+"/"+page, "", http.StatusOK)
}

func (l *load) get(u, cookie string, want int) error {
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("Accept-Encoding", "gzip, deflate, br, zstd")
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	res, err := l.client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if _, err := io.Copy(io.Discard, res.Body); err != nil {
		return err
	}
	if res.StatusCode != want {
		return fmt.Errorf("GET %s: %d", u, res.StatusCode)
	}
	return nil
}

// importPage posts a record page to the import API with the player's
// token, and counts the plays the answer says it added.
func (l *load) importPage(task importTask) error {
	pg := l.pages[task.page]
	u := l.base + "/api/import?name=" + url.QueryEscape(pg.name) + "&player=" + task.player
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(string(pg.html)))
	req.Header.Set("Authorization", "Bearer "+l.tokens[task.player])
	req.Header.Set("Content-Type", "text/html; charset=utf-8")
	res, err := l.client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("import %s into %s: %d %.300s", pg.name, task.player, res.StatusCode, body)
	}
	var ans struct {
		Files []struct {
			Status string `json:"status"`
			Error  string `json:"error"`
			Added  struct {
				Plays int `json:"plays"`
			} `json:"added"`
		} `json:"files"`
	}
	if err := json.Unmarshal(body, &ans); err != nil || len(ans.Files) != 1 {
		return fmt.Errorf("import %s into %s: %v %.300s", pg.name, task.player, err, body)
	}
	if f := ans.Files[0]; f.Status != "added" && f.Status != "unchanged" {
		return fmt.Errorf("import %s into %s: %s %s", pg.name, task.player, f.Status, f.Error)
	}
	l.mu.Lock()
	l.addedBy[task.player] += ans.Files[0].Added.Plays
	l.mu.Unlock()
	return nil
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// login logs in as the player's user through the form, then opens the
// player's settings, which only the owner may, with the new session; the
// proxy sends each of the three requests to either server.
func (l *load) login(player string) error {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Transport: l.client.Transport, Jar: jar, CheckRedirect: l.client.CheckRedirect}
	res, err := c.Get(l.base + "/login")
	if err != nil {
		return err
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfRE.FindSubmatch(b)
	if m == nil {
		return fmt.Errorf("no csrf token on the login page (%d)", res.StatusCode)
	}
	user := "u" + strings.TrimPrefix(player, "p")
	form := url.Values{"name": {user}, "password": {password}, "csrf": {string(m[1])}}
	req, _ := http.NewRequest(http.MethodPost, l.base+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", l.base)
	res, err = c.Do(req)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("login %s: %d", user, res.StatusCode)
	}
	u, _ := url.Parse(l.base)
	var parts []string
	for _, ck := range jar.Cookies(u) {
		parts = append(parts, ck.Name+"="+ck.Value)
	}
	return l.get(l.base+"/p/"+player+"/settings", strings.Join(parts, "; "), http.StatusOK)
}

// result is what the mixed load measured, by kind of request.
type result struct {
	elapsed time.Duration
	lat     map[string][]time.Duration
	errs    map[string]int
}

func pct(l []time.Duration, p float64) time.Duration {
	return loadtest.Result{Latencies: l}.Percentile(p)
}

// String is the result as a Markdown table, reads together and apart.
func (r *result) String() string {
	var b strings.Builder
	b.WriteString("| requests | count | req/s | p50 | p99 | errors |\n|---|---:|---:|---:|---:|---:|\n")
	var all, reads []time.Duration
	errs, readErrs := 0, 0
	kinds := slices.Sorted(mapsKeys(r.lat, r.errs))
	for _, k := range kinds {
		slices.Sort(r.lat[k])
		all = append(all, r.lat[k]...)
		errs += r.errs[k]
		if strings.HasPrefix(k, "read") {
			reads = append(reads, r.lat[k]...)
			readErrs += r.errs[k]
		}
	}
	slices.Sort(all)
	slices.Sort(reads)
	row := func(name string, l []time.Duration, e int) {
		fmt.Fprintf(&b, "| %s | %d | %.1f | %s | %s | %d |\n", name, len(l), float64(len(l))/r.elapsed.Seconds(),
			ms(pct(l, 0.5)), ms(pct(l, 0.99)), e)
	}
	row("all", all, errs)
	row("page reads", reads, readErrs)
	for _, k := range kinds {
		row(k, r.lat[k], r.errs[k])
	}
	return b.String()
}

// slowestPages are the n read pages with the highest median.
func (r *result) slowestPages(n int) []string {
	var pages []string
	for k := range r.lat {
		if p, ok := strings.CutPrefix(k, "read /p/…/"); ok {
			pages = append(pages, p)
		}
	}
	med := func(p string) time.Duration { l := r.lat["read /p/…/"+p]; slices.Sort(l); return pct(l, 0.5) }
	slices.SortFunc(pages, func(a, b string) int { return int(med(b) - med(a)) })
	return pages[:min(n, len(pages))]
}

func mapsKeys(ms ...any) func(func(string) bool) {
	return func(yield func(string) bool) {
		seen := map[string]bool{}
		for _, m := range ms {
			var keys []string
			switch m := m.(type) {
			case map[string][]time.Duration:
				for k := range m {
					keys = append(keys, k)
				}
			case map[string]int:
				for k := range m {
					keys = append(keys, k)
				}
			}
			for _, k := range keys {
				if !seen[k] {
					seen[k] = true
					if !yield(k) {
						return
					}
				}
			}
		}
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/1e6) }

func envInt(t *testing.T, key string, def int) int {
	s := os.Getenv(key)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		t.Fatalf("%s=%q: want a positive number", key, s)
	}
	return n
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}
