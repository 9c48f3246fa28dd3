package interchange

import (
	"fmt"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// The writers: what the archive hands them (Scores) and what they make of
// it. Like the readers they hold no song data and touch no database; the
// archive fills ChartData from its song data (archive.ExportScores).

// ChartData is what the song data says of the chart of a play or best.
type ChartData struct {
	// SongID is the official music id (diving-fish's id: DX songs are
	// 10000 + the standard id, utage above 100000); 0 when the chart is
	// not one of the song data (not linked, learned from pages only, or
	// two songs it cannot tell apart).
	SongID int
	// SongTitle is the song data's spelling of the title where it differs
	// from the site's (diving-fish's "Link(CoF)"); "" otherwise. The
	// diving-fish writer sends it, as diving-fish matches by its titles.
	SongTitle string
	// Level is the chart's level label ("13+"), from the song data or else
	// the page; "" when neither says.
	Level string
	// Constant is the chart's constant (13.7), at the play's time for a
	// play and today for a best; 0 when unknown.
	Constant float64
	// Rating is what the play earned (for a best, what the best is worth
	// today); 0 when the constant is unknown or the chart is utage.
	Rating int
}

// Play is one archived play as the writers read it.
type Play struct {
	// ID is the play's archive id, increasing with each import: a sync
	// sends the plays after the last id it sent.
	ID     int64
	Region maimai.Region
	maimai.Play
	// Detail is the play-detail page's data, nil when none was saved.
	Detail *maimai.PlayDetail
	ChartData
}

// Best is one chart's best score as the writers read it.
type Best struct {
	maimai.Score
	// UpdatedAt is when the best last changed in the archive.
	UpdatedAt time.Time
	ChartData
}

// Scores is what an export writes: a player's plays (oldest first) and
// best scores.
type Scores struct {
	Player string
	Region maimai.Region
	Plays  []Play
	Bests  []Best
}

// Skipped is a play or best a format cannot hold, with the reason; the
// writers report every one instead of dropping it silently.
type Skipped struct {
	maimai.Chart
	PlayedAt time.Time // zero for a best
	Reason   string
}

// String names the skipped chart and why: "Link (std master, 2024-05-01 20:31): …".
func (s Skipped) String() string {
	when := ""
	if !s.PlayedAt.IsZero() {
		when = ", " + s.PlayedAt.Format("2006-01-02 15:04")
	}
	return fmt.Sprintf("%s (%s %s%s): %s", s.Title, s.Type, s.Difficulty, when, s.Reason)
}

// Why a chart is left out of a format.
const (
	reasonUtage   = "utage charts have no difficulty in this format"
	reasonNoSong  = "the song data does not know this chart (run maiprobe songs sync, then export again)"
	reasonNoScore = "the chart is listed without a score"
)

// record is a best as the shared Record, with the song data's title and
// id where the song data knows the chart.
func (b Best) record() Record {
	r := Record{Score: b.Score, Constant: b.Constant, SongID: b.SongID}
	if b.ChartData.Level != "" {
		r.Level = b.ChartData.Level
	}
	r.Rank = maimai.RankOf(b.Achievement)
	return r
}

// playRecord is a play as the shared Record: its score, set at PlayedAt.
func (p Play) record() Record {
	return Record{
		Score: maimai.Score{Chart: p.Chart, Level: p.ChartData.Level, Played: true, Achievement: p.Achievement,
			DXScore: p.DXScore, DXScoreMax: p.DXScoreMax, FC: p.FC, FS: p.FS, Rank: maimai.RankOf(p.Achievement)},
		Constant:   p.Constant,
		SongID:     p.SongID,
		AchievedAt: p.PlayedAt,
	}
}

// DivingFishRecords builds the update_records body for bests: one record
// per chart, with the song data's title (diving-fish matches charts by
// its own titles and level_index), constant, id and the best's rating.
// Utage charts (no level_index in diving-fish) and charts the song data
// does not know (diving-fish would drop them unseen) are returned as
// skipped. A sync passes the bests changed since its last run.
func DivingFishRecords(bests []Best) ([]DivingFishRecord, []Skipped) {
	out := make([]DivingFishRecord, 0, len(bests))
	var skipped []Skipped
	for _, b := range bests {
		switch {
		case !b.Played:
			skipped = append(skipped, Skipped{Chart: b.Chart, Reason: reasonNoScore})
			continue
		case b.Difficulty == maimai.Utage || LevelIndex(b.Difficulty) < 0:
			skipped = append(skipped, Skipped{Chart: b.Chart, Reason: reasonUtage})
			continue
		case b.SongID == 0:
			skipped = append(skipped, Skipped{Chart: b.Chart, Reason: reasonNoSong})
			continue
		}
		r := b.record()
		if b.SongTitle != "" {
			r.Title = b.SongTitle
		}
		rec := DivingFishRecordOf(r)
		rec.RA = b.Rating
		out = append(out, rec)
	}
	return out, skipped
}

// LxnsID is Lxns's song id for a diving-fish id: Lxns gives a song's
// standard and DX charts one id, the diving-fish id modulo 10000; utage
// ids (above 100000) are the same in both.
func LxnsID(songID int) int {
	if songID >= 100000 {
		return songID
	}
	return songID % 10000
}

// LxnsScores builds Lxns scores for plays, one per play with its
// play_time, which is what fills a player's history on Lxns. Plays on
// charts the song data does not know are skipped (Lxns needs its song id);
// utage plays are sent with type "utage". A sync passes every play and
// sends those whose item differs from what Lxns accepted before.
func LxnsScores(plays []Play) ([]LxnsScore, []Skipped) {
	out := make([]LxnsScore, 0, len(plays))
	var skipped []Skipped
	for _, p := range plays {
		if p.SongID == 0 {
			skipped = append(skipped, Skipped{Chart: p.Chart, PlayedAt: p.PlayedAt, Reason: reasonNoSong})
			continue
		}
		// song_name stays the site's title: Lxns names songs as the
		// game does, and matches uploads by id anyway.
		s := LxnsScoreOf(p.record())
		s.ID = LxnsID(p.SongID)
		if p.Rating > 0 {
			s.DXRating = float64(p.Rating)
		}
		out = append(out, s)
	}
	return out, skipped
}
