package cli

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/dxnet"
	"github.com/maiprobe/maiprobe/internal/interchange"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

// openArchive opens the configured archive, applying migrations.
// On a function platform it refuses an archive the platform would lose,
// and sizes the connection pool for a function instance.
func openArchive(ctx context.Context, c *runCtx) (*archive.Archive, error) {
	if err := c.platformArchive(); err != nil {
		return nil, err
	}
	if c.platform != "" {
		return archive.OpenWith(ctx, c.cfg.DB, functionPool)
	}
	return archive.Open(ctx, c.cfg.DB)
}

func importCmd() *cmd {
	var at, region string
	var quiet, renamed, allPlayers bool
	return &cmd{
		name:  "import",
		args:  "PATH...",
		usage: func(m *messages) string { return m.importUsage },
		flags: func(fs *flag.FlagSet, _ *runCtx) {
			fs.StringVar(&at, "at", "", "")
			fs.BoolVar(&quiet, "quiet", false, "")
			fs.BoolVar(&renamed, "renamed", false, "")
			fs.BoolVar(&allPlayers, "all-players", false, "")
			fs.StringVar(&region, "region", "", "")
		},
		run: func(ctx context.Context, c *runCtx, _ *flag.FlagSet, args []string) int {
			if len(args) == 0 {
				fmt.Fprintf(c.Stderr, c.msg.needFiles+"\n", "import")
				return exitUsage
			}
			if region != "" && !maimai.Region(region).Valid() {
				fmt.Fprintf(c.Stderr, "maiprobe import: --region %q: want cn, intl or jp\n", region)
				return exitUsage
			}
			var observed time.Time
			if at != "" {
				t, err := time.Parse(time.RFC3339, at)
				if err != nil {
					fmt.Fprintf(c.Stderr, "maiprobe import: --at %q: %v\n", at, err)
					return exitUsage
				}
				observed = t
			}
			files, skipped, err := expand(args)
			if err != nil {
				fmt.Fprintf(c.Stderr, "maiprobe import: %v\n", err)
				return exitFail
			}
			a, err := openArchive(ctx, c)
			if err != nil {
				fmt.Fprintf(c.Stderr, "maiprobe import: %v\n", err)
				return exitFail
			}
			defer a.Close()

			// --region: the game region of other tools' files that do not say
			// it (Tachi, mai-tools, DXRating), for a player of none yet.
			opt := archive.ImportOptions{Player: c.cfg.Player, Renamed: renamed, AllPlayers: allPlayers, Operator: true, Region: maimai.Region(region)}
			var folders map[string]dxnet.Owner
			if c.cfg.Player == AutoPlayer {
				// Each page to the player it shows, those that show who it
				// is first, so the pages that show no name find them.
				opt = archive.ImportOptions{Auto: true, Renamed: renamed, AllPlayers: true, Operator: true}
				files, folders = identifiedFirst(c, files)
			}
			bar := newProgress(c.Stderr, len(files), isTerminal(c.Stderr) && len(files) >= 5)
			var nAdded, nSame, nRejected int
			for i, name := range files {
				if ctx.Err() != nil {
					break
				}
				bar.step(i, name)
				in, err := readInput(c, name)
				var res archive.Result
				if err != nil {
					res = archive.Result{Name: in.name, Status: archive.Rejected, Err: err}
				} else {
					when := in.modTime
					if !observed.IsZero() {
						when = observed
					}
					o := opt
					o.Folders = func(r maimai.Region) dxnet.Owner { return folders[filepath.Dir(name)+"\x00"+string(r)] }
					res = a.ImportWith(ctx, archive.Source{Name: in.name, Data: in.data, ObservedAt: when}, o)
				}
				bar.clear()
				switch res.Status {
				case archive.Added:
					nAdded++
				case archive.Unchanged:
					nSame++
				default:
					nRejected++
				}
				if !quiet || res.Status == archive.Rejected {
					printResult(c, res, opt.Auto)
				}
			}
			bar.clear()
			if len(skipped) > 0 {
				names := skipped
				if len(names) > 5 {
					names = append(names[:5:5], "…")
				}
				fmt.Fprintf(c.Stderr, c.msg.skippedDir+"\n", len(skipped), strings.Join(names, ", "))
			}
			if len(files) > 1 {
				fmt.Fprintf(c.Stdout, c.msg.importSummary+"\n", len(files), nAdded, nSame, nRejected)
			}
			if nRejected > 0 || ctx.Err() != nil {
				return exitFail
			}
			return exitOK
		},
	}
}

// printResult prints one file's outcome: added and unchanged to stdout,
// rejected to stderr with the reason; with showPlayer, the player it went to.
func printResult(c *runCtx, r archive.Result, showPlayer bool) {
	to := ""
	if showPlayer && r.Player != "" {
		to = " " + fmt.Sprintf(c.msg.toPlayer, r.Player)
	}
	switch r.Status {
	case archive.Rejected:
		fmt.Fprintf(c.Stderr, "%s  %s: %s\n", c.msg.rejected, r.Name, c.msg.explain(r.Err))
	case archive.Added:
		fmt.Fprintf(c.Stdout, "%s  %s: %s%s %s\n", c.msg.added, r.Name, what(c.msg, r), to, c.msg.counts(r))
	default:
		fmt.Fprintf(c.Stdout, "%s  %s: %s%s\n", c.msg.unchanged, r.Name, what(c.msg, r), to)
	}
}

// AutoPlayer is the --player value that sends each page to the player of
// the in-game identity it shows (maiprobe import --player auto).
const AutoPlayer = archive.AutoPlayer

// identifiedFirst orders files for --player auto: exports and pages that
// show whose they are (a name or friend code) before those that show only
// a region, keeping the order within each group. A file that cannot be
// read or parsed keeps its place among the second group, where its import
// reports the problem. It also tells, for each folder, the one in-game
// player per region its pages show, so a page there that shows no name
// goes with them (alice/record.html with alice/home.html).
func identifiedFirst(c *runCtx, files []string) ([]string, map[string]dxnet.Owner) {
	var first, rest []string
	seen := map[string]map[dxnet.Owner]bool{} // folder → in-game players
	for _, name := range files {
		if name == "-" { // read once, when imported
			rest = append(rest, name)
			continue
		}
		if in, err := readInput(c, name); err == nil {
			if bytes.HasPrefix(bytes.TrimSpace(in.data), []byte("{")) {
				first = append(first, name)
				continue
			}
			if page, err := dxnet.Parse(in.data); err == nil {
				if o := dxnet.OwnerOf(page); o.Name != "" || o.FriendCode != "" {
					first = append(first, name)
					dir := filepath.Dir(name)
					if seen[dir] == nil {
						seen[dir] = map[dxnet.Owner]bool{}
					}
					seen[dir][dxnet.Owner{Region: o.Region, Name: o.Name}] = true
					continue
				}
			}
		}
		rest = append(rest, name)
	}
	// Per folder and region, the one in-game player its pages show.
	folders := map[string]dxnet.Owner{}
	for dir, owners := range seen {
		count := map[maimai.Region]int{}
		for o := range owners {
			count[o.Region]++
		}
		for o := range owners {
			if count[o.Region] == 1 {
				folders[dir+"\x00"+string(o.Region)] = o
			}
		}
	}
	return append(first, rest...), folders
}

// what names a file's kind and, for a page, its region: "record (cn)".
func what(m *messages, r archive.Result) string {
	if r.Region == "" {
		return m.kind(r.Kind)
	}
	return fmt.Sprintf("%s (%s)", m.kind(r.Kind), r.Region)
}

func exportCmd() *cmd {
	var out, format string
	return &cmd{
		name:  "export",
		usage: func(m *messages) string { return m.exportUsage },
		flags: func(fs *flag.FlagSet, _ *runCtx) {
			fs.StringVar(&out, "o", "", "")
			fs.StringVar(&format, "format", archiveFormat, "")
		},
		run: func(ctx context.Context, c *runCtx, fs *flag.FlagSet, args []string) int {
			// The whole archive by default; one player only when --player
			// is given on this command line.
			all := true
			fs.Visit(func(f *flag.Flag) {
				if f.Name == "player" {
					all = false
				}
			})
			var other interchange.ExportFormat
			if format != archiveFormat {
				var err error
				if other, err = interchange.ParseExportFormat(format); err != nil {
					fmt.Fprintf(c.Stderr, "maiprobe export: --%v, or %s (the default, lossless)\n", err, archiveFormat)
					return exitUsage
				}
			}
			a, err := openArchive(ctx, c)
			if err != nil {
				fmt.Fprintf(c.Stderr, "maiprobe export: %v\n", err)
				return exitFail
			}
			defer a.Close()
			var players []string
			if !all {
				players = []string{c.cfg.Player}
			}
			if !all || other != "" {
				// A name typed wrong, or another tool's format without
				// --player (the default player, often empty), would
				// otherwise give an error in the archive's words or an
				// empty file that looks like a success.
				if code := checkExportPlayer(ctx, c, a, other != ""); code != exitOK {
					return code
				}
			}
			if other != "" {
				// Another tool's file holds one player's scores.
				return exportOther(ctx, c, a, other, out)
			}
			err = writeAtomic(c, out, func(w io.Writer) error { return a.Export(ctx, w, players...) })
			if err != nil {
				fmt.Fprintf(c.Stderr, "maiprobe export: %v\n", err)
				return exitFail
			}
			if out != "" && out != "-" {
				n := len(players)
				if all {
					ps, _ := a.Players(ctx)
					n = len(ps)
				}
				fmt.Fprintf(c.Stderr, c.msg.exported+"\n", n, out)
			}
			return exitOK
		},
	}
}

// archiveFormat is export's default --format: maiprobe's own lossless
// archive (docs/archive-format.md).
const archiveFormat = "archive"

// exportOther writes the --player's scores in another tool's format (see
// docs/interchange.md, "Exports") to out or standard output, and reports
// on standard error what the format could not hold.
func exportOther(ctx context.Context, c *runCtx, a *archive.Archive, f interchange.ExportFormat, out string) int {
	s, err := a.ExportScores(ctx, c.cfg.Player, archive.ScoresSince{})
	if err != nil {
		fmt.Fprintf(c.Stderr, "maiprobe export: %v\n", c.msg.explain(err))
		return exitFail
	}
	var skipped []interchange.Skipped
	err = writeAtomic(c, out, func(w io.Writer) error {
		var err error
		skipped, err = interchange.Write(w, f, s)
		return err
	})
	if err != nil {
		fmt.Fprintf(c.Stderr, "maiprobe export: %v\n", err)
		return exitFail
	}
	if len(skipped) > 0 {
		fmt.Fprintf(c.Stderr, c.msg.exportSkipped+"\n", len(skipped), f)
		for i, sk := range skipped {
			if i == 20 {
				fmt.Fprintf(c.Stderr, "  "+c.msg.exportSkippedMore+"\n", len(skipped)-i)
				break
			}
			fmt.Fprintf(c.Stderr, "  %s\n", sk)
		}
	}
	if out != "" && out != "-" {
		fmt.Fprintf(c.Stderr, c.msg.exportedScores+"\n", c.cfg.Player, len(s.Plays), len(s.Bests), f, out)
	}
	return exitOK
}

// checkExportPlayer refuses to export --player when the archive has no
// such player, or, for another tool's format (scores only), when the
// player has no scores: both times naming the players there are.
func checkExportPlayer(ctx context.Context, c *runCtx, a *archive.Archive, scoresOnly bool) int {
	ps, err := a.Players(ctx)
	if err != nil {
		fmt.Fprintf(c.Stderr, "maiprobe export: %v\n", c.msg.explain(err))
		return exitFail
	}
	names := make([]string, len(ps))
	found := false
	for i, p := range ps {
		names[i] = p.Name
		found = found || p.Name == c.cfg.Player
	}
	if !found {
		fmt.Fprintf(c.Stderr, "maiprobe export: "+c.msg.exportNoPlayer+"\n", c.cfg.Player, strings.Join(names, ", "))
		return exitFail
	}
	if !scoresOnly {
		return exitOK
	}
	s, err := a.ExportScores(ctx, c.cfg.Player, archive.ScoresSince{})
	if err != nil {
		fmt.Fprintf(c.Stderr, "maiprobe export: %v\n", c.msg.explain(err))
		return exitFail
	}
	if len(s.Plays) == 0 && len(s.Bests) == 0 {
		fmt.Fprintf(c.Stderr, "maiprobe export: "+c.msg.exportEmptyPlayer+"\n", c.cfg.Player, strings.Join(names, ", "))
		return exitFail
	}
	return exitOK
}

// writeAtomic runs write on standard output, or on a temporary file next
// to out that replaces out only when write succeeded, so a failed export
// never leaves half a file where a good one was.
func writeAtomic(c *runCtx, out string, write func(io.Writer) error) error {
	if out == "" || out == "-" {
		return write(c.Stdout)
	}
	f, err := os.CreateTemp(filepath.Dir(out), ".maiprobe-export-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), out)
}

func reparseCmd() *cmd {
	return &cmd{
		name:  "reparse",
		usage: func(m *messages) string { return m.reparseUsage },
		run: func(ctx context.Context, c *runCtx, _ *flag.FlagSet, args []string) int {
			a, err := openArchive(ctx, c)
			if err != nil {
				fmt.Fprintf(c.Stderr, "maiprobe reparse: %v\n", err)
				return exitFail
			}
			defer a.Close()
			rep, err := a.Reparse(ctx, c.cfg.Player)
			if err != nil {
				if printUnreadable(c, err) {
					return exitFail
				}
				fmt.Fprintf(c.Stderr, "maiprobe reparse: %v\n", err)
				return exitFail
			}
			return printReparse(c, rep)
		},
	}
}

func splitCmd() *cmd {
	var asJSON bool
	return &cmd{
		name:  "split",
		usage: func(m *messages) string { return m.splitUsage },
		flags: func(fs *flag.FlagSet, _ *runCtx) {
			fs.BoolVar(&asJSON, "json", false, "")
		},
		run: func(ctx context.Context, c *runCtx, _ *flag.FlagSet, args []string) int {
			if len(args) > 0 {
				fmt.Fprintf(c.Stderr, "maiprobe split: unexpected argument %q\n", args[0])
				return exitUsage
			}
			a, err := openArchive(ctx, c)
			if err != nil {
				fmt.Fprintf(c.Stderr, "maiprobe split: %v\n", err)
				return exitFail
			}
			defer a.Close()
			rep, err := a.Split(ctx, c.cfg.Player)
			if err != nil {
				if printUnreadable(c, err) {
					return exitFail
				}
				fmt.Fprintf(c.Stderr, "maiprobe split: %v\n", err)
				return exitFail
			}
			if asJSON {
				return writeJSON(c, rep)
			}
			if len(rep.Parts) <= 1 {
				fmt.Fprintf(c.Stdout, c.msg.splitNothing+"\n", rep.Player)
				return exitOK
			}
			for _, p := range rep.Parts {
				line := fmt.Sprintf(c.msg.splitPart, p.Player, identityText(c.msg, p.Region, []string{p.Name}, p.FriendCode), p.Pages)
				if p.New {
					line += c.msg.splitNew
				}
				fmt.Fprintln(c.Stdout, line)
			}
			if rep.Unsure > 0 {
				fmt.Fprintf(c.Stdout, c.msg.splitUnsure+"\n", rep.Unsure, rep.Player)
			}
			return exitOK
		},
	}
}

// identityText prints an in-game identity: "cn ＳＣＨＷＩ 123456".
func identityText(m *messages, region string, names []string, code string) string {
	parts := []string{region}
	for _, n := range names {
		if n != "" {
			parts = append(parts, n)
		}
	}
	if code != "" {
		parts = append(parts, code)
	}
	return strings.Join(parts, " ")
}

func playersCmd() *cmd {
	return &cmd{
		name:  "players",
		usage: func(m *messages) string { return m.playersUsage },
		run: func(ctx context.Context, c *runCtx, _ *flag.FlagSet, args []string) int {
			a, err := openArchive(ctx, c)
			if err != nil {
				fmt.Fprintf(c.Stderr, "maiprobe players: %v\n", err)
				return exitFail
			}
			defer a.Close()
			ps, err := a.Players(ctx)
			if err != nil {
				fmt.Fprintf(c.Stderr, "maiprobe players: %v\n", err)
				return exitFail
			}
			if len(ps) == 0 {
				fmt.Fprintln(c.Stdout, c.msg.noPlayers)
			}
			for _, p := range ps {
				fmt.Fprintln(c.Stdout, p.Name)
			}
			return exitOK
		},
	}
}

func statusCmd() *cmd {
	return &cmd{
		name:  "status",
		usage: func(m *messages) string { return m.statusUsage },
		run: func(ctx context.Context, c *runCtx, _ *flag.FlagSet, args []string) int {
			a, err := openArchive(ctx, c)
			if err != nil {
				fmt.Fprintf(c.Stderr, "maiprobe: %v\n", err)
				return exitFail
			}
			defer a.Close()
			return printStatus(ctx, c, a)
		},
	}
}
