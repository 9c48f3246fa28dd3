package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/maiprobe/maiprobe/internal/analysis"
	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

// lineText is the line command's text in each language; it lives here
// rather than in messages.go since only this command uses it.
var lineText = map[bool]struct {
	usage, need, head, allowance, unreachable, columns, breakNote string
	kinds                                                         [5]string
}{
	true: { // zh
		usage: `分数线：一个谱面要达到目标，每种音符最多可以有几个 GREAT / GOOD / MISS（其余音符全部 CRITICAL PERFECT）。
  --title 曲名       谱面的曲名（与曲目数据一致）
  --type dx|std      DX 谱或标准谱
  --difficulty 难度  basic、advanced、expert、master 或 remaster
  --target 目标      达成率（100.5）、评级（sss+、sss、ss+、ss、s+、s、aaa）或 +N（让当前 rating 增加 N 所需的达成率）
  --json             以 JSON 输出，含 "allowed": {"tap": {"great": N, "good": N, "miss": N}, …, "break": {…}}
绝赞（BREAK）的 GREAT 按最低一档（×0.5）计，所以不超过这个数的任意 GREAT 组合都能达到；PERFECT 分 50 落与 25 落两档。
音符数量来自曲目数据：先用 maiprobe songs sync 载入。`,
		need:        "需要 --title、--type 与 --difficulty（以及 --target）",
		head:        "%s（%s %s，%s，定数 %s）目标 %s%%（最高 %s%%）",
		allowance:   "可以损失 %.4f%%：",
		unreachable: "目标高于这张谱面的最高达成率，达不到。",
		columns:     "音符\t数量\tGREAT\tGOOD\tMISS\t每个 GREAT / GOOD / MISS 损失",
		breakNote:   "绝赞 PERFECT：50 落最多 %d 个（每个 -%.4f%%），25 落最多 %d 个（每个 -%.4f%%）",
		kinds:       [5]string{"TAP", "HOLD", "SLIDE", "TOUCH", "BREAK"},
	},
	false: {
		usage: `The 分数线 (tolerance) of a chart: the most GREATs / GOODs / MISSes of each note kind that still reach a target (every other note a CRITICAL PERFECT).
  --title T          the chart's song title (as the song data has it)
  --type dx|std      the DX or standard chart
  --difficulty D     basic, advanced, expert, master or remaster
  --target X         an achievement (100.5), a rank (sss+, sss, ss+, ss, s+, s, aaa) or +N (the achievement that adds N to the rating now)
  --json             print JSON with "allowed": {"tap": {"great": N, "good": N, "miss": N}, …, "break": {…}}
BREAK GREATs are counted in their lowest window (×0.5), so any mix of GREATs up to that many reaches the target; BREAK PERFECTs have two windows (50 and 25 short).
Note counts come from the song data: load it with maiprobe songs sync first.`,
		need:        "give --title, --type and --difficulty (and --target)",
		head:        "%s (%s %s, %s, constant %s), target %s%% (at most %s%%)",
		allowance:   "it allows a loss of %.4f%%:",
		unreachable: "The target is above the chart's highest achievement: it cannot be reached.",
		columns:     "note\tcount\tGREAT\tGOOD\tMISS\tloss of one GREAT / GOOD / MISS",
		breakNote:   "BREAK PERFECT: at most %d in the lower window (-%.4f%% each), %d in the higher (-%.4f%% each)",
		kinds:       [5]string{"TAP", "HOLD", "SLIDE", "TOUCH", "BREAK"},
	},
}

func lineCmd() *cmd {
	var title, typ, diff, target string
	var asJSON bool
	return &cmd{
		name:  "line",
		usage: func(m *messages) string { return lineText[m == zh].usage },
		flags: func(fs *flag.FlagSet, _ *runCtx) {
			fs.StringVar(&title, "title", "", "")
			fs.StringVar(&typ, "type", "", "")
			fs.StringVar(&diff, "difficulty", "", "")
			fs.StringVar(&target, "target", "100.5", "")
			fs.BoolVar(&asJSON, "json", false, "")
		},
		run: func(ctx context.Context, c *runCtx, _ *flag.FlagSet, args []string) int {
			txt := lineText[c.msg == zh]
			ct := maimai.ChartType(strings.ToLower(typ))
			d := maimai.Difficulty(strings.ReplaceAll(strings.ToLower(diff), ":", ""))
			if len(args) > 0 || title == "" || (ct != maimai.DX && ct != maimai.Std) || !d.Valid() || d == maimai.Utage {
				fmt.Fprintf(c.Stderr, "maiprobe line: %s\n", txt.need)
				return exitUsage
			}
			if _, err := analysis.ParseTarget(target); err != nil {
				fmt.Fprintf(c.Stderr, "maiprobe line: %v\n", err)
				return exitUsage
			}
			a, err := openArchive(ctx, c)
			if err != nil {
				fmt.Fprintf(c.Stderr, "maiprobe line: %v\n", err)
				return exitFail
			}
			defer a.Close()
			l, err := a.Line(ctx, c.cfg.Player, maimai.Chart{Title: title, Type: ct, Difficulty: d}, target)
			if err != nil {
				fmt.Fprintf(c.Stderr, "maiprobe line: %v\n", err)
				if errors.Is(err, archive.ErrNoChart) {
					return exitUsage
				}
				return exitFail
			}
			if asJSON {
				return writeJSON(c, l)
			}
			printLine(c, l)
			return exitOK
		},
	}
}

// printLine prints the 分数线 as a table, a row per note kind the chart has.
func printLine(c *runCtx, l archive.ChartLine) {
	txt := lineText[c.msg == zh]
	fmt.Fprintf(c.Stdout, txt.head+"\n", l.Chart.Title, l.Chart.Type, l.Chart.Difficulty, l.Level, l.Constant, l.Target.Achievement, l.Max)
	if !l.Reachable {
		fmt.Fprintln(c.Stdout, txt.unreachable)
		return
	}
	fmt.Fprintf(c.Stdout, txt.allowance+"\n", l.Allowance)
	w := tabwriter.NewWriter(c.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, txt.columns)
	for _, k := range analysis.Kinds {
		a, ok := l.Allowed[k.String()]
		if !ok {
			continue
		}
		e := l.Each[k.String()]
		fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%d\t%.4f / %.4f / %.4f%%\n", txt.kinds[k], l.Notes[k.String()], a.Great, a.Good, a.Miss, e.Great, e.Good, e.Miss)
	}
	w.Flush()
	if b, ok := l.Allowed["break"]; ok && b.Perfect != nil {
		e := l.Each["break"]
		fmt.Fprintf(c.Stdout, txt.breakNote+"\n", *b.Perfect, *e.Perfect, *b.PerfectHigh, *e.PerfectHigh)
	}
}
