package interchange

import (
	"fmt"
	"math"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// The combo, sync and rank codes of diving-fish and Lxns are the ones
// internal/maimai uses (both services took them from the site's icon
// file names), so the conversions below only check them; the aliases are
// spellings older tools upload ("fdx" for FSD, as the site's icons say).

// ParseFC reads a combo code ("", "fc", "fcp", "ap", "app").
func ParseFC(s string) (maimai.FC, error) {
	f := maimai.FC(s)
	if !f.Valid() {
		return "", fmt.Errorf("fc %q: want one of \"\", fc, fcp, ap, app", s)
	}
	return f, nil
}

// ParseFS reads a sync code ("", "sync", "fs", "fsp", "fsd", "fsdp";
// "fdx" and "fdxp" are read as fsd and fsdp).
func ParseFS(s string) (maimai.FS, error) {
	switch s {
	case "fdx":
		return maimai.FSD, nil
	case "fdxp":
		return maimai.FSDP, nil
	}
	f := maimai.FS(s)
	if !f.Valid() {
		return "", fmt.Errorf("fs %q: want one of \"\", sync, fs, fsp, fsd, fsdp", s)
	}
	return f, nil
}

// ParseRate reads a rank code ("d" … "sssp").
func ParseRate(s string) (maimai.Rank, error) {
	r := maimai.Rank(s)
	if !r.Valid() {
		return "", fmt.Errorf("rate %q: want one of d, c, b, bb, bbb, a, aa, aaa, s, sp, ss, ssp, sss, sssp", s)
	}
	return r, nil
}

// AchievementOf turns a percentage as both services send it (a JSON
// float such as 100.5432) into an exact Achievement. The float is rounded
// to the site's four decimals: 100.1143 is not exact in binary. Values
// outside 0–101% are refused: no chart gives more, so such a record is
// forged or corrupt.
func AchievementOf(pct float64) (maimai.Achievement, error) {
	if math.IsNaN(pct) || math.IsInf(pct, 0) || pct < 0 || pct > 101 {
		return 0, fmt.Errorf("achievements %v: want a percentage from 0 to 101", pct)
	}
	return maimai.Achievement(math.Round(pct * 10000)), nil
}

// Percent is the achievement as the float both services send, 100.5432.
func Percent(a maimai.Achievement) float64 { return float64(a) / 10000 }

// difficultyOf maps a level_index (0 Basic … 4 Re:MASTER) to a difficulty.
func difficultyOf(i int) (maimai.Difficulty, error) {
	if i < 0 || i > 4 {
		return "", fmt.Errorf("level_index %d: want 0 (Basic) to 4 (Re:MASTER)", i)
	}
	return maimai.Difficulties[i], nil
}

// LevelIndex is the level_index of a difficulty (Basic 0 … Re:MASTER 4),
// or -1 for utage and unknown difficulties, which diving-fish has no
// index for.
func LevelIndex(d maimai.Difficulty) int {
	if i := d.Index(); i >= 0 && i <= 4 {
		return i
	}
	return -1
}

// Bounds on what a file may hold; a file past them is refused, not cut.
const (
	// maxTitle bounds a song title in bytes; the longest real titles are
	// about 150 bytes of UTF-8.
	maxTitle = 512
	// maxDXScore bounds a DX score: three points a note, and no chart,
	// even a two-player utage chart, has near 6,000 notes.
	maxDXScore = 18000
	// MaxRecords bounds the distinct charts of one file: the game has
	// fewer than 20,000 charts, so a file of bests holds each at most once.
	MaxRecords = 50000
	// MaxEntries bounds the entries of one file (records, scores, lines),
	// repeats included: files of plays (Tachi, Lxns score history) name a
	// chart once per play. 500,000 is five times the plays of the most
	// played archive we know of; a file of 100,000 plays passes
	// (TestHundredThousandPlays).
	MaxEntries = 500000
)
