package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/constants"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/songs"
)

// constantsView is the constants learned from the ratings the site printed
// after plays (archive.ConstantEstimates): each estimate with the plays
// behind it, and the charts whose song data the plays refute.
type constantsView struct {
	Known                         bool
	Plays, Used, Unaligned, Count int
	Confirmed                     int
	Status                        string // the filter: "", "certain", "range", "unpinned", "contradiction"
	Statuses                      []statusOption
	Rows                          []constantRow
	Disagreements                 []constantRow
	Pager                         Pager
}

type statusOption struct {
	Value, Key string
	N          int
	Selected   bool
}

// constantRow is one chart's estimate.
type constantRow struct {
	ChartURL                    string
	Title, Type, TypeKey        string
	Diff, DiffKey, Level        string
	Status                      string // constants.Status
	Estimate, SongData, Allowed string // "13.7" or "13.6–13.8"; "" when none
	Evidence                    []evidenceRow
	More                        int // plays not shown
	Plays                       int // plays in all, shown or not
}

// evidenceRow is one play and what it allowed.
type evidenceRow struct {
	URL, When, Achievement string
	Rating                 int
	Delta                  string // "+12", "0"
	Allowed                string // "13.7", "13.6–13.8"; "" for none
	Narrowed               bool   // it excluded a constant of the level
}

// maxEvidence is how many plays a row lists: the ones that narrowed first.
const maxEvidence = 6

func (s *Server) constantsPage(w http.ResponseWriter, r *http.Request) {
	player := r.PathValue("player")
	// A player without saved pages has no region, so nothing to learn
	// from: the page says so (the archive answers an error for it).
	if region, err := s.archive.PlayerRegion(r.Context(), player); errors.Is(err, archive.ErrNotFound) || (err == nil && region == "") {
		s.render(w, r, http.StatusOK, "constants", constantsView{})
		return
	}
	rep, err := s.archive.ConstantEstimates(r.Context(), player)
	if err != nil {
		s.archiveFail(w, r, err)
		return
	}
	status := r.URL.Query().Get("status")
	v := constantsView{Known: rep.Region != "", Plays: rep.Plays, Used: rep.Used, Unaligned: rep.Unaligned,
		Confirmed: rep.Confirmed, Count: len(rep.Estimates), Status: status}
	counts := map[constants.Status]int{}
	var shown []archive.ConstantEstimate
	for _, e := range rep.Estimates {
		counts[e.Status]++
		if status == "" || string(e.Status) == status {
			shown = append(shown, e)
		}
	}
	for _, st := range []constants.Status{"", constants.Certain, constants.Ranged, constants.Unpinned, constants.Contradiction} {
		n := counts[st]
		if st == "" {
			n = len(rep.Estimates)
		}
		v.Statuses = append(v.Statuses, statusOption{Value: string(st), Key: "constants.status_" + cmpOr(string(st), "all"), N: n,
			Selected: string(st) == status})
	}
	// Pinned and narrowed charts first: they are what the page is for.
	order := map[constants.Status]int{constants.Certain: 0, constants.Contradiction: 1, constants.Ranged: 2, constants.Unpinned: 3}
	slices.SortStableFunc(shown, func(a, b archive.ConstantEstimate) int { return order[a.Status] - order[b.Status] })
	v.Pager = newPager(r, listPageSize, len(shown))
	for _, e := range shown[v.Pager.Offset():min(len(shown), v.Pager.Offset()+v.Pager.Size)] {
		v.Rows = append(v.Rows, newConstantRow(player, rep.Region, e))
	}
	for _, e := range rep.Disagreements {
		v.Disagreements = append(v.Disagreements, newConstantRow(player, rep.Region, e))
	}
	s.render(w, r, http.StatusOK, "constants", v)
}

// chartConstant is the chart page's section: the estimate of chart c, or
// the disagreement of its song data, nil when the plays say nothing (or
// the player has no region yet).
func (s *Server) chartConstant(r *http.Request, player string, c maimai.Chart) *constantRow {
	rep, err := s.archive.ConstantEstimates(r.Context(), player)
	if err != nil {
		return nil // the page shows the rest; the constants page reports the error
	}
	for _, list := range [][]archive.ConstantEstimate{rep.Disagreements, rep.Estimates} {
		for _, e := range list {
			if e.Title == c.Title && e.Type == c.Type && e.Difficulty == c.Difficulty {
				row := newConstantRow(player, rep.Region, e)
				return &row
			}
		}
	}
	return nil
}

func newConstantRow(player string, region maimai.Region, e archive.ConstantEstimate) constantRow {
	c := maimai.Chart{Title: e.Title, Type: e.Type, Difficulty: e.Difficulty}
	row := constantRow{ChartURL: chartPath(player, c), Title: e.Title, Type: label(string(e.Type)), TypeKey: string(e.Type),
		Diff: label(string(e.Difficulty)), DiffKey: string(e.Difficulty), Level: e.Level, Status: string(e.Status),
		Allowed: constantSpan(e.Candidates), SongData: constantText(e.SongData)}
	if e.Status == constants.Certain {
		row.Estimate = e.Constant.String()
	} else {
		row.Estimate = row.Allowed
	}
	lo, hi, _ := constants.LevelRange(e.Level)
	levelN := int(hi-lo) + 1
	// The plays that narrowed come first, then the rest, each oldest first.
	var narrowed, rest []evidenceRow
	for _, ev := range e.Evidence {
		er := evidenceRow{URL: fmt.Sprintf("/p/%s/plays/%d", url.PathEscape(player), ev.PlayID), When: localTime(ev.PlayedAt, region),
			Achievement: ev.Achievement.String() + "%", Rating: ev.Rating, Delta: signed(ev.Delta), Allowed: constantSpan(ev.Allowed),
			Narrowed: len(ev.Allowed) < levelN}
		if er.Narrowed {
			narrowed = append(narrowed, er)
		} else {
			rest = append(rest, er)
		}
	}
	all := append(narrowed, rest...)
	row.Evidence = all[:min(len(all), maxEvidence)]
	row.More, row.Plays = len(all)-len(row.Evidence), len(all)
	return row
}

// constantSpan writes a sorted set of constants as one value or the span
// from the lowest to the highest ("13.6–13.8"); "" when empty.
func constantSpan(cs []songs.Constant) string {
	switch len(cs) {
	case 0:
		return ""
	case 1:
		return cs[0].String()
	}
	var parts []string
	contiguous := true
	for i, c := range cs {
		parts = append(parts, c.String())
		if i > 0 && c != cs[i-1]+1 {
			contiguous = false
		}
	}
	if contiguous {
		return cs[0].String() + "–" + cs[len(cs)-1].String()
	}
	return strings.Join(parts, ", ")
}

// signed writes a rating change as players do: +3, -2, ±0.
func signed(n int) string {
	if n == 0 {
		return "±0"
	}
	if n > 0 {
		return "+" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}
