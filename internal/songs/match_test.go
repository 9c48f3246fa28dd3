package songs

import (
	"errors"
	"strings"
	"testing"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

func TestMatch(t *testing.T) {
	db := openTestdata(t, "synthetic-divingfish.json", "")
	db.AddJacket("0123456789abcdef.png", db.Song(383))
	tests := []struct {
		name string
		q    Query
		id   int
		side int
		cons Constant
	}{
		{"plain", Query{Title: "[X]", Type: maimai.Std, Difficulty: maimai.Master}, 990, 0, 129},
		// The two Links: only the Clean Tears one has a Re:Master.
		{"Link Re:Master", Query{Title: "Link", Type: maimai.Std, Difficulty: maimai.ReMaster}, 131, 0, 135},
		{"Link by genre CN", Query{Title: "Link", Type: maimai.Std, Difficulty: maimai.Master, Genre: "niconico & VOCALOID"}, 383, 0, 125},
		{"Link by genre JP", Query{Title: "Link", Type: maimai.Std, Difficulty: maimai.Master, Genre: "maimai"}, 131, 0, 125},
		{"Link by level", Query{Title: "Link", Type: maimai.Std, Difficulty: maimai.Expert, Level: "10+"}, 383, 0, 107},
		{"Link by level 12+", Query{Title: "Link", Type: maimai.Std, Difficulty: maimai.Expert, Level: "12+"}, 131, 0, 126},
		{"Link by learnt jacket", Query{Title: "Link", Type: maimai.Std, Difficulty: maimai.Master, Jacket: "0123456789abcdef.png"}, 383, 0, 125},
		{"Link(CoF) as the data spells it", Query{Title: "Link(CoF)", Type: maimai.Std, Difficulty: maimai.Master}, 383, 0, 125},
		{"double spaces", Query{Title: "D✪N’T  ST✪P  R✪CKIN’", Type: maimai.Std, Difficulty: maimai.Master}, 364, 0, 138},
		{"spaces collapsed", Query{Title: "D✪N’T ST✪P R✪CKIN’", Type: maimai.Std, Difficulty: maimai.Expert}, 364, 0, 119},
		{"ideographic space title", Query{Title: "\u3000", Type: maimai.DX, Difficulty: maimai.Master}, 11422, 0, 128},
		{"space title as ASCII space", Query{Title: " ", Type: maimai.DX, Difficulty: maimai.Basic}, 11422, 0, 30},
		{"half-width page, full-width data", Query{Title: "天狗の落とし文 feat. ytr", Type: maimai.Std, Difficulty: maimai.Master}, 699, 0, 128},
		{"type picks the twin", Query{Title: "天狗の落とし文 feat. ｙｔｒ", Type: maimai.DX, Difficulty: maimai.Master}, 10699, 0, 137},
		{"utage with badge", Query{Title: "[協]疾走あんさんぶる", Type: maimai.DX, Difficulty: maimai.Utage}, 100700, 0, 140},
		{"utage full-width badge", Query{Title: "［協］疾走あんさんぶる", Type: maimai.DX, Difficulty: maimai.Utage}, 100700, 0, 140},
		{"utage bare title", Query{Title: "疾走あんさんぶる", Type: maimai.DX, Difficulty: maimai.Utage}, 100700, 0, 140},
		{"utage bare title with kind", Query{Title: "疾走あんさんぶる", Difficulty: maimai.Utage, UtageKind: "協"}, 100700, 0, 140},
		{"utage other badge", Query{Title: "[宴]疾走あんさんぶる", Type: maimai.DX, Difficulty: maimai.Utage}, 100700, 0, 140},
		{"buddy utage: the first side", Query{Title: "[奏]洗脳", Type: maimai.DX, Difficulty: maimai.Utage}, 110532, 0, 127},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := db.Match(tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if c.Song.ID != tt.id || c.Side != tt.side || c.Constant != tt.cons || c.Difficulty != tt.q.Difficulty {
				t.Errorf("Match = %s side %d constant %s; want song %d side %d constant %s", c, c.Side, c.Constant, tt.id, tt.side, tt.cons)
			}
		})
	}
}

func TestMatchFails(t *testing.T) {
	db := openTestdata(t, "synthetic-divingfish.json", "")
	tests := []struct {
		name   string
		q      Query
		target error
		reason string
	}{
		{"unknown title", Query{Title: "Nope", Type: maimai.DX, Difficulty: maimai.Master}, ErrNoMatch, "no song with this title"},
		{"empty title", Query{Title: "", Type: maimai.DX, Difficulty: maimai.Master}, ErrNoMatch, "no title"},
		{"bad difficulty", Query{Title: "Link", Type: maimai.Std, Difficulty: "hard"}, ErrNoMatch, "unknown difficulty"},
		{"wrong type", Query{Title: "Link", Type: maimai.DX, Difficulty: maimai.Master}, ErrNoMatch, "no dx chart set"},
		{"no Re:Master", Query{Title: "[X]", Type: maimai.Std, Difficulty: maimai.ReMaster}, ErrNoMatch, "no remaster chart"},
		{"utage title, normal difficulty", Query{Title: "[協]疾走あんさんぶる", Type: maimai.DX, Difficulty: maimai.Master}, ErrNoMatch, "utage song"},
		{"[X] is no utage", Query{Title: "[X]", Type: maimai.DX, Difficulty: maimai.Utage}, ErrNoMatch, "no utage song"},
		{"Link master, nothing else shown", Query{Title: "Link", Type: maimai.Std, Difficulty: maimai.Master}, ErrAmbiguous, "131"},
		{"Link master, same level", Query{Title: "Link", Type: maimai.Std, Difficulty: maimai.Master, Level: "12"}, ErrAmbiguous, "383"},
		{"Link basic, unknown jacket", Query{Title: "Link", Type: maimai.Std, Difficulty: maimai.Basic, Jacket: "ffff.png"}, ErrAmbiguous, "tells them apart"},
		{"Link, unknown genre", Query{Title: "Link", Type: maimai.Std, Difficulty: maimai.Master, Genre: "jazz"}, ErrAmbiguous, "Link"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := db.Match(tt.q)
			if !errors.Is(err, tt.target) || !strings.Contains(err.Error(), tt.reason) {
				t.Fatalf("Match = %v, %v; want %v saying %q", c, err, tt.target, tt.reason)
			}
			other := ErrAmbiguous
			if tt.target == ErrAmbiguous {
				other = ErrNoMatch
			}
			if errors.Is(err, other) {
				t.Errorf("error %v is both ErrNoMatch and ErrAmbiguous", err)
			}
		})
	}
}

// TestMatchErrorText pins whole messages: they reach players through the CLI
// and docs/songs.md quotes them.
func TestMatchErrorText(t *testing.T) {
	db := openTestdata(t, "synthetic-divingfish.json", "")
	tests := []struct {
		q    Query
		want string
	}{
		{Query{Title: "Link", Type: maimai.DX, Difficulty: maimai.Master},
			`songs: "Link" (dx master): no chart matches: the cn data has song 131 std [basic advanced expert master remaster], song 383 std [basic advanced expert master] but no dx chart set`},
		{Query{Title: "Link", Type: maimai.Std, Difficulty: maimai.Master},
			`songs: "Link" (std master): more than one chart matches: "Link" (std master, 131) [舞萌, level 12] or "Link(CoF)" (std master, 383) [niconico & VOCALOID, level 12]; the page shows nothing that tells them apart (genre, level, version or a known jacket)`},
		{Query{Title: "[奏]洗脳", Difficulty: maimai.ReMaster},
			`songs: "[奏]洗脳" ( remaster): no chart matches: the title is a utage song's, but the page says remaster`},
	}
	for _, tt := range tests {
		if _, err := db.Match(tt.q); err == nil || err.Error() != tt.want {
			t.Errorf("Match(%+v) error\n got %v\nwant %s", tt.q, err, tt.want)
		}
	}
}
