// Package loadtest measures a running HTTP server under concurrency with a
// closed loop: each of N workers sends its next request as soon as the last
// one has been answered and read, so the server sets the pace and the
// figures (requests a second, p50, p99) show what it sustains at that
// concurrency. Its test, TestLoad, runs maiprobe serve on generated archives
// and prints the table of docs/benchmarks.md.
package loadtest

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options is one measurement: GET URL with Header from Concurrency workers
// for Duration.
type Options struct {
	Client      *http.Client // nil: a client made for the run, keep-alive, no redirects followed
	URL         string
	Header      http.Header // sent with every request (cookies, Accept-Encoding)
	Concurrency int
	Duration    time.Duration
	Status      int // the answer counted as success; 0: 200
	// Bust adds a query parameter no page reads (_load=N), different on
	// every request, so no response cache can answer: every request is
	// rendered.
	Bust bool
}

// Result is what a run measured.
type Result struct {
	Requests   int             // answered with Options.Status and read to the end
	Errors     int             // failed, or answered with another status
	FirstError string          // the first failure, for the report
	Elapsed    time.Duration   // from the first request to the last answer
	Bytes      int64           // response bytes read (as sent: compressed when the server compressed)
	Latencies  []time.Duration // of the successful requests, sorted
}

// RPS is the successful requests a second.
func (r Result) RPS() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// Percentile is the latency that p (0 < p ≤ 1) of the successful requests
// did not exceed (nearest rank); 0 without requests.
func (r Result) Percentile(p float64) time.Duration {
	n := len(r.Latencies)
	if n == 0 {
		return 0
	}
	i := int(math.Ceil(p*float64(n))) - 1
	return r.Latencies[min(max(i, 0), n-1)]
}

// NewClient is a keep-alive client for concurrency workers on one host. It
// leaves bodies as the server sent them (no transparent gzip) and follows
// no redirects, so a page that redirects to the login counts as an error.
func NewClient(concurrency int) *http.Client {
	tr := &http.Transport{
		MaxIdleConns:        concurrency * 2,
		MaxIdleConnsPerHost: concurrency * 2,
		IdleConnTimeout:     time.Minute,
		DisableCompression:  true,
	}
	return &http.Client{
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Run measures opts until its duration has passed or ctx ends.
func Run(ctx context.Context, opts Options) Result {
	c := opts.Client
	if c == nil {
		c = NewClient(opts.Concurrency)
		defer c.CloseIdleConnections()
	}
	n := max(opts.Concurrency, 1)
	want := cmp.Or(opts.Status, http.StatusOK)
	type worker struct {
		lat    []time.Duration
		errs   int
		first  string
		bytes  int64
		lastAt time.Time
	}
	ws := make([]worker, n)
	start := time.Now()
	deadline := start.Add(opts.Duration)
	ctx, cancel := context.WithDeadline(ctx, deadline.Add(30*time.Second))
	defer cancel()
	var seq atomic.Int64
	sep := "?"
	if strings.Contains(opts.URL, "?") {
		sep = "&"
	}
	var wg sync.WaitGroup
	for i := range ws {
		w := &ws[i]
		wg.Go(func() {
			for time.Now().Before(deadline) && ctx.Err() == nil {
				t0 := time.Now()
				u := opts.URL
				if opts.Bust {
					u += sep + "_load=" + strconv.FormatInt(seq.Add(1), 10)
				}
				status, nb, err := get(ctx, c, u, opts.Header)
				d := time.Since(t0)
				w.bytes += nb
				w.lastAt = t0.Add(d)
				switch {
				case err != nil:
					w.errs++
					if w.first == "" {
						w.first = err.Error()
					}
				case status != want:
					w.errs++
					if w.first == "" {
						w.first = fmt.Sprintf("status %d", status)
					}
				default:
					w.lat = append(w.lat, d)
				}
			}
		})
	}
	wg.Wait()
	var r Result
	end := start
	for _, w := range ws {
		r.Latencies = append(r.Latencies, w.lat...)
		r.Errors += w.errs
		r.Bytes += w.bytes
		if r.FirstError == "" {
			r.FirstError = w.first
		}
		if w.lastAt.After(end) {
			end = w.lastAt
		}
	}
	slices.Sort(r.Latencies)
	r.Requests = len(r.Latencies)
	r.Elapsed = end.Sub(start)
	return r
}

// get sends one GET and reads the whole answer.
func get(ctx context.Context, c *http.Client, url string, h http.Header) (int, int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, 0, err
	}
	for k, v := range h {
		req.Header[k] = v
	}
	res, err := c.Do(req)
	if err != nil {
		return 0, 0, err
	}
	n, err := io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, n, err
}

// Row is one line of the report: a page at a concurrency, beside /healthz
// measured in the same run.
type Row struct {
	Archive     string // e.g. "1k"
	Page        string
	Concurrency int
	Result      Result
	Healthz     Result
	// ServerCPU is the server process's CPU time (user and system) over
	// the run, when known: per request it is the page's cost, which a busy
	// machine does not inflate as it does the wall times.
	ServerCPU time.Duration
}

// CPUPerRequest is the server's CPU time per request, 0 when unknown.
func (r Row) CPUPerRequest() time.Duration {
	if n := r.Result.Requests + r.Result.Errors; n > 0 {
		return r.ServerCPU / time.Duration(n)
	}
	return 0
}

// Ratio is the page's requests a second over /healthz's.
func (r Row) Ratio() float64 {
	if h := r.Healthz.RPS(); h > 0 {
		return r.Result.RPS() / h
	}
	return 0
}

// Table writes rows as a Markdown table.
func Table(rows []Row) string {
	var b strings.Builder
	b.WriteString("| plays | page | c | req/s | p50 | p99 | ÷ /healthz | server CPU/req | KB/req |\n")
	b.WriteString("|---|---|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range rows {
		kb := 0.0
		if n := r.Result.Requests + r.Result.Errors; n > 0 {
			kb = float64(r.Result.Bytes) / float64(n) / 1000
		}
		cpu := "–"
		if d := r.CPUPerRequest(); d > 0 {
			cpu = ms(d)
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %.0f | %s | %s | %s | %s | %.1f |\n", r.Archive, r.Page, r.Concurrency,
			r.Result.RPS(), ms(r.Result.Percentile(0.50)), ms(r.Result.Percentile(0.99)), ratio(r), cpu, kb)
	}
	return b.String()
}

func ratio(r Row) string {
	if r.Page == "/healthz" {
		return "1"
	}
	x := r.Ratio()
	if x >= 0.1 {
		return fmt.Sprintf("%.2f (1/%.1f)", x, 1/x)
	}
	if x > 0 {
		return fmt.Sprintf("%.3f (1/%.0f)", x, 1/x)
	}
	return "–"
}

// ms prints a latency in milliseconds.
func ms(d time.Duration) string {
	v := float64(d) / float64(time.Millisecond)
	if v < 10 {
		return fmt.Sprintf("%.2f ms", v)
	}
	return fmt.Sprintf("%.0f ms", v)
}
