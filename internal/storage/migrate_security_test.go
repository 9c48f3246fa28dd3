package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/dxnet"
	"github.com/maiprobe/maiprobe/internal/storage/storagetest"
)

// racers is how many processes (or connections) open one fresh archive at
// once: a serverless cold start burst.
const racers = 8

// TestMigrateProcessesAtOnce is issue 8's attack 5: several processes open
// a fresh archive at once. Without the migration lock most of them failed
// with "Table 'players' already exists" (PostgreSQL: a duplicate pg_type)
// and never imported their page. Here racers real maiprobe processes, let
// go together, each import a record page for a player of their own into
// one fresh database; all must exit 0 and every play must be stored.
func TestMigrateProcessesAtOnce(t *testing.T) {
	page, err := os.ReadFile(filepath.Join("..", "dxnet", "testdata", "record-cn-mixed.html"))
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := dxnet.Parse(page)
	if err != nil {
		t.Fatal(err)
	}
	wantPlays := len(parsed.(*dxnet.RecordPage).Plays)
	if wantPlays == 0 {
		t.Fatal("the record page has no plays to import")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "record.html")
	if err := os.WriteFile(file, page, 0o644); err != nil {
		t.Fatal(err)
	}
	bin := buildMaiprobe(t, dir)

	for _, dbName := range storagetest.Databases {
		t.Run(dbName, func(t *testing.T) {
			loc := storagetest.Location(t, dbName)
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			type result struct {
				out []byte
				err error
			}
			results := make([]result, racers)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range racers {
				cmd := exec.CommandContext(ctx, bin, "import", "--db", loc, "--player", fmt.Sprintf("p%d", i), "--lang", "en", file)
				cmd.Env = append(os.Environ(), "MAIPROBE_DB=", "MAIPROBE_PLAYER=")
				var out bytes.Buffer
				cmd.Stdout, cmd.Stderr = &out, &out
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					err := cmd.Run()
					results[i] = result{out.Bytes(), err}
				}()
			}
			close(start)
			wg.Wait()
			for i, r := range results {
				if r.err != nil {
					t.Errorf("process %d: %v\n%s", i, r.err, r.out)
				}
			}

			db, err := Open(context.Background(), loc)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			plays := map[string]int{}
			rows, err := db.r.Query("SELECT p.name, COUNT(pl.id) FROM players p LEFT JOIN plays pl ON pl.player_id = p.id GROUP BY p.name")
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			for rows.Next() {
				var name string
				var n int
				if err := rows.Scan(&name, &n); err != nil {
					t.Fatal(err)
				}
				plays[name] = n
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			for i := range racers {
				if name := fmt.Sprintf("p%d", i); plays[name] != wantPlays {
					t.Errorf("player %s has %d plays, want %d", name, plays[name], wantPlays)
				}
			}
			checkMigratedOnce(t, db)
		})
	}
}

// buildMaiprobe builds the command into dir, so the test runs the binary
// users run.
func buildMaiprobe(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "maiprobe")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/maiprobe/maiprobe/cmd/maiprobe").CombinedOutput()
	if err != nil {
		t.Fatalf("go build ./cmd/maiprobe: %v\n%s", err, out)
	}
	return bin
}

// checkMigratedOnce checks that every migration is recorded once.
func checkMigratedOnce(t *testing.T, db *DB) {
	t.Helper()
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	var n, top int
	if err := db.r.QueryRow("SELECT COUNT(*), MAX(version) FROM schema_migrations").Scan(&n, &top); err != nil {
		t.Fatal(err)
	}
	if n != len(ms) || top != ms[len(ms)-1].version {
		t.Errorf("schema_migrations has %d rows up to %d, want %d up to %d", n, top, len(ms), ms[len(ms)-1].version)
	}
}

// TestMigrateOpenAtOnce opens one fresh archive from racers pools at once,
// as racers processes would, within one test process.
func TestMigrateOpenAtOnce(t *testing.T) {
	storagetest.Run(t, func(t *testing.T, loc string) {
		ctx := context.Background()
		errs := make([]error, racers)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range racers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				db, err := Open(ctx, loc)
				if err == nil {
					err = db.Close()
				}
				errs[i] = err
			}()
		}
		close(start)
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		db, err := Open(ctx, loc)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		checkMigratedOnce(t, db)
	})
}

// TestMigrateLockTimeout holds an archive's migration lock and checks that
// a second opener gives up after its wait with an error that says what to
// do, that an archive in another database or schema of the same server is
// not held up, and that the first archive opens once the lock is released.
// SQLite's lock is the writer lock, whose wait is the busy timeout.
func TestMigrateLockTimeout(t *testing.T) {
	for _, dbName := range []string{"mysql", "postgres"} {
		t.Run(dbName, func(t *testing.T) {
			ctx := context.Background()
			loc, other := storagetest.Location(t, dbName), storagetest.Location(t, dbName)
			holder, err := open(loc)
			if err != nil {
				t.Fatal(err)
			}
			defer holder.Close()
			unlock, err := holder.lockMigrations(ctx, time.Second)
			if err != nil {
				t.Fatal(err)
			}
			unlocked := false
			defer func() {
				if !unlocked {
					unlock()
				}
			}()

			waiter, err := open(loc)
			if err != nil {
				t.Fatal(err)
			}
			defer waiter.Close()
			began := time.Now()
			err = waiter.migrate(ctx, time.Second)
			took := time.Since(began)
			if err == nil || !strings.Contains(err.Error(), "another process has been migrating this archive for over 1s") ||
				!strings.Contains(err.Error(), "let it finish and try again") {
				t.Errorf("migrate while another holds the lock: %v; want the lock timeout", err)
			}
			if took < 900*time.Millisecond || took > 10*time.Second {
				t.Errorf("gave up after %s, want about 1s", took)
			}

			neighbour, err := open(other)
			if err != nil {
				t.Fatal(err)
			}
			defer neighbour.Close()
			if err := neighbour.migrate(ctx, time.Second); err != nil {
				t.Errorf("another archive on the same server waited for this one's lock: %v", err)
			}

			unlock()
			unlocked = true
			if err := waiter.migrate(ctx, time.Second); err != nil {
				t.Fatalf("migrate after the lock was released: %v", err)
			}
			checkMigratedOnce(t, waiter)
		})
	}
}
