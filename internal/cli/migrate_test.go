package cli

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/maiprobe/maiprobe/internal/storage"
	"github.com/maiprobe/maiprobe/internal/storage/storagetest"
)

// TestMigrate: maiprobe migrate brings a fresh archive (SQLite, and
// MariaDB and PostgreSQL when configured) to the last migration of the
// build, several at once without error, and changes nothing when run
// again.
func TestMigrate(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "storage", "migrations", "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no migrations found: %v", err)
	}
	last, err := strconv.Atoi(strings.SplitN(filepath.Base(files[len(files)-1]), "_", 2)[0])
	if err != nil {
		t.Fatal(err)
	}
	storagetest.Run(t, func(t *testing.T, loc string) {
		env := map[string]string{"MAIPROBE_LANG": "en", "MAIPROBE_DB": loc}
		// A deploy pipeline and cold starts may run it at once.
		var wg sync.WaitGroup
		codes, outs := make([]int, 4), make([]string, 4)
		for i := range codes {
			wg.Go(func() { codes[i], outs[i] = runFor(t, env, "migrate") })
		}
		wg.Wait()
		want := "schema version " + strconv.Itoa(last)
		for i := range codes {
			if codes[i] != exitOK || !strings.Contains(outs[i], want) {
				t.Errorf("migrate %d of 4 at once: exit %d, want 0 with %q:\n%s", i, codes[i], want, outs[i])
			}
		}
		db, err := storage.Open(context.Background(), loc)
		if err != nil {
			t.Fatal(err)
		}
		v, err := db.SchemaVersion(context.Background())
		db.Close()
		if err != nil || v != last {
			t.Fatalf("schema version %d (%v), want %d", v, err, last)
		}
		counts := rowCounts(t, loc)
		// Idempotent: again, and nothing changes.
		code, out := runFor(t, env, "migrate")
		if code != exitOK || !strings.Contains(out, want) {
			t.Errorf("migrate again: exit %d:\n%s", code, out)
		}
		if again := rowCounts(t, loc); !maps.Equal(counts, again) {
			t.Errorf("a second migrate changed the archive: %v, then %v", counts, again)
		}
		if code, out := runFor(t, env, "migrate", "extra"); code != exitUsage {
			t.Errorf("migrate extra: exit %d, want 2:\n%s", code, out)
		}
	})
	// A location that is no database fails with the reason.
	bad := filepath.Join(t.TempDir(), "no-such-dir", "a.db")
	if code, out := runFor(t, map[string]string{"MAIPROBE_DB": bad}, "migrate"); code != exitFail || out == "" {
		t.Errorf("migrate of %s: exit %d, want 1 with the reason:\n%s", bad, code, out)
	}
	if _, err := os.Stat(bad); err == nil {
		t.Errorf("%s was created", bad)
	}
}
