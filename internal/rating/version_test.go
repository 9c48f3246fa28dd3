package rating

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

func TestVersionAt(t *testing.T) {
	for _, tt := range []struct {
		region maimai.Region
		at     string // local time of the region
		want   Version
	}{
		{maimai.JP, "2019-07-11 10:00", DX},
		{maimai.JP, "2020-09-16 23:59", DXPlus},
		{maimai.JP, "2020-09-17 00:00", Splash},
		{maimai.JP, "2024-03-21 07:00", BuddiesPlus},
		{maimai.JP, "2025-09-18 07:00", Circle},
		{maimai.JP, "2026-11-23 12:00", CirclePlus},
		{maimai.JP, "2012-07-11 12:00", Maimai},
		{maimai.CN, "2020-08-31 12:00", CNDX},
		{maimai.CN, "2021-04-27 23:59", CNDX},
		{maimai.CN, "2021-04-28 00:00", CN2021},
		{maimai.CN, "2023-06-07 12:00", CN2022},
		{maimai.CN, "2023-06-08 12:00", CN2023},
		{maimai.CN, "2025-06-11 12:00", CN2025},
		{maimai.CN, "2026-06-08 23:00", CN2025},
		{maimai.CN, "2026-06-09 09:00", CN2026},
	} {
		t.Run(string(tt.region)+" "+tt.at, func(t *testing.T) {
			at, err := time.ParseInLocation("2006-01-02 15:04", tt.at, tt.region.Location())
			if err != nil {
				t.Fatal(err)
			}
			got, err := VersionAt(tt.region, at.UTC())
			if err != nil || got != tt.want {
				t.Errorf("VersionAt = %s, %v; want %s", got, err, tt.want)
			}
		})
	}
	// 2020-09-16 15:30 UTC is already 2020-09-17 in Japan.
	if got, _ := VersionAt(maimai.JP, time.Date(2020, 9, 16, 15, 30, 0, 0, time.UTC)); got != Splash {
		t.Errorf("VersionAt uses UTC days, not JP days: %s", got)
	}
	for _, r := range []maimai.Region{maimai.Intl, "kr"} {
		if _, err := VersionAt(r, time.Now()); err == nil {
			t.Errorf("VersionAt(%s) succeeded, want an error", r)
		}
	}
	if _, err := VersionAt(maimai.JP, time.Date(2011, 1, 1, 0, 0, 0, 0, time.UTC)); err == nil {
		t.Error("VersionAt before maimai succeeded")
	}
}

func TestCNVersionOf(t *testing.T) {
	for _, tt := range []struct {
		in, want Version
		ok       bool
	}{
		{DX, CNDX, true}, {DXPlus, CNDX, true}, {SplashPlus, CN2021, true},
		{UniversePlus, CN2022, true}, {FestivalPlus, CN2023, true}, {BuddiesPlus, CN2024, true},
		{Prism, CN2025, true}, {PrismPlus, CN2026, true}, {MilkPlus, MilkPlus, true},
		{Circle, 0, false}, {20100, CNDX, false},
	} {
		if got, ok := CNVersionOf(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("CNVersionOf(%d) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestVersionNames(t *testing.T) {
	for _, tt := range []struct {
		v      Version
		region maimai.Region
		want   string
	}{
		{CN2024, maimai.CN, "舞萌DX 2024"}, {Buddies, maimai.JP, "BUDDiES"},
		{BuddiesPlus, maimai.CN, "BUDDiES PLUS"}, {MilkPlus, maimai.CN, "MiLK PLUS"},
		{CNDX, maimai.CN, "舞萌DX"}, {31000, maimai.JP, "version 31000"},
	} {
		if got := tt.v.Name(tt.region); got != tt.want {
			t.Errorf("%d.Name(%s) = %q, want %q", tt.v, tt.region, got, tt.want)
		}
	}
	if Circle.Previous() != PrismPlus || DX.Previous() != Finale || Maimai.Previous() != 0 {
		t.Error("Previous is wrong")
	}
}

// TestDivingFishData checks the version and level rules against every song
// of the CN diving-fish snapshot in ../shared: is_new is exactly "added in
// 舞萌DX 2026", and every label follows the x.6 "+" rule.
func TestDivingFishData(t *testing.T) {
	path := filepath.Join("..", "..", "..", "shared", "data", "songs", "divingfish-music_data.cn.json")
	raw, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		t.Skipf("%s is absent; the shared data sits beside the repository", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	var songs []struct {
		ID        string    `json:"id"`
		Title     string    `json:"title"`
		DS        []float64 `json:"ds"`
		Level     []string  `json:"level"`
		BasicInfo struct {
			From  string `json:"from"`
			IsNew bool   `json:"is_new"`
		} `json:"basic_info"`
	}
	if err := json.Unmarshal(raw, &songs); err != nil {
		t.Fatal(err)
	}
	rules := mustRules(t, maimai.CN, CN2026)
	newSongs, labels := 0, 0
	for _, s := range songs {
		v, ok := VersionFromDF(s.BasicInfo.From)
		if !ok {
			t.Errorf("song %s %q: unknown from %q", s.ID, s.Title, s.BasicInfo.From)
			continue
		}
		b := Best{Version: v}
		if got := rules.IsNew(b); got != s.BasicInfo.IsNew {
			t.Errorf("song %s %q (%s): IsNew = %v, is_new = %v", s.ID, s.Title, s.BasicInfo.From, got, s.BasicInfo.IsNew)
		}
		if s.BasicInfo.IsNew {
			newSongs++
		}
		if len(s.ID) >= 6 { // utage: labels end in "?"
			continue
		}
		for i, ds := range s.DS {
			c, err := ParseConstant(formatDS(ds))
			if err != nil {
				t.Fatal(err)
			}
			if got := rules.Level(c); got != s.Level[i] {
				t.Errorf("song %s %q chart %d: Level(%s) = %s, site says %s", s.ID, s.Title, i, c, got, s.Level[i])
			}
			labels++
		}
	}
	// rating-rules.md §4: 57 is_new songs.
	if newSongs != 57 || labels < 5000 {
		t.Errorf("checked %d new songs and %d labels; want 57 and thousands", newSongs, labels)
	}
}

// formatDS prints a diving-fish constant (a float in the JSON) with one
// decimal for ParseConstant.
func formatDS(ds float64) string {
	b, _ := json.Marshal(ds)
	s := string(b)
	if len(s) < 2 || s[len(s)-2] != '.' {
		s += ".0"
	}
	return s
}
