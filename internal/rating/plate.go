package rating

import (
	"fmt"
	"slices"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// PlateKind is what a version plate asks of every chart of its songs
// (rating-rules.md §8, after maimai.py MaimaiPlates).
type PlateKind string

// Plate kinds, named by their JP characters.
const (
	Sho    PlateKind = "将"  // rank SSS or better (100.0000%)
	Kiwami PlateKind = "極"  // FC or better
	Shin   PlateKind = "神"  // AP or better
	MaiMai PlateKind = "舞舞" // FDX or better
	Hasha  PlateKind = "者"  // cleared (rank A, 80%); only 霸者, on the 舞 set
)

// Met reports whether a best satisfies the kind on its chart.
func (k PlateKind) Met(b Best) bool {
	switch k {
	case Sho:
		return b.Achievement >= 1000000
	case Kiwami:
		return b.FC == maimai.FCN || b.FC == maimai.FCP || b.FC == maimai.AP || b.FC == maimai.APP
	case Shin:
		return b.FC == maimai.AP || b.FC == maimai.APP
	case MaiMai:
		return b.FS == maimai.FSD || b.FS == maimai.FSDP
	case Hasha:
		return b.Achievement >= 800000
	}
	return false
}

// Plate is one version plate: the songs it covers and which of their
// charts count.
type Plate struct {
	Region maimai.Region
	// Prefix is the plate's character as the region writes it: 真, 舞, 熊,
	// 華 in JP and 华 in CN.
	Prefix string
	// Versions are the versions whose songs the plate covers; CN's DX-era
	// plates name CN versions.
	Versions []Version
	// Type is the chart type that counts: standard before DX, DX after.
	Type maimai.ChartType
	// ReMaster is true when Re:Master charts count too (the 舞 set only);
	// otherwise Basic to Master count.
	ReMaster bool
}

// plateRow is a plate in both spellings.
type plateRow struct {
	jp, cn   string
	versions []Version
}

// preDXPlates are the plates of the versions before DX, the same in every
// region (YURI VERSION_MAP, DF VERSION_PREFIX).
var preDXPlates = []plateRow{
	{"真", "真", []Version{Maimai, MaimaiPlus}},
	{"超", "超", []Version{GreeN}},
	{"檄", "檄", []Version{GreeNPlus}},
	{"橙", "橙", []Version{Orange}},
	{"暁", "晓", []Version{OrangePlus}},
	{"桃", "桃", []Version{Pink}},
	{"櫻", "樱", []Version{PinkPlus}},
	{"紫", "紫", []Version{Murasaki}},
	{"菫", "堇", []Version{MurasakiPlus}},
	{"白", "白", []Version{Milk}},
	{"雪", "雪", []Version{MilkPlus}},
	{"輝", "辉", []Version{Finale}},
}

// allPreDX is the 舞 set: every song from maimai to FiNALE.
var allPreDX = []Version{Maimai, MaimaiPlus, GreeN, GreeNPlus, Orange, OrangePlus, Pink, PinkPlus, Murasaki, MurasakiPlus, Milk, MilkPlus, Finale}

// jpDXPlates are JP's DX-era plates, one per version (ZK gen-json.ts);
// CiRCLE PLUS has none listed yet.
var jpDXPlates = []plateRow{
	{"熊", "", []Version{DX}}, {"華", "", []Version{DXPlus}},
	{"爽", "", []Version{Splash}}, {"煌", "", []Version{SplashPlus}},
	{"宙", "", []Version{Universe}}, {"星", "", []Version{UniversePlus}},
	{"祭", "", []Version{Festival}}, {"祝", "", []Version{FestivalPlus}},
	{"双", "", []Version{Buddies}}, {"宴", "", []Version{BuddiesPlus}},
	{"鏡", "", []Version{Prism}}, {"彩", "", []Version{PrismPlus}},
	{"丸", "", []Version{Circle}},
}

// cnDXPlates are CN's DX-era plates: one song set per CN version, shared
// by the pair of plates a version has (YURI DX_CN_VERSION, MPY).
var cnDXPlates = []plateRow{
	{"", "熊", []Version{CNDX}}, {"", "华", []Version{CNDX}},
	{"", "爽", []Version{CN2021}}, {"", "煌", []Version{CN2021}},
	{"", "宙", []Version{CN2022}}, {"", "星", []Version{CN2022}},
	{"", "祭", []Version{CN2023}}, {"", "祝", []Version{CN2023}},
	{"", "双", []Version{CN2024}}, {"", "宴", []Version{CN2024}},
	{"", "镜", []Version{CN2025}},
	{"", "彩", []Version{CN2026}},
}

// Plates lists the version plates of a region, oldest first, the 舞 set
// after FiNALE's.
func Plates(r maimai.Region) []Plate {
	cn := r == maimai.CN
	var out []Plate
	for _, row := range preDXPlates {
		out = append(out, Plate{Region: r, Prefix: pick2(cn, row), Versions: row.versions, Type: maimai.Std})
	}
	out = append(out, Plate{Region: r, Prefix: "舞", Versions: allPreDX, Type: maimai.Std, ReMaster: true})
	dx := jpDXPlates
	if cn {
		dx = cnDXPlates
	}
	for _, row := range dx {
		out = append(out, Plate{Region: r, Prefix: pick2(cn, row), Versions: row.versions, Type: maimai.DX})
	}
	return out
}

func pick2(cn bool, row plateRow) string {
	if cn {
		return row.cn
	}
	return row.jp
}

// FindPlate finds a region's plate by its prefix; 霸 names the 舞 set.
func FindPlate(r maimai.Region, prefix string) (Plate, bool) {
	if prefix == "霸" {
		prefix = "舞"
	}
	for _, p := range Plates(r) {
		if p.Prefix == prefix {
			return p, true
		}
	}
	return Plate{}, false
}

// Has reports whether the plate exists in kind k: 者 exists only as 霸者.
func (p Plate) Has(k PlateKind) bool {
	switch k {
	case Sho, Kiwami, Shin, MaiMai:
		return true
	case Hasha:
		return p.Prefix == "舞"
	}
	return false
}

// Name is the plate's full name in its region's spelling: 真将, 舞舞舞,
// 霸者, 華極 (JP) or 华极 (CN).
func (p Plate) Name(k PlateKind) string {
	switch {
	case k == Hasha:
		return "霸者"
	case k == Kiwami && p.Region == maimai.CN:
		return p.Prefix + "极"
	}
	return p.Prefix + string(k)
}

// Counts reports whether a chart belongs to the plate: one of its
// versions' songs (CN charts keyed by JP version are mapped to CN's), of
// its chart type, Basic to Master (to Re:Master for 舞), and not removed.
func (p Plate) Counts(c PlateChart) bool {
	if c.Removed || c.Type != p.Type {
		return false
	}
	switch c.Difficulty {
	case maimai.Basic, maimai.Advanced, maimai.Expert, maimai.Master:
	case maimai.ReMaster:
		if !p.ReMaster {
			return false
		}
	default:
		return false
	}
	v := c.Version
	if p.Region == maimai.CN {
		if cn, ok := CNVersionOf(v); ok {
			v = cn
		}
	}
	return slices.Contains(p.Versions, v)
}

// PlateChart is one chart of the song list, as plates see it.
type PlateChart struct {
	Key
	Version Version // the version that added the song
	// Removed charts (deleted songs) are left out: the probers build plates
	// from the current song list (an inference, rating-rules.md §8).
	Removed bool
}

// PlateProgress is how far a player is with one plate.
type PlateProgress struct {
	Plate Plate
	Kind  PlateKind
	// Done and Remaining split the plate's charts, in the order of the
	// chart list; Remaining includes charts never played.
	Done, Remaining []Key
}

// Complete reports whether every chart of the plate is done.
func (pp PlateProgress) Complete() bool { return len(pp.Remaining) == 0 && len(pp.Done) > 0 }

// Progress splits the plate's charts among charts into done and
// remaining by the player's bests. charts and bests must name charts the
// same way (both with song ids, or both without).
func (p Plate) Progress(k PlateKind, charts []PlateChart, bests []Best) (PlateProgress, error) {
	if !p.Has(k) {
		return PlateProgress{}, fmt.Errorf("rating: there is no %s plate; 者 exists only as 霸者", p.Prefix+string(k))
	}
	done := make(map[Key]bool)
	for _, b := range bests {
		if k.Met(b) {
			done[b.Key] = true
		}
	}
	pp := PlateProgress{Plate: p, Kind: k}
	for _, c := range charts {
		if !p.Counts(c) {
			continue
		}
		if done[c.Key] {
			pp.Done = append(pp.Done, c.Key)
		} else {
			pp.Remaining = append(pp.Remaining, c.Key)
		}
	}
	return pp, nil
}
