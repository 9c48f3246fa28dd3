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
	usage, need, badType, badDiff, head, ratingHead, allowance, unreachable, columns, breakNote string
	kinds                                                                                       [5]string
	// Refusals of the 分数线, by archive.LineProblem.
	badTarget, noSongData, noChart, ambiguous, noNotes, noConstant, tooHigh string
	// estimated follows a constant learned from plays (docs/constants.md).
	estimated string
}{
	true: { // zh
		usage: `分数线：一个谱面要达到目标，每种音符最多可以有几个 GREAT / GOOD / MISS（其余音符全部 CRITICAL PERFECT）。
  --title 曲名       谱面的曲名（与曲目数据一致）
  --type dx|std      DX 谱或标准谱
  --difficulty 难度  basic、advanced、expert、master 或 remaster
  --target 目标      可省略，默认 100.5：达成率（100.5）、评级（sss+、sss、ss+、ss、s+、s、aaa）或 +N（让当前 rating 增加 N 所需的最低达成率）
  --json             以 JSON 输出，含 "allowed": {"tap": {"great": N, "good": N, "miss": N}, …, "break": {…}}
绝赞（BREAK）的 GREAT 按最低一档（×0.5）计，所以不超过这个数的任意 GREAT 组合都能达到；绝赞 PERFECT 分两档：50落（少 1/4 额外分）与 100落（少一半）。
音符数量来自曲目数据：先用 maiprobe songs sync 载入。`,
		need:        "需要 --title、--type 与 --difficulty（--target 可省略，默认 100.5）",
		badType:     "未知的谱面类型 %q：--type 为 dx 或 std",
		badDiff:     "未知的难度 %q：--difficulty 为 basic、advanced、expert、master 或 remaster",
		head:        "%s（%s %s，%s，定数 %s）目标 %s%%（最高 %s%%）",
		ratingHead:  "（让 rating +%d 所需的最低达成率）",
		estimated:   "（估，由游玩推算）",
		allowance:   "可以损失 %.4f%%：",
		unreachable: "目标高于这张谱面的最高达成率，达不到。",
		columns:     "音符\t数量\tGREAT\tGOOD\tMISS\t每个 GREAT / GOOD / MISS 损失",
		breakNote:   "绝赞 PERFECT：50落最多 %d 个（每个 -%.4f%%），100落最多 %d 个（每个 -%.4f%%）",
		kinds:       [5]string{"TAP", "HOLD", "SLIDE", "TOUCH", "BREAK"},
		badTarget:   "无法识别目标 %q：请给出不超过 101 的达成率（如 100.5）、评级（sss+、sss、ss+、ss、s+、s、aaa）或 +N（N 为 1 到 100 的整数）",
		noSongData:  "存档里还没有 %s 的曲目数据：先用 %s 载入",
		noChart:     "曲目数据里找不到 %q（%s %s）：请按曲目数据的写法给出曲名（maiprobe songs unmatched 可以看到导入页面上的写法）",
		ambiguous:   "不止一首歌叫 %q 且都有 %s %s 谱面，无法区分：%s",
		noNotes:     "%q（%s %s）没有物量：存档里的 %s 曲目数据来自 %s，没有各类音符数量；请载入有物量的 %s 数据（%s）",
		noConstant:  "%q（%s %s）的定数未知，算不出哪个达成率能让 rating 增加",
		tooHigh:     "%q（%s %s）即使打到 101%%，现在也只能让 rating 增加 %d，达不到 +%d",
	},
	false: {
		usage: `The 分数线 (tolerance) of a chart: the most GREATs / GOODs / MISSes of each note kind that still reach a target (every other note a CRITICAL PERFECT).
  --title T          the chart's song title (as the song data has it)
  --type dx|std      the DX or standard chart
  --difficulty D     basic, advanced, expert, master or remaster
  --target X         optional, 100.5 when left out: an achievement (100.5), a rank (sss+, sss, ss+, ss, s+, s, aaa) or +N (the lowest achievement that adds N to the rating now)
  --json             print JSON with "allowed": {"tap": {"great": N, "good": N, "miss": N}, …, "break": {…}}
BREAK GREATs are counted in their lowest window (×0.5), so any mix of GREATs up to that many reaches the target; BREAK PERFECTs have two windows: the higher loses a quarter of the BREAK's bonus ("50落" to CN players), the lower half of it ("100落").
Note counts come from the song data: load it with maiprobe songs sync first.`,
		need:        "give --title, --type and --difficulty (--target may be left out: 100.5)",
		badType:     "unknown chart type %q: --type is dx or std",
		badDiff:     "unknown difficulty %q: --difficulty is basic, advanced, expert, master or remaster",
		head:        "%s (%s %s, %s, constant %s), target %s%% (at most %s%%)",
		ratingHead:  " (the lowest achievement that adds %d to the rating)",
		estimated:   " (est., learned from plays)",
		allowance:   "it allows a loss of %.4f%%:",
		unreachable: "The target is above the chart's highest achievement: it cannot be reached.",
		columns:     "note\tcount\tGREAT\tGOOD\tMISS\tloss of one GREAT / GOOD / MISS",
		breakNote:   "BREAK PERFECT: at most %d in the higher window (50落, -%.4f%% each), %d in the lower (100落, -%.4f%% each)",
		kinds:       [5]string{"TAP", "HOLD", "SLIDE", "TOUCH", "BREAK"},
		badTarget:   "target %q is not one maiprobe knows: give an achievement up to 101 (e.g. 100.5), a rank (sss+, sss, ss+, ss, s+, s, aaa) or +N rating (N from 1 to 100)",
		noSongData:  "the archive has no %s song data yet: load it with %s",
		noChart:     "no chart %q (%s %s) in the song data: give the title as the song data spells it (maiprobe songs unmatched shows the pages' spellings)",
		ambiguous:   "more than one song is called %q and has a %s %s chart, so it cannot tell which: %s",
		noNotes:     "%q (%s %s) has no note counts: the archive's %s song data comes from %s, which has none; load %s's data, which has them (%s)",
		noConstant:  "%q (%s %s): its constant is not known, so no achievement on it can be said to add rating",
		tooHigh:     "%q (%s %s): even 101%% adds only %d to the rating now, not %d",
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
			switch {
			case len(args) > 0 || title == "" || typ == "" || diff == "":
				fmt.Fprintf(c.Stderr, "maiprobe line: %s\n", txt.need)
				return exitUsage
			case ct != maimai.DX && ct != maimai.Std:
				fmt.Fprintf(c.Stderr, "maiprobe line: "+txt.badType+"\n", typ)
				return exitUsage
			case !d.Valid() || d == maimai.Utage:
				fmt.Fprintf(c.Stderr, "maiprobe line: "+txt.badDiff+"\n", diff)
				return exitUsage
			}
			if _, err := analysis.ParseTarget(target); err != nil {
				fmt.Fprintf(c.Stderr, "maiprobe line: "+txt.badTarget+"\n", target)
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
				fmt.Fprintf(c.Stderr, "maiprobe line: %s\n", lineErrText(c.msg == zh, err))
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
	constant := l.Constant.String()
	if l.ConstantEstimated {
		constant += txt.estimated
	}
	fmt.Fprintf(c.Stdout, txt.head, l.Chart.Title, l.Chart.Type, l.Chart.Difficulty, l.Level, constant, l.Target.Achievement, l.Max)
	if l.Target.Rating > 0 {
		fmt.Fprintf(c.Stdout, txt.ratingHead, l.Target.Rating)
	}
	fmt.Fprintln(c.Stdout)
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
		fmt.Fprintf(c.Stdout, txt.breakNote+"\n", *b.PerfectHigh, *e.PerfectHigh, *b.Perfect, *e.Perfect)
	}
}

// lineErrText says why there is no 分数线 in the command line's language.
func lineErrText(isZh bool, err error) string {
	txt := lineText[isZh]
	var le *archive.LineError
	if !errors.As(err, &le) {
		return err.Error()
	}
	ch := le.Chart
	switch le.Problem {
	case archive.LineBadTarget:
		return fmt.Sprintf(txt.badTarget, le.Asked)
	case archive.LineNoSongData:
		return fmt.Sprintf(txt.noSongData, le.Region, archive.NotesCommand(le.Region))
	case archive.LineNoChart:
		return fmt.Sprintf(txt.noChart, ch.Title, ch.Type, ch.Difficulty)
	case archive.LineAmbiguous:
		cands := le.Detail
		if isZh {
			cands = strings.ReplaceAll(cands, " or ", "；")
		}
		return fmt.Sprintf(txt.ambiguous, ch.Title, ch.Type, ch.Difficulty, cands)
	case archive.LineNoNotes:
		return fmt.Sprintf(txt.noNotes, ch.Title, ch.Type, ch.Difficulty, le.Region, le.Source, le.NotesFrom, archive.NotesCommand(le.Region))
	case archive.LineNoConstant:
		return fmt.Sprintf(txt.noConstant, ch.Title, ch.Type, ch.Difficulty)
	case archive.LineTooHigh:
		return fmt.Sprintf(txt.tooHigh, ch.Title, ch.Type, ch.Difficulty, le.Gain, le.Want)
	}
	return err.Error()
}
