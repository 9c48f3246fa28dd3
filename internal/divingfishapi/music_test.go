package divingfishapi

import (
	"encoding/json"
	"testing"

	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/songs"
)

// TestMusicDataOrder: music_data's arrays run by level_index whatever
// order the song data keeps the charts in, and a utage set's charts go by
// side.
func TestMusicDataOrder(t *testing.T) {
	chart := func(d maimai.Difficulty, side int, level string, c songs.Constant, cid, taps int) *songs.Chart {
		return &songs.Chart{Difficulty: d, Side: side, Level: level, Constant: c, SourceID: cid, Notes: songs.Notes{Tap: taps}, Charter: string(d)}
	}
	db := &songs.Database{Songs: []*songs.Song{
		{ID: 11000, Title: "Out of order", Type: maimai.DX, Charts: []*songs.Chart{
			chart(maimai.ReMaster, 0, "14", 145, 5, 500),
			chart(maimai.Basic, 0, "5", 50, 1, 100),
			chart(maimai.Master, 0, "13+", 137, 4, 400),
			chart(maimai.Advanced, 0, "8", 80, 2, 200),
			chart(maimai.Expert, 0, "11", 110, 3, 300),
		}},
		{ID: 100, Title: "Gap", Type: maimai.Std, Charts: []*songs.Chart{
			chart(maimai.Master, 0, "12", 120, 14, 40),
			chart(maimai.Basic, 0, "3", 30, 11, 10),
		}},
		{ID: 110001, Title: "[協]Buddy", Type: maimai.DX, Utage: true, Buddy: true, Charts: []*songs.Chart{
			chart(maimai.Utage, 1, "13?", 0, 22, 2),
			chart(maimai.Utage, 0, "13?", 0, 21, 1),
		}},
	}}
	body, err := json.Marshal(musicData(db))
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "music_data in level_index order", string(body), `[
		{"id": "11000", "title": "Out of order", "type": "DX", "ds": [5, 8, 11, 13.7, 14.5], "level": ["5", "8", "11", "13+", "14"],
			"cids": [1, 2, 3, 4, 5], "charts": [
				{"notes": [100, 0, 0, 0, 0], "charter": "basic"}, {"notes": [200, 0, 0, 0, 0], "charter": "advanced"},
				{"notes": [300, 0, 0, 0, 0], "charter": "expert"}, {"notes": [400, 0, 0, 0, 0], "charter": "master"},
				{"notes": [500, 0, 0, 0, 0], "charter": "remaster"}],
			"basic_info": {"title": "Out of order", "artist": "", "genre": "", "bpm": 0, "release_date": "", "from": "", "is_new": false}},
		{"id": "100", "title": "Gap", "type": "SD", "ds": [3, 0, 0, 12], "level": ["3", "", "", "12"], "cids": [11, 0, 0, 14], "charts": [
				{"notes": [10, 0, 0, 0], "charter": "basic"}, {"notes": [0, 0, 0, 0], "charter": ""},
				{"notes": [0, 0, 0, 0], "charter": ""}, {"notes": [40, 0, 0, 0], "charter": "master"}],
			"basic_info": {"title": "Gap", "artist": "", "genre": "", "bpm": 0, "release_date": "", "from": "", "is_new": false}},
		{"id": "110001", "title": "[協]Buddy", "type": "DX", "ds": [0, 0], "level": ["13?", "13?"], "cids": [21, 22], "charts": [
				{"notes": [1, 0, 0, 0, 0], "charter": "utage"}, {"notes": [2, 0, 0, 0, 0], "charter": "utage"}],
			"basic_info": {"title": "[協]Buddy", "artist": "", "genre": "", "bpm": 0, "release_date": "", "from": "", "is_new": false}}]`)
}
