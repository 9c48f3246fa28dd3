package cli

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

func ratingCmd() *cmd {
	var asJSON, history bool
	var at, pngFile, font string
	return &cmd{
		name:  "rating",
		usage: func(m *messages) string { return m.ratingUsage },
		flags: func(fs *flag.FlagSet, _ *runCtx) {
			fs.BoolVar(&asJSON, "json", false, "")
			fs.BoolVar(&history, "history", false, "")
			fs.StringVar(&at, "at", "", "")
			fs.StringVar(&pngFile, "png", "", "")
			fs.StringVar(&font, "font", "", "")
		},
		run: func(ctx context.Context, c *runCtx, _ *flag.FlagSet, args []string) int {
			if len(args) > 0 {
				fmt.Fprintf(c.Stderr, "maiprobe rating: %s %q\n", c.msg.ratingNoArgs, args[0])
				return exitUsage
			}
			// --at is an RFC 3339 time, or a date: the end of that day
			// in the player's region's clock, known once the archive is.
			var when time.Time
			_, dateErr := time.Parse(time.DateOnly, at)
			if at != "" && dateErr != nil {
				t, err := time.Parse(time.RFC3339, at)
				if err != nil {
					fmt.Fprintf(c.Stderr, "maiprobe rating: --at %q: %v\n", at, err)
					return exitUsage
				}
				when = t
			}
			a, err := openArchive(ctx, c)
			if err != nil {
				fmt.Fprintf(c.Stderr, "maiprobe rating: %v\n", err)
				return exitFail
			}
			defer a.Close()
			if at != "" && dateErr == nil {
				region, err := a.PlayerRegion(ctx, c.cfg.Player)
				if err != nil {
					fmt.Fprintf(c.Stderr, "maiprobe rating: --at %q: %v\n", at, err)
					return exitFail
				}
				if when, err = archive.ParseAt(at, region); err != nil {
					fmt.Fprintf(c.Stderr, "maiprobe rating: --at %q: %v\n", at, err)
					return exitUsage
				}
			}
			if history && pngFile != "" {
				fmt.Fprintln(c.Stderr, "maiprobe rating: --png draws one B50, not --history")
				return exitUsage
			}
			if history {
				return ratingHistory(ctx, c, a, asJSON)
			}
			r, err := a.Rating(ctx, c.cfg.Player, when)
			if err != nil {
				fmt.Fprintf(c.Stderr, "maiprobe rating: %s\n", c.msg.explain(err))
				return exitFail
			}
			if pngFile != "" {
				return writeRatingPNG(ctx, c, a, r, pngFile, font, asJSON)
			}
			if asJSON {
				return writeJSON(c, r)
			}
			printRating(c, r)
			return exitOK
		},
	}
}

func printRating(c *runCtx, r *archive.PlayerRating) {
	m := c.msg
	fmt.Fprintf(c.Stdout, m.ratingHead+"\n", r.Player, r.Region, r.Version, r.Era, r.Total, r.NewTotal, r.OldTotal)
	estimated := 0
	table := func(head string, es []archive.RatingEntry, ranked bool) {
		fmt.Fprintf(c.Stdout, "\n%s (%d)\n", head, len(es))
		if len(es) == 0 {
			return
		}
		w := newTable(c.Stdout, 2)
		fmt.Fprintln(w, m.ratingColumns)
		for i, e := range es {
			next := "-"
			if e.Next != nil {
				next = fmt.Sprintf("%s%% → %d", e.Next.Achievement, e.Next.Rating)
			}
			rating := fmt.Sprint(e.Rating)
			if !ranked {
				rating = "?"
			}
			marks := strings.Trim(strings.Join([]string{string(e.FC), string(e.FS)}, " "), " ")
			if marks == "" {
				marks = "-"
			}
			// A constant learned from plays (maiprobe constants) counts
			// like the song data's, but the reader should know it is not
			// SEGA's published number.
			constant := e.Constant.String()
			if e.Estimated {
				constant += " " + m.ratingEstMark
				estimated++
			}
			fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s%%\t%s\t%s\t%s\t%s %s\t%s\n", i+1, rating, constant, e.Level, e.Achievement,
				rankName(e.Rank), marks, next, e.Type, e.Difficulty, e.Title)
		}
		w.Flush()
	}
	table(m.ratingNew, r.New, true)
	table(m.ratingOld, r.Old, true)
	if len(r.Unknown) > 0 {
		table(m.ratingUnknown, r.Unknown, false)
		fmt.Fprintf(c.Stdout, "\n"+m.ratingUnknownHint+"\n", len(r.Unknown), r.Unmatched)
	}
	if estimated > 0 {
		fmt.Fprintf(c.Stdout, "\n"+m.ratingEstLegend+"\n", m.ratingEstMark, estimated)
	}
}

func ratingHistory(ctx context.Context, c *runCtx, a *archive.Archive, asJSON bool) int {
	pts, err := a.RatingHistory(ctx, c.cfg.Player)
	if err != nil {
		fmt.Fprintf(c.Stderr, "maiprobe rating: %s\n", c.msg.explain(err))
		return exitFail
	}
	if asJSON {
		if pts == nil {
			pts = []archive.RatingPoint{}
		}
		return writeJSON(c, pts)
	}
	w := newTable(c.Stdout, 2)
	fmt.Fprintln(w, c.msg.ratingHistoryColumns)
	for _, p := range pts {
		site := "-"
		if p.Site > 0 {
			site = fmt.Sprint(p.Site)
		}
		fmt.Fprintf(w, "%s\t%s\t%d\t%s\t%d\n", p.At.Format(time.RFC3339), p.Kind, p.Computed, site, p.Unknown)
	}
	w.Flush()
	return exitOK
}

// rankName prints a rank as the site's icons do: "sssp" is SSS+.
func rankName(r maimai.Rank) string {
	s := strings.ToUpper(string(r))
	if strings.HasSuffix(s, "P") {
		s = strings.TrimSuffix(s, "P") + "+"
	}
	return s
}
