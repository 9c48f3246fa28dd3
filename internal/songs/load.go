package songs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// ErrFormat is wrapped by every error about song data that is not in a
// format the loaders read, or that breaks its format's rules.
var ErrFormat = errors.New("unreadable song data")

// Load reads song data in any of the three formats, told apart by the JSON
// itself: a diving-fish music_data array (or the same songs keyed by id), a
// zetaraku data.json, or Tachi's {"songs","charts"}. region picks the
// region of zetaraku data, which covers three; it may be empty for the
// other two, which are CN (diving-fish) and intl (Tachi) data.
func Load(r io.Reader, region maimai.Region) (*Database, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("songs: read: %w", err)
	}
	return loadBytes(b, region)
}

func loadBytes(b []byte, region maimai.Region) (*Database, error) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	t := bytes.TrimLeft(b, " \t\r\n")
	if len(t) == 0 {
		return nil, fmt.Errorf("songs: %w: the input is empty", ErrFormat)
	}
	mustBe := func(want maimai.Region, format string) error {
		if region != "" && region != want {
			return fmt.Errorf("songs: %w: %s data is %s data, not %s", ErrFormat, format, want, region)
		}
		return nil
	}
	if t[0] == '[' {
		if err := mustBe(maimai.CN, "diving-fish"); err != nil {
			return nil, err
		}
		return LoadDivingFish(bytes.NewReader(t))
	}
	if t[0] != '{' {
		return nil, fmt.Errorf("songs: %w: not JSON (starts with %q)", ErrFormat, string(t[:1]))
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(t, &top); err != nil {
		return nil, fmt.Errorf("songs: %w: %v", ErrFormat, err)
	}
	_, songs := top["songs"]
	_, charts := top["charts"]
	_, versions := top["versions"]
	switch {
	case songs && charts:
		if err := mustBe(maimai.Intl, "Tachi"); err != nil {
			return nil, err
		}
		return LoadTachi(bytes.NewReader(t))
	case songs && versions:
		if region == "" {
			return nil, fmt.Errorf("songs: zetaraku data covers jp, intl and cn: name the region to load")
		}
		return LoadZetaraku(bytes.NewReader(t), region)
	case keyedDivingFish(top):
		if err := mustBe(maimai.CN, "diving-fish"); err != nil {
			return nil, err
		}
		return loadDivingFishKeyed(top)
	}
	return nil, fmt.Errorf("songs: %w: want a diving-fish music_data array, a zetaraku data.json or Tachi {songs, charts}", ErrFormat)
}

// keyedDivingFish reports whether top is diving-fish songs keyed by their
// id, the shape some mirrors (Akiha-Assets) keep music_data in.
func keyedDivingFish(top map[string]json.RawMessage) bool {
	if len(top) == 0 {
		return false
	}
	for k, v := range top {
		if _, err := strconv.Atoi(k); err != nil || !bytes.Contains(v, []byte(`"basic_info"`)) {
			return false
		}
	}
	return true
}

// flexInt is an integer the JSON writes as a number or a string.
type flexInt int

func (f *flexInt) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "null" || s == "" {
		*f = 0
		return nil
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("want an integer, got %s", b)
	}
	*f = flexInt(n + 0.5)
	return nil
}

type dfSong struct {
	ID     flexInt       `json:"id"`
	Title  string        `json:"title"`
	Type   string        `json:"type"`
	DS     []json.Number `json:"ds"`
	Level  []string      `json:"level"`
	CIDs   []flexInt     `json:"cids"`
	Charts []struct {
		Notes   []int  `json:"notes"`
		Charter string `json:"charter"`
	} `json:"charts"`
	BasicInfo struct {
		Title  string  `json:"title"`
		Artist string  `json:"artist"`
		Genre  string  `json:"genre"`
		BPM    flexInt `json:"bpm"`
		From   string  `json:"from"`
		IsNew  bool    `json:"is_new"`
	} `json:"basic_info"`
}

// LoadDivingFish reads the diving-fish music_data array (CN).
func LoadDivingFish(r io.Reader) (*Database, error) {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	var raw []dfSong
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("songs: diving-fish: %w: %v", ErrFormat, err)
	}
	return divingFish(raw)
}

func loadDivingFishKeyed(top map[string]json.RawMessage) (*Database, error) {
	var raw []dfSong
	for k, v := range top {
		dec := json.NewDecoder(bytes.NewReader(v))
		dec.UseNumber()
		var s dfSong
		if err := dec.Decode(&s); err != nil {
			return nil, fmt.Errorf("songs: diving-fish song %s: %w: %v", k, ErrFormat, err)
		}
		raw = append(raw, s)
	}
	sort.Slice(raw, func(i, j int) bool { return raw[i].ID < raw[j].ID })
	return divingFish(raw)
}

func divingFish(raw []dfSong) (*Database, error) {
	db := &Database{Region: maimai.CN, Source: "diving-fish"}
	seen := make(map[int]bool, len(raw))
	for i, d := range raw {
		id := int(d.ID)
		where := fmt.Sprintf("songs: diving-fish song %d (%q)", id, d.Title)
		if id <= 0 {
			return nil, fmt.Errorf("songs: diving-fish entry %d: %w: no id", i, ErrFormat)
		}
		if seen[id] {
			return nil, fmt.Errorf("%s: %w: id appears twice", where, ErrFormat)
		}
		seen[id] = true
		n := len(d.DS)
		if n == 0 || len(d.Level) != n || len(d.Charts) != n || (len(d.CIDs) != 0 && len(d.CIDs) != n) {
			return nil, fmt.Errorf("%s: %w: ds, level, cids and charts differ in length (%d, %d, %d, %d)",
				where, ErrFormat, n, len(d.Level), len(d.CIDs), len(d.Charts))
		}
		s := &Song{
			ID: id, Key: strconv.Itoa(id), Title: d.Title,
			Artist: d.BasicInfo.Artist, Genre: d.BasicInfo.Genre, BPM: int(d.BasicInfo.BPM),
			Version: d.BasicInfo.From, New: d.BasicInfo.IsNew,
			Regions: []maimai.Region{maimai.CN},
		}
		switch {
		case id >= 100000:
			s.Type, s.Utage, s.Buddy = maimai.DX, true, n == 2
			s.UtageKind, _, _ = utagePrefix(d.Title)
		case d.Type == "DX":
			s.Type = maimai.DX
		case d.Type == "SD":
			s.Type = maimai.Std
		default:
			return nil, fmt.Errorf("%s: %w: type %q, want SD or DX", where, ErrFormat, d.Type)
		}
		if !s.Utage && n > 5 {
			return nil, fmt.Errorf("%s: %w: %d charts, at most 5 difficulties", where, ErrFormat, n)
		}
		for j := 0; j < n; j++ {
			c := &Chart{Song: s, Level: d.Level[j], Charter: d.Charts[j].Charter}
			if s.Utage {
				c.Difficulty, c.Side = maimai.Utage, j
			} else {
				c.Difficulty = maimai.Difficulties[j]
			}
			if len(d.CIDs) == n {
				c.SourceID = int(d.CIDs[j])
			}
			var err error
			if c.Constant, err = ParseConstant(d.DS[j].String()); err != nil {
				return nil, fmt.Errorf("%s %s: %w: %v", where, c.Difficulty, ErrFormat, err)
			}
			if c.Notes, err = dfNotes(d.Charts[j].Notes, d.Type == "DX"); err != nil {
				return nil, fmt.Errorf("%s %s: %w: %v", where, c.Difficulty, ErrFormat, err)
			}
			s.Charts = append(s.Charts, c)
		}
		db.Songs = append(db.Songs, s)
	}
	db.index()
	return db, nil
}

// dfNotes reads diving-fish's notes list: tap, hold, slide, (touch on DX
// charts), break.
func dfNotes(v []int, dx bool) (Notes, error) {
	switch {
	case dx && len(v) == 5:
		return Notes{Tap: v[0], Hold: v[1], Slide: v[2], Touch: v[3], Break: v[4]}, nil
	case !dx && len(v) == 4:
		return Notes{Tap: v[0], Hold: v[1], Slide: v[2], Break: v[3]}, nil
	}
	return Notes{}, fmt.Errorf("notes %v: want 4 counts on a standard chart, 5 on a DX chart", v)
}

type zkData struct {
	Songs []struct {
		SongID   string  `json:"songId"`
		Category string  `json:"category"`
		Title    string  `json:"title"`
		Artist   string  `json:"artist"`
		BPM      flexInt `json:"bpm"`
		Version  string  `json:"version"`
		IsNew    bool    `json:"isNew"`
		Sheets   []struct {
			Type          string       `json:"type"`
			Difficulty    string       `json:"difficulty"`
			Level         string       `json:"level"`
			InternalLevel *json.Number `json:"internalLevel"`
			NoteDesigner  *string      `json:"noteDesigner"`
			NoteCounts    struct {
				Tap, Hold, Slide, Touch, Break *int
			} `json:"noteCounts"`
			Regions         map[string]bool `json:"regions"`
			RegionOverrides map[string]struct {
				Level   string `json:"level"`
				Version string `json:"version"`
			} `json:"regionOverrides"`
			Version *string `json:"version"`
		} `json:"sheets"`
	} `json:"songs"`
}

// zkDifficulty maps zetaraku's difficulty names.
var zkDifficulty = map[string]maimai.Difficulty{
	"basic": maimai.Basic, "advanced": maimai.Advanced, "expert": maimai.Expert,
	"master": maimai.Master, "remaster": maimai.ReMaster,
}

// LoadZetaraku reads zetaraku arcade-songs data.json and keeps the charts
// flagged as playable in region. Utage sheets flagged in no region at all
// (zetaraku leaves many unflagged) are kept in every region. Constants are
// taken only from internalLevel; internalLevelValue merely repeats the
// level label for most charts and is not a constant.
func LoadZetaraku(r io.Reader, region maimai.Region) (*Database, error) {
	if !region.Valid() {
		return nil, fmt.Errorf("songs: zetaraku: unknown region %q (want jp, intl or cn)", region)
	}
	dec := json.NewDecoder(r)
	dec.UseNumber()
	var raw zkData
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("songs: zetaraku: %w: %v", ErrFormat, err)
	}
	db := &Database{Region: region, Source: "zetaraku"}
	for _, z := range raw.Songs {
		byType := map[string]*Song{}
		var order []string
		for _, sh := range z.Sheets {
			where := fmt.Sprintf("songs: zetaraku song %q %s %s", z.SongID, sh.Type, sh.Difficulty)
			anyRegion := sh.Regions["jp"] || sh.Regions["intl"] || sh.Regions["cn"]
			if !sh.Regions[string(region)] && (sh.Type != "utage" || anyRegion) {
				continue
			}
			s := byType[sh.Type]
			if s == nil {
				s = &Song{
					Key: z.SongID, Title: z.Title, Artist: z.Artist, Genre: z.Category,
					BPM: int(z.BPM), Version: z.Version, New: z.IsNew,
				}
				switch sh.Type {
				case "dx":
					s.Type = maimai.DX
				case "std":
					s.Type = maimai.Std
				case "utage":
					s.Type, s.Utage = maimai.DX, true
				default:
					return nil, fmt.Errorf("%s: %w: type %q", where, ErrFormat, sh.Type)
				}
				if sh.Version != nil && *sh.Version != "" {
					s.Version = *sh.Version // a DX twin's version, not the song's first
				}
				if o := sh.RegionOverrides[string(region)]; o.Version != "" {
					s.Version = o.Version
				}
				byType[sh.Type] = s
				order = append(order, sh.Type)
			}
			c := &Chart{Song: s, Level: sh.Level}
			if o := sh.RegionOverrides[string(region)]; o.Level != "" {
				c.Level = o.Level
			}
			if sh.NoteDesigner != nil {
				c.Charter = *sh.NoteDesigner
			}
			if s.Utage {
				kind := strings.Trim(sh.Difficulty, "【】[]")
				c.Difficulty, c.Side = maimai.Utage, len(s.Charts)
				s.UtageKind = kind
				if _, _, ok := utagePrefix(s.Title); !ok {
					// zetaraku titles some utage sets bare and some
					// "[回]…"; the site and diving-fish always prefix them.
					s.Title = "[" + kind + "]" + s.Title
				}
			} else {
				d, ok := zkDifficulty[sh.Difficulty]
				if !ok {
					return nil, fmt.Errorf("%s: %w: unknown difficulty", where, ErrFormat)
				}
				c.Difficulty = d
			}
			if sh.InternalLevel != nil {
				var err error
				if c.Constant, err = ParseConstant(sh.InternalLevel.String()); err != nil {
					return nil, fmt.Errorf("%s: %w: %v", where, ErrFormat, err)
				}
			}
			n := sh.NoteCounts
			c.Notes = Notes{Tap: deref(n.Tap), Hold: deref(n.Hold), Slide: deref(n.Slide), Touch: deref(n.Touch), Break: deref(n.Break)}
			s.Charts = append(s.Charts, c)
		}
		for _, t := range order {
			s := byType[t]
			s.Buddy = s.Utage && len(s.Charts) == 2
			for _, sh := range z.Sheets {
				if sh.Type != t {
					continue
				}
				for _, reg := range []maimai.Region{maimai.JP, maimai.Intl, maimai.CN} {
					if sh.Regions[string(reg)] && !s.InRegion(reg) {
						s.Regions = append(s.Regions, reg)
					}
				}
			}
			db.Songs = append(db.Songs, s)
		}
	}
	db.index()
	return db, nil
}

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

type tachiData struct {
	Songs []struct {
		ID     int    `json:"id"`
		Title  string `json:"title"`
		Artist string `json:"artist"`
		Data   struct {
			Genre string `json:"genre"`
		} `json:"data"`
	} `json:"songs"`
	Charts []tachiChart `json:"charts"`
}

type tachiChart struct {
	ChartID    string      `json:"chartID"`
	SongID     int         `json:"songID"`
	Difficulty string      `json:"difficulty"`
	Level      string      `json:"level"`
	LevelNum   json.Number `json:"levelNum"`
	Versions   []string    `json:"versions"`
	Data       struct {
		DisplayVersion string  `json:"displayVersion"`
		InGameID       flexInt `json:"inGameID"`
	} `json:"data"`
}

// LoadTachi reads Tachi's maimai DX seeds ({"songs": …, "charts": …}), intl
// data. Tachi has no note counts, charters or BPM. A song is listed as
// playable in intl when one of its charts carries the newest version tag
// in the file; older charts are kept for old records.
func LoadTachi(r io.Reader) (*Database, error) {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	var raw tachiData
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("songs: tachi: %w: %v", ErrFormat, err)
	}
	latest := tachiLatest(raw.Charts)
	type key struct {
		song int
		dx   bool
	}
	songs := map[key]*Song{}
	info := map[int]int{}
	for i, s := range raw.Songs {
		info[s.ID] = i
	}
	db := &Database{Region: maimai.Intl, Source: "tachi"}
	for _, ch := range raw.Charts {
		where := fmt.Sprintf("songs: tachi chart %s (song %d, %s)", ch.ChartID, ch.SongID, ch.Difficulty)
		i, ok := info[ch.SongID]
		if !ok {
			return nil, fmt.Errorf("%s: %w: no such song", where, ErrFormat)
		}
		name, dx := strings.CutPrefix(ch.Difficulty, "DX ")
		d, ok := zkDifficulty[strings.ToLower(strings.ReplaceAll(name, ":", ""))]
		if !ok {
			return nil, fmt.Errorf("%s: %w: unknown difficulty", where, ErrFormat)
		}
		k := key{ch.SongID, dx}
		s := songs[k]
		if s == nil {
			ts := raw.Songs[i]
			title := ts.Title
			if title == "" {
				// Tachi stores the song "　" (one ideographic space,
				// by x0o0x_) with an empty title.
				title = "\u3000"
			}
			s = &Song{
				ID: int(ch.Data.InGameID), Key: strconv.Itoa(ts.ID), Title: title, Artist: ts.Artist,
				Genre: ts.Data.Genre, Version: ch.Data.DisplayVersion, Type: maimai.Std,
			}
			if dx {
				s.Type = maimai.DX
			}
			songs[k] = s
			db.Songs = append(db.Songs, s)
		}
		c := &Chart{Song: s, Difficulty: d, Level: ch.Level}
		var err error
		if c.Constant, err = ParseConstant(ch.LevelNum.String()); err != nil {
			return nil, fmt.Errorf("%s: %w: %v", where, ErrFormat, err)
		}
		s.Charts = append(s.Charts, c)
		for _, v := range ch.Versions {
			if v == latest && !s.InRegion(maimai.Intl) {
				s.Regions = append(s.Regions, maimai.Intl)
			}
		}
	}
	for _, s := range db.Songs {
		sort.SliceStable(s.Charts, func(i, j int) bool { return s.Charts[i].Difficulty.Index() < s.Charts[j].Difficulty.Index() })
	}
	db.index()
	return db, nil
}

// tachiLatest is the current version tag: the one most charts end their
// version lists with (Tachi lists them oldest first), "-omni" tags aside.
// Charts of removed songs end with an older tag.
func tachiLatest(charts []tachiChart) string {
	count := map[string]int{}
	best := ""
	for _, c := range charts {
		for i := len(c.Versions) - 1; i >= 0; i-- {
			if v := c.Versions[i]; !strings.HasSuffix(v, "-omni") {
				count[v]++
				if best == "" || count[v] > count[best] {
					best = v
				}
				break
			}
		}
	}
	return best
}

// Loader opens song data from a file or an http(s) URL.
type Loader struct {
	// Client fetches URLs; nil means a client with Timeout.
	Client *http.Client
	// Timeout bounds a fetch (default 30s).
	Timeout time.Duration
	// MaxBytes bounds the data read (default 64 MiB); more is an error.
	MaxBytes int64
}

// Open loads song data from a file path or an http(s) URL with the
// default limits; see Loader.Open.
func Open(ctx context.Context, src string, region maimai.Region) (*Database, error) {
	return Loader{}.Open(ctx, src, region)
}

// Open loads song data from src, a file path or an http(s) URL, in any
// format Load reads.
func (l Loader) Open(ctx context.Context, src string, region maimai.Region) (*Database, error) {
	limit := l.MaxBytes
	if limit <= 0 {
		limit = 64 << 20
	}
	var (
		body io.ReadCloser
		err  error
	)
	if u, perr := url.Parse(src); perr == nil && (u.Scheme == "http" || u.Scheme == "https") {
		body, err = l.fetch(ctx, src)
	} else {
		body, err = os.Open(src)
		if err != nil {
			err = fmt.Errorf("songs: open song data: %w", err)
		}
	}
	if err != nil {
		return nil, err
	}
	defer body.Close()
	b, err := io.ReadAll(io.LimitReader(body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("songs: read %s: %w", src, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("songs: %s is larger than %d bytes; song data is a few MB, so this is not song data (or raise the limit)", src, limit)
	}
	db, err := loadBytes(b, region)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", src, err)
	}
	return db, nil
}

func (l Loader) fetch(ctx context.Context, src string) (io.ReadCloser, error) {
	timeout := l.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	client := l.Client
	if client == nil {
		client = &http.Client{Timeout: timeout}
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, nil)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("songs: fetch %s: %w", src, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("songs: fetch %s: %w", src, err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		cancel()
		return nil, fmt.Errorf("songs: fetch %s: the server answered %s", src, resp.Status)
	}
	return cancelOnClose{resp.Body, cancel}, nil
}

// cancelOnClose releases the fetch's context once the body is read.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}
