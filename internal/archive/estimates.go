package archive

import (
	"context"

	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/rating"
	"github.com/maiprobe/maiprobe/internal/songs"
)

// learnedConstants are the certain constants learned from the player's
// plays (docs/constants.md) for charts the song data has none for, by the
// chart as the player's bests name it; nil for a player without saved
// pages. Wherever a constant shows (the chart page, the song list, a
// "+N" 分数线), such a chart counts with it, marked estimated, as in the
// current rating.
func (a *Archive) learnedConstants(ctx context.Context, player string) (map[maimai.Chart]songs.Constant, error) {
	pd, err := a.loadPlayerData(ctx, player)
	if pd == nil || err != nil {
		return nil, err
	}
	r, err := a.constantsOf(ctx, pd)
	if err != nil {
		return nil, err
	}
	return r.estimated(), nil
}

// withLearnedConstant gives a chart page's info the learned constant of a
// chart whose song-data constant is unknown, and the best's rating with
// it under today's rules. A failed estimate leaves the info as it was:
// the page shows the rest, and the constants page reports the error.
func (a *Archive) withLearnedConstant(ctx context.Context, player string, region maimai.Region, v *ChartView) {
	if v.Info.Constant.Known() || region == "" || v.Chart.Difficulty == maimai.Utage {
		return
	}
	est, err := a.learnedConstants(ctx, player)
	if err != nil {
		return
	}
	c, ok := est[v.Chart]
	if !ok {
		return
	}
	v.Info.Constant, v.Info.Estimated = c, true
	if rules, err := RulesFor(region, a.now()); err == nil && v.Best != nil {
		v.Info.ChartRating = rules.ChartRating(rating.Constant(c), v.Best.Achievement, v.Best.FC)
	}
}
