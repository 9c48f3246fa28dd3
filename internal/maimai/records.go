package maimai

import (
	"encoding/json"
	"time"
)

// Chart names one chart the way the site does: a song title, its chart type
// and a difficulty. Two songs may share a title (the two "Link"s); Jacket or
// Genre tell them apart where the page shows them.
type Chart struct {
	Title      string     `json:"title"`
	Type       ChartType  `json:"type"`
	Difficulty Difficulty `json:"difficulty"`
}

// Play is one credit's track as the record (playlog) page shows it.
type Play struct {
	Track    int       `json:"track"`
	PlayedAt time.Time `json:"played_at"` // minute precision from the page; second precision when Idx carries the timestamp
	Chart
	Level       string      `json:"level,omitempty"` // "13+", shown on newer layouts only
	Achievement Achievement `json:"achievement"`
	Rank        Rank        `json:"rank"`
	DXScore     int         `json:"dx_score"`
	DXScoreMax  int         `json:"dx_score_max"`
	DXStars     int         `json:"dx_stars"` // 0–5 stars shown beside the DX score
	FC          FC          `json:"fc"`
	FS          FS          `json:"fs"`
	Clear       bool        `json:"clear"`
	// NewRecord marks the achievement as a personal best when played;
	// NewDXRecord does the same for the DX score.
	NewRecord    bool   `json:"new_record"`
	NewDXRecord  bool   `json:"new_dx_record"`
	MatchingRank int    `json:"matching_rank,omitempty"` // 1–4 from the 1st…4th icon, 0 when none shown
	Idx          string `json:"idx,omitempty"`           // the site's "N,unixtime" play token
	Jacket       string `json:"jacket,omitempty"`        // jacket image file name, e.g. 9cf73e43ce65b3a9.png
	UtageMark
}

// Score is a player's best on one chart, as a best-score list
// (musicGenre, musicLevel, musicVersion, musicSort) or musicDetail shows it.
// Played is false for a chart listed without a score.
type Score struct {
	Chart
	Level       string      `json:"level"`
	Genre       string      `json:"genre,omitempty"`
	Played      bool        `json:"played"`
	Achievement Achievement `json:"achievement,omitempty"`
	DXScore     int         `json:"dx_score,omitempty"`
	DXScoreMax  int         `json:"dx_score_max,omitempty"`
	FC          FC          `json:"fc"`
	FS          FS          `json:"fs"`
	Rank        Rank        `json:"rank,omitempty"`
	PlayCount   int         `json:"play_count,omitempty"` // musicDetail shows it
	Idx         string      `json:"idx,omitempty"`        // the site's (session-encrypted) music token
	// LastPlayedAt is when the chart was last played, where musicDetail
	// shows it (minute precision).
	LastPlayedAt time.Time `json:"last_played_at,omitzero"`
	// Section is the list heading the chart is under: the genre, level or
	// version of musicGenre/musicLevel/musicVersion, or on
	// ratingTargetMusic which part of the rating it is in ("Songs for
	// Rating(New)", "Songs for Rating Selection(Others)", …).
	Section string `json:"section,omitempty"`
	UtageMark
}

// UtageMark is what a utage chart's badge shows besides the chart: its kind
// (the character in the badge, "宴", "協", "騒", …) and whether it is a
// Buddy chart (two players on one chart; the music_utage_buddy badge). It
// is the zero value for every other chart. The utage chart's Type stays
// what the page shows, or DX where the page draws the badge instead of a
// type icon (utage charts are DX charts; the song data files them so).
type UtageMark struct {
	UtageKind string `json:"utage_kind,omitempty"`
	Buddy     bool   `json:"buddy,omitempty"`
}

// MarshalJSON writes the score; a played score keeps "achievement" and
// "dx_score" even at 0 (a 0.0000% play is a score, not a missing one),
// while a chart never played leaves them out. A struct that embeds Score
// and is marshalled to JSON needs its own MarshalJSON, as this one would
// be promoted to it.
func (s Score) MarshalJSON() ([]byte, error) {
	type plain Score // no methods: no recursion
	out := struct {
		plain
		Achievement *Achievement `json:"achievement,omitempty"`
		DXScore     *int         `json:"dx_score,omitempty"`
	}{plain: plain(s)}
	if s.Played {
		out.Achievement, out.DXScore = &s.Achievement, &s.DXScore
	}
	return json.Marshal(out)
}

// Photo is one picture of the album (playerData/photo).
type Photo struct {
	ImageURL string    `json:"image_url"`
	TakenAt  time.Time `json:"taken_at"`
	Chart
	Level string `json:"level,omitempty"`
	Place string `json:"place,omitempty"` // the arcade, where the album names it
}

// Count is one counter of the player-data page, such as "48/5,562".
type Count struct {
	Got   int `json:"got"`
	Total int `json:"total"`
}

// PlayDetail is everything the play-detail page (record/playlogDetail)
// shows below the play's header.
type PlayDetail struct {
	Judgements Judgements `json:"judgements"`
	Fast       int        `json:"fast"`
	Late       int        `json:"late"`
	// MaxCombo and MaxSync are the play's best, out of the totals.
	MaxCombo      int `json:"max_combo"`
	MaxComboTotal int `json:"max_combo_total"`
	MaxSync       int `json:"max_sync"`
	MaxSyncTotal  int `json:"max_sync_total"`
	// Rating is the player's rating after the play; RatingDelta its change.
	Rating      int         `json:"rating"`
	RatingDelta int         `json:"rating_delta"`
	Characters  []Character `json:"characters,omitempty"`
	Partners    []Partner   `json:"partners,omitempty"`
	Place       string      `json:"place,omitempty"` // the arcade, where the page names it
}

// Judgements is the judgement table of a play: one row per note kind.
// Touch is nil for a standard chart, which has no touch notes (the site
// prints an empty row).
type Judgements struct {
	Tap   *NoteJudgement `json:"tap"`
	Hold  *NoteJudgement `json:"hold"`
	Slide *NoteJudgement `json:"slide"`
	Touch *NoteJudgement `json:"touch"`
	Break *NoteJudgement `json:"break"`
}

// NoteJudgement is one row of the judgement table.
type NoteJudgement struct {
	CriticalPerfect int `json:"critical_perfect"`
	Perfect         int `json:"perfect"`
	Great           int `json:"great"`
	Good            int `json:"good"`
	Miss            int `json:"miss"`
}

// Notes is the row's note count.
func (n *NoteJudgement) Notes() int {
	if n == nil {
		return 0
	}
	return n.CriticalPerfect + n.Perfect + n.Great + n.Good + n.Miss
}

// TotalNotes is the chart's note count as the judgement table shows it.
func (j Judgements) TotalNotes() int {
	return j.Tap.Notes() + j.Hold.Notes() + j.Slide.Notes() + j.Touch.Notes() + j.Break.Notes()
}

// Character is one of the play's partner characters (up to five).
type Character struct {
	Image string `json:"image"`
	Stars int    `json:"stars"`
	Level int    `json:"level"`
}

// Partner is another player in a matching (multi-cabinet) play.
type Partner struct {
	Name string `json:"name"`
	Rank int    `json:"rank,omitempty"` // 1–4 where shown
}
