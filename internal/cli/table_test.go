package cli

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// TestTableAlignsByDisplayWidth: after a title in Chinese, Japanese or
// fullwidth letters, every column starts at the same terminal column
// (text/tabwriter counted each such character as one column).
func TestTableAlignsByDisplayWidth(t *testing.T) {
	for s, want := range map[string]int{"abc": 3, "系ぎて": 6, "ＳＣＨＷＩ": 10, "Ｃｉａ～（・ω": 13, "é": 1, "e\u0301": 1, "": 0} {
		if got := displayWidth(s); got != want {
			t.Errorf("displayWidth(%q) = %d, want %d", s, got, want)
		}
	}
	var out bytes.Buffer
	tw := newTable(&out, 2)
	fmt.Fprintln(tw, "谱面\t等级\t定数")
	fmt.Fprintf(tw, "%s\t%s\t%s\n", "系ぎて dx master", "14+", "14.8")
	fmt.Fprintf(tw, "%s\t%s\t%s\n", "LANCE std expert", "12", "12.4")
	fmt.Fprint(tw, "no newline\tat\tend")
	if err := tw.Flush(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines:\n%s", len(lines), out.String())
	}
	// The column of "14+", "12" and "at": the same display width before it.
	for _, c := range []struct{ line, cell string }{{lines[1], "14+"}, {lines[2], "12  "}, {lines[3], "at"}, {lines[0], "等级"}} {
		i := strings.Index(c.line, c.cell)
		if w := displayWidth(c.line[:i]); w != 18 {
			t.Errorf("%q starts at column %d, want 18 (after the widest title, 16, and 2 spaces):\n%s", c.cell, w, out.String())
		}
	}
	if strings.HasSuffix(lines[1], " ") {
		t.Errorf("the last cell is padded: %q", lines[1])
	}
}
