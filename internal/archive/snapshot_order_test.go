package archive

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/storage"
)

// permutations lists every order of 0..n-1.
func permutations(n int) [][]int {
	if n == 0 {
		return [][]int{{}}
	}
	var out [][]int
	for _, p := range permutations(n - 1) {
		for i := 0; i <= len(p); i++ {
			q := append(append(append([]int{}, p[:i]...), n-1), p[i:]...)
			out = append(out, q)
		}
	}
	return out
}

// snapshotTrophies lists the player's snapshots as "hour trophy".
func snapshotTrophies(t *testing.T, a *Archive, player string) []string {
	t.Helper()
	var out []string
	err := a.db.View(context.Background(), func(tx *storage.Tx) error {
		pid, err := tx.PlayerID(context.Background(), player)
		if err != nil {
			return err
		}
		ss, err := tx.Snapshots(context.Background(), pid)
		for _, s := range ss {
			i := bytes.Index(s.Data, []byte(`"trophy":"`))
			if i < 0 {
				return fmt.Errorf("snapshot %s has no trophy", s.Data)
			}
			tr := s.Data[i+10:]
			tr = tr[:bytes.IndexByte(tr, '"')]
			out = append(out, fmt.Sprintf("%02d %s", s.ObservedAt.Hour(), tr))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSnapshotImportOrder imports home pages whose trophy changes and
// changes back in every order: the snapshots are always the observations
// with consecutive repeats collapsed, the same as a reparse gives.
func TestSnapshotImportOrder(t *testing.T) {
	tmpl, err := os.ReadFile("../dxnet/testdata/home-cn-2020.html")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(tmpl, []byte("<span>M.A.I.</span>")) {
		t.Fatal("home-cn-2020.html no longer shows the trophy M.A.I.")
	}
	page := func(trophy string) []byte {
		return bytes.Replace(tmpl, []byte("<span>M.A.I.</span>"), []byte("<span>"+trophy+"</span>"), 1)
	}
	day := time.Date(2025, 11, 20, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		trophies []string // observed an hour apart from 01:00
		want     []string
	}{
		{"A B A", []string{"A", "B", "A"}, []string{"01 A", "02 B", "03 A"}},
		{"A A B B", []string{"A", "A", "B", "B"}, []string{"01 A", "03 B"}},
		{"A B B A", []string{"A", "B", "B", "A"}, []string{"01 A", "02 B", "04 A"}},
		{"A A B A", []string{"A", "A", "B", "A"}, []string{"01 A", "03 B", "04 A"}},
	}
	for n, tt := range tests {
		dbs := []string{"sqlite"}
		if n == 0 {
			dbs = append(dbs, "mysql", "postgres")
		}
		for _, db := range dbs {
			t.Run(tt.name+"/"+db, func(t *testing.T) {
				for _, order := range permutations(len(tt.trophies)) {
					a := openDB(t, db)
					for _, i := range order {
						src := Source{Name: fmt.Sprintf("home-%d.html", i), Data: page(tt.trophies[i]),
							ObservedAt: day.Add(time.Duration(i+1) * time.Hour)}
						// Same trophy, same bytes: make each observation a page of its own.
						src.Data = append(src.Data, fmt.Sprintf("\n<!-- %d -->", i)...)
						if r := a.Import(context.Background(), "me", src); r.Status == Rejected {
							t.Fatalf("order %v: import %s: %v", order, src.Name, r.Err)
						}
					}
					got := strings.Join(snapshotTrophies(t, a, "me"), ", ")
					if want := strings.Join(tt.want, ", "); got != want {
						t.Errorf("order %v: snapshots %s, want %s", order, got, want)
					}
					if _, err := a.Reparse(context.Background(), "me"); err != nil {
						t.Fatal(err)
					}
					if again := strings.Join(snapshotTrophies(t, a, "me"), ", "); again != got {
						t.Errorf("order %v: reparse gives %s, import gave %s", order, again, got)
					}
				}
			})
		}
	}
}

// TestSnapshotRestoreMerge splits the home pages between two archives in
// every way and restores one's export into the other: the snapshots are
// the same as when every page was imported into one archive.
func TestSnapshotRestoreMerge(t *testing.T) {
	tmpl, err := os.ReadFile("../dxnet/testdata/home-cn-2020.html")
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2025, 11, 20, 0, 0, 0, 0, time.UTC)
	src := func(i int, trophy string) Source {
		b := bytes.Replace(tmpl, []byte("<span>M.A.I.</span>"), []byte("<span>"+trophy+"</span>"), 1)
		return Source{Name: fmt.Sprintf("home-%d.html", i), Data: append(b, fmt.Sprintf("\n<!-- %d -->", i)...),
			ObservedAt: day.Add(time.Duration(i+1) * time.Hour)}
	}
	tests := []struct {
		trophies []string
		want     string
	}{
		{[]string{"A", "B", "A"}, "01 A, 02 B, 03 A"},
		{[]string{"A", "B", "B", "A"}, "01 A, 02 B, 04 A"},
		{[]string{"A", "A", "B", "A"}, "01 A, 03 B, 04 A"},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(strings.Join(tt.trophies, " "), func(t *testing.T) {
			n := len(tt.trophies)
			for mask := 0; mask < 1<<n; mask++ {
				a, b := openDB(t, "sqlite"), openDB(t, "sqlite")
				for i, tr := range tt.trophies {
					to := a
					if mask&(1<<i) != 0 {
						to = b
					}
					if r := to.Import(ctx, "me", src(i, tr)); r.Status == Rejected {
						t.Fatal(r.Err)
					}
				}
				if mask == 0 {
					// b has no player to export.
					continue
				}
				file := export(t, b, "me")
				if r := a.Import(ctx, "me", Source{Name: "b.json", Data: file}); r.Status == Rejected {
					t.Fatalf("split %b: restore: %v", mask, r.Err)
				}
				if got := strings.Join(snapshotTrophies(t, a, "me"), ", "); got != tt.want {
					t.Errorf("split %b: snapshots %s, want %s", mask, got, tt.want)
				}
				if r := a.Import(ctx, "me", Source{Name: "b.json", Data: file}); r.Status != Unchanged {
					t.Errorf("split %b: second restore %s %+v %v", mask, r.Status, r.Added, r.Err)
				}
			}
		})
	}
}
