package dxnet

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// parseFriend reads friend/: the two counters above the list and one card
// per friend (a see_through_block holding a name_block), with the friend's
// code from the card's forms and the favourite mark from which favourite
// button the card offers.
func parseFriend(doc *html.Node, h *Header) (Page, error) {
	p := &FriendPage{Header: *h, Friends: []Friend{}}
	for _, b := range byClass(doc, "basic_block") {
		// "好友数<br>1/100": a label and a count on two lines.
		lines := messageLines(b)
		if len(lines) != 2 || !strings.Contains(lines[1], "/") {
			continue
		}
		label, value := lines[0], lines[1]
		c, err := parseCount(strings.TrimSpace(value))
		if err != nil {
			return nil, layoutErr(h.Kind, "counter %q: %v", strings.TrimSpace(label), err)
		}
		switch l := strings.TrimSpace(label); {
		case strings.Contains(l, "喜爱") || strings.Contains(strings.ToLower(l), "favorite") || strings.Contains(l, "お気に入り"):
			p.FavoriteCount = &c
		default:
			p.Count = &c
		}
	}
	for _, card := range byClass(doc, "see_through_block") {
		if firstClass(card, "name_block") == nil {
			continue
		}
		prof, err := parseProfile(card, h.Kind)
		if err != nil {
			return nil, layoutErr(h.Kind, "friend %d: %v", len(p.Friends)+1, err)
		}
		f := Friend{Profile: prof}
		var on, off bool
		for _, form := range findAll(card, isAtom(atom.Form)) {
			action := attr(form, "action")
			switch {
			case strings.Contains(action, "/favoriteOn/"):
				on = true
			case strings.Contains(action, "/favoriteOff/"):
				off = true
			}
			for _, in := range findAll(form, isAtom(atom.Input)) {
				if attr(in, "name") != "idx" {
					continue
				}
				v := attr(in, "value")
				if f.FriendCode != "" && v != f.FriendCode {
					return nil, layoutErr(h.Kind, "friend %q: two codes (idx) %q and %q on one card", prof.Name, f.FriendCode, v)
				}
				f.FriendCode = v
			}
		}
		if on == off {
			return nil, layoutErr(h.Kind, "friend %q: want one favourite button (favoriteOn or favoriteOff), got on=%v off=%v", prof.Name, on, off)
		}
		if f.FriendCode == "" {
			return nil, layoutErr(h.Kind, "friend %q: no friend code (idx) in the card's forms", prof.Name)
		}
		f.Favorite = off
		p.Friends = append(p.Friends, f)
	}
	if len(p.Friends) == 0 && (p.Count == nil || p.Count.Got != 0) {
		return nil, layoutErr(h.Kind, "no friend cards (see_through_block with a name_block) and no \"0/…\" friend counter")
	}
	return p, nil
}
