package web

import (
	"context"
	"strings"
	"testing"
)

// TestAlbumAndProfileLabels: album times are in the region's clock (the
// intl album's 19:00 JST, not 10:00 UTC), the profile names page kinds, and
// nav and title call a page by one name.
func TestAlbumAndProfileLabels(t *testing.T) {
	ap := publicApp(t, "home-cn-2020.html", "playerData-cn-2025.html")
	importTestdata(t, ap.a, "intl", "photo-intl-album.html")
	if err := ap.a.SetPublic(context.Background(), "intl", true); err != nil {
		t.Fatal(err)
	}
	b := ap.browser()
	album := mustGet(t, b, "/p/intl/album")
	if !strings.Contains(album, "2026-11-22 19:00") || strings.Contains(album, "UTC") {
		t.Error("the album's times are not in the region's clock")
	}
	profile := mustGet(t, b, "/p/default/profile")
	for _, want := range []string{"<td>主页</td>", "<td>玩家数据</td>"} {
		if !strings.Contains(profile, want) {
			t.Errorf("profile lacks %q", want)
		}
	}
	if strings.Contains(profile, "<td>home</td>") || strings.Contains(profile, "<td>playerData</td>") {
		t.Error("the profile shows raw page kinds")
	}
	cats, err := texts()
	if err != nil {
		t.Fatal(err)
	}
	for lang, c := range cats {
		for k, v := range c {
			page, ok := strings.CutPrefix(k, "nav.")
			if title, has := c[page+".title"]; ok && has && title != v {
				t.Errorf("%s: nav says %q where the title says %q", lang, v, title)
			}
		}
	}
}
