package web

import (
	"strings"
	"testing"
)

// TestOverviewLossMeter: the generated archive saves a record page and a
// home page with a play count at every visit, so no play waits and the
// plays before the archive began are counted; its album was saved many
// plays before the end, so photos may be lost. The rank pictures are named
// in both languages. (The arithmetic's own tests are archive's.)
func TestOverviewLossMeter(t *testing.T) {
	ap := generated(t, 200)
	b := ap.browser()
	zh := mustGet(t, b, "/p/gen/")
	for _, want := range []string{`<section class="loss loss-lost"`, "丢失计", "最近游玩记录上次保存于 2026-",
		"网站的最近 50 次游玩都已保存", "次游玩在存档开始之前", "相册上次保存于", "张照片可能已被挤出相册的 10 张", "段位 五段", "阶级 B5"} {
		if !strings.Contains(zh, want) {
			t.Errorf("overview lacks %q", want)
		}
	}
	b.headers["Accept-Language"] = "en"
	en := mustGet(t, b, "/p/gen/")
	for _, want := range []string{"Loss meter", "Recent plays last saved 2026-", "5th Dan", "B5"} {
		if !strings.Contains(en, want) {
			t.Errorf("English overview lacks %q", want)
		}
	}
}
