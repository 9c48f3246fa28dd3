package web

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestTimeoutsSpareLongHandlers: the body and write timeouts bound the
// client, never the handler's own work. A handler that reads its body
// and then works for several times both timeouts (a large import) keeps
// its context and gets its answer to the client.
func TestTimeoutsSpareLongHandlers(t *testing.T) {
	const timeout = 200 * time.Millisecond
	tests := []struct {
		name string
		body string
	}{
		{"body read to the end", strings.Repeat("x", 10<<10)},
		{"no body", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := serveTimed(t, Config{BodyTimeout: timeout, WriteTimeout: timeout}, func(w http.ResponseWriter, r *http.Request) {
				b, err := io.ReadAll(r.Body)
				if err != nil || len(b) != len(tt.body) {
					http.Error(w, "body: "+err.Error(), http.StatusBadRequest)
					return
				}
				select {
				case <-r.Context().Done():
					// The deadline left on the connection cut net/http's
					// watch for a vanished client, which cancels the request.
					http.Error(w, "context ended while working: "+r.Context().Err().Error(), http.StatusInternalServerError)
					return
				case <-time.After(5 * timeout):
				}
				io.WriteString(w, "done")
			})
			res, err := http.Post("http://"+addr+"/", "text/plain", strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			got, err := io.ReadAll(res.Body)
			if err != nil || res.StatusCode != http.StatusOK || string(got) != "done" {
				t.Errorf("status %d, body %q, err %v; want 200 done", res.StatusCode, got, err)
			}
		})
	}
}
