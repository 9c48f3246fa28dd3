package probersync

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/maiprobe/maiprobe/internal/interchange"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

// diving-fish's update_records replaces its record of a chart with the one
// it is sent (database/routes/maimai.py: every field of the matching row
// is assigned, none compared). A better score only diving-fish knows —
// played before the player used maiprobe, or sent by another tool — would
// be lost whenever maiprobe's best of that chart changed. So a sync first
// reads the player's records (GET /player/records with the same
// Import-Token) and sends, per chart, a record that lowers nothing
// diving-fish holds: each of achievements, dxScore, fc and fs is the
// higher of the two, as the game's own best list keeps each field's best
// on its own. A chart where diving-fish's record is at least as good in
// every field is not sent at all.

// dfKey names a chart as update_records matches it: the exact title and
// type of diving-fish's song data, and level_index.
type dfKey struct {
	title, typ string
	level      int
}

// dfHeld is what diving-fish holds of a chart, with the rating it
// derived from the achievement (ra) as it answered it.
type dfHeld struct {
	ach     maimai.Achievement
	dxScore int
	fc, fs  string
	ra      json.RawMessage
}

// dfHeldRecords reads a /player/records answer into what diving-fish
// holds per chart. Utage records (song ids from 100000, whose
// achievements may reach 202% for two players) are left out: a sync never
// sends utage.
func dfHeldRecords(body []byte) (map[dfKey]dfHeld, error) {
	var ans struct {
		Records []struct {
			Title        string          `json:"title"`
			Type         string          `json:"type"`
			LevelIndex   int             `json:"level_index"`
			Achievements float64         `json:"achievements"`
			DXScore      int             `json:"dxScore"`
			FC           *string         `json:"fc"`
			FS           *string         `json:"fs"`
			SongID       int             `json:"song_id"`
			RA           json.RawMessage `json:"ra"`
		} `json:"records"`
	}
	if err := json.Unmarshal(body, &ans); err != nil {
		return nil, fmt.Errorf("probersync: diving-fish's /player/records: %w", err)
	}
	out := make(map[dfKey]dfHeld, len(ans.Records))
	for _, r := range ans.Records {
		if r.SongID >= 100000 {
			continue
		}
		if math.IsNaN(r.Achievements) || r.Achievements < 0 || r.Achievements > 101 {
			return nil, fmt.Errorf("probersync: diving-fish's record of %s (%s, level_index %d) has achievements %v: not a score; nothing was sent", r.Title, r.Type, r.LevelIndex, r.Achievements)
		}
		h := dfHeld{ach: maimai.Achievement(math.Round(r.Achievements * 10000)), dxScore: r.DXScore, ra: r.RA}
		if r.FC != nil {
			h.fc = *r.FC
		}
		if r.FS != nil {
			h.fs = *r.FS
		}
		k := dfKey{r.Title, r.Type, r.LevelIndex}
		if old, ok := out[k]; ok {
			// One chart twice (not seen from diving-fish, but cheap to
			// be safe with): the higher of each field, like the merge.
			h = dfHeld{ach: max(old.ach, h.ach), dxScore: max(old.dxScore, h.dxScore), fc: higher(fcCodes, old.fc, h.fc), fs: higher(fsCodes, old.fs, h.fs), ra: old.ra}
		}
		out[k] = h
	}
	return out, nil
}

// The codes in rising order. A code diving-fish answers that is not
// listed ranks as none: it neither replaces a known code nor makes one
// look like a raise.
var (
	fcCodes = []string{"", "fc", "fcp", "ap", "app"}
	fsCodes = []string{"", "sync", "fs", "fsp", "fsd", "fsdp"}
)

func rank(codes []string, c string) int {
	for i, x := range codes {
		if x == c {
			return i
		}
	}
	return 0
}

// higher is the higher of two codes, a on a tie.
func higher(codes []string, a, b string) string {
	if rank(codes, b) > rank(codes, a) {
		return b
	}
	return a
}

// mergeOutcome says what a merge did with a chart.
type mergeOutcome int

const (
	// mergeNew: diving-fish holds nothing of the chart; send maiprobe's.
	mergeNew mergeOutcome = iota
	// mergeRaise: maiprobe's is at least as good in every field; send it.
	mergeRaise
	// mergeMixed: each is better in some field; send the higher of each.
	mergeMixed
	// mergeKept: diving-fish's is at least as good in every field; send
	// nothing.
	mergeKept
)

// mergeDivingFish is the record to send for a chart of which diving-fish
// holds held (ok false: nothing), so that no field goes down.
func mergeDivingFish(ours interchange.DivingFishRecord, held dfHeld, ok bool) (interchange.DivingFishRecord, mergeOutcome) {
	if !ok {
		return ours, mergeNew
	}
	ach := maimai.Achievement(math.Round(ours.Achievements * 10000))
	oursBetter := ach > held.ach || ours.DXScore > held.dxScore ||
		rank(fcCodes, ours.FC) > rank(fcCodes, held.fc) || rank(fsCodes, ours.FS) > rank(fsCodes, held.fs)
	theirsBetter := held.ach > ach || held.dxScore > ours.DXScore ||
		rank(fcCodes, held.fc) > rank(fcCodes, ours.FC) || rank(fsCodes, held.fs) > rank(fsCodes, ours.FS)
	switch {
	case !oursBetter:
		return ours, mergeKept
	case !theirsBetter:
		return ours, mergeRaise
	}
	out := ours
	if held.ach > ach {
		out.Achievements = interchange.Percent(held.ach)
		// rate and ra follow the achievement: take diving-fish's own
		// (update_records ignores both; they keep the record truthful).
		out.Rate = string(maimai.RankOf(held.ach))
		if ra, err := strconv.Atoi(string(held.ra)); err == nil {
			out.RA = ra
		}
	}
	out.DXScore = max(ours.DXScore, held.dxScore)
	out.FC = higher(fcCodes, ours.FC, held.fc)
	out.FS = higher(fsCodes, ours.FS, held.fs)
	return out, mergeMixed
}
