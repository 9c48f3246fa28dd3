package archive

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/maiprobe/maiprobe/internal/constants"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/rating"
	"github.com/maiprobe/maiprobe/internal/songs"
	"github.com/maiprobe/maiprobe/internal/storage"
)

// ConstantReport is what a player's plays say of chart constants
// (internal/constants): an estimate for each chart the song data has no
// constant for, and the charts whose song-data constant the plays refute.
type ConstantReport struct {
	Player string        `json:"player"`
	Region maimai.Region `json:"region"`
	// Estimates are the charts without a song-data constant that a play
	// with a printed rating was on.
	Estimates []ConstantEstimate `json:"estimates"`
	// Disagreements are charts whose song-data constant no play allows.
	Disagreements []ConstantEstimate `json:"disagreements"`
	// Plays counts the plays whose detail printed a rating; Used those the
	// archive's B50 before the play agreed with (the others say nothing);
	// Confirmed the charts whose song-data constant plays confirmed.
	Plays     int `json:"plays"`
	Used      int `json:"used"`
	Unaligned int `json:"unaligned"`
	Confirmed int `json:"confirmed"`
}

// ConstantEstimate is one chart's estimate and the plays behind it.
type ConstantEstimate struct {
	Title      string            `json:"title"`
	Type       maimai.ChartType  `json:"type"`
	Difficulty maimai.Difficulty `json:"difficulty"`
	Level      string            `json:"level"`
	SongID     int               `json:"song_id,omitempty"`
	// Status is certain (Constant is it), range (Candidates), unpinned
	// (no play narrowed the level) or contradiction.
	Status     constants.Status `json:"status"`
	Constant   songs.Constant   `json:"constant"` // null unless certain
	Candidates []songs.Constant `json:"candidates"`
	// SongData is the song data's constant, null when it has none.
	SongData songs.Constant     `json:"song_data"`
	Evidence []ConstantEvidence `json:"evidence"`
}

// ConstantEvidence is one play and the constants it allowed.
type ConstantEvidence struct {
	PlayID      int64              `json:"play_id"`
	PlayedAt    time.Time          `json:"played_at"`
	Achievement maimai.Achievement `json:"achievement"`
	Rating      int                `json:"rating"`
	Delta       int                `json:"delta"`
	Allowed     []songs.Constant   `json:"allowed"`
}

// Range is the estimate's lowest and highest candidate.
func (e ConstantEstimate) Range() (lo, hi songs.Constant) {
	if len(e.Candidates) == 0 {
		return 0, 0
	}
	return e.Candidates[0], e.Candidates[len(e.Candidates)-1]
}

// ConstantEstimates runs the estimator over the player's archive. The
// estimate is kept in the database with what it was made from, and after
// an import that only added plays it goes on from there
// (constants_state.go) instead of reading every play again.
func (a *Archive) ConstantEstimates(ctx context.Context, player string) (*ConstantReport, error) {
	pd, err := a.playerData(ctx, player)
	if err != nil {
		return nil, fmt.Errorf("archive: constants: %w", err)
	}
	r, err := a.constantsOf(ctx, pd)
	if err != nil {
		return nil, fmt.Errorf("archive: constants: %w", err)
	}
	out := *r
	out.Player = player
	return &out, nil
}

// estimated is the certain estimates of the charts without a song-data
// constant, by chart, for the rating and the pages to count (marked).
// Its users know a chart by title, type and difficulty only, so a chart
// that two songs of one title (two genres) share is left out: the
// estimate of one would be shown for the other.
func (r *ConstantReport) estimated() map[maimai.Chart]songs.Constant {
	seen := map[maimai.Chart]int{}
	for _, list := range [][]ConstantEstimate{r.Estimates, r.Disagreements} {
		for _, e := range list {
			seen[maimai.Chart{Title: e.Title, Type: e.Type, Difficulty: e.Difficulty}]++
		}
	}
	out := map[maimai.Chart]songs.Constant{}
	for _, e := range r.Estimates {
		c := maimai.Chart{Title: e.Title, Type: e.Type, Difficulty: e.Difficulty}
		if e.Status == constants.Certain && seen[c] == 1 {
			out[c] = e.Constant
		}
	}
	return out
}

// learnConstants runs the estimator over the rating data and the plays
// with a detail, all at once: the from-scratch reference the tests and
// benchmarks compare the kept, extended estimate (constants_state.go)
// against.
func (d *ratingData) learnConstants(plays []storage.RatedPlay) *ConstantReport {
	in, _ := d.constantsInput(plays)
	return d.constantReport(constants.Learn(in))
}

// constantsInput is the estimator's input: one chart per best with its
// song-data constant and history, every step of the score history, and
// the plays with a detail that printed a rating; and each chart's key.
func (d *ratingData) constantsInput(plays []storage.RatedPlay) (constants.Input, []bestKey) {
	in := constants.Input{Rules: func(t time.Time) (rating.Rules, error) { return RulesFor(d.region, t) }}
	levels := make(map[bestKey]string, len(d.bests))
	for _, b := range d.bests {
		levels[bestKey{b.Chart, b.Genre}] = b.Level
	}
	byKey := map[bestKey]int{}
	var keys []bestKey
	// byChart finds a play's chart; -1 when two bests (of two genres)
	// share it, so the play cannot be told apart.
	byChart := map[maimai.Chart]int{}
	for _, s := range d.history {
		k := bestKey{s.Chart, s.Genre}
		ci, ok := byKey[k]
		if !ok {
			ci = len(in.Charts)
			byKey[k] = ci
			keys = append(keys, k)
			if _, dup := byChart[s.Chart]; dup {
				byChart[s.Chart] = -1
			} else {
				byChart[s.Chart] = ci
			}
			in.Charts = append(in.Charts, d.constantsChart(k, levels[k]))
		}
		in.Steps = append(in.Steps, constants.Step{Chart: ci, At: s.ObservedAt, Achievement: s.Achievement, FC: s.FC})
	}
	in.Plays = constantPlays(plays, byChart)
	return in, keys
}

// constantsChart is the estimator's chart of key k: the song data's
// level (else the page's, level), constant and its changes.
func (d *ratingData) constantsChart(k bestKey, level string) constants.Chart {
	c := constants.Chart{Key: rating.Key{Chart: k.Chart}, Level: level}
	if l, ok := d.links[k]; ok {
		if sc := d.set.byID[l.ChartID]; sc != nil {
			c.Key.SongID, c.Version = sc.song.MusicID, sc.version
			c.Level = cmpOr(sc.chart.Level, c.Level)
			hist := d.hist[l.ChartID]
			first := sc.chart.Constant
			if len(hist) > 0 {
				first = songs.Constant(hist[0].Constant)
			}
			c.Constant = rating.Constant(first)
			for _, h := range hist[min(1, len(hist)):] {
				c.Changes = append(c.Changes, constants.Change{At: h.FirstSeen, Constant: rating.Constant(h.Constant)})
			}
		}
	}
	return c
}

// constantPlays are the plays that printed a rating, on the charts
// byChart finds.
func constantPlays(plays []storage.RatedPlay, byChart map[maimai.Chart]int) []constants.Play {
	var out []constants.Play
	for _, p := range plays {
		ci, ok := byChart[p.Chart]
		if !ok || ci < 0 {
			continue
		}
		r, delta := p.Rating, p.Delta
		if !p.Known {
			if r, delta, ok = detailRating(p.Detail); !ok {
				continue
			}
		}
		if r <= 0 {
			continue
		}
		out = append(out, constants.Play{ID: p.ID, Chart: ci, At: p.PlayedAt, Achievement: p.Achievement, FC: p.FC,
			Rating: r, Delta: delta})
	}
	return out
}

// constantReport is the archive's report of the estimator's result.
func (d *ratingData) constantReport(res constants.Result) *ConstantReport {
	rep := &ConstantReport{Region: d.region, Estimates: []ConstantEstimate{}, Disagreements: []ConstantEstimate{},
		Plays: res.Plays, Used: res.Used, Unaligned: res.Unaligned, Confirmed: res.Confirmed}
	for _, e := range res.Estimates {
		ce := ConstantEstimate{Title: e.Key.Title, Type: e.Key.Type, Difficulty: e.Key.Difficulty, Level: e.Level,
			SongID: e.Key.SongID, Status: e.Status, Candidates: constantsOf(e.Candidates), SongData: songs.Constant(e.SongData)}
		if e.Status == constants.Certain {
			ce.Constant = songs.Constant(e.Candidates[0])
		}
		for _, ev := range e.Evidence {
			ce.Evidence = append(ce.Evidence, ConstantEvidence{PlayID: ev.PlayID, PlayedAt: ev.At, Achievement: ev.Achievement,
				Rating: ev.Rating, Delta: ev.Delta, Allowed: constantsOf(ev.Allowed)})
		}
		if e.Disagrees {
			rep.Disagreements = append(rep.Disagreements, ce)
		} else {
			rep.Estimates = append(rep.Estimates, ce)
		}
	}
	return rep
}

// detailRating reads the rating a detail's JSON (maimai.PlayDetail)
// printed and its change. PlayDetail has "rating" and "rating_delta" keys
// at its top level only, and a key cannot occur inside a JSON string (its
// quotes would be escaped), so the first of each is the one; reading two
// numbers this way is many times faster than decoding the judgement table
// and the rest of every detail, which at 100,000 plays took most of the
// estimate's time. Anything unexpected falls back to json.Unmarshal.
func detailRating(b []byte) (r, delta int, ok bool) {
	r, okR := jsonInt(b, `"rating":`)
	delta, okD := jsonInt(b, `"rating_delta":`)
	if okR && okD {
		return r, delta, true
	}
	var det struct {
		Rating      int `json:"rating"`
		RatingDelta int `json:"rating_delta"`
	}
	if json.Unmarshal(b, &det) != nil {
		return 0, 0, false
	}
	return det.Rating, det.RatingDelta, true
}

// jsonInt is the integer after the first key (with its colon) in b, as
// json.Marshal writes it (no spaces).
func jsonInt(b []byte, key string) (int, bool) {
	i := bytes.Index(b, []byte(key))
	if i < 0 {
		return 0, false
	}
	b = b[i+len(key):]
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	n, digits := 0, 0
	for ; digits < len(b) && digits < 9 && b[digits] >= '0' && b[digits] <= '9'; digits++ {
		n = n*10 + int(b[digits]-'0')
	}
	if digits == 0 || (digits < len(b) && (b[digits] == '.' || b[digits] == 'e' || b[digits] == 'E' || (b[digits] >= '0' && b[digits] <= '9'))) {
		return 0, false
	}
	if neg {
		n = -n
	}
	return n, true
}

func constantsOf(cs []rating.Constant) []songs.Constant {
	out := make([]songs.Constant, len(cs))
	for i, c := range cs {
		out[i] = songs.Constant(c)
	}
	return out
}
