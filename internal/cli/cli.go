// Package cli is maiprobe's command line: one function per subcommand,
// sharing the global settings (archive location, player, language).
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"
)

// Env is what a command may touch of the outside world, so tests can run
// commands in-process with their own input, output and environment.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1 // something was rejected or failed
	exitUsage = 2 // the command line was wrong
)

// Config is the settings every command shares, from flags or the
// environment (flags win).
type Config struct {
	DB     string // MAIPROBE_DB, --db: a file path (SQLite), mysql://… or postgres://…
	Player string // MAIPROBE_PLAYER, --player
	Lang   string // MAIPROBE_LANG, --lang: zh or en
}

// DefaultDB is the archive used when neither --db nor MAIPROBE_DB is set.
const DefaultDB = "maiprobe.db"

// DefaultPlayer is the player a fresh archive has.
const DefaultPlayer = "default"

// cmd is one subcommand.
type cmd struct {
	name  string
	args  string
	usage func(m *messages) string
	run   func(ctx context.Context, c *runCtx, fs *flag.FlagSet, args []string) int
	flags func(fs *flag.FlagSet, c *runCtx)
}

// runCtx carries a command's settings and output.
type runCtx struct {
	Env
	cfg Config
	msg *messages
	// platform is the function platform the process runs on
	// (detectPlatform), "" off any.
	platform string
}

func commands() []*cmd {
	return []*cmd{
		parseCmd(),
		importCmd(),
		exportCmd(),
		reparseCmd(),
		splitCmd(),
		playersCmd(),
		statusCmd(),
		serveCmd(),
		userCmd(),
		fetchCmd(),
		syncCmd(),
		proxyCmd(),
		songsCmd(),
		ratingCmd(),
		lineCmd(),
		constantsCmd(),
		genCmd(),
		migrateCmd(),
	}
}

// Run runs the maiprobe command line with args (without the program name)
// and returns the process exit code.
func Run(ctx context.Context, args []string, env Env) int {
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "" }
	}
	if env.Now == nil {
		env.Now = time.Now
	}
	c := &runCtx{Env: env, platform: detectPlatform(env.Getenv)}
	c.cfg = Config{
		DB:     orDefault(env.Getenv("MAIPROBE_DB"), DefaultDB),
		Player: orDefault(env.Getenv("MAIPROBE_PLAYER"), DefaultPlayer),
		Lang:   pickLang(env.Getenv("MAIPROBE_LANG"), env.Getenv("LANG")),
	}
	c.msg = catalogue(c.cfg.Lang)

	name, rest, named := splitCommand(args)
	if !named {
		// No command: what plain maiprobe does is serve, and its flags may
		// stand alone ("maiprobe --addr :8080"); -h alone asks for the list.
		for _, a := range args {
			if a == "-h" || a == "--help" || a == "-help" {
				printUsage(env.Stdout, c.msg)
				return exitOK
			}
		}
	}
	if name == "help" {
		// The global flags may come with it: help --lang en, help import.
		var words []string
		for i := 0; i < len(rest); i++ {
			switch a := rest[i]; {
			case a == "--lang" || a == "-lang":
				if i+1 < len(rest) {
					c.cfg.Lang = rest[i+1]
					i++
				}
			case strings.HasPrefix(a, "--lang=") || strings.HasPrefix(a, "-lang="):
				_, c.cfg.Lang, _ = strings.Cut(a, "=")
			default:
				words = append(words, a)
			}
		}
		if !validLang(c.cfg.Lang) {
			fmt.Fprintf(env.Stderr, "maiprobe: --lang %q: want zh or en\n", c.cfg.Lang)
			return exitUsage
		}
		c.msg = catalogue(c.cfg.Lang)
		if len(words) == 0 {
			printUsage(env.Stdout, c.msg)
			return exitOK
		}
		name, rest = words[0], []string{"--help", "--lang", c.cfg.Lang}
	}
	for _, k := range commands() {
		if k.name != name {
			continue
		}
		fs := flag.NewFlagSet("maiprobe "+k.name, flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		addGlobalFlags(fs, c)
		if k.flags != nil {
			k.flags(fs, c)
		}
		h := fs.Bool("help", false, "")
		fs.BoolVar(h, "h", false, "")
		pos, err := parseInterleaved(fs, rest)
		if err != nil {
			c.msg = catalogue(c.cfg.Lang)
			fmt.Fprintf(env.Stderr, "maiprobe %s: %v\n\n", k.name, err)
			printCmdUsage(env.Stderr, k, fs, c.msg)
			return exitUsage
		}
		if !validLang(c.cfg.Lang) {
			fmt.Fprintf(env.Stderr, "maiprobe: --lang %q: want zh or en\n", c.cfg.Lang)
			return exitUsage
		}
		c.msg = catalogue(c.cfg.Lang)
		if *h {
			printCmdUsage(env.Stdout, k, fs, c.msg)
			return exitOK
		}
		if err := c.platformFlags(fs); err != nil {
			fmt.Fprintf(env.Stderr, "maiprobe %s: %v\n", k.name, err)
			return exitUsage
		}
		if c.cfg.Player == AutoPlayer && playerCommands[k.name] {
			fmt.Fprintf(env.Stderr, c.msg.autoOnlyImport+"\n", k.name)
			return exitUsage
		}
		return k.run(ctx, c, fs, pos)
	}
	fmt.Fprintf(env.Stderr, c.msg.unknownCommand+"\n\n", name)
	printUsage(env.Stderr, c.msg)
	return exitUsage
}

// playerCommands work on the one player --player names; "auto" (which
// sorts pages by player) means something only to import.
var playerCommands = map[string]bool{"fetch": true, "proxy": true, "gen": true, "user": true, "reparse": true,
	"split": true, "rating": true, "line": true, "export": true, "sync": true}

// valueFlags are the names of every flag of any command that takes a
// value, so the word after one is not mistaken for a command name.
func valueFlags() map[string]bool {
	out := map[string]bool{}
	scratch := &runCtx{Env: Env{Getenv: func(string) string { return "" }}}
	for _, k := range commands() {
		fs := flag.NewFlagSet(k.name, flag.ContinueOnError)
		addGlobalFlags(fs, scratch)
		if k.flags != nil {
			k.flags(fs, scratch)
		}
		fs.VisitAll(func(f *flag.Flag) {
			if b, ok := f.Value.(interface{ IsBoolFlag() bool }); !ok || !b.IsBoolFlag() {
				out[f.Name] = true
			}
		})
	}
	return out
}

// splitCommand finds the command among args, wherever the global flags put
// it, and returns the other arguments in their order: "maiprobe --db x
// import f" and "maiprobe import --db x f" both give import with
// [--db x f], so a flag means the same before and after the command.
// Without a command word it returns "serve" and named false.
func splitCommand(args []string) (name string, rest []string, named bool) {
	takesValue := valueFlags()
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		if strings.HasPrefix(a, "-") {
			f := strings.TrimLeft(a, "-")
			if !strings.Contains(f, "=") && takesValue[f] {
				i++ // skip the flag's value
			}
			continue
		}
		rest = append(append(rest, args[:i]...), args[i+1:]...)
		return a, rest, true
	}
	return "serve", args, false
}

// parseInterleaved parses flags wherever they stand among a command's
// arguments ("import a.html --at …", "user add NAME --player P"): the flag
// package alone stops at the first word that is not a flag. It returns the
// other words in order; everything after "--" is taken as words.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var words []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return words, nil
		}
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(words, rest...), nil
		}
		words = append(words, rest[0])
		args = rest[1:]
	}
}

// validLang accepts the two languages the catalogues have.
func validLang(l string) bool {
	l = strings.ToLower(l)
	return strings.HasPrefix(l, "zh") || strings.HasPrefix(l, "en")
}

func addGlobalFlags(fs *flag.FlagSet, c *runCtx) {
	fs.StringVar(&c.cfg.DB, "db", c.cfg.DB, "")
	fs.StringVar(&c.cfg.Player, "player", c.cfg.Player, "")
	fs.StringVar(&c.cfg.Lang, "lang", c.cfg.Lang, "")
}

func printUsage(w io.Writer, m *messages) {
	fmt.Fprintln(w, m.usageHead)
	for _, k := range commands() {
		fmt.Fprintf(w, "  %-28s %s\n", strings.TrimSpace(k.name+" "+k.args), summary(k.usage(m), m))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, m.globalFlags)
}

func printCmdUsage(w io.Writer, k *cmd, fs *flag.FlagSet, m *messages) {
	fmt.Fprintf(w, "%s: maiprobe %s\n\n%s\n", m.usageWord, strings.TrimSpace(k.name+" "+k.args), k.usage(m))
	fmt.Fprintln(w)
	fmt.Fprintln(w, m.globalFlags)
}

// summary is the first sentence of a command's usage text, which may run
// over several lines before its flags, for the command list.
func summary(s string, m *messages) string {
	sep := " "
	if m == zh {
		sep = ""
	}
	var parts []string
	for _, line := range strings.Split(s, "\n") {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t") {
			break
		}
		parts = append(parts, strings.TrimSpace(line))
	}
	text := strings.Join(parts, sep)
	// The first sentence is enough for the command list.
	if i := strings.Index(text, "。"); i >= 0 && i+len("。") < len(text) {
		return text[:i+len("。")]
	}
	if i := strings.Index(text, ". "); i >= 0 {
		return text[:i+1]
	}
	return text
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// pickLang chooses the language: an explicit MAIPROBE_LANG, else English
// when the system locale is English, else Chinese.
func pickLang(explicit, locale string) string {
	if explicit != "" {
		return explicit
	}
	if strings.HasPrefix(strings.ToLower(locale), "en") {
		return "en"
	}
	return "zh"
}

// isTerminal reports whether w is a terminal, for the progress bar.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// errUsage marks a command-line mistake (exit code 2).
var errUsage = errors.New("usage")
