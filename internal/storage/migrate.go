package storage

import (
	"context"
	"embed"
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// migrations are applied in the order of their file names' numbers; each
// runs once, in its own transaction, and is recorded in schema_migrations.
//
//go:embed migrations/*.sql
var migrations embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations() ([]migration, error) {
	files, err := migrations.ReadDir("migrations")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, f := range files {
		num, _, _ := strings.Cut(f.Name(), "_")
		v, err := strconv.Atoi(num)
		if err != nil {
			return nil, fmt.Errorf("storage: migration %s: name must start with its number", f.Name())
		}
		b, err := migrations.ReadFile(path.Join("migrations", f.Name()))
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: f.Name(), sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms, nil
}

// statements splits a migration into statements: each ends with ; at the
// end of a line. Comment lines are dropped.
func statements(script string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(script, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "--") {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(strings.TrimSpace(line), ";") {
			s := strings.TrimSuffix(strings.TrimSpace(cur.String()), ";")
			out = append(out, s)
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}

func (db *DB) migrate(ctx context.Context) error {
	ms, err := loadMigrations()
	if err != nil {
		return err
	}
	create := db.d.types.Replace("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER NOT NULL PRIMARY KEY, applied_at {{time}} NOT NULL){{table}}")
	if _, err := db.w.ExecContext(ctx, create); err != nil {
		return fmt.Errorf("storage: create schema_migrations: %w", err)
	}
	// Every migration not applied yet runs, not only those above the
	// highest applied: numbers are reserved in parallel work, so 0004 may
	// land after an archive already has 0005.
	applied := map[int]bool{}
	rows, err := db.w.QueryContext(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		return fmt.Errorf("storage: read schema version: %w", err)
	}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return fmt.Errorf("storage: read schema version: %w", err)
		}
		applied[v] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("storage: read schema version: %w", err)
	}
	for _, m := range ms {
		if applied[m.version] {
			continue
		}
		err := db.update(ctx, func(tx *Tx) error {
			for _, s := range statements(m.sql) {
				if _, err := tx.tx.ExecContext(ctx, db.d.types.Replace(s)); err != nil {
					return fmt.Errorf("storage: migration %s: %w\n%s", m.name, err, s)
				}
			}
			_, err := tx.tx.ExecContext(ctx, db.d.rebind("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)"), m.version, utc(time.Now()))
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// SchemaVersion is the number of the last migration applied.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := db.r.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&v)
	return v, err
}
