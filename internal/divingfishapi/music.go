package divingfishapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"sync"

	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/songs"
)

// errNoSongData is musicJSON's error when no CN song data was synced.
var errNoSongData = errors.New("no CN song data in the archive: run maiprobe songs sync first")

// dfMusic is one song of diving-fish's music_data (zh-api-document.md
// 3.1.4): id is a string there, and ds, level, cids and charts run by
// difficulty.
type dfMusic struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	Type      string    `json:"type"`
	DS        []float64 `json:"ds"`
	Level     []string  `json:"level"`
	CIDs      []int     `json:"cids"`
	Charts    []dfChart `json:"charts"`
	BasicInfo dfBasic   `json:"basic_info"`
}

type dfChart struct {
	// Notes are tap, hold, slide, touch (DX charts only) and break.
	Notes   []int  `json:"notes"`
	Charter string `json:"charter"`
}

type dfBasic struct {
	Title       string `json:"title"`
	Artist      string `json:"artist"`
	Genre       string `json:"genre"`
	BPM         int    `json:"bpm"`
	ReleaseDate string `json:"release_date"`
	From        string `json:"from"`
	IsNew       bool   `json:"is_new"`
}

// musicCache keeps music_data's body under the archive version it was
// built at: it is about 2 MB and changes only with a song sync.
type musicCache struct {
	mu      sync.Mutex
	version int64
	body    []byte
	etag    string
}

// musicJSON is the archive's CN song data as diving-fish's music_data,
// with its ETag.
func (h *Handler) musicJSON(ctx context.Context) ([]byte, string, error) {
	v, err := h.a.Version(ctx)
	if err != nil {
		return nil, "", err
	}
	h.music.mu.Lock()
	defer h.music.mu.Unlock()
	if h.music.body != nil && h.music.version == v {
		return h.music.body, h.music.etag, nil
	}
	db, err := h.a.SongDatabase(ctx, maimai.CN)
	if err != nil {
		return nil, "", err
	}
	out := musicData(db)
	if len(out) == 0 {
		return nil, "", errNoSongData
	}
	body, err := json.Marshal(out)
	if err != nil {
		return nil, "", err
	}
	sum := sha256.Sum256(body)
	h.music.version, h.music.body, h.music.etag = v, body, `"`+hex.EncodeToString(sum[:16])+`"`
	return h.music.body, h.music.etag, nil
}

// musicData writes a song database in music_data's shape, by id. Songs
// learned from pages have no diving-fish id and are left out.
func musicData(db *songs.Database) []dfMusic {
	out := []dfMusic{}
	if db == nil {
		return out
	}
	for _, s := range db.Songs {
		if s.ID <= 0 {
			continue
		}
		m := dfMusic{ID: strconv.Itoa(s.ID), Title: s.Title, Type: "SD", DS: []float64{}, Level: []string{}, CIDs: []int{}, Charts: []dfChart{},
			BasicInfo: dfBasic{Title: s.Title, Artist: s.Artist, Genre: s.Genre, BPM: s.BPM, From: s.Version, IsNew: s.New}}
		if s.Type == maimai.DX {
			m.Type = "DX"
		}
		// Clients read the arrays by level_index (ds[3] is the Master's
		// constant), so each chart goes to its difficulty's place, not to
		// where the song data happened to list it; a place no chart fills
		// (not in real data) holds zeros rather than shifting the others.
		width := 0
		for _, c := range s.Charts {
			width = max(width, musicSlot(c)+1)
		}
		m.DS, m.Level, m.CIDs, m.Charts = make([]float64, width), make([]string, width), make([]int, width), make([]dfChart, width)
		for i := range m.Charts {
			m.Charts[i] = dfChart{Notes: noteCounts(s.Type, songs.Notes{})}
		}
		for _, c := range s.Charts {
			i := musicSlot(c)
			if i < 0 {
				continue
			}
			m.DS[i], m.Level[i], m.CIDs[i] = ds(c.Constant), c.Level, c.SourceID
			m.Charts[i] = dfChart{Notes: noteCounts(s.Type, c.Notes), Charter: c.Charter}
		}
		out = append(out, m)
	}
	return out
}

// musicSlot is a chart's place in music_data's arrays: its level_index
// (0 Basic … 4 Re:MASTER), and for a utage set its side, as diving-fish
// lists a buddy set's two charts; -1 for a chart with no place.
func musicSlot(c *songs.Chart) int {
	if c.Difficulty == maimai.Utage {
		return c.Side
	}
	if i := c.Difficulty.Index(); i >= 0 && i <= maimai.ReMaster.Index() {
		return i
	}
	return -1
}

// noteCounts are a chart's notes as music_data lists them: tap, hold,
// slide, touch (DX charts only) and break.
func noteCounts(t maimai.ChartType, n songs.Notes) []int {
	if t == maimai.DX {
		return []int{n.Tap, n.Hold, n.Slide, n.Touch, n.Break}
	}
	return []int{n.Tap, n.Hold, n.Slide, n.Break}
}
