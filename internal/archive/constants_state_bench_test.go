package archive

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/constants"
	"github.com/maiprobe/maiprobe/internal/fixtures"
	"github.com/maiprobe/maiprobe/internal/storage"
)

// BenchmarkConstantsAfterImport is the first ConstantEstimates after an
// import of 50 plays with their details into a generated archive
// (MAIPROBE_BENCH_PLAYS, default 10,000; every play with a detail, a
// tenth of the constants hidden), the rating data already read (every
// page reads it; BenchmarkFirstView* in internal/web measure that). gen
// prints ratings from its own run's bests, so a second run's plays would
// not fit the archive: instead the kept estimate is made, outside the
// timer, from all but the last 50·k plays' details (k = 1…5 in turn), as
// it stood before the import of those, and the timer runs over what the
// first read after the import does: the stamps read, the estimate gone
// on from (or made again when the new plays narrow a chart), stored. It
// reports cold-ms-median (that read; cold-resumed-ms and cold-full-ms
// those that went on and those that started again), warm-ms-median (the
// next read), full-ms (the estimate made from every play, the same run's
// reference), and how many reads went on (resumed) or started again
// (full).
func BenchmarkConstantsAfterImport(b *testing.B) {
	n := 10_000
	if v, err := strconv.Atoi(os.Getenv("MAIPROBE_BENCH_PLAYS")); err == nil && v > 0 {
		n = v
	}
	ctx := context.Background()
	a := openTest(b, filepath.Join(b.TempDir(), "gen.db"))
	end := GenDefaultEnd.AddDate(0, 0, 1)
	a.now = func() time.Time { return end }
	syncFrom(b, a, fixtures.Shared(b, "data/songs/divingfish-music_data.cn.json"))
	if _, err := a.Generate(ctx, GenOptions{Player: "gen", Plays: n, Seed: 3, DetailEvery: 1, HideConstants: 0.1}); err != nil {
		b.Fatal(err)
	}
	pd, err := a.playerData(ctx, "gen")
	if err != nil {
		b.Fatal(err)
	}
	d := pd.d
	epoch, _, plays, err := a.ratedPlaysAfter(ctx, d, 0, pd.stamp)
	if err == nil {
		err = a.fillRatings(ctx, plays)
	}
	if err != nil {
		b.Fatal(err)
	}
	seqs := make([]int64, len(plays))
	for i, p := range plays {
		seqs[i] = p.Seq
	}
	slices.Sort(seqs)
	before := func(k int) *constState {
		cut := seqs[len(seqs)-50*k-1]
		var prefix []storage.RatedPlay
		for _, p := range plays {
			if p.Seq <= cut {
				prefix = append(prefix, p)
			}
		}
		in, keys := d.constantsInput(prefix)
		res, mem := constants.LearnMemory(in)
		st := d.newConstState(in, keys, res, mem, epoch, cut)
		st.Stamp = "before the import"
		return st
	}
	var cold, warm, coldResumed, coldFull []time.Duration
	full0, resumed0 := a.ConstantRuns()
	k := 0
	for b.Loop() {
		b.StopTimer()
		k = k%5 + 1
		// Before the import, this server and the database held it.
		st := before(k)
		data, err := a.encodeConstState(st)
		if err == nil {
			err = a.db.Update(ctx, func(tx *storage.Tx) error { return tx.PutConstantState(ctx, d.playerID, st.Stamp, data) })
		}
		if err != nil {
			b.Fatal(err)
		}
		a.keepConstState(d.playerID, st)
		_, r0 := a.ConstantRuns()
		b.StartTimer()
		t0 := time.Now()
		if _, err := a.constantsOf(ctx, pd); err != nil {
			b.Fatal(err)
		}
		took := time.Since(t0)
		cold = append(cold, took)
		if _, r1 := a.ConstantRuns(); r1 > r0 {
			coldResumed = append(coldResumed, took)
		} else {
			coldFull = append(coldFull, took)
		}
		t0 = time.Now()
		if _, err := a.constantsOf(ctx, pd); err != nil {
			b.Fatal(err)
		}
		warm = append(warm, time.Since(t0))
	}
	full, resumed := a.ConstantRuns()
	b.StopTimer()
	t0 := time.Now()
	if _, err := a.nextConstState(ctx, d, nil, pd.stamp); err != nil {
		b.Fatal(err)
	}
	fullMS := float64(time.Since(t0).Microseconds()) / 1000
	// What storing the state costs, and its size.
	a.ratings.consts.mu.Lock()
	st := a.ratings.consts.m[d.playerID]
	a.ratings.consts.mu.Unlock()
	t0 = time.Now()
	data, err := a.encodeConstState(st)
	if err != nil {
		b.Fatal(err)
	}
	encodeMS := float64(time.Since(t0).Microseconds()) / 1000
	t0 = time.Now()
	if err := a.db.Update(ctx, func(tx *storage.Tx) error { return tx.PutConstantState(ctx, d.playerID, "x", data) }); err != nil {
		b.Fatal(err)
	}
	putMS := float64(time.Since(t0).Microseconds()) / 1000
	b.ReportMetric(encodeMS, "encode-ms")
	b.ReportMetric(putMS, "put-ms")
	b.ReportMetric(float64(len(data))/1000, "state-kB")
	median := func(ts []time.Duration) float64 {
		if len(ts) == 0 {
			return 0
		}
		slices.Sort(ts)
		return float64(ts[len(ts)/2].Microseconds()) / 1000
	}
	b.ReportMetric(median(coldResumed), "cold-resumed-ms")
	b.ReportMetric(median(coldFull), "cold-full-ms")
	b.ReportMetric(median(cold), "cold-ms-median")
	b.ReportMetric(median(warm), "warm-ms-median")
	b.ReportMetric(fullMS, "full-ms")
	b.ReportMetric(float64(resumed-resumed0), "resumed")
	b.ReportMetric(float64(full-full0), "full")
}
