// Package query reads the filters of a list from a URL's query, for the
// web pages and the read API alike: /p/NAME/plays?diff=master and
// /api/v1/players/NAME/plays?diff=master then list the same plays.
// The readers ignore unknown or malformed values, so a web page's URL
// does not fail because of a stale or hand-edited parameter; the read
// API refuses them first with CheckPlayFilter and CheckSongFilter
// (check.go), so a client's typo does not answer another list.
package query

import (
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/rating"
	"github.com/maiprobe/maiprobe/internal/songs"
)

// DateLayout is how the from and to dates of a play filter are written.
const DateLayout = "2006-01-02"

// PlayFilter reads the filter of a play list: q (title), diff, type,
// rank, fc and fs (at least that mark: fc=fcp keeps AP too),
// lv_min/lv_max (level labels, "13" to "14+"), cmin/cmax (constants,
// "13.0" to "13.9") and from/to dates (YYYY-MM-DD, in the archive's UTC
// days; to is inclusive).
func PlayFilter(q url.Values) archive.PlayFilter {
	var f archive.PlayFilter
	f.Title = strings.TrimSpace(q.Get("q"))
	if d := maimai.Difficulty(q.Get("diff")); d.Valid() {
		f.Difficulty = d
	}
	f.Type = chartType(q)
	if rk := maimai.Rank(q.Get("rank")); rk.Valid() {
		f.Rank = rk
	}
	f.FC, f.FS = Lamps(q)
	f.MinLevel, f.MaxLevel = LevelRange(q)
	if c, ok := ConstantBound(q.Get("cmin"), false); ok && c.Known() {
		f.MinConstant = c
	}
	if c, ok := ConstantBound(q.Get("cmax"), true); ok && c.Known() {
		f.MaxConstant = c
	}
	if t, err := time.Parse(DateLayout, q.Get("from")); err == nil {
		f.From = t
	}
	if t, err := time.Parse(DateLayout, q.Get("to")); err == nil {
		f.To = t.AddDate(0, 0, 1)
	}
	return f
}

// SongFilter reads the filter of a song (best score) list: q (title,
// artist or pinyin initials), level, lv_min/lv_max, cmin/cmax, version
// (a number), genre, type, diff, fc, fs and played=1.
func SongFilter(q url.Values) archive.SongFilter {
	f := archive.SongFilter{Query: strings.TrimSpace(q.Get("q")), Level: q.Get("level"), Genre: q.Get("genre"), Played: q.Get("played") == "1"}
	if c, ok := ConstantBound(q.Get("cmin"), false); ok {
		f.MinConstant = c
	}
	if c, ok := ConstantBound(q.Get("cmax"), true); ok {
		f.MaxConstant = c
	}
	if n, err := strconv.Atoi(q.Get("version")); err == nil && rating.Version(n).Valid() {
		f.Version = rating.Version(n)
	}
	f.Type = chartType(q)
	if d := maimai.Difficulty(q.Get("diff")); d.Valid() {
		f.Difficulty = d
	}
	f.MinLevel, f.MaxLevel = LevelRange(q)
	f.FC, f.FS = Lamps(q)
	return f
}

func chartType(q url.Values) maimai.ChartType {
	if t := maimai.ChartType(q.Get("type")); t == maimai.Std || t == maimai.DX {
		return t
	}
	return ""
}

// LevelRange reads lv_min and lv_max, the ends of a level range: labels
// of levels ("13" to "14+"), "" when missing or unknown.
func LevelRange(q url.Values) (lo, hi string) {
	levels := archive.LevelLabels()
	if lv := q.Get("lv_min"); slices.Contains(levels, lv) {
		lo = lv
	}
	if lv := q.Get("lv_max"); slices.Contains(levels, lv) {
		hi = lv
	}
	return lo, hi
}

// Lamps reads fc and fs, the marks a play or best must at least have;
// "" when missing or unknown.
func Lamps(q url.Values) (fc maimai.FC, fs maimai.FS) {
	if v := maimai.FC(q.Get("fc")); v != "" && v.Valid() {
		fc = v
	}
	if v := maimai.FS(q.Get("fs")); v != "" && v.Valid() {
		fs = v
	}
	return fc, fs
}

// ConstantBound reads a constant bound as typed: "13.7", "13,7" or
// "13.75" (rounded inward: up for a lower bound, down for an upper one);
// ok is false for an empty or unreadable value.
func ConstantBound(s string, upper bool) (songs.Constant, bool) {
	s = strings.TrimSpace(strings.ReplaceAll(s, ",", "."))
	if s == "" {
		return 0, false
	}
	if c, err := songs.ParseConstant(s); err == nil {
		return c, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f > 20 || math.IsNaN(f) {
		return 0, false
	}
	tenths := math.Ceil(f*10 - 1e-9)
	if upper {
		tenths = math.Floor(f*10 + 1e-9)
	}
	return songs.Constant(tenths), true
}
