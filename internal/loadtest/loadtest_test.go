package loadtest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestRunClosedLoop checks the client against a server whose answers take
// a known time: every request counted once, the latencies at least the
// server's time, never more requests in flight than workers, and failures
// counted apart.
func TestRunClosedLoop(t *testing.T) {
	var inFlight, most, served atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		if r.Header.Get("X-Test") != "yes" {
			http.Error(w, "no header", http.StatusBadRequest)
			return
		}
		time.Sleep(5 * time.Millisecond)
		served.Add(1)
		w.Write([]byte(strings.Repeat("x", 100)))
	}))
	defer srv.Close()

	r := Run(context.Background(), Options{URL: srv.URL, Header: http.Header{"X-Test": {"yes"}}, Concurrency: 4, Duration: 300 * time.Millisecond})
	if r.Errors != 0 || r.Requests == 0 {
		t.Fatalf("%d requests, %d errors (%s)", r.Requests, r.Errors, r.FirstError)
	}
	if int64(r.Requests) != served.Load() {
		t.Errorf("counted %d requests, the server answered %d", r.Requests, served.Load())
	}
	if most.Load() > 4 {
		t.Errorf("%d requests in flight at once with 4 workers", most.Load())
	}
	// 4 workers, 5 ms each: at most 4 × 300/5 = 240 requests in 300 ms.
	if r.Requests > 4*300/5+4 {
		t.Errorf("%d requests: more than a closed loop of 4 can send", r.Requests)
	}
	if p := r.Percentile(0.5); p < 5*time.Millisecond {
		t.Errorf("p50 %s, below the server's 5 ms", p)
	}
	if r.Percentile(0.99) < r.Percentile(0.5) || r.Percentile(1) != r.Latencies[len(r.Latencies)-1] {
		t.Errorf("percentiles out of order: p50 %s p99 %s max %s", r.Percentile(0.5), r.Percentile(0.99), r.Latencies[len(r.Latencies)-1])
	}
	if r.Bytes != int64(100*r.Requests) {
		t.Errorf("%d bytes for %d answers of 100", r.Bytes, r.Requests)
	}
	if rps := r.RPS(); rps <= 0 || rps > float64(r.Requests)/0.3+1 {
		t.Errorf("%.0f requests/s for %d requests in %s", rps, r.Requests, r.Elapsed)
	}

	// Bust: every request a URL of its own.
	seen := map[string]bool{}
	var mu sync.Mutex
	busted := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.URL.Query().Get("a") != "1" || seen[r.URL.RawQuery] {
			w.WriteHeader(http.StatusConflict)
		}
		seen[r.URL.RawQuery] = true
	}))
	defer busted.Close()
	if b := Run(context.Background(), Options{URL: busted.URL + "/?a=1", Concurrency: 3, Duration: 50 * time.Millisecond, Bust: true}); b.Errors != 0 || b.Requests == 0 {
		t.Errorf("bust: %d requests, %d errors (%s)", b.Requests, b.Errors, b.FirstError)
	}

	bad := Run(context.Background(), Options{URL: srv.URL, Concurrency: 2, Duration: 50 * time.Millisecond})
	if bad.Requests != 0 || bad.Errors == 0 || !strings.Contains(bad.FirstError, "400") {
		t.Errorf("without the header: %d requests, %d errors, first %q; want every one an error", bad.Requests, bad.Errors, bad.FirstError)
	}
}

func TestPercentileNearestRank(t *testing.T) {
	var r Result
	for i := 1; i <= 100; i++ {
		r.Latencies = append(r.Latencies, time.Duration(i)*time.Millisecond)
	}
	for _, tt := range []struct {
		p    float64
		want time.Duration
	}{{0.5, 50 * time.Millisecond}, {0.99, 99 * time.Millisecond}, {1, 100 * time.Millisecond}, {0.001, time.Millisecond}} {
		if got := r.Percentile(tt.p); got != tt.want {
			t.Errorf("p%v = %s, want %s", tt.p, got, tt.want)
		}
	}
	if (Result{}).Percentile(0.5) != 0 {
		t.Error("percentile of nothing is not 0")
	}
}

func TestTableRatio(t *testing.T) {
	h := Result{Requests: 1000, Elapsed: time.Second, Latencies: []time.Duration{time.Millisecond}}
	p := Result{Requests: 250, Elapsed: time.Second, Latencies: []time.Duration{20 * time.Millisecond}, Bytes: 250 * 4000}
	out := Table([]Row{{Archive: "1k", Page: "/healthz", Concurrency: 32, Result: h, Healthz: h}, {Archive: "1k", Page: "plays", Concurrency: 32, Result: p, Healthz: h, ServerCPU: 500 * time.Millisecond}})
	for _, want := range []string{"| 1k | /healthz | 32 | 1000 | 1.00 ms | 1.00 ms | 1 | – |", "| 1k | plays | 32 | 250 | 20 ms | 20 ms | 0.25 (1/4.0) | 2.00 ms | 4.0 |"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
}
