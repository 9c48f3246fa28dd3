package archive

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/gob"
	"fmt"
	"hash/fnv"
	"slices"
	"sync"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/maiprobe/maiprobe/internal/constants"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/rating"
	"github.com/maiprobe/maiprobe/internal/storage"
)

// The constants learned from plays are kept, per player, in the database
// (constant_states) with the stamp of what they were made from and the
// estimator's Memory, and in this process (constStates). After an import
// the next read goes on from the Memory with only the plays whose detail
// was stored since (play_ratings' seq), when the import added nothing
// that changes what the earlier plays said: no best score step before the
// latest play already used, no change of song data or links, and no new
// play that narrows a chart (constants.Resume says when). Anything else
// — a reparse, a split, a song sync, an older visit imported late — is the
// rare path: the estimate is made again from every play, which reads
// play_ratings' two numbers per play, not each detail's JSON.

// constStateVersion is the layout of a stored state; another one is made
// again.
const constStateVersion = 4

// constState is a player's estimate and what it was made from.
type constState struct {
	Version int
	// Stamp is the player's data stamp, plays epoch and the highest
	// play_ratings seq it was made from (constStamp): the same stamp, the
	// same estimate.
	Stamp         string
	Epoch, MaxSeq int64
	// Keys are the charts of Memory.Charts, Prints what each chart's
	// song data was (level, constant and its changes).
	Keys   []stateKey
	Prints []uint64
	// StepCount and StepMaxID are the score history it was made from.
	StepCount, StepMaxID int64
	Memory               constants.Memory
	// report is what Memory holds for the player (not stored: made
	// again from Memory when read, constants.ResultOf).
	report ConstantReport
}

// stateKey is a bestKey as gob writes it.
type stateKey struct {
	maimai.Chart
	Genre string
}

// constStates is this process's copy of each player's state, by player id.
type constStates struct {
	mu sync.Mutex
	m  map[int64]*constState
	// full and resumed count the estimates made from every play and
	// gone on from a Memory, for tests and benchmarks.
	full, resumed int
	// enc compresses states at zstd's fastest level: a state is written
	// on the first read after each import, and the pages' level took
	// most of that read's time.
	enc *zstd.Encoder
}

// ConstantRuns reports how many estimates this archive made from every
// play and how many it went on from a stored one.
func (a *Archive) ConstantRuns() (full, resumed int) {
	a.ratings.consts.mu.Lock()
	defer a.ratings.consts.mu.Unlock()
	return a.ratings.consts.full, a.ratings.consts.resumed
}

// constantsOf is the report of pd's player: kept while the player's data
// and rated plays are unchanged (in this process or the database),
// else brought up to date.
func (a *Archive) constantsOf(ctx context.Context, pd *playerData) (*ConstantReport, error) {
	d := pd.d
	var epoch, seq int64
	var storedStamp string
	err := a.db.View(ctx, func(tx *storage.Tx) error {
		var err error
		if epoch, seq, err = tx.RatingsStamp(ctx, d.playerID); err != nil {
			return err
		}
		storedStamp, err = tx.ConstantStamp(ctx, d.playerID)
		return err
	})
	if err != nil {
		return nil, err
	}
	stamp := constStamp(pd.stamp, epoch, seq)
	player := d.playerID
	a.ratings.consts.mu.Lock()
	prev := a.ratings.consts.m[player]
	a.ratings.consts.mu.Unlock()
	if prev != nil && prev.Stamp == stamp {
		return &prev.report, nil
	}
	if storedStamp != "" && (prev == nil || storedStamp == stamp) {
		// Another server (or this one before a restart) made it: the
		// estimate itself, or the one to go on from.
		var data []byte
		err := a.db.View(ctx, func(tx *storage.Tx) error {
			var err error
			_, data, err = tx.ConstantState(ctx, d.playerID)
			return err
		})
		if err != nil && !isNotFound(err) {
			return nil, err
		}
		if st, err := a.decodeConstState(data); err == nil && st.Version == constStateVersion {
			if st.Stamp != stamp {
				prev = st
			} else if d.reportOf(st) {
				a.keepConstState(player, st)
				return &st.report, nil
			}
		}
	}
	st, err := a.nextConstState(ctx, d, prev, pd.stamp)
	if err != nil {
		return nil, err
	}
	if st.Epoch == -1 {
		// An import or reparse committed between reading the rating data
		// and the plays: right for this answer at best, so neither kept
		// nor stored; the next read has the new data.
		return &st.report, nil
	}
	// The stamp of what it was made from: the rows read may go past the
	// seq read above (committed in between).
	stamp = constStamp(pd.stamp, st.Epoch, st.MaxSeq)
	st.Stamp = stamp
	data, err := a.encodeConstState(st)
	if err != nil {
		return nil, err
	}
	// Stored for the other servers and the next import; a failure to
	// store only costs the next one the work again.
	_ = a.db.Update(ctx, func(tx *storage.Tx) error {
		return tx.PutConstantState(ctx, d.playerID, stamp, data)
	})
	a.keepConstState(player, st)
	return &st.report, nil
}

func (a *Archive) keepConstState(player int64, st *constState) {
	a.ratings.consts.mu.Lock()
	defer a.ratings.consts.mu.Unlock()
	// At most 64 players' states (a few megabytes each at 100,000 plays
	// with a detail); a player dropped reads the stored one again.
	if _, ok := a.ratings.consts.m[player]; a.ratings.consts.m == nil || (!ok && len(a.ratings.consts.m) >= 64) {
		a.ratings.consts.m = map[int64]*constState{}
	}
	a.ratings.consts.m[player] = st
}

// nextConstState goes on from prev when the archive only gained plays
// since, else makes the estimate from every play.
func (a *Archive) nextConstState(ctx context.Context, d *ratingData, prev *constState, data string) (*constState, error) {
	if prev != nil && prev.Version == constStateVersion && prev.Memory.Settled &&
		len(prev.Keys) == len(prev.Prints) && len(prev.Keys) == len(prev.Memory.Charts) {
		st, ok, err := a.resumeConstState(ctx, d, prev, data)
		if err != nil || ok {
			return st, err
		}
	}
	epoch, upTo, plays, err := a.ratedPlaysAfter(ctx, d, 0, data)
	if err != nil {
		return nil, err
	}
	if err := a.fillRatings(ctx, plays); err != nil {
		return nil, err
	}
	in, keys := d.constantsInput(plays)
	res, mem := constants.LearnMemory(in)
	a.ratings.consts.mu.Lock()
	a.ratings.consts.full++
	a.ratings.consts.mu.Unlock()
	st := d.newConstState(in, keys, res, mem, epoch, upTo)
	return st, nil
}

// fillRatings reads the rating of the plays whose detail was stored
// before play_ratings existed off the detail, and stores it there, so it
// is read once.
func (a *Archive) fillRatings(ctx context.Context, plays []storage.RatedPlay) error {
	var fill []storage.RatedPlay
	for i := range plays {
		p := &plays[i]
		if p.Known {
			continue
		}
		r, delta, ok := detailRating(p.Detail)
		if !ok {
			r, delta = 0, 0
		}
		p.Known, p.Rating, p.Delta, p.Detail = true, r, delta, nil
		fill = append(fill, *p)
	}
	if len(fill) == 0 {
		return nil
	}
	return a.db.Update(ctx, func(tx *storage.Tx) error { return tx.FillPlayRatings(ctx, fill) })
}

// resumeConstState is the state after prev with the plays whose detail
// was stored since, when constants.Resume can tell it is the estimate a
// run over every play would make. Its work grows with the player's charts
// and what the import added, not with the plays before.
func (a *Archive) resumeConstState(ctx context.Context, d *ratingData, prev *constState, data string) (*constState, bool, error) {
	// The steps added since prev: none may be older than the plays prev
	// used, and with prev's they must make the whole history (else one
	// was deleted, or committed late with a lower id). A step changed in
	// place changes its chart's key (a genre learnt), checked below.
	last := prev.Memory.Last
	var later []storage.ScoreStep
	var added int64
	for _, s := range d.history {
		if s.ID == 0 {
			return nil, false, nil // read without ids: cannot tell
		}
		if s.ID > prev.StepMaxID {
			added++
			if s.ObservedAt.Before(last) {
				return nil, false, nil
			}
		}
		if !s.ObservedAt.Before(last) {
			later = append(later, s)
		}
	}
	if prev.StepCount+added != int64(len(d.history)) {
		return nil, false, nil
	}
	epoch, upTo, plays, err := a.ratedPlaysAfter(ctx, d, prev.MaxSeq, data)
	if err != nil {
		return nil, false, err
	}
	if epoch != prev.Epoch {
		return nil, false, nil // plays deleted (a reparse or a split), or read with other data (-1)
	}
	if err := a.fillRatings(ctx, plays); err != nil {
		return nil, false, err
	}
	// The charts in prev's order, then the charts new since; each of
	// prev's must still be a best, with the same song data.
	levels := make(map[bestKey]string, len(d.bests))
	for _, b := range d.bests {
		levels[bestKey{b.Chart, b.Genre}] = b.Level
	}
	in := constants.Input{Rules: func(t time.Time) (rating.Rules, error) { return RulesFor(d.region, t) }}
	keys := make([]bestKey, 0, len(prev.Keys))
	index := make(map[bestKey]int, len(prev.Keys))
	mem := prev.Memory
	mem.Charts = slices.Clip(mem.Charts)
	for i, sk := range prev.Keys {
		k := bestKey{sk.Chart, sk.Genre}
		level, ok := levels[k]
		if !ok {
			return nil, false, nil // a chart's key changed (its genre learnt)
		}
		c := d.constantsChart(k, level)
		if chartPrint(c) != prev.Prints[i] {
			return nil, false, nil // its song data changed
		}
		in.Charts = append(in.Charts, c)
		keys = append(keys, k)
		index[k] = i
	}
	for _, s := range later {
		k := bestKey{s.Chart, s.Genre}
		ci, ok := index[k]
		if !ok {
			ci = len(in.Charts)
			index[k] = ci
			keys = append(keys, k)
			in.Charts = append(in.Charts, d.constantsChart(k, levels[k]))
			mem.Charts = append(mem.Charts, constants.ChartMemory{})
		}
		in.Steps = append(in.Steps, constants.Step{Chart: ci, At: s.ObservedAt, Achievement: s.Achievement, FC: s.FC})
	}
	// A play finds its chart as constantsInput's byChart does: -1 when
	// two bests (of two genres) share it.
	byChart := make(map[maimai.Chart]int, len(keys))
	for i, k := range keys {
		if _, dup := byChart[k.Chart]; dup {
			byChart[k.Chart] = -1
		} else {
			byChart[k.Chart] = i
		}
	}
	in.Plays = constantPlays(plays, byChart)
	res, next, ok := constants.Resume(in, mem)
	if !ok {
		return nil, false, nil
	}
	a.ratings.consts.mu.Lock()
	a.ratings.consts.resumed++
	a.ratings.consts.mu.Unlock()
	return d.newConstState(in, keys, res, next, epoch, upTo), true, nil
}

// constStamp is the stamp of an estimate: the player's data stamp and
// storage.RatingsStamp.
func constStamp(data string, epoch, seq int64) string {
	return fmt.Sprintf("%s|%d %d", data, epoch, seq)
}

// ratedPlaysAfter reads the plays whose detail was stored after seq, the
// plays epoch they are of and the highest seq they take the estimate to
// (every row up to the player's rating_seq read first is committed, and
// rows committed since may be read too). The epoch is -1 when they do not
// go with d: the player's data stamp is no longer data (an import
// committed since d was read, whose plays' steps d lacks), or a reparse
// committed while they were read (a database whose reads see each
// statement's own snapshot).
func (a *Archive) ratedPlaysAfter(ctx context.Context, d *ratingData, seq int64, data string) (epoch, upTo int64, plays []storage.RatedPlay, err error) {
	err = a.db.View(ctx, func(tx *storage.Tx) error {
		e, s, err := tx.RatingsStamp(ctx, d.playerID)
		if err != nil {
			return err
		}
		if plays, err = tx.RatedPlaysAfter(ctx, d.playerID, seq); err != nil {
			return err
		}
		e2, _, err := tx.RatingsStamp(ctx, d.playerID)
		if err != nil {
			return err
		}
		now, err := dataStampIn(ctx, tx, d.playerID, d.region)
		epoch, upTo = e, max(seq, s)
		for _, p := range plays {
			upTo = max(upTo, p.Seq)
		}
		if e2 != e || now != data {
			epoch = -1
		}
		return err
	})
	return epoch, upTo, plays, err
}

func (d *ratingData) newConstState(in constants.Input, keys []bestKey, res constants.Result, mem constants.Memory, epoch, maxSeq int64) *constState {
	st := &constState{Version: constStateVersion, Epoch: epoch, MaxSeq: maxSeq, Memory: mem,
		report: *d.constantReport(res), StepCount: int64(len(d.history))}
	for _, s := range d.history {
		st.StepMaxID = max(st.StepMaxID, s.ID)
	}
	st.Keys = make([]stateKey, len(keys))
	for i, k := range keys {
		st.Keys[i] = stateKey{k.Chart, k.genre}
	}
	st.Prints = make([]uint64, len(in.Charts))
	for i, c := range in.Charts {
		st.Prints[i] = chartPrint(c)
	}
	return st
}

// chartPrint is a hash of what the estimator takes from the song data of
// a chart.
func chartPrint(c constants.Chart) uint64 {
	var b []byte
	b = append(b, c.Key.Title...)
	b = append(b, 0)
	b = append(b, c.Key.Type...)
	b = append(b, 0)
	b = append(b, c.Key.Difficulty...)
	b = append(b, 0)
	b = append(b, c.Level...)
	b = append(b, 0)
	b = binary.AppendVarint(b, int64(c.Key.SongID))
	b = binary.AppendVarint(b, int64(c.Version))
	b = binary.AppendVarint(b, int64(c.Constant))
	for _, ch := range c.Changes {
		b = binary.AppendVarint(b, int64(ch.Constant))
		b = binary.AppendVarint(b, ch.At.UnixNano())
	}
	h := fnv.New64a()
	h.Write(b)
	return h.Sum64()
}

// encodeConstState is st as gob, compressed, after its length.
func (a *Archive) encodeConstState(st *constState) ([]byte, error) {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(st); err != nil {
		return nil, fmt.Errorf("archive: encode constant state: %w", err)
	}
	c := &a.ratings.consts
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.enc == nil {
		enc, err := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1), zstd.WithEncoderLevel(zstd.SpeedFastest))
		if err != nil {
			return nil, fmt.Errorf("archive: encode constant state: %w", err)
		}
		c.enc = enc
	}
	out := binary.AppendUvarint(nil, uint64(buf.Len()))
	return c.enc.EncodeAll(buf.Bytes(), out), nil
}

func (a *Archive) decodeConstState(data []byte) (*constState, error) {
	n, k := binary.Uvarint(data)
	if k <= 0 {
		return nil, fmt.Errorf("archive: constant state: no length")
	}
	raw, err := a.decode(data[k:], int64(n))
	if err != nil {
		return nil, fmt.Errorf("archive: constant state: %w", err)
	}
	st := &constState{}
	if err := gob.NewDecoder(bytes.NewReader(raw)).Decode(st); err != nil {
		return nil, fmt.Errorf("archive: constant state: %w", err)
	}
	return st, nil
}

// reportOf makes st's report from its Memory, with the charts' song data
// of d (the same as st's: its stamp is d's); false when st names a chart
// d has no best of.
func (d *ratingData) reportOf(st *constState) bool {
	levels := make(map[bestKey]string, len(d.bests))
	for _, b := range d.bests {
		levels[bestKey{b.Chart, b.Genre}] = b.Level
	}
	in := constants.Input{Rules: func(t time.Time) (rating.Rules, error) { return RulesFor(d.region, t) }}
	for _, sk := range st.Keys {
		k := bestKey{sk.Chart, sk.Genre}
		level, ok := levels[k]
		if !ok {
			return false
		}
		in.Charts = append(in.Charts, d.constantsChart(k, level))
	}
	res, ok := constants.ResultOf(in, st.Memory)
	if ok {
		st.report = *d.constantReport(res)
	}
	return ok
}
