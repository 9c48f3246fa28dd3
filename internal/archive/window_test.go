package archive

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/fixtures"
)

// playBlock opens each play of a record page.
const playBlock = `<div class="p_10 t_l f_0 v_b">`

var idxRe = regexp.MustCompile(`name="idx" value="(\d+),(\d+)"`)

// earlierWindow turns a real record page into the page the player would
// have saved before its newest drop plays: those blocks are removed, and
// every idx position is moved as the site moves them between saves (the
// position changes; the play's time does not).
func earlierWindow(t *testing.T, page string, drop, shift int) string {
	t.Helper()
	parts := strings.Split(page, playBlock)
	if len(parts) != 51 {
		t.Fatalf("page has %d play blocks, want 50", len(parts)-1)
	}
	// parts[0] is the page head; parts[1..drop] are the newest plays. The
	// footer after the last play block stays with parts[50].
	kept := append([]string{parts[0]}, parts[1+drop:]...)
	out := strings.Join(kept, playBlock)
	return idxRe.ReplaceAllStringFunc(out, func(m string) string {
		s := idxRe.FindStringSubmatch(m)
		pos, _ := strconv.Atoi(s[1])
		return fmt.Sprintf(`name="idx" value="%d,%s"`, pos+shift, s[2])
	})
}

// TestOverlappingRealWindows builds two overlapping 50-play windows from
// a real saved record page and imports them in both orders: every play is
// stored once, whatever the idx positions say.
func TestOverlappingRealWindows(t *testing.T) {
	for _, name := range []string{"cn/record-mainetcn-1.html", "cn/record-truerou-1.html", "intl/record-minty-1.html"} {
		t.Run(name, func(t *testing.T) {
			page := string(fixtures.ReadDXNet(t, name))
			older := earlierWindow(t, page, 10, 7)
			if older == page || !strings.HasSuffix(strings.TrimSpace(older), "</html>") {
				t.Fatal("the earlier window was not built")
			}
			for _, order := range [][2]string{{older, page}, {page, older}} {
				ctx := context.Background()
				a, err := Open(ctx, filepath.Join(t.TempDir(), "a.db"))
				if err != nil {
					t.Fatal(err)
				}
				at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
				for i, p := range order {
					res := a.Import(ctx, "p", Source{Name: fmt.Sprintf("window-%d.html", i), Data: []byte(p), ObservedAt: at})
					if res.Status != Added {
						t.Fatalf("window %d: %s %v", i, res.Status, res.Err)
					}
				}
				// 40 plays are in both windows: 50 distinct plays in all.
				if n, _ := a.CountPlays(ctx, "p"); n != 50 {
					t.Errorf("stored %d plays, want 50", n)
				}
				res := a.Import(ctx, "p", Source{Name: "again.html", Data: []byte(order[0]), ObservedAt: at})
				if res.Status != Unchanged {
					t.Errorf("importing the first window again: %s %v", res.Status, res.Err)
				}
				a.Close()
			}
		})
	}
}
