package archive

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/fixtures"
	"github.com/maiprobe/maiprobe/internal/rating"
	"github.com/maiprobe/maiprobe/internal/songs"
	"github.com/maiprobe/maiprobe/internal/storage/storagetest"
)

// TestPlatesPerPlateFilter: plates, which gives each plate's Progress
// only its own charts and the bests on them, reports what Progress over
// every chart and best of the song data reports (as plates did before),
// on a generated archive of real CN charts.
func TestPlatesPerPlateFilter(t *testing.T) {
	raw, err := os.ReadFile(fixtures.Shared(t, "data/songs/divingfish-music_data.cn.json"))
	if err != nil {
		t.Fatal(err)
	}
	db, err := songs.LoadDivingFish(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	a := openTest(t, storagetest.Location(t, "sqlite"))
	ctx := context.Background()
	if _, err := a.SyncSongs(ctx, db); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Generate(ctx, GenOptions{Player: "gen", Plays: 6000, Seed: 7, End: testNow.Add(-24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	pc, err := a.loadPlayerCharts(ctx, "gen", time.Time{})
	if err != nil || pc == nil {
		t.Fatalf("player charts: %v", err)
	}
	got, err := plates(pc)
	if err != nil {
		t.Fatal(err)
	}
	want := platesEveryChart(t, pc)
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if string(g) != string(w) {
		t.Fatalf("plates differ from Progress over every chart:\n got %.2000s\nwant %.2000s", g, w)
	}
	done := 0
	for _, st := range got.Plates {
		done += len(st.Done)
	}
	if len(got.Plates) < 10 || done == 0 {
		t.Fatalf("%d plates, %d charts done: nothing to compare", len(got.Plates), done)
	}
}

// platesEveryChart is plates as it was: Progress over every chart and
// best for each plate and kind.
func platesEveryChart(t *testing.T, pc *playerCharts) *PlateReport {
	res := &PlateReport{Plates: []PlateStatus{}}
	res.Region, res.Synced = pc.d.region, pc.synced()
	charts, bests, entry := plateInputs(pc)
	for _, p := range rating.Plates(pc.d.region) {
		for _, k := range plateKinds {
			if !p.Has(k) {
				continue
			}
			pp, err := p.Progress(k, charts, bests)
			if err != nil {
				t.Fatal(err)
			}
			if len(pp.Done)+len(pp.Remaining) == 0 {
				continue
			}
			st := PlateStatus{Name: p.Name(k), Prefix: p.Prefix, Kind: k, Done: []PlateEntry{}, Remaining: []PlateEntry{}}
			for _, v := range p.Versions {
				st.Versions = append(st.Versions, v.Name(pc.d.region))
			}
			for _, key := range pp.Done {
				st.Done = append(st.Done, entry[key])
			}
			for _, key := range pp.Remaining {
				st.Remaining = append(st.Remaining, entry[key])
			}
			res.Plates = append(res.Plates, st)
		}
	}
	return res
}
