package interchange

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// The diving-fish (水鱼) wire types, as its public API documents them
// (Diving-Fish/maimaidx-prober doc/docs/developer/zh-api-document.md,
// 3.1.5 /player/records, 3.1.7 /query/player, 3.1.11 update_records).

// DivingFishRecord is one chart's best in diving-fish's records: the items
// of /player/records "records", of /query/player "charts.dx"/"charts.sd",
// and of the update_records request body (which needs only achievements,
// dxScore, fc, fs, level_index, title and type; the rest is ignored there).
type DivingFishRecord struct {
	Achievements float64 `json:"achievements"` // 100.5432
	DS           float64 `json:"ds"`           // chart constant, 13.7
	DXScore      int     `json:"dxScore"`
	FC           string  `json:"fc"`          // "", fc, fcp, ap, app
	FS           string  `json:"fs"`          // "", sync, fs, fsp, fsd, fsdp
	Level        string  `json:"level"`       // "13+"
	LevelIndex   int     `json:"level_index"` // 0 Basic … 4 Re:MASTER
	LevelLabel   string  `json:"level_label"` // "Master"
	RA           int     `json:"ra"`          // the chart's rating
	Rate         string  `json:"rate"`        // d … sssp
	SongID       int     `json:"song_id"`     // diving-fish id: DX charts are 10000 + the SD id
	Title        string  `json:"title"`
	Type         string  `json:"type"` // "DX" or "SD"
}

// DivingFishPlayer is the body of /player/records (Records) and of
// /query/player (Charts, the B50 split into new and old versions).
type DivingFishPlayer struct {
	// AdditionalRating is the course rank: 0–10 beginner to 十段, 11–20
	// 真初段 to 真十段, 21–22 真皆传 and 里皆传.
	AdditionalRating int                `json:"additional_rating"`
	Nickname         string             `json:"nickname"`
	Plate            string             `json:"plate"`
	Rating           int                `json:"rating"`
	Records          []DivingFishRecord `json:"records,omitempty"`
	Charts           *DivingFishCharts  `json:"charts,omitempty"`
	Username         string             `json:"username"`
	// UserGeneralData is sent by /query/player with no meaning yet (null).
	UserGeneralData any `json:"user_general_data,omitempty"`
}

// DivingFishCharts is /query/player's B50: dx the new version's best 15,
// sd the older versions' best 35.
type DivingFishCharts struct {
	DX []DivingFishRecord `json:"dx"`
	SD []DivingFishRecord `json:"sd"`
}

// DivingFishLevelLabels are the level_label values by level_index.
var DivingFishLevelLabels = [5]string{"Basic", "Advanced", "Expert", "Master", "Re:MASTER"}

// DivingFishType is the "type" code of a chart type: "DX" or "SD".
func DivingFishType(t maimai.ChartType) string {
	if t == maimai.DX {
		return "DX"
	}
	return "SD"
}

// ParseDivingFishType reads a "type" code.
func ParseDivingFishType(s string) (maimai.ChartType, error) {
	switch s {
	case "DX":
		return maimai.DX, nil
	case "SD":
		return maimai.Std, nil
	}
	return "", fmt.Errorf("type %q: want DX or SD", s)
}

// divingFishCoF is diving-fish's title of the second song called "Link"
// (Circle of friends, song 383). The site calls both "Link" and tells them
// apart by genre only (their master charts share level and type), so a
// record of either reads as the site's title with the genre the CN site
// lists it under, as a musicGenre page would show it; without the genre
// the archive could not tell which song's best it is.
const divingFishCoF = "Link(CoF)"

// linkGenres are the CN site's genres of the two songs titled "Link", by
// song id.
var linkGenres = map[int]string{131: "舞萌", 383: "niconico＆VOCALOID™"}

// Record checks the record and converts it. A code that is not one
// diving-fish documents, an achievement outside 0–101% or a negative DX
// score is an error: the file is hostile or corrupt, and a wrong best
// would be kept forever. rate, when present, must agree with the
// achievement; ra and level_label are diving-fish's own derivations and
// are not kept.
func (r DivingFishRecord) Record() (Record, error) {
	var out Record
	if r.Title == "" {
		return out, fmt.Errorf("title: empty")
	}
	if len(r.Title) > maxTitle {
		return out, fmt.Errorf("title: longer than %d bytes", maxTitle)
	}
	t, err := ParseDivingFishType(r.Type)
	if err != nil {
		return out, err
	}
	d, err := difficultyOf(r.LevelIndex)
	if err != nil {
		return out, err
	}
	a, err := AchievementOf(r.Achievements)
	if err != nil {
		return out, err
	}
	fc, err := ParseFC(r.FC)
	if err != nil {
		return out, err
	}
	fs, err := ParseFS(r.FS)
	if err != nil {
		return out, err
	}
	if r.Rate != "" {
		rk, err := ParseRate(r.Rate)
		if err != nil {
			return out, err
		}
		if rk != maimai.RankOf(a) {
			return out, fmt.Errorf("rate %q does not match achievements %v (%s)", r.Rate, r.Achievements, maimai.RankOf(a))
		}
	}
	if r.DXScore < 0 || r.DXScore > maxDXScore {
		return out, fmt.Errorf("dxScore %d: want 0 to %d", r.DXScore, maxDXScore)
	}
	if r.DS < 0 || r.DS > 16 {
		return out, fmt.Errorf("ds %v: want a chart constant from 0 to 16", r.DS)
	}
	if len(r.Level) > 8 {
		return out, fmt.Errorf("level %q: too long", r.Level)
	}
	title, genre := r.Title, ""
	switch {
	case r.Title == divingFishCoF:
		title, genre = "Link", linkGenres[383]
	case r.Title == "Link":
		// diving-fish's own "Link" is always the 舞萌 one (131): it calls
		// the other "Link(CoF)".
		genre = linkGenres[131]
	}
	out.Score = maimai.Score{
		Chart:       maimai.Chart{Title: title, Type: t, Difficulty: d},
		Genre:       genre,
		Level:       r.Level,
		Played:      true,
		Achievement: a,
		DXScore:     r.DXScore,
		FC:          fc,
		FS:          fs,
		Rank:        maimai.RankOf(a),
	}
	out.Constant = r.DS
	out.SongID = r.SongID
	return out, nil
}

// DivingFishRecordOf writes a record in diving-fish's shape. The fields
// diving-fish derives from its own song data (ra; ds and song_id when the
// record does not carry them) are left for the caller: this package holds
// no song data. A utage record has no level_index in diving-fish and must
// not be sent (LevelIndex reports -1 for it).
func DivingFishRecordOf(r Record) DivingFishRecord {
	out := DivingFishRecord{
		Achievements: Percent(r.Achievement),
		DS:           r.Constant,
		DXScore:      r.DXScore,
		FC:           string(r.FC),
		FS:           string(r.FS),
		Level:        r.Level,
		LevelIndex:   LevelIndex(r.Difficulty),
		RA:           0,
		Rate:         string(maimai.RankOf(r.Achievement)),
		SongID:       r.SongID,
		Title:        r.Title,
		Type:         DivingFishType(r.Type),
	}
	if i := out.LevelIndex; i >= 0 {
		out.LevelLabel = DivingFishLevelLabels[i]
	}
	return out
}

func init() {
	register(reader{format: DivingFishJSON, detect: detectDivingFishJSON, parse: parseDivingFishJSON})
	register(reader{format: DivingFishCSV, detect: detectDivingFishCSV, parse: parseDivingFishCSV})
}

// detectDivingFishJSON: see jsonFormat (a first record with "title"
// beside "level_index" or "dxScore", or a player body with "records" or
// "charts").
func detectDivingFishJSON(s *sniffed) bool { return s.jsonFormat() == DivingFishJSON }

// parseDivingFishJSON reads a /player/records or /query/player body, or
// a bare array of records (an update_records body), one record at a time.
func parseDivingFishJSON(b []byte) (File, error) {
	f := File{Region: maimai.CN}
	var all bests
	add := func(i int, r DivingFishRecord) error {
		if err := all.addConverted(r.Record()); err != nil {
			return fmt.Errorf("record %d (%s): %w", i, Short(r.Title), err)
		}
		return nil
	}
	err := readEntries(b, add, func(dec *json.Decoder, n *entries, key string) error {
		switch key {
		case "records":
			return eachElement(dec, n, add)
		case "charts":
			return eachMember(dec, func(key string) error {
				if key == "dx" || key == "sd" {
					return eachElement(dec, n, add)
				}
				return skipValue(dec)
			})
		case "username":
			var name *string
			if err := dec.Decode(&name); err != nil {
				return fmt.Errorf("username: %w", err)
			}
			if name != nil {
				f.Player = *name
			}
			return nil
		}
		return skipValue(dec)
	})
	if err != nil {
		return f, err
	}
	f.Records = all.recs
	return f, nil
}

// divingFishCSVHeader is the first line of the prober's "导出为 CSV"
// (web/src/pages/MainPage.vue exportToCSV), space before "DX Rating"
// included. The export has no FC or FS column.
const divingFishCSVHeader = "曲名,类别,难度,等级,定数,达成率,DX分数, DX Rating"

// divingFishCSVHeaderGBK is the start of that header in GBK, the
// encoding the export offers for Excel: detected so that the refusal can
// say what to do instead of "unknown file".
var divingFishCSVHeaderGBK = []byte("\xc7\xfa\xc3\xfb,\xc0\xe0\xb1\xf0")

func detectDivingFishCSV(s *sniffed) bool {
	l := firstLine(s.h)
	return bytes.HasPrefix(l, []byte("曲名,类别,难度,等级,定数,达成率")) || bytes.HasPrefix(l, divingFishCSVHeaderGBK)
}

func parseDivingFishCSV(b []byte) (File, error) {
	f := File{Region: maimai.CN}
	if bytes.HasPrefix(head(b), divingFishCSVHeaderGBK) {
		return f, fmt.Errorf("the file is GBK-encoded: export it again from diving-fish choosing UTF-8 (选择编码 UTF-8)")
	}
	var all bests
	err := readCSV(b, func(line int, c []string) error {
		if len(c) < 8 {
			return fmt.Errorf("%d columns, want 8 (%s)", len(c), divingFishCSVHeader)
		}
		r := DivingFishRecord{Title: c[0], Type: c[1], LevelIndex: -1, Level: c[3], LevelLabel: c[2]}
		for i, l := range DivingFishLevelLabels {
			if strings.EqualFold(l, c[2]) {
				r.LevelIndex = i
			}
		}
		var err error
		if r.DS, err = csvFloat("定数", c[4]); err != nil {
			return err
		}
		if r.Achievements, err = csvFloat("达成率", c[5]); err != nil {
			return err
		}
		if r.DXScore, err = strconv.Atoi(strings.TrimSpace(c[6])); err != nil {
			return fmt.Errorf("DX分数 %q: not a whole number", c[6])
		}
		if r.LevelIndex < 0 {
			return fmt.Errorf("难度 %q: want Basic, Advanced, Expert, Master or Re:MASTER", c[2])
		}
		if err := all.addConverted(r.Record()); err != nil {
			return fmt.Errorf("%s: %w", Short(r.Title), err)
		}
		return nil
	})
	f.Records = all.recs
	return f, err
}

// csvFloat reads a number cell; an empty cell is 0 (diving-fish leaves
// ds empty for charts it has no constant for).
func csvFloat(name, s string) (float64, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	if s == "" {
		return 0, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("%s %q: not a number", name, s)
	}
	return v, nil
}
