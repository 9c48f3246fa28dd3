package interchange

import (
	"encoding/csv"
	"io"
	"strconv"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/rating"
)

// maiprobe's CSV: RFC 4180 (comma, CRLF, quotes doubled), UTF-8 with a
// byte order mark so that Excel opens Chinese and Japanese titles right,
// a header row of snake_case names. Plays and bests are two files (csv and
// csv-bests): a play and a best have different columns, and a best needs
// no play (best-score pages list charts whose plays were never saved).
// Times are in the region's clock (UTC+8 for CN, UTC+9 for intl and JP),
// as the site prints them, in a form spreadsheets read as a date.

// csvTime is how times are written.
const csvTime = "2006-01-02 15:04:05"

// noteKinds are the judgement table's rows, in the site's order.
var noteKinds = []string{"tap", "hold", "slide", "touch", "break"}

// PlaysCSVHeader is the header row of the plays CSV.
var PlaysCSVHeader = func() []string {
	h := []string{"play_id", "played_at", "region", "track", "title", "type", "difficulty", "utage_kind", "buddy",
		"level", "constant", "song_id", "achievement", "rank", "dx_score", "dx_score_max", "dx_stars", "fc", "fs",
		"clear", "new_record", "new_dx_record", "matching_rank", "rating", "fast", "late", "max_combo",
		"max_combo_total", "max_sync", "max_sync_total", "rating_after", "rating_delta", "place"}
	for _, k := range noteKinds {
		for _, j := range []string{"critical_perfect", "perfect", "great", "good", "miss"} {
			h = append(h, k+"_"+j)
		}
	}
	return h
}()

// BestsCSVHeader is the header row of the bests CSV.
var BestsCSVHeader = []string{"title", "type", "difficulty", "utage_kind", "buddy", "genre", "level", "constant",
	"song_id", "achievement", "rank", "dx_score", "dx_score_max", "dx_stars", "fc", "fs", "play_count", "rating",
	"last_played_at", "updated_at"}

// WritePlaysCSV writes every play of s, oldest first, one row each. The
// detail columns are empty for a play whose detail page was not saved;
// the touch columns are empty for a standard chart (it has no touch notes).
func WritePlaysCSV(w io.Writer, s *Scores) error {
	cw, err := newCSV(w, PlaysCSVHeader)
	if err != nil {
		return err
	}
	for _, p := range s.Plays {
		zone := p.Region.Location()
		row := []string{itoa64(p.ID), p.PlayedAt.In(zone).Format(csvTime), string(p.Region), itoa(p.Track),
			cell(p.Title), string(p.Type), string(p.Difficulty), cell(p.UtageKind), boolText(p.Buddy),
			cell(p.ChartData.Level), constText(p.Constant), idText(p.SongID), p.Achievement.String(),
			string(maimai.RankOf(p.Achievement)), itoa(p.DXScore), zeroEmpty(p.DXScoreMax), itoa(p.DXStars),
			string(p.FC), string(p.FS), boolText(p.Clear), boolText(p.NewRecord), boolText(p.NewDXRecord),
			zeroEmpty(p.MatchingRank), zeroEmpty(p.Rating)}
		if d := p.Detail; d != nil {
			row = append(row, itoa(d.Fast), itoa(d.Late), itoa(d.MaxCombo), itoa(d.MaxComboTotal), itoa(d.MaxSync),
				itoa(d.MaxSyncTotal), itoa(d.Rating), itoa(d.RatingDelta), cell(d.Place))
			for _, n := range []*maimai.NoteJudgement{d.Judgements.Tap, d.Judgements.Hold, d.Judgements.Slide, d.Judgements.Touch, d.Judgements.Break} {
				if n == nil {
					row = append(row, "", "", "", "", "")
					continue
				}
				row = append(row, itoa(n.CriticalPerfect), itoa(n.Perfect), itoa(n.Great), itoa(n.Good), itoa(n.Miss))
			}
		} else {
			row = append(row, make([]string, len(PlaysCSVHeader)-len(row))...)
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteBestsCSV writes every best score of s, one row per chart.
func WriteBestsCSV(w io.Writer, s *Scores) error {
	cw, err := newCSV(w, BestsCSVHeader)
	if err != nil {
		return err
	}
	zone := s.Region.Location()
	for _, b := range s.Bests {
		if !b.Played {
			continue
		}
		last := ""
		if !b.LastPlayedAt.IsZero() {
			last = b.LastPlayedAt.In(zone).Format(csvTime)
		}
		row := []string{cell(b.Title), string(b.Type), string(b.Difficulty), cell(b.UtageKind), boolText(b.Buddy),
			cell(b.Genre), cell(b.ChartData.Level), constText(b.Constant), idText(b.SongID), b.Achievement.String(),
			string(maimai.RankOf(b.Achievement)), itoa(b.DXScore), zeroEmpty(b.DXScoreMax),
			itoa(rating.DXStars(b.DXScore, b.DXScoreMax)), string(b.FC), string(b.FS), zeroEmpty(b.PlayCount),
			zeroEmpty(b.Rating), last, timeText(b.UpdatedAt, zone)}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// newCSV starts a CSV file: the byte order mark and the header.
func newCSV(w io.Writer, header []string) (*csv.Writer, error) {
	if _, err := io.WriteString(w, "\xef\xbb\xbf"); err != nil {
		return nil, err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	return cw, cw.Write(header)
}

// cell guards a text cell against formula injection: Excel and its kin
// run a cell that starts with = + - @ (or a tab or carriage return) as a
// formula, and titles are the site's (or a forged page's) text; "+♂" is a
// real song. Such a cell gets a leading apostrophe, which spreadsheets
// show as text and hide (OWASP's advice for CSV injection).
func cell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

func itoa(n int) string     { return strconv.Itoa(n) }
func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// zeroEmpty writes 0 as an empty cell, for counts where 0 means unknown.
func zeroEmpty(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func idText(id int) string { return zeroEmpty(id) }

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// constText writes a constant with its one decimal, empty when unknown.
func constText(c float64) string {
	if c <= 0 {
		return ""
	}
	return strconv.FormatFloat(c, 'f', 1, 64)
}

func timeText(t time.Time, zone *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(zone).Format(csvTime)
}
