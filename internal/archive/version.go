package archive

import (
	"context"
	"slices"
	"sync"

	"github.com/maiprobe/maiprobe/internal/storage"
)

// Version is the archive's version (storage.DB.Version): it changes with
// every write that changed something — imports, restores, reparses,
// splits, song syncs, settings, tokens, logins — in any process on the
// same database, so whatever is derived from the archive can be cached
// under it. Read it before the data it keys.
func (a *Archive) Version(ctx context.Context) (int64, error) {
	return a.db.Version(ctx)
}

// pointsCache keeps each player's snapshot numbers (the overview's rating
// chart and loss meter, the profile's charts: thousands of rows whose
// times cost most of those pages' allocations) under the archive version
// they were read at.
type pointsCache struct {
	mu sync.Mutex
	m  map[int64]cachedPoints // by player id
}

type cachedPoints struct {
	version int64
	points  []storage.SnapshotPoint
}

// snapshotPoints is tx.SnapshotPoints, read once per archive version: a
// copy of the cached list when the version tx sees is the one it was read
// at.
func (a *Archive) snapshotPoints(ctx context.Context, tx *storage.Tx, playerID int64) ([]storage.SnapshotPoint, error) {
	v, err := tx.Version(ctx)
	if err != nil {
		return nil, err
	}
	a.points.mu.Lock()
	c, ok := a.points.m[playerID]
	a.points.mu.Unlock()
	if ok && c.version == v {
		return slices.Clone(c.points), nil
	}
	pts, err := tx.SnapshotPoints(ctx, playerID)
	if err != nil {
		return nil, err
	}
	a.points.mu.Lock()
	if a.points.m == nil || len(a.points.m) > 1000 {
		a.points.m = map[int64]cachedPoints{}
	}
	a.points.m[playerID] = cachedPoints{version: v, points: slices.Clone(pts)}
	a.points.mu.Unlock()
	a.pointReads.Add(1)
	return pts, nil
}
