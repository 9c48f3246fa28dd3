package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/probersync"
)

// syncText is what `maiprobe sync` says, in each language. It is kept here
// rather than in messages.go so the command's text lives beside its code.
type syncText struct {
	usage, args, needToken, tokenFile, dryRunHead, done, merged, skipped, more, refused, progress string
	// Lxns takes every play and keeps it, so "it had" means sent before,
	// never "it had better" as for diving-fish's one best per chart.
	dryRunHeadLxns, doneLxns  string
	pullOnly, pulled, pullDry string
}

var syncZH = syncText{
	usage: `把存档推送到水鱼（diving-fish）或落雪（Lxns）查分器：水鱼收到每张谱面的最佳成绩（update_records），
落雪收到每一次游玩及其游玩时间（填满落雪的成绩历史）。只发送对方还没有接受的部分，分批发送；
每批被接受后才记下进度，中断后再运行会从断点继续。
  SERVICE                diving-fish 或 lxns
  --token-file FILE      令牌文件（第一行；- 为标准输入）：水鱼的“成绩导入 Token”，落雪的“个人 API 密钥”；
                         也可用环境变量 MAIPROBE_DIVINGFISH_TOKEN / MAIPROBE_LXNS_TOKEN。令牌不会显示或写入日志
  --dry-run              只打印将要发送的内容（每行一个 JSON），什么也不发送、不记录
  --full                 忽略已发送记录，全部重新发送（例如在对方删除了成绩之后）；
                         水鱼上已有同样好或更好成绩的谱面仍然跳过
  --base-url URL         服务地址（测试或镜像用；默认官方地址，或 MAIPROBE_DIVINGFISH_URL / MAIPROBE_LXNS_URL）
  --batch N              每次请求最多发送的条数（水鱼默认 500，落雪 200）
  --json                 以 JSON 打印报告
  --pull                 反方向（仅水鱼）：读取水鱼上的全部成绩，作为其他工具的成绩导入存档（只提高、不降低最佳成绩）
详见 docs/sync.md。`,
	args:           "需要一个服务名：diving-fish 或 lxns",
	needToken:      "需要令牌：--token-file FILE（或环境变量 %s）",
	tokenFile:      "--token-file：%v",
	dryRunHead:     "试运行：将向 %s 发送 %d 条（%d 条对方已有或更好，%d 条跳过），未发送任何内容",
	done:           "%s：发送 %d 条（%d 次请求），%d 条对方已有（或更好），%d 条跳过",
	dryRunHeadLxns: "试运行：将向 %s 发送 %d 次游玩（%d 次之前已发送，%d 条跳过），未发送任何内容",
	doneLxns:       "%s：发送 %d 次游玩（%d 次请求），%d 次之前已发送，%d 条跳过",
	merged:         "其中 %d 条保留了 %s 上更高的字段（达成率、DX 分数、FC 或 FS），不会降低对方的记录",
	skipped:        "跳过：%s",
	more:           "……另有 %d 条跳过",
	refused:        "%s 拒绝了令牌：请在对方网站重新生成令牌后再试（已接受的部分已记录，不会重复发送）",
	progress:       "已发送",
	pullOnly:       "--pull 只用于水鱼（diving-fish）：落雪保存每一次游玩，请导入它的导出文件",
	pulled:         "从 %s 读取 %d 条成绩（%d 条宴会场未导入）：%d 张谱面新增最佳，%d 个最佳被提高，%d 条未变",
	pullDry:        "试运行：%s 有 %d 条成绩（%d 条宴会场不导入），均可读取；未导入任何内容",
}

var syncEN = syncText{
	usage: `Push the archive to the diving-fish (水鱼) or Lxns (落雪) prober: diving-fish gets each chart's best
(update_records), Lxns every play with its time (which fills the player's history there). Only what the
service has not accepted is sent, in batches; progress is recorded after each accepted batch, so running it
again after an interruption resumes.
  SERVICE                diving-fish or lxns
  --token-file FILE      the token (first line; - for standard input): diving-fish's Import-Token, Lxns's
                         personal API key; or MAIPROBE_DIVINGFISH_TOKEN / MAIPROBE_LXNS_TOKEN. Never shown or logged
  --dry-run              print what would be sent (one JSON per line); send and record nothing
  --full                 send everything again, ignoring what was accepted (e.g. after the data was deleted there);
                         diving-fish still skips the charts it holds as good or better
  --base-url URL         the service's address (tests, a mirror; default the real one, or MAIPROBE_DIVINGFISH_URL /
                         MAIPROBE_LXNS_URL)
  --batch N              the most items one request carries (diving-fish 500, Lxns 200)
  --json                 print the report as JSON
  --pull                 the other way (diving-fish only): read the player's records there and import them as
                         another tool's bests (they raise the archive's bests, never lower them)
See docs/sync.md.`,
	args:           "needs one service: diving-fish or lxns",
	needToken:      "needs a token: --token-file FILE (or %s)",
	tokenFile:      "--token-file: %v",
	dryRunHead:     "dry run: %[1]s would get %[2]d items (%[3]d it has or better, %[4]d skipped); nothing was sent",
	done:           "%s: %d sent (%d requests), %d it had (or better), %d skipped",
	dryRunHeadLxns: "dry run: %[1]s would get %[2]d plays (%[3]d sent before, %[4]d skipped); nothing was sent",
	doneLxns:       "%s: %d plays sent (%d requests), %d sent before, %d skipped",
	merged:         "%d of them keep the higher fields %s held (achievement, DX score, FC or FS), so none of its records went down",
	skipped:        "skipped: %s",
	more:           "… and %d more skipped",
	refused:        "%s refused the token: make a new one on its site and try again (what it accepted is recorded and is not sent again)",
	progress:       "sent",
	pullOnly:       "--pull is for diving-fish only: Lxns keeps every play, import its export instead",
	pulled:         "read %[2]d records from %[1]s (%[3]d utage left out): %[4]d charts got a first best, %[5]d bests were raised, %[6]d unchanged",
	pullDry:        "dry run: %s holds %d records (%d utage left out), all readable; nothing was imported",
}

func (m *messages) sync() *syncText {
	if m == zh {
		return &syncZH
	}
	return &syncEN
}

// syncFlags are the settings of `maiprobe sync`.
type syncFlags struct {
	tokenFile, baseURL         string
	dryRun, full, asJSON, pull bool
	batch                      int
}

func syncCmd() *cmd {
	var f syncFlags
	return &cmd{
		name:  "sync",
		args:  "diving-fish|lxns",
		usage: func(m *messages) string { return m.sync().usage },
		flags: func(fs *flag.FlagSet, _ *runCtx) {
			fs.StringVar(&f.tokenFile, "token-file", "", "")
			fs.StringVar(&f.baseURL, "base-url", "", "")
			fs.BoolVar(&f.dryRun, "dry-run", false, "")
			fs.BoolVar(&f.full, "full", false, "")
			fs.BoolVar(&f.asJSON, "json", false, "")
			fs.BoolVar(&f.pull, "pull", false, "")
			fs.IntVar(&f.batch, "batch", 0, "")
		},
		run: func(ctx context.Context, c *runCtx, _ *flag.FlagSet, args []string) int {
			return runSync(ctx, c, f, args)
		},
	}
}

// tokenEnv is the environment variable a service's token may come from.
func tokenEnv(s probersync.Service) string {
	if s == probersync.Lxns {
		return "MAIPROBE_LXNS_TOKEN"
	}
	return "MAIPROBE_DIVINGFISH_TOKEN"
}

func runSync(ctx context.Context, c *runCtx, f syncFlags, args []string) int {
	t := c.msg.sync()
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(c.Stderr, "maiprobe sync: "+format+"\n", a...)
		return code
	}
	if len(args) != 1 {
		return fail(exitUsage, "%s", t.args)
	}
	service, err := probersync.ParseService(args[0])
	if err != nil {
		return fail(exitUsage, "%s (%q)", t.args, args[0])
	}
	if f.pull && service != probersync.DivingFish {
		return fail(exitUsage, "%s", t.pullOnly)
	}
	if f.batch < 0 || f.batch > probersync.MaxBatchSize {
		return fail(exitUsage, "--batch %d: 1–%d", f.batch, probersync.MaxBatchSize)
	}
	token, err := readToken(c, f.tokenFile)
	if err != nil {
		return fail(exitUsage, t.tokenFile, err)
	}
	if token == "" {
		token = strings.TrimSpace(c.Getenv(tokenEnv(service)))
	}
	if token == "" {
		return fail(exitUsage, t.needToken, tokenEnv(service))
	}
	if err := probersync.CheckToken(token); err != nil {
		return fail(exitUsage, "%v", err)
	}
	base := f.baseURL
	if base == "" {
		base = c.Getenv(service.EnvBaseURL())
	}
	if base != "" {
		if err := probersync.CheckBaseURL(base); err != nil {
			return fail(exitUsage, "--base-url: %v", err)
		}
	}

	a, err := openArchive(ctx, c)
	if err != nil {
		return fail(exitFail, "%v", err)
	}
	defer a.Close()
	player := c.cfg.Player
	if f.pull {
		return runPull(ctx, c, t, a, player, token, base, f)
	}
	bar := newProgress(c.Stderr, 1, isTerminal(c.Stderr) && !f.dryRun)
	ranAt := c.Now()
	rep, serr := probersync.Sync(ctx, a, player, service, token, probersync.Options{
		BaseURL: base, DryRun: f.dryRun, Full: f.full, BatchSize: f.batch,
		Progress: func(sent, pending int) {
			bar.total = max(pending, 1)
			bar.step(sent, t.progress)
		},
	})
	bar.clear()
	if !f.dryRun && !errors.Is(serr, archive.ErrNoPlayer) && ctx.Err() == nil {
		run := archive.ProberRun{RanAt: ranAt, Summary: rep.Summary(), Complete: serr == nil, Err: serr, Refused: errors.Is(serr, probersync.ErrTokenRefused)}
		if err := a.RecordProberSyncRun(context.WithoutCancel(ctx), player, string(service), run); err != nil {
			fmt.Fprintf(c.Stderr, "maiprobe sync: %v\n", err)
		}
	}
	if f.asJSON {
		enc := json.NewEncoder(c.Stdout)
		enc.SetIndent("", "  ")
		enc.Encode(rep)
	} else {
		printSyncReport(c.Stdout, c.Stderr, t, rep)
	}
	switch {
	case errors.Is(serr, probersync.ErrTokenRefused):
		return fail(exitFail, t.refused, service)
	case serr != nil:
		return fail(exitFail, "%v", serr)
	}
	return exitOK
}

// runPull is `maiprobe sync diving-fish --pull`: diving-fish's records
// into the archive.
func runPull(ctx context.Context, c *runCtx, t *syncText, a *archive.Archive, player, token, base string, f syncFlags) int {
	rep, err := probersync.Pull(ctx, a, player, probersync.DivingFish, token, probersync.Options{BaseURL: base, DryRun: f.dryRun})
	switch {
	case f.asJSON:
		enc := json.NewEncoder(c.Stdout)
		enc.SetIndent("", "  ")
		enc.Encode(rep)
	case err != nil:
	case f.dryRun:
		fmt.Fprintf(c.Stdout, t.pullDry+"\n", rep.Service, rep.Records, rep.Utage)
	default:
		r := rep.Result
		fmt.Fprintf(c.Stdout, t.pulled+"\n", rep.Service, rep.Records, rep.Utage, r.Added.Scores, r.Added.Improvements, r.Unchanged.Scores)
	}
	if err != nil {
		// The error says what to do (a refused token: make a new one).
		fmt.Fprintf(c.Stderr, "maiprobe sync: %v\n", err)
		return exitFail
	}
	return exitOK
}

// readToken reads the first line of the token file ("-": standard input);
// "" when no file is given.
func readToken(c *runCtx, file string) (string, error) {
	if file == "" {
		return "", nil
	}
	var r io.Reader = c.Stdin
	if file != "-" {
		fh, err := os.Open(file)
		if err != nil {
			return "", err
		}
		defer fh.Close()
		r = fh
	}
	// A token is one short line: read no more than a few KB of whatever
	// file was named by mistake.
	line, err := bufio.NewReader(io.LimitReader(r, 4096)).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", err
	}
	return strings.TrimSpace(line), nil
}

// printSyncReport prints a dry run's items (one JSON a line, on out) or
// what a sync did, then the skipped charts (on errOut).
func printSyncReport(out, errOut io.Writer, t *syncText, rep probersync.Report) {
	if rep.DryRun {
		for _, w := range rep.Would {
			fmt.Fprintf(out, "%s\n", w)
		}
		head := t.dryRunHead
		if rep.Service == probersync.Lxns {
			head = t.dryRunHeadLxns
		}
		fmt.Fprintf(errOut, head+"\n", rep.Service, len(rep.Would), rep.Had(), len(rep.Skipped))
	} else {
		done := t.done
		if rep.Service == probersync.Lxns {
			done = t.doneLxns
		}
		fmt.Fprintf(out, done+"\n", rep.Service, rep.Sent, rep.Batches, rep.Had(), len(rep.Skipped))
	}
	if rep.Merged > 0 {
		fmt.Fprintf(errOut, t.merged+"\n", rep.Merged, rep.Service)
	}
	const shown = 10
	for i, s := range rep.Skipped {
		if i == shown {
			fmt.Fprintf(errOut, t.more+"\n", len(rep.Skipped)-shown)
			break
		}
		fmt.Fprintf(errOut, t.skipped+"\n", s)
	}
}

// syncURLs reads the operator's addresses of the services the server's
// scheduled syncs post to (MAIPROBE_DIVINGFISH_URL, MAIPROBE_LXNS_URL);
// players never choose them.
func syncURLs(getenv func(string) string) (map[probersync.Service]string, error) {
	out := map[probersync.Service]string{}
	for _, s := range probersync.Services {
		u := strings.TrimSpace(getenv(s.EnvBaseURL()))
		if u == "" {
			continue
		}
		if err := probersync.CheckBaseURL(u); err != nil {
			return nil, fmt.Errorf("%s: %w", s.EnvBaseURL(), err)
		}
		out[s] = u
	}
	return out, nil
}
