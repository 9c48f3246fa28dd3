package interchange

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// The Lxns (落雪) wire types, as its public API documents them
// (Lxns-Network/maimai-prober-frontend public/docs/api/maimai.md): every
// response is wrapped as {success, code, message, data}; times are UTC
// ("2024-01-01T00:00:00Z", play_time to the minute).

// LxnsResponse is the envelope of every Lxns API response.
type LxnsResponse[T any] struct {
	Success bool   `json:"success"`
	Code    int    `json:"code"`
	Message string `json:"message,omitempty"`
	Data    T      `json:"data"`
}

// LxnsScore is one score ("Score"): a best of /player/{fc}/bests and
// /user/maimai/player/scores, a play of /recents and score/history, and an
// item of the upload body {"scores": […]}. SongName, Level, DXRating,
// Rate and UploadTime are only sent by Lxns, never uploaded.
type LxnsScore struct {
	// ID is Lxns's song id: the same for a song's standard and DX charts
	// (never above 10000), above 100000 for utage songs.
	ID           int     `json:"id"`
	SongName     string  `json:"song_name,omitempty"`
	Level        string  `json:"level,omitempty"`
	LevelIndex   int     `json:"level_index"` // 0 BASIC … 4 Re:MASTER; 0 for utage
	Achievements float64 `json:"achievements"`
	FC           *string `json:"fc"` // null, fc, fcp, ap, app
	FS           *string `json:"fs"` // null, sync, fs, fsp, fsd, fsdp
	DXScore      int     `json:"dx_score"`
	DXStar       int     `json:"dx_star,omitempty"` // 0–5, sent by newer Lxns
	DXRating     float64 `json:"dx_rating,omitempty"`
	Rate         string  `json:"rate,omitempty"`
	Type         string  `json:"type"` // standard, dx, utage
	// PlayTime is when it was played (minute precision), zero when Lxns
	// does not know; UploadTime when it reached Lxns.
	PlayTime   time.Time `json:"play_time,omitzero"`
	UploadTime time.Time `json:"upload_time,omitzero"`
	// LastPlayedTime is when the chart was last played, sent with bests
	// by newer Lxns.
	LastPlayedTime time.Time `json:"last_played_time,omitzero"`
}

// LxnsUpload is the body of POST /api/v0/maimai/player/{friend_code}/scores.
type LxnsUpload struct {
	Scores []LxnsScore `json:"scores"`
}

// LxnsCollection is a trophy, icon, name plate or frame ("Collection").
type LxnsCollection struct {
	ID    int    `json:"id"`
	Name  string `json:"name,omitempty"`
	Color string `json:"color,omitempty"`
}

// LxnsPlayer is a player ("Player").
type LxnsPlayer struct {
	Name       string          `json:"name"`
	Rating     int             `json:"rating"`
	FriendCode int64           `json:"friend_code"`
	Trophy     *LxnsCollection `json:"trophy,omitempty"`
	TrophyName string          `json:"trophy_name,omitempty"`
	CourseRank int             `json:"course_rank"`
	ClassRank  int             `json:"class_rank"`
	Star       int             `json:"star"`
	Icon       *LxnsCollection `json:"icon,omitempty"`
	NamePlate  *LxnsCollection `json:"name_plate,omitempty"`
	Frame      *LxnsCollection `json:"frame,omitempty"`
	UploadTime time.Time       `json:"upload_time,omitzero"`
}

// LxnsBests is /player/{friend_code}/bests: the B50.
type LxnsBests struct {
	StandardTotal int         `json:"standard_total"`
	DXTotal       int         `json:"dx_total"`
	Standard      []LxnsScore `json:"standard"`
	DX            []LxnsScore `json:"dx"`
}

// LxnsType is the "type" code of a chart: utage for utage charts (whatever
// their type), else standard or dx.
func LxnsType(t maimai.ChartType, d maimai.Difficulty) string {
	switch {
	case d == maimai.Utage:
		return "utage"
	case t == maimai.DX:
		return "dx"
	}
	return "standard"
}

// ParseLxnsType reads a "type" code; utage charts are DX charts with the
// utage difficulty (as internal/maimai files them).
func ParseLxnsType(s string) (maimai.ChartType, bool, error) {
	switch s {
	case "standard":
		return maimai.Std, false, nil
	case "dx":
		return maimai.DX, false, nil
	case "utage":
		return maimai.DX, true, nil
	}
	return "", false, fmt.Errorf("type %q: want standard, dx or utage", s)
}

// lxnsCode reads a nullable code: null and "" are both none.
func lxnsCode(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// lxnsCodePtr writes a code, null for none, as Lxns sends it.
func lxnsCodePtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// Record checks the score and converts it, with the rules of
// DivingFishRecord.Record; PlayTime becomes AchievedAt. A score without a
// song_name cannot be matched to a chart here (only Lxns knows its ids)
// and is refused.
func (s LxnsScore) Record() (Record, error) {
	var out Record
	if s.SongName == "" {
		return out, fmt.Errorf("song_name: empty (id %d)", s.ID)
	}
	if len(s.SongName) > maxTitle {
		return out, fmt.Errorf("song_name: longer than %d bytes", maxTitle)
	}
	t, utage, err := ParseLxnsType(s.Type)
	if err != nil {
		return out, err
	}
	d := maimai.Utage
	if !utage {
		if d, err = difficultyOf(s.LevelIndex); err != nil {
			return out, err
		}
	}
	a, err := AchievementOf(s.Achievements)
	if err != nil {
		return out, err
	}
	fc, err := ParseFC(lxnsCode(s.FC))
	if err != nil {
		return out, err
	}
	fs, err := ParseFS(lxnsCode(s.FS))
	if err != nil {
		return out, err
	}
	if s.Rate != "" {
		rk, err := ParseRate(s.Rate)
		if err != nil {
			return out, err
		}
		if rk != maimai.RankOf(a) {
			return out, fmt.Errorf("rate %q does not match achievements %v (%s)", s.Rate, s.Achievements, maimai.RankOf(a))
		}
	}
	if s.DXScore < 0 || s.DXScore > maxDXScore {
		return out, fmt.Errorf("dx_score %d: want 0 to %d", s.DXScore, maxDXScore)
	}
	if len(s.Level) > 8 {
		return out, fmt.Errorf("level %q: too long", s.Level)
	}
	genre := ""
	if s.SongName == "Link" {
		// Lxns calls both "Link"s so; its id tells them apart.
		genre = linkGenres[s.ID%10000]
	}
	out.Score = maimai.Score{
		Chart:       maimai.Chart{Title: s.SongName, Type: t, Difficulty: d},
		Genre:       genre,
		Level:       s.Level,
		Played:      true,
		Achievement: a,
		DXScore:     s.DXScore,
		FC:          fc,
		FS:          fs,
		Rank:        maimai.RankOf(a),
	}
	out.SongID = s.ID
	out.AchievedAt = s.PlayTime
	return out, nil
}

// LxnsScoreOf writes a record in Lxns's shape, with play_time from
// AchievedAt (UTC, to the minute, as Lxns stores it). ID is left as the
// record's SongID: Lxns ids are diving-fish ids modulo 10000, which the
// caller maps with its song data when it has a diving-fish id.
func LxnsScoreOf(r Record) LxnsScore {
	out := LxnsScore{
		ID:           r.SongID,
		SongName:     r.Title,
		Level:        r.Level,
		LevelIndex:   max(LevelIndex(r.Difficulty), 0),
		Achievements: Percent(r.Achievement),
		FC:           lxnsCodePtr(string(r.FC)),
		FS:           lxnsCodePtr(string(r.FS)),
		DXScore:      r.DXScore,
		Rate:         string(maimai.RankOf(r.Achievement)),
		Type:         LxnsType(r.Type, r.Difficulty),
	}
	if !r.AchievedAt.IsZero() {
		out.PlayTime = r.AchievedAt.UTC().Truncate(time.Minute)
	}
	return out
}

func init() {
	register(reader{format: LxnsJSON, detect: detectLxnsJSON, parse: parseLxnsJSON})
	register(reader{format: LxnsCSV, detect: detectLxnsCSV, parse: parseLxnsCSV})
}

// detectLxnsJSON: see jsonFormat (a first score with "song_name", or
// an envelope or upload body).
func detectLxnsJSON(s *sniffed) bool { return s.jsonFormat() == LxnsJSON }

// parseLxnsJSON reads the response of a scores endpoint
// ({success, code, data: [...]}, data also the B50's {standard, dx}), an
// upload body ({"scores": [...]}) or a bare array of scores, one score at
// a time.
func parseLxnsJSON(b []byte) (File, error) {
	f := File{Region: maimai.CN}
	var all bests
	add := func(i int, s LxnsScore) error {
		if err := all.addConverted(s.Record()); err != nil {
			return fmt.Errorf("score %d (%s): %w", i, Short(s.SongName), err)
		}
		return nil
	}
	var success *bool
	var message string
	err := readEntries(b, add, func(dec *json.Decoder, n *entries, key string) error {
		switch key {
		case "success":
			if err := dec.Decode(&success); err != nil {
				return fmt.Errorf("success: %w", err)
			}
			return nil
		case "message":
			if err := dec.Decode(&message); err != nil {
				return fmt.Errorf("message: %w", err)
			}
			return nil
		case "scores":
			return eachElement(dec, n, add)
		case "data":
			t, err := openValue(dec)
			switch {
			case err != nil:
				return fmt.Errorf("data: %w", err)
			case t == json.Delim('['):
				return elements(dec, n, add)
			case t == json.Delim('{'):
				// The B50: {standard_total, dx_total, standard, dx}.
				return members(dec, func(key string) error {
					if key == "standard" || key == "dx" {
						return eachElement(dec, n, add)
					}
					return skipValue(dec)
				})
			}
			return nil // null or a scalar: no scores
		}
		return skipValue(dec)
	})
	if success != nil && !*success {
		return f, fmt.Errorf("the saved response is a failure (%s), not scores", Short(message))
	}
	if err != nil {
		return f, err
	}
	f.Records = all.recs
	return f, nil
}

// Lxns's CSV export ("导出成绩到 CSV 文件") is written by its server,
// whose source is not public; its columns are the Score fields by name.
// The reader takes the columns by name, in any order, and needs these.
var lxnsCSVNeed = []string{"song_name", "level_index", "achievements", "type"}

func detectLxnsCSV(s *sniffed) bool {
	l := firstLine(s.h)
	if isJSON(l) {
		return false
	}
	cols := strings.Split(string(l), ",")
	for _, n := range lxnsCSVNeed {
		if !slices.Contains(cols, n) {
			return false
		}
	}
	return true
}

func parseLxnsCSV(b []byte) (File, error) {
	f := File{Region: maimai.CN}
	cols := map[string]int{}
	for i, c := range strings.Split(string(firstLine(head(b))), ",") {
		cols[c] = i
	}
	cell := func(c []string, name string) string {
		if i, ok := cols[name]; ok && i < len(c) {
			return strings.TrimSpace(c[i])
		}
		return ""
	}
	var all bests
	err := readCSV(b, func(line int, c []string) error {
		s := LxnsScore{SongName: cell(c, "song_name"), Level: cell(c, "level"), Type: cell(c, "type"), Rate: cell(c, "rate")}
		var err error
		if s.LevelIndex, err = strconv.Atoi(cell(c, "level_index")); err != nil {
			return fmt.Errorf("level_index %q: not a whole number", cell(c, "level_index"))
		}
		if s.Achievements, err = csvFloat("achievements", cell(c, "achievements")); err != nil {
			return err
		}
		if v := cell(c, "dx_score"); v != "" {
			if s.DXScore, err = strconv.Atoi(v); err != nil {
				return fmt.Errorf("dx_score %q: not a whole number", v)
			}
		}
		if v := cell(c, "id"); v != "" {
			if s.ID, err = strconv.Atoi(v); err != nil {
				return fmt.Errorf("id %q: not a whole number", v)
			}
		}
		s.FC, s.FS = lxnsCodePtr(cell(c, "fc")), lxnsCodePtr(cell(c, "fs"))
		if v := cell(c, "play_time"); v != "" {
			if s.PlayTime, err = time.Parse(time.RFC3339, v); err != nil {
				return fmt.Errorf("play_time %q: want a UTC time such as 2024-01-01T00:00:00Z", v)
			}
		}
		if err := all.addConverted(s.Record()); err != nil {
			return fmt.Errorf("%s: %w", Short(s.SongName), err)
		}
		return nil
	})
	f.Records = all.recs
	return f, err
}
