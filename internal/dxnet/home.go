package dxnet

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// parseHome reads home/: the player card and the comment below it.
func parseHome(doc *html.Node, h *Header) (Page, error) {
	p, err := parseProfile(doc, h.Kind)
	if err != nil {
		return nil, err
	}
	return &HomePage{Header: *h, Profile: p}, nil
}

// parseProfile reads the player card that home/, playerData/ and
// friend/userFriendCode/ show alike. The card is the see_through_block
// around the name_block (the friend-code page has another
// see_through_block before it); a fragment without it is read whole.
func parseProfile(doc *html.Node, kind Kind) (Profile, error) {
	var p Profile
	name := firstClass(doc, "name_block")
	if name == nil {
		return p, layoutErr(kind, "no player name (name_block)")
	}
	card := name
	for card.Parent != nil && !hasClass(card, "see_through_block") {
		card = card.Parent
	}
	if card.Parent == nil { // no see_through_block: read the whole page
		card = doc
	}
	p.Name = text(name)
	if p.Name == "" {
		return p, layoutErr(kind, "the player name (name_block) is empty")
	}

	rating := ""
	var st cardState
	walk(card, func(n *html.Node) bool {
		if st.err != nil {
			return false
		}
		if n.Type != html.ElementNode {
			return true
		}
		if n.DataAtom == atom.Img {
			if imgName(attr(n, "src")) == "icon_star" {
				st.starIcon = true
			}
			profileImg(&p, n)
			return true
		}
		for _, c := range strings.Fields(attr(n, "class")) {
			switch {
			case c == "rating_block":
				rating = text(n)
				st.rating = n
			case c == "trophy_block":
				p.Trophy = text(n)
				st.trophyBlock = true
			case c == "trophy_inner_block":
				st.trophyInner = true
			case strings.HasPrefix(c, "trophy_"):
				p.TrophyColor = strings.ToLower(strings.TrimPrefix(c, "trophy_"))
			case c == "comment_block", c == "friend_comment_block":
				p.Comment = text(n)
				return false
			}
		}
		if own := ownText(n); own != "" {
			st.err = profileText(&p, &st, n, own)
		}
		return true
	})
	if st.err != nil {
		return p, layoutErr(kind, "%v", st.err)
	}
	if st.rating != nil && p.RatingBand == "" {
		if img := find(st.rating.Parent, isAtom(atom.Img)); img != nil {
			return p, layoutErr(kind, "the rating's image %s is not a rating_base_<band>", imgName(attr(img, "src")))
		}
	}
	if st.starIcon && !st.stars {
		return p, layoutErr(kind, "the card shows the star icon but no star count (×N) beside it")
	}
	if (st.trophyInner || p.TrophyColor != "") && !st.trophyBlock {
		return p, layoutErr(kind, "the card has a trophy but no trophy_block")
	}
	if st.trophyBlock && p.TrophyColor == "" {
		return p, layoutErr(kind, "the trophy %q has no colour (trophy_<colour> class)", p.Trophy)
	}

	r, err := strconv.Atoi(rating)
	if err != nil {
		return p, layoutErr(kind, "rating %q (rating_block) is not a number", rating)
	}
	p.Rating = r
	return p, nil
}

// profileImg reads the card's images: icon, rating band, ranks, partner.
func profileImg(p *Profile, n *html.Node) {
	src := attr(n, "src")
	name := imgName(src)
	switch {
	case strings.Contains(src, "/Icon/") && p.Icon == "":
		p.Icon = src
	case strings.Contains(src, "/Chara/") && p.Partner == "":
		p.Partner = src
	case strings.HasPrefix(name, "rating_base_"):
		p.RatingBand = strings.TrimPrefix(name, "rating_base_")
	case strings.HasPrefix(name, "course_rank_"):
		p.CourseRank = imgFile(src)
	case strings.HasPrefix(name, "class_rank_"):
		p.ClassRank = imgFile(src)
	case strings.HasPrefix(name, "grade_"):
		p.Grade = imgFile(src)
	}
}

// cardState is what parseProfile saw besides the profile itself, to tell
// a card it does not fully understand.
type cardState struct {
	starIcon, stars          bool // the icon_star image; a star count read
	rating                   *html.Node
	trophyBlock, trophyInner bool
	err                      error
}

// profileText reads the card's loose text: the stars ("×85" after the star
// icon), the old pages' "MAX：5077" and the play counts.
func profileText(p *Profile, c *cardState, n *html.Node, own string) error {
	if rest, ok := strings.CutPrefix(own, "×"); ok {
		icon := find(n, isAtom(atom.Img))
		if icon == nil {
			return nil
		}
		if name := imgName(attr(icon, "src")); name != "icon_star" {
			return fmt.Errorf("a count %q beside the icon %s, not icon_star", own, name)
		}
		v, err := atoiComma(rest)
		if err != nil {
			return fmt.Errorf("star count %q is not a number", own)
		}
		p.Stars, c.stars = v, true
		return nil
	}
	for _, line := range textLines(n) {
		label, value, ok := cutLabel(line)
		if !ok {
			continue
		}
		kind := playCountLabel(label)
		if kind == "" {
			continue
		}
		v, err := atoiComma(value)
		if err != nil {
			return fmt.Errorf("%q: %q is not a number", label, value)
		}
		switch kind {
		case "max":
			p.RatingMax = v
		case "total":
			p.PlayCount = v
		case "version":
			p.PlayCountVersion = v
		}
	}
	return nil
}

// playCountLabel sorts the labels of the card's numbers in the three
// languages: "play count of current version", "当前版本的游玩次数",
// "現バージョンプレイ回数" are "version"; "maimaiDX total play count",
// "舞萌DX的累计游玩次数", "累計プレイ回数" are "total".
func playCountLabel(label string) string {
	l := strings.ToLower(label)
	switch {
	case l == "max":
		return "max"
	case !strings.Contains(l, "play count") && !strings.Contains(l, "次数") && !strings.Contains(l, "回数"):
		return ""
	case strings.Contains(l, "total"), strings.Contains(l, "累计"), strings.Contains(l, "累計"),
		strings.Contains(l, "総"), strings.Contains(l, "总"):
		return "total"
	case strings.Contains(l, "version"), strings.Contains(l, "版本"), strings.Contains(l, "バージョン"):
		return "version"
	case strings.Contains(l, "游戏次数"): // the old CN page shows one count
		return "total"
	}
	return ""
}

// cutLabel splits "label：value" at a full-width or ASCII colon.
func cutLabel(s string) (label, value string, ok bool) {
	for _, sep := range []string{"：", ":"} {
		if l, v, found := strings.Cut(s, sep); found {
			return strings.TrimSpace(l), strings.TrimSpace(v), true
		}
	}
	return "", "", false
}

// textLines is n's own text split where the page breaks lines (<br>) or
// lists items ("，"), each line folded like text.
func textLines(n *html.Node) []string {
	var lines []string
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.TextNode {
			continue
		}
		for _, part := range strings.Split(c.Data, "，") {
			if f := strings.Join(strings.Fields(part), " "); f != "" {
				lines = append(lines, f)
			}
		}
	}
	return lines
}
