package dxnet

import (
	"bytes"
	"fmt"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// siteHosts maps a host (or a host fragment) seen in a page's URLs to the
// region it belongs to. The WeChat and SEGA ID login hosts count too: a
// login page is the only page of the site served from them.
var siteHosts = []struct {
	host   string
	region maimai.Region
}{
	{"maimai.wahlap.com", maimai.CN},
	{"tgk-wcaime.wahlap.com", maimai.CN},
	{"maimaidx-eng.com", maimai.Intl},
	{"site_id=maimaidxex", maimai.Intl}, // lng-tgk-aime-gw.am-all.net login for intl
	{"maimaidx.jp", maimai.JP},
}

// regionWords tell the region of fragments that carry no URL, by language.
// Simplified Chinese first: Japanese pages share kanji but not these.
var regionWords = []struct {
	word   string
	region maimai.Region
}{
	{"错误码", maimai.CN}, {"曲目", maimai.CN}, {"舞萌", maimai.CN}, {"游戏", maimai.CN}, {"玩家", maimai.CN},
	{"エラーコード", maimai.JP}, {"でらっくす", maimai.JP}, {"ログイン", maimai.JP}, {"メンテナンス", maimai.JP},
	{"ERROR CODE", maimai.Intl}, {"TRACK", maimai.Intl}, {"maimai DX NET", maimai.Intl},
}

// scoreLists are the best-score lists, by the path segment the site uses.
var scoreLists = []string{"musicGenre", "musicLevel", "musicVersion", "musicSort", "musicWord", "ratingTargetMusic"}

// genreNames are the genre headings of musicGenre in the three regions
// (with "＆" folded to "&"), used to name a hand-trimmed list fragment.
var genreNames = map[string]bool{
	"流行&动漫": true, "niconico&vocaloid™": true, "东方project": true, "其他游戏": true,
	"舞萌": true, "音击&中二节奏": true, "宴会场": true,
	"pops&anime": true, "東方project": true, "game&variety": true, "ongeki&chunithm": true,
	"宴会場": true, "pops&アニメ": true, "niconico&ボーカロイド": true, "ゲーム&バラエティ": true,
	"オンゲキ&chunithm": true,
}

// signals is what one walk over a page collects to decide its kind.
type signals struct {
	done bool // a decisive mark was seen; the rest of the tree is skipped

	votes     map[maimai.Region]int
	asset     bool // an asset or form of a DX NET host, or DX NET's own classes
	ver       string
	titleImgs []string // title_*.png names in document order
	lastImg   string   // name of the previous <img>, for the *_selected marks
	menuOn    string   // menu_*_on image of the top menu
	subMenu   string   // submenu image marked submenu_selected
	onArea    string   // href of the selected search tab
	list      string   // list name read off a search form or tab
	selects   []string // <select name=…>
	screw     string   // first screw_block heading

	playlogTop  int
	detail      bool // playlog_notes_detail and friends
	photo       bool
	musicDetail bool
	scoreBack   int
	musicCount  bool
	friendCode  bool
	friendList  bool
	friendVs    bool
	profile     bool // name_block of the player card
	comment     bool
	errTitle    bool
	login       bool
	loginLink   bool // a link (<a href>) to the WeChat login
	loginForm   bool // a form posting to the site's login
	weui        bool // WeChat's own message page, where its login sends a browser
	maintTitle  bool
}

// detect reads a page's region, kind and site version in one walk over
// the tree, stopping as soon as a mark that decides the kind is seen.
func detect(doc *html.Node, raw []byte) (*Header, error) {
	s := &signals{votes: map[maimai.Region]int{}}
	walk(doc, func(n *html.Node) bool {
		if s.done {
			return false
		}
		if n.Type != html.ElementNode {
			return true
		}
		switch n.DataAtom {
		case atom.Script, atom.Style:
			return false
		}
		s.element(n)
		return !s.done
	})

	h := &Header{Region: s.region(raw), SiteVersion: s.ver}
	kind, err := s.kind(raw)
	if err != nil {
		return nil, err
	}
	h.Kind = kind
	if kind == KindScores {
		h.list = s.scoreList()
	}
	if h.Region == "" {
		return nil, fmt.Errorf("%w: a %s page but neither its URLs nor its text tell the region", ErrUnknownPage, kind)
	}
	return h, nil
}

// element records what one element says about the page.
func (s *signals) element(n *html.Node) {
	for _, a := range n.Attr {
		switch a.Key {
		case "src", "href", "action":
			s.url(n, a.Key, a.Val)
		case "class":
			s.classes(n, a.Val)
		case "name":
			if n.DataAtom == atom.Input {
				switch a.Val {
				case "segaId", "sid":
					s.login = true
				}
			}
		}
	}
	switch n.DataAtom {
	case atom.Img:
		s.img(attr(n, "src"))
	case atom.Select:
		if name := attr(n, "name"); name != "" {
			s.selects = append(s.selects, name)
		}
	}
}

// url records the host, version and meaning of one URL attribute.
func (s *signals) url(n *html.Node, key, v string) {
	for _, h := range siteHosts {
		if strings.Contains(v, h.host) {
			s.votes[h.region]++
			// A plain link is what any site can have; an image, style
			// sheet or form of the site's host is the page itself.
			if key != "href" || n.DataAtom == atom.Link {
				s.asset = true
			}
			break
		}
	}
	if strings.Contains(v, "/maimai-mobile/") && key != "href" {
		s.asset = true
	}
	switch {
	case key == "href" && n.DataAtom == atom.Link && s.ver == "" && strings.Contains(v, ".css"):
		s.ver = assetVersion(v)
	case key == "action":
		switch {
		case strings.Contains(v, "/record/musicDetail/") && s.scoreBack > 0:
			// A chart block linking to its song: the first entry of a
			// list (musicDetail's own blocks link to rankings instead).
			s.done = true
		case strings.Contains(v, "/search/"):
			if l := listIn(v); l != "" && s.list == "" {
				s.list = l
			}
		case strings.HasSuffix(v, "/maimai-mobile/submit/"), strings.Contains(v, "/aimeList/submit"),
			strings.Contains(v, "common_auth/login"):
			// The SEGA ID / Aime login form: its own markup, on the
			// site's login host.
			s.login, s.loginForm = true, true
		}
	case strings.Contains(v, "open.weixin.qq.com/connect/oauth2"), strings.Contains(v, "/wc_auth/oauth/"):
		// A link to the WeChat login is what any how-to page has; only
		// on WeChat's own message page (weui-msg) or a page of the site
		// does it make a login page.
		if n.DataAtom == atom.A {
			s.loginLink = true
		} else {
			s.login = true
		}
	}
}

// img records title images, the selected menu entries and the rest.
func (s *signals) img(src string) {
	name := imgName(src)
	switch {
	case strings.HasPrefix(name, "title_"):
		s.titleImgs = append(s.titleImgs, name)
		switch name {
		case "title_error":
			s.errTitle, s.done = true, true
		case "title_photo_album", "title_photo":
			s.photo, s.done = true, true
		case "title_friend_code":
			s.friendCode, s.done = true, true
		case "title_friend":
			s.friendList, s.done = true, true
		case "title_friend_vs":
			s.friendVs, s.done = true, true
		case "title_maintenance":
			s.maintTitle, s.done = true, true
		}
	case strings.HasPrefix(name, "menu_") && strings.HasSuffix(name, "_on"):
		if s.menuOn == "" {
			s.menuOn = name
		}
	}
	s.lastImg = name
}

// classes records the class names that mark a kind of page.
func (s *signals) classes(n *html.Node, v string) {
	for _, c := range strings.Fields(v) {
		switch c {
		case "submenu_selected":
			s.subMenu = s.lastImg
		case "on_area":
			if s.onArea == "" {
				s.onArea = attr(n, "href")
			}
		case "playlog_top_container":
			s.asset = true
			s.playlogTop++
			// Fifty of them make the record page; a detail page shows
			// one play (two in the old layout), never three.
			if s.playlogTop >= 3 && !s.detail {
				s.done = true
			}
		case "playlog_notes_detail", "playlog_fl_block", "playlog_rating_detail_block":
			s.detail, s.asset, s.done = true, true, true
		case "music_detail_table":
			s.musicDetail, s.asset, s.done = true, true, true
		case "musiccount_block":
			s.musicCount, s.asset, s.done = true, true, true
		case "name_block", "rating_block", "trophy_block", "see_through_block", "basic_block", "container_red":
			s.asset = true
			if c == "name_block" {
				s.profile = true
			}
		case "comment_block":
			s.comment = true
		case "weui-msg":
			s.weui = true
		case "screw_block":
			if s.screw == "" {
				s.screw = text(n)
			}
		default:
			if strings.HasPrefix(c, "music_") && strings.HasSuffix(c, "_score_back") {
				s.asset = true
				s.scoreBack++
			} else if strings.HasPrefix(c, "photo_") || strings.HasPrefix(c, "playlog_") {
				s.asset = true
			}
		}
	}
}

// region is the region most of the page's URLs point at, or failing any
// URL the region its words are written for.
func (s *signals) region(raw []byte) maimai.Region {
	var best maimai.Region
	for _, r := range []maimai.Region{maimai.CN, maimai.Intl, maimai.JP} {
		if s.votes[r] > s.votes[best] {
			best = r
		}
	}
	if best != "" {
		return best
	}
	for _, w := range regionWords {
		if bytes.Contains(raw, []byte(w.word)) {
			return w.region
		}
	}
	return ""
}

// kind decides the page's kind from the collected marks, the strongest
// first. Error, maintenance and login pages are looked for in the text only
// when no data page was recognised, so a news line mentioning maintenance
// on a home page cannot hide the home page.
func (s *signals) kind(raw []byte) (Kind, error) {
	switch {
	case s.errTitle:
		return KindError, nil
	case s.maintTitle:
		return KindMaintenance, nil
	case s.detail:
		return KindPlaylogDetail, nil
	case s.friendVs:
		return KindFriendVs, nil
	case s.friendList:
		return KindFriend, nil
	case s.playlogTop > 0 || s.hasTitle("title_playlog"):
		return KindRecord, nil
	case s.photo:
		return KindPhoto, nil
	case s.musicDetail:
		return KindMusicDetail, nil
	case s.scoreBack > 0, s.list != "", s.subMenu == "menu_sub_home_rating":
		// A list with no chart in it still has its search form or tab.
		return KindScores, nil
	case s.musicCount:
		return KindPlayerData, nil
	case s.friendCode:
		return KindFriendCode, nil
	case s.subMenu == "menu_sub_home_home",
		s.menuOn == "menu_home_on" && s.titleImgs == nil && (s.profile || s.comment):
		return KindHome, nil
	}
	// Below, the page must show it belongs to DX NET by its own markup:
	// its images, style sheets, forms or class names (or, for the CN login,
	// WeChat's message page). A login form, the word "maintenance" or a
	// link to the site alone is any site, such as a how-to page.
	if !s.asset && len(s.votes) == 0 {
		return "", fmt.Errorf("%w: no maimai DX NET markup, images or links found", ErrNotDXNet)
	}
	if !s.asset && !s.weui && !s.loginForm {
		return "", fmt.Errorf("%w: only links to maimai DX NET, not one of its pages", ErrNotDXNet)
	}
	switch {
	case containsAny(raw, "错误码：", "错误码:", "ERROR CODE：", "ERROR CODE:", "エラーコード：", "エラーコード:"):
		return KindError, nil
	case !s.profile && containsAny(raw, "メンテナンス", "维护", "under maintenance", "Maintenance"):
		return KindMaintenance, nil
	case s.login, s.loginLink,
		containsAny(raw, "请在微信客户端打开链接", "Please agree to the terms of service before log in"):
		return KindLogin, nil
	}
	if !s.asset {
		return "", fmt.Errorf("%w: only links to maimai DX NET, not one of its pages", ErrNotDXNet)
	}
	switch {
	case len(s.titleImgs) > 0:
		return "", fmt.Errorf("%w: title image %q", ErrUnknownPage, s.titleImgs[0])
	case s.subMenu != "":
		return "", fmt.Errorf("%w: selected menu %q", ErrUnknownPage, s.subMenu)
	case s.menuOn != "":
		return "", fmt.Errorf("%w: menu %q without a block maiprobe reads", ErrUnknownPage, s.menuOn)
	}
	return "", fmt.Errorf("%w: no title image or block maiprobe reads", ErrUnknownPage)
}

// scoreList names the best-score list: from the selected home tab, the
// search form, the selected search tab, the filter <select>, and for a
// fragment without any of these from its first heading.
func (s *signals) scoreList() string {
	if s.subMenu == "menu_sub_home_rating" || s.menuOn == "menu_home_on" {
		return "ratingTargetMusic"
	}
	if s.list != "" {
		return s.list
	}
	if l := listIn(s.onArea); l != "" {
		return l
	}
	for _, name := range s.selects {
		switch name {
		case "genre":
			return "musicGenre"
		case "level":
			return "musicLevel"
		case "version":
			return "musicVersion"
		case "sort":
			return "musicSort"
		}
	}
	h := strings.ToLower(strings.ReplaceAll(s.screw, "＆", "&"))
	switch {
	case strings.HasPrefix(h, "level "):
		return "musicLevel"
	case genreNames[h]:
		return "musicGenre"
	}
	return ""
}

func (s *signals) hasTitle(name string) bool {
	for _, t := range s.titleImgs {
		if t == name {
			return true
		}
	}
	return false
}

// listIn finds a list name as a path segment of a URL:
// ".../record/musicGenre/search/" is "musicGenre".
func listIn(u string) string {
	for _, seg := range strings.Split(u, "/") {
		for _, l := range scoreLists {
			if seg == l {
				return l
			}
		}
	}
	return ""
}

// assetVersion reads "1.50" from "common.css?ver=1.50?20250117".
func assetVersion(u string) string {
	_, v, ok := strings.Cut(u, "ver=")
	if !ok {
		return ""
	}
	end := 0
	for end < len(v) && (v[end] == '.' || v[end] >= '0' && v[end] <= '9') {
		end++
	}
	return strings.Trim(v[:end], ".")
}

func containsAny(b []byte, words ...string) bool {
	for _, w := range words {
		if bytes.Contains(b, []byte(w)) {
			return true
		}
	}
	return false
}
