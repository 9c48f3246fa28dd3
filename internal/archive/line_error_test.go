package archive

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/songs"
)

// TestLineErrors: every refusal of a 分数线 is a LineError naming its
// problem, so the pages and the command line can say it in the reader's
// language; a chart without note counts names the song data that has
// them (diving-fish for CN); the matcher's refusal names the chart once;
// the line names the chart as the song data spells it.
func TestLineErrors(t *testing.T) {
	ctx := context.Background()
	a, _ := genSynthetic(t, 300)
	link := maimai.Chart{Title: "D✪N’T  ST✪P  R✪CKIN’", Type: maimai.Std, Difficulty: maimai.Master}
	l, err := a.Line(ctx, "gen", maimai.Chart{Title: strings.ToLower(link.Title), Type: link.Type, Difficulty: link.Difficulty}, "sss")
	if err != nil || l.Chart.Title != link.Title {
		t.Errorf("typed in lower case: %q, %v, want the song data's %q", l.Chart.Title, err, link.Title)
	}
	for _, c := range []struct {
		chart   maimai.Chart
		target  string
		problem LineProblem
		is      error
	}{
		{link, "abc", LineBadTarget, ErrNoLine},
		{link, "+100", LineTooHigh, ErrNoLine},
		{maimai.Chart{Title: "No such song", Type: maimai.DX, Difficulty: maimai.Master}, "sss", LineNoChart, ErrNoChart},
		{maimai.Chart{Title: "Link", Type: maimai.Std, Difficulty: maimai.Master}, "sss", LineAmbiguous, ErrNoChart},
	} {
		_, err := a.Line(ctx, "gen", c.chart, c.target)
		var le *LineError
		if !errors.As(err, &le) || le.Problem != c.problem || !errors.Is(err, c.is) {
			t.Errorf("%s %s: %v, want a LineError %s wrapping %v", c.chart.Title, c.target, err, c.problem, c.is)
			continue
		}
		if n := strings.Count(err.Error(), c.chart.Title); c.problem != LineBadTarget && n < 1 || strings.Contains(err.Error(), "songs:") {
			t.Errorf("%s: %q names the chart %d times or a package", c.chart.Title, err, n)
		}
	}

	// Song data without note counts for the chart.
	db, err := songs.Open(ctx, "../songs/testdata/synthetic-divingfish.json", maimai.CN)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := db.Match(songs.QueryOf(link, "", "", ""))
	if err != nil {
		t.Fatal(err)
	}
	sc.Notes = songs.Notes{}
	// A later sync, so the archive's chart cache sees new data.
	prev := a.now
	a.now = func() time.Time { return prev().Add(time.Hour) }
	if _, err := a.SyncSongs(ctx, db); err != nil {
		t.Fatal(err)
	}
	_, err = a.Line(ctx, "gen", link, "sss")
	var le *LineError
	if !errors.As(err, &le) || le.Problem != LineNoNotes || le.NotesFrom != "diving-fish" || !errors.Is(err, ErrNoLine) ||
		!strings.Contains(err.Error(), "diving-fish") || !strings.Contains(err.Error(), "maiprobe songs sync") {
		t.Errorf("no note counts: %v, want a LineError naming diving-fish's data", err)
	}
	if notesSource(maimai.Intl) != "zetaraku" || notesSource(maimai.JP) != "zetaraku" || !strings.Contains(NotesCommand(maimai.Intl), "--region intl --from data.json") {
		t.Errorf("intl/JP note counts come from zetaraku's data.json")
	}
}
