package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/songs"
)

// DefaultSongsCN is where `songs sync` reads CN song data by default.
const DefaultSongsCN = "https://www.diving-fish.com/api/maimaidxprober/music_data"

func songsCmd() *cmd {
	var from, region string
	var asJSON bool
	return &cmd{
		name:  "songs",
		args:  "sync|unmatched",
		usage: func(m *messages) string { return m.songsUsage },
		flags: func(fs *flag.FlagSet, _ *runCtx) {
			fs.StringVar(&from, "from", "", "")
			fs.StringVar(&region, "region", "cn", "")
			fs.BoolVar(&asJSON, "json", false, "")
		},
		run: func(ctx context.Context, c *runCtx, fs *flag.FlagSet, args []string) int {
			pos := args // flags anywhere among them were parsed by Run
			c.msg = catalogue(c.cfg.Lang)
			switch {
			case len(pos) == 1 && pos[0] == "sync":
				return songsSync(ctx, c, from, maimai.Region(region), asJSON)
			case len(pos) == 1 && pos[0] == "unmatched":
				return songsUnmatched(ctx, c, asJSON)
			}
			fmt.Fprintf(c.Stderr, "maiprobe songs: %s\n", c.msg.songsArgs)
			return exitUsage
		},
	}
}

func songsSync(ctx context.Context, c *runCtx, from string, region maimai.Region, asJSON bool) int {
	switch region {
	case maimai.CN, maimai.JP, maimai.Intl:
	default:
		fmt.Fprintf(c.Stderr, "maiprobe songs sync: "+c.msg.songsBadRegion+"\n", region)
		return exitUsage
	}
	if from == "" {
		if region != maimai.CN {
			fmt.Fprintf(c.Stderr, "maiprobe songs sync: "+c.msg.songsNeedFrom+"\n", region)
			return exitUsage
		}
		from = DefaultSongsCN
	}
	db, err := songs.Open(ctx, from, region)
	if err != nil {
		fmt.Fprintf(c.Stderr, "maiprobe songs sync: %v\n", err)
		return exitFail
	}
	a, err := openArchive(ctx, c)
	if err != nil {
		fmt.Fprintf(c.Stderr, "maiprobe songs sync: %v\n", err)
		return exitFail
	}
	defer a.Close()
	rep, err := a.SyncSongs(ctx, db)
	if err != nil {
		fmt.Fprintf(c.Stderr, "maiprobe songs sync: %v\n", err)
		return exitFail
	}
	if asJSON {
		return writeJSON(c, rep)
	}
	fmt.Fprintf(c.Stdout, c.msg.songsSynced+"\n", rep.Region, rep.Source, rep.Songs, rep.Charts, rep.AddedSongs, rep.AddedCharts, rep.Constants)
	fmt.Fprintf(c.Stdout, c.msg.songsLinks+"\n", rep.Links.Matched, rep.Links.Learned, rep.Links.Ambiguous)
	return exitOK
}

func songsUnmatched(ctx context.Context, c *runCtx, asJSON bool) int {
	a, err := openArchive(ctx, c)
	if err != nil {
		fmt.Fprintf(c.Stderr, "maiprobe songs unmatched: %v\n", err)
		return exitFail
	}
	defer a.Close()
	un, err := a.UnmatchedCharts(ctx)
	if err != nil {
		fmt.Fprintf(c.Stderr, "maiprobe songs unmatched: %v\n", err)
		return exitFail
	}
	if asJSON {
		if un == nil {
			un = []archive.Unmatched{}
		}
		return writeJSON(c, un)
	}
	if len(un) == 0 {
		fmt.Fprintln(c.Stdout, c.msg.noUnmatched)
		return exitOK
	}
	fmt.Fprintf(c.Stdout, c.msg.unmatchedHead+"\n", len(un))
	for _, u := range un {
		status := c.msg.linkLearned
		if u.Status == archive.LinkAmbiguous {
			status = c.msg.linkAmbiguous
		}
		title := u.Title
		if u.Genre != "" { // the two songs titled Link differ only by genre
			title += " (" + u.Genre + ")"
		}
		fmt.Fprintf(c.Stdout, "  %-4s %-3s %-8s %s  [%s] %s\n", u.Region, u.Type, u.Difficulty, title, status, strings.ReplaceAll(u.Reason, " ()", ""))
	}
	return exitOK
}

// writeJSON prints v as indented JSON.
func writeJSON(c *runCtx, v any) int {
	enc := json.NewEncoder(c.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		fmt.Fprintf(c.Stderr, "maiprobe: %v\n", err)
		return exitFail
	}
	return exitOK
}
