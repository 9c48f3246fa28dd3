package songs

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/maiprobe/maiprobe/internal/dxnet"
	"github.com/maiprobe/maiprobe/internal/fixtures"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

// TestRecordFixturesMatch matches every play on the saved CN record pages
// against the CN data: none may be left unmatched.
func TestRecordFixturesMatch(t *testing.T) {
	db := sharedDB(t, "divingfish-music_data.cn.json", "")
	files, err := filepath.Glob(filepath.Join(fixtures.DXNet(t, "cn"), "record-*.html"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no CN record fixtures: %v", err)
	}
	plays := 0
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			page, err := dxnet.Parse(b)
			if err != nil {
				t.Fatal(err)
			}
			rec, ok := page.(*dxnet.RecordPage)
			if !ok {
				t.Fatalf("parsed as %T, want a record page", page)
			}
			for _, p := range rec.Plays {
				plays++
				c, err := db.Match(QueryOf(p.Chart, p.Level, "", p.Jacket))
				if err != nil {
					t.Errorf("track %d at %s: %v", p.Track, p.PlayedAt, err)
					continue
				}
				if c.Difficulty != p.Difficulty || (!c.Song.Utage && c.Song.Type != p.Type) {
					t.Errorf("%q matched %s", p.Title, c)
				}
			}
		})
	}
	if plays < 100 {
		t.Errorf("matched %d plays, want the 100 of the two fixture pages", plays)
	}
	if !errors.Is(nil, ErrNoMatch) && maimai.CN != db.Region {
		t.Error("unreachable")
	}
}
