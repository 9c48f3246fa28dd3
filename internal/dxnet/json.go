package dxnet

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// ParseJSON reads a page back from its JSON, the form `maiprobe parse`
// prints and `maiprobe gen` stores as the raw bytes of every page it makes,
// so that an archive holding such pages can be derived again from them
// (reparse, split, restore). It is not a way in for imports: hand-written
// JSON can claim anything, while Parse reads only what the site renders.
// It is as strict as Parse is: one JSON object of a kind that carries
// player data, no field the page types lack, a known region, and the
// parsers' limits (MaxRecordPlays, MaxPhotos, MaxPageSize); errors wrap
// ErrNotDXNet (not a JSON page at all) or ErrLayout (a JSON page that is
// not one maiprobe wrote).
func ParseJSON(b []byte) (Page, error) {
	if len(b) > MaxPageSize {
		return nil, fmt.Errorf("%w: %d bytes is over the %d MB limit", ErrNotDXNet, len(b), MaxPageSize>>20)
	}
	if t := bytes.TrimLeft(b, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return nil, fmt.Errorf("%w: not a JSON page", ErrNotDXNet)
	}
	var head struct {
		Kind Kind `json:"page"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return nil, fmt.Errorf("%w: not a JSON page: %v", ErrNotDXNet, err)
	}
	var p Page
	switch head.Kind {
	case KindHome:
		p = &HomePage{}
	case KindPlayerData:
		p = &PlayerDataPage{}
	case KindPhoto:
		p = &PhotoPage{}
	case KindRecord:
		p = &RecordPage{}
	case KindPlaylogDetail:
		p = &PlaylogDetailPage{}
	case KindScores:
		p = &ScoresPage{}
	case KindMusicDetail:
		p = &MusicDetailPage{}
	case KindFriendCode:
		p = &FriendCodePage{}
	case KindFriend:
		p = &FriendPage{}
	case KindFriendVs:
		p = &FriendVsPage{}
	case "":
		return nil, fmt.Errorf("%w: a JSON object without a \"page\" kind", ErrNotDXNet)
	default:
		// Error, login and maintenance pages carry no player data, so no
		// archive stores them; anything else is no kind at all.
		return nil, fmt.Errorf("%w: JSON page of kind %q, which holds no player data", ErrLayout, head.Kind)
	}
	// json.Unmarshal above has refused anything but one JSON value, so
	// one Decode reads all of b.
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(p); err != nil {
		return nil, fmt.Errorf("%w: %s JSON page: %v", ErrLayout, head.Kind, err)
	}
	h := p.Head()
	if !h.Region.Valid() {
		return nil, fmt.Errorf("%w: %s JSON page of unknown region %q", ErrLayout, h.Kind, h.Region)
	}
	switch p := p.(type) {
	case *RecordPage:
		if len(p.Plays) > MaxRecordPlays {
			return nil, layoutErr(KindRecord, "%d plays, but the record page shows at most %d", len(p.Plays), MaxRecordPlays)
		}
	case *PhotoPage:
		if len(p.Photos) > MaxPhotos {
			return nil, layoutErr(KindPhoto, "%d photos, but the album shows at most %d", len(p.Photos), MaxPhotos)
		}
	}
	return p, nil
}
