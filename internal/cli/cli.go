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
}

func commands() []*cmd {
	return []*cmd{
		parseCmd(),
		importCmd(),
		exportCmd(),
		reparseCmd(),
		playersCmd(),
		statusCmd(),
		serveCmd(),
		userCmd(),
		fetchCmd(),
		proxyCmd(),
		songsCmd(),
		ratingCmd(),
		genCmd(),
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
	c := &runCtx{Env: env}
	c.cfg = Config{
		DB:     orDefault(env.Getenv("MAIPROBE_DB"), DefaultDB),
		Player: orDefault(env.Getenv("MAIPROBE_PLAYER"), DefaultPlayer),
		Lang:   pickLang(env.Getenv("MAIPROBE_LANG"), env.Getenv("LANG")),
	}
	c.msg = catalogue(c.cfg.Lang)

	global := flag.NewFlagSet("maiprobe", flag.ContinueOnError)
	global.SetOutput(io.Discard)
	addGlobalFlags(global, c)
	help := global.Bool("help", false, "")
	global.BoolVar(help, "h", false, "")
	if err := global.Parse(args); err != nil {
		c.msg = catalogue(c.cfg.Lang)
		fmt.Fprintf(env.Stderr, "maiprobe: %v\n\n", err)
		printUsage(env.Stderr, c.msg)
		return exitUsage
	}
	c.msg = catalogue(c.cfg.Lang)
	rest := global.Args()
	if *help || (len(rest) > 0 && rest[0] == "help" && len(rest) == 1) {
		printUsage(env.Stdout, c.msg)
		return exitOK
	}
	name := "serve"
	if len(rest) > 0 {
		name, rest = rest[0], rest[1:]
	}
	if name == "help" && len(rest) > 0 {
		name, rest = rest[0], []string{"--help"}
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
		if err := fs.Parse(rest); err != nil {
			c.msg = catalogue(c.cfg.Lang)
			fmt.Fprintf(env.Stderr, "maiprobe %s: %v\n\n", k.name, err)
			printCmdUsage(env.Stderr, k, fs, c.msg)
			return exitUsage
		}
		c.msg = catalogue(c.cfg.Lang)
		if *h {
			printCmdUsage(env.Stdout, k, fs, c.msg)
			return exitOK
		}
		return k.run(ctx, c, fs, fs.Args())
	}
	fmt.Fprintf(env.Stderr, c.msg.unknownCommand+"\n\n", name)
	printUsage(env.Stderr, c.msg)
	return exitUsage
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
