// Package history holds what only a permanent archive of plays can tell:
// the milestones of a player's career (first SSS on a 13+, first AP, the
// rating bands crossed, the plates completed), what each visit to the
// arcade and each year did, and how each chart's attempts went. Its rules
// are pure functions over plain values: the archive reads the plays, this
// package reasons about them, the web pages and the read API show them.
package history

import (
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/rating"
)

// Play is one archived play as these rules read it.
type Play struct {
	ID    int64        `json:"id"`
	At    time.Time    `json:"at"`
	Track int          `json:"track"`
	Chart maimai.Chart `json:"chart"`
	// Level is the chart's level label: the song data's, else the one the
	// page showed; "" when neither tells.
	Level       string             `json:"level,omitempty"`
	Achievement maimai.Achievement `json:"achievement"`
	DXScore     int                `json:"dx_score"`
	DXScoreMax  int                `json:"dx_score_max,omitempty"`
	FC          maimai.FC          `json:"fc"`
	FS          maimai.FS          `json:"fs"`
}

// Stars is the DX stars (0–5) of the play: from its DX score and the
// chart's highest when the page gave both, else none.
func (p Play) Stars() int { return rating.DXStars(p.DXScore, p.DXScoreMax) }

// fcOrder and fsOrder order the marks, lowest first (maimai's order).
var (
	fcOrder = []maimai.FC{maimai.NoFC, maimai.FCN, maimai.FCP, maimai.AP, maimai.APP}
	fsOrder = []maimai.FS{maimai.NoFS, maimai.Sync, maimai.FSN, maimai.FSP, maimai.FSD, maimai.FSDP}
)

func fcLevel(f maimai.FC) int {
	for i, v := range fcOrder {
		if v == f {
			return i
		}
	}
	return 0
}

func fsLevel(f maimai.FS) int {
	for i, v := range fsOrder {
		if v == f {
			return i
		}
	}
	return 0
}

// latestAtOrBefore is the index of the last play (plays oldest first)
// played at or before t, -1 when none was.
func latestAtOrBefore(plays []Play, t time.Time) int {
	lo, hi := 0, len(plays)
	for lo < hi {
		m := (lo + hi) / 2
		if plays[m].At.After(t) {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo - 1
}
