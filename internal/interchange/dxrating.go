package interchange

import (
	"fmt"
	"strings"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// DXRating (gekichumai/dxrating, dxrating.net) exports its rating
// calculator's entries as a JSON array (apps/web/src/components/rating/io/
// export/ExportToJSONMenuItem.tsx: JSON.stringify(entries)). An entry is a
// PlayEntry (the playEntrySchema of its one-shot renderer and
// RatingCalculatorAddEntryForm.tsx):
//
//	{"sheetId": "Link__dxrt__std__dxrt__master", "achievementRate": 100.5,
//	 "achievementAccuracy": "fc", "achievementSync": "fs",
//	 "achievementDXScore": {"achieved": 2400, "total": 2523}, "playCount": 3}
//
// sheetId joins dxdata's songId (the title; "Link (2)" for the second
// "Link"), the chart type (std or dx) and the difficulty (basic …
// remaster) with "__dxrt__" (canonicalId in apps/web/src/songs.ts). Only
// sheetId and achievementRate (0–101) are always there.

// DXRatingEntry is one entry of a DXRating export.
type DXRatingEntry struct {
	SheetID             string           `json:"sheetId"`
	AchievementRate     float64          `json:"achievementRate"`
	AchievementAccuracy string           `json:"achievementAccuracy,omitempty"` // fc, fcp, ap, app
	AchievementSync     string           `json:"achievementSync,omitempty"`     // sp, fs, fsp, fsd, fsdp
	AchievementDXScore  *DXRatingDXScore `json:"achievementDXScore,omitempty"`
	PlayCount           int              `json:"playCount,omitempty"`
}

// DXRatingDXScore is an entry's DX score out of the chart's highest.
type DXRatingDXScore struct {
	Achieved int `json:"achieved"`
	Total    int `json:"total"`
}

// dxratingSep joins the parts of a sheetId.
const dxratingSep = "__dxrt__"

// dxratingLinks are the songIds dxdata gives the two songs titled "Link",
// and the genre that tells them apart on the site.
var dxratingLinks = map[string]string{"Link": "maimai", "Link (2)": "niconico＆ボーカロイド"}

func init() {
	register(reader{format: DXRatingJSON, detect: detectDXRating, parse: parseDXRating})
}

// detectDXRating: see jsonFormat (a list whose first entry has a
// "sheetId").
func detectDXRating(s *sniffed) bool { return s.jsonFormat() == DXRatingJSON }

// parseDXRating reads the export's entries one at a time.
func parseDXRating(b []byte) (File, error) {
	var f File
	dec, err := jsonDecoder(b)
	if err != nil {
		return f, err
	}
	if top, err := topLevel(dec); err != nil || top != '[' {
		return f, fmt.Errorf("not a DXRating export: want a list of entries")
	}
	var all songBests
	var n entries
	err = elements(dec, &n, func(i int, e DXRatingEntry) error {
		r, err := e.Record()
		if err == nil {
			err = all.add(r)
		}
		if err != nil {
			return fmt.Errorf("entry %d (%s): %w", i, Short(e.SheetID), err)
		}
		return nil
	})
	if err == nil {
		err = jsonEnd(dec)
	}
	if err != nil {
		return File{}, err
	}
	f.Records = all.records()
	return f, nil
}

// Record checks the entry and converts it to a best.
func (e DXRatingEntry) Record() (Record, error) {
	var out Record
	parts := strings.Split(e.SheetID, dxratingSep)
	if len(parts) != 3 || parts[0] == "" {
		return out, fmt.Errorf("sheetId: want song__dxrt__type__dxrt__difficulty")
	}
	title, typ, diff := parts[0], parts[1], parts[2]
	if len(title) > maxTitle {
		return out, fmt.Errorf("sheetId: title longer than %d bytes", maxTitle)
	}
	var t maimai.ChartType
	switch typ {
	case "std":
		t = maimai.Std
	case "dx":
		t = maimai.DX
	default:
		return out, fmt.Errorf("sheetId: chart type %q: want std or dx (utage charts have no rating and are not read)", typ)
	}
	d := maimai.Difficulty(diff)
	if i := d.Index(); i < 0 || i > 4 {
		return out, fmt.Errorf("sheetId: difficulty %q: want basic, advanced, expert, master or remaster", diff)
	}
	a, err := AchievementOf(e.AchievementRate)
	if err != nil {
		return out, fmt.Errorf("achievementRate: %w", err)
	}
	fc, err := ParseFC(e.AchievementAccuracy)
	if err != nil {
		return out, fmt.Errorf("achievementAccuracy: %w", err)
	}
	sync := e.AchievementSync
	if sync == "sp" { // DXRating's name of the sync play mark
		sync = string(maimai.Sync)
	}
	fs, err := ParseFS(sync)
	if err != nil {
		return out, fmt.Errorf("achievementSync: %w", err)
	}
	if e.PlayCount < 0 || e.PlayCount > 1000000 {
		return out, fmt.Errorf("playCount %d: out of range", e.PlayCount)
	}
	genre := ""
	if g, ok := dxratingLinks[title]; ok {
		title, genre = "Link", g
	}
	out.Score = maimai.Score{Chart: maimai.Chart{Title: title, Type: t, Difficulty: d}, Genre: genre, Played: true,
		Achievement: a, FC: fc, FS: fs, Rank: maimai.RankOf(a), PlayCount: e.PlayCount}
	if x := e.AchievementDXScore; x != nil {
		if x.Achieved < 0 || x.Total < 0 || x.Total > maxDXScore || x.Achieved > x.Total {
			return out, fmt.Errorf("achievementDXScore %d/%d: want 0 ≤ achieved ≤ total ≤ %d", x.Achieved, x.Total, maxDXScore)
		}
		out.DXScore, out.DXScoreMax = x.Achieved, x.Total
	}
	return out, nil
}
