package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/maiprobe/maiprobe/internal/archive"
)

// countNames names archive.Counts fields in each language.
var countNames = map[*messages][9]string{
	zh: {"页面", "游玩", "详情", "快照", "照片", "成绩", "提升", "历史", "无法区分同名乐曲的成绩"},
	en: {"pages", "plays", "details", "snapshots", "photos", "scores", "improvements", "history", "scores of same-titled songs not told apart"},
}

// describe lists the non-zero counts, such as "plays +50, scores +3".
func (m *messages) describe(c archive.Counts, sign string) string {
	n := countNames[m]
	vals := [9]int{c.Pages, c.Plays, c.Details, c.Snapshots, c.Photos, c.Scores, c.Improvements, c.History, c.Ambiguous}
	var parts []string
	for i, v := range vals {
		// One page is implied by a file's line; more (a restored export)
		// are worth saying.
		if v != 0 && (i != 0 || v > 1) {
			parts = append(parts, fmt.Sprintf("%s %s%d", n[i], sign, v))
		}
	}
	if len(parts) == 0 && c.Pages != 0 {
		parts = append(parts, fmt.Sprintf("%s %s%d", n[0], sign, c.Pages))
	}
	sep := ", "
	if m == zh {
		sep = "，"
	}
	return strings.Join(parts, sep)
}

// counts describes what an import added, and what it already had.
func (m *messages) counts(r archive.Result) string {
	s := m.describe(r.Added, "+")
	if u := m.describe(r.Unchanged, ""); u != "" {
		if s != "" {
			s += "; "
		}
		s += m.unchanged + " " + u
	}
	return s
}

func printReparse(c *runCtx, rep archive.ReparseReport) int {
	line := fmt.Sprintf(c.msg.reparsed, rep.Pages)
	if d := c.msg.describe(rep.After, ""); d != "" {
		line += c.msg.colon + d
	}
	fmt.Fprintln(c.Stdout, line)
	return exitOK
}

// printUnreadable prints the pages that stopped a reparse or split, each
// with its reason, and that nothing changed; false when err is another
// failure.
func printUnreadable(c *runCtx, err error) bool {
	var ue *archive.UnreadableError
	if !errors.As(err, &ue) {
		return false
	}
	for _, f := range ue.Pages {
		fmt.Fprintf(c.Stderr, c.msg.reparseFailedPage+"\n", f.Name, c.msg.explain(f.Err))
	}
	fmt.Fprintf(c.Stderr, c.msg.reparseUnchanged+"\n", len(ue.Pages))
	return true
}

func printStatus(ctx context.Context, c *runCtx, a *archive.Archive) int {
	ps, err := a.Players(ctx)
	if err != nil {
		fmt.Fprintf(c.Stderr, "maiprobe: %v\n", err)
		return exitFail
	}
	rows, err := a.RowCounts(ctx)
	if err != nil {
		fmt.Fprintf(c.Stderr, "maiprobe: %v\n", err)
		return exitFail
	}
	if rows["pages"] == 0 {
		fmt.Fprintf(c.Stdout, c.msg.statusEmpty+"\n", c.cfg.DB)
		return exitOK
	}
	ids, err := a.Identities(ctx)
	if err != nil {
		fmt.Fprintf(c.Stderr, "maiprobe: %v\n", err)
		return exitFail
	}
	byName := map[string]archive.PlayerIdentity{}
	for _, id := range ids {
		byName[id.Player] = id
	}
	fmt.Fprintf(c.Stdout, c.msg.statusHead+"\n", c.cfg.DB, rows["pages"])
	for _, p := range ps {
		n, err := a.CountPlays(ctx, p.Name)
		if err != nil {
			fmt.Fprintf(c.Stderr, "maiprobe: %v\n", err)
			return exitFail
		}
		fmt.Fprintf(c.Stdout, c.msg.statusPlayer+"\n", p.Name, n)
		id := byName[p.Name]
		if id.MixedRegions {
			fmt.Fprintf(c.Stdout, c.msg.statusMixedRegions+"\n", id.Seen, p.Name)
		} else if id.Mixed {
			fmt.Fprintf(c.Stdout, c.msg.statusMixed+"\n", id.Seen, p.Name)
		} else if id.Region != "" {
			fmt.Fprintf(c.Stdout, c.msg.statusIdentity+"\n", identityText(c.msg, id.Region, id.Names, id.FriendCode))
		}
	}
	return exitOK
}
