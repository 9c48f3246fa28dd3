package archive

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/fixtures"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/songs"
)

// TestGenerateRealCharts: with CN song data synced, gen plays the data's
// charts: every play links to a chart of the data, the player has a B50
// (both tables), targets and plate progress, note counts agree with the
// data and the judgement tables, AP+ at 101% happens, and the same flags
// and data give the same archive.
func TestGenerateRealCharts(t *testing.T) {
	ctx := context.Background()
	raw, err := os.ReadFile(fixtures.Shared(t, "data/songs/divingfish-music_data.cn.json"))
	if err != nil {
		t.Fatal(err)
	}
	gen := func() *Archive {
		a := openTest(t, filepath.Join(t.TempDir(), "gen.db"))
		end := GenDefaultEnd.AddDate(0, 0, 1)
		a.now = func() time.Time { return end }
		syncFrom(t, a, serveSongs(t, &raw))
		if _, err := a.Generate(ctx, GenOptions{Player: "gen", Plays: 4000, Seed: 5}); err != nil {
			t.Fatal(err)
		}
		return a
	}
	a := gen()

	db, err := a.SongDatabase(ctx, maimai.CN)
	if err != nil {
		t.Fatal(err)
	}
	un, err := a.UnmatchedCharts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(un) != 0 {
		t.Errorf("%d generated charts are not charts of the song data, e.g. %+v", len(un), un[0])
	}

	list, err := a.ListPlays(ctx, "gen", PlayFilter{}, 0, 5000)
	if err != nil {
		t.Fatal(err)
	}
	if list.Total != 4000 {
		t.Fatalf("%d plays, want 4000", list.Total)
	}
	app := 0
	for _, p := range list.Plays {
		if p.Info.Link != LinkMatched || !p.Info.Constant.Known() || p.Info.Level == "" {
			t.Fatalf("play of %s %s %s: %+v, want a matched chart with a level and a constant", p.Title, p.Type, p.Difficulty, p.Info)
		}
		c, err := db.Match(songs.Query{Title: p.Title, Type: p.Type, Difficulty: p.Difficulty})
		if err != nil {
			t.Fatalf("play of %s: %v", p.Title, err)
		}
		if p.DXScoreMax != 3*c.Notes.Total() || p.Level != c.Level {
			t.Errorf("%s %s: DX score max %d and level %q, want 3 × %d notes and %q", p.Title, p.Difficulty, p.DXScoreMax, p.Level, c.Notes.Total(), c.Level)
		}
		if p.FC == maimai.APP {
			app++
			if p.Achievement != maimai.MaxAchievement || p.DXScore != p.DXScoreMax {
				t.Errorf("AP+ on %s at %s with DX score %d/%d, want 101%% and the maximum", p.Title, p.Achievement, p.DXScore, p.DXScoreMax)
			}
		}
	}
	if app == 0 {
		t.Error("no AP+ in 4,000 plays")
	}

	// Every detail's judgement table has the chart's notes, kind by kind.
	details := 0
	for _, p := range list.Plays {
		if !p.HasDetail {
			continue
		}
		pv, err := a.PlayByID(ctx, "gen", p.ID)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := db.Match(songs.Query{Title: p.Title, Type: p.Type, Difficulty: p.Difficulty})
		j := pv.Play.Detail.Judgements
		for _, k := range []struct {
			name string
			row  *maimai.NoteJudgement
			want int
		}{{"tap", j.Tap, c.Notes.Tap}, {"hold", j.Hold, c.Notes.Hold}, {"slide", j.Slide, c.Notes.Slide}, {"touch", j.Touch, c.Notes.Touch}, {"break", j.Break, c.Notes.Break}} {
			got := 0
			if r := k.row; r != nil {
				got = r.CriticalPerfect + r.Perfect + r.Great + r.Good + r.Miss
			}
			if got != k.want {
				t.Errorf("detail of %s %s: %d %s notes, the data has %d", p.Title, p.Difficulty, got, k.name, k.want)
			}
		}
		if details++; details >= 40 {
			break
		}
	}
	if details == 0 {
		t.Error("no play detail was generated")
	}
	// And every play agrees with itself, every detail with its table.
	checkGenPlays(t, a, "gen")

	r, err := a.Rating(ctx, "gen", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.New) == 0 || len(r.Old) != 35 || r.Total < 5000 {
		t.Errorf("B50: %d new, %d old, total %d; want both tables, the old one full", len(r.New), len(r.Old), r.Total)
	}
	t.Logf("4,000 plays over real charts: rating %d (%d new, %d old), %d AP+", r.Total, len(r.New), len(r.Old), app)
	// The saved home pages show the rating the archive computes for when
	// they were saved (the last visit may have saved none).
	o, err := a.Overview(ctx, "gen", 1)
	if err != nil {
		t.Fatal(err)
	}
	if o.Profile == nil {
		t.Fatal("no home page saved")
	}
	then, err := a.Rating(ctx, "gen", o.Profile.ObservedAt)
	if err != nil {
		t.Fatal(err)
	}
	if o.Profile.Rating != then.Total {
		t.Errorf("the last home page (%s) shows %d, want the rating computed then, %d", o.Profile.ObservedAt, o.Profile.Rating, then.Total)
	}
	targets, err := a.RatingTargets(ctx, "gen", 20)
	if err != nil {
		t.Fatal(err)
	}
	if len(targets.Targets) == 0 {
		t.Error("no rating targets")
	}
	plates, err := a.Plates(ctx, "gen")
	if err != nil {
		t.Fatal(err)
	}
	done := 0
	for _, p := range plates.Plates {
		done += len(p.Done)
	}
	if len(plates.Plates) == 0 || done == 0 {
		t.Errorf("%d plates with %d charts done, want progress", len(plates.Plates), done)
	}

	// The same flags and song data give the same archive.
	_, e1 := genState(t, a)
	_, e2 := genState(t, gen())
	if e1 != e2 {
		t.Error("two runs over the same song data differ")
	}
}
