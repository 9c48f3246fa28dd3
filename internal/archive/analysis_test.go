package archive

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/analysis"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/rating"
	"github.com/maiprobe/maiprobe/internal/storage"
)

// genSynthetic is a generated archive over the synthetic song data of
// internal/songs/testdata (so its plays have levels and note counts).
func genSynthetic(t *testing.T, plays int) (*Archive, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "a.db")
	a := openTest(t, path)
	end := GenDefaultEnd.AddDate(0, 0, 1)
	a.now = func() time.Time { return end }
	syncFrom(t, a, "../songs/testdata/synthetic-divingfish.json")
	if _, err := a.Generate(context.Background(), GenOptions{Player: "gen", Plays: plays, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	return a, path
}

// TestJudgementSamples: every play with a detail is a sample whose table
// is the detail's, with the song data's level; the losses add up to what
// each achievement misses of 101%; plays stored without the judgements
// column (before migration 18) get it from their detail on first read.
func TestJudgementSamples(t *testing.T) {
	ctx := context.Background()
	a, path := genSynthetic(t, 3000)
	got, err := a.JudgementSamples(ctx, "gen")
	if err != nil {
		t.Fatal(err)
	}
	list, err := a.ListPlays(ctx, "gen", PlayFilter{}, 0, 5000)
	if err != nil {
		t.Fatal(err)
	}
	want := map[time.Time]StoredPlay{}
	for _, p := range list.Plays {
		if p.HasDetail {
			want[p.PlayedAt] = p
		}
	}
	if len(want) == 0 || len(got.Samples) != len(want) || got.Region != maimai.CN {
		t.Fatalf("%d samples in %s, want %d (the plays with a detail)", len(got.Samples), got.Region, len(want))
	}
	for _, s := range got.Samples {
		p, ok := want[s.At]
		if !ok {
			t.Fatalf("sample at %v is no play with a detail", s.At)
		}
		full, err := a.PlayByID(ctx, "gen", p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if s.Table != analysis.TableOf(full.Play.Detail.Judgements) || s.Fast != full.Play.Detail.Fast || s.Late != full.Play.Detail.Late {
			t.Fatalf("sample %+v, detail %+v", s, full.Play.Detail)
		}
		if s.Level == "" || s.Level != p.Info.Level {
			t.Fatalf("sample level %q, play's %q", s.Level, p.Info.Level)
		}
		l := analysis.LossOf(s.Table, s.Achievement)
		if d := l.Total() - float64(maimai.MaxAchievement-s.Achievement)/10000; d > 0.0001 || d < -0.0001 {
			t.Fatalf("losses %+v add to %v, achievement %v", l, l.Total(), s.Achievement)
		}
	}

	// An archive from before migration 18: the migration marks every play
	// with a detail '' (to be computed).
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("UPDATE play_judgements SET judgements = ''"); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	again, err := a.JudgementSamples(ctx, "gen")
	if err != nil || len(again.Samples) != len(got.Samples) || again.Samples[7] != got.Samples[7] {
		t.Fatalf("after clearing the column: %d samples, %v", len(again.Samples), err)
	}
	var left int
	a.db.View(ctx, func(tx *storage.Tx) error {
		id, err := tx.PlayerID(ctx, "gen")
		if err != nil {
			return err
		}
		rows, err := tx.PlayJudgements(ctx, id)
		for _, r := range rows {
			if r.Judgements == "" {
				left++
			}
		}
		return err
	})
	if left != 0 {
		t.Errorf("%d plays still lack their judgements after the first read", left)
	}

	if none, err := a.JudgementSamples(ctx, "default"); err != nil || len(none.Samples) != 0 {
		t.Errorf("empty player: %+v, %v", none, err)
	}
}

func TestLine(t *testing.T) {
	ctx := context.Background()
	a, _ := genSynthetic(t, 1500)
	link := maimai.Chart{Title: "D✪N’T  ST✪P  R✪CKIN’", Type: maimai.Std, Difficulty: maimai.Master}
	l, err := a.Line(ctx, "gen", link, "100.5")
	if err != nil {
		t.Fatal(err)
	}
	// Its standard MASTER has TAP 482, HOLD 24, SLIDE 116, BREAK 47 in
	// the synthetic data.
	want, _ := analysis.NewLine([5]int{482, 24, 116, 0, 47}, 1005000)
	if l.Level != "13+" || l.Allowed["tap"] != want.Allowed["tap"] || l.Allowed["slide"] != want.Allowed["slide"] ||
		l.Notes["break"] != 47 || l.Target.Achievement != 1005000 {
		t.Errorf("line %+v, want %+v at level 13+", l, want)
	}
	// Two songs whose titles fold alike: the error says so.
	if _, err := a.Line(ctx, "gen", maimai.Chart{Title: "Link", Type: maimai.Std, Difficulty: maimai.Master}, "sss"); err == nil || !strings.Contains(err.Error(), "more than one chart") {
		t.Errorf("Link: %v, want the matcher's ambiguity", err)
	}
	if r, err := a.Line(ctx, "gen", link, "sss"); err != nil || r.Target.Achievement != 1000000 {
		t.Errorf("sss: %+v %v", r.Target, err)
	}
	for _, c := range []struct {
		chart  maimai.Chart
		target string
		err    string
	}{
		{maimai.Chart{Title: "No such song", Type: maimai.DX, Difficulty: maimai.Master}, "100.5", "no such chart"},
		{link, "sss++", "give an achievement"},
	} {
		if _, err := a.Line(ctx, "gen", c.chart, c.target); err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%v %s: err %v, want %q", c.chart, c.target, err, c.err)
		}
	}
	if _, err := a.Line(ctx, "gen", maimai.Chart{Title: "Nope", Type: maimai.DX, Difficulty: maimai.Master}, "sss"); !errors.Is(err, ErrNoChart) {
		t.Errorf("unknown chart: %v, want ErrNoChart", err)
	}
}

// TestLineRating: "+N" is the lowest achievement on the chart whose chart
// rating beats what the chart adds now by N.
func TestLineRating(t *testing.T) {
	ctx := context.Background()
	a, _ := genSynthetic(t, 1500)
	pr, err := a.Rating(ctx, "gen", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	rules, err := RulesFor(maimai.CN, a.now())
	if err != nil {
		t.Fatal(err)
	}
	tested := 0
	for _, e := range append(append([]RatingEntry{}, pr.Old...), pr.New...) {
		if e.Achievement >= 1000000 || !e.Constant.Known() {
			continue
		}
		c := maimai.Chart{Title: e.Title, Type: e.Type, Difficulty: e.Difficulty}
		l, err := a.Line(ctx, "gen", c, "+1")
		if err != nil {
			continue // 101% cannot add 1 (a low constant)
		}
		tested++
		at := func(x maimai.Achievement) int { return rules.ChartRating(rating.Constant(e.Constant), x, maimai.NoFC) }
		if at(l.Target.Achievement)-e.Rating < 1 || at(l.Target.Achievement-1)-e.Rating >= 1 {
			t.Errorf("%s: +1 at %v (rating %d there, %d now)", e.Title, l.Target.Achievement, at(l.Target.Achievement), e.Rating)
		}
	}
	if tested == 0 {
		t.Fatal("no chart in the tables could be tested")
	}
}

// TestJudgementSamplesDatabases: on every database, a real detail page's
// play is one sample with the page's table, and a reparse (which deletes
// the player's plays and derives them again) leaves the same sample, not
// two.
func TestJudgementSamplesDatabases(t *testing.T) {
	for _, db := range []string{"sqlite", "mysql", "postgres"} {
		t.Run(db, func(t *testing.T) {
			ctx := context.Background()
			a := openDB(t, db)
			a.now = func() time.Time { return time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC) } // after the page and its play
			if res := a.Import(ctx, "default", parserPage(t, "playlogDetail-cn-dx.html")); res.Status != Added {
				t.Fatalf("import: %s %v", res.Status, res.Err)
			}
			got, err := a.JudgementSamples(ctx, "default")
			if err != nil || len(got.Samples) != 1 {
				t.Fatalf("%d samples, %v; want the one detail", len(got.Samples), err)
			}
			list, err := a.ListPlays(ctx, "default", PlayFilter{}, 0, 10)
			if err != nil || len(list.Plays) != 1 {
				t.Fatalf("plays: %+v %v", list, err)
			}
			full, err := a.PlayByID(ctx, "default", list.Plays[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			if s := got.Samples[0]; s.Table != analysis.TableOf(full.Play.Detail.Judgements) || s.Fast != full.Play.Detail.Fast ||
				s.Achievement != full.Play.Achievement || s.Table.Notes()[analysis.Tap] == 0 {
				t.Errorf("sample %+v, play %+v", s, full.Play)
			}
			if _, err := a.Reparse(ctx, "default"); err != nil {
				t.Fatal(err)
			}
			again, err := a.JudgementSamples(ctx, "default")
			if err != nil || len(again.Samples) != 1 || again.Samples[0] != got.Samples[0] {
				t.Fatalf("after reparse: %+v, %v; want %+v", again.Samples, err, got.Samples)
			}
		})
	}
}
