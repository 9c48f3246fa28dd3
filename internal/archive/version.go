package archive

import "context"

// Version is the archive's version (storage.DB.Version): it changes with
// every write that changed something — imports, restores, reparses,
// splits, song syncs, settings, tokens, logins — in any process on the
// same database, so whatever is derived from the archive can be cached
// under it. Read it before the data it keys.
func (a *Archive) Version(ctx context.Context) (int64, error) {
	return a.db.Version(ctx)
}
