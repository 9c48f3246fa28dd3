package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/dxnet"
	"github.com/maiprobe/maiprobe/internal/interchange"
)

// messages is every text the command line shows, in one language.
// Chinese is the default; English is chosen by --lang en, MAIPROBE_LANG=en
// or an English system locale.
type messages struct {
	usageHead, usageWord, globalFlags, unknownCommand string

	parseUsage, importUsage, exportUsage, reparseUsage, playersUsage, statusUsage string

	needFiles, readFailed, tooBig string

	added, unchanged, rejected, skippedDir, importSummary string

	exported, reparsed, reparseFailedPage, reparseUnchanged, colon string

	exportedScores, exportSkipped, exportSkippedMore string
	exportNoPlayer, exportEmptyPlayer                string

	noPlayers, statusHead, statusPlayer, statusEmpty string

	toPlayer, statusIdentity, statusMixed, statusMixedRegions, errIdentity, splitUsage, splitNothing, splitPart, splitNew, splitUnsure string

	fetchUsage, fetchArgs, fetchRegion, fetchNoSegaCN, fetchNeedPassword, fetchNeedAuth                  string
	fetchResumed, fetchSummary, fetchLoss, fetchLostSince, fetchLostBefore, fetchLossUnknown, fetchAlbum string
	fetchExpired, fetchMaintenance, fetchChallenge, fetchRateLimited, fetchLogin, fetchSiteError         string
	fetchInterrupted                                                                                     string

	serveUsage, serving, debugServing string

	migrateUsage, migrated, platformSQLite, platformFlags, notInBuild string

	genUsage, genArgs, genEndBad, genEndFuture, genProgress, generated, genStored, genCharts, genMadeUp string

	userUsage, userArgs, noUsers, userAdded, passwordChanged                string
	userGranted, autoOnlyImport                                             string
	noPassword, noTerminal, passwordPrompt, passwordAgain, passwordMismatch string

	proxyUsage, proxyRemoteToken, proxyListening, proxyWeChat, proxyTLS, proxyCACreated, proxySaved, proxyFailed string
	proxyListeningLocal, proxyLoopback, proxyLAN                                                                 string

	songsUsage, songsArgs, songsBadRegion, songsNeedFrom, songsSynced, songsLinks string
	noUnmatched, unmatchedHead, linkLearned, linkAmbiguous                        string

	ratingUsage, ratingNoArgs, ratingHead, ratingColumns, ratingNew, ratingOld     string
	ratingUnknown, ratingUnknownHint, ratingHistoryColumns                         string
	ratingEstMark, ratingEstLegend                                                 string
	ratingPNGWrote, ratingPNGNoFont, ratingPNGSum, ratingPNGEmpty, ratingPNGFooter string

	kinds map[dxnet.Kind]string

	errNotDXNet, errUnknownPage, errTruncated, errLayout, errSitePage, errMisparsed, errExport string

	errForeignFile, errExportOnly, errNeedRegion, errForeignAuto string
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
	importUsage: `导入保存的页面：文件、目录（递归，取 .html/.htm/.json/.txt 文件、没有扩展名的文件，以及按内容认出的水鱼、落雪等工具的 .csv/.tsv 文件）或 -（标准输入）。
每个文件是一个事务：要么整页写入，要么什么都不写。同一页导入两次不会重复。
也接受 maiprobe export 导出的 JSON 文件。
  --at 时间   页面保存的时间（RFC 3339），默认取文件的修改时间，标准输入取当前时间
  --quiet     只报告被拒绝的文件
每位玩家只收自己的页面：存档玩家与最先导入的页面所示的游戏内玩家（地区、名字、好友代码）绑定，
其他游戏内玩家的页面会被拒绝并说明原因。
  --player auto   按页面所示的游戏内玩家分别存入对应的玩家（没有就新建），一次导入多位玩家的文件夹；
                  不显示名字的页面（游玩记录等）存入同地区唯一的那位玩家，有多位时拒绝并请你指定 --player
  --renamed       接受游戏内名字不同的页面（玩家在游戏里改了名字）
  --all-players   导出文件中有多位玩家时，全部按各自的名字还原（默认拒绝：一次导入只写一位玩家）
  --region 地区   cn、intl 或 jp：Tachi、mai-tools、DXRating 的文件不注明游戏地区，玩家还没有地区时用它指定
                  （水鱼、落雪的文件是国服成绩；其他工具的文件会把玩家绑定到它的地区，但不绑定名字）`,
	exportUsage: `把整个存档导出为 JSON（格式见 docs/archive-format.md，导入到空存档可完整还原）；或用 --format 导出给水鱼、落雪、Tachi、CSV。
曲目数据（用 songs sync 重新载入）与网页版登录用户不在导出文件中。
  -o 文件    写入文件而不是标准输出
  --player 名字  只导出这位玩家（默认导出所有玩家；没有这位玩家时报错）
  --format 格式  archive（默认，无损）；或导出 --player 玩家的成绩给其他工具：divingfish（水鱼 update_records，
                每谱面一条最佳）、lxns（落雪上传格式，每次游玩一条，带 play_time）、tachi（Tachi BATCH-MANUAL，
                每次游玩一条）、csv（每次游玩一行）、csv-bests（每谱面最佳一行）；格式放不下的成绩列在标准错误，
                没有 --player 时导出默认玩家，没有成绩时报错；见 docs/interchange.md`,
	reparseUsage: `用当前的解析器从存档里保存的原始页面重新生成该玩家的数据（修复解析器之后使用）。原始页面不会丢失；只要有一个页面无法重新解析，就列出这些页面和原因，什么都不改。`,
	playersUsage: `列出存档中的玩家。`,
	statusUsage:  `显示存档概况。`,

	needFiles:  "maiprobe %s：请给出至少一个文件",
	readFailed: "读取失败",
	tooBig:     "文件超过 50 MB，不是 maimai DX NET 页面",

	added:         "新增",
	unchanged:     "无变化",
	rejected:      "拒绝",
	skippedDir:    "跳过 %d 个非页面文件（图片、脚本等）：%s",
	importSummary: "共 %d 个文件：新增 %d，无变化 %d，拒绝 %d",

	exported:          "已导出 %d 位玩家到 %s",
	exportedScores:    "已导出玩家 %s 的 %d 次游玩、%d 条最佳成绩（%s 格式）到 %s",
	exportSkipped:     "%d 条成绩 %s 格式放不下，未写入：",
	exportSkippedMore: "……还有 %d 条",
	exportNoPlayer:    "存档里没有玩家 %q（已有：%s）；用 --player 选择要导出的玩家",
	exportEmptyPlayer: "玩家 %q 没有可导出的成绩（存档里的玩家：%s）；用 --player 选择要导出的玩家",
	reparsed:          "重新解析 %d 页",
	colon:             "：",
	reparseFailedPage: "页面 %s 现在无法解析：%v",
	reparseUnchanged:  "%d 个保存的页面无法重新解析，所以什么都没有改（不带这些页面重新生成会丢掉它们的游玩记录）：请更新 maiprobe，或把这些页面和上面的原因报告给我们",

	noPlayers:    "存档中还没有玩家。用 maiprobe import 导入保存的页面。",
	statusHead:   "存档 %s：%d 个保存的页面",
	statusPlayer: "  玩家 %s：%d 次游玩",
	statusEmpty:  "存档 %s 还是空的。\n用 `maiprobe import 文件或目录` 导入保存的 maimai DX NET 页面，`maiprobe help` 查看所有命令。",

	toPlayer:           "→ 玩家 %s",
	statusIdentity:     "    游戏内：%s",
	statusMixed:        "    注意：这位玩家的页面显示了多个游戏内名字（%s）。如果是不同的玩家，用 maiprobe split --player %s 拆分；如果只是改了游戏内名字，导入时加 --renamed。",
	statusMixedRegions: "    注意：这位玩家混有多个地区、也就是多位游戏内玩家的页面（%s）。用 maiprobe split --player %s 拆分。",
	errIdentity:        "不是这位玩家的页面",
	splitUsage: `把混有多位游戏内玩家页面的玩家拆开（在存档检查玩家身份之前导入的页面）：页面最多的那位留下，
其余每位移到以其游戏内名字命名的新玩家（归同样的网页版登录用户所有），然后像 reparse 一样从原始页面重新生成数据。
不显示玩家名字的页面跟随同地区唯一的那位玩家；同地区有多位时，若留下的那位属于该地区就留在原玩家（单独报告），
否则移到以地区命名的新玩家。一个事务：失败时什么都不改。
  --json   以 JSON 输出结果`,
	splitNothing: "玩家 %s 的页面都属于同一位游戏内玩家，无需拆分。",
	splitPart:    "  玩家 %s：%s，%d 页",
	splitNew:     "（新）",
	splitUnsure:  "  %d 页不显示玩家名字，同地区有多位玩家，留在 %s",

	genUsage: `生成一个虚构但逼真的存档（用于试用网页和性能测试）：约三年内的游玩，每次出勤 5–40 次，
含成绩提高、部分游玩详情、主页与玩家数据快照和相册照片。经普通导入流程写入。存档里有国服歌曲数据时
（maiprobe songs sync）玩的是其中的真实谱面（曲名、等级、定数、物量），所以有 B50、推分目标和牌子进度；
没有时用虚构的歌曲。不读取当前时间：相同参数和歌曲数据得到相同的页面和时间，所以中断后用相同参数再运行
一次，只会补上缺少的部分。
  --plays N   游玩次数（默认 10000）
  --seed N    随机种子（默认 1）
  --end 时间  最后一次出勤大约结束的时间（日期或 RFC 3339，默认 2026-11-01）
  --player NAME  写入哪个玩家（默认 "default"）
  --details N    每 N 次游玩中随机一次保存游玩详情（含游玩后的 Rating，默认 12；1 为每次都保存）
  --hide-constants 比例  写完后让歌曲数据忘掉这一比例（0–1）谱面的定数，像新曲那样；页面上的 Rating 仍按真实定数，
                 可用 maiprobe constants 推算回来。之后再运行需先 songs sync 找回定数`,
	genArgs:      "maiprobe gen: --plays 与 --details 必须为正数，--hide-constants 在 0 到 1 之间，且不接受其他参数",
	genEndBad:    "maiprobe gen: --end %q：请给出日期（2026-11-01）或 RFC 3339 时间",
	genEndFuture: "maiprobe gen: --end %s 在将来：游玩不能晚于现在",
	genStored:    "其中 %d / %d 个页面已在存档中（之前用相同参数运行过），未重复写入",
	genProgress:  "已生成 %d / %d 次游玩…",
	genCharts:    "谱面来自存档中的国服歌曲数据（%d 张可用）",
	genMadeUp:    "存档中没有国服歌曲数据，歌曲是虚构的（先运行 maiprobe songs sync 可得到真实谱面和 B50）",
	generated:    "已为玩家 %s 生成 %d 次游玩、%d 个详情、%d 份资料快照、%d 张照片（%d 个页面，用时 %s）",
	fetchUsage: `从 maimai DX NET 网站直接获取并存档：主页、玩家数据、相册（含照片图片）、最近 50 次游玩、
存档里还没有的游玩详情、各难度（含 Re:MASTER 和宴会场）的最佳成绩，以及页面上出现的曲绘（每次最多 60 张）。
每页都经普通导入流程写入，不会重复。
中断后再次运行会从中断处继续。
  --region cn|intl|jp   网站（默认 cn）
  --cookie 'userId=…; _t=…'  网站的 Cookie（国服需连同 __tst_status、EO_Bot_Ssid 一起复制；环境变量 MAIPROBE_COOKIE）
  --cookie-file 文件    从文件读取 Cookie，运行后写回网站更新过的 Cookie（_t 每次请求都会变）
  --sega-id ID          国际服、日服用 SEGA ID 登录，密码从标准输入读取（需 --password-stdin）
  --only 部分           只获取这些部分：home,playerData,album,record,details,scores（逗号分隔）
  --site 网址           网站地址（镜像或测试用，默认官方网站）
  --login-url 网址      SEGA ID 登录页地址
  --interval 时长       两次请求的最短间隔（默认 1s）
  --timeout 时长        单次请求的超时（默认 30s）
  --retries N           遇到 567、5xx、超时或断线时的重试次数（默认 4，间隔成倍增加）
  --quiet               只报告被拒绝的页面`,
	fetchArgs:         "不接受参数：%s",
	fetchRegion:       "未知网站 %q（cn、intl 或 jp）",
	fetchNoSegaCN:     "国服只能用微信登录：请用 --cookie 给出 Cookie",
	fetchNeedPassword: "--sega-id 需要 --password-stdin，并从标准输入给出密码",
	fetchNeedAuth:     "请给出 --cookie、--cookie-file、MAIPROBE_COOKIE 或 --sega-id",
	fetchResumed:      "继续上次中断的获取。",
	fetchSummary:      "获取 %d 页（%d 次请求）：新增游玩 %d、详情 %d、成绩 %d、资料快照 %d、照片图片 %d、曲绘 %d；已存档而跳过 %d",
	fetchLoss:         "丢失计：网站总游玩 %d 次；%d 次游玩在网站的 %d 条记录里等待存档，再玩 %d 次最早那次未存档的游玩就会被挤掉",
	fetchLostSince:    "上次存档之后已有 %d 次游玩被挤出记录，无法找回",
	fetchLostBefore:   "存档开始之前的 %d 次游玩已无法找回",
	fetchLossUnknown:  "丢失计：页面上没有总游玩次数（获取 home 或 playerData 才能计算）",
	fetchAlbum:        "相册：%d 张照片等待存档（相册保留 %d 张），再拍 %d 张最早那张未存档的就会被挤掉",
	fetchExpired:      "登录已过期，请重新登录（session expired, log in again）",
	fetchMaintenance:  "网站维护中，请在维护结束后再试",
	fetchChallenge:    "网站返回了防机器人验证页：请从浏览器复制网站的全部 Cookie（包括 __tst_status 和 EO_Bot_Ssid）",
	fetchRateLimited:  "网站多次拒绝请求（限流或服务器错误），请稍后再试",
	fetchLogin:        "登录失败：请检查 SEGA ID 和密码",
	fetchSiteError:    "网站返回错误 %d：%s",
	fetchInterrupted:  "已中断；再次运行会从中断处继续",

	serveUsage: `启动网页版（不带命令运行时的默认操作）：在浏览器里查看存档、导入页面。
  --addr 地址              监听地址（默认 127.0.0.1:8080；环境变量 MAIPROBE_ADDR）
  --debug-addr 地址        在另一个地址提供 pprof 性能分析（/debug/pprof/），例如 127.0.0.1:6060；默认关闭。
                           它能读出进程内存的概况，只应监听本机（环境变量 MAIPROBE_DEBUG_ADDR）
  --base-path 路径         网址前缀，例如 /release（环境变量 MAIPROBE_BASE_PATH）
  --trusted-proxies 列表   信任的反向代理（CIDR，逗号分隔；只信任它们的 X-Forwarded-* 和 X-Api-Scheme；环境变量 MAIPROBE_TRUSTED_PROXIES）
  --https-redirect         把 HTTP 请求重定向到 HTTPS（环境变量 MAIPROBE_HTTPS_REDIRECT）
  --max-upload 大小        导入的请求体上限：登录后上传文件，或导入 API（默认 64MB；其他表单和未登录的请求最多 64 KB；环境变量 MAIPROBE_MAX_UPLOAD）
  --session-ttl 时长       登录有效期（默认 720h；环境变量 MAIPROBE_SESSION_TTL）
  --read-header-timeout 时长  请求行和请求头必须在此时间内到达（默认 10s；环境变量 MAIPROBE_READ_HEADER_TIMEOUT）
  --body-timeout 时长      请求体最长可停顿多久，也是开始按最低速率计算前的宽限（默认 30s；环境变量 MAIPROBE_BODY_TIMEOUT）
  --body-min-rate 大小     请求体的最低平均速率，每秒字节数（默认 1KB：64 MB 最多约 18 小时，手机慢速网络也能传完；
                           一字节一字节慢慢发的连接会被断开；环境变量 MAIPROBE_BODY_MIN_RATE）
  --write-timeout 时长     每次向浏览器写出响应的时限；处理本身（例如大批导入）花的时间不计（默认 1m；环境变量 MAIPROBE_WRITE_TIMEOUT）
  --idle-timeout 时长      保持连接在两次请求之间最长空闲多久（默认 2m；环境变量 MAIPROBE_IDLE_TIMEOUT）
以上超时设为 0 即关闭（例如前面的反向代理已经缓冲了请求体时）。
  --font 文件              B50 分享图（/p/玩家/rating.png）用的中日文字体文件；默认由 fc-match 或常见路径查找（环境变量 MAIPROBE_FONT）
  --divingfish-prefix 路径 水鱼查分器兼容接口的路径前缀，机器人把水鱼的地址换成本服务器即可（默认 /api/maimaidxprober，
                           off 关闭；环境变量 MAIPROBE_DIVINGFISH_PREFIX；见 docs/divingfish-api.md）
还没有用户时，日志里会打印一次性的设置链接，只有用它才能创建第一个用户。
环境变量 MAIPROBE_SECRET_KEY（base64 编码的 32 个随机字节，例如 openssl rand -base64 32）开启“自动抓取”和
“同步到查分器”的定时同步：网站登录信息和水鱼/落雪的令牌用它加密保存，服务器按计划替玩家抓取页面、同步成绩。
没有它这两个功能关闭。
环境变量 MAIPROBE_DIVINGFISH_URL、MAIPROBE_LXNS_URL（只能由运营者设置）：同步发往的水鱼、落雪地址，默认官方地址
（测试或镜像用；见 docs/sync.md）。`,
	serving:      "maiprobe 网页版已启动：请在浏览器打开 %s",
	debugServing: "pprof 性能分析：%s",

	migrateUsage: `对存档执行尚未执行的数据库迁移后退出，供部署流程在新版本接收请求之前运行。
多个进程同时迁移同一个存档是安全的（迁移锁，见 docs/storage.md）；已是最新时什么也不改。
其他命令打开存档时也会自动迁移。`,
	migrated:       "%s 存档已是最新：数据库结构版本 %d",
	platformSQLite: "在 %s 上存档不能是 SQLite 文件（%q）：函数的磁盘随实例一起丢弃，导入的数据会悄无声息地丢失。请把环境变量 MAIPROBE_DB 设为 postgres://… 或 mysql://…；如果文件在持久存储上（EFS、CFS）或只是演示，可同时设置 MAIPROBE_DB 和 MAIPROBE_ALLOW_EPHEMERAL_SQLITE=1 强制使用（见 docs/deploy.md）",
	platformFlags:  "在 %s 上只从环境变量读取配置，不接受命令行选项（%s）：请在函数的环境变量里设置对应的 MAIPROBE_*（见 docs/deploy.md）",
	notInBuild:     "函数版（scripts/release 构建，-tags function）不包含 maiprobe %s；请使用 go build ./cmd/maiprobe 构建的完整版",

	userUsage: `管理网页版的登录用户。
  user add 名字      添加用户，拥有 --player 指定的玩家（不存在则创建）
  user grant 名字    让已有用户也拥有 --player 指定的已有玩家（例如另一个地区的账号）；
                     加 --create 时新建这个空玩家（它的第一批页面决定它是哪位游戏内玩家）
  user passwd 名字   修改密码（并让该用户的所有登录失效）
  user list          列出用户及其拥有的玩家
  --password-stdin   从标准输入的第一行读取密码（否则在终端提示输入，不回显）`,
	userArgs:         "用法：maiprobe user add 名字 [--player 玩家] | user grant 名字 --player 玩家 | user passwd 名字 | user list",
	userGranted:      "用户 %s 现在也拥有玩家 %s",
	autoOnlyImport:   "maiprobe %s：--player auto 只用于 maiprobe import（按页面分给各位玩家）；请指定一位玩家",
	noUsers:          "还没有用户。用 maiprobe user add 名字 添加，或按 maiprobe serve 日志里的设置链接创建。",
	userAdded:        "已添加用户 %s（拥有玩家 %s）",
	passwordChanged:  "已修改用户 %s 的密码",
	noPassword:       "标准输入里没有密码",
	noTerminal:       "没有终端可以输入密码：请用 --password-stdin 从标准输入提供",
	passwordPrompt:   "密码：",
	passwordAgain:    "再次输入密码：",
	passwordMismatch: "两次输入的密码不一致",

	proxyUsage: `启动抓取代理：在手机或电脑上把 HTTP 代理设为本机，登录 maimai DX NET 后数据自动保存（详见 docs/proxy.md）。
国服（无需证书）：用微信打开 http://tgk-wcaime.wahlap.com/wc_auth/oauth/authorize/maimai-dx 登录。
其他网站的流量原样转发，不查看、不记录；但不替客户端连接本机、局域网和其他内网地址（返回 403）。
默认只监听本机（127.0.0.1:8866）。手机要用时加 --lan：同一网络里的任何设备都能通过它上网，用完请关闭。
  --addr 地址        监听地址（默认 127.0.0.1:8866，只有本机能用；:8866 即所有网卡；只接受本地网络的设备；环境变量 MAIPROBE_PROXY_ADDR）
  --lan              在所有网卡上监听（端口取自 --addr），让同一 Wi-Fi 下的手机使用；同一网络里的任何设备都能用它访问互联网（环境变量 MAIPROBE_PROXY_LAN）
  --tls              同时用本地生成的证书拦截网站自己的域名（国际服、日服需要；首次运行生成证书，需在设备上信任）
  --ca-dir 目录      证书存放目录（默认 用户配置目录/maiprobe/proxy-ca；环境变量 MAIPROBE_CA_DIR）
  --remote 网址      保存到远程 maiprobe 服务器而不是本地存档（环境变量 MAIPROBE_REMOTE）
  --token 令牌       远程服务器的导入令牌（环境变量 MAIPROBE_TOKEN）
  --only 部分        只获取这些部分：home,playerData,album,record,details,scores（逗号分隔）
  --once             第一次保存结束后退出
  --hosts 映射       把网站域名指向别处，例如 maimai.wahlap.com=https://127.0.0.1:8443（测试用；只能映射网站自己的域名，目标可以是本机；环境变量 MAIPROBE_PROXY_HOSTS）`,
	proxyRemoteToken:    "--remote 和 --token 必须同时给出",
	proxyListening:      "maiprobe 抓取代理已启动（%s）。在手机或电脑的 Wi-Fi/网络设置里把 HTTP 代理设为：",
	proxyListeningLocal: "maiprobe 抓取代理已启动（%s），只有本机能用。在本机的网络设置里把 HTTP 代理设为：",
	proxyLoopback:       "手机要用时，请用 maiprobe proxy --lan 重新启动（在所有网卡的 %s 端口监听），再把手机的 HTTP 代理设为本机的局域网地址。\n注意：那时同一网络里的任何设备都能通过它上网（本机和局域网的地址除外），用完请关闭。",
	proxyLAN:            "注意：代理在局域网上开放，同一网络里的任何设备都能通过它上网（本机和局域网的地址除外）。用完请关闭。",
	proxyWeChat:         "国服：设置代理后，在微信里打开 %s 登录，数据会自动保存。",
	proxyTLS:            "TLS 抓取已开启：请在设备上安装并信任证书 %s（设置代理后也可在浏览器打开 %s 下载），\nSHA-256 指纹 %s。之后用浏览器打开 maimai DX NET 主页即可。用完后请删除该证书。",
	proxyCACreated:      "已生成本地证书 %s（私钥只有本用户可读）。",
	proxySaved:          "已保存（%s）：%d 页，新增 %d，无变化 %d，拒绝 %d",
	proxyFailed:         "保存失败（%s）：%v",

	songsUsage: `管理存档里的曲目与谱面数据（定数、等级、物量），计算 rating 需要它。
  songs sync        载入曲目数据：新增曲目与谱面，更新定数并保留定数的历史（一个事务）
  songs unmatched   列出导入的页面里与曲目数据对不上的谱面（数据里没有的，或无法区分的同名谱面）
  --from 网址或文件  数据来源：diving-fish music_data（国服，默认 ` + DefaultSongsCN + `）、
                    zetaraku data.json 或 Tachi 数据（日服/国际服必须给出）
  --region cn|jp|intl  数据所属的服务器（默认 cn）
  --json            以 JSON 输出
没有曲目数据时也能使用：页面上出现过的谱面会以"定数未知"记录，之后同步时补上。`,
	songsArgs:      "用法：maiprobe songs sync [--from 网址或文件] [--region cn|jp|intl] | songs unmatched",
	songsBadRegion: "未知的服务器 %q：请用 cn、jp 或 intl",
	songsNeedFrom:  "%s 没有默认的数据来源：请用 --from 给出 zetaraku data.json 或 Tachi 数据（网址或文件）",
	songsSynced:    "已同步 %s 曲目数据（来源 %s）：%d 首曲目，%d 张谱面；新增 %d 首曲目、%d 张谱面，%d 个定数有变化",
	songsLinks:     "页面上出现过的谱面：%d 个已匹配，%d 个数据中没有（定数未知），%d 个无法区分",
	noUnmatched:    "导入的页面里的谱面全部与曲目数据匹配。",
	unmatchedHead:  "%d 个谱面与曲目数据对不上（不计入 rating 或定数未知）：",
	linkLearned:    "数据中没有",
	linkAmbiguous:  "无法区分",

	ratingUsage: `根据存档计算 rating（B50：新版本 15 首 + 旧版本 35 首；按服务器与当时版本的规则）。
  --json      以 JSON 输出 {"total": N, "new": [...], "old": [...], ...}
  --at 时间   计算过去某一时刻的 rating：用当时的最好成绩、定数与规则；日期（2026-01-31，玩家地区的时间，
              指当天结束时）或 RFC 3339 时间
  --history   列出 rating 的历史：每天最后一次提高成绩之后，以及每个保存的主页/玩家数据页（附网站显示的 rating）
  --png 文件  把 B50 画成可分享的 PNG 图片写入文件（可与 --at 同用）
  --font 文件 画图用的中日文字体文件（.ttf/.otf/.ttc；也可用 MAIPROBE_FONT）；默认用 fc-match 查找系统字体，
              找不到时查 Debian fonts-noto-cjk 等常见路径，都没有则只画拉丁字母、其余字画成方框并给出警告
先用 maiprobe songs sync 载入曲目数据，否则谱面的定数未知、不计入；乐曲数据没有、但由游玩详情推算确定的定数
（maiprobe constants）也计入，定数旁标“估”。`,
	ratingNoArgs:         "不接受参数",
	ratingHead:           "玩家 %s（%s，%s，%s）：rating %d = 新曲 %d + 旧曲 %d",
	ratingColumns:        "#	Rating	定数	等级	达成率	评级	FC/FS	下一步	谱面	曲名",
	ratingNew:            "新版本曲目",
	ratingPNGWrote:       "已写入 %s（%d×%d，%d 张卡片，%d 张曲绘；字体 %s）",
	ratingPNGNoFont:      "警告：没有找到中日文字体，%d 个字画成了方框；安装 fonts-noto-cjk 或用 --font / MAIPROBE_FONT 指定字体",
	ratingPNGSum:         "合计",
	ratingPNGEmpty:       "还没有成绩",
	ratingPNGFooter:      "maiprobe 生成 · %s",
	ratingOld:            "旧版本曲目",
	ratingUnknown:        "定数未知（不计入）",
	ratingUnknownHint:    "%d 个谱面定数未知，其中 %d 个与曲目数据对不上；用 maiprobe songs sync 同步数据，maiprobe songs unmatched 查看原因。",
	ratingHistoryColumns: "时间	来源	计算的 rating	网站的 rating	定数未知",
	ratingEstMark:        "估",
	ratingEstLegend:      "%s：乐曲数据没有、由游玩详情的 Rating 推算出的确定定数（%d 个谱面；maiprobe constants 查看依据）",

	kinds: map[dxnet.Kind]string{
		dxnet.KindHome: "主页", dxnet.KindPlayerData: "玩家数据", dxnet.KindPhoto: "相册",
		dxnet.KindRecord: "游玩记录", dxnet.KindPlaylogDetail: "游玩详情", dxnet.KindScores: "成绩列表",
		dxnet.KindMusicDetail: "乐曲详情", dxnet.KindFriendCode: "好友代码", dxnet.KindFriend: "好友列表", dxnet.KindFriendVs: "好友对战", dxnet.KindError: "错误页",
		dxnet.KindLogin: "登录页", dxnet.KindMaintenance: "维护页", archive.KindExport: "maiprobe 导出文件",
	},

	errNotDXNet:    "不是 maimai DX NET 页面",
	errUnknownPage: "无法识别的 maimai DX NET 页面",
	errTruncated:   "页面不完整（被截断）",
	errLayout:      "页面布局无法识别，未读取任何数据",
	errSitePage:    "这是网站的错误/登录/维护页，不是玩家数据，未导入",
	errMisparsed:   "解析结果不合理（可能是解析器读错了），未导入",
	errExport:      "无法还原的 maiprobe 导出文件",

	errForeignFile: "其他工具的成绩文件有误，未导入",
	errExportOnly:  "maiprobe 导出的 CSV 只供表格软件使用，不能导入",
	errNeedRegion:  "文件没有注明游戏地区，请用 --region 指定",
	errForeignAuto: "其他工具的文件不能用 --player auto 导入，请用 --player 指定玩家",
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
	importUsage: `Import saved pages: files, directories (recursively, their .html/.htm/.json/.txt files, files without an extension, and files of other tools such as diving-fish's and Lxns's .csv or mai-tools' .tsv, told by their content) or - for stdin.
Each file is one transaction: all of the page or nothing. Importing a page twice stores nothing twice.
Also takes a JSON file written by maiprobe export.
  --at TIME   when the pages were saved (RFC 3339); default: the file's modification time, now for stdin
  --quiet     report rejected files only
Each player takes its own pages only: an archive player is bound to the in-game player (region, name, friend code)
its first pages show, and pages of another in-game player are refused with the reason.
  --player auto   send each page to the player of the in-game player it shows (creating one when needed), to
                  import a folder of several players' pages at once; a page that shows no name (record, …) goes
                  to the one player of its region, and is refused, asking for --player, when there are several
  --renamed       accept pages with another in-game name (the player renamed themselves in the game)
  --all-players   restore every player of an export file under its own name (by default such a file is
                  refused: one import writes one player)
  --region R      cn, intl or jp: the game region of Tachi, mai-tools and DXRating files, which do not say it,
                  for a player whose region is not known yet (diving-fish and Lxns files are CN; a file of
                  another tool binds the player's region, never its name)`,
	exportUsage: `Write the whole archive as JSON (docs/archive-format.md; an empty archive restores from it), or with --format a player's scores for diving-fish, Lxns, Tachi or CSV.
Song data (load it again with songs sync) and the web app's logins are not in the file.
  -o FILE    write to FILE instead of standard output
  --player NAME  export only this player (default: every player)
  --format F     archive (the default, lossless); or the --player's scores for another tool: divingfish
                 (update_records, one best per chart), lxns (Lxns upload, one score per play with play_time),
                 tachi (Tachi BATCH-MANUAL, one score per play), csv (one row per play), csv-bests (one row per
                 chart's best); what a format cannot hold is listed on standard error; without --player the
                 default player, refused when it has no scores; see docs/interchange.md`,
	reparseUsage: `Re-derive the player's archive from the stored raw pages with the current parsers (after a parser fix). Raw pages are kept; if any page can no longer be read, it lists those pages with the reasons and changes nothing.`,
	playersUsage: `List the archive's players.`,
	statusUsage:  `Show a summary of the archive.`,

	needFiles:  "maiprobe %s: give at least one file",
	readFailed: "cannot read",
	tooBig:     "file is over 50 MB: not a maimai DX NET page",

	added:         "added",
	unchanged:     "unchanged",
	rejected:      "rejected",
	skippedDir:    "skipped %d files that are not pages (images, scripts, …): %s",
	importSummary: "%d files: %d added, %d unchanged, %d rejected",

	exported:          "exported %d players to %s",
	exportedScores:    "exported %s's %d plays and %d bests (%s) to %s",
	exportSkipped:     "%d scores cannot be held by the %s format and were left out:",
	exportSkippedMore: "… and %d more",
	exportNoPlayer:    "no player %q in the archive (it has: %s); choose the player to export with --player",
	exportEmptyPlayer: "player %q has no scores to export (the archive's players: %s); choose the player to export with --player",
	reparsed:          "reparsed %d pages",
	colon:             ": ",
	reparseFailedPage: "page %s no longer parses: %v",
	reparseUnchanged:  "%d stored pages cannot be read again, so nothing was changed (deriving the player without them would lose their plays): update maiprobe, or report these pages with the reasons above",

	noPlayers:    "The archive has no players yet. Import saved pages with maiprobe import.",
	statusHead:   "archive %s: %d saved pages",
	statusPlayer: "  player %s: %d plays",
	statusEmpty:  "The archive %s is empty.\nImport saved maimai DX NET pages with `maiprobe import FILE-OR-DIR`; `maiprobe help` lists every command.",

	toPlayer:           "→ player %s",
	statusIdentity:     "    in the game: %s",
	statusMixed:        "    warning: this player's pages show several in-game names (%s). If they are different players, split it with maiprobe split --player %s; if one player only renamed themselves, import with --renamed.",
	statusMixedRegions: "    warning: this player holds pages of several regions, so of several in-game players (%s). Split it with maiprobe split --player %s.",
	errIdentity:        "another player's page",
	splitUsage: `Split a player that holds pages of several in-game players (pages imported before the archive checked identities):
the in-game player with the most pages stays, each other moves to a new player named after them (owned by the same
web logins), and every player involved is derived again from its raw pages, as reparse does. A page that shows no
player name goes with the one player of its region; where there are several, it stays (and is reported) when the
player that stays is of its region, and goes to a new player named after the region otherwise. One transaction:
on failure nothing changes.
  --json   print the result as JSON`,
	splitNothing: "The pages of player %s all belong to one in-game player: nothing to split.",
	splitPart:    "  player %s: %s, %d pages",
	splitNew:     " (new)",
	splitUnsure:  "  %d pages show no player name and their region has several players: they stay with %s",

	genUsage: `Generate a made-up but realistic archive (to try the web app and for benchmarks): plays over about
three years in visits of 5–40 plays, improving scores, details for some plays, home and player data
snapshots and album photos. Written through the normal import path. When the archive has CN song data
(maiprobe songs sync) the plays are on its real charts (titles, levels, constants, note counts), so the
archive has a B50, rating targets and plate progress; without it the songs are made up. It never reads
the clock: the same flags and song data give the same pages with the same times, so after an interrupted
run the same command adds only what is missing.
  --plays N   how many plays (default 10000)
  --seed N    random seed (default 1)
  --end TIME  about when the last visit ends (a date or an RFC 3339 time; default 2026-11-01)
  --player NAME  the player to write to (default "default")
  --details N    save the detail page (with the rating after the play) of one play in N, at random (default 12; 1: every play)
  --hide-constants SHARE  afterwards make the song data forget the constants of this share (0–1) of its charts, as
                 new songs lack them; the pages still show the ratings of the true ones, which maiprobe constants
                 learns back. Run songs sync before running gen again, to bring them back`,
	genArgs:      "maiprobe gen: --plays must be positive, as must --details; --hide-constants is a share between 0 and 1; gen takes no other arguments",
	genEndBad:    "maiprobe gen: --end %q: give a date (2026-11-01) or an RFC 3339 time",
	genEndFuture: "maiprobe gen: --end %s is in the future: plays cannot be later than now",
	genStored:    "%d of the %d pages were in the archive already (an earlier run with the same flags) and were not written again",
	genProgress:  "generated %d of %d plays…",
	genCharts:    "the charts are the archive's CN song data (%d of them)",
	genMadeUp:    "the archive has no CN song data, so the songs are made up (run maiprobe songs sync first for real charts and a B50)",
	generated:    "player %s: generated %d plays, %d details, %d profile snapshots, %d photos (%d pages in %s)",
	fetchUsage: `Fetch straight from the maimai DX NET site into the archive: home, player data, the album (and its
photo images), the last 50 plays, the detail of every play the archive lacks, the best scores of every
difficulty (Re:MASTER and utage included) and the jackets (song pictures) the pages show, at most 60 a run. Every page goes through the normal import, so nothing is doubled.
Run it again after an interruption and it carries on where it stopped.
  --region cn|intl|jp   the site (default cn)
  --cookie 'userId=…; _t=…'  the site's cookies (CN: copy __tst_status and EO_Bot_Ssid too; env MAIPROBE_COOKIE)
  --cookie-file FILE    read the cookies from FILE and write back the ones the site rotated (_t changes every request)
  --sega-id ID          intl/JP: log in with a SEGA ID, the password read from standard input (needs --password-stdin)
  --only PARTS          fetch only these parts: home,playerData,album,record,details,scores (comma-separated)
  --site URL            the site's address (mirrors and tests; default the official site)
  --login-url URL       the SEGA ID login page
  --interval DURATION   the least time between two requests (default 1s)
  --timeout DURATION    the time limit of one request (default 30s)
  --retries N           retries on 567, 5xx, timeouts and dropped connections (default 4, waits doubling)
  --quiet               report rejected pages only`,
	fetchArgs:         "takes no arguments: %s",
	fetchRegion:       "unknown site %q (cn, intl or jp)",
	fetchNoSegaCN:     "the CN site logs in through WeChat only: give its cookies with --cookie",
	fetchNeedPassword: "--sega-id needs --password-stdin and the password on standard input",
	fetchNeedAuth:     "give --cookie, --cookie-file, MAIPROBE_COOKIE or --sega-id",
	fetchResumed:      "Resuming the interrupted fetch.",
	fetchSummary:      "fetched %d pages (%d requests): new %d plays, %d details, %d scores, %d profile snapshots, %d photo images, %d jackets; %d skipped as archived",
	fetchLoss:         "loss meter: %d plays in all; %d plays wait in the site's window of %d, %d more plays push the oldest unsaved one out",
	fetchLostSince:    "%d plays left the window since the last save and are lost",
	fetchLostBefore:   "%d plays were made before the archive began and are lost",
	fetchLossUnknown:  "loss meter: no total play count on the pages (fetch home or playerData to work it out)",
	fetchAlbum:        "album: %d photos wait to be saved (the album keeps %d), %d more photos push the oldest unsaved one out",
	fetchExpired:      "session expired, log in again",
	fetchMaintenance:  "the site is under maintenance, try again after it",
	fetchChallenge:    "the site answered with its bot check page: copy all the site's cookies from the browser, including __tst_status and EO_Bot_Ssid",
	fetchRateLimited:  "the site keeps refusing requests (rate limit or server error); try again later",
	fetchLogin:        "login failed: check the SEGA ID and password",
	fetchSiteError:    "the site answered with error %d: %s",
	fetchInterrupted:  "interrupted; run it again to carry on where it stopped",

	serveUsage: `Run the web app (what maiprobe does without a command): browse the archive and import pages in a browser.
  --addr ADDR              where to listen (default 127.0.0.1:8080; env MAIPROBE_ADDR)
  --debug-addr ADDR        serve pprof profiles (/debug/pprof/) on a separate address, e.g. 127.0.0.1:6060; off by
                           default. They reveal the process's memory: keep it on loopback (env MAIPROBE_DEBUG_ADDR)
  --base-path PATH         URL prefix, e.g. /release (env MAIPROBE_BASE_PATH)
  --trusted-proxies LIST   reverse proxies whose X-Forwarded-* and X-Api-Scheme headers are believed (CIDRs, comma-separated; env MAIPROBE_TRUSTED_PROXIES)
  --https-redirect         redirect plain HTTP to HTTPS (env MAIPROBE_HTTPS_REDIRECT)
  --max-upload SIZE        largest import: a logged-in file upload or an import API request (default 64MB; other forms
                           and requests not logged in: 64 KB; env MAIPROBE_MAX_UPLOAD)
  --session-ttl DURATION   how long a login lasts (default 720h; env MAIPROBE_SESSION_TTL)
  --read-header-timeout DURATION  time for the request line and headers to arrive (default 10s; env MAIPROBE_READ_HEADER_TIMEOUT)
  --body-timeout DURATION  the longest a request body may pause, and its grace before the minimum rate counts (default 30s; env MAIPROBE_BODY_TIMEOUT)
  --body-min-rate SIZE     the slowest average a request body may arrive at, in bytes a second (default 1KB: 64 MB may take
                           up to about 18 hours, so a phone on a slow link finishes; a client trickling bytes is cut off; env MAIPROBE_BODY_MIN_RATE)
  --write-timeout DURATION the time each write of a response has to reach the browser; the handler's own work (a large import)
                           is not counted (default 1m; env MAIPROBE_WRITE_TIMEOUT)
  --idle-timeout DURATION  how long a kept-alive connection may wait for its next request (default 2m; env MAIPROBE_IDLE_TIMEOUT)
A timeout of 0 turns it off (e.g. behind a reverse proxy that buffers request bodies).
  --font FILE              the Chinese/Japanese font of the B50 picture (/p/PLAYER/rating.png); by default found with
                           fc-match or at common paths (env MAIPROBE_FONT)
  --divingfish-prefix PATH where the diving-fish-compatible endpoints live, for bots pointed here instead of diving-fish
                           (default /api/maimaidxprober, off to turn off; env MAIPROBE_DIVINGFISH_PREFIX; see docs/divingfish-api.md)
With no user yet, the log shows a one-time setup URL; only that URL can create the first user.
MAIPROBE_SECRET_KEY (32 random bytes in base64, e.g. openssl rand -base64 32) turns on automatic fetching and
scheduled syncs to diving-fish and Lxns: site logins and sync tokens are stored encrypted with it, and the server
fetches players' pages and syncs their scores on a schedule. Without it both are off.
MAIPROBE_DIVINGFISH_URL, MAIPROBE_LXNS_URL (environment only, the operator's): where syncs post; default the real
services (tests, a mirror; see docs/sync.md).`,
	serving:      "maiprobe is serving: open %s in a browser",
	debugServing: "pprof profiles: %s",

	migrateUsage: `Apply the migrations the archive lacks and exit: for a deploy pipeline to run before a new build takes traffic.
Several processes migrating one archive at once is safe (the migration lock, docs/storage.md); an up-to-date archive is left as it is.
Every other command migrates the archive when it opens it, too.`,
	migrated:       "the %s archive is up to date: schema version %d",
	platformSQLite: "on %s the archive cannot be an SQLite file (%q): a function's disk is thrown away with its instance, and every import would be silently lost. Set the environment variable MAIPROBE_DB to postgres://… or mysql://…; if the file is on lasting storage (EFS, CFS) or this is a demo, set MAIPROBE_DB and MAIPROBE_ALLOW_EPHEMERAL_SQLITE=1 to force it (docs/deploy.md)",
	platformFlags:  "on %s settings come from the environment only, not command-line flags (%s): set the matching MAIPROBE_* variables in the function's environment (docs/deploy.md)",
	notInBuild:     "maiprobe %s is not in the function build (scripts/release, -tags function); use the full binary built by go build ./cmd/maiprobe",

	userUsage: `Manage the web app's logins.
  user add NAME      add a user owning the --player player (created if missing)
  user grant NAME    let an existing user own the existing --player player too (e.g. their account of another
                     region); with --create, make that player, empty (its first pages decide its in-game player)
  user passwd NAME   change a password (and end the user's sessions)
  user list          list users and the players they own
  --password-stdin   read the password from the first line of standard input (else ask on the terminal, without echo)`,
	userArgs:         "usage: maiprobe user add NAME [--player P] | user grant NAME --player P | user passwd NAME | user list",
	userGranted:      "user %s now owns player %s too",
	autoOnlyImport:   "maiprobe %s: --player auto only sorts the files of maiprobe import by player; name one player",
	noUsers:          "No users yet. Add one with maiprobe user add NAME, or through the setup URL in maiprobe serve's log.",
	userAdded:        "added user %s (owns player %s)",
	passwordChanged:  "changed the password of %s",
	noPassword:       "no password on standard input",
	noTerminal:       "no terminal to ask for the password on: give it with --password-stdin",
	passwordPrompt:   "Password: ",
	passwordAgain:    "Password again: ",
	passwordMismatch: "the two passwords differ",

	proxyUsage: `Run the capture proxy: set this machine as the HTTP proxy of a phone or PC, log in to maimai DX NET, and the pages are saved by themselves (docs/proxy.md).
CN (no certificate needed): open http://tgk-wcaime.wahlap.com/wc_auth/oauth/authorize/maimai-dx in WeChat and log in.
Traffic to every other site passes through untouched; it is neither inspected nor logged.
The proxy never connects a client to this machine, its LAN or other inner addresses (403).
It listens on this machine only (127.0.0.1:8866) unless --lan is given: then any device on the network can browse through it; stop it when done.
  --addr ADDR      where to listen (default 127.0.0.1:8866, this machine only; :8866 is every interface; only devices on the local network are served; env MAIPROBE_PROXY_ADDR)
  --lan            listen on every interface (at --addr's port) so a phone on the same Wi-Fi can use it; any device on the network can then browse through it (env MAIPROBE_PROXY_LAN)
  --tls            also intercept the site's own hosts with a locally generated certificate (needed for intl and JP; made on first run, to be trusted on the device)
  --ca-dir DIR     where the certificate is kept (default: the user config dir/maiprobe/proxy-ca; env MAIPROBE_CA_DIR)
  --remote URL     save to a maiprobe server instead of the local archive (env MAIPROBE_REMOTE)
  --token TOKEN    the server's import token (env MAIPROBE_TOKEN)
  --only PARTS     fetch only these parts: home,playerData,album,record,details,scores (comma-separated)
  --once           exit when the first capture has ended
  --hosts MAP      send the site's hosts elsewhere, e.g. maimai.wahlap.com=https://127.0.0.1:8443 (tests; the site's own host names only, the target may be this machine; env MAIPROBE_PROXY_HOSTS)`,
	proxyRemoteToken:    "give both --remote and --token",
	proxyListening:      "maiprobe capture proxy is running (%s). Set the HTTP proxy in the phone's or PC's Wi-Fi/network settings to:",
	proxyListeningLocal: "maiprobe capture proxy is running (%s), for this machine only. Set this machine's HTTP proxy to:",
	proxyLoopback:       "For a phone, start it again with maiprobe proxy --lan (listening on every interface at port %s) and set the phone's HTTP proxy to this machine's LAN address.\nThen any device on the network can browse through it (this machine and LAN addresses excepted); stop it when done.",
	proxyLAN:            "Note: the proxy is open on the LAN; any device on the network can browse through it (this machine and LAN addresses excepted). Stop it when done.",
	proxyWeChat:         "CN: with the proxy set, open %s in WeChat and log in; the pages are saved by themselves.",
	proxyTLS:            "TLS capture is on: install and trust the certificate %s on the device (with the proxy set, a browser can download it from %s);\nits SHA-256 fingerprint is %s. Then open maimai DX NET's home page in the browser. Remove the certificate when done.",
	proxyCACreated:      "made the local certificate %s (its key is readable by this user only)",
	proxySaved:          "saved (%s): %d pages, %d added, %d unchanged, %d rejected",
	proxyFailed:         "saving failed (%s): %v",

	songsUsage: `Manage the archive's song and chart data (constants, levels, note counts) that ratings need.
  songs sync        load song data: add songs and charts, update constants keeping their history (one transaction)
  songs unmatched   list the charts on imported pages that are not charts of the song data (missing, or look-alikes)
  --from URL|FILE   the data: diving-fish music_data (CN, default ` + DefaultSongsCN + `),
                    zetaraku data.json or Tachi seeds (required for jp and intl)
  --region cn|jp|intl  the server the data is for (default cn)
  --json            print JSON
Works without song data too: charts seen on pages are kept with "constant unknown" until a sync fills them in.`,
	songsArgs:      "usage: maiprobe songs sync [--from URL|FILE] [--region cn|jp|intl] | songs unmatched",
	songsBadRegion: "unknown region %q: use cn, jp or intl",
	songsNeedFrom:  "%s has no default song data: give a zetaraku data.json or Tachi seeds (URL or file) with --from",
	songsSynced:    "synced %s song data from %s: %d songs, %d charts; %d new songs, %d new charts, %d constants changed",
	songsLinks:     "charts seen on pages: %d matched, %d not in the data (constant unknown), %d ambiguous",
	noUnmatched:    "Every chart on the imported pages matches the song data.",
	unmatchedHead:  "%d charts do not match the song data (not rated, or constant unknown):",
	linkLearned:    "not in the data",
	linkAmbiguous:  "ambiguous",

	ratingUsage: `Compute the rating from the archive (B50: 15 new + 35 old charts, by the rules of the region and version of the time).
  --json      print JSON {"total": N, "new": [...], "old": [...], ...}
  --at TIME   the rating at a past moment, from the bests, constants and rules of that time: a date
              (2026-01-31, in the player's region's clock: the end of that day) or an RFC 3339 time
  --history   list the rating over time: after the last improvement of each day, and at every saved home/playerData page (with the rating the site showed)
  --png FILE  draw the B50 as a shareable PNG picture into FILE (with --at too)
  --font FILE the Chinese/Japanese font to draw with (.ttf/.otf/.ttc; or MAIPROBE_FONT); by default fc-match finds one,
              then common paths such as Debian's fonts-noto-cjk are tried; without any, only Latin text is drawn and
              other characters show as boxes, with a warning
Load song data first with maiprobe songs sync, or charts have no constant and do not count; a constant the song data
lacks but that the play details pin down (maiprobe constants) counts too, marked "est." beside it.`,
	ratingNoArgs:         "takes no arguments, got",
	ratingHead:           "player %s (%s, %s, %s): rating %d = new %d + old %d",
	ratingColumns:        "#	Rating	Const	Level	Achievement	Rank	FC/FS	Next step	Chart	Title",
	ratingNew:            "New songs",
	ratingPNGWrote:       "wrote %s (%d×%d, %d cards, %d jackets; font %s)",
	ratingPNGNoFont:      "warning: no Chinese/Japanese font found, %d characters are drawn as boxes; install fonts-noto-cjk or give one with --font / MAIPROBE_FONT",
	ratingPNGSum:         "total",
	ratingPNGEmpty:       "no scores yet",
	ratingPNGFooter:      "made with maiprobe · %s",
	ratingOld:            "Old songs",
	ratingUnknown:        "Constant unknown (not counted)",
	ratingUnknownHint:    "%d charts have no known constant, %d of them do not match the song data; run maiprobe songs sync, and maiprobe songs unmatched for why.",
	ratingHistoryColumns: "Time	From	Computed	Site	Unknown",
	ratingEstMark:        "est.",
	ratingEstLegend:      "%s: a certain constant the song data lacks, learned from the ratings play details printed (%d charts; maiprobe constants shows the plays)",

	kinds: map[dxnet.Kind]string{
		dxnet.KindHome: "home", dxnet.KindPlayerData: "player data", dxnet.KindPhoto: "album",
		dxnet.KindRecord: "record", dxnet.KindPlaylogDetail: "play detail", dxnet.KindScores: "score list",
		dxnet.KindMusicDetail: "music detail", dxnet.KindFriendCode: "friend code", dxnet.KindFriend: "friend list", dxnet.KindFriendVs: "friend comparison", dxnet.KindError: "error page",
		dxnet.KindLogin: "login page", dxnet.KindMaintenance: "maintenance page", archive.KindExport: "maiprobe export",
	},

	errNotDXNet:    "not a maimai DX NET page",
	errUnknownPage: "unknown maimai DX NET page",
	errTruncated:   "the page is cut off (truncated)",
	errLayout:      "unfamiliar page layout; nothing was read",
	errSitePage:    "the site's error, login or maintenance page, not player data; not imported",
	errMisparsed:   "the page's facts break the game's rules (misparsed); not imported",
	errExport:      "a maiprobe export file that cannot be restored",

	errForeignFile: "not a valid file of another tool",
	errExportOnly:  "maiprobe's CSV is export-only",
	errNeedRegion:  "the file does not say its game region",
	errForeignAuto: "files of other tools need --player NAME",
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
	var noPages *archive.NoPagesError
	switch {
	case errors.As(err, &noPages):
		// Nothing to keep in English: the whole sentence is ours.
		if m == en {
			return noPages.Error()
		}
		return fmt.Sprintf("玩家 %q 还没有保存的页面，所以不知道地区（也算不出 Rating）：先用 maiprobe import 导入这个玩家保存的页面", noPages.Player)
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
	case errors.Is(err, archive.ErrIdentity):
		head = m.errIdentity
	case errors.Is(err, archive.ErrExport):
		head = m.errExport
	case errors.Is(err, interchange.ErrExportOnly):
		head = m.errExportOnly
	case errors.Is(err, interchange.ErrBadFile):
		head = m.errForeignFile
	case errors.Is(err, archive.ErrNeedRegion):
		head = m.errNeedRegion
	case errors.Is(err, archive.ErrForeignAuto):
		head = m.errForeignAuto
	default:
		return strings.Join(strings.Fields(err.Error()), " ")
	}
	detail := strings.Join(strings.Fields(err.Error()), " ") // the site's messages hold line breaks
	if m == en {
		return detail
	}
	return head + "（" + detail + "）"
}
