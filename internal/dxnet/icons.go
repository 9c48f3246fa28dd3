package dxnet

import (
	"strings"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// The site draws ranks, combo and sync marks, difficulties and chart types
// as images. The record page names them "sssplus.png", "fcplus.png",
// "fdx.png"; the best-score lists "music_icon_sssp.png", "music_icon_fdxp.png";
// older CN pages "fsd.png". iconKey folds all of these to one spelling.

// iconKey turns an image URL into the short name the maps below use:
// ".../playlog/sssplus.png?ver=1.50" → "sssp", ".../music_icon_fdx.png" → "fsd".
func iconKey(src string) string {
	k := imgName(src)
	k = strings.TrimPrefix(k, "music_icon_")
	if strings.HasSuffix(k, "plus") {
		k = strings.TrimSuffix(k, "plus") + "p"
	}
	if strings.HasPrefix(k, "fdx") { // fdx, fdxp: the site's name for full sync DX
		k = "fsd" + strings.TrimPrefix(k, "fdx")
	}
	return k
}

// isDummy reports an empty slot: "fc_dummy.png", "sync_dummy.png",
// "music_icon_back.png", "music_icon_blank.png".
func isDummy(key string) bool {
	return strings.HasSuffix(key, "_dummy") || key == "back" || key == "blank" || key == "dummy"
}

// rankIcon returns the rank an image shows, or false.
func rankIcon(src string) (maimai.Rank, bool) {
	r := maimai.Rank(iconKey(src))
	return r, r.Valid()
}

// fcIcon returns the combo mark an image shows ("" for an empty slot), or
// false when the image is not a combo mark.
func fcIcon(src string) (maimai.FC, bool) {
	k := iconKey(src)
	if isDummy(k) && (strings.HasPrefix(k, "fc") || k == "back" || k == "blank") {
		return maimai.NoFC, true
	}
	f := maimai.FC(k)
	return f, f != maimai.NoFC && f.Valid()
}

// fsIcon returns the sync mark an image shows ("" for an empty slot), or
// false when the image is not a sync mark.
func fsIcon(src string) (maimai.FS, bool) {
	k := iconKey(src)
	if isDummy(k) && (strings.HasPrefix(k, "sync") || strings.HasPrefix(k, "fs") || k == "back" || k == "blank") {
		return maimai.NoFS, true
	}
	f := maimai.FS(k)
	return f, f != maimai.NoFS && f.Valid()
}

// diffIcon reads a difficulty from "diff_master.png" (and the
// music_master / music_remaster variants some lists use).
func diffIcon(src string) (maimai.Difficulty, bool) {
	k := imgName(src)
	for _, p := range []string{"diff_", "music_"} {
		if strings.HasPrefix(k, p) {
			d := maimai.Difficulty(strings.TrimPrefix(k, p))
			if d.Valid() {
				return d, true
			}
		}
	}
	return "", false
}

// typeIcon reads the chart type from "music_dx.png" / "music_standard.png".
func typeIcon(src string) (maimai.ChartType, bool) {
	switch imgName(src) {
	case "music_dx":
		return maimai.DX, true
	case "music_standard":
		return maimai.Std, true
	}
	return "", false
}
