package archive

import (
	"cmp"
	"context"
	"slices"

	"github.com/maiprobe/maiprobe/internal/history"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

// SongOrder is an order of the song list other than the song data's.
type SongOrder string

// Song list orders.
const (
	// OrderNextRank puts first the played charts whose best is closest to
	// the next rank (history.RankGap: the achievement still missing, e.g.
	// 99.9800% is 0.0200% from SSS), nearest first; charts at SSS+ and
	// charts never played follow in the song data's order.
	OrderNextRank SongOrder = "next_rank"
	// OrderStale puts first the charts with the most plays since their
	// achievement best last rose (history.StaleAttempts), most first,
	// then those with more plays in all; charts whose latest play raised
	// the best, charts at 101% (which cannot improve) and charts without
	// archived plays follow in the song data's order.
	OrderStale SongOrder = "stale"
)

// Valid reports whether o is a known order ("" is the song data's).
func (o SongOrder) Valid() bool { return o == "" || o == OrderNextRank || o == OrderStale }

// orderSongs sorts charts (in the song data's order) by o, stably.
func (a *Archive) orderSongs(ctx context.Context, player string, o SongOrder, charts []SongListChart) error {
	switch o {
	case OrderNextRank:
		key := func(c SongListChart) (maimai.Achievement, bool) {
			if c.Best == nil {
				return 0, false
			}
			_, gap, ok := history.RankGap(c.Best.Achievement)
			return gap, ok
		}
		slices.SortStableFunc(charts, func(x, y SongListChart) int {
			gx, okx := key(x)
			gy, oky := key(y)
			if okx != oky {
				if okx {
					return -1
				}
				return 1
			}
			return cmp.Compare(gx, gy)
		})
	case OrderStale:
		c, err := a.cachedLog(ctx, player)
		if err != nil {
			return err
		}
		stale, plays := c.staleCounts()
		// Each chart's two numbers looked up once, not at every
		// comparison: 10,000 charts sort in about 140,000 of them.
		type keyed struct {
			stale, plays int
			c            SongListChart
		}
		ks := make([]keyed, len(charts))
		for i, c := range charts {
			ch := maimai.Chart{Title: c.Title, Type: c.Type, Difficulty: c.Difficulty}
			if c.Best != nil {
				ch = c.Best.Chart // the title the plays carry
			}
			ks[i] = keyed{stale[ch], plays[ch], c}
			if c.Best != nil && c.Best.Achievement >= maimai.MaxAchievement {
				ks[i].stale = 0 // 101% (a score list's, perhaps) cannot improve
			}
			if ks[i].stale == 0 {
				ks[i].plays = 0 // no order among the charts that follow
			}
		}
		slices.SortStableFunc(ks, func(x, y keyed) int {
			if c := cmp.Compare(y.stale, x.stale); c != 0 {
				return c
			}
			return cmp.Compare(y.plays, x.plays)
		})
		for i := range ks {
			charts[i] = ks[i].c
		}
	}
	return nil
}
