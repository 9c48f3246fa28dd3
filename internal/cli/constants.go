package cli

import (
	"context"
	"flag"
	"fmt"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/constants"
)

// constantsText is the constants command's text in each language; it
// lives here rather than in messages.go since only this command uses it.
var constantsText = map[bool]struct {
	usage, noArgs, facts, none, estimates, disagreements, columns, all string
	status                                                             map[constants.Status]string
}{
	true: { // zh
		usage: `从游玩详情显示的 Rating 推算乐曲数据没有的定数，并列出与乐曲数据不符的定数。
  --all    也列出没有缩小范围的谱面
  --json   以 JSON 输出：{"estimates": […], "disagreements": […], "plays": N, "used": N, …}，每项含 "status"、"candidates" 与依据的游玩 "evidence"
确定的定数会计入 maiprobe rating（标为估算）。有不符时退出码为 1。`,
		noArgs:        "不接受参数",
		facts:         "%d 次游玩有网站显示的 Rating，%d 次可用，%d 次不可用（存档缺少网站计入的成绩）；%d 个谱面的乐曲数据定数得到印证",
		none:          "没有可推算的谱面：乐曲数据没有定数的谱面还没有带 Rating 的游玩详情。",
		estimates:     "推算结果",
		disagreements: "与乐曲数据不符",
		columns:       "谱面\t等级\t可信度\t定数\t乐曲数据\t依据",
		all:           "（另有 %d 个谱面没有缩小范围；--all 列出）",
		status: map[constants.Status]string{constants.Certain: "确定", constants.Ranged: "范围", constants.Unpinned: "未缩小",
			constants.Contradiction: "矛盾"},
	},
	false: {
		usage: `Learn the constants the song data lacks from the ratings play details printed, and list song-data constants the plays refute.
  --all    list the charts not narrowed too
  --json   print JSON: {"estimates": […], "disagreements": […], "plays": N, "used": N, …}, each with "status", "candidates" and the plays ("evidence")
Certain constants count in maiprobe rating (marked estimated). Exits 1 when there are disagreements.`,
		noArgs:        "takes no arguments",
		facts:         "%d plays with a printed rating, %d usable, %d not (the archive lacks a score the site counted); %d charts' song-data constants confirmed",
		none:          "Nothing to estimate: no chart without a song-data constant has a play detail with a rating yet.",
		estimates:     "Estimates",
		disagreements: "Disagreements with the song data",
		columns:       "chart\tlevel\thow sure\tconstant\tsong data\tplays",
		all:           "(%d more charts not narrowed; --all lists them)",
		status: map[constants.Status]string{constants.Certain: "certain", constants.Ranged: "range", constants.Unpinned: "not narrowed",
			constants.Contradiction: "contradiction"},
	},
}

func constantsCmd() *cmd {
	var asJSON, all bool
	return &cmd{
		name:  "constants",
		usage: func(m *messages) string { return constantsText[m == zh].usage },
		flags: func(fs *flag.FlagSet, _ *runCtx) {
			fs.BoolVar(&asJSON, "json", false, "")
			fs.BoolVar(&all, "all", false, "")
		},
		run: func(ctx context.Context, c *runCtx, _ *flag.FlagSet, args []string) int {
			txt := constantsText[c.msg == zh]
			if len(args) > 0 {
				fmt.Fprintf(c.Stderr, "maiprobe constants: %s: %q\n", txt.noArgs, args[0])
				return exitUsage
			}
			a, err := openArchive(ctx, c)
			if err != nil {
				fmt.Fprintf(c.Stderr, "maiprobe constants: %v\n", err)
				return exitFail
			}
			defer a.Close()
			r, err := a.ConstantEstimates(ctx, c.cfg.Player)
			if err != nil {
				fmt.Fprintf(c.Stderr, "maiprobe constants: %s\n", c.msg.explain(err))
				return exitFail
			}
			code := exitOK
			if len(r.Disagreements) > 0 {
				code = exitFail
			}
			if asJSON {
				if rc := writeJSON(c, r); rc != exitOK {
					return rc
				}
				return code
			}
			fmt.Fprintf(c.Stdout, txt.facts+"\n", r.Plays, r.Used, r.Unaligned, r.Confirmed)
			print := func(head string, es []archive.ConstantEstimate) {
				fmt.Fprintf(c.Stdout, "\n%s\n", head)
				tw := newTable(c.Stdout, 2)
				fmt.Fprintln(tw, txt.columns)
				hidden := 0
				for _, e := range es {
					if e.Status == constants.Unpinned && !all {
						hidden++
						continue
					}
					est := ""
					if lo, hi := e.Range(); lo == hi {
						est = lo.String()
					} else if lo.Known() {
						est = lo.String() + "–" + hi.String()
					}
					sd := ""
					if e.SongData.Known() {
						sd = e.SongData.String()
					}
					fmt.Fprintf(tw, "%s %s %s\t%s\t%s\t%s\t%s\t%d\n", e.Title, e.Type, e.Difficulty, e.Level, txt.status[e.Status], est, sd,
						len(e.Evidence))
				}
				tw.Flush()
				if hidden > 0 {
					fmt.Fprintf(c.Stdout, txt.all+"\n", hidden)
				}
			}
			if len(r.Estimates) == 0 && len(r.Disagreements) == 0 {
				fmt.Fprintln(c.Stdout, txt.none)
				return code
			}
			if len(r.Disagreements) > 0 {
				print(txt.disagreements, r.Disagreements)
			}
			if len(r.Estimates) > 0 {
				print(txt.estimates, r.Estimates)
			}
			return code
		},
	}
}
