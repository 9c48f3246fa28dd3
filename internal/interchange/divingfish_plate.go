package interchange

// DivingFishPlateRecord is one item of diving-fish's /query/plate
// "verlist" (zh-api-document.md 3.1.8; models/maimai.py platerecord_json):
// a best on a song of the versions asked for, with the song's id as "id"
// and fewer fields than a DivingFishRecord.
type DivingFishPlateRecord struct {
	Achievements float64 `json:"achievements"`
	FC           string  `json:"fc"`
	FS           string  `json:"fs"`
	ID           int     `json:"id"`          // the song's diving-fish id (song_id elsewhere)
	Level        string  `json:"level"`       // "13+"
	LevelIndex   int     `json:"level_index"` // 0 Basic … 4 Re:MASTER
	Title        string  `json:"title"`
	Type         string  `json:"type"` // "DX" or "SD"
}

// DivingFishPlateRecordOf is a record in /query/plate's shape.
func DivingFishPlateRecordOf(r DivingFishRecord) DivingFishPlateRecord {
	return DivingFishPlateRecord{Achievements: r.Achievements, FC: r.FC, FS: r.FS, ID: r.SongID, Level: r.Level,
		LevelIndex: r.LevelIndex, Title: r.Title, Type: r.Type}
}
