package songs

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// Errors Match fails with; test with errors.Is. Each is wrapped with the
// reason.
var (
	// ErrNoMatch: no chart in the database fits what the page shows.
	ErrNoMatch = errors.New("no chart matches")
	// ErrAmbiguous: more than one chart fits and nothing the page shows
	// tells them apart.
	ErrAmbiguous = errors.New("more than one chart matches")
)

// Query is what a DX NET page shows of a chart. Title, Type and Difficulty
// are always shown; the rest only on some pages and are used to tell songs
// with one title apart.
type Query struct {
	Title      string
	Type       maimai.ChartType
	Difficulty maimai.Difficulty
	Level      string // "13+", where the page shows it
	Genre      string // the list heading on musicGenre pages, in any region's wording
	Version    string // the list heading on musicVersion pages ("maimai PLUS")
	Jacket     string // jacket file name, e.g. "9cf73e43ce65b3a9.png"
	UtageKind  string // the utage badge character ("協") where shown apart from the title
}

// QueryOf is the query for a chart as the dxnet parsers return it.
func QueryOf(c maimai.Chart, level, genre, jacket string) Query {
	return Query{Title: c.Title, Type: c.Type, Difficulty: c.Difficulty, Level: level, Genre: genre, Jacket: jacket}
}

// PlayQuery is the query for a play on a record page.
func PlayQuery(p maimai.Play) Query {
	return QueryOf(p.Chart, p.Level, "", p.Jacket)
}

// ScoreQuery is the query for a best-score row; list is the list it came
// from (dxnet.ScoresPage.List, "musicDetail" for a musicDetail page), which
// says whether the row's Section heading is a version.
func ScoreQuery(s maimai.Score, list string) Query {
	q := QueryOf(s.Chart, s.Level, s.Genre, "")
	if list == "musicVersion" {
		q.Version = s.Section
	}
	return q
}

// siteTitles maps titles the data spells differently from the site to the
// site's title. diving-fish names the second "Link" (Circle of friends,
// niconico) "Link(CoF)"; the site shows both as "Link".
var siteTitles = map[string]string{
	"Link(CoF)": "Link",
}

// AddJacket teaches the database the jacket file name the site draws for a
// song, learnt where a page shows the jacket beside something that tells
// the song apart, such as a musicDetail page (title and genre). None of the
// data sources carries the site's jacket names, and a record page shows
// only the jacket beside a title, so this is how the two std "Link" songs
// (both Master 12) are told apart there. It is safe to call while other
// goroutines match.
func (db *Database) AddJacket(file string, s *Song) {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.jackets == nil {
		db.jackets = map[string]*Song{}
	}
	db.jackets[file] = s
}

// jacketSong is the song AddJacket tied to a jacket file, or nil.
func (db *Database) jacketSong(file string) *Song {
	if file == "" {
		return nil
	}
	db.mu.RLock()
	defer db.mu.RUnlock()
	return db.jackets[file]
}

// Match finds the chart the page names. It never guesses: a chart it cannot
// find, or cannot tell from another, is an error wrapping ErrNoMatch or
// ErrAmbiguous that says why.
func (db *Database) Match(q Query) (*Chart, error) {
	if q.Title == "" {
		return nil, fmt.Errorf("songs: %w: the page shows no title", ErrNoMatch)
	}
	if !q.Difficulty.Valid() {
		return nil, fmt.Errorf("songs: %q: %w: unknown difficulty %q", q.Title, ErrNoMatch, q.Difficulty)
	}
	name := fmt.Sprintf("songs: %q (%s %s)", q.Title, q.Type, q.Difficulty)
	if q.Difficulty == maimai.Utage {
		name = fmt.Sprintf("songs: %q (utage)", q.Title)
	}
	cands, err := db.candidates(q)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var charts []*Chart
	for _, s := range cands {
		if c := s.Chart(q.Difficulty); c != nil {
			charts = append(charts, c)
		}
	}
	if len(charts) == 0 {
		return nil, fmt.Errorf("%s: %w: the %s data has %s but no %s chart", name, ErrNoMatch, db.Region, describe(cands), q.Difficulty)
	}
	if len(charts) == 1 {
		return charts[0], nil
	}
	// Several songs share the title: narrow by what else the page shows.
	// A filter that would leave nothing is skipped rather than trusted, as
	// the data may be a version behind the page (a rerated level).
	js := db.jacketSong(q.Jacket)
	charts = narrow(charts, func(c *Chart) bool { return c.Song == js }, js != nil)
	charts = narrow(charts, func(c *Chart) bool { return c.Song.GenreKey == GenreKey(q.Genre) }, q.Genre != "" && GenreKey(q.Genre) != "")
	charts = narrow(charts, func(c *Chart) bool { return foldLevel(c.Level) == foldLevel(q.Level) }, q.Level != "")
	charts = narrow(charts, func(c *Chart) bool { return foldVersion(c.Song.Version) == foldVersion(q.Version) }, q.Version != "")
	if len(charts) == 1 {
		return charts[0], nil
	}
	var names []string
	for _, c := range charts {
		names = append(names, fmt.Sprintf("%s [%s, level %s]", c, c.Song.Genre, c.Level))
	}
	return nil, fmt.Errorf("%s: %w: %s; the page shows nothing that tells them apart (genre, level, version or a known jacket)",
		name, ErrAmbiguous, strings.Join(names, " or "))
}

// candidates are the songs whose title and type fit the query.
func (db *Database) candidates(q Query) ([]*Song, error) {
	all := db.byTitle[foldTitle(q.Title)]
	if q.Difficulty == maimai.Utage {
		var out []*Song
		for _, s := range all {
			if s.Utage {
				out = append(out, s)
			}
		}
		if len(out) == 0 {
			// The page may show the bare title (the badge apart) while
			// the data stores "[協]title", or the other way round.
			base := q.Title
			if _, b, ok := utagePrefix(q.Title); ok {
				base = b
			}
			out = db.byBase[foldTitle(base)]
		}
		if q.UtageKind != "" {
			var kind []*Song
			for _, s := range out {
				if s.UtageKind == q.UtageKind {
					kind = append(kind, s)
				}
			}
			if len(kind) > 0 {
				out = kind
			}
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("%w: no utage song with this title in the %s data (%s)", ErrNoMatch, db.Region, db.Source)
		}
		return out, nil
	}
	var titled, typed []*Song
	for _, s := range all {
		if s.Utage {
			continue
		}
		titled = append(titled, s)
		if s.Type == q.Type {
			typed = append(typed, s)
		}
	}
	switch {
	case len(typed) > 0:
		return typed, nil
	case len(titled) > 0:
		return nil, fmt.Errorf("%w: the %s data has %s but no %s chart set", ErrNoMatch, db.Region, describe(titled), q.Type)
	case len(all) > 0:
		return nil, fmt.Errorf("%w: the title is a utage song's, but the page says %s", ErrNoMatch, q.Difficulty)
	}
	return nil, fmt.Errorf("%w: no song with this title in the %s data (%s); the data may be older than the page", ErrNoMatch, db.Region, db.Source)
}

// narrow keeps the charts keep accepts, when asked and when any are left.
func narrow(charts []*Chart, keep func(*Chart) bool, asked bool) []*Chart {
	if !asked || len(charts) < 2 {
		return charts
	}
	var out []*Chart
	for _, c := range charts {
		if keep(c) {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return charts
	}
	return out
}

// describe lists songs for an error message.
func describe(songs []*Song) string {
	var b []string
	for _, s := range songs {
		id := s.Key
		if s.ID != 0 {
			id = fmt.Sprint(s.ID)
		}
		var ds []string
		for _, c := range s.Charts {
			ds = append(ds, string(c.Difficulty))
		}
		b = append(b, fmt.Sprintf("%s %s [%s]", id, s.Type, strings.Join(ds, " ")))
	}
	return "song " + strings.Join(b, ", song ")
}

// foldTitle is the key titles are compared by. The site and the data differ
// in character width ("ＡＢＣ" / "ABC"), in runs of spaces, in quote and wave
// dash variants and in case, so NFKC is applied, those variants folded,
// white space runs collapsed and the result lower-cased. A title made of
// white space only (the song "　") folds to a single space, never to "".
func foldTitle(s string) string {
	s = norm.NFKC.String(s)
	s = strings.Map(func(r rune) rune {
		switch r {
		case '‘', '’', '´', '`':
			return '\''
		case '“', '”':
			return '"'
		case '〜', '～':
			return '~'
		case '－', '‐', '–', '—':
			return '-'
		}
		return r
	}, s)
	s = strings.ToLower(s)
	f := strings.Fields(s)
	if len(f) == 0 {
		if s == "" {
			return ""
		}
		return " "
	}
	return strings.Join(f, " ")
}

// foldLevel compares level labels: utage labels carry a "?" ("13+?") that
// some pages leave off, and the "+" may be full-width.
func foldLevel(s string) string {
	s = norm.NFKC.String(strings.TrimSpace(s))
	return strings.TrimRight(s, "?")
}

// foldVersion compares version names across sources and regions:
// "maimai PLUS", "maimai でらっくす FESTiVAL" and "maimaiでらっくす FESTiVAL"
// differ in spacing and in the "maimai" prefix some sources drop.
func foldVersion(s string) string {
	s = strings.ToLower(strings.Join(strings.Fields(norm.NFKC.String(s)), ""))
	return strings.TrimPrefix(s, "maimai")
}

// utagePrefix splits "[協]title" into "協" and "title". The badge is one
// character between ASCII or full-width brackets; "[X]" alone (a real
// song's whole title) has no title after it and is not a prefix.
func utagePrefix(title string) (kind, base string, ok bool) {
	t := norm.NFKC.String(title)
	if !strings.HasPrefix(t, "[") {
		return "", title, false
	}
	end := strings.IndexByte(t, ']')
	if end < 2 || end == len(t)-1 || utf8.RuneCountInString(t[1:end]) != 1 {
		return "", title, false
	}
	return t[1:end], t[end+1:], true
}

// GenreKey folds a genre name of any region or source to one key: "pops",
// "niconico", "touhou", "game", "maimai", "ongeki" or "utage"; "" for a
// name it does not know.
func GenreKey(name string) string {
	k := strings.ToLower(norm.NFKC.String(name))
	// The CN site writes "音击/中二节奏" where diving-fish has "音击&中二节奏".
	k = strings.NewReplacer(" ", "", "&", "", "/", "", "tm", "").Replace(k)
	switch k {
	case "pops", "popsアニメ", "popsanime", "流行动漫", "流行动画":
		return "pops"
	case "niconicovocaloid", "niconicoボーカロイド":
		return "niconico"
	case "东方project", "東方project":
		return "touhou"
	case "其他游戏", "ゲームバラエティ", "gamevariety":
		return "game"
	case "maimai", "舞萌":
		return "maimai"
	case "音击中二节奏", "オンゲキchunithm", "ongekichunithm":
		return "ongeki"
	case "宴会場", "宴会场", "utage":
		return "utage"
	}
	return ""
}
