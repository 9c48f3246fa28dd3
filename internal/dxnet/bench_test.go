package dxnet

import (
	"bytes"
	"sort"
	"testing"

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
