package archive

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// TestGenerate checks that a generated archive is what it says: the plays
// asked for, details, snapshots and photos, the same for the same seed.
func TestGenerate(t *testing.T) {
	ctx := context.Background()
	end := testNow.Add(-time.Hour)
	gen := func(seed uint64) (GenReport, []Play) {
		a := openTest(t, filepath.Join(t.TempDir(), "gen.db"))
		rep, err := a.Generate(ctx, GenOptions{Player: "gen", Plays: 1000, Seed: seed, End: end})
		if err != nil {
			t.Fatal(err)
		}
		plays, err := a.Plays(ctx, "gen", 0)
		if err != nil {
			t.Fatal(err)
		}
		return rep, plays
	}
	rep, plays := gen(7)
	if rep.Plays != 1000 || len(plays) != 1000 {
		t.Fatalf("plays = %d stored, %d listed; want 1000", rep.Plays, len(plays))
	}
	if rep.Details < 40 || rep.Snapshots < 20 || rep.Photos < 3 {
		t.Errorf("report %+v: want details, snapshots and photos", rep)
	}
	if !plays[0].PlayedAt.After(end.Add(-2*time.Hour)) || plays[0].PlayedAt.After(end.Add(24*time.Hour)) {
		t.Errorf("newest play at %s, want about %s", plays[0].PlayedAt, end)
	}
	if span := plays[0].PlayedAt.Sub(plays[len(plays)-1].PlayedAt); span < 2*365*24*time.Hour {
		t.Errorf("plays span %s, want about three years", span)
	}
	_, again := gen(7)
	if again[500].Title != plays[500].Title || again[500].Achievement != plays[500].Achievement {
		t.Errorf("same seed, play 500 = %s %s then %s %s", plays[500].Title, plays[500].Achievement, again[500].Title, again[500].Achievement)
	}
	_, other := gen(8)
	if other[500].Title == plays[500].Title && other[500].Achievement == plays[500].Achievement {
		t.Errorf("seeds 7 and 8 gave the same play 500")
	}
}

// TestGenerateIgnoresClock checks that without an end the timeline is
// anchored on GenDefaultEnd, not on the clock: archives whose clocks are
// months apart get the same plays at the same times.
func TestGenerateIgnoresClock(t *testing.T) {
	ctx := context.Background()
	var runs [][]Play
	for _, now := range []time.Time{GenDefaultEnd.Add(24 * time.Hour), GenDefaultEnd.AddDate(0, 7, 0)} {
		a := openTest(t, filepath.Join(t.TempDir(), "gen.db"))
		a.now = func() time.Time { return now }
		if _, err := a.Generate(ctx, GenOptions{Player: "gen", Plays: 200, Seed: 4}); err != nil {
			t.Fatal(err)
		}
		plays, err := a.Plays(ctx, "gen", 0)
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, plays)
	}
	first, second := runs[0], runs[1]
	if len(first) != 200 || len(second) != 200 {
		t.Fatalf("stored %d and %d plays, want 200 each", len(first), len(second))
	}
	if newest := first[0].PlayedAt; newest.After(GenDefaultEnd.Add(time.Hour)) || newest.Before(GenDefaultEnd.Add(-24*time.Hour)) {
		t.Errorf("newest play at %s, want just before %s", newest, GenDefaultEnd)
	}
	for i := range first {
		if !first[i].PlayedAt.Equal(second[i].PlayedAt) || first[i].Chart != second[i].Chart || first[i].Achievement != second[i].Achievement {
			t.Fatalf("play %d: %s %v %s with one clock, %s %v %s with the other", i,
				first[i].PlayedAt, first[i].Chart, first[i].Achievement, second[i].PlayedAt, second[i].Chart, second[i].Achievement)
		}
	}
}

// TestGenerateRerun is issue 8's point 7: after an interrupted gen (kill -9,
// Ctrl-C), running it again later with the same options must complete the
// archive, not add shifted copies. Whatever the first run got to, the
// archive after the rerun must equal one clean run's: the same row counts
// and the same export (but for when it was imported).
func TestGenerateRerun(t *testing.T) {
	ctx := context.Background()
	// No End: the default, as maiprobe gen without --end. Each run has a
	// clock of its own, a day apart, as a rerun would.
	opts := GenOptions{Player: "gen", Plays: 600, Seed: 9}
	day := 0
	open := func() *Archive {
		a := openTest(t, filepath.Join(t.TempDir(), "gen.db"))
		day++
		now := GenDefaultEnd.AddDate(0, 0, day)
		a.now = func() time.Time { return now }
		return a
	}
	clean := open()
	want, err := clean.Generate(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if want.Stored != 0 || want.Plays != 600 {
		t.Fatalf("clean run %+v: want 600 plays added and no page already stored", want)
	}
	wantCounts, wantExport := genState(t, clean)

	for _, tc := range []struct {
		name string
		stop int // the first run is cancelled once this many plays are generated; 0: it completes
	}{
		{"twice", 0},
		{"interrupted early", 50},
		{"interrupted midway", 300},
		{"interrupted at the end", 599},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := open()
			first := opts
			runCtx, cancel := context.WithCancel(ctx)
			defer cancel()
			if tc.stop > 0 {
				first.Progress = func(plays int) {
					if plays >= tc.stop {
						cancel()
					}
				}
			}
			rep, err := a.Generate(runCtx, first)
			if tc.stop > 0 && !errors.Is(err, context.Canceled) {
				t.Fatalf("first run cancelled at %d plays: %v, want context.Canceled", tc.stop, err)
			}
			if tc.stop == 0 && err != nil {
				t.Fatal(err)
			}
			if tc.stop > 0 && rep.Pages >= want.Pages {
				t.Fatalf("first run imported all %d pages, want it cut short", rep.Pages)
			}

			later := GenDefaultEnd.AddDate(0, 0, 100+day)
			a.now = func() time.Time { return later }
			again, err := a.Generate(ctx, opts)
			if err != nil {
				t.Fatal(err)
			}
			if again.Pages != want.Pages || rep.Plays+again.Plays != 600 {
				t.Errorf("rerun %+v after %+v: want %d pages and the 600 plays completed", again, rep, want.Pages)
			}
			if tc.stop == 0 && (again.Stored != want.Pages || again.Plays+again.Details+again.Snapshots+again.Photos != 0) {
				t.Errorf("second complete run %+v: want every page already stored and nothing added", again)
			}
			counts, export := genState(t, a)
			if !reflect.DeepEqual(counts, wantCounts) {
				t.Errorf("rows %v, want %v as after one clean run", counts, wantCounts)
			}
			if export != wantExport {
				t.Errorf("export differs from one clean run's (%d bytes against %d)", len(export), len(wantExport))
			}
		})
	}
}

// genState is what a generated archive holds: its row counts and its
// export, without the times that are the clock's (when it was exported,
// when its player was created and its pages imported).
func genState(t *testing.T, a *Archive) (map[string]int, string) {
	t.Helper()
	ctx := context.Background()
	counts, err := a.RowCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := a.Export(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	delete(doc, "exported_at")
	players, _ := doc["players"].([]any)
	for _, p := range players {
		p := p.(map[string]any)
		delete(p, "created_at")
		pages, _ := p["pages"].([]any)
		for _, pg := range pages {
			delete(pg.(map[string]any), "imported_at")
		}
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return counts, string(b)
}

// TestGenerateDetailsAgree is the review's finding: a generated play's
// details must agree with themselves, as the game's do. Every detail's
// achievement, DX score, combo mark, rank and stars must follow from its
// judgement table, and every play's from each other.
func TestGenerateDetailsAgree(t *testing.T) {
	a := openTest(t, filepath.Join(t.TempDir(), "gen.db"))
	if _, err := a.Generate(context.Background(), GenOptions{Player: "gen", Plays: 3000, Seed: 11, End: testNow.Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	checkGenPlays(t, a, "gen")
}

// checkGenPlays checks every play of a generated archive, and every
// detail against its judgement table (genAchievementRange and the rules
// of docs/rating.md), and reports how many details it checked.
func checkGenPlays(t *testing.T, a *Archive, player string) {
	t.Helper()
	ctx := context.Background()
	list, err := a.ListPlays(ctx, player, PlayFilter{}, 0, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	bad := 0
	fail := func(format string, args ...any) {
		t.Helper()
		if bad++; bad <= 20 {
			t.Errorf(format, args...)
		}
	}
	details, marks := 0, map[maimai.FC]int{}
	for _, sp := range list.Plays {
		p := sp.Play.Play
		name := fmt.Sprintf("play %d (%s %s, %s%%, DX %d/%d, %q)", sp.ID, p.Title, p.Difficulty, p.Achievement, p.DXScore, p.DXScoreMax, p.FC)
		marks[p.FC]++
		if p.Rank != maimai.RankOf(p.Achievement) || p.Clear != (p.Achievement >= 800000) {
			fail("%s: rank %s, clear %v", name, p.Rank, p.Clear)
		}
		if want := genTestStars(p.DXScore, p.DXScoreMax); p.DXStars != want {
			fail("%s: %d stars, want %d", name, p.DXStars, want)
		}
		// Only an AP+ (every note critical) has the highest DX score; an
		// AP+ is 101%, and 101% needs no GREAT, GOOD or MISS (at least AP);
		// an AP loses nothing of the 100% part and at most half the bonus.
		app, ap := p.FC == maimai.APP, p.FC == maimai.APP || p.FC == maimai.AP
		if app != (p.DXScore == p.DXScoreMax) || app && p.Achievement != maimai.MaxAchievement ||
			p.Achievement == maimai.MaxAchievement && !ap || ap && p.Achievement < 1005000 {
			fail("%s: the combo mark, DX score and achievement disagree", name)
		}
		if !sp.HasDetail {
			continue
		}
		pv, err := a.PlayByID(ctx, player, sp.ID)
		if err != nil {
			t.Fatal(err)
		}
		d := pv.Play.Detail
		if d == nil {
			t.Fatalf("%s: no detail", name)
		}
		details++
		j := d.Judgements
		var sum maimai.NoteJudgement
		for _, r := range []*maimai.NoteJudgement{j.Tap, j.Hold, j.Slide, j.Touch, j.Break} {
			if r != nil {
				sum.CriticalPerfect += r.CriticalPerfect
				sum.Perfect += r.Perfect
				sum.Great += r.Great
				sum.Good += r.Good
				sum.Miss += r.Miss
			}
		}
		if dx := 3*sum.CriticalPerfect + 2*sum.Perfect + sum.Great; p.DXScore != dx || p.DXScoreMax != 3*j.TotalNotes() {
			fail("%s: the table %+v gives DX score %d/%d", name, sum, dx, 3*j.TotalNotes())
		}
		var mark maimai.FC
		switch {
		case sum.Miss > 0:
		case sum.Good > 0:
			mark = maimai.FCN
		case sum.Great > 0:
			mark = maimai.FCP
		case sum.Perfect > 0:
			mark = maimai.AP
		default:
			mark = maimai.APP
		}
		if p.FC != mark {
			fail("%s: the table %+v gives the mark %q", name, sum, mark)
		}
		if lo, hi := genAchievementRange(j); p.Achievement < lo || p.Achievement > hi {
			fail("%s: the table %+v gives %s%% to %s%%", name, sum, lo, hi)
		}
		if off := sum.Perfect + sum.Great + sum.Good; d.Fast+d.Late != off || sum.Miss == 0 && d.MaxCombo != d.MaxComboTotal {
			fail("%s: fast %d, late %d, combo %d/%d against the table %+v", name, d.Fast, d.Late, d.MaxCombo, d.MaxComboTotal, sum)
		}
	}
	if details < len(list.Plays)/20 {
		t.Errorf("%d details among %d plays, want about one in twelve", details, len(list.Plays))
	}
	for _, m := range []maimai.FC{maimai.NoFC, maimai.FCN, maimai.FCP, maimai.AP, maimai.APP} {
		if marks[m] == 0 {
			t.Errorf("no play with the combo mark %q among %d (%v)", m, len(list.Plays), marks)
		}
	}
	if bad > 0 {
		t.Errorf("%d disagreements among %d plays (%d details)", bad, len(list.Plays), details)
		return
	}
	t.Logf("%d plays (%d details) agree; combo marks %v", len(list.Plays), details, marks)
}

// genTestStars are the DX stars of a DX score: one at 85% of the highest,
// then 90, 93, 95 and 97%.
func genTestStars(score, max int) int {
	n := 0
	for _, pct := range []int{85, 90, 93, 95, 97} {
		if max > 0 && 100*score >= pct*max {
			n++
		}
	}
	return n
}

// genAchievementRange is the lowest and the highest achievement a
// judgement table allows, as exact fractions rounded down to 4 decimals
// (computed apart from gen.go's integers). The table does not say which
// window a BREAK PERFECT (75% or 50% of its bonus) or GREAT (×0.8, ×0.6
// or ×0.5, and 40% of its bonus) was in: the range spans them.
func genAchievementRange(j maimai.Judgements) (lo, hi maimai.Achievement) {
	frac := func(a, b int64) *big.Rat { return big.NewRat(a, b) }
	count := func(n int) *big.Rat { return frac(int64(n), 1) }
	at := func(breakGreat, perfectBonus *big.Rat) maimai.Achievement {
		total, got := new(big.Rat), new(big.Rat)
		add := func(r *maimai.NoteJudgement, weight int64, great, good *big.Rat) {
			if r == nil {
				return
			}
			w := frac(weight, 1)
			total.Add(total, new(big.Rat).Mul(w, count(r.Notes())))
			s := count(r.CriticalPerfect + r.Perfect)
			s.Add(s, new(big.Rat).Mul(great, count(r.Great)))
			s.Add(s, new(big.Rat).Mul(good, count(r.Good)))
			got.Add(got, s.Mul(s, w))
		}
		add(j.Tap, 1, frac(4, 5), frac(1, 2))
		add(j.Hold, 2, frac(4, 5), frac(1, 2))
		add(j.Slide, 3, frac(4, 5), frac(1, 2))
		add(j.Touch, 1, frac(4, 5), frac(1, 2))
		add(j.Break, 5, breakGreat, frac(2, 5))
		// 100% shared by weight, in units of 0.0001%.
		ach := new(big.Rat).Mul(got.Quo(got, total), frac(1000000, 1))
		if b := j.Break; b.Notes() > 0 {
			bonus := count(b.CriticalPerfect)
			bonus.Add(bonus, new(big.Rat).Mul(perfectBonus, count(b.Perfect)))
			bonus.Add(bonus, new(big.Rat).Mul(frac(2, 5), count(b.Great)))
			bonus.Add(bonus, new(big.Rat).Mul(frac(3, 10), count(b.Good)))
			ach.Add(ach, bonus.Mul(bonus, frac(10000, int64(b.Notes()))))
		}
		q := new(big.Int).Quo(ach.Num(), ach.Denom())
		return maimai.Achievement(q.Int64())
	}
	return at(frac(1, 2), frac(1, 2)), at(frac(4, 5), frac(3, 4))
}
