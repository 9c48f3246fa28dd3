package archive

import (
	"errors"
	"fmt"
	"strings"

	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/songs"
)

// LineProblem names why a chart has no 分数线 for the target asked, so the
// web page and the command line can say it in the reader's language.
type LineProblem string

// The reasons Line gives no 分数线.
const (
	LineBadTarget  LineProblem = "bad_target"   // the target does not parse
	LineNoSongData LineProblem = "no_song_data" // the region has no song data
	LineNoChart    LineProblem = "no_chart"     // the song data lacks the chart
	LineAmbiguous  LineProblem = "ambiguous"    // several songs' charts fit the title
	LineNoNotes    LineProblem = "no_notes"     // the song data has no note counts
	LineNoConstant LineProblem = "no_constant"  // "+N" on a chart of unknown constant
	LineTooHigh    LineProblem = "too_high"     // even 101% adds less than N
)

// LineError is why Line gives no 分数线. It wraps ErrNoChart (the chart
// is not one of the song data's) or ErrNoLine (it is, but this line
// cannot be given), and its Error is the English text.
type LineError struct {
	Problem LineProblem
	Chart   maimai.Chart
	Region  maimai.Region
	// Asked is the target as asked, for LineBadTarget.
	Asked string
	// Gain is the most rating 101% adds now and Want the N asked, for
	// LineTooHigh.
	Gain, Want int
	// Source is the song data in the archive ("tachi") and NotesFrom the
	// one to load for note counts, for LineNoNotes.
	Source, NotesFrom string
	// Detail is the matcher's or parser's reason, in English.
	Detail string
}

// notesSource is the song data that has note counts for a region: what
// docs/songs.md tells players to load.
func notesSource(r maimai.Region) string {
	if r == maimai.CN {
		return "diving-fish"
	}
	return "zetaraku"
}

// NotesCommand is the command that loads song data with note counts for
// region r, to quote in the messages.
func NotesCommand(r maimai.Region) string {
	if r == maimai.CN {
		return "maiprobe songs sync"
	}
	return fmt.Sprintf("maiprobe songs sync --region %s --from data.json", r)
}

func (e *LineError) chart() string {
	return fmt.Sprintf("%q (%s %s)", e.Chart.Title, e.Chart.Type, e.Chart.Difficulty)
}

func (e *LineError) Error() string {
	switch e.Problem {
	case LineBadTarget:
		return fmt.Sprintf("target %q: %s", e.Asked, e.Detail)
	case LineNoSongData:
		return fmt.Sprintf("no such chart in the song data: the archive has no %s song data yet (%s)", e.Region, NotesCommand(e.Region))
	case LineNoChart:
		return fmt.Sprintf("no such chart in the song data: %s: %s", e.chart(), e.Detail)
	case LineAmbiguous:
		return fmt.Sprintf("no such chart in the song data: %s: more than one chart matches: %s", e.chart(), e.Detail)
	case LineNoNotes:
		return fmt.Sprintf("no 分数线: %s: the %s song data (%s) has no note counts for this chart; load song data that has them, %s's (%s)",
			e.chart(), e.Region, e.Source, e.NotesFrom, NotesCommand(e.Region))
	case LineNoConstant:
		return fmt.Sprintf("no 分数线: %s: its constant is not known, so no achievement on it can be said to add rating", e.chart())
	case LineTooHigh:
		return fmt.Sprintf("no 分数线: %s: even 101%% adds only %d rating now, not %d", e.chart(), e.Gain, e.Want)
	}
	return fmt.Sprintf("no 分数线: %s: %s", e.chart(), e.Detail)
}

// Unwrap is ErrNoChart when the song data lacks the chart, else ErrNoLine.
func (e *LineError) Unwrap() error {
	switch e.Problem {
	case LineNoSongData, LineNoChart, LineAmbiguous:
		return ErrNoChart
	}
	return ErrNoLine
}

// matchLineError is the LineError of the matcher's refusal err.
func matchLineError(c maimai.Chart, region maimai.Region, err error) *LineError {
	e := &LineError{Problem: LineNoChart, Chart: c, Region: region}
	if errors.Is(err, songs.ErrAmbiguous) {
		e.Problem = LineAmbiguous
	}
	// The matcher's text starts by naming the chart again; say it once.
	d := err.Error()
	if _, rest, ok := strings.Cut(d, fmt.Sprintf("%q (%s %s): ", c.Title, c.Type, c.Difficulty)); ok {
		d = rest
	}
	e.Detail = strings.TrimPrefix(d, "songs: ")
	if e.Problem == LineAmbiguous {
		// Keep the candidates only: the matcher's advice is about pages.
		d, _, _ = strings.Cut(strings.TrimPrefix(e.Detail, songs.ErrAmbiguous.Error()+": "), "; the page shows")
		e.Detail = d
	}
	return e
}
