package songs

import (
	"bytes"
	"os"
	"testing"

	"github.com/maiprobe/maiprobe/internal/fixtures"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

// BenchmarkLoadDivingFish loads the full CN data (1379 songs, 5482 charts)
// from memory: decode, exact constants, indexes.
func BenchmarkLoadDivingFish(b *testing.B) {
	data, err := os.ReadFile(fixtures.Shared(b, "data/songs/"+dfFile))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(bytes.NewReader(data), ""); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMatch matches a mix of plain, folded, utage and ambiguous
// queries against the CN data.
func BenchmarkMatch(b *testing.B) {
	data, err := os.ReadFile(fixtures.Shared(b, "data/songs/"+dfFile))
	if err != nil {
		b.Fatal(err)
	}
	db, err := Load(bytes.NewReader(data), "")
	if err != nil {
		b.Fatal(err)
	}
	qs := []Query{
		{Title: "群青シグナル", Type: maimai.DX, Difficulty: maimai.Master},
		{Title: "PANDORA PARADOXXX", Type: maimai.Std, Difficulty: maimai.ReMaster},
		{Title: "天狗の落とし文 feat. ytr", Type: maimai.DX, Difficulty: maimai.Master},
		{Title: "D✪N’T  ST✪P  R✪CKIN’", Type: maimai.Std, Difficulty: maimai.Master},
		{Title: "[協]疾走あんさんぶる", Type: maimai.DX, Difficulty: maimai.Utage},
		{Title: "Link", Type: maimai.Std, Difficulty: maimai.Master, Genre: "舞萌"},
		{Title: "\u3000", Type: maimai.DX, Difficulty: maimai.Master},
		{Title: "Link", Type: maimai.Std, Difficulty: maimai.Master}, // ambiguous: builds an error
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		db.Match(qs[i%len(qs)])
		i++
	}
}
