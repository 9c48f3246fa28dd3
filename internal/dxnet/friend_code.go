package dxnet

import (
	"golang.org/x/net/html"
)

// parseFriendCode reads friend/userFriendCode/: the player's own friend
// code and the player card below it.
func parseFriendCode(doc *html.Node, h *Header) (Page, error) {
	code := friendCode(doc)
	if code == "" {
		return nil, layoutErr(h.Kind, "no friend code (a run of digits in a see_through_block)")
	}
	prof, err := parseProfile(doc, h.Kind)
	if err != nil {
		return nil, err
	}
	return &FriendCodePage{Header: *h, Profile: prof, FriendCode: code}, nil
}

// friendCode finds the code: the see_through_block beside the
// friend_code_icon, or failing that the first see_through_block that holds
// nothing but digits.
func friendCode(doc *html.Node) string {
	if icon := firstClass(doc, "friend_code_icon"); icon != nil && icon.Parent != nil {
		if b := firstClass(icon.Parent, "see_through_block"); b != nil && isDigits(text(b)) {
			return text(b)
		}
	}
	for _, b := range byClass(doc, "see_through_block") {
		if t := text(b); isDigits(t) {
			return t
		}
	}
	return ""
}

// isDigits reports a friend code: only ASCII digits, at least 8 of them
// (today's codes have 13 to 15).
func isDigits(s string) bool {
	if len(s) < 8 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
