package cli

import (
	"errors"
	"strings"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/dxnet"
)

// messages is every text the command line shows, in one language.
// Chinese is the default; English is chosen by --lang en, MAIPROBE_LANG=en
// or an English system locale.
type messages struct {
	usageHead, usageWord, globalFlags, unknownCommand string

	parseUsage, importUsage, exportUsage, reparseUsage, playersUsage, statusUsage string

	needFiles, readFailed, tooBig string

	added, unchanged, rejected, skippedDir, importSummary string

	exported, reparsed, reparseFailedPage string

	noPlayers, statusHead, statusPlayer, statusEmpty string

	kinds map[dxnet.Kind]string

	errNotDXNet, errUnknownPage, errTruncated, errLayout, errSitePage, errMisparsed, errExport string
}

var zh = &messages{
	usageHead: `maiprobe —— 舞萌DX 查分器：把 maimai DX NET 的每一页永久存档。

用法：maiprobe [全局选项] <命令> [选项] [参数]

命令：`,
	usageWord: "用法",
	globalFlags: `全局选项（也可放在命令之后）：
  --db 位置        存档位置：文件路径（SQLite，默认 maiprobe.db）、mysql://… 或 postgres://…（环境变量 MAIPROBE_DB）
  --player 名字    玩家（默认 default；环境变量 MAIPROBE_PLAYER）
  --lang zh|en     界面语言（环境变量 MAIPROBE_LANG）`,
	unknownCommand: "maiprobe：未知命令 %q",

	parseUsage: `解析页面并以 JSON 输出，每个文件一行（一个 JSON 对象）。不写入存档。
  --pretty   缩进输出
无法识别的文件报错并以非零状态退出；网站的错误页也算识别成功。`,
	importUsage: `导入保存的页面：文件、目录（递归，取 .html/.htm/.json/.txt 文件）或 -（标准输入）。
每个文件是一个事务：要么整页写入，要么什么都不写。同一页导入两次不会重复。
也接受 maiprobe export 导出的 JSON 文件。
  --at 时间   页面保存的时间（RFC 3339），默认取文件的修改时间，标准输入取当前时间
  --quiet     只报告被拒绝的文件`,
	exportUsage: `把整个存档导出为 JSON（格式见 docs/archive-format.md）；导入到空存档可完整还原。
  -o 文件    写入文件而不是标准输出
  --all      导出所有玩家（默认只导出 --player 指定的玩家）`,
	reparseUsage: `用当前的解析器从存档里保存的原始页面重新生成该玩家的数据（修复解析器之后使用）。原始页面不会丢失。`,
	playersUsage: `列出存档中的玩家。`,
	statusUsage:  `显示存档概况（不带命令运行时的默认操作）。`,

	needFiles:  "maiprobe %s：请给出至少一个文件",
	readFailed: "读取失败",
	tooBig:     "文件超过 50 MB，不是 maimai DX NET 页面",

	added:         "新增",
	unchanged:     "无变化",
	rejected:      "拒绝",
	skippedDir:    "跳过 %d 个非页面文件（图片、脚本等）",
	importSummary: "共 %d 个文件：新增 %d，无变化 %d，拒绝 %d",

	exported:          "已导出 %d 位玩家到 %s",
	reparsed:          "重新解析 %d 页：%s",
	reparseFailedPage: "页面 %s 现在无法解析：%v",

	noPlayers:    "存档中还没有玩家。用 maiprobe import 导入保存的页面。",
	statusHead:   "存档 %s：%d 个保存的页面",
	statusPlayer: "  玩家 %s：%d 次游玩",
	statusEmpty:  "存档 %s 还是空的。\n用 `maiprobe import 文件或目录` 导入保存的 maimai DX NET 页面，`maiprobe help` 查看所有命令。",

	kinds: map[dxnet.Kind]string{
		dxnet.KindHome: "主页", dxnet.KindPlayerData: "玩家数据", dxnet.KindPhoto: "相册",
		dxnet.KindRecord: "游玩记录", dxnet.KindPlaylogDetail: "游玩详情", dxnet.KindScores: "成绩列表",
		dxnet.KindMusicDetail: "乐曲详情", dxnet.KindFriendCode: "好友代码", dxnet.KindError: "错误页",
		dxnet.KindLogin: "登录页", dxnet.KindMaintenance: "维护页",
	},

	errNotDXNet:    "不是 maimai DX NET 页面",
	errUnknownPage: "无法识别的 maimai DX NET 页面",
	errTruncated:   "页面不完整（被截断）",
	errLayout:      "页面布局无法识别，未读取任何数据",
	errSitePage:    "这是网站的错误/登录/维护页，不是玩家数据，未导入",
	errMisparsed:   "解析结果不合理（可能是解析器读错了），未导入",
	errExport:      "无法还原的 maiprobe 导出文件",
}

var en = &messages{
	usageHead: `maiprobe — a score archive for maimai DX: keeps every maimai DX NET page forever.

Usage: maiprobe [global flags] <command> [flags] [args]

Commands:`,
	usageWord: "Usage",
	globalFlags: `Global flags (may also follow the command):
  --db LOCATION    the archive: a file path (SQLite, default maiprobe.db), mysql://… or postgres://… (env MAIPROBE_DB)
  --player NAME    the player (default "default"; env MAIPROBE_PLAYER)
  --lang zh|en     language (env MAIPROBE_LANG)`,
	unknownCommand: "maiprobe: unknown command %q",

	parseUsage: `Parse pages and print each as JSON, one object per line. Writes nothing to the archive.
  --pretty   indent the output
A file that is not a recognised page is an error (non-zero exit); the site's error pages are recognised.`,
	importUsage: `Import saved pages: files, directories (recursively, their .html/.htm/.json/.txt files) or - for stdin.
Each file is one transaction: all of the page or nothing. Importing a page twice stores nothing twice.
Also takes a JSON file written by maiprobe export.
  --at TIME   when the pages were saved (RFC 3339); default: the file's modification time, now for stdin
  --quiet     report rejected files only`,
	exportUsage: `Write the whole archive as JSON (docs/archive-format.md); importing it into an empty archive restores it.
  -o FILE    write to FILE instead of standard output
  --all      export every player (default: the --player one)`,
	reparseUsage: `Re-derive the player's archive from the stored raw pages with the current parsers (after a parser fix). Raw pages are kept.`,
	playersUsage: `List the archive's players.`,
	statusUsage:  `Show a summary of the archive (what maiprobe does without a command).`,

	needFiles:  "maiprobe %s: give at least one file",
	readFailed: "cannot read",
	tooBig:     "file is over 50 MB: not a maimai DX NET page",

	added:         "added",
	unchanged:     "unchanged",
	rejected:      "rejected",
	skippedDir:    "skipped %d files that are not pages (images, scripts, …)",
	importSummary: "%d files: %d added, %d unchanged, %d rejected",

	exported:          "exported %d players to %s",
	reparsed:          "reparsed %d pages: %s",
	reparseFailedPage: "page %s no longer parses: %v",

	noPlayers:    "The archive has no players yet. Import saved pages with maiprobe import.",
	statusHead:   "archive %s: %d saved pages",
	statusPlayer: "  player %s: %d plays",
	statusEmpty:  "The archive %s is empty.\nImport saved maimai DX NET pages with `maiprobe import FILE-OR-DIR`; `maiprobe help` lists every command.",

	kinds: map[dxnet.Kind]string{
		dxnet.KindHome: "home", dxnet.KindPlayerData: "player data", dxnet.KindPhoto: "album",
		dxnet.KindRecord: "record", dxnet.KindPlaylogDetail: "play detail", dxnet.KindScores: "score list",
		dxnet.KindMusicDetail: "music detail", dxnet.KindFriendCode: "friend code", dxnet.KindError: "error page",
		dxnet.KindLogin: "login page", dxnet.KindMaintenance: "maintenance page",
	},

	errNotDXNet:    "not a maimai DX NET page",
	errUnknownPage: "unknown maimai DX NET page",
	errTruncated:   "the page is cut off (truncated)",
	errLayout:      "unfamiliar page layout; nothing was read",
	errSitePage:    "the site's error, login or maintenance page, not player data; not imported",
	errMisparsed:   "the page's facts break the game's rules (misparsed); not imported",
	errExport:      "a maiprobe export file that cannot be restored",
}

func catalogue(lang string) *messages {
	if strings.HasPrefix(strings.ToLower(lang), "en") {
		return en
	}
	return zh
}

// kind names a page kind in the user's language.
func (m *messages) kind(k dxnet.Kind) string {
	if s, ok := m.kinds[k]; ok {
		return s
	}
	return string(k)
}

// explain puts a parse error in the user's language: the category
// translated, the parser's own detail kept after it.
func (m *messages) explain(err error) string {
	var head string
	switch {
	case errors.Is(err, dxnet.ErrNotDXNet):
		head = m.errNotDXNet
	case errors.Is(err, dxnet.ErrUnknownPage):
		head = m.errUnknownPage
	case errors.Is(err, dxnet.ErrTruncated):
		head = m.errTruncated
	case errors.Is(err, dxnet.ErrLayout):
		head = m.errLayout
	case errors.Is(err, archive.ErrSitePage):
		head = m.errSitePage
	case errors.Is(err, archive.ErrMisparsed):
		head = m.errMisparsed
	case errors.Is(err, archive.ErrExport):
		head = m.errExport
	default:
		return strings.Join(strings.Fields(err.Error()), " ")
	}
	detail := strings.Join(strings.Fields(err.Error()), " ") // the site's messages hold line breaks
	if m == en {
		return detail
	}
	return head + "（" + detail + "）"
}
