package web

import (
	"github.com/maiprobe/maiprobe/internal/analysis"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

// playLossKind is what one note kind cost a play, for the play page.
type playLossKind struct {
	Kind  string // tap, hold, slide, touch, break: analysis.kind.* in the catalogue
	Loss  string // "0.1234%"
	Worst bool   // the kind that cost the most
}

// playLossView is what a play lost of 101% by note kind (analysis.LossOf,
// the same arithmetic as the analysis page), so a player sees on the play
// itself where its score went.
type playLossView struct {
	Kinds []playLossKind
	Total string
	// Break is true when the play had BREAKs: their loss is inferred from
	// the achievement, which the page says.
	Break bool
}

// newPlayLoss is the loss of a play with judgements j shown as a; nil
// when the table is empty (nothing to split).
func newPlayLoss(j maimai.Judgements, a maimai.Achievement) *playLossView {
	t := analysis.TableOf(j)
	l := analysis.LossOf(t, a)
	notes := t.Notes()
	worst, top := -1, 0.0
	for k, v := range l.ByKind {
		if notes[k] > 0 && v > top {
			worst, top = k, v
		}
	}
	v := &playLossView{Total: pct(l.Total(), 4)}
	for _, k := range analysis.Kinds {
		if notes[k] == 0 {
			continue // no TOUCH on a standard chart
		}
		v.Kinds = append(v.Kinds, playLossKind{Kind: k.String(), Loss: pct(l.ByKind[k], 4), Worst: int(k) == worst})
		v.Break = v.Break || k == analysis.Break
	}
	if len(v.Kinds) == 0 {
		return nil
	}
	return v
}
