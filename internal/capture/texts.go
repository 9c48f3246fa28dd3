package capture

// texts is what the proxy's pages say, in one language.
type texts struct {
	Title, Saving, Login, Fetching, Done, Failed, Pages, Summary, Keep, NoJob, NoScript string
	PortalTitle, PortalWeChat, PortalTLS, PortalCA                                      string
	// Refused answers a client sent towards this machine or its network
	// (host, reason); Reasons names the reasons.
	Refused string
	Reasons map[string]string
}

var zhTexts = &texts{
	Title:        "maiprobe 正在保存",
	Saving:       "正在保存你的 maimai DX NET 数据，请不要关闭这个页面。",
	Login:        "正在登录……",
	Fetching:     "正在获取页面……",
	Done:         "保存完成。",
	Failed:       "保存失败：",
	Pages:        "已读取页面：",
	Summary:      "共 %d 页：新增 %d，无变化 %d，拒绝 %d",
	Keep:         "完成后可以关闭代理设置。",
	NoJob:        "找不到这次保存（代理可能已重启）。",
	NoScript:     "页面每隔几秒会自动刷新。",
	PortalTitle:  "maiprobe 抓取代理",
	PortalWeChat: "国服：在设置了本代理的设备上，用微信打开下面的链接登录，数据会自动保存：",
	PortalTLS:    "国际服、日服（以及国服）：安装并信任本地证书后，用浏览器打开 maimai DX NET 的主页即可。",
	PortalCA:     "下载证书",
	Refused:      "maiprobe 代理不连接 %s（%s）：它不替别的设备访问本机或局域网内的地址，只用于访问互联网上的网站。",
	Reasons: map[string]string{
		reasonLocalName: "本机名", reasonBadAddr: "地址格式不对", reasonNoHost: "没有主机名",
		reasonLoopback: "本机回环地址", reasonUnspecified: "未指定地址", reasonPrivate: "内网地址",
		reasonLinkLocal: "链路本地地址", reasonMulticast: "组播地址", reasonCGNAT: "运营商共享地址（CGNAT）",
		reasonReserved: "保留或广播地址", reasonOwn: "本机自己的地址",
	},
}

var enTexts = &texts{
	Title:        "maiprobe is saving",
	Saving:       "Saving your maimai DX NET data. Please keep this page open.",
	Login:        "Logging in…",
	Fetching:     "Fetching pages…",
	Done:         "Saved.",
	Failed:       "Saving failed: ",
	Pages:        "Pages read: ",
	Summary:      "%d pages: %d added, %d unchanged, %d rejected",
	Keep:         "You can turn the proxy setting off now.",
	NoJob:        "No such capture (the proxy may have restarted).",
	NoScript:     "This page refreshes itself every few seconds.",
	PortalTitle:  "maiprobe capture proxy",
	PortalWeChat: "CN: on the device using this proxy, open this link in WeChat and log in; your data is saved by itself:",
	PortalTLS:    "Intl, JP (and CN): install and trust the local certificate, then open maimai DX NET's home page in the browser.",
	PortalCA:     "Download the certificate",
	Refused:      "maiprobe proxy refuses %s (%s): it does not connect other devices to this machine or its local network, only to sites on the internet.",
	Reasons: map[string]string{
		reasonLocalName: "a name of this machine", reasonBadAddr: "a malformed address", reasonNoHost: "no host",
		reasonLoopback: "a loopback address", reasonUnspecified: "the unspecified address", reasonPrivate: "a private address",
		reasonLinkLocal: "a link-local address", reasonMulticast: "a multicast address", reasonCGNAT: "a shared (CGNAT) address",
		reasonReserved: "a reserved or broadcast address", reasonOwn: "this machine's own address",
	},
}

func catalogue(lang string) *texts {
	if lang == "en" {
		return enTexts
	}
	return zhTexts
}
