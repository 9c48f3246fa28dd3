package archive

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/dxnet"
	"github.com/maiprobe/maiprobe/internal/fixtures"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/storage"
	"github.com/maiprobe/maiprobe/internal/storage/storagetest"
)

// The site has two songs called "Link": one in niconico＆VOCALOID™, one in
// maimai, both with a standard basic chart.
const (
	nicoGenre   = "niconico＆VOCALOID™"
	maimaiGenre = "maimai"
)

var linkBasic = maimai.Chart{Title: "Link", Type: maimai.Std, Difficulty: maimai.Basic}

// linkScore is a played score of Link's basic chart; genre "" is a list
// that does not show genres.
func linkScore(genre string, ach maimai.Achievement) maimai.Score {
	return maimai.Score{Chart: linkBasic, Level: "6", Genre: genre, Played: true, Achievement: ach,
		Rank: maimai.RankOf(ach), DXScore: 100, DXScoreMax: 600}
}

// scoresPage is a best-score list page of scores.
func scoresPage(scores ...maimai.Score) *dxnet.ScoresPage {
	return &dxnet.ScoresPage{Header: dxnet.Header{Kind: dxnet.KindScores, Region: maimai.Intl}, Scores: scores}
}

// bestsAndHistory reads the player's best scores and score history as
// "title genre achievement" lines.
func bestsAndHistory(t *testing.T, a *Archive, player string) (bests, history []string) {
	t.Helper()
	ctx := context.Background()
	err := a.db.View(ctx, func(tx *storage.Tx) error {
		pid, err := tx.PlayerID(ctx, player)
		if err != nil {
			return err
		}
		bs, err := tx.BestScores(ctx, pid)
		if err != nil {
			return err
		}
		for _, b := range bs {
			bests = append(bests, fmt.Sprintf("%s %s %d", b.Title, b.Genre, b.Achievement))
		}
		hs, err := tx.ScoreHistory(ctx, pid)
		if err != nil {
			return err
		}
		for _, h := range hs {
			history = append(history, fmt.Sprintf("%s %s %d", h.Title, h.Genre, h.Achievement))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return bests, history
}

// TestSameTitleTwoSongs: two songs of one title keep a best each, filed by
// the genre a page shows; a score without a genre raises neither and is
// counted as ambiguous; an export keeps the genres.
func TestSameTitleTwoSongs(t *testing.T) {
	for _, db := range storagetest.Databases {
		t.Run(db, func(t *testing.T) {
			ctx := context.Background()
			a := openDB(t, db)
			play := maimai.Play{Track: 1, PlayedAt: testNow.Add(-30 * time.Minute), Chart: linkBasic, Level: "6",
				Achievement: 1007000, Rank: maimai.RankOf(1007000), DXScore: 500, DXScoreMax: 600, Clear: true}
			record := &dxnet.RecordPage{Header: dxnet.Header{Kind: dxnet.KindRecord, Region: maimai.Intl}, Plays: []maimai.Play{play}}
			steps := []struct {
				name          string
				page          dxnet.Page
				wantAmbiguous int
				wantPlays     int
				wantBests     []string
				wantHistory   []string
			}{
				{
					name:        "genre list with both songs",
					page:        scoresPage(linkScore(nicoGenre, 1005000), linkScore(maimaiGenre, 975000)),
					wantBests:   []string{"Link maimai 975000", "Link " + nicoGenre + " 1005000"},
					wantHistory: []string{"Link maimai 975000", "Link " + nicoGenre + " 1005000"},
				},
				{
					name:          "level list without genre",
					page:          scoresPage(linkScore("", 1006000)),
					wantAmbiguous: 1,
					wantBests:     []string{"Link maimai 975000", "Link " + nicoGenre + " 1005000"},
					wantHistory:   []string{"Link maimai 975000", "Link " + nicoGenre + " 1005000"},
				},
				{
					name:          "record play",
					page:          record,
					wantAmbiguous: 1,
					wantPlays:     1,
					wantBests:     []string{"Link maimai 975000", "Link " + nicoGenre + " 1005000"},
					wantHistory:   []string{"Link maimai 975000", "Link " + nicoGenre + " 1005000"},
				},
				{
					name:      "genre list raises one song",
					page:      scoresPage(linkScore(maimaiGenre, 990000)),
					wantBests: []string{"Link maimai 990000", "Link " + nicoGenre + " 1005000"},
					wantHistory: []string{"Link maimai 975000", "Link maimai 990000",
						"Link " + nicoGenre + " 1005000"},
				},
			}
			for i, st := range steps {
				t.Run(st.name, func(t *testing.T) {
					r := a.importPage(ctx, "me", source(t, fmt.Sprint("page", i), st.page), st.page)
					if r.Err != nil {
						t.Fatal(r.Err)
					}
					if r.Unchanged.Ambiguous != st.wantAmbiguous || r.Added.Plays != st.wantPlays {
						t.Errorf("ambiguous %d, plays %d; want %d, %d", r.Unchanged.Ambiguous, r.Added.Plays,
							st.wantAmbiguous, st.wantPlays)
					}
					bests, history := bestsAndHistory(t, a, "me")
					if got, want := strings.Join(bests, "\n"), strings.Join(st.wantBests, "\n"); got != want {
						t.Errorf("bests:\n%s\nwant:\n%s", got, want)
					}
					if got, want := strings.Join(history, "\n"), strings.Join(st.wantHistory, "\n"); got != want {
						t.Errorf("history:\n%s\nwant:\n%s", got, want)
					}
				})
			}

			t.Run("export keeps genres", func(t *testing.T) {
				wantBests, wantHistory := bestsAndHistory(t, a, "me")
				b := openDB(t, db)
				r := b.Import(ctx, "me", Source{Name: "export.json", Data: export(t, a, "me")})
				if r.Err != nil || r.Added.Scores != 2 {
					t.Fatalf("restore: %s %+v %v, want 2 scores added", r.Status, r.Added, r.Err)
				}
				bests, history := bestsAndHistory(t, b, "me")
				if strings.Join(bests, "\n") != strings.Join(wantBests, "\n") ||
					strings.Join(history, "\n") != strings.Join(wantHistory, "\n") {
					t.Errorf("restored bests %q history %q; want %q %q", bests, history, wantBests, wantHistory)
				}
			})
		})
	}
}

// TestGenreFillsUnknownBest: a best first seen without a genre takes the
// genre a later page shows, with its history, instead of becoming a second
// best; later scores without a genre raise it again.
func TestGenreFillsUnknownBest(t *testing.T) {
	for _, db := range storagetest.Databases {
		t.Run(db, func(t *testing.T) {
			ctx := context.Background()
			a := openDB(t, db)
			pages := []*dxnet.ScoresPage{
				scoresPage(linkScore("", 970000)),
				scoresPage(linkScore(nicoGenre, 980000)),
				scoresPage(linkScore("", 990000)),
			}
			for i, p := range pages {
				if r := a.importPage(ctx, "me", source(t, fmt.Sprint("p", i), p), p); r.Err != nil || r.Unchanged.Ambiguous != 0 {
					t.Fatalf("page %d: %v, %d ambiguous", i, r.Err, r.Unchanged.Ambiguous)
				}
			}
			bests, history := bestsAndHistory(t, a, "me")
			want := "Link " + nicoGenre + " 990000"
			if len(bests) != 1 || bests[0] != want {
				t.Errorf("bests %q, want [%s]", bests, want)
			}
			wantHistory := []string{"Link " + nicoGenre + " 970000", "Link " + nicoGenre + " 980000", want}
			if strings.Join(history, "|") != strings.Join(wantHistory, "|") {
				t.Errorf("history %q, want %q", history, wantHistory)
			}
		})
	}
}

// TestConcurrentBestRaise: two imports raising the same best at once (one
// the achievement, one the FC) both count: the later does not write back
// the best it read before the earlier committed.
func TestConcurrentBestRaise(t *testing.T) {
	for _, db := range storagetest.Databases {
		t.Run(db, func(t *testing.T) {
			loc := storagetest.Location(t, db)
			a1, a2 := openTest(t, loc), openTest(t, loc)
			ctx := context.Background()
			chart := maimai.Chart{Title: "Song", Type: maimai.DX, Difficulty: maimai.Master}
			sc := func(ach maimai.Achievement, fc maimai.FC) *dxnet.ScoresPage {
				return &dxnet.ScoresPage{Header: dxnet.Header{Kind: dxnet.KindScores, Region: maimai.CN},
					Scores: []maimai.Score{{Chart: chart, Level: "13", Played: true, Achievement: ach,
						Rank: maimai.RankOf(ach), DXScore: 100, DXScoreMax: 3000, FC: fc}}}
			}
			base := sc(970000, "")
			if r := a1.importPage(ctx, "me", source(t, "base", base), base); r.Err != nil {
				t.Fatal(r.Err)
			}
			// A holds its transaction open after raising the best, so B
			// reads the best while A's raise is not committed.
			slept := false
			a1.hook = func(what string) error {
				if what == "score history" && !slept {
					slept = true
					time.Sleep(1500 * time.Millisecond)
				}
				return nil
			}
			pA, pB := sc(1005000, ""), sc(970000, maimai.FCN)
			done := make(chan Result)
			go func() { done <- a1.importPage(ctx, "me", source(t, "A", pA), pA) }()
			time.Sleep(300 * time.Millisecond)
			rB := a2.importPage(ctx, "me", source(t, "B", pB), pB)
			rA := <-done
			if rA.Err != nil || rB.Err != nil {
				t.Fatalf("A: %v, B: %v", rA.Err, rB.Err)
			}
			if rA.Added.Improvements+rB.Added.Improvements != 2 {
				t.Errorf("improvements A %d B %d, want 2 in all", rA.Added.Improvements, rB.Added.Improvements)
			}
			err := a1.db.View(ctx, func(tx *storage.Tx) error {
				pid, err := tx.PlayerID(ctx, "me")
				if err != nil {
					return err
				}
				bs, err := tx.BestScores(ctx, pid)
				if err != nil {
					return err
				}
				if len(bs) != 1 || bs[0].Achievement != 1005000 || bs[0].FC != maimai.FCN {
					t.Errorf("bests %+v, want one with achievement 1005000 and fc", bs)
				}
				hs, err := tx.ScoreHistory(ctx, pid)
				if err != nil {
					return err
				}
				// The history ends at the best: the later raise was built on
				// the earlier.
				var got []string
				for _, h := range hs {
					got = append(got, fmt.Sprintf("%d %s", h.Achievement, h.FC))
				}
				if len(hs) != 3 || got[0] != "970000 " || !strings.Contains(strings.Join(got, "|"), "1005000 fc") {
					t.Errorf("history %q, want 970000, then a step to 1005000 with fc", got)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestBothLinksFromGenreList reads both songs called Link off a saved intl
// musicGenre page (the player has played neither, so each is given a
// score) and stores a best for each, under the genre the page shows.
func TestBothLinksFromGenreList(t *testing.T) {
	ctx := context.Background()
	b, err := os.ReadFile(fixtures.DXNet(t, "intl/musicGenre-minty-1.html"))
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := dxnet.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	page, ok := parsed.(*dxnet.ScoresPage)
	if !ok {
		t.Fatalf("parsed a %T, want a scores page", parsed)
	}
	var links []maimai.Score
	for i, s := range page.Scores {
		if s.Chart == linkBasic {
			s.Played, s.Achievement = true, maimai.Achievement(980000+len(links)*10000)
			s.Rank = maimai.RankOf(s.Achievement)
			s.DXScore, s.DXScoreMax = 300, 600
			links = append(links, s)
			page.Scores[i] = s
		}
	}
	if len(links) != 2 || links[0].Genre != nicoGenre || links[1].Genre != maimaiGenre {
		t.Fatalf("Link charts on the page: %+v, want one in %s and one in %s", links, nicoGenre, maimaiGenre)
	}
	a := openDB(t, "sqlite")
	r := a.importPage(ctx, "me", Source{Name: "musicGenre-minty-1.html", Data: b, ObservedAt: testNow}, page)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	all, _ := bestsAndHistory(t, a, "me")
	var bests []string
	for _, s := range all {
		if strings.HasPrefix(s, "Link ") {
			bests = append(bests, s)
		}
	}
	want := []string{"Link maimai 990000", "Link " + nicoGenre + " 980000"}
	if strings.Join(bests, "|") != strings.Join(want, "|") {
		t.Errorf("bests %q, want %q", bests, want)
	}
}
