package archive

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/dxnet"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/storage/storagetest"
)

// shiftedPage is the record page of plays ns (newest first as given),
// each moved by shift.
func shiftedPage(shift time.Duration, ns ...int) *dxnet.RecordPage {
	p := &dxnet.RecordPage{Header: dxnet.Header{Kind: dxnet.KindRecord, Region: maimai.CN}}
	for _, n := range ns {
		pl := playAt(n)
		pl.PlayedAt = pl.PlayedAt.Add(shift)
		pl.Idx = fmt.Sprintf("%d,%d", len(p.Plays), pl.PlayedAt.Unix())
		p.Plays = append(p.Plays, pl)
	}
	return p
}

// TestVisitReportLogBehind: a play imported after the cached play log
// was read (the log read, then the import, then the report's own
// transaction) is reported in its own visit, not in the visit the
// search through the stale log's visits stopped at.
func TestVisitReportLogBehind(t *testing.T) {
	a := openTest(t, storagetest.Location(t, "sqlite"))
	ctx := context.Background()
	mustImport(t, a, "p", "morning.html", shiftedPage(0, 3, 2, 1, 0), Added)
	mustImport(t, a, "p", "evening.html", shiftedPage(12*time.Hour, 7, 6, 5, 4), Added)
	if _, err := a.PlayLog(ctx, "p"); err != nil {
		t.Fatal(err)
	}
	a.hist.mu.Lock()
	stale := a.hist.logs["p"]
	a.hist.mu.Unlock()
	if stale == nil || len(stale.log.Plays) != 8 {
		t.Fatalf("the cached log: %+v", stale)
	}
	// A play in the afternoon, between the two visits.
	mustImport(t, a, "p", "afternoon.html", shiftedPage(6*time.Hour, 8), Added)
	fresh, err := a.PlayLog(ctx, "p")
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	for _, p := range fresh.Plays {
		if p.At.UTC().Hour() == 16 { // 10:24 + 6:00
			id = p.ID
		}
	}
	if len(fresh.Plays) != 9 || id == 0 {
		t.Fatalf("the log after the import: %d plays, the afternoon's id %d", len(fresh.Plays), id)
	}
	// The race: the stale log is taken for current, as when it was read
	// just before the import committed.
	a.hist.mu.Lock()
	stale.version.Store(a.hist.logs["p"].version.Load())
	a.hist.logs["p"] = stale
	a.hist.mu.Unlock()
	if again, _ := a.PlayLog(ctx, "p"); len(again.Plays) != 8 {
		t.Fatalf("the stale log was not kept: %d plays", len(again.Plays))
	}
	rep, err := a.VisitReport(ctx, "p", id, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Plays) != 1 || rep.Plays[0].ID != id || rep.Prev == 0 || rep.Next == 0 {
		t.Errorf("the afternoon's visit: %d plays (first %v), prev %d, next %d; want only play %d between two visits",
			len(rep.Plays), rep.Plays, rep.Prev, rep.Next, id)
	}
}
