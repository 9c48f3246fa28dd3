package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/maiprobe/maiprobe/internal/archive"
)

// TestLineErrorTextOther: a 分数线 that failed for a reason that is not
// the player's (a database error) shows the localized server-failure text
// in each language, never the storage's English text, and the error goes
// to the log; a refusal still says its own reason.
func TestLineErrorTextOther(t *testing.T) {
	var logged bytes.Buffer
	s := &Server{log: slog.New(slog.NewTextHandler(&logged, nil))}
	failure := fmt.Errorf("archive: line: %w", errors.New("storage: read chart: database is locked"))
	for _, lang := range []string{"zh", "en"} {
		r := httptest.NewRequest("GET", "/p/default/chart?title=x", nil)
		r = r.WithContext(context.WithValue(r.Context(), stateKey{}, &reqState{Lang: lang}))
		got := s.lineErrorText(r, failure)
		if got == "" || got == "line.err.failed" || got != text(r, "line.err.failed") || strings.Contains(got, "storage") {
			t.Errorf("%s: %q", lang, got)
		}
		refused := s.lineErrorText(r, &archive.LineError{Problem: archive.LineNoConstant})
		if refused != text(r, "line.err.no_constant") {
			t.Errorf("%s: a refusal reads %q", lang, refused)
		}
	}
	if n := strings.Count(logged.String(), "database is locked"); n != 2 {
		t.Errorf("the failure logged %d times, want 2:\n%s", n, logged.String())
	}
}
