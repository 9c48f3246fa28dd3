package dxnet

import (
	"strings"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// Owner is the in-game identity of the player whose page it is, as far as
// the page shows it: always the region, the name where the page carries
// the player's own card, the friend code only on friend/userFriendCode/.
// The archive binds a player to it so pages of another player are not
// merged into the wrong archive.
type Owner struct {
	Region     maimai.Region `json:"region,omitempty"`
	Name       string        `json:"name,omitempty"`
	FriendCode string        `json:"friend_code,omitempty"`
}

// OwnerOf returns the identity of the player whose page p is. Names are
// kept as displayed (the full-width "ＭＩＮＴＹ" is the name), with only
// surrounding white space trimmed. A friend's name on the friend list or
// the friend comparison is never returned: only the logged-in player's own.
func OwnerOf(p Page) Owner {
	if p == nil || p.Head() == nil {
		return Owner{}
	}
	o := Owner{Region: p.Head().Region}
	switch p := p.(type) {
	case *HomePage:
		o.Name = p.Name
	case *PlayerDataPage:
		o.Name = p.Name
	case *FriendCodePage:
		o.Name = p.Name
		o.FriendCode = p.FriendCode
	case *ScoresPage:
		o.Name = p.Player // ratingTargetMusic shows the player's card
	case *FriendVsPage:
		o.Name = p.Player.Name // the "you" side; p.Friend is someone else
	}
	o.Name = strings.TrimSpace(o.Name)
	o.FriendCode = strings.TrimSpace(o.FriendCode)
	return o
}
