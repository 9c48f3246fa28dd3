package rival_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/rival"
)

// TestCompareWithExport is the "compare with a diving-fish export" flow
// the rival page and docs/api.md describe: the export goes into a player
// of its own through the one import path, and is then compared like any
// player, its five bests on their charts.
func TestCompareWithExport(t *testing.T) {
	ctx := context.Background()
	a, err := archive.Open(ctx, filepath.Join(t.TempDir(), "rival.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	rec, err := os.ReadFile(filepath.Join("..", "dxnet", "testdata", "record-cn-mixed.html"))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 1, 2, 12, 0, 0, 0, time.UTC)
	if res := a.Import(ctx, "mai", archive.Source{Name: "record.html", Data: rec, ObservedAt: at}); res.Err != nil {
		t.Fatal(res.Err)
	}
	df, err := os.ReadFile(filepath.Join("..", "interchange", "testdata", "divingfish-records.json"))
	if err != nil {
		t.Fatal(err)
	}
	res := a.ImportWith(ctx, archive.Source{Name: "records.json", Data: df, ObservedAt: at}, archive.ImportOptions{Player: "friend-df"})
	if res.Err != nil || res.Added.Scores != 5 {
		t.Fatalf("import the export: %+v %v", res.Added, res.Err)
	}
	cmp, err := rival.Load(ctx, a, "mai", "friend-df", archive.SongFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if got := cmp.Summary.Both + cmp.Summary.OnlyRival; got != 5 {
		t.Errorf("the export's side has %d charts, want its 5 bests: %+v", got, cmp.Summary)
	}
	var found bool
	for _, r := range cmp.Rows {
		if r.Title == "群青シグナル" && r.Type == maimai.DX && r.Difficulty == maimai.Master {
			found = r.Rival != nil && r.Rival.Achievement == 1005432 && r.Rival.FC == maimai.FCP
		}
	}
	if !found {
		t.Errorf("the export's 群青シグナル MASTER best is not the rival's side: %+v", cmp.Rows)
	}
	if cmp.Summary.OnlyMe == 0 {
		t.Errorf("mai's own plays are not on their side: %+v", cmp.Summary)
	}
}
