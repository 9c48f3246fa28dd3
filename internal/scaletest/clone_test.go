package scaletest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// clone copies player src (with its login user, if it has one) to n-1 new
// players named p0001 … inside the database, with INSERT … SELECT: every
// table with a player_id column gets the source's rows again under each
// new player, with fresh ids (the source's id plus a multiple of the
// table's largest id, so the copies' page_id and detail_page_id point at
// the copies' pages) and every unique key still unique (each holds
// player_id, or is the row's id; one that does not fails the insert). A
// table with another *_id column the copy cannot re-key fails the run if
// the source has rows in it. Returns every player's name, src first.
func clone(t *testing.T, d *scaleDB, src string, n int, userName string) []string {
	start := time.Now()
	srcID := d.int(t, "SELECT id FROM players WHERE name = ?", src)
	maxPlayer := d.int(t, "SELECT MAX(id) FROM players")
	srcUser := d.int(t, "SELECT id FROM users WHERE name = ?", userName)
	maxUser := d.int(t, "SELECT MAX(id) FROM users")

	d.exec(t, "CREATE TABLE scale_n (k BIGINT NOT NULL PRIMARY KEY)")
	for lo := 1; lo < n; lo += 500 {
		var vals []string
		for k := lo; k < min(lo+500, n); k++ {
			vals = append(vals, fmt.Sprintf("(%d)", k))
		}
		d.exec(t, "INSERT INTO scale_n (k) VALUES "+strings.Join(vals, ","))
	}
	defer d.exec(t, "DROP TABLE scale_n")

	pad := func(prefix string) string { // the name prefix + k in four digits
		if d.kind == "postgres" {
			return "'" + prefix + "' || lpad(n.k::text, 4, '0')"
		}
		return "CONCAT('" + prefix + "', LPAD(n.k, 4, '0'))"
	}
	tables := playerTables(t, d)
	// Largest id of each table before copying: the stride of its copies.
	stride := map[string]int64{}
	for _, tb := range append([]string{"users"}, tables...) {
		if slices.Contains(columns(t, d, tb), "id") {
			stride[tb] = d.int(t, "SELECT MAX(id) FROM "+tb) + 1
		}
	}
	// pages first: the other tables point at them.
	slices.SortStableFunc(tables, func(a, b string) int {
		return boolInt(b == "pages") - boolInt(a == "pages")
	})
	copyTable := func(table, where string, expr func(col string) (string, error)) {
		cols := columns(t, d, table)
		var sel []string
		for _, c := range cols {
			e, err := expr(c)
			if err != nil {
				if d.int(t, "SELECT COUNT(*) FROM "+table+" s WHERE "+where) > 0 {
					t.Fatalf("clone: %s.%s: %v", table, c, err)
				}
				t.Logf("clone: %s left out (the source has no rows; %v)", table, err)
				return
			}
			sel = append(sel, e)
		}
		t0 := time.Now()
		var rows int64
		const chunk = 100 // players a statement, so no transaction is huge
		// Each copy's rows in one run, in the source's order: as a
		// player's imports write them (50 plays a page), not one row of
		// each of 100 players in turn, which put every row of a player
		// on a heap page of its own in PostgreSQL (a page read per row).
		order := " ORDER BY n.k"
		if slices.Contains(cols, "id") {
			order += ", s.id"
		}
		for lo := 1; lo < n; lo += chunk {
			rows += d.exec(t, fmt.Sprintf("INSERT INTO %s (%s) SELECT %s FROM %s s, scale_n n WHERE %s AND n.k BETWEEN %d AND %d%s",
				table, strings.Join(cols, ", "), strings.Join(sel, ", "), table, where, lo, min(lo+chunk, n)-1, order))
		}
		if d.kind == "postgres" && stride[table] > 0 {
			d.exec(t, fmt.Sprintf("SELECT setval(pg_get_serial_sequence('%s', 'id'), (SELECT MAX(id) FROM %s))", table, table))
		}
		t.Logf("clone: %s: %d rows in %s", table, rows, time.Since(t0).Round(time.Millisecond))
	}
	newPlayer := fmt.Sprintf("%d + n.k", maxPlayer)
	copyTable("players", fmt.Sprintf("s.id = %d", srcID), func(c string) (string, error) {
		switch c {
		case "id":
			return newPlayer, nil
		case "name":
			return pad("p"), nil
		}
		return "s." + c, nil
	})
	if srcUser != 0 {
		copyTable("users", fmt.Sprintf("s.id = %d", srcUser), func(c string) (string, error) {
			switch c {
			case "id":
				return fmt.Sprintf("%d + n.k", maxUser), nil
			case "name":
				return pad("u"), nil
			}
			return "s." + c, nil
		})
	}
	for _, tb := range tables {
		copyTable(tb, fmt.Sprintf("s.player_id = %d", srcID), func(c string) (string, error) {
			switch {
			case c == "player_id":
				return newPlayer, nil
			case c == "id":
				return fmt.Sprintf("s.id + n.k * %d", stride[tb]), nil
			case c == "page_id" || c == "detail_page_id":
				return fmt.Sprintf("s.%s + n.k * %d", c, stride["pages"]), nil
			case c == "user_id" && srcUser != 0:
				return fmt.Sprintf("s.user_id - %d + %d + n.k", srcUser, maxUser), nil
			case strings.HasSuffix(c, "_id"):
				return "", fmt.Errorf("cannot re-key %s", c)
			}
			return "s." + c, nil
		})
	}
	names := []string{src}
	for k := 1; k < n; k++ {
		names = append(names, fmt.Sprintf("p%04d", k))
	}
	t.Logf("cloned %s to %d players in %s", src, n, time.Since(start).Round(time.Second))
	return names
}

// playerTables are the tables with a player_id column, except the
// helper table.
func playerTables(t *testing.T, d *scaleDB) []string {
	schema := "DATABASE()"
	if d.kind == "postgres" {
		schema = "current_schema()"
	}
	rows, err := d.sql.Query("SELECT table_name FROM information_schema.columns WHERE column_name = 'player_id' AND table_schema = " + schema + " ORDER BY table_name")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// columns are a table's columns in order.
func columns(t *testing.T, d *scaleDB, table string) []string {
	schema := "DATABASE()"
	if d.kind == "postgres" {
		schema = "current_schema()"
	}
	rows, err := d.sql.Query(d.rebind("SELECT column_name FROM information_schema.columns WHERE table_name = ? AND table_schema = "+schema+" ORDER BY ordinal_position"), table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		out = append(out, s)
	}
	if len(out) == 0 {
		t.Fatalf("no columns for table %s", table)
	}
	return out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
