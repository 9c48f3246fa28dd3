package dxnet

import (
	"bytes"
	"sort"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// BenchmarkParse measures Parse on every page we have, beside
// BenchmarkHTMLParse, html.Parse alone on the same bytes: the budget is
// Parse ≤ 2 × html.Parse (docs/benchmarks.md has the figures).
func BenchmarkParse(b *testing.B) {
	benchPages(b, func(b *testing.B, page []byte) {
		for b.Loop() {
			if _, err := Parse(page); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkHTMLParse is the baseline for BenchmarkParse.
func BenchmarkHTMLParse(b *testing.B) {
	benchPages(b, func(b *testing.B, page []byte) {
		for b.Loop() {
			if _, err := html.Parse(bytes.NewReader(page)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func benchPages(b *testing.B, run func(*testing.B, []byte)) {
	pages := seedPages(b)
	names := make([]string, 0, len(pages))
	for n, page := range pages {
		if _, err := Parse(page); err == nil {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		b.Skip("no parseable pages")
	}
	for _, n := range names {
		page := pages[n]
		b.Run(n, func(b *testing.B) {
			b.SetBytes(int64(len(page)))
			b.ReportAllocs()
			run(b, page)
		})
	}
}

// BenchmarkParseRatio runs html.Parse and Parse alternately on each page
// and reports their ratio ("x-html"): interleaving puts both under the
// same machine load, so the ratio holds even on a busy machine where the
// two separate benchmarks above drift apart. The budget is 2.
func BenchmarkParseRatio(b *testing.B) {
	benchPages(b, func(b *testing.B, page []byte) {
		var tHTML, tParse time.Duration
		for b.Loop() {
			t0 := time.Now()
			if _, err := html.Parse(bytes.NewReader(page)); err != nil {
				b.Fatal(err)
			}
			t1 := time.Now()
			if _, err := Parse(page); err != nil {
				b.Fatal(err)
			}
			tHTML += t1.Sub(t0)
			tParse += time.Since(t1)
		}
		b.ReportMetric(float64(tParse)/float64(tHTML), "x-html")
	})
}
