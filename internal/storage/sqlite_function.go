//go:build function

package storage

// The function build (scripts/release, -tags function) has no SQLite
// engine: modernc.org/sqlite is about 1.8 MB of the 10 MB a function zip
// may weigh, and a function's disk is thrown away with its instance, so
// its archive is PostgreSQL or MySQL/MariaDB (docs/deploy.md#size). An
// SQLite location is refused by open with ErrNoSQLite.

// HasSQLite reports whether this build has the SQLite engine.
const HasSQLite = false

func sqliteBusy(error) bool { return false }
