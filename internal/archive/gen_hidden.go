package archive

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/songs"
	"github.com/maiprobe/maiprobe/internal/storage"
)

// GenHidden is a chart whose constant gen made the song data forget, and
// the constant the generated pages' ratings were computed with.
type GenHidden struct {
	maimai.Chart
	Level    string
	Constant songs.Constant
}

// genHide makes the song data forget the constants of o.HideConstants of
// the pool's real charts, drawn with their own generator (so the plays do
// not depend on the share), after the pages are written.
func (a *Archive) genHide(ctx context.Context, o GenOptions, charts []genChart, set *chartSet) ([]GenHidden, error) {
	if o.HideConstants <= 0 {
		return nil, nil
	}
	if o.HideConstants > 1 {
		return nil, errors.New("generate: the share of constants to hide must be between 0 and 1")
	}
	if set == nil || set.db == nil {
		return nil, errors.New("generate: hiding constants needs CN song data in the archive (maiprobe songs sync first)")
	}
	ids := map[maimai.Chart]int64{}
	for _, s := range set.db.Songs {
		for _, c := range s.Charts {
			if c.Side == 0 {
				ids[maimai.Chart{Title: cmpOr(s.SiteTitle, s.Title), Type: s.Type, Difficulty: c.Difficulty}] = set.id[c]
			}
		}
	}
	rng := rand.New(rand.NewPCG(o.Seed^0x5eed0f41dde4c0de, o.Seed))
	var hidden []GenHidden
	var chartIDs []int64
	for _, c := range charts {
		if rng.Float64() >= o.HideConstants || c.constant == 0 {
			continue
		}
		id := ids[c.Chart]
		if id == 0 {
			continue
		}
		hidden = append(hidden, GenHidden{Chart: c.Chart, Level: c.level, Constant: songs.Constant(c.constant)})
		chartIDs = append(chartIDs, id)
	}
	err := a.db.Update(ctx, func(tx *storage.Tx) error {
		for _, id := range chartIDs {
			if err := tx.HideConstant(ctx, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("generate: hide constants: %w", err)
	}
	return hidden, nil
}
