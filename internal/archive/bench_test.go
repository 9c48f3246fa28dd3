package archive

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/maiprobe/maiprobe/internal/dxnet"
)

// BenchmarkImport imports 10,000 plays as 200 record pages of 50 into a
// fresh SQLite archive per iteration: parsed pages, so it measures the
// archive (checks, compression, SQL), not the parser.
func BenchmarkImport(b *testing.B) {
	const pages, perPage = 200, 50
	recs := make([]*dxnet.RecordPage, pages)
	srcs := make([]Source, pages)
	for i := range recs {
		recs[i] = window(i*perPage, (i+1)*perPage)
		srcs[i] = source(b, "record-"+strconv.Itoa(i)+".html", recs[i])
	}
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		a := openTest(b, filepath.Join(b.TempDir(), "bench.db"))
		b.StartTimer()
		for j, rec := range recs {
			if res := a.importPage(ctx, "alice", srcs[j], rec); res.Status != Added || res.Added.Plays != perPage {
				b.Fatalf("page %d: %s %+v %v", j, res.Status, res.Added, res.Err)
			}
		}
		b.StopTimer()
		if n := countPlays(b, a, "alice"); n != pages*perPage {
			b.Fatalf("plays = %d, want %d", n, pages*perPage)
		}
		a.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*pages*perPage), "µs/play")
}

// BenchmarkImportHTML is BenchmarkImport through Import: the pages are
// rendered HTML, so the parser's time is included.
func BenchmarkImportHTML(b *testing.B) {
	const pages, perPage = 200, 50
	srcs := make([]Source, pages)
	for i := range srcs {
		rec := window(i*perPage, (i+1)*perPage)
		srcs[i] = Source{Name: "record-" + strconv.Itoa(i) + ".html", Data: recordHTML(b, rec.Plays), ObservedAt: testNow}
	}
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		a := openTest(b, filepath.Join(b.TempDir(), "bench.db"))
		b.StartTimer()
		for j := range srcs {
			if res := a.Import(ctx, "alice", srcs[j]); res.Status != Added || res.Added.Plays != perPage {
				b.Fatalf("page %d: %s %+v %v", j, res.Status, res.Added, res.Err)
			}
		}
		b.StopTimer()
		a.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*pages*perPage), "µs/play")
}
