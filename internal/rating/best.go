package rating

import (
	"slices"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// Key identifies a chart. SongID is optional (0 when unknown) and tells
// apart two songs with one title, such as the two "Link"s; where known it
// is the official/diving-fish music id, which is 100000 or more for utage.
type Key struct {
	SongID int `json:"song_id,omitempty"`
	maimai.Chart
}

// Newness says how a Best decides between the old and new tables.
type Newness int8

// Newness values.
const (
	// ByVersion compares the chart's Version with the rules' FirstNew.
	ByVersion Newness = iota
	// IsNew and IsOld override the version, for callers that have a
	// prober's is_new flag (diving-fish's basic_info.is_new).
	IsNew
	IsOld
)

// Best is a player's best score on one chart, with what the rules need to
// know about the chart.
type Best struct {
	Key
	Constant    Constant
	Achievement maimai.Achievement
	FC          maimai.FC
	FS          maimai.FS
	// Version is the version that added the chart: a JP version, or for CN
	// the CN version (JP versions are mapped with CNVersionOf).
	Version Version
	New     Newness
	// Removed charts (deleted songs) never count, as LX leaves songs with
	// disabled: true out of the Best 50.
	Removed bool
}

// Utage reports whether the chart is a utage (宴) chart, which never
// counts for rating.
func (k Key) Utage() bool { return k.Difficulty == maimai.Utage || k.SongID >= 100000 }

// Rating is the best's chart rating under r: 0 for utage.
func (r Rules) Rating(b Best) int { return r.rating(&b) }

func (r Rules) rating(b *Best) int {
	if b.Utage() {
		return 0
	}
	return r.ChartRating(b.Constant, b.Achievement, b.FC)
}

// IsNew reports whether the best belongs in the new table (B15): by its
// flag, else by its version. In EraTypeSplit the "new" table holds the
// DX charts.
func (r Rules) IsNew(b Best) bool { return r.isNew(&b) }

func (r Rules) isNew(b *Best) bool {
	if r.Era == EraTypeSplit {
		return b.Type == maimai.DX
	}
	switch b.New {
	case IsNew:
		return true
	case IsOld:
		return false
	}
	v := b.Version
	if r.Region == maimai.CN {
		cn, ok := CNVersionOf(v)
		if !ok {
			// A JP version CN has not had: newer than anything CN runs.
			return v > r.FirstNew
		}
		v = cn
	}
	// Versions newer than the rules' own cannot have been played under
	// them; counting them as new keeps "new" a simple cut-off.
	return v >= r.FirstNew
}

// Entry is one chart of a rating table.
type Entry struct {
	Best
	Rating int
	Index  int // position of the best in the slice given to PlayerRating
}

// Result is a player's rating: the two tables in the site's order and
// their sums.
type Result struct {
	Rules    Rules
	Old, New []Entry
	OldTotal int
	NewTotal int
}

// Total is the player's rating.
func (r Result) Total() int { return r.OldTotal + r.NewTotal }

// candidate is the sort key of one eligible best.
type candidate struct {
	rating int32
	c      Constant
	a      maimai.Achievement
	index  int32
}

// before reports whether x sorts before y: rating, constant and
// achievement descending, then input order.
func (x candidate) before(y candidate) bool {
	if x.rating != y.rating {
		return x.rating > y.rating
	}
	if x.c != y.c {
		return x.c > y.c
	}
	if x.a != y.a {
		return x.a > y.a
	}
	return x.index < y.index
}

// PlayerRating picks the best OldSize old and NewSize new charts and sums
// them. Each table is ordered as diving-fish orders it: rating, then
// constant, then achievement, all descending; full ties keep the order of
// bests. Utage and removed charts never count. Where one chart appears
// more than once only its highest entry counts.
func (r Rules) PlayerRating(bests []Best) Result {
	old := top{n: r.OldSize, bests: bests}
	fresh := top{n: r.NewSize, bests: bests}
	for i := range bests {
		b := &bests[i]
		if b.Removed || b.Utage() {
			continue
		}
		c := candidate{rating: int32(r.rating(b)), c: b.Constant, a: b.Achievement, index: int32(i)}
		if r.isNew(b) {
			fresh.offer(c)
		} else {
			old.offer(c)
		}
	}
	res := Result{Rules: r}
	res.Old, res.OldTotal = old.entries()
	res.New, res.NewTotal = fresh.entries()
	return res
}

// top keeps the n best distinct charts offered so far, in order. Sorting
// all bests would cost more than the rest of PlayerRating together; after
// the first few hundred offers almost every best fails the first
// comparison with the last kept.
type top struct {
	n     int
	bests []Best
	kept  []candidate
}

func (t *top) offer(c candidate) {
	if t.n <= 0 {
		return
	}
	full := len(t.kept) == t.n
	if full && !c.before(t.kept[len(t.kept)-1]) {
		return
	}
	key := &t.bests[c.index].Key
	for i, k := range t.kept {
		if t.bests[k.index].Key == *key {
			if !c.before(k) {
				return // the chart is already kept with a better entry
			}
			t.kept = slices.Delete(t.kept, i, i+1)
			full = false
			break
		}
	}
	if full {
		t.kept = t.kept[:len(t.kept)-1]
	}
	at, _ := slices.BinarySearchFunc(t.kept, c, func(k, c candidate) int {
		if k.before(c) {
			return -1
		}
		return 1
	})
	t.kept = slices.Insert(t.kept, at, c)
}

func (t *top) entries() ([]Entry, int) {
	out := make([]Entry, len(t.kept))
	total := 0
	for i, c := range t.kept {
		out[i] = Entry{Best: t.bests[c.index], Rating: int(c.rating), Index: int(c.index)}
		total += int(c.rating)
	}
	return out, total
}
