package scaletest

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// planSet holds the statements the slowest pages ran, as MariaDB's general
// log wrote them (parameters in place), so the PostgreSQL run explains the
// same statements.
type planSet struct {
	pages []string
	stmts map[string][]string // by page
}

// check explains, on d, every per-player SELECT the given pages run, and
// fails for one that reads a per-player table without an index (MariaDB:
// access type ALL; PostgreSQL: a Seq Scan on it). On MariaDB it first
// captures the statements: the general log is turned on (to its table)
// for the few requests, and read back for the servers' connections to
// this database only.
func (ps *planSet) check(t *testing.T, d *scaleDB, server, player string, pages []string) {
	if d.kind == "mysql" {
		ps.capture(t, d, server, player, pages)
	}
	if len(ps.stmts) == 0 {
		t.Log("query plans: no statements captured (they come from MariaDB's general log: set MAIPROBE_TEST_MYSQL too)")
		return
	}
	tables := playerTables(t, d)
	var report strings.Builder
	for _, page := range ps.pages {
		fmt.Fprintf(&report, "\n/p/%s/%s:\n", player, page)
		seen := map[string]bool{}
		for _, stmt := range ps.stmts[page] {
			// One statement of each shape (the overview counts the plays of
			// each month with the same query).
			shape := literals.ReplaceAllString(stmt, "?")
			if seen[shape] {
				continue
			}
			seen[shape] = true
			if d.kind == "postgres" {
				stmt = strings.NewReplacer(`\'`, "''", `\\`, `\`).Replace(stmt)
			}
			lines, bad, err := explain(d, stmt, tables)
			if err != nil {
				t.Errorf("%s: EXPLAIN %.400s: %v", d.kind, stmt, err)
				continue
			}
			fmt.Fprintf(&report, "  %.160s\n", oneLine(stmt))
			for _, l := range lines {
				fmt.Fprintf(&report, "      %s\n", l)
			}
			for _, b := range bad {
				t.Errorf("%s: /p/…/%s reads %s without an index: %.600s", d.kind, page, b, oneLine(stmt))
			}
		}
	}
	t.Logf("%s query plans of the slowest pages (per-player tables: %s):%s", d.kind, strings.Join(tables, ", "), report.String())
}

// capture records the statements each page runs on MariaDB.
func (ps *planSet) capture(t *testing.T, d *scaleDB, server, player string, pages []string) {
	var logOn, output string
	if err := d.sql.QueryRow("SELECT @@global.general_log, @@global.log_output").Scan(&logOn, &output); err != nil {
		t.Fatal(err)
	}
	ps.pages, ps.stmts = pages, map[string][]string{}
	for i, page := range pages {
		sep := "?"
		if strings.Contains(page, "?") {
			sep = "&"
		}
		// A query parameter no page reads: a URL the response cache has
		// not seen, so the page runs its queries.
		u := fmt.Sprintf("%s/p/%s/%s%splan=%d%d", server, player, page, sep, time.Now().UnixNano(), i)
		start := time.Now().Add(-time.Second)
		d.exec(t, "SET GLOBAL log_output = 'TABLE'")
		d.exec(t, "SET GLOBAL general_log = 1")
		res, err := http.Get(u)
		var ids []string
		if err == nil {
			res.Body.Close()
			ids = threadIDs(t, d)
		}
		d.exec(t, "SET GLOBAL general_log = "+logOn)
		d.exec(t, "SET GLOBAL log_output = '"+output+"'")
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %v %v", u, err, res)
		}
		rows, err := d.sql.Query("SELECT argument FROM mysql.general_log WHERE event_time >= ? AND command_type IN ('Query', 'Execute') AND thread_id IN ("+strings.Join(ids, ",")+") ORDER BY event_time", start)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var arg []byte
			rows.Scan(&arg)
			s := strings.TrimSpace(string(arg))
			if strings.HasPrefix(strings.ToUpper(s), "SELECT") && perPlayer.MatchString(s) {
				ps.stmts[page] = append(ps.stmts[page], s)
			}
		}
		rows.Close()
		if len(ps.stmts[page]) == 0 {
			t.Logf("query plans: /p/…/%s ran no per-player SELECT (answered from the caches)", page)
		}
	}
}

// threadIDs are the MariaDB connections to d's database but the test's own.
func threadIDs(t *testing.T, d *scaleDB) []string {
	rows, err := d.sql.Query("SELECT id FROM information_schema.processlist WHERE db = DATABASE() AND id <> CONNECTION_ID()")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := []string{"0"}
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		out = append(out, fmt.Sprint(id))
	}
	return out
}

// perPlayer matches a statement about one player (not, say, the list of
// public players every page's header shows).
var perPlayer = regexp.MustCompile(`player_id\s*=\s*\d+`)

// literals are the numbers and strings of a statement.
var literals = regexp.MustCompile(`'(?:[^'\\]|\\.)*'|\b\d+(?:\.\d+)?\b`)

var seqScan = regexp.MustCompile(`Seq Scan on (\w+)`)

// explain gives the key lines of stmt's plan on d and the per-player
// tables it reads without an index.
func explain(d *scaleDB, stmt string, tables []string) (lines, bad []string, err error) {
	conn, err := d.sql.Conn(context.Background())
	if err != nil {
		return nil, nil, err
	}
	defer conn.Close()
	if d.kind == "postgres" {
		rows, err := conn.QueryContext(context.Background(), "EXPLAIN "+stmt)
		if err != nil {
			return nil, nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var l string
			rows.Scan(&l)
			if strings.Contains(l, "Scan") {
				lines = append(lines, strings.TrimSpace(l))
			}
			if m := seqScan.FindStringSubmatch(l); m != nil && slices.Contains(tables, m[1]) {
				bad = append(bad, m[1])
			}
		}
		return lines, bad, rows.Err()
	}
	rows, err := conn.QueryContext(context.Background(), "EXPLAIN "+stmt)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, nil, err
		}
		f := map[string]string{}
		for i, c := range cols {
			f[c] = vals[i].String
		}
		lines = append(lines, fmt.Sprintf("%s: type=%s key=%s rows=%s %s", f["table"], f["type"], f["key"], f["rows"], f["Extra"]))
		if tb := aliases(stmt)[f["table"]]; f["type"] == "ALL" && slices.Contains(tables, tb) {
			bad = append(bad, f["table"])
		}
	}
	return lines, bad, rows.Err()
}

var fromRE = regexp.MustCompile(`(?i)\b(?:FROM|JOIN)\s+(\w+)(?:\s+(?:AS\s+)?(\w+))?`)

// aliases maps the names a statement gives its tables (and the tables'
// own names) to the tables.
func aliases(stmt string) map[string]string {
	m := map[string]string{}
	for _, f := range fromRE.FindAllStringSubmatch(stmt, -1) {
		m[f[1]] = f[1]
		switch strings.ToUpper(f[2]) {
		case "", "WHERE", "JOIN", "LEFT", "INNER", "ON", "ORDER", "GROUP", "LIMIT", "USING", "CROSS":
		default:
			m[f[2]] = f[1]
		}
	}
	return m
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
