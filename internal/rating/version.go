package rating

import (
	"fmt"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// Version is a game version, numbered as Lxns and maimai.py number them:
// the first three digits of the official JP song list's version field
// times 100 (PRiSM PLUS is 25500). CN versions reuse the number of the
// first JP version whose songs they brought (舞萌DX 2024 is 24000, and
// carries BUDDiES and BUDDiES PLUS songs). It lives here until the domain
// package needs it.
type Version int

// The versions of JP and intl, oldest first. The CN versions are the
// DX-era values listed under CNVersions.
const (
	Maimai       Version = 10000
	MaimaiPlus   Version = 11000
	GreeN        Version = 12000
	GreeNPlus    Version = 13000
	Orange       Version = 14000
	OrangePlus   Version = 15000
	Pink         Version = 16000
	PinkPlus     Version = 17000
	Murasaki     Version = 18000
	MurasakiPlus Version = 18500
	Milk         Version = 19000
	MilkPlus     Version = 19500
	Finale       Version = 19900
	DX           Version = 20000
	DXPlus       Version = 20500
	Splash       Version = 21000
	SplashPlus   Version = 21500
	Universe     Version = 22000
	UniversePlus Version = 22500
	Festival     Version = 23000
	FestivalPlus Version = 23500
	Buddies      Version = 24000
	BuddiesPlus  Version = 24500
	Prism        Version = 25000
	PrismPlus    Version = 25500
	Circle       Version = 26000
	CirclePlus   Version = 26500
	lastPreDX    Version = Finale
)

// The CN versions (舞萌DX …), by the Lxns number of each.
const (
	CNDX   Version = DX        // 舞萌DX, which has no year in its name
	CN2021 Version = Splash    // 舞萌DX 2021
	CN2022 Version = Universe  // 舞萌DX 2022
	CN2023 Version = Festival  // 舞萌DX 2023
	CN2024 Version = Buddies   // 舞萌DX 2024
	CN2025 Version = Prism     // 舞萌DX 2025
	CN2026 Version = PrismPlus // 舞萌DX 2026
)

// versionInfo is one row of the version tables (rating-rules.md §9).
type versionInfo struct {
	v     Version
	name  string // JP/intl name, or the CN name for CN rows
	df    string // the DF "from" string of the songs the version added
	start string // release (JP) or launch (CN) date, YYYY-MM-DD
}

// jpVersions is every version of JP and intl, oldest first, with the JP
// release dates of ZK gen-json.ts (TH has 2012-07-12 for maimai and
// 2016-12-14 for MURASAKi; we keep ZK's).
var jpVersions = []versionInfo{
	{Maimai, "maimai", "maimai", "2012-07-11"},
	{MaimaiPlus, "maimai PLUS", "maimai PLUS", "2012-12-13"},
	{GreeN, "GreeN", "maimai GreeN", "2013-07-11"},
	{GreeNPlus, "GreeN PLUS", "maimai GreeN PLUS", "2014-02-26"},
	{Orange, "ORANGE", "maimai ORANGE", "2014-09-18"},
	{OrangePlus, "ORANGE PLUS", "maimai ORANGE PLUS", "2015-03-19"},
	{Pink, "PiNK", "maimai PiNK", "2015-12-09"},
	{PinkPlus, "PiNK PLUS", "maimai PiNK PLUS", "2016-06-30"},
	{Murasaki, "MURASAKi", "maimai MURASAKi", "2016-12-15"},
	{MurasakiPlus, "MURASAKi PLUS", "maimai MURASAKi PLUS", "2017-06-22"},
	{Milk, "MiLK", "maimai MiLK", "2017-12-14"},
	{MilkPlus, "MiLK PLUS", "MiLK PLUS", "2018-06-21"}, // DF drops "maimai " here
	{Finale, "FiNALE", "maimai FiNALE", "2018-12-13"},
	{DX, "maimaiでらっくす", "", "2019-07-11"},
	{DXPlus, "maimaiでらっくす PLUS", "", "2020-01-23"},
	{Splash, "Splash", "", "2020-09-17"},
	{SplashPlus, "Splash PLUS", "", "2021-03-18"},
	{Universe, "UNiVERSE", "", "2021-09-16"},
	{UniversePlus, "UNiVERSE PLUS", "", "2022-03-24"},
	{Festival, "FESTiVAL", "", "2022-09-15"},
	{FestivalPlus, "FESTiVAL PLUS", "", "2023-03-23"},
	{Buddies, "BUDDiES", "", "2023-09-14"},
	{BuddiesPlus, "BUDDiES PLUS", "", "2024-03-21"},
	{Prism, "PRiSM", "", "2024-09-12"},
	{PrismPlus, "PRiSM PLUS", "", "2025-03-13"},
	{Circle, "CiRCLE", "", "2025-09-18"},
	{CirclePlus, "CiRCLE PLUS", "", "2026-03-19"},
}

// cnVersions is every DX-era CN version, oldest first. The launch dates
// are when the CN probers switched over (rating-rules.md §9; accurate to a
// few days). 舞萌DX's own launch is not known; it is the first CN version
// we know, so it counts from the beginning.
var cnVersions = []versionInfo{
	{CNDX, "舞萌DX", "maimai でらっくす", ""},
	{CN2021, "舞萌DX 2021", "maimai でらっくす Splash", "2021-04-28"},
	// Sources bound the 2022 launch to 2022-04-10 … 2022-06-22; we take
	// the last day, the first one the evidence confirms.
	{CN2022, "舞萌DX 2022", "maimai でらっくす UNiVERSE", "2022-06-22"},
	{CN2023, "舞萌DX 2023", "maimai でらっくす FESTiVAL", "2023-06-08"},
	{CN2024, "舞萌DX 2024", "maimai でらっくす BUDDiES", "2024-06-05"},
	{CN2025, "舞萌DX 2025", "maimai でらっくす PRiSM", "2025-06-11"},
	{CN2026, "舞萌DX 2026", "maimai でらっくす PRiSM PLUS", "2026-06-09"},
}

// Valid reports whether v is a known JP/intl version (every CN version
// is one too).
func (v Version) Valid() bool {
	// A switch rather than a table walk: PlayerRating asks for every best.
	switch v {
	case Maimai, MaimaiPlus, GreeN, GreeNPlus, Orange, OrangePlus, Pink, PinkPlus,
		Murasaki, MurasakiPlus, Milk, MilkPlus, Finale, DX, DXPlus, Splash, SplashPlus,
		Universe, UniversePlus, Festival, FestivalPlus, Buddies, BuddiesPlus, Prism,
		PrismPlus, Circle, CirclePlus:
		return true
	}
	return false
}

func (v Version) jpIndex() int {
	for i, info := range jpVersions {
		if info.v == v {
			return i
		}
	}
	return -1
}

// String is the version's JP name, such as "PRiSM PLUS", or its number
// when unknown.
func (v Version) String() string {
	if i := v.jpIndex(); i >= 0 {
		return jpVersions[i].name
	}
	return fmt.Sprintf("version %d", int(v))
}

// Name is the version's name in a region: 舞萌DX 2024 for CN's 24000,
// BUDDiES for JP's. Pre-DX versions have their JP names everywhere.
func (v Version) Name(r maimai.Region) string {
	if r == maimai.CN {
		for _, info := range cnVersions {
			if info.v == v {
				return info.name
			}
		}
	}
	return v.String()
}

// CNVersions lists the DX-era CN versions, oldest first.
func CNVersions() []Version {
	out := make([]Version, len(cnVersions))
	for i, info := range cnVersions {
		out[i] = info.v
	}
	return out
}

// isCN reports whether v is a DX-era CN version.
func (v Version) isCN() bool {
	for _, info := range cnVersions {
		if info.v == v {
			return true
		}
	}
	return false
}

// CNVersionOf is the CN version that brought the songs of JP version v:
// CN brings a JP version and its PLUS together (BUDDiES PLUS → 舞萌DX
// 2024) up to 舞萌DX 2025, which brought PRiSM alone. Pre-DX versions and
// CN versions map to themselves. ok is false for JP versions CN has not
// had yet (CiRCLE on).
func CNVersionOf(v Version) (cn Version, ok bool) {
	switch {
	case v <= lastPreDX:
		return v, v.Valid()
	case v < CN2021:
		cn = CNDX
	case v < CN2022:
		cn = CN2021
	case v < CN2023:
		cn = CN2022
	case v < CN2024:
		cn = CN2023
	case v < CN2025:
		cn = CN2024
	case v < CN2026:
		cn = CN2025
	case v == CN2026:
		cn = CN2026
	default:
		return 0, false
	}
	return cn, v.Valid()
}

// Previous is the JP/intl version before v, or 0 for the first.
func (v Version) Previous() Version {
	if i := v.jpIndex(); i > 0 {
		return jpVersions[i-1].v
	}
	return 0
}

// VersionFromDF reads a diving-fish music_data "from" string ("maimai
// でらっくす BUDDiES", "MiLK PLUS") as the CN version that added the song.
// Only today's strings are known: older snapshots labelled songs
// differently.
func VersionFromDF(from string) (Version, bool) {
	for _, info := range jpVersions {
		if info.df != "" && info.df == from {
			return info.v, true
		}
	}
	for _, info := range cnVersions {
		if info.df == from {
			return info.v, true
		}
	}
	return 0, false
}

// VersionAt is the version a region's cabinets ran at time t: by the JP
// release dates for JP and by the CN launch dates for CN (every CN date
// before 舞萌DX 2021 is 舞萌DX, whose own launch is not known). Intl
// release dates are known for too few versions to date intl play, so
// intl, and JP dates before maimai, are errors; pass the version the page
// shows instead.
func VersionAt(r maimai.Region, t time.Time) (Version, error) {
	var table []versionInfo
	switch r {
	case maimai.JP:
		table = jpVersions
	case maimai.CN:
		table = cnVersions
	default:
		return 0, fmt.Errorf("rating: cannot tell the %s version at %s from the date: intl release dates are not known", r, t.Format(time.DateOnly))
	}
	t = t.In(r.Location())
	day := t.Format(time.DateOnly)
	for i := len(table) - 1; i >= 0; i-- {
		if table[i].start <= day { // ISO dates compare as strings; "" is the open start
			return table[i].v, nil
		}
	}
	return 0, fmt.Errorf("rating: %s is before the first known %s version", day, r)
}
