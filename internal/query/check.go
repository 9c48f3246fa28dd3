package query

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/rating"
)

// The web pages ignore a malformed filter (a stale bookmark still lists
// something); the read API must not, or a client's typo (diff=Master,
// from=2025-13-01) silently answers another list than it asked for.
// CheckPlayFilter and CheckSongFilter say which parameter PlayFilter or
// SongFilter would drop, so the API can refuse the request instead. An
// empty value is no filter, as in a submitted form.

// CheckPlayFilter reports the first parameter of a play filter
// (PlayFilter) that is given but not understood, with the values it
// takes; nil when every one is.
func CheckPlayFilter(q url.Values) error {
	return check(q, "diff", "type", "rank", "fc", "fs", "lv_min", "lv_max", "cmin", "cmax", "from", "to")
}

// CheckSongFilter reports the first parameter of a song filter
// (SongFilter) that is given but not understood; nil when every one is.
func CheckSongFilter(q url.Values) error {
	return check(q, "level", "lv_min", "lv_max", "cmin", "cmax", "version", "type", "diff", "fc", "fs", "played")
}

func check(q url.Values, names ...string) error {
	for _, name := range names {
		v := strings.TrimSpace(q.Get(name))
		if v == "" {
			continue
		}
		if want := wants(name, v); want != "" {
			return fmt.Errorf("%s=%q is not understood: want %s", name, v, want)
		}
	}
	return nil
}

// wants is what parameter name takes when v is not one of them, "" when
// v is.
func wants(name, v string) string {
	switch name {
	case "diff":
		if !maimai.Difficulty(v).Valid() {
			return "basic, advanced, expert, master, remaster or utage (lower case)"
		}
	case "type":
		if t := maimai.ChartType(v); t != maimai.Std && t != maimai.DX {
			return "std or dx"
		}
	case "rank":
		if !maimai.Rank(v).Valid() {
			return "a rank in lower case: d, c, b, bb, bbb, a, aa, aaa, s, sp, ss, ssp, sss or sssp"
		}
	case "fc":
		if !maimai.FC(v).Valid() {
			return "fc, fcp, ap or app"
		}
	case "fs":
		if !maimai.FS(v).Valid() {
			return "sync, fs, fsp, fsd or fsdp"
		}
	case "level", "lv_min", "lv_max":
		if !slices.Contains(archive.LevelLabels(), v) {
			return "a level label: " + strings.Join(archive.LevelLabels(), ", ")
		}
	case "cmin", "cmax":
		if _, ok := ConstantBound(v, name == "cmax"); !ok {
			return "a constant from 0 to 20, such as 13.7"
		}
	case "from", "to":
		if _, err := time.Parse(DateLayout, v); err != nil {
			return "a date written YYYY-MM-DD, such as 2025-06-01"
		}
	case "version":
		if n, err := strconv.Atoi(v); err != nil || !rating.Version(n).Valid() {
			return "a version number as the song data gives it, such as 25000 (PRiSM, 舞萌DX 2025)"
		}
	case "played":
		if v != "1" && v != "0" {
			return "1 (only charts played) or 0"
		}
	}
	return ""
}
