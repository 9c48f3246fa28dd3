//go:build !function

package storage

import (
	"errors"

	sqlite "modernc.org/sqlite" // registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"
)

// HasSQLite reports whether this build has the SQLite engine. The
// function build (-tags function, sqlite_function.go) leaves it out.
const HasSQLite = true

// sqliteBusy reports whether err is SQLite's "database is busy/locked",
// a lost race worth running the transaction again for.
func sqliteBusy(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return true
		}
	}
	return false
}
