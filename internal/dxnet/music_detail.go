package dxnet

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// record/musicDetail shows one song: a header (jacket, type icon, genre,
// title, artist), a music_detail_table with one row per difficulty (level,
// rank, combo and sync icons, a hidden diff input), and for every played
// difficulty a music_<d>_score_back block with the achievement, DX score,
// last play date and play count. A song with both a standard and a DX chart
// may show a table per type, each after its type icon; rows and blocks are
// paired by type and difficulty.

// parseMusicDetail reads a musicDetail page in one walk.
func parseMusicDetail(doc *html.Node, h *Header) (Page, error) {
	p := &MusicDetailPage{Header: *h, Scores: []maimai.Score{}}
	r := detailReader{page: p}
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
	if !r.titleSeen || p.Title == "" {
		return nil, layoutErr(h.Kind, "no song title")
	}
	if p.Genre == "" && prevElement(r.title) != nil {
		// Every known layout has the genre line (class blue) right above
		// the title; something else there is a layout we do not know.
		return nil, layoutErr(h.Kind, "%q: the line above the title is not a genre line (div class blue with text)", p.Title)
	}
	if err := r.merge(); err != nil {
		return nil, layoutErr(h.Kind, "%q: %v", p.Title, err)
	}
	if len(p.Scores) == 0 {
		return nil, layoutErr(h.Kind, "%q: no difficulties (music_detail_table rows)", p.Title)
	}
	for i := range p.Scores {
		p.Scores[i].Title = p.Title
		p.Scores[i].Genre = p.Genre
	}
	return p, nil
}

// detailReader is the state of parseMusicDetail's walk.
type detailReader struct {
	page       *MusicDetailPage
	err        error
	titleSeen  bool
	title      *html.Node // the title line, whose previous sibling is the genre line
	artistSeen bool
	lastType   maimai.ChartType // the type icon last seen, for the table after it
	types      int              // how many header type icons
	rows       []maimai.Score   // from the music_detail_table(s)
	blocks     []maimai.Score   // from the score blocks
}

func (r *detailReader) element(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Script, atom.Style:
		return false
	case atom.Img:
		src := attr(n, "src")
		if t, ok := typeIcon(src); ok {
			r.lastType = t
			r.types++
		} else if r.page.Jacket == "" && strings.Contains(src, "/img/Music/") {
			r.page.Jacket = imgFile(src)
		}
		return false
	case atom.Table:
		if hasClass(n, "music_detail_table") {
			r.err = r.table(n)
			return false
		}
	case atom.Div:
		switch {
		case hasClass(n, "break") && hasClass(n, "f_15") && !r.titleSeen:
			r.titleSeen = true
			r.title = n
			r.page.Title = rawText(n)
			return false
		case hasClass(n, "break") && hasClass(n, "f_12") && r.titleSeen && !r.artistSeen:
			// The line under the title; it may be empty (a song with no
			// artist credited), which is not a layout problem.
			r.artistSeen = true
			r.page.Artist = rawText(n)
			return false
		case hasClass(n, "blue") && r.page.Genre == "":
			// The genre line also holds the type icon, read above.
			r.page.Genre = ownText(n)
		}
		d, ok, err := scoreBackDiff(n)
		if err != nil {
			r.err = layoutErr(r.page.Kind, "%v", err)
			return false
		}
		if ok {
			s, err := r.block(n, d)
			if err != nil {
				r.err = layoutErr(r.page.Kind, "%s block: %v", d, err)
			}
			r.blocks = append(r.blocks, s)
			return false
		}
	}
	return true
}

// table reads the rows of a music_detail_table.
func (r *detailReader) table(t *html.Node) error {
	for _, tr := range findAll(t, isAtom(atom.Tr)) {
		var b chartBits
		if err := b.scan(tr); err != nil {
			return layoutErr(r.page.Kind, "difficulty row %d: %v", len(r.rows)+1, err)
		}
		if b.level == nil {
			if b.diffNum != "" || b.diff != "" || b.idx != "" || b.icons > 0 || hasDiffButton(tr) {
				return layoutErr(r.page.Kind, "difficulty row %d has no level (music_lv_back)", len(r.rows)+1)
			}
			continue // not a difficulty row
		}
		s := maimai.Score{Level: text(b.level), Idx: b.idx}
		s.Type = r.lastType
		d, err := rowDiff(tr, b.diffNum)
		if err != nil {
			return layoutErr(r.page.Kind, "difficulty row %d: %v", len(r.rows)+1, err)
		}
		s.Difficulty = d
		if s.Level == "" {
			return layoutErr(r.page.Kind, "%s row: empty level", d)
		}
		if s.Type == "" {
			if d != maimai.Utage {
				return layoutErr(r.page.Kind, "%s row: no chart type icon before the table", d)
			}
			s.Type = maimai.DX // as in the lists: utage charts are DX charts
		}
		// A played row shows its rank; the score block below has the rest.
		s.Rank, s.FC, s.FS = b.rank, b.fc, b.fs
		s.Played = b.rank != ""
		r.rows = append(r.rows, s)
	}
	return nil
}

// hasDiffButton reports whether a row has a music_<d>_btn button.
func hasDiffButton(tr *html.Node) bool {
	_, err := rowDiff(tr, "")
	return err == nil
}

// prevElement is n's previous sibling element, or nil.
func prevElement(n *html.Node) *html.Node {
	for n != nil {
		n = n.PrevSibling
		if n != nil && n.Type == html.ElementNode {
			return n
		}
	}
	return nil
}

// rowDiff reads a row's difficulty from its hidden diff input, or from its
// music_<d>_btn button class.
func rowDiff(tr *html.Node, num string) (maimai.Difficulty, error) {
	if num != "" {
		i, err := strconv.Atoi(num)
		if err == nil {
			for _, d := range maimai.Difficulties {
				if d.Index() == i {
					return d, nil
				}
			}
		}
		return "", fmt.Errorf("diff %q is no known difficulty", num)
	}
	var d maimai.Difficulty
	find(tr, func(x *html.Node) bool {
		for _, f := range strings.Fields(attr(x, "class")) {
			mid, ok := strings.CutPrefix(f, "music_")
			if !ok {
				continue
			}
			if mid, ok = strings.CutSuffix(mid, "_btn"); ok && maimai.Difficulty(mid).Valid() {
				d = maimai.Difficulty(mid)
				return true
			}
		}
		return false
	})
	if d == "" {
		return "", fmt.Errorf("no difficulty (diff input or music_*_btn)")
	}
	return d, nil
}

// block reads one played difficulty's score block.
func (r *detailReader) block(n *html.Node, d maimai.Difficulty) (maimai.Score, error) {
	var b chartBits
	s := maimai.Score{}
	s.Difficulty = d
	if err := b.scan(n); err != nil {
		return s, err
	}
	if b.level != nil {
		s.Level = text(b.level)
	}
	s.Type = b.typ
	if s.Type == "" {
		// Without its own icon: the ids "sta_master"/"dx_master" some
		// layouts use, else the song's only type.
		id := attr(n, "id")
		switch {
		case strings.HasPrefix(id, "sta_"):
			s.Type = maimai.Std
		case strings.HasPrefix(id, "dx_"):
			s.Type = maimai.DX
		case r.types == 1 || d == maimai.Utage:
			s.Type = r.lastType
		default:
			return s, fmt.Errorf("no chart type icon")
		}
	}
	if err := b.fill(&s); err != nil {
		return s, err
	}
	if !s.Played {
		return s, fmt.Errorf("no achievement (music_score_block)")
	}
	if len(b.cells) == 0 {
		return s, fmt.Errorf("no play count or last play date (black_block)")
	}
	for i := 0; i+1 < len(b.cells); i += 2 {
		v := b.cells[i+1]
		if t, err := time.ParseInLocation("2006/01/02 15:04", v, r.page.Region.Location()); err == nil {
			s.LastPlayedAt = t
		} else if c, err := atoiComma(v); err == nil {
			s.PlayCount = c
		} else {
			return s, fmt.Errorf("%q is neither a date nor a play count", b.cells[i]+v)
		}
	}
	return s, nil
}

// merge pairs the table rows with the score blocks into the page's scores.
func (r *detailReader) merge() error {
	if len(r.rows) == 0 {
		// A layout with score blocks only.
		r.page.Scores = append(r.page.Scores, r.blocks...)
		return nil
	}
	used := make([]bool, len(r.blocks))
	for _, row := range r.rows {
		matched := false
		for i, b := range r.blocks {
			if used[i] || b.Type != row.Type || b.Difficulty != row.Difficulty {
				continue
			}
			used[i] = true
			if b.Level != "" && b.Level != row.Level {
				return fmt.Errorf("%s %s: the table says level %s, the score block %s", row.Type, row.Difficulty, row.Level, b.Level)
			}
			b.Level, b.Idx = row.Level, row.Idx
			row, matched = b, true
			break
		}
		if row.Played && !matched {
			return fmt.Errorf("%s %s: ranked %s in the table but no score block", row.Type, row.Difficulty, row.Rank)
		}
		r.page.Scores = append(r.page.Scores, row)
	}
	for i, b := range r.blocks {
		if !used[i] {
			return fmt.Errorf("%s %s score block has no row in the table", b.Type, b.Difficulty)
		}
	}
	return nil
}
