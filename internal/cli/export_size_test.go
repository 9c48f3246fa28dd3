package cli

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportLargeExport: a page is at most 50 MB, but an export of a whole
// archive may be larger (years of plays with album images): the command
// line restores it. A page over 50 MB is still refused.
func TestImportLargeExport(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(3, 4))
	img := make([]byte, 10<<20) // incompressible, as photos are
	for i := range img {
		img[i] = byte(rng.Uint32())
	}
	var images []string
	for i := range 4 {
		img[0] = byte(i)
		images = append(images, fmt.Sprintf(`{"url":"https://x/%d.jpg","content_type":"image/jpeg","fetched_at":"2026-01-01T00:00:00Z","data":%q}`,
			i, base64.StdEncoding.EncodeToString(img)))
	}
	export := `{"format":"maiprobe-export","version":1,"exported_at":"2026-01-01T00:00:00Z","players":[{"name":"big","created_at":"2026-01-01T00:00:00Z",` +
		`"pages":[],"plays":[],"snapshots":[],"photos":[],"photo_images":[` + strings.Join(images, ",") + `],"scores":[],"score_history":[]}]}`
	if len(export) <= 50<<20 {
		t.Fatalf("the test export is %d bytes, want over 50 MB", len(export))
	}
	big := filepath.Join(dir, "big.json")
	if err := os.WriteFile(big, []byte(export), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "a.db")
	code, out, errOut := run(t, map[string]string{"MAIPROBE_DB": db, "MAIPROBE_LANG": "en"}, "", "import", big)
	if code != exitOK || !strings.Contains(out, "added") {
		t.Fatalf("a %d MB export: exit %d\n%s%s", len(export)>>20, code, out, errOut)
	}
	page := filepath.Join(dir, "page.html")
	if err := os.WriteFile(page, append([]byte("<html>"), make([]byte, 51<<20)...), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = run(t, map[string]string{"MAIPROBE_DB": db, "MAIPROBE_LANG": "en"}, "", "import", page)
	if code != exitFail || !strings.Contains(errOut, "over the 50 MB limit of a page") {
		t.Errorf("a 51 MB page: exit %d\n%s", code, errOut)
	}
}
