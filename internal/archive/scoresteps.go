package archive

import (
	"cmp"
	"context"
	"slices"
	"sync"

	"github.com/maiprobe/maiprobe/internal/storage"
)

// The rating data holds every step of the player's score history (43,000
// at 100,000 plays) and is read again whenever the player's bests change,
// that is after nearly every import: reading the steps whole was most of
// the first history page after an import (about 0.2 s). They are kept per
// player and read on from the steps added since, as the play log is
// (history.go): storage.ScoreStepStamp says when that is all that
// changed (the epoch is raised by a deletion and by a step changed in
// place), and the database's order is not needed — the steps are sorted
// here by the history's unique key, so a whole read and an extended one
// agree on every database whatever its collation.

type stepCache struct {
	mu sync.Mutex
	m  map[int64]*cachedSteps // by player id
}

type cachedSteps struct {
	stamp storage.LogStamp
	steps []storage.ScoreStep // shared: never changed once cached
}

// stepOrder is the order of the score history: by chart and genre (runs of
// one chart), then as the steps came (time, then the score).
func stepOrder(x, y storage.ScoreStep) int {
	return cmp.Or(cmp.Compare(x.Title, y.Title), cmp.Compare(x.Type, y.Type), cmp.Compare(x.Difficulty, y.Difficulty),
		cmp.Compare(x.Genre, y.Genre), x.ObservedAt.Compare(y.ObservedAt), cmp.Compare(x.Achievement, y.Achievement),
		cmp.Compare(x.DXScore, y.DXScore), cmp.Compare(x.FC, y.FC), cmp.Compare(x.FS, y.FS), cmp.Compare(x.ID, y.ID))
}

// scoreSteps is the player's score history in stepOrder, read
// incrementally. The slice is shared: callers must not change it.
func (a *Archive) scoreSteps(ctx context.Context, tx *storage.Tx, playerID int64) ([]storage.ScoreStep, error) {
	a.steps.mu.Lock()
	c := a.steps.m[playerID]
	a.steps.mu.Unlock()
	after := int64(0)
	if c != nil {
		after = c.stamp.MaxID
	}
	st, newer, err := tx.ScoreStepStamp(ctx, playerID, after)
	if err != nil {
		return nil, err
	}
	var out []storage.ScoreStep
	if c != nil && st.Epoch == c.stamp.Epoch && st.Count == c.stamp.Count+newer {
		if newer == 0 {
			return c.steps, nil
		}
		add, err := tx.ScoreStepsAfter(ctx, playerID, after)
		if err != nil {
			return nil, err
		}
		slices.SortFunc(add, stepOrder)
		out = make([]storage.ScoreStep, 0, len(c.steps)+len(add))
		i, j := 0, 0
		for i < len(c.steps) && j < len(add) {
			if stepOrder(add[j], c.steps[i]) < 0 {
				out = append(out, add[j])
				j++
			} else {
				out = append(out, c.steps[i])
				i++
			}
		}
		out = append(append(out, c.steps[i:]...), add[j:]...)
	} else {
		if out, err = tx.ScoreStepsAfter(ctx, playerID, 0); err != nil {
			return nil, err
		}
		slices.SortFunc(out, stepOrder)
	}
	// Keyed by the stamp read before the rows, as playJackets: a step
	// committed in between is in the list and counted as new next time,
	// so it would be merged twice — unless the stamp is the rows'.
	st.Count, st.MaxID = int64(len(out)), 0
	for _, s := range out {
		st.MaxID = max(st.MaxID, s.ID)
	}
	a.steps.mu.Lock()
	// At most 64 players' histories (megabytes each at 100,000 plays; the
	// rating data of a player in use holds the same slice).
	if a.steps.m == nil || len(a.steps.m) >= 64 {
		a.steps.m = map[int64]*cachedSteps{}
	}
	a.steps.m[playerID] = &cachedSteps{stamp: st, steps: out}
	a.steps.mu.Unlock()
	return out, nil
}
