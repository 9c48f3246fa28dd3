package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"

	"golang.org/x/term"

	"github.com/maiprobe/maiprobe/internal/archive"
)

func userCmd() *cmd {
	var fromStdin, create bool
	return &cmd{
		name:  "user",
		args:  "add|grant|passwd|list [NAME]",
		usage: func(m *messages) string { return m.userUsage },
		flags: func(fs *flag.FlagSet, _ *runCtx) {
			fs.BoolVar(&fromStdin, "password-stdin", false, "")
			fs.BoolVar(&create, "create", false, "")
		},
		run: func(ctx context.Context, c *runCtx, fs *flag.FlagSet, args []string) int {
			pos := args // flags anywhere among them were parsed by Run
			c.msg = catalogue(c.cfg.Lang)
			sub := ""
			if len(pos) > 0 {
				sub = pos[0]
			}
			switch {
			case sub == "list" && len(pos) == 1:
				return userList(ctx, c)
			case (sub == "add" || sub == "passwd") && len(pos) == 2:
				return userSetPassword(ctx, c, sub, pos[1], fromStdin)
			case sub == "grant" && len(pos) == 2:
				return userGrant(ctx, c, pos[1], create)
			}
			fmt.Fprintf(c.Stderr, "maiprobe user: %s\n", c.msg.userArgs)
			return exitUsage
		},
	}
}

// userGrant lets a user own the --player player too.
func userGrant(ctx context.Context, c *runCtx, name string, create bool) int {
	a, err := openArchive(ctx, c)
	if err != nil {
		fmt.Fprintf(c.Stderr, "maiprobe user: %v\n", err)
		return exitFail
	}
	defer a.Close()
	if err := a.GrantPlayer(ctx, name, c.cfg.Player, create); err != nil {
		fmt.Fprintf(c.Stderr, "maiprobe user: %v\n", err)
		return exitFail
	}
	fmt.Fprintf(c.Stdout, c.msg.userGranted+"\n", name, c.cfg.Player)
	return exitOK
}

func userList(ctx context.Context, c *runCtx) int {
	a, err := openArchive(ctx, c)
	if err != nil {
		fmt.Fprintf(c.Stderr, "maiprobe user: %v\n", err)
		return exitFail
	}
	defer a.Close()
	users, err := a.Users(ctx)
	if err != nil {
		fmt.Fprintf(c.Stderr, "maiprobe user: %v\n", err)
		return exitFail
	}
	if len(users) == 0 {
		fmt.Fprintln(c.Stdout, c.msg.noUsers)
	}
	names := make([]string, 0, len(users))
	for n := range users {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(c.Stdout, "%s\t%s\n", n, strings.Join(users[n], ","))
	}
	return exitOK
}

// userSetPassword adds a user (owning --player) or changes a password.
func userSetPassword(ctx context.Context, c *runCtx, sub, name string, fromStdin bool) int {
	if err := archive.CheckUserName(name); err != nil {
		fmt.Fprintf(c.Stderr, "maiprobe user: %v\n", err)
		return exitUsage
	}
	password, err := readPassword(c, fromStdin)
	if err != nil {
		fmt.Fprintf(c.Stderr, "maiprobe user: %v\n", err)
		return exitFail
	}
	a, err := openArchive(ctx, c)
	if err != nil {
		fmt.Fprintf(c.Stderr, "maiprobe user: %v\n", err)
		return exitFail
	}
	defer a.Close()
	if sub == "passwd" {
		if err := a.SetPassword(ctx, name, password); err != nil {
			fmt.Fprintf(c.Stderr, "maiprobe user: %v\n", err)
			return exitFail
		}
		fmt.Fprintf(c.Stdout, c.msg.passwordChanged+"\n", name)
		return exitOK
	}
	if _, err := a.AddUser(ctx, name, password, c.cfg.Player, false); err != nil {
		fmt.Fprintf(c.Stderr, "maiprobe user: %v\n", err)
		return exitFail
	}
	fmt.Fprintf(c.Stdout, c.msg.userAdded+"\n", name, c.cfg.Player)
	return exitOK
}

// readPassword takes the first line of standard input (--password-stdin)
// or asks twice on the terminal without echo.
func readPassword(c *runCtx, fromStdin bool) (string, error) {
	if fromStdin {
		line, err := bufio.NewReader(c.Stdin).ReadString('\n')
		if err != nil && line == "" {
			return "", errors.New(c.msg.noPassword)
		}
		return strings.TrimRight(line, "\r\n"), archive.CheckPassword(strings.TrimRight(line, "\r\n"))
	}
	f, ok := c.Stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return "", errors.New(c.msg.noTerminal)
	}
	fmt.Fprint(c.Stderr, c.msg.passwordPrompt)
	p1, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(c.Stderr)
	if err != nil {
		return "", err
	}
	if err := archive.CheckPassword(string(p1)); err != nil {
		return "", err
	}
	fmt.Fprint(c.Stderr, c.msg.passwordAgain)
	p2, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(c.Stderr)
	if err != nil {
		return "", err
	}
	if string(p1) != string(p2) {
		return "", errors.New(c.msg.passwordMismatch)
	}
	return string(p1), nil
}
