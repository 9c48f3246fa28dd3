package dxnet

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// A play block of record/ (and the header of record/playlogDetail/) is
//
//	div.p_10.t_l.f_0.v_b
//	  div.playlog_top_container   difficulty image, track, time (utage: kind badge)
//	  div.playlog_<diff>_container
//	    div.basic_block           title (+ clear image, or the intl level badge)
//	    div.p_r                   jacket, chart type, achievement, rank,
//	                              DX score and stars, FC/FS, matching rank, idx
//
// parsePlay reads one such block in a single walk. Every play must yield
// every field below it calls required; a block that does not is a layout
// error, never a play with holes in it.

// MaxRecordPlays is the most plays record/ shows (the last 50), and
// MaxPhotos the most photos playerData/photo/ shows (the last 10). A page
// holding more was made by hand, and would otherwise let one file add any
// number of plays to an archive.
const (
	MaxRecordPlays = 50
	MaxPhotos      = 10
)

// playTimeLayout is how every region prints a play's time.
const playTimeLayout = "2006/01/02 15:04"

// parseRecord reads record/: the last 50 plays, newest first.
//
// A record page with no plays is valid only when it is plainly the record
// page (it carries the title_playlog heading) and has no trace of a play
// block at all: no playlog_ markup and no playlogDetail link. Anything else
// without plays is an unfamiliar layout.
func parseRecord(doc *html.Node, h *Header) (Page, error) {
	blocks, results, title := scanRecord(doc)
	if len(blocks) > MaxRecordPlays {
		return nil, layoutErr(KindRecord, "%d plays, but the record page shows at most %d: not a page the site could have served", len(blocks), MaxRecordPlays)
	}
	p := &RecordPage{Header: *h, Plays: make([]maimai.Play, 0, len(blocks))}
	if len(blocks) == 0 {
		if !title || results > 0 {
			return nil, layoutErr(KindRecord, "no play blocks (playlog_top_container) found")
		}
		return p, nil
	}
	if results != len(blocks) {
		return nil, layoutErr(KindRecord, "%d play results (playlog_result_block) but %d play headers (playlog_top_container)", results, len(blocks))
	}
	loc := h.Region.Location()
	for i, b := range blocks {
		play, err := parsePlay(b, loc, true)
		if err != nil {
			return nil, layoutErr(KindRecord, "play %d of %d: %v", i+1, len(blocks), err)
		}
		p.Plays = append(p.Plays, play)
	}
	return p, nil
}

// scanRecord walks the page once and returns the play blocks (the parents
// of playlog_top_container), how many playlog_result_block and playlogDetail
// forms there are (so a block that lost its header is noticed), and whether
// the record page's title image is there.
func scanRecord(doc *html.Node) (blocks []*html.Node, results int, title bool) {
	walk(doc, func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			return true
		}
		switch {
		case hasClass(n, "playlog_top_container"):
			if n.Parent != nil {
				blocks = append(blocks, n.Parent)
			}
			return false
		case hasClass(n, "playlog_result_block"):
			results++
			return false
		case n.DataAtom == atom.Img && imgName(attr(n, "src")) == "title_playlog":
			title = true
		}
		return true
	})
	return blocks, results, title
}

// errMissing reports required fields a play block did not have.
var errMissing = errors.New("missing")

// playFields records which required fields a block yielded.
type playFields uint16

const (
	fTrack playFields = 1 << iota
	fTime
	fTitle
	fType
	fDiff
	fAchievement
	fRank
	fDXScore
	fFC
	fFS
	fJacket
	fIdx
)

// playFieldNames name the playFields bits, in order, for error messages.
var playFieldNames = []string{
	"track number", "play time", "title", "chart type (playlog_music_kind_icon)",
	"difficulty (playlog_diff)", "achievement (playlog_achievement_txt)",
	"rank (playlog_scorerank)", "DX score", "combo mark", "sync mark",
	"jacket (music_img)", "idx",
}

// missing names the fields of want that have is without.
func (have playFields) missing(want playFields) string {
	var out []string
	for i, name := range playFieldNames {
		f := playFields(1) << i
		if want&f != 0 && have&f == 0 {
			out = append(out, name)
		}
	}
	return strings.Join(out, ", ")
}

// parsePlay reads one play block. needIdx is true on record/, where every
// play links to its detail page; the detail page's own header has no link.
func parsePlay(block *html.Node, loc *time.Location, needIdx bool) (maimai.Play, error) {
	var (
		p         maimai.Play
		have      playFields
		when      string
		clearImg  bool // the block drew the clear image
		lvBadge   bool // the intl 2026 layout: a level badge where the clear image was
		utage     bool
		blankDiff bool
		err       error
	)
	fail := func(format string, args ...any) bool {
		if err == nil {
			err = fmt.Errorf(format, args...)
		}
		return false
	}
	walk(block, func(n *html.Node) bool {
		if err != nil {
			return false
		}
		if n.Type != html.ElementNode {
			return true
		}
		switch n.DataAtom {
		case atom.Img:
			src := attr(n, "src")
			switch {
			case hasClass(n, "playlog_diff"):
				d, ok := diffIcon(src)
				if !ok {
					if imgName(src) == "diff_" {
						// The intl site has drawn utage as "diff_.png"
						// on its lists; taken as utage only beside the
						// utage badge, checked below.
						blankDiff = true
						return true
					}
					return fail("difficulty image %q", imgName(src))
				}
				p.Difficulty, have = d, have|fDiff
			case hasClass(n, "playlog_music_kind_icon"):
				t, ok := typeIcon(src)
				if !ok {
					return fail("chart type image %q", imgName(src))
				}
				p.Type, have = t, have|fType
			case hasClass(n, "music_img"):
				p.Jacket, have = imgFile(src), have|fJacket
			case hasClass(n, "playlog_achievement_newrecord"):
				p.NewRecord = true
			case hasClass(n, "playlog_deluxscore_newrecord"):
				p.NewDXRecord = true
			case hasClass(n, "playlog_scorerank"):
				r, ok := rankIcon(src)
				if !ok {
					return fail("rank image %q", imgName(src))
				}
				p.Rank, have = r, have|fRank
			case hasClass(n, "playlog_deluxscore_star"):
				s, ok := dxStars(src)
				if !ok {
					return fail("DX star image %q", imgName(src))
				}
				p.DXStars = s
			case hasClass(n, "playlog_matching_icon"):
				r, ok := matchingRank(src)
				if !ok {
					return fail("matching image %q", imgName(src))
				}
				p.MatchingRank = r
			case hasClass(n, "h_35"):
				// The combo and sync slots, always both drawn (fc_dummy,
				// sync_dummy when empty). The 2020 layout also drew the
				// matching rank here, as a third h_35 image.
				if f, ok := fcIcon(src); ok && have&fFC == 0 {
					p.FC, have = f, have|fFC
				} else if s, ok := fsIcon(src); ok && have&fFS == 0 {
					p.FS, have = s, have|fFS
				} else if r, ok := matchingRank(src); ok {
					p.MatchingRank = r
				} else {
					return fail("unknown mark image %q", imgName(src))
				}
			case imgName(src) == "clear":
				p.Clear, clearImg = true, true
			}
		case atom.Div:
			switch {
			case hasClass(n, "sub_title"):
				if !readTrackTime(n, &p.Track, &when) {
					return fail("track and time %q", text(n))
				}
				have |= fTrack | fTime
				return false
			case hasClass(n, "playlog_music_kind_icon_utage"):
				// Utage charts have a kind badge ([宴], [協], …) and, for a
				// Buddy chart, a second badge, instead of the std/DX icon.
				// They are played on the DX engine (touch notes and all),
				// so without an icon they count as DX charts, as the song
				// data files them and as stored utage plays have it.
				m, e := utageBadge(n)
				if e != nil {
					return fail("%v", e)
				}
				p.UtageMark, utage = m, true
				return false
			case hasClass(n, "playlog_level_icon"), hasClass(n, "music_lv_back"):
				p.Level, lvBadge = text(n), true
				return false
			case hasClass(n, "playlog_achievement_txt"):
				a, e := maimai.ParseAchievement(strings.ReplaceAll(text(n), " ", ""))
				if e != nil {
					return fail("%v", e)
				}
				p.Achievement, have = a, have|fAchievement
				return false
			case hasClass(n, "playlog_score_block"):
				if !readDXScore(n, &p) {
					return fail("DX score %q", text(n))
				}
				have |= fDXScore
				// descend: the DX record flag and the stars live inside
			case hasClass(n, "basic_block") && hasClass(n, "break") && have&fTitle == 0:
				p.Title, have = titleText(n), have|fTitle
				if p.Title == "" {
					return fail("empty title")
				}
			}
		case atom.Form:
			// Only the playlogDetail link carries the play's idx; a
			// musicDetail link (a song's token) is not the play's.
			if !strings.Contains(attr(n, "action"), "playlogDetail") {
				return false
			}
		case atom.Input:
			if attr(n, "name") == "idx" {
				p.Idx, have = attr(n, "value"), have|fIdx
			}
		}
		return true
	})
	if err != nil {
		return p, err
	}
	if utage && have&fType == 0 {
		p.Type, have = maimai.DX, have|fType
	}
	if utage && blankDiff && have&fDiff == 0 {
		p.Difficulty, have = maimai.Utage, have|fDiff
	}
	want := fTrack | fTime | fTitle | fType | fDiff | fAchievement | fRank | fDXScore | fFC | fFS | fJacket
	if needIdx {
		want |= fIdx
	}
	if m := have.missing(want); m != "" {
		return p, fmt.Errorf("%w: %s", errMissing, m)
	}
	p.PlayedAt, err = playTime(when, p.Idx, loc)
	if err != nil {
		return p, err
	}
	if lvBadge && !clearImg {
		// The intl layout with the level badge no longer draws the clear
		// image; there, as in the game, a track is cleared at 80% (rank A).
		p.Clear = p.Achievement >= 800000
	}
	return p, nil
}

// utageBadge reads a utage badge: the music_utage image with the kind's
// character under it, and the music_utage_buddy image for a Buddy chart.
// Any other image in the badge is a layout maiprobe does not know.
func utageBadge(n *html.Node) (maimai.UtageMark, error) {
	var m maimai.UtageMark
	var err error
	walk(n, func(x *html.Node) bool {
		if err != nil || x.Type != html.ElementNode {
			return false
		}
		switch {
		case x.DataAtom == atom.Img:
			switch name := imgName(attr(x, "src")); name {
			case "music_utage":
			case "music_utage_buddy":
				m.Buddy = true
			default:
				err = fmt.Errorf("utage badge image %q", name)
			}
			return false
		case hasClass(x, "playlog_music_kind_icon_utage_text"), hasClass(x, "music_kind_icon_utage_text"):
			// The Buddy badge's own caption says "Buddy"; the kind is
			// the other badge's character.
			if t := text(x); t != "" && !strings.EqualFold(t, "buddy") && m.UtageKind == "" {
				m.UtageKind = t
			}
			return false
		}
		return true
	})
	if err == nil && m.UtageKind == "" {
		err = fmt.Errorf("utage badge without its kind (music_kind_icon_utage_text)")
	}
	return m, err
}

// readTrackTime reads the sub_title's "曲目 04" / "TRACK 04" span and its
// "2025/11/22 21:51" span.
func readTrackTime(n *html.Node, track *int, when *string) bool {
	var tr, tm string
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.DataAtom != atom.Span {
			continue
		}
		if hasClass(c, "red") {
			tr = text(c)
		} else {
			tm = text(c)
		}
	}
	i := strings.LastIndexByte(tr, ' ')
	if i < 0 || tm == "" {
		return false
	}
	t, err := strconv.Atoi(tr[i+1:])
	if err != nil || t < 1 {
		return false
	}
	*track, *when = t, tm
	return true
}

// readDXScore reads "2,523 / 2,844" from the DX score block's white text.
func readDXScore(n *html.Node, p *maimai.Play) bool {
	w := find(n, class("white"))
	if w == nil {
		return false
	}
	got, max, ok := strings.Cut(text(w), "/")
	if !ok {
		return false
	}
	g, err1 := atoiComma(got)
	m, err2 := atoiComma(max)
	if err1 != nil || err2 != nil || g < 0 || m <= 0 || g > m {
		return false
	}
	p.DXScore, p.DXScoreMax = g, m
	return true
}

// titleText is the song title: the block's own text, without the clear image
// or level badge beside it. Only ASCII white space is trimmed, as a title
// may be made of an ideographic space alone.
func titleText(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return strings.Trim(b.String(), " \t\r\n")
}

// playTime is the play's time: the page's minute, refined to the second by
// the idx token's Unix time when that falls in the same minute.
func playTime(when, idx string, loc *time.Location) (time.Time, error) {
	t, err := time.ParseInLocation(playTimeLayout, when, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("play time %q: want YYYY/MM/DD hh:mm", when)
	}
	if _, ts, ok := strings.Cut(idx, ","); ok {
		if u, err := strconv.ParseInt(ts, 10, 64); err == nil {
			exact := time.Unix(u, 0).In(loc)
			if exact.Truncate(time.Minute).Equal(t) {
				return exact, nil
			}
		}
	}
	return t, nil
}

// dxStars reads "dxstar_3.png" as 3.
func dxStars(src string) (int, bool) {
	k := imgName(src)
	if !strings.HasPrefix(k, "dxstar_") {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimPrefix(k, "dxstar_"))
	return n, err == nil && n >= 1 && n <= 5
}

// matchingRank reads the matching result "1st.png" … "4th.png".
func matchingRank(src string) (int, bool) {
	switch imgName(src) {
	case "1st":
		return 1, true
	case "2nd":
		return 2, true
	case "3rd":
		return 3, true
	case "4th":
		return 4, true
	}
	return 0, false
}
