package dxnet

import (
	"fmt"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// The best-score lists (record/musicGenre, musicLevel, musicVersion,
// musicSort, musicWord and home/ratingTargetMusic) share one block per
// chart: a div of class music_<difficulty>_score_back holding the title
// (music_name_block), the level (music_lv_block), the chart type
// (music_kind_icon, inside the block or beside it in a w_450 wrapper), and
// for a played chart the achievement and DX score (music_score_block) and
// the rank, combo and sync icons (music_icon_*.png). Headings between the
// blocks (screw_block) name the genre, level, version or rating section the
// following charts are under.

// parseScores reads a best-score list in one walk over the page.
func parseScores(doc *html.Node, h *Header) (Page, error) {
	p := &ScoresPage{Header: *h, Scores: []maimai.Score{}}
	r := scoresReader{page: p}
	walk(doc, func(n *html.Node) bool {
		if r.err != nil {
			return false
		}
		if n.Type != html.ElementNode {
			return true
		}
		return r.element(n)
	})
	if r.err != nil {
		return nil, r.err
	}
	p.List = r.listName()
	p.Filter = strings.Join(r.filter, " / ")
	if p.List == "musicGenre" {
		// Only musicGenre's headings are genres; the other lists head their
		// charts with a level, a version or a rating section.
		for i := range p.Scores {
			p.Scores[i].Genre = p.Scores[i].Section
		}
	}
	if len(p.Scores) == 0 && !r.emptyOK {
		return nil, layoutErr(h.Kind, "no chart blocks (music_*_score_back) and no search form: not a list maiprobe knows")
	}
	return p, nil
}

// scoresReader is the state of parseScores' single walk.
type scoresReader struct {
	page    *ScoresPage
	err     error
	section string // the last screw_block heading

	// What the page says about which list it is, strongest first.
	rating  bool   // the rating tab is selected or a rating-target block seen
	form    string // list named by a search form's action
	onArea  string // list named by the selected search tab
	selName string // name of the filter <select>
	wrapped bool   // a block sat in a w_450 wrapper with its type icon beside it

	filter  []string
	emptyOK bool // the page has a search form, so an empty result is a real empty list
}

// element handles one element and says whether to descend into it.
func (r *scoresReader) element(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Script, atom.Style:
		return false
	case atom.Form:
		if l := listIn(attr(n, "action")); l != "" {
			r.form = l
			r.emptyOK = true
		}
	case atom.A:
		if hasClass(n, "on_area") {
			r.onArea = listIn(attr(n, "href"))
		}
		if strings.Contains(attr(n, "href"), "/ratingTargetMusic") && find(n, class("submenu_selected")) != nil {
			r.rating = true
		}
	case atom.Select:
		if r.selName == "" {
			r.selName = attr(n, "name")
		}
		if t := selectedOption(n); t != "" {
			r.filter = append(r.filter, t)
		}
		r.emptyOK = true
		return false
	case atom.Button:
		// The difficulty buttons of the search form; the chosen one carries
		// the diffbtn_selected mark.
		if attr(n, "name") == "diff" && find(n, class("diffbtn_selected")) != nil {
			if b := find(n, isAtom(atom.Img)); b != nil {
				if d, ok := diffIcon(strings.Replace(imgName(attr(b, "src")), "btn_music_", "diff_", 1)); ok {
					r.filter = append(r.filter, string(d))
				}
			}
		}
		return false
	case atom.Div:
		if hasClass(n, "screw_block") {
			r.section = text(n)
			return false
		}
		if hasClass(n, "name_block") && r.page.Player == "" {
			r.page.Player = text(n)
			return false
		}
		d, ok, err := scoreBackDiff(n)
		if err != nil {
			r.err = layoutErr(r.page.Kind, "%v", err)
			return false
		}
		if ok {
			s, err := r.block(n, d)
			if err != nil {
				r.err = layoutErr(r.page.Kind, "chart %d: %v", len(r.page.Scores)+1, err)
				return false
			}
			r.page.Scores = append(r.page.Scores, s)
			return false
		}
	}
	return true
}

// listName decides which list the page is. detect does the same from its
// own walk; the parser reads the page itself so it also stands alone.
func (r *scoresReader) listName() string {
	if r.page.list != "" {
		return r.page.list
	}
	switch {
	case r.rating:
		return "ratingTargetMusic"
	case r.form != "":
		return r.form
	case r.onArea != "":
		return r.onArea
	}
	switch r.selName {
	case "genre":
		return "musicGenre"
	case "level":
		return "musicLevel"
	case "version":
		return "musicVersion"
	case "sort":
		return "musicSort"
	}
	if r.wrapped {
		// Only musicGenre wraps each block with its type icon beside it
		// (a hand-trimmed fragment keeps that but loses the form).
		return "musicGenre"
	}
	return ""
}

// scoreBackDiff reads the difficulty from a block's music_<d>_score_back
// class; ok is false when n is not a chart block.
func scoreBackDiff(n *html.Node) (d maimai.Difficulty, ok bool, err error) {
	c := attr(n, "class")
	if !strings.Contains(c, "_score_back") {
		return "", false, nil
	}
	for _, f := range strings.Fields(c) {
		mid, found := strings.CutPrefix(f, "music_")
		if !found {
			continue
		}
		mid, found = strings.CutSuffix(mid, "_score_back")
		if !found {
			continue
		}
		if mid == "" {
			// The intl site has drawn utage blocks as "music__score_back"
			// (with a "diff_.png" image) for a while.
			return maimai.Utage, true, nil
		}
		d := maimai.Difficulty(mid)
		if !d.Valid() {
			return "", false, fmt.Errorf("block class %q names no known difficulty", f)
		}
		return d, true, nil
	}
	return "", false, nil
}

// block reads one chart block.
func (r *scoresReader) block(n *html.Node, d maimai.Difficulty) (maimai.Score, error) {
	s := maimai.Score{Section: r.section}
	s.Difficulty = d
	var b chartBits
	if err := b.scan(n); err != nil {
		return s, err
	}
	if b.name == nil {
		return s, fmt.Errorf("no title (music_name_block)")
	}
	// The title is kept as written. A title that looks blank is not: "　"
	// (one U+3000, the CN fixture's first chart) is the real title of
	// 如月车站 on every server, and folding it away (as other parsers did,
	// TrueRou/maimai.py#16) loses that song's scores. Only a title with no
	// character at all is a layout problem, and it fails the page rather
	// than dropping the chart.
	s.Title = rawText(b.name)
	if s.Title == "" {
		return s, fmt.Errorf("empty title (music_name_block)")
	}
	if b.level == nil || text(b.level) == "" {
		return s, fmt.Errorf("%q: no level (music_lv_block)", s.Title)
	}
	s.Level = text(b.level)
	if b.diff != "" && b.diff != d {
		return s, fmt.Errorf("%q: block class says %s but its image says %s", s.Title, d, b.diff)
	}
	s.Type = b.typ
	if s.Type == "" {
		t, wrapped, err := siblingType(n)
		if err != nil {
			return s, fmt.Errorf("%q: %v", s.Title, err)
		}
		s.Type = t
		r.wrapped = r.wrapped || wrapped
	}
	if s.Type == "" {
		if d != maimai.Utage {
			return s, fmt.Errorf("%q: no chart type icon (music_kind_icon)", s.Title)
		}
		// Utage charts carry a utage badge instead of a std/DX icon; they
		// are built on DX chart data (touch notes, DX score), so DX.
		s.Type = maimai.DX
	}
	s.Idx = b.idx
	s.UtageMark = b.utage
	if err := b.fill(&s); err != nil {
		return s, fmt.Errorf("%q: %v", s.Title, err)
	}
	if b.ratingRank {
		r.rating = true
	}
	return s, nil
}

// siblingType finds the type icon of a block drawn beside it: musicGenre
// puts each block in a w_450 wrapper with the music_kind_icon after it.
// When a wrapper holds several blocks (a song's std and DX charts as tabs)
// the icons pair with the blocks in order; any other count is ambiguous.
func siblingType(n *html.Node) (maimai.ChartType, bool, error) {
	p := n.Parent
	if p == nil {
		return "", false, nil
	}
	var types []maimai.ChartType
	at, blocks := -1, 0
	for c := p.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		if c == n {
			at = blocks
		}
		if _, ok, _ := scoreBackDiff(c); ok {
			blocks++
			continue
		}
		if c.DataAtom == atom.Img {
			if t, ok := typeIcon(attr(c, "src")); ok {
				types = append(types, t)
			}
		}
	}
	switch {
	case len(types) == 0:
		return "", false, nil
	case len(types) != blocks:
		return "", false, fmt.Errorf("%d chart type icons beside %d blocks", len(types), blocks)
	}
	return types[at], true, nil
}

// chartBits is what one walk over a chart block (of a list or of
// musicDetail) finds.
type chartBits struct {
	name, level *html.Node
	diff        maimai.Difficulty // from a diff_*.png image
	typ         maimai.ChartType  // from a type icon inside the block
	utage       maimai.UtageMark  // from a utage badge inside the block
	idx         string
	achievement string
	dxScore     string
	rank        maimai.Rank
	fc          maimai.FC
	fs          maimai.FS
	diffNum     string // musicDetail's hidden diff input: "0"…"4", "10"
	icons       int    // non-empty rank/combo/sync icons
	ratingRank  bool   // the rank icon of a ratingTargetMusic block
	cells       []string
}

// scan walks a block once.
func (b *chartBits) scan(n *html.Node) error {
	var err error
	walk(n, func(x *html.Node) bool {
		if err != nil || x.Type != html.ElementNode {
			return false
		}
		switch x.DataAtom {
		case atom.Img:
			err = b.img(x)
			return false
		case atom.Input:
			switch attr(x, "name") {
			case "idx":
				b.idx = attr(x, "value")
			case "diff":
				b.diffNum = attr(x, "value")
			}
			return false
		}
		switch {
		case hasClass(x, "black_block"):
			// musicDetail's small table: "PLAY COUNT：" | "16", …
			for _, td := range findAll(x, isAtom(atom.Td)) {
				b.cells = append(b.cells, text(td))
			}
			return false
		case hasClass(x, "music_name_block"):
			b.name = x
			return false
		case hasClass(x, "music_kind_icon_utage"):
			b.utage, err = utageBadge(x)
			return false
		case hasClass(x, "music_lv_block"), hasClass(x, "music_lv_back"):
			b.level = x
			return false
		case hasClass(x, "music_score_block"):
			// Its own text only: the rating list nests the rank icon's div
			// inside, and musicDetail a blank spacer div.
			t := ownText(x)
			switch {
			case strings.HasSuffix(t, "%"):
				b.achievement = t
			case strings.Contains(t, "/"):
				b.dxScore = t
			}
		}
		return true
	})
	return err
}

// img reads one image of a block.
func (b *chartBits) img(x *html.Node) error {
	src := attr(x, "src")
	name := imgName(src)
	switch {
	case strings.HasPrefix(name, "diff_"):
		if d, ok := diffIcon(src); ok {
			b.diff = d
		}
	case name == "music_dx" || name == "music_standard":
		t, _ := typeIcon(src)
		b.typ = t
	case strings.HasPrefix(name, "music_icon_"):
		k := iconKey(src)
		if isDummy(k) || strings.HasPrefix(k, "dxstar") {
			return nil
		}
		if r, ok := rankIcon(src); ok {
			b.rank = r
			b.ratingRank = b.ratingRank || hasClass(x, "ratingtarget_scorerank_img")
		} else if f, ok := fcIcon(src); ok {
			b.fc = f
		} else if f, ok := fsIcon(src); ok {
			b.fs = f
		} else {
			return fmt.Errorf("unknown icon %q", imgFile(src))
		}
		b.icons++
	}
	return nil
}

// fill copies a played chart's achievement, DX score and marks into s.
func (b *chartBits) fill(s *maimai.Score) error {
	if b.achievement == "" {
		if b.icons > 0 {
			return fmt.Errorf("rank or combo icons but no achievement")
		}
		return nil
	}
	a, err := maimai.ParseAchievement(b.achievement)
	if err != nil {
		return err
	}
	s.Played = true
	s.Achievement = a
	if b.dxScore != "" {
		got, max, ok := strings.Cut(b.dxScore, "/")
		if !ok {
			return fmt.Errorf("DX score %q", b.dxScore)
		}
		if s.DXScore, err = atoiComma(got); err != nil {
			return fmt.Errorf("DX score %q: %v", b.dxScore, err)
		}
		if s.DXScoreMax, err = atoiComma(max); err != nil {
			return fmt.Errorf("DX score %q: %v", b.dxScore, err)
		}
	}
	if b.rank == "" {
		return fmt.Errorf("achievement %s but no rank icon", b.achievement)
	}
	s.Rank, s.FC, s.FS = b.rank, b.fc, b.fs
	return nil
}

// selectedOption is the text of a <select>'s chosen option: the one marked
// selected, else the first, as a browser shows it.
func selectedOption(sel *html.Node) string {
	var first, chosen *html.Node
	walk(sel, func(x *html.Node) bool {
		if x.DataAtom != atom.Option {
			return true
		}
		if first == nil {
			first = x
		}
		if chosen == nil {
			for _, a := range x.Attr {
				if a.Key == "selected" {
					chosen = x
				}
			}
		}
		return false
	})
	if chosen == nil {
		chosen = first
	}
	return text(chosen)
}
