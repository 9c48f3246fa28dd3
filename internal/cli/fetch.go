package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/dxsite"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

// fetchFlags are the settings of `maiprobe fetch`.
type fetchFlags struct {
	region, cookie, cookieFile, segaID, site, loginURL, only string
	passwordStdin, quiet                                     bool
	interval, timeout                                        time.Duration
	retries                                                  int
}

func fetchCmd() *cmd {
	var f fetchFlags
	return &cmd{
		name:  "fetch",
		usage: func(m *messages) string { return m.fetchUsage },
		flags: func(fs *flag.FlagSet, _ *runCtx) {
			fs.StringVar(&f.region, "region", "cn", "")
			fs.StringVar(&f.cookie, "cookie", "", "")
			fs.StringVar(&f.cookieFile, "cookie-file", "", "")
			fs.StringVar(&f.segaID, "sega-id", "", "")
			fs.BoolVar(&f.passwordStdin, "password-stdin", false, "")
			fs.StringVar(&f.site, "site", "", "")
			fs.StringVar(&f.loginURL, "login-url", "", "")
			fs.StringVar(&f.only, "only", "", "")
			fs.DurationVar(&f.interval, "interval", time.Second, "")
			fs.DurationVar(&f.timeout, "timeout", 30*time.Second, "")
			fs.IntVar(&f.retries, "retries", 4, "")
			fs.BoolVar(&f.quiet, "quiet", false, "")
		},
		run: func(ctx context.Context, c *runCtx, _ *flag.FlagSet, args []string) int {
			return runFetch(ctx, c, f, args)
		},
	}
}

func runFetch(ctx context.Context, c *runCtx, f fetchFlags, args []string) int {
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(c.Stderr, "maiprobe fetch: "+format+"\n", a...)
		return code
	}
	if len(args) > 0 {
		return fail(exitUsage, c.msg.fetchArgs, strings.Join(args, " "))
	}
	region := maimai.Region(strings.ToLower(f.region))
	if _, ok := dxsite.Sites[region]; !ok {
		return fail(exitUsage, c.msg.fetchRegion, f.region)
	}
	parts, err := dxsite.ParseParts(f.only)
	if err != nil {
		return fail(exitUsage, "--only: %v", err)
	}
	cookie := f.cookie
	if cookie == "" && f.cookieFile != "" {
		b, err := os.ReadFile(f.cookieFile)
		if err != nil {
			return fail(exitFail, "--cookie-file: %v", err)
		}
		cookie = strings.TrimSpace(string(b))
	}
	if cookie == "" {
		cookie = c.Getenv("MAIPROBE_COOKIE")
	}
	var password string
	switch {
	case f.segaID != "" && region == maimai.CN:
		return fail(exitUsage, "%s", c.msg.fetchNoSegaCN)
	case f.segaID != "" && !f.passwordStdin:
		return fail(exitUsage, "%s", c.msg.fetchNeedPassword)
	case f.segaID != "":
		line, err := bufio.NewReader(c.Stdin).ReadString('\n')
		if err != nil && line == "" {
			return fail(exitUsage, "%s", c.msg.fetchNeedPassword)
		}
		password = strings.TrimRight(line, "\r\n")
	case cookie == "":
		return fail(exitUsage, "%s", c.msg.fetchNeedAuth)
	}
	interval := f.interval
	if interval <= 0 {
		interval = -1
	}
	retries := f.retries
	if retries <= 0 {
		retries = -1
	}
	s, err := dxsite.NewSession(dxsite.Config{Region: region, Site: f.site, Cookie: cookie, Interval: interval,
		Timeout: f.timeout, Retries: retries, CheckHours: f.site == "", Now: c.Now})
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	a, err := openArchive(ctx, c)
	if err != nil {
		return fail(exitFail, "%v", err)
	}
	defer a.Close()
	if f.segaID != "" {
		if err := s.Login(ctx, f.loginURL, f.segaID, password); err != nil {
			return fail(exitFail, "%s", c.msg.fetchError(err))
		}
	}

	bar := newProgress(c.Stderr, 1, isTerminal(c.Stderr))
	rep, ferr := dxsite.Fetch(ctx, a, c.cfg.Player, s, dxsite.Options{Only: parts, Progress: func(p dxsite.Progress) {
		bar.total = max(p.Total, 1)
		bar.on = bar.on || (isTerminal(c.Stderr) && p.Total > 1)
		bar.step(p.Done, p.Name)
	}})
	bar.clear()
	// The site rotates _t with every answer: keep the newest cookie for
	// the next run, unless the session is over.
	if f.cookieFile != "" && !errors.Is(ferr, dxsite.ErrSessionExpired) {
		if err := os.WriteFile(f.cookieFile, []byte(s.Cookie()+"\n"), 0o600); err != nil {
			fmt.Fprintf(c.Stderr, "maiprobe fetch: --cookie-file: %v\n", err)
		}
	}
	for _, r := range rep.Results {
		if !f.quiet || r.Err != nil {
			printResult(c, r, false)
		}
	}
	printFetchReport(c, rep)
	if ferr != nil {
		return fail(exitFail, "%s", c.msg.fetchError(ferr))
	}
	return exitOK
}

func printFetchReport(c *runCtx, rep dxsite.Report) {
	m := c.msg
	if rep.Resumed {
		fmt.Fprintln(c.Stdout, m.fetchResumed)
	}
	fmt.Fprintf(c.Stdout, m.fetchSummary+"\n", len(rep.Results), rep.Requests, rep.Added.Plays, rep.Added.Details,
		rep.Added.Scores+rep.Added.Improvements, rep.Added.Snapshots, rep.PhotoImages, rep.Jackets, rep.Skipped)
	l := rep.Loss
	switch {
	case l.Known:
		fmt.Fprintf(c.Stdout, m.fetchLoss+"\n", rep.PlayCount, l.Waiting, archive.RecordWindow, l.SlotsLeft)
		if l.LostSince > 0 {
			fmt.Fprintf(c.Stdout, m.fetchLostSince+"\n", l.LostSince)
		}
		if l.LostBefore > 0 {
			fmt.Fprintf(c.Stdout, m.fetchLostBefore+"\n", l.LostBefore)
		}
	case rep.PlayCount == 0 && len(rep.Results) > 0:
		fmt.Fprintln(c.Stdout, m.fetchLossUnknown)
	}
	if rep.Album != nil {
		fmt.Fprintf(c.Stdout, m.fetchAlbum+"\n", rep.Album.Waiting, archive.AlbumWindow, rep.Album.SlotsLeft)
	}
}

// fetchError says why a fetch stopped, in the player's language.
func (m *messages) fetchError(err error) string {
	var se *dxsite.SiteError
	switch {
	case errors.Is(err, dxsite.ErrSessionExpired):
		return m.fetchExpired
	case errors.Is(err, dxsite.ErrMaintenance):
		return m.fetchMaintenance + " (" + err.Error() + ")"
	case errors.Is(err, dxsite.ErrChallenge):
		return m.fetchChallenge
	case errors.Is(err, dxsite.ErrRateLimited):
		return m.fetchRateLimited + " (" + err.Error() + ")"
	case errors.Is(err, dxsite.ErrLogin):
		return m.fetchLogin + " (" + err.Error() + ")"
	case errors.As(err, &se):
		return fmt.Sprintf(m.fetchSiteError, se.Code, se.Message)
	case errors.Is(err, context.Canceled):
		return m.fetchInterrupted
	}
	return m.explain(err)
}
