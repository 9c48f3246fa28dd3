// Package songs holds the song and chart database maiprobe matches plays
// against: the songs of one region with their charts, level labels, internal
// constants and note counts, loaded at run time from community data
// (diving-fish music_data for CN, zetaraku arcade-songs data.json, Tachi
// seeds for intl), and the matcher that finds the chart a DX NET page names.
package songs

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// Song is one chart set of a title as the site lists it: a standard song
// and its DX twin are two Songs (as diving-fish and the site's type icons
// treat them), and a utage chart set is a Song of its own.
type Song struct {
	// ID is the official music id (the diving-fish id, Tachi's inGameID):
	// below 10000 a standard song, 10000–99999 a DX song, 100000 and up
	// utage. It is 0 when the source has none (zetaraku).
	ID int `json:"id,omitempty"`
	// Key is the song's key in its source: the diving-fish id, the
	// zetaraku songId, the Tachi song id; with ID it names the song when
	// reporting.
	Key string `json:"key"`
	// Title is the title as the data spells it; SiteTitle is what the site
	// shows where that differs (diving-fish's "Link(CoF)" is "Link").
	Title     string `json:"title"`
	SiteTitle string `json:"site_title,omitempty"`
	Artist    string `json:"artist,omitempty"`
	// Genre is the source's genre name (CN "舞萌", JP "POPS＆アニメ", …);
	// GenreKey folds the regions' names to one key (see GenreKey).
	Genre    string `json:"genre,omitempty"`
	GenreKey string `json:"genre_key,omitempty"`
	BPM      int    `json:"bpm,omitempty"` // 0 when unknown
	// Version is the game version the chart set was added in, as the
	// source names it ("maimai でらっくす FESTiVAL", "FESTiVAL").
	Version string           `json:"version,omitempty"`
	Type    maimai.ChartType `json:"type"` // utage chart sets are played on the DX engine: DX
	// Utage marks a 宴 chart set; UtageKind is its badge character ("協").
	// Buddy utage sets have two charts, one per player.
	Utage     bool   `json:"utage,omitempty"`
	UtageKind string `json:"utage_kind,omitempty"`
	Buddy     bool   `json:"buddy,omitempty"`
	// New is the source's "new song" flag (counts toward B15 in the
	// current version).
	New bool `json:"new,omitempty"`
	// Regions lists the regions the source says the song is playable in.
	Regions []maimai.Region `json:"regions,omitempty"`
	Charts  []*Chart        `json:"charts"`
}

// Chart is one playable chart of a Song.
type Chart struct {
	Song       *Song             `json:"-"`
	Difficulty maimai.Difficulty `json:"difficulty"`
	// Side is 0, or 1 for the second player's chart of a buddy utage set.
	Side int `json:"side,omitempty"`
	// Level is the label the site shows: "13+", or "13+?" for utage.
	Level    string   `json:"level"`
	Constant Constant `json:"constant"`
	Notes    Notes    `json:"notes"`
	Charter  string   `json:"charter,omitempty"` // "-" or empty when the data does not credit one
	// SourceID is the chart's id in its source (the diving-fish cid), or 0.
	SourceID int `json:"source_id,omitempty"`
}

// String names the chart for messages: `"Link" (std master, id 131)`.
func (c *Chart) String() string {
	s := c.Song
	id := s.Key
	if s.ID != 0 {
		id = strconv.Itoa(s.ID)
	}
	side := ""
	if s.Buddy {
		side = fmt.Sprintf(" side %d", c.Side+1)
	}
	return fmt.Sprintf("%q (%s %s%s, %s)", s.Title, s.Type, c.Difficulty, side, id)
}

// Chart returns the song's chart of difficulty d (the first side of a buddy
// set), or nil.
func (s *Song) Chart(d maimai.Difficulty) *Chart {
	for _, c := range s.Charts {
		if c.Difficulty == d {
			return c
		}
	}
	return nil
}

// InRegion reports whether the source lists the song as playable in r.
func (s *Song) InRegion(r maimai.Region) bool {
	for _, x := range s.Regions {
		if x == r {
			return true
		}
	}
	return false
}

// Constant is a chart's internal constant (定数) in tenths: 13.7 is 137.
// Integers keep the rating arithmetic exact. The zero value means the
// source does not know the constant.
type Constant int16

// UnknownConstant is the Constant of a chart whose constant is not known.
const UnknownConstant Constant = 0

// Known reports whether the constant is known.
func (c Constant) Known() bool { return c > 0 }

// String prints the constant as the probers do ("13.7"), or "?" when unknown.
func (c Constant) String() string {
	if !c.Known() {
		return "?"
	}
	return fmt.Sprintf("%d.%d", c/10, c%10)
}

// MarshalJSON writes the constant as a JSON number (13.7), or null when
// unknown.
func (c Constant) MarshalJSON() ([]byte, error) {
	if !c.Known() {
		return []byte("null"), nil
	}
	return []byte(c.String()), nil
}

// ParseConstant reads a constant from its decimal text exactly: "13.7",
// "13", "13.70" and "1.37e1" are all 137. It never goes through float64, so
// 13.7 cannot become 136. More than one significant decimal, or a value
// outside 0.1–20.0, is an error.
func ParseConstant(s string) (Constant, error) {
	orig := s
	s = strings.TrimSpace(s)
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(s[i+1:])
		if err != nil || e < -4 || e > 4 {
			return 0, fmt.Errorf("constant %q: not a plain decimal number", orig)
		}
		mant, exp = s[:i], e
	}
	whole, frac, _ := strings.Cut(mant, ".")
	if whole == "" {
		whole = "0"
	}
	digits := whole + frac
	if digits == "" || strings.Trim(digits, "0123456789") != "" {
		return 0, fmt.Errorf("constant %q: not a number", orig)
	}
	// The value is digits × 10^(exp-len(frac)); we want it × 10.
	shift := exp - len(frac) + 1
	for ; shift < 0; shift++ {
		if digits[len(digits)-1] != '0' {
			return 0, fmt.Errorf("constant %q: more than one decimal", orig)
		}
		digits = digits[:len(digits)-1]
		if digits == "" {
			digits = "0"
		}
	}
	digits += strings.Repeat("0", shift)
	digits = strings.TrimLeft(digits, "0")
	if len(digits) > 4 {
		return 0, fmt.Errorf("constant %q: out of range", orig)
	}
	v, _ := strconv.Atoi("0" + digits)
	if v < 1 || v > 200 {
		return 0, fmt.Errorf("constant %q: out of range 0.1–20.0", orig)
	}
	return Constant(v), nil
}

// Notes are a chart's note counts. Touch is 0 on standard charts. All zero
// means the source has no counts (Tachi, zetaraku utage).
type Notes struct {
	Tap   int `json:"tap"`
	Hold  int `json:"hold"`
	Slide int `json:"slide"`
	Touch int `json:"touch"`
	Break int `json:"break"`
}

// Total is the number of notes, 0 when unknown.
func (n Notes) Total() int { return n.Tap + n.Hold + n.Slide + n.Touch + n.Break }

// Known reports whether the source gave note counts.
func (n Notes) Known() bool { return n.Total() > 0 }

// Database is the song data of one region from one source, with the indexes
// the matcher needs. Build it with a Load function; after that only
// AddJacket changes it, and it is safe for concurrent use.
type Database struct {
	Region maimai.Region `json:"region"`
	// Source names the data: "diving-fish", "zetaraku" or "tachi".
	Source string  `json:"source"`
	Songs  []*Song `json:"songs"`

	byTitle map[string][]*Song // folded site title → songs (utage included under their full "[協]…" title)
	byBase  map[string][]*Song // folded utage title without its "[x]" badge → utage songs
	byID    map[int]*Song

	mu      sync.RWMutex
	jackets map[string]*Song // site jacket file → song, see AddJacket
}

// ChartCount is the number of charts in the database.
func (db *Database) ChartCount() int {
	n := 0
	for _, s := range db.Songs {
		n += len(s.Charts)
	}
	return n
}

// Song returns the song with the official music id, or nil.
func (db *Database) Song(id int) *Song { return db.byID[id] }

// index builds the lookup maps once the songs are loaded.
func (db *Database) index() {
	db.byTitle = make(map[string][]*Song, len(db.Songs))
	db.byBase = make(map[string][]*Song)
	db.byID = make(map[int]*Song, len(db.Songs))
	for _, s := range db.Songs {
		if alias, ok := siteTitles[s.Title]; ok && s.SiteTitle == "" {
			s.SiteTitle = alias
		}
		title := s.Title
		if s.SiteTitle != "" {
			title = s.SiteTitle
		}
		k := foldTitle(title)
		db.byTitle[k] = append(db.byTitle[k], s)
		if d := foldTitle(s.Title); d != k {
			// The data's own spelling finds it too (a page from a
			// prober that shows "Link(CoF)").
			db.byTitle[d] = append(db.byTitle[d], s)
		}
		if s.Utage {
			if _, base, ok := utagePrefix(title); ok {
				b := foldTitle(base)
				db.byBase[b] = append(db.byBase[b], s)
			}
		}
		if s.ID != 0 {
			db.byID[s.ID] = s
		}
		if s.GenreKey == "" {
			s.GenreKey = GenreKey(s.Genre)
		}
	}
}

// NewDatabase builds a database of region from songs kept elsewhere (the
// archive's chart tables), indexed for Match like a loaded one. It sets
// every chart's Song.
func NewDatabase(region maimai.Region, source string, songs []*Song) *Database {
	for _, s := range songs {
		for _, c := range s.Charts {
			c.Song = s
		}
	}
	db := &Database{Region: region, Source: source, Songs: songs}
	db.index()
	return db
}
