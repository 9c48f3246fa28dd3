package archive

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/dxnet"
)

// TestSyntheticPagesAreSane holds the parser package's hand-written pages
// to the same rules as real ones: a synthetic page the archive would
// reject as misparsed (an AP+ below 101%, a rank that does not fit) tests
// the parser against a page the site could never show.
func TestSyntheticPagesAreSane(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "dxnet", "testdata", "*.html"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no synthetic pages found: %v", err)
	}
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	checked := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		page, err := dxnet.Parse(b)
		if err != nil || !page.Head().IsData() {
			continue // the rejection cases, tested in dxnet
		}
		checked++
		if err := check(page, now); err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
		}
	}
	if checked < 10 {
		t.Errorf("only %d synthetic data pages checked", checked)
	}
}
