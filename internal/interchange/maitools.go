package interchange

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// mai-tools' score download (myjian/mai-tools src/scripts/score-download.ts)
// copies the player's best scores from maimai DX NET as tab-separated
// lines, no header, one chart a line, in this column order:
//
//	song name, genre, difficulty, level, chart type, achievement
//
// difficulty is BASIC, ADVANCED, EXPERT, MASTER or Re:MASTER
// (src/common/difficulties.ts), level the official label "13+"
// (getOfficialLevel in src/common/level-helper.ts), chart type DX or
// STANDARD (src/common/chart-type.ts), and achievement the percentage as
// JavaScript prints parseFloat("100.5432%"): 100.5432, 99, 100.5. Only
// played charts are listed (fetch-self-score.ts skips rows without an
// achievement). The site shows the same list in every region, so the file
// does not say which it came from.

// maiToolsColumns is the number of columns of a line.
const maiToolsColumns = 6

var maiToolsDifficulties = map[string]maimai.Difficulty{
	"BASIC": maimai.Basic, "ADVANCED": maimai.Advanced, "EXPERT": maimai.Expert,
	"MASTER": maimai.Master, "Re:MASTER": maimai.ReMaster,
}

var maiToolsTypes = map[string]maimai.ChartType{"DX": maimai.DX, "STANDARD": maimai.Std}

func init() {
	register(reader{format: MaiToolsTSV, detect: detectMaiTools, parse: parseMaiTools})
}

// detectMaiTools: the first line has six tab-separated columns with a
// known difficulty and chart type where mai-tools puts them. No page, JSON
// or comma-separated file has that.
func detectMaiTools(s *sniffed) bool {
	cols := strings.Split(string(firstLine(s.h)), "\t")
	if len(cols) != maiToolsColumns {
		return false
	}
	_, d := maiToolsDifficulties[cols[2]]
	_, t := maiToolsTypes[cols[4]]
	return d && t
}

func parseMaiTools(b []byte) (File, error) {
	var f File
	if !utf8.Valid(b) {
		return f, fmt.Errorf("not UTF-8 text: copy the scores from mai-tools again and save them as UTF-8")
	}
	var all songBests
	var n entries
	lines := strings.Split(string(bytes.TrimPrefix(b, bom)), "\n")
	for i, line := range lines {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		if err := n.next(); err != nil {
			return File{}, fmt.Errorf("line %d: %w", i+1, err)
		}
		r, err := maiToolsRecord(line)
		if err != nil {
			return File{}, fmt.Errorf("line %d: %w", i+1, err)
		}
		if err := all.add(r); err != nil {
			return File{}, fmt.Errorf("line %d: %w", i+1, err)
		}
	}
	f.Records = all.records()
	return f, nil
}

// maiToolsRecord reads one line.
func maiToolsRecord(line string) (Record, error) {
	var out Record
	cols := strings.Split(line, "\t")
	if len(cols) != maiToolsColumns {
		return out, fmt.Errorf("%d columns: want %d (song, genre, difficulty, level, type, achievement)", len(cols), maiToolsColumns)
	}
	title, genre, diff, level, typ, ach := cols[0], cols[1], cols[2], cols[3], cols[4], cols[5]
	if title == "" || len(title) > maxTitle {
		return out, fmt.Errorf("song name: want 1 to %d bytes", maxTitle)
	}
	if len(genre) > maxTitle {
		return out, fmt.Errorf("genre: longer than %d bytes", maxTitle)
	}
	d, ok := maiToolsDifficulties[diff]
	if !ok {
		return out, fmt.Errorf("%s: difficulty %s: want BASIC, ADVANCED, EXPERT, MASTER or Re:MASTER", Short(title), Short(diff))
	}
	t, ok := maiToolsTypes[typ]
	if !ok {
		return out, fmt.Errorf("%s: chart type %s: want DX or STANDARD", Short(title), Short(typ))
	}
	if !validLevel(level) {
		return out, fmt.Errorf("%s: level %s: want a level label such as 13 or 13+", Short(title), Short(level))
	}
	pct, err := strconv.ParseFloat(strings.TrimSuffix(ach, "%"), 64)
	if err != nil {
		return out, fmt.Errorf("%s: achievement %s: not a number", Short(title), Short(ach))
	}
	a, err := AchievementOf(pct)
	if err != nil {
		return out, fmt.Errorf("%s: %w", Short(title), err)
	}
	out.Score = maimai.Score{Chart: maimai.Chart{Title: title, Type: t, Difficulty: d}, Level: level, Genre: genre,
		Played: true, Achievement: a, Rank: maimai.RankOf(a)}
	return out, nil
}

// validLevel reports whether s is a level label: 1 to 15, with a "+" from 7.
func validLevel(s string) bool {
	n, err := strconv.Atoi(strings.TrimSuffix(s, "+"))
	if err != nil || n < 1 || n > 15 || strconv.Itoa(n) != strings.TrimSuffix(s, "+") {
		return false
	}
	return !strings.HasSuffix(s, "+") || (n >= 7 && n < 15)
}
