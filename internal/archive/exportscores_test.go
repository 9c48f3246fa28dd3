package archive

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/fixtures"
	"github.com/maiprobe/maiprobe/internal/interchange"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

// TestExportScores: on a generated archive over the real CN song data,
// every play and best comes out with its chart's official id, level and
// constant, plays oldest first with their details; ScoresSince keeps only
// what came after; and the diving-fish and Lxns writers skip nothing but
// utage (every chart is known).
func TestExportScores(t *testing.T) {
	ctx := context.Background()
	raw, err := os.ReadFile(fixtures.Shared(t, "data/songs/divingfish-music_data.cn.json"))
	if err != nil {
		t.Fatal(err)
	}
	a := openTest(t, filepath.Join(t.TempDir(), "export.db"))
	end := GenDefaultEnd.AddDate(0, 0, 1)
	a.now = func() time.Time { return end }
	syncFrom(t, a, serveSongs(t, &raw))
	if _, err := a.Generate(ctx, GenOptions{Player: "gen", Plays: 400, Seed: 9}); err != nil {
		t.Fatal(err)
	}
	s, err := a.ExportScores(ctx, "gen", ScoresSince{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Region != maimai.CN || len(s.Plays) != 400 {
		t.Fatalf("region %q, %d plays; want cn and 400", s.Region, len(s.Plays))
	}
	details := 0
	for i, p := range s.Plays {
		if p.SongID == 0 || p.ChartData.Level == "" || (p.Difficulty != maimai.Utage && p.Constant <= 0) {
			t.Fatalf("play %d (%s %s): %+v, want the song data's id, level and constant", p.ID, p.Title, p.Difficulty, p.ChartData)
		}
		if p.Type == maimai.DX && p.Difficulty != maimai.Utage && p.SongID < 10000 {
			t.Errorf("DX play of %s has id %d, want the DX id (10000 +)", p.Title, p.SongID)
		}
		if i > 0 && p.PlayedAt.Before(s.Plays[i-1].PlayedAt) {
			t.Fatalf("play %d before the one above it: want oldest first", p.ID)
		}
		if p.Detail != nil {
			details++
		}
	}
	if details == 0 {
		t.Error("no play came with its detail")
	}
	if len(s.Bests) == 0 {
		t.Fatal("no bests")
	}
	for _, b := range s.Bests {
		if b.SongID == 0 || b.Constant <= 0 && b.Difficulty != maimai.Utage {
			t.Fatalf("best of %s %s: %+v, want its song id and constant", b.Title, b.Difficulty, b.ChartData)
		}
	}
	for _, f := range []interchange.ExportFormat{interchange.ExportDivingFish, interchange.ExportLxns} {
		skipped, err := interchange.Write(&bytes.Buffer{}, f, s)
		if err != nil {
			t.Fatal(err)
		}
		for _, sk := range skipped {
			if sk.Difficulty != maimai.Utage {
				t.Errorf("%s skipped %s", f, sk)
			}
		}
	}

	// What a sync sends next time: plays after the last id, bests changed since.
	mid := s.Plays[199].ID
	later, err := a.ExportScores(ctx, "gen", ScoresSince{PlaysAfter: mid, BestsSince: end.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if len(later.Plays) != 200 || later.Plays[0].ID <= mid {
		t.Errorf("after id %d: %d plays from id %d, want the 200 after it", mid, len(later.Plays), later.Plays[0].ID)
	}
	if len(later.Bests) != 0 {
		t.Errorf("%d bests changed after the last import, want 0", len(later.Bests))
	}
	if _, err := a.ExportScores(ctx, "nobody", ScoresSince{}); err == nil {
		t.Error("an unknown player exported")
	}

	// A Tachi file names songs by id (as the Tachi export writes them):
	// the import names them from the song data and raises the best.
	var p interchange.Play
	for _, x := range s.Plays {
		if x.Difficulty != maimai.Utage && x.Achievement < maimai.MaxAchievement {
			p = x
			break
		}
	}
	batch, _ := interchange.TachiFile([]interchange.Play{p})
	batch.Scores[0].Percent, batch.Scores[0].Lamp = 101, "ALL PERFECT+"
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(batch); err != nil {
		t.Fatal(err)
	}
	if batch.Scores[0].MatchType != "inGameID" {
		t.Fatalf("the Tachi export matched %s by %s", p.Title, batch.Scores[0].MatchType)
	}
	res := a.Import(ctx, "gen", Source{Name: "tachi.json", Data: buf.Bytes(), ObservedAt: end})
	if res.Err != nil || res.Status != Added {
		t.Fatalf("import the Tachi file: %v %v", res.Status, res.Err)
	}
	cv, err := a.Chart(ctx, "gen", p.Chart)
	if err != nil || cv.Best == nil || cv.Best.Achievement != maimai.MaxAchievement || cv.Best.FC != maimai.APP {
		t.Errorf("best of %s after the Tachi file: %+v, %v", p.Title, cv.Best, err)
	}
	batch.Scores[0].Identifier = "999999"
	buf.Reset()
	json.NewEncoder(&buf).Encode(batch)
	if res := a.Import(ctx, "gen", Source{Name: "tachi2.json", Data: buf.Bytes(), ObservedAt: end}); res.Status != Rejected ||
		!strings.Contains(res.Err.Error(), "song id 999999 is not in the song data") {
		t.Errorf("a Tachi file with an unknown id: %v %v", res.Status, res.Err)
	}
}
