package probersync_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/fixtures"
	"github.com/maiprobe/maiprobe/internal/probersync"
)

// BenchmarkSyncNothingNew is what a scheduled sync costs when the service
// already holds everything: read the player's 3,000 plays and bests,
// build the items, compare them with what was accepted, send nothing.
// Run: go test -bench SyncNothingNew -run ^$ ./internal/probersync
func BenchmarkSyncNothingNew(b *testing.B) {
	ctx := context.Background()
	a := benchArchive(b)
	for _, svc := range probersync.Services {
		b.Run(string(svc), func(b *testing.B) {
			var f interface{ URL() string }
			if svc == probersync.Lxns {
				f = newFakeLxns(b, tokens)
			} else {
				f = newFakeDivingFish(b, tokens)
			}
			opt := probersync.Options{BaseURL: f.URL()}
			first, err := probersync.Sync(ctx, a, "alice", svc, aliceToken, opt)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				rep, err := probersync.Sync(ctx, a, "alice", svc, aliceToken, opt)
				if err != nil || rep.Sent != 0 {
					b.Fatalf("%+v %v", rep, err)
				}
			}
			b.ReportMetric(float64(first.Items), "items")
		})
	}
}

// BenchmarkSyncDivingFishMerge is the cost of the no-lowering rule at its
// largest: a --full sync of a player with 2,000+ bests that diving-fish
// already holds, so every chart is pending, /player/records (every
// record) is read, parsed and compared, and nothing is sent.
// Run: go test -bench SyncDivingFishMerge -run ^$ ./internal/probersync
func BenchmarkSyncDivingFishMerge(b *testing.B) {
	ctx := context.Background()
	a := benchArchive(b)
	df := newFakeDivingFish(b, tokens)
	opt := probersync.Options{BaseURL: df.URL(), Full: true}
	first, err := probersync.Sync(ctx, a, "alice", probersync.DivingFish, aliceToken, opt)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		rep, err := probersync.Sync(ctx, a, "alice", probersync.DivingFish, aliceToken, opt)
		if err != nil || rep.Sent != 0 || rep.Kept != first.Items {
			b.Fatalf("%+v %v", rep, err)
		}
	}
	b.ReportMetric(float64(first.Items), "items")
}

// benchArchive opens an archive with the CN song data and alice's 3,000
// generated plays; it skips without ../shared/data/songs.
func benchArchive(b *testing.B) *archive.Archive {
	src := fixtures.Shared(b, "data/songs/divingfish-music_data.cn.json")
	loc := filepath.Join(b.TempDir(), "bench.db")
	if err := buildArchive(loc, src, archive.GenOptions{Player: "alice", Plays: 3000, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	a, err := archive.Open(context.Background(), loc)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	return a
}
