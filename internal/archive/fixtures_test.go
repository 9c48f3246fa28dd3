package archive

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/fixtures"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

// TestImportRealPages imports every saved page of ../shared/fixtures
// through Import: error pages are rejected, every other page is added, and
// importing them all again changes nothing.
func TestImportRealPages(t *testing.T) {
	ctx := context.Background()
	a, err := Open(ctx, filepath.Join(t.TempDir(), "archive.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	root := fixtures.DXNet(t, "")
	var files []string
	for _, region := range []string{"cn", "intl", "jp"} {
		matches, _ := filepath.Glob(filepath.Join(root, region, "*.html"))
		files = append(files, matches...)
	}
	if len(files) < 10 {
		t.Fatalf("found %d fixture pages under %s, want at least 10", len(files), root)
	}
	observed := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	for pass, want := range []Status{Added, Unchanged} {
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			name := filepath.Base(f)
			// Each page into its own player's archive: the file names
			// say whose page it is (record-mainetcn-1.html).
			res := a.Import(ctx, fixtureOwner(name), Source{Name: name, Data: b, ObservedAt: observed})
			if strings.HasPrefix(name, "error-") {
				if res.Status != Rejected || !errors.Is(res.Err, ErrSitePage) {
					t.Errorf("pass %d %s: %s %v, want rejected as a site page", pass+1, name, res.Status, res.Err)
				}
				continue
			}
			if res.Status != want {
				t.Errorf("pass %d %s: %s (%v), want %s", pass+1, name, res.Status, res.Err, want)
			}
		}
	}
	// Three record pages of 50 plays, three profile pages; the error pages
	// are not stored.
	c, err := a.RowCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c["pages"] != len(files)-2 || c["plays"] != 150 || c["snapshots"] != 3 {
		t.Errorf("rows: %v; want %d pages, 150 plays, 3 snapshots", c, len(files)-2)
	}
	plays, err := a.Plays(ctx, "mainetcn", 0)
	if err != nil {
		t.Fatal(err)
	}
	// cn/record-mainetcn-1.html's newest play.
	found := false
	for _, p := range plays {
		if p.Title == "Desperado Waltz" && p.Region == maimai.CN && p.Achievement == 268277 &&
			p.PlayedAt.Equal(time.Date(2025, 11, 22, 13, 51, 35, 0, time.UTC)) && p.DXScore == 806 && p.DXScoreMax == 3306 {
			found = true
		}
	}
	if !found {
		t.Errorf("no Desperado Waltz play at 26.8277%% from cn/record-mainetcn-1.html among %d plays", len(plays))
	}
}

// fixtureOwner is the player a fixture page belongs to, from its file name:
// "record-mainetcn-1.html" → "mainetcn".
func fixtureOwner(name string) string {
	parts := strings.Split(strings.TrimSuffix(name, ".html"), "-")
	if len(parts) < 3 {
		return "unknown"
	}
	return parts[len(parts)-2]
}
