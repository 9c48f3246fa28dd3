package history

import (
	"slices"
	"time"
)

// Reading is the player's rating at one moment as the archive knows it:
// Computed from the bests it holds, Site as a saved page printed it (0
// when none did), Charts the distinct charts played so far.
type Reading struct {
	At       time.Time
	Computed int
	Site     int
	Charts   int
}

// FullTables is how many charts a B50 counts: an archive with fewer
// charts played cannot tell a rating from its plays alone.
const FullTables = 50

// siteGapTolerance is how far a computed rating may lie below the site's
// at the same moment and still count as the player's: 2% (280 at 14,000,
// about one new chart whose constant the song data lacks), at least 100.
func siteGapTolerance(site int) int { return max(100, site/50) }

// Trust says, for each reading (oldest first), whether its computed
// rating may stand for the player's: a band crossed, a visit's or a year's
// rating change. An archive that began with one record page (the last 50
// plays) of a player rated 14,374 computes 7,242 from them: that is no
// red band reached and no +3,027 in a visit.
//
// The judge is the nearest saved page with the site's rating at or after
// the reading (else the nearest before it): the computed rating there
// must be within siteGapTolerance of the site's, since the bests an
// archive lacks then it lacked before too. With no site rating anywhere,
// the archive must have played a B50's worth of charts by then (a
// beginner with fewer keeps no rating-band firsts until a saved profile
// page confirms them).
func Trust(rs []Reading) []bool {
	site := SiteIndexes(rs)
	out := make([]bool, len(rs))
	for i, r := range rs {
		out[i] = TrustAt(rs, site, r.At, r.Charts)
	}
	return out
}

// TrustAt is Trust's judgement for a moment t between readings (rs
// oldest first; site the indexes of those with a site rating, as Trust
// finds them; charts the distinct charts played by t).
func TrustAt(rs []Reading, site []int, t time.Time, charts int) bool {
	if len(site) == 0 {
		return charts >= FullTables
	}
	// The first site reading at or after t.
	k, _ := slices.BinarySearchFunc(site, t, func(i int, t time.Time) int { return rs[i].At.Compare(t) })
	if k == len(site) {
		k--
	}
	r := rs[site[k]]
	return r.Site-r.Computed <= siteGapTolerance(r.Site)
}

// SiteIndexes are the indexes of the readings with a site rating, for
// TrustAt.
func SiteIndexes(rs []Reading) []int {
	var site []int
	for i, r := range rs {
		if r.Site > 0 {
			site = append(site, i)
		}
	}
	return site
}
