package archive

import (
	"context"
	"slices"
	"time"

	"github.com/maiprobe/maiprobe/internal/history"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/storage"
)

// ratingTrust judges the archive's computed rating against the ratings
// saved pages printed (history.Trust): a rating computed from an archive
// that lacks most of the player's bests is shown nowhere as the player's.
type ratingTrust struct {
	readings []history.Reading
	site     []int
	charts   []time.Time // when each distinct chart was first played, in order; only without site readings
}

// newRatingTrust reads the rating history's points with the play log's
// count of distinct charts played by each. That count judges only an
// archive without any site rating, so only such an archive's log is
// walked for it (a visit report asks for trust on every view).
func newRatingTrust(points []RatingPoint, log *PlayLog) *ratingTrust {
	t := &ratingTrust{}
	for _, p := range points {
		t.readings = append(t.readings, history.Reading{At: p.At, Computed: p.Computed, Site: p.Site})
	}
	t.site = history.SiteIndexes(t.readings)
	if len(t.site) > 0 {
		return t
	}
	seen := map[maimai.Chart]bool{}
	for _, p := range log.Plays {
		if !seen[p.Chart] {
			seen[p.Chart] = true
			t.charts = append(t.charts, p.At)
		}
	}
	for i := range t.readings {
		t.readings[i].Charts = t.chartsBy(t.readings[i].At)
	}
	return t
}

// chartsBy is the number of distinct charts played at or before at.
func (t *ratingTrust) chartsBy(at time.Time) int {
	n, _ := slices.BinarySearchFunc(t.charts, at, func(c, at time.Time) int {
		if c.After(at) {
			return 1
		}
		return -1
	})
	return n
}

// at reports whether the computed rating at moment at may be shown.
func (t *ratingTrust) at(at time.Time) bool {
	return history.TrustAt(t.readings, t.site, at, t.chartsBy(at))
}

// yearRatings are the player's rating at the start and end of a year:
// before the year's first visit and after its last, as the site printed
// them around those visits (play details, else profile pages just around
// them: the visit reports' numbers), so the year page and the visit
// reports agree. When the site printed neither, it is the rating
// history's last point before each bound (the site's where a page saved
// one, else the computed rating where trust allows it), computed is true,
// and an archive that starts within the year starts from 0.
func (a *Archive) yearRatings(ctx context.Context, player string, log *PlayLog, year int, points []RatingPoint) (start, end int, known, computed bool, err error) {
	loc := log.Region.Location()
	from, to := time.Date(year, 1, 1, 0, 0, 0, 0, loc), time.Date(year+1, 1, 1, 0, 0, 0, 0, loc)
	first := -1
	last := -1
	minutes := make([]int64, len(log.Plays))
	for i, p := range log.Plays {
		minutes[i] = p.At.Unix() / 60
		if !p.At.Before(from) && p.At.Before(to) {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first >= 0 {
		slices.Sort(minutes)
		spans := splitVisits(minutes, DefaultVisitGap)
		find := func(m int64) (span, bool) {
			i, ok := spanOf(spans, m)
			if !ok {
				return span{}, false
			}
			return spans[i], true
		}
		var before, after Visit
		err = a.view(ctx, player, func(tx *storage.Tx, pid int64) error {
			if sp, ok := find(log.Plays[first].At.Unix() / 60); ok {
				if before, err = visit(ctx, tx, pid, sp); err != nil {
					return err
				}
			}
			if sp, ok := find(log.Plays[last].At.Unix() / 60); ok {
				if after, err = visit(ctx, tx, pid, sp); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return 0, 0, false, false, err
		}
		if before.RatingKnown && after.RatingKnown {
			return before.RatingBefore, after.RatingAfter, true, false, nil
		}
	}
	trust := newRatingTrust(points, log)
	startKnown := false
	for i, p := range points {
		r := p.Site
		if r == 0 && history.TrustAt(trust.readings, trust.site, p.At, trust.readings[i].Charts) {
			r = p.Computed
		}
		if r <= 0 || !p.At.Before(to) {
			continue
		}
		if p.At.Before(from) {
			start, startKnown = r, true
		}
		end, known = r, true
	}
	if !startKnown {
		start = 0 // the archive starts in this year: from nothing
	}
	return start, end, known, known, nil
}
