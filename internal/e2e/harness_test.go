package e2e

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestHarnessSeesProblems checks the checks: a page with a console
// error, an uncaught exception, a missing script, a failed request and an
// undrawn chart must be reported, or every clean page above proves nothing.
func TestHarnessSeesProblems(t *testing.T) {
	t.Parallel()
	browser := newChromium(t)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /bad", func(w http.ResponseWriter, r *http.Request) {
		// A port that refuses connections makes the last request fail.
		dead := httptest.NewServer(http.NotFoundHandler())
		dead.Close()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><title>bad</title>
<figure class="chart"><figcaption>never drawn</figcaption></figure>
<script src="/missing.js"></script>
<script>console.error("broken", 42); fetch(%q).catch(() => { document.title = "fetched"; }); throw new Error("boom");</script>`, dead.URL+"/x")
	})
	mux.HandleFunc("GET /good", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><title>good</title><p>fine</p><script>console.log("not an error")</script>`)
	})
	mux.HandleFunc("GET /wide", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><title>wide</title><pre>`+strings.Repeat("curl ", 400)+`</pre>`)
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	tb := newTab(t, browser, "0-harness")

	tb.open(ts.URL+"/good", http.StatusOK)
	if p := tb.takeProblems(); len(p) != 0 {
		t.Errorf("a clean page reported %q", p)
	}

	if content, window := tb.overflow(); content > window {
		t.Errorf("a narrow page counts as %d px wide in a %d px window", content, window)
	}
	tb.open(ts.URL+"/wide", http.StatusOK)
	if content, window := tb.overflow(); content <= window {
		t.Errorf("a page with a 2,000-character line counts as %d px wide in a %d px window", content, window)
	}

	tb.open(ts.URL+"/bad", http.StatusOK)
	if total, drawn := tb.chartsDrawn(); total != 1 || drawn != 0 {
		t.Errorf("chartsDrawn on an undrawn chart = %d, %d; want 1, 0", total, drawn)
	}
	// The failed fetch ends after the page loaded; wait for it.
	deadline := time.Now().Add(10 * time.Second)
	for eval[string](tb, `document.title`) != "fetched" {
		if time.Now().After(deadline) {
			t.Fatal("the page's fetch to a closed port never failed")
		}
		time.Sleep(20 * time.Millisecond)
	}
	got := strings.Join(tb.takeProblems(), "\n")
	for _, want := range []string{`console error: "broken" 42`, "uncaught exception", "boom", "/missing.js answered 404", "request failed"} {
		if !strings.Contains(got, want) {
			t.Errorf("problems do not mention %q; got:\n%s", want, got)
		}
	}
}
