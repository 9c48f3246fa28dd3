package dxnet

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/maiprobe/maiprobe/internal/fixtures"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

// fixtureDir is where the real pages saved from the site live, outside the
// repository: /work/shared/fixtures/dxnet next to /work/main.
var fixtureDir = filepath.Join("..", "..", "..", "shared", "fixtures", "dxnet")

// readFixture reads one real page, skipping the test when the shared
// fixtures are not checked out next to the repository (failing it when
// MAIPROBE_REQUIRE_SHARED is set).
func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	return fixtures.ReadDXNet(t, name)
}

// fixturePages lists every real page (not the fragments, which are
// excerpts without a page around them) by its name under fixtureDir.
func fixturePages(t testing.TB) []string {
	t.Helper()
	fixtures.DXNet(t, ".")
	files, err := filepath.Glob(filepath.Join(fixtureDir, "*", "*.html"))
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob(filepath.Join(fixtureDir, "templates", "*", "*.html"))
	var names []string
	for _, f := range append(files, more...) {
		names = append(names, filepath.ToSlash(strings.TrimPrefix(f, fixtureDir+string(filepath.Separator))))
	}
	return names
}

// readTestdata reads one of our own synthetic pages.
func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func detectBytes(t testing.TB, b []byte) (*Header, error) {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return detect(doc, b)
}

type detectWant struct {
	kind   Kind
	region maimai.Region
	ver    string
	list   string
}

func checkHeader(t *testing.T, h *Header, err error, want detectWant) {
	t.Helper()
	if err != nil {
		t.Fatalf("detect: %v", err)
	}
	if h.Kind != want.kind || h.Region != want.region || h.SiteVersion != want.ver || h.list != want.list {
		t.Errorf("detect = {%s %s ver %q list %q}, want {%s %s ver %q list %q}",
			h.Kind, h.Region, h.SiteVersion, h.list, want.kind, want.region, want.ver, want.list)
	}
}

// TestDetectFixtures runs detect over every real page and every old CN
// template; a fixture added to the shared directory without a row here
// fails the test, so none is left unchecked.
func TestDetectFixtures(t *testing.T) {
	tests := map[string]detectWant{
		"cn/error-bakapiano-1.html":                {KindError, maimai.CN, "1.50", ""},
		"cn/friend-truerou-1.html":                 {KindFriend, maimai.CN, "1.50", ""},
		"cn/friendCode-truerou-1.html":             {KindFriendCode, maimai.CN, "1.50", ""},
		"cn/friendVs-bakapiano-1.html":             {KindFriendVs, maimai.CN, "1.50", ""},
		"cn/home-mainetcn-1.html":                  {KindHome, maimai.CN, "1.50", ""},
		"cn/musicGenre-truerou-1.html":             {KindScores, maimai.CN, "", "musicGenre"},
		"cn/record-mainetcn-1.html":                {KindRecord, maimai.CN, "1.50", ""},
		"cn/record-truerou-1.html":                 {KindRecord, maimai.CN, "1.50", ""},
		"intl/musicDetail-minty-1.html":            {KindMusicDetail, maimai.Intl, "1.50", ""},
		"intl/musicDetail-minty-3.html":            {KindMusicDetail, maimai.Intl, "1.60", ""},
		"intl/musicGenre-minty-1.html":             {KindScores, maimai.Intl, "1.50", "musicGenre"},
		"intl/musicGenre-minty-3.html":             {KindScores, maimai.Intl, "1.50", "musicGenre"},
		"intl/musicGenre-minty-5.html":             {KindScores, maimai.Intl, "1.50", "musicGenre"},
		"intl/musicLevel-minty-1.html":             {KindScores, maimai.Intl, "1.60", "musicLevel"},
		"intl/musicLevel-minty-3.html":             {KindScores, maimai.Intl, "1.60", "musicLevel"},
		"intl/musicLevel-minty-5.html":             {KindScores, maimai.Intl, "1.60", "musicLevel"},
		"intl/musicVersion-minty-1.html":           {KindScores, maimai.Intl, "1.60", "musicVersion"},
		"intl/musicVersion-minty-3.html":           {KindScores, maimai.Intl, "1.60", "musicVersion"},
		"intl/playerData-minty-1.html":             {KindPlayerData, maimai.Intl, "1.50", ""},
		"intl/ratingTargetMusic-minty-1.html":      {KindScores, maimai.Intl, "1.60", "ratingTargetMusic"},
		"intl/record-minty-1.html":                 {KindRecord, maimai.Intl, "1.60", ""},
		"jp/error-zetarakuissue-1.html":            {KindError, maimai.JP, "", ""},
		"jp/musicLevel-jietng-1.html":              {KindScores, maimai.JP, "", "musicLevel"},
		"templates/cn/home-yuange-1.html":          {KindHome, maimai.CN, "", ""},
		"templates/cn/photo-yuange-1.html":         {KindPhoto, maimai.CN, "", ""},
		"templates/cn/playerData-yuange-1.html":    {KindPlayerData, maimai.CN, "", ""},
		"templates/cn/playlogDetail-yuange-1.html": {KindPlaylogDetail, maimai.CN, "", ""},
		"templates/cn/record-yuange-1.html":        {KindRecord, maimai.CN, "", ""},
	}
	for _, name := range fixturePages(t) {
		if _, ok := tests[name]; !ok {
			t.Errorf("fixture %s has no expected kind in this test", name)
		}
	}
	for name, want := range tests {
		t.Run(name, func(t *testing.T) {
			h, err := detectBytes(t, readFixture(t, name))
			checkHeader(t, h, err, want)
		})
	}
}

func TestDetectTestdata(t *testing.T) {
	tests := map[string]detectWant{
		"login-jp-segaid.html":      {KindLogin, maimai.JP, "1.60", ""},
		"login-intl-sid.html":       {KindLogin, maimai.Intl, "", ""},
		"login-cn-wechat.html":      {KindLogin, maimai.CN, "", ""},
		"maintenance-jp.html":       {KindMaintenance, maimai.JP, "1.60", ""},
		"maintenance-intl.html":     {KindMaintenance, maimai.Intl, "1.60", ""},
		"maintenance-cn.html":       {KindMaintenance, maimai.CN, "1.50", ""},
		"home-cn-2020.html":         {KindHome, maimai.CN, "1.20", ""},
		"home-intl-2025.html":       {KindHome, maimai.Intl, "1.60", ""},
		"playerData-cn-2025.html":   {KindPlayerData, maimai.CN, "1.50", ""},
		"playerData-cn-2020.html":   {KindPlayerData, maimai.CN, "1.20", ""},
		"friendCode-intl-2025.html": {KindFriendCode, maimai.Intl, "1.60", ""},
		"error-intl.html":           {KindError, maimai.Intl, "1.60", ""},
	}
	for name, want := range tests {
		t.Run(name, func(t *testing.T) {
			h, err := detectBytes(t, readTestdata(t, name))
			checkHeader(t, h, err, want)
		})
	}
}

// TestDetectEmptyLists: a best-score list with no chart in it is still a
// list, told by its search form or its selected tab.
func TestDetectEmptyLists(t *testing.T) {
	const head = `<html><head><link rel="stylesheet" href="https://maimaidx-eng.com/maimai-mobile/css/common.css?ver=1.60"></head><body>`
	tests := []struct {
		name string
		page string
		want detectWant
	}{
		{"rating list of a new player", head + `
			<img src="https://maimaidx-eng.com/maimai-mobile/img/menu_home_on.png?ver=1.60">
			<a href="https://maimaidx-eng.com/maimai-mobile/home/ratingTargetMusic/"><img src="https://maimaidx-eng.com/maimai-mobile/img/menu_sub_home_rating.png?ver=1.60"><img src="https://maimaidx-eng.com/maimai-mobile/img/icon_on.png" class="submenu_selected"></a>
			<img src="https://maimaidx-eng.com/maimai-mobile/img/title_playerdata.png" class="title m_10">
			<div class="see_through_block"><div class="name_block">ＭＩＮＴＹ</div><div class="rating_block">0</div></div>
			</body></html>`, detectWant{KindScores, maimai.Intl, "1.60", "ratingTargetMusic"}},
		{"level search without results", head + `
			<img src="https://maimaidx-eng.com/maimai-mobile/img/title_music.png" class="title m_10">
			<form action="https://maimaidx-eng.com/maimai-mobile/record/musicLevel/search/" method="get"><select name="level"><option value="23" selected>LEVEL 15</option></select></form>
			</body></html>`, detectWant{KindScores, maimai.Intl, "1.60", "musicLevel"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := detectBytes(t, []byte(tt.page))
			checkHeader(t, h, err, tt.want)
		})
	}
}

func TestDetectRejects(t *testing.T) {
	tests := []struct {
		name    string
		page    []byte
		want    error
		mention string // a word the error must name
	}{
		{"another site linking to DX NET", readTestdata(t, "notdxnet-othersite.html"), ErrNotDXNet, "links"},
		// It links to the WeChat login and quotes the login page's, the
		// error page's and the maintenance notice's words: none of it is
		// the site's own markup.
		{"a how-to page linking to the WeChat login", readTestdata(t, "notdxnet-howto-cn-login.html"), ErrNotDXNet, "only links"},
		{"nothing but the WeChat login link", []byte(`<html><body><p>登录：<a href="https://tgk-wcaime.wahlap.com/wc_auth/oauth/authorize/maimai-dx">舞萌DX</a></p></body></html>`), ErrNotDXNet, "only links"},
		{"a JSON file", readTestdata(t, "notdxnet-json.html"), ErrNotDXNet, "no maimai DX NET"},
		{"plain text quoting an error code", readTestdata(t, "notdxnet-text.html"), ErrNotDXNet, "no maimai DX NET"},
		{"random HTML", []byte(`<html><body><div class="post"><p>hello</p></div></body></html>`), ErrNotDXNet, "no maimai DX NET"},
		{"a DX NET page maiprobe does not read", readTestdata(t, "unknown-collection.html"), ErrUnknownPage, "title_collection"},
		{"a DX NET frame without a title", []byte(`<html><head><link rel="stylesheet" href="https://maimai.wahlap.com/maimai-mobile/css/common.css?ver=1.50"></head><body><div class="see_through_block">?</div></body></html>`), ErrUnknownPage, "no title image"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := detectBytes(t, tt.page)
			if !errors.Is(err, tt.want) {
				t.Fatalf("detect = %+v, %v; want %v", h, err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.mention) {
				t.Errorf("error %q does not mention %q", err, tt.mention)
			}
		})
	}
}

func TestAssetVersion(t *testing.T) {
	tests := map[string]string{
		"https://maimai.wahlap.com/maimai-mobile/css/common.css?ver=1.50?20250117": "1.50",
		"https://maimaidx-eng.com/maimai-mobile/css/common.css?ver=1.60":           "1.60",
		"https://maimaidx-eng.com/maimai-mobile/css/modaal.min.css":                "",
	}
	for in, want := range tests {
		if got := assetVersion(in); got != want {
			t.Errorf("assetVersion(%q) = %q, want %q", in, got, want)
		}
	}
}

func BenchmarkDetect(b *testing.B) {
	page := readFixture(b, "intl/musicGenre-minty-3.html")
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := detect(doc, page); err != nil {
			b.Fatal(err)
		}
	}
}
