package archive

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/constants"
	"github.com/maiprobe/maiprobe/internal/fixtures"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/songs"
	"github.com/maiprobe/maiprobe/internal/storage"
)

// TestLearnHiddenConstants: gen hides a tenth of the CN song data's
// constants after printing, on every play's detail, the rating the true
// ones give; the estimator must pin the true constant of at least 95% of
// the hidden charts that a play moved the rating on (the denominator: every
// hidden chart with a detail whose printed change is not 0), pin none
// wrongly, and the rating must count the pinned ones, marked.
func TestLearnHiddenConstants(t *testing.T) {
	raw, err := os.ReadFile(fixtures.Shared(t, "data/songs/divingfish-music_data.cn.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []GenOptions{
		{Plays: 3000, Seed: 7, DetailEvery: 1, HideConstants: 0.1},
		// Three times as many hidden: more unknown charts in the B50 at once.
		{Plays: 6000, Seed: 8, DetailEvery: 1, HideConstants: 0.3},
	} {
		t.Run(fmt.Sprintf("hide_%.0f%%_of_%d", 100*o.HideConstants, o.Plays), func(t *testing.T) { learnHidden(t, raw, o) })
	}
}

func learnHidden(t *testing.T, raw []byte, o GenOptions) {
	ctx := context.Background()
	a := openTest(t, filepath.Join(t.TempDir(), "gen.db"))
	end := GenDefaultEnd.AddDate(0, 0, 1)
	a.now = func() time.Time { return end }
	syncFrom(t, a, serveSongs(t, &raw))
	o.Player = "gen"
	rep, err := a.Generate(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Hidden) == 0 {
		t.Fatal("gen hid no constant")
	}
	truth := map[maimai.Chart]songs.Constant{}
	for _, h := range rep.Hidden {
		truth[h.Chart] = h.Constant
	}
	// The honest denominator, read from the stored details, not from the
	// estimator: hidden charts with a play whose printed rating changed.
	moved := map[maimai.Chart]bool{}
	err = a.db.View(ctx, func(tx *storage.Tx) error {
		id, err := tx.PlayerID(ctx, "gen")
		if err != nil {
			return err
		}
		plays, err := tx.RatedPlays(ctx, id)
		for _, p := range plays {
			var d maimai.PlayDetail
			if err := json.Unmarshal(p.Detail, &d); err != nil {
				return err
			}
			if _, hidden := truth[p.Chart]; hidden && d.RatingDelta != 0 {
				moved[p.Chart] = true
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(moved) < 15 {
		t.Fatalf("only %d hidden charts had a play that moved the rating; the test needs more to measure a share", len(moved))
	}

	r, err := a.ConstantEstimates(ctx, "gen")
	if err != nil {
		t.Fatal(err)
	}
	if r.Unaligned != 0 || len(r.Disagreements) != 0 {
		t.Errorf("%d plays unaligned and %d disagreements, want none: gen's archive has every best and true song data",
			r.Unaligned, len(r.Disagreements))
	}
	recovered := 0
	pinned := map[maimai.Chart]bool{}
	for _, e := range r.Estimates {
		c := maimai.Chart{Title: e.Title, Type: e.Type, Difficulty: e.Difficulty}
		want, hidden := truth[c]
		if !hidden {
			t.Errorf("estimate of %v, which gen did not hide", c)
			continue
		}
		lo, hi := e.Range()
		switch {
		case e.Status == constants.Contradiction:
			t.Errorf("%v: contradiction %+v", c, e.Evidence)
		case want < lo || want > hi:
			t.Errorf("%v: true constant %s outside the estimate %v", c, want, e.Candidates)
		case e.Status == constants.Certain:
			pinned[c] = true
			if moved[c] {
				recovered++
			}
		}
	}
	share := float64(recovered) / float64(len(moved))
	t.Logf("%d constants hidden, %d on charts a play moved the rating on; %d of those pinned to the true constant (%.1f%%); %d estimates in all; %d plays, %d used",
		len(rep.Hidden), len(moved), recovered, 100*share, len(r.Estimates), r.Plays, r.Used)
	if share < 0.95 {
		t.Errorf("recovered %.1f%% of the hidden constants a play moved the rating on, want at least 95%%", 100*share)
	}

	rt, err := a.Rating(ctx, "gen", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	marked := 0
	for _, e := range append(rt.New, rt.Old...) {
		c := maimai.Chart{Title: e.Title, Type: e.Type, Difficulty: e.Difficulty}
		if e.Estimated {
			marked++
			if !pinned[c] || e.Constant != truth[c] {
				t.Errorf("%v counted at estimated %s, want the pinned true %s", c, e.Constant, truth[c])
			}
		} else if _, hidden := truth[c]; hidden {
			t.Errorf("%v counted with song data's %s, but its constant was hidden", c, e.Constant)
		}
	}
	for _, e := range rt.Unknown {
		if pinned[maimai.Chart{Title: e.Title, Type: e.Type, Difficulty: e.Difficulty}] {
			t.Errorf("%s is pinned but left out of the rating as unknown", e.Title)
		}
	}
	t.Logf("%d estimated constants counted in the B50", marked)
}

// TestEstimatedSameTitle: the learned constants the rating and the pages
// count leave out a chart two songs of one title share (its estimate
// could be the other song's), whether the other's estimate agrees with
// the song data or not, and keep the certain estimates of every other
// chart.
func TestEstimatedSameTitle(t *testing.T) {
	twin := func(id int, c songs.Constant) ConstantEstimate {
		return ConstantEstimate{Title: "Link", Type: maimai.Std, Difficulty: maimai.Master, SongID: id, Status: constants.Certain, Constant: c}
	}
	other := ConstantEstimate{Title: "Other", Type: maimai.DX, Difficulty: maimai.Expert, SongID: 3, Status: constants.Certain, Constant: 127}
	ranged := ConstantEstimate{Title: "Ranged", Type: maimai.DX, Difficulty: maimai.Master, SongID: 4, Status: constants.Ranged}
	link := maimai.Chart{Title: "Link", Type: maimai.Std, Difficulty: maimai.Master}
	for name, r := range map[string]*ConstantReport{
		"both estimated":  {Estimates: []ConstantEstimate{twin(1, 131), other, ranged, twin(2, 138)}},
		"one disagreeing": {Estimates: []ConstantEstimate{twin(1, 131), other, ranged}, Disagreements: []ConstantEstimate{twin(2, 138)}},
	} {
		est := r.estimated()
		if c, ok := est[link]; ok {
			t.Errorf("%s: the shared chart counts %v", name, c)
		}
		if c := est[maimai.Chart{Title: "Other", Type: maimai.DX, Difficulty: maimai.Expert}]; c != 127 || len(est) != 1 {
			t.Errorf("%s: %v, want only Other's 12.7", name, est)
		}
	}
	alone := (&ConstantReport{Estimates: []ConstantEstimate{twin(1, 131)}}).estimated()
	if alone[link] != 131 {
		t.Errorf("a title only one song has: %v, want 13.1", alone)
	}
}
