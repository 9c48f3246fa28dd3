package archive

import (
	"context"
	"maps"
	"sync"

	"github.com/maiprobe/maiprobe/internal/storage"
)

// The jacket each title's plays showed (storage.PlayJackets) is a walk of
// every play of the player (a GROUP BY over 100,000 rows: about 125 ms of
// each reload of the rating data after an import). It is kept per player
// under the play log's stamp and brought up to date from the plays added
// since, as the play log is (history.go): plays are only added between
// two epochs, and a jacket added later can only raise a title's MAX.

type jacketCache struct {
	mu sync.Mutex
	m  map[int64]*cachedJackets // by player id
}

type cachedJackets struct {
	stamp   storage.LogStamp
	jackets map[string]string // shared: never changed once cached
}

// playJackets is tx.PlayJackets, read incrementally. The map is shared:
// callers must not change it.
func (a *Archive) playJackets(ctx context.Context, tx *storage.Tx, playerID int64) (map[string]string, error) {
	a.jackets.mu.Lock()
	c := a.jackets.m[playerID]
	a.jackets.mu.Unlock()
	after := int64(0)
	if c != nil {
		after = c.stamp.MaxID
	}
	st, newer, err := tx.PlayLogStamp(ctx, playerID, after)
	if err != nil {
		return nil, err
	}
	var out map[string]string
	switch {
	case c != nil && st.Epoch == c.stamp.Epoch && st.Count == c.stamp.Count+newer && newer == 0:
		return c.jackets, nil
	case c != nil && st.Epoch == c.stamp.Epoch && st.Count == c.stamp.Count+newer:
		add, err := tx.PlayJacketsAfter(ctx, playerID, after)
		if err != nil {
			return nil, err
		}
		out = maps.Clone(c.jackets)
		for t, j := range add {
			out[t] = max(out[t], j)
		}
	default:
		if out, err = tx.PlayJackets(ctx, playerID); err != nil {
			return nil, err
		}
	}
	// Keyed by the stamp read before the rows: a play committed between
	// the two is in the map and counted as new next time (merging it
	// again changes nothing), and one committed late below MaxID makes
	// the count disagree, so the map is read whole.
	a.jackets.mu.Lock()
	if a.jackets.m == nil || len(a.jackets.m) >= 1000 {
		a.jackets.m = map[int64]*cachedJackets{}
	}
	a.jackets.m[playerID] = &cachedJackets{stamp: st, jackets: out}
	a.jackets.mu.Unlock()
	return out, nil
}
