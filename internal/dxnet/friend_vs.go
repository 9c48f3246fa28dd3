package dxnet

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// A friendVs chart block (friend/friendGenreVs/, friendLevelVs/) is
//
//	div.music_<diff>_score_back
//	  img diff_<diff>.png, img.music_kind_icon (or a utage badge)
//	  div.music_lv_block, div.music_name_block
//	  table
//	    tr  td (the player's value) | td (vs_win/vs_lose/vs_draw, the gap) | td (the friend's value)
//	    tr  td.t_l (the player's icons) | td.t_r (the friend's icons, drawn right to left)
//
// The left column is always the logged-in player ("friend_vs_you"), the
// right one the friend. A value of "― %" is a chart that side never
// played. Which value the page compares (achievement or DX score) is the
// scoreType selected in its search form.

// parseFriendVs reads a friend comparison page.
func parseFriendVs(doc *html.Node, h *Header) (Page, error) {
	p := &FriendVsPage{Header: *h, Charts: []VsChart{}}
	you, friend := firstClass(doc, "friend_vs_you_block"), firstClass(doc, "friend_vs_friend_block")
	if you == nil || friend == nil {
		return nil, layoutErr(h.Kind, "no player and friend cards (friend_vs_you_block, friend_vs_friend_block)")
	}
	var err error
	if p.Player, err = vsCard(you); err != nil {
		return nil, layoutErr(h.Kind, "the player's card: %v", err)
	}
	if p.Friend, err = vsCard(friend); err != nil {
		return nil, layoutErr(h.Kind, "the friend's card: %v", err)
	}

	section := ""
	walk(doc, func(n *html.Node) bool {
		if err != nil {
			return false
		}
		if n.Type != html.ElementNode {
			return n.Type == html.DocumentNode
		}
		switch n.DataAtom {
		case atom.Script, atom.Style:
			return false
		case atom.Select:
			switch attr(n, "name") {
			case "scoreType":
				switch v := selectedValue(n); v {
				case "2":
					p.ScoreType = VsAchievement
				case "1":
					p.ScoreType = VsDXScore
				default:
					err = layoutErr(h.Kind, "score type %q is neither 2 (achievement) nor 1 (DX score)", v)
				}
			case "genre", "level", "diff":
				if t := selectedOption(n); t != "" {
					p.Filter = append(p.Filter, t)
				}
			}
			return false
		case atom.Input:
			// Every form of the page (the genre/level tabs, the search)
			// names the friend by the same idx, the friend's code.
			if attr(n, "name") == "idx" {
				v := attr(n, "value")
				if p.Friend.FriendCode != "" && v != p.Friend.FriendCode {
					err = layoutErr(h.Kind, "two friends on one page: idx %q and %q", p.Friend.FriendCode, v)
				}
				p.Friend.FriendCode = v
			}
			return false
		case atom.Div:
			if hasClass(n, "screw_block") {
				section = text(n)
				return false
			}
			d, ok, e := scoreBackDiff(n)
			if e != nil {
				err = layoutErr(h.Kind, "%v", e)
				return false
			}
			if ok {
				c, e := vsChart(n, d, p.ScoreType)
				if e != nil {
					err = layoutErr(h.Kind, "chart %d: %v", len(p.Charts)+1, e)
					return false
				}
				c.Section = section
				p.Charts = append(p.Charts, c)
				return false
			}
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	if p.ScoreType == "" {
		return nil, layoutErr(h.Kind, "no score type (select name=scoreType): achievement or DX score is unknown")
	}
	if len(p.Charts) == 0 && firstClass(doc, "town_block") == nil {
		return nil, layoutErr(h.Kind, "no chart blocks (music_*_score_back) and no search form")
	}
	return p, nil
}

// vsCard reads one side's card: icon, rating and name.
func vsCard(n *html.Node) (VsPlayer, error) {
	var c VsPlayer
	rating := firstClass(n, "rating_block")
	if rating == nil {
		return c, fmt.Errorf("no rating (rating_block)")
	}
	r, err := strconv.Atoi(text(rating))
	if err != nil {
		return c, fmt.Errorf("rating %q is not a number", text(rating))
	}
	c.Rating = r
	for _, img := range findAll(n, isAtom(atom.Img)) {
		src := attr(img, "src")
		switch name := imgName(src); {
		case strings.Contains(src, "/Icon/"):
			c.Icon = src
		case strings.HasPrefix(name, "rating_base_"):
			c.RatingBand = strings.TrimPrefix(name, "rating_base_")
		}
	}
	// The name is the card's one div of plain text (f_b), beside the
	// rating's div.
	for x := n.FirstChild; x != nil; x = x.NextSibling {
		if x.DataAtom == atom.Div && find(x, isAtom(atom.Img)) == nil && firstClass(x, "rating_block") == nil && !hasClass(x, "rating_block") {
			if t := strings.TrimSpace(rawText(x)); t != "" {
				c.Name = t
			}
		}
	}
	if c.Name == "" {
		return c, fmt.Errorf("no name")
	}
	return c, nil
}

// vsChart reads one chart block of the comparison.
func vsChart(n *html.Node, d maimai.Difficulty, st VsScoreType) (VsChart, error) {
	c := VsChart{}
	c.Difficulty = d
	var table *html.Node
	var err error
	walk(n, func(x *html.Node) bool {
		if err != nil || x.Type != html.ElementNode {
			return false
		}
		switch {
		case x.DataAtom == atom.Table:
			if table != nil {
				err = fmt.Errorf("two score tables")
			}
			table = x
			return false
		case x.DataAtom == atom.Img:
			src := attr(x, "src")
			if t, ok := typeIcon(src); ok {
				c.Type = t
			} else if dd, ok := diffIcon(src); ok && dd != d {
				err = fmt.Errorf("block class says %s but its image says %s", d, dd)
			}
		case hasClass(x, "music_kind_icon_utage"):
			c.UtageMark, err = utageBadge(x)
			return false
		case hasClass(x, "music_name_block"):
			c.Title = rawText(x)
			return false
		case hasClass(x, "music_lv_block"):
			c.Level = text(x)
			return false
		}
		return true
	})
	switch {
	case err != nil:
		return c, err
	case c.Title == "":
		return c, fmt.Errorf("no title (music_name_block)")
	case c.Level == "":
		return c, fmt.Errorf("%q: no level (music_lv_block)", c.Title)
	case table == nil:
		return c, fmt.Errorf("%q: no score table", c.Title)
	}
	if c.Type == "" {
		if d != maimai.Utage {
			return c, fmt.Errorf("%q: no chart type icon (music_kind_icon)", c.Title)
		}
		c.Type = maimai.DX // as on the lists: a utage chart without an icon is a DX chart
	}
	rows := findAll(table, isAtom(atom.Tr))
	if len(rows) != 2 {
		return c, fmt.Errorf("%q: %d table rows, want 2 (values, icons)", c.Title, len(rows))
	}
	vals, icons := cells(rows[0]), cells(rows[1])
	if len(vals) != 3 || len(icons) != 2 {
		return c, fmt.Errorf("%q: %d value cells and %d icon cells, want 3 and 2", c.Title, len(vals), len(icons))
	}
	if c.Player, err = vsScore(vals[0], icons[0], st); err != nil {
		return c, fmt.Errorf("%q: the player's score: %v", c.Title, err)
	}
	if c.Friend, err = vsScore(vals[2], icons[1], st); err != nil {
		return c, fmt.Errorf("%q: the friend's score: %v", c.Title, err)
	}
	for _, img := range findAll(vals[1], isAtom(atom.Img)) {
		switch name := imgName(attr(img, "src")); name {
		case "vs_win":
			c.Result = VsWin
		case "vs_lose":
			c.Result = VsLose
		case "vs_draw":
			c.Result = VsDraw
		default:
			return c, fmt.Errorf("%q: result image %q", c.Title, name)
		}
	}
	if c.Result == "" {
		return c, fmt.Errorf("%q: no result image (vs_win, vs_lose, vs_draw)", c.Title)
	}
	return c, nil
}

// cells is a row's <td>s.
func cells(tr *html.Node) []*html.Node {
	var out []*html.Node
	for x := tr.FirstChild; x != nil; x = x.NextSibling {
		if x.DataAtom == atom.Td {
			out = append(out, x)
		}
	}
	return out
}

// vsScore reads one side of a chart: its value cell and its icon cell.
func vsScore(val, icons *html.Node, st VsScoreType) (VsScore, error) {
	var s VsScore
	v := text(val)
	for _, img := range findAll(icons, isAtom(atom.Img)) {
		src := attr(img, "src")
		k := iconKey(src)
		if isDummy(k) {
			continue
		}
		if r, ok := rankIcon(src); ok {
			s.Rank = r
		} else if f, ok := fcIcon(src); ok {
			s.FC = f
		} else if f, ok := fsIcon(src); ok {
			s.FS = f
		} else {
			return s, fmt.Errorf("unknown icon %q", imgFile(src))
		}
	}
	if strings.HasPrefix(v, "―") || strings.HasPrefix(v, "-") {
		// Never played: no value, and so no icons either.
		if s.Rank != "" || s.FC != "" || s.FS != "" {
			return s, fmt.Errorf("%q (not played) but rank, combo or sync icons", v)
		}
		return s, nil
	}
	s.Played = true
	switch st {
	case VsAchievement:
		a, err := maimai.ParseAchievement(v)
		if err != nil {
			return s, err
		}
		s.Achievement = &a
	case VsDXScore:
		n, err := atoiComma(v)
		if err != nil {
			return s, fmt.Errorf("DX score %q is not a number", v)
		}
		s.DXScore = &n
	}
	return s, nil
}

// selectedValue is the value of a <select>'s chosen option, as a browser
// would send it.
func selectedValue(sel *html.Node) string {
	var first, chosen *html.Node
	walk(sel, func(x *html.Node) bool {
		if x.DataAtom != atom.Option {
			return true
		}
		if first == nil {
			first = x
		}
		for _, a := range x.Attr {
			if a.Key == "selected" && chosen == nil {
				chosen = x
			}
		}
		return false
	})
	if chosen == nil {
		chosen = first
	}
	if chosen == nil {
		return ""
	}
	return attr(chosen, "value")
}
