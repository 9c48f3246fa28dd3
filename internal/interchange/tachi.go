package interchange

import (
	"fmt"
	"strconv"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// Tachi (Kamaitachi) BATCH-MANUAL for maimai DX, as Tachi documents it:
// zkldi/Tachi docs/docs/codebase/batch-manual/index.md (the format: meta
// and scores, matchType and identifier, timeAchieved in unix
// milliseconds), common/src/types/batch-manual.ts (a score's fields) and
// common/src/config/game-support/maimai-dx.ts (game "maimaidx", playtype
// "Single", the metric "percent" from 0 to 101, the lamps, the
// difficulties "Master" and "DX Master", judgements pcrit/perfect/great/
// good/miss, and the optional fast/slow/maxCombo).

// TachiManual is a BATCH-MANUAL file.
type TachiManual struct {
	Meta   TachiMeta    `json:"meta"`
	Scores []TachiScore `json:"scores"`
}

// TachiMeta is the meta block Tachi requires.
type TachiMeta struct {
	Game     string `json:"game"`     // "maimaidx"
	Playtype string `json:"playtype"` // "Single"
	// Service says where the scores come from, 2 to 15 characters.
	Service string `json:"service"`
	Version string `json:"version,omitempty"`
}

// TachiScore is one score of a BATCH-MANUAL file.
type TachiScore struct {
	Percent float64 `json:"percent"`
	Lamp    string  `json:"lamp"`
	// MatchType is "inGameID" (Identifier is the official music id, as
	// a string) or "songTitle" (the title); "tachiSongID", Tachi's own
	// id, cannot be read without Tachi's database.
	MatchType  string `json:"matchType"`
	Identifier string `json:"identifier"`
	Difficulty string `json:"difficulty"` // "Master", "DX Re:Master", …
	Artist     string `json:"artist,omitempty"`
	// TimeAchieved is unix milliseconds, nil when unknown.
	TimeAchieved *int64           `json:"timeAchieved,omitempty"`
	Comment      string           `json:"comment,omitempty"`
	Judgements   *TachiJudgements `json:"judgements,omitempty"`
	Optional     *TachiOptional   `json:"optional,omitempty"`
}

// TachiJudgements counts a play's judgements over all note kinds.
type TachiJudgements struct {
	PCrit   int `json:"pcrit"`
	Perfect int `json:"perfect"`
	Great   int `json:"great"`
	Good    int `json:"good"`
	Miss    int `json:"miss"`
}

// TachiOptional is the optional metrics maimai DX has in Tachi.
type TachiOptional struct {
	Fast     *int `json:"fast,omitempty"`
	Slow     *int `json:"slow,omitempty"`
	MaxCombo *int `json:"maxCombo,omitempty"`
}

// The meta values of maimai DX.
const (
	tachiGame     = "maimaidx"
	tachiPlaytype = "Single"
)

// tachiDifficulties are Tachi's maimai DX difficulty names by chart type
// and difficulty. Tachi has no utage charts.
var tachiDifficulties = map[maimai.ChartType][5]string{
	maimai.Std: {"Basic", "Advanced", "Expert", "Master", "Re:Master"},
	maimai.DX:  {"DX Basic", "DX Advanced", "DX Expert", "DX Master", "DX Re:Master"},
}

// TachiDifficulty is Tachi's name of a chart's difficulty, false for
// utage, which Tachi does not have.
func TachiDifficulty(t maimai.ChartType, d maimai.Difficulty) (string, bool) {
	names, ok := tachiDifficulties[t]
	i := d.Index()
	if !ok || i < 0 || i > 4 {
		return "", false
	}
	return names[i], true
}

// parseTachiDifficulty reads a Tachi difficulty name.
func parseTachiDifficulty(s string) (maimai.ChartType, maimai.Difficulty, error) {
	for t, names := range tachiDifficulties {
		for i, n := range names {
			if n == s {
				return t, maimai.Difficulties[i], nil
			}
		}
	}
	return "", "", fmt.Errorf("difficulty %q: want Basic … Re:Master or DX Basic … DX Re:Master", s)
}

// Tachi's maimai DX lamps, lowest first.
const (
	tachiFailed = "FAILED"
	tachiClear  = "CLEAR"
)

var tachiLamps = map[maimai.FC]string{
	maimai.FCN: "FULL COMBO",
	maimai.FCP: "FULL COMBO+",
	maimai.AP:  "ALL PERFECT",
	maimai.APP: "ALL PERFECT+",
}

// TachiLamp is a play's lamp: its combo mark, else CLEAR or FAILED.
func TachiLamp(fc maimai.FC, clear bool) string {
	if l, ok := tachiLamps[fc]; ok {
		return l
	}
	if clear {
		return tachiClear
	}
	return tachiFailed
}

// parseTachiLamp reads a lamp as a combo mark.
func parseTachiLamp(s string) (maimai.FC, error) {
	switch s {
	case tachiFailed, tachiClear:
		return maimai.NoFC, nil
	}
	for fc, l := range tachiLamps {
		if l == s {
			return fc, nil
		}
	}
	return "", fmt.Errorf("lamp %q: want FAILED, CLEAR, FULL COMBO, FULL COMBO+, ALL PERFECT or ALL PERFECT+", s)
}

// maxTachiTime bounds timeAchieved: after the year 2100 a time is not a
// play's, it is a corrupt or forged file (or seconds taken for ms the
// other way round would be before 1971, checked below).
var maxTachiTime = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()

// minTachiTime is 2019-07-01, the start of the month maimai DX came out
// in; an earlier time is not a maimai DX play (or was written in
// seconds, not milliseconds).
var minTachiTime = time.Date(2019, 7, 1, 0, 0, 0, 0, time.UTC).UnixMilli()

func init() {
	register(reader{format: TachiBatch, detect: detectTachi, parse: parseTachi})
}

// detectTachi: see jsonFormat (an object with "meta" and "scores").
func detectTachi(s *sniffed) bool { return s.jsonFormat() == TachiBatch }

// parseTachi reads a BATCH-MANUAL file, one score at a time: a file of
// plays names a chart once per play, and only each chart's best is kept.
func parseTachi(b []byte) (File, error) {
	var f File
	dec, err := jsonDecoder(b)
	if err != nil {
		return f, err
	}
	if top, err := topLevel(dec); err != nil || top != '{' {
		return f, fmt.Errorf("not BATCH-MANUAL JSON: want an object with meta and scores")
	}
	var meta *TachiMeta
	checkMeta := func() error {
		if meta == nil {
			return fmt.Errorf("no meta block: BATCH-MANUAL files start with {\"meta\": {\"game\": %q, \"playtype\": %q, …}}", tachiGame, tachiPlaytype)
		}
		if meta.Game != tachiGame {
			game, _ := clip(meta.Game)
			return fmt.Errorf("meta.game %q: maiprobe reads maimai DX scores only (game %q)", game, tachiGame)
		}
		if meta.Playtype != tachiPlaytype {
			playtype, _ := clip(meta.Playtype)
			return fmt.Errorf("meta.playtype %q: want %q", playtype, tachiPlaytype)
		}
		return nil
	}
	var all songBests
	var n entries
	err = members(dec, func(key string) error {
		switch key {
		case "meta":
			if err := dec.Decode(&meta); err != nil {
				return fmt.Errorf("meta: %w", err)
			}
			return nil
		case "scores":
			if meta != nil {
				// The meta block comes first (as Tachi writes it): a file of
				// another game is refused as such, not by its first score.
				if err := checkMeta(); err != nil {
					return err
				}
			}
			return eachElement(dec, &n, func(i int, s TachiScore) error {
				r, err := s.Record()
				if err == nil {
					err = all.add(r)
				}
				if err != nil {
					return fmt.Errorf("score %d (%s %s): %w", i, Short(s.Identifier), Short(s.Difficulty), err)
				}
				return nil
			})
		}
		return skipValue(dec)
	})
	if err == nil {
		err = jsonEnd(dec)
	}
	if err == nil {
		err = checkMeta()
	}
	if err != nil {
		return File{}, err
	}
	f.Records = all.records()
	return f, nil
}

// songBests is bests for files whose records may share a chart name but
// not a song: Tachi scores matched by inGameID carry no title, and the two
// "Link"s differ by genre only. Each song id and genre keeps a bests of
// its own, in the order they first appear.
type songBests struct {
	order []songKey
	by    map[songKey]*bests
	n     int
}

type songKey struct {
	id    int
	genre string
}

func (s *songBests) add(r Record) error {
	if s.by == nil {
		s.by = map[songKey]*bests{}
	}
	k := songKey{r.SongID, r.Genre}
	b := s.by[k]
	if b == nil {
		b = &bests{}
		s.by[k] = b
		s.order = append(s.order, k)
	}
	before := len(b.recs)
	if s.n >= MaxRecords {
		if _, dup := b.index[songChart{r.Chart, r.Genre}]; !dup {
			return fmt.Errorf("more than %d records", MaxRecords)
		}
	}
	if err := b.add(r); err != nil {
		return err
	}
	s.n += len(b.recs) - before
	return nil
}

func (s *songBests) records() []Record {
	var out []Record
	for _, k := range s.order {
		out = append(out, s.by[k].recs...)
	}
	return out
}

// Record checks the score and converts it to a best. A score with
// judgements is still a best: a BATCH-MANUAL file is what another tool
// says, not a page of the game. Tachi's maimai DX holds no sync mark and
// no DX score, so a Record from it has neither. A score matched by
// inGameID has SongID and no title; the importer names it from the song
// data.
func (s TachiScore) Record() (Record, error) {
	var out Record
	t, d, err := parseTachiDifficulty(s.Difficulty)
	if err != nil {
		return out, err
	}
	a, err := AchievementOf(s.Percent)
	if err != nil {
		return out, fmt.Errorf("percent: %w", err)
	}
	fc, err := parseTachiLamp(s.Lamp)
	if err != nil {
		return out, err
	}
	if fc == maimai.APP && a < maimai.MaxAchievement {
		// AP+ is every note a critical perfect: 101% exactly.
		return out, fmt.Errorf("lamp %q with percent %v: ALL PERFECT+ is 101%%", s.Lamp, s.Percent)
	}
	if s.Identifier == "" || len(s.Identifier) > maxTitle {
		return out, fmt.Errorf("identifier: want 1 to %d bytes", maxTitle)
	}
	out.Score = maimai.Score{Chart: maimai.Chart{Type: t, Difficulty: d}, Played: true, Achievement: a, FC: fc, Rank: maimai.RankOf(a)}
	switch s.MatchType {
	case "songTitle":
		out.Title = s.Identifier
	case "inGameID":
		id, err := strconv.Atoi(s.Identifier)
		if err != nil || id <= 0 || id >= 1000000 {
			return out, fmt.Errorf("identifier %q: an inGameID is a music id from 1 to 999999", s.Identifier)
		}
		out.SongID = id
	default:
		return out, fmt.Errorf("matchType %q: maiprobe reads songTitle and inGameID (tachiSongID needs Tachi's own song database)", s.MatchType)
	}
	if s.TimeAchieved != nil {
		ms := *s.TimeAchieved
		if ms < minTachiTime || ms > maxTachiTime {
			return out, fmt.Errorf("timeAchieved %d: want unix milliseconds of a maimai DX play (2019 to 2100)", ms)
		}
		out.AchievedAt = time.UnixMilli(ms).UTC()
	}
	if j := s.Judgements; j != nil {
		for _, n := range []int{j.PCrit, j.Perfect, j.Great, j.Good, j.Miss} {
			if n < 0 || n > maxNotes {
				return out, fmt.Errorf("judgements: a count must be 0 to %d", maxNotes)
			}
		}
	}
	return out, nil
}

// maxNotes bounds a judgement count: no chart, even a two-player utage
// chart, has 6,000 notes (see maxDXScore).
const maxNotes = maxDXScore / 3

// tachiService is what the scores say they come from (2–15 characters).
const tachiService = "maiprobe"

// TachiScores builds BATCH-MANUAL scores for plays, one per play with its
// judgements, fast/slow and max combo where the detail page was saved,
// timeAchieved and lamp. A chart the song data knows is matched by
// inGameID (the official id, which tells the two "Link"s apart); any other
// by songTitle. Utage plays are skipped: Tachi has no utage charts.
func TachiScores(plays []Play) ([]TachiScore, []Skipped) {
	out := make([]TachiScore, 0, len(plays))
	var skipped []Skipped
	for _, p := range plays {
		diff, ok := TachiDifficulty(p.Type, p.Difficulty)
		if !ok {
			skipped = append(skipped, Skipped{Chart: p.Chart, PlayedAt: p.PlayedAt, Reason: reasonUtage})
			continue
		}
		ms := p.PlayedAt.UnixMilli()
		s := TachiScore{
			Percent:      Percent(p.Achievement),
			Lamp:         TachiLamp(p.FC, p.Clear || p.Achievement >= clearAchievement),
			MatchType:    "songTitle",
			Identifier:   p.Title,
			Difficulty:   diff,
			TimeAchieved: &ms,
		}
		if p.SongID != 0 {
			s.MatchType, s.Identifier = "inGameID", strconv.Itoa(p.SongID)
		}
		if d := p.Detail; d != nil {
			s.Judgements = tachiJudgements(d.Judgements)
			fast, slow, combo := d.Fast, d.Late, d.MaxCombo
			s.Optional = &TachiOptional{Fast: &fast, Slow: &slow, MaxCombo: &combo}
		}
		out = append(out, s)
	}
	return out, skipped
}

// clearAchievement is the achievement that clears a chart (80%), for plays
// whose record page did not say (older layouts).
const clearAchievement maimai.Achievement = 800000

// tachiJudgements sums the judgement table's rows; nil when it is empty.
func tachiJudgements(j maimai.Judgements) *TachiJudgements {
	var out TachiJudgements
	for _, n := range []*maimai.NoteJudgement{j.Tap, j.Hold, j.Slide, j.Touch, j.Break} {
		if n == nil {
			continue
		}
		out.PCrit += n.CriticalPerfect
		out.Perfect += n.Perfect
		out.Great += n.Great
		out.Good += n.Good
		out.Miss += n.Miss
	}
	if out == (TachiJudgements{}) {
		return nil
	}
	return &out
}

// TachiFile is the BATCH-MANUAL file of plays.
func TachiFile(plays []Play) (TachiManual, []Skipped) {
	scores, skipped := TachiScores(plays)
	return TachiManual{Meta: TachiMeta{Game: tachiGame, Playtype: tachiPlaytype, Service: tachiService}, Scores: scores}, skipped
}
