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
	// the best, and charts without archived plays, follow in the song
	// data's order.
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
		log, err := a.PlayLog(ctx, player)
		if err != nil {
			return err
		}
		stale := history.StaleAttempts(log.Plays)
		plays := map[maimai.Chart]int{}
		for _, p := range log.Plays {
			plays[p.Chart]++
		}
		chart := func(c SongListChart) maimai.Chart {
			if c.Best != nil {
				return c.Best.Chart // the title the plays carry
			}
			return maimai.Chart{Title: c.Title, Type: c.Type, Difficulty: c.Difficulty}
		}
		slices.SortStableFunc(charts, func(x, y SongListChart) int {
			cx, cy := chart(x), chart(y)
			if c := cmp.Compare(stale[cy], stale[cx]); c != 0 {
				return c
			}
			if stale[cx] == 0 {
				return 0
			}
			return cmp.Compare(plays[cy], plays[cx])
		})
	}
	return nil
}
