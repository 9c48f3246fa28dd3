package archive

import (
	"context"
	"os"
	"path/filepath"
	"runtime/metrics"
	"strconv"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/constants"
	"github.com/maiprobe/maiprobe/internal/fixtures"
	"github.com/maiprobe/maiprobe/internal/storage"
)

// BenchmarkConstants learns the constants of a generated archive over the
// CN song data with a detail on every play and a tenth of the constants
// hidden (the most evidence there can be): "learn" is the estimator over
// data already read (the rating data and the plays with a detail, their
// JSON decoded each time), "read" adds reading the plays from SQLite,
// "cached" is ConstantEstimates while the archive is unchanged.
// MAIPROBE_BENCH_PLAYS sets the plays (default 10,000; docs/constants.md
// has the figures at 100,000).
func BenchmarkConstants(b *testing.B) {
	n := 10_000
	if v, err := strconv.Atoi(os.Getenv("MAIPROBE_BENCH_PLAYS")); err == nil && v > 0 {
		n = v
	}
	ctx := context.Background()
	a := openTest(b, filepath.Join(b.TempDir(), "gen.db"))
	end := GenDefaultEnd.AddDate(0, 0, 1)
	a.now = func() time.Time { return end }
	syncFrom(b, a, fixtures.Shared(b, "data/songs/divingfish-music_data.cn.json"))
	start := time.Now()
	rep, err := a.Generate(ctx, GenOptions{Player: "gen", Plays: n, Seed: 3, DetailEvery: 1, HideConstants: 0.1})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("generated %d plays, %d details, %d constants hidden in %s", rep.Plays, rep.Details, len(rep.Hidden), time.Since(start).Round(time.Second))
	r, err := a.ConstantEstimates(ctx, "gen")
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%d plays with a rating, %d used; %d estimates", r.Plays, r.Used, len(r.Estimates))
	pd, err := a.playerData(ctx, "gen")
	if err != nil {
		b.Fatal(err)
	}
	var plays []storage.RatedPlay
	read := func() {
		err := a.db.View(ctx, func(tx *storage.Tx) error {
			var err error
			plays, err = tx.RatedPlays(ctx, pd.d.playerID)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	read()
	in, _ := pd.d.constantsInput(plays)
	b.Run("estimator", func(b *testing.B) {
		cpu := goCPU()
		for b.Loop() {
			constants.Learn(in)
		}
		reportCPU(b, cpu)
	})
	b.Run("learn", func(b *testing.B) {
		cpu := goCPU()
		for b.Loop() {
			pd.d.learnConstants(plays)
		}
		reportCPU(b, cpu)
	})
	b.Run("read", func(b *testing.B) {
		cpu := goCPU()
		for b.Loop() {
			read()
			pd.d.learnConstants(plays)
		}
		reportCPU(b, cpu)
	})
	b.Run("cached", func(b *testing.B) {
		cpu := goCPU()
		for b.Loop() {
			if _, err := a.ConstantEstimates(ctx, "gen"); err != nil {
				b.Fatal(err)
			}
		}
		reportCPU(b, cpu)
	})
}

// goCPU is the CPU time the Go runtime estimates its goroutines and
// garbage collector used so far: on the shared build machine, wall time
// counts the waits for a core, which this does not.
func goCPU() float64 {
	s := []metrics.Sample{{Name: "/cpu/classes/user:cpu-seconds"}, {Name: "/cpu/classes/gc/total:cpu-seconds"}}
	metrics.Read(s)
	return s[0].Value.Float64() + s[1].Value.Float64()
}

// reportCPU reports the CPU milliseconds per iteration since cpu.
func reportCPU(b *testing.B, cpu float64) {
	b.ReportMetric((goCPU()-cpu)*1000/float64(b.N), "cpu-ms/op")
}
