package songs

import (
	"bytes"
	"os"
	"testing"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// FuzzLoad feeds arbitrary bytes to the sniffing loader: it must return a
// database or an error, never panic, and every chart it returns must point
// back at its song.
func FuzzLoad(f *testing.F) {
	for _, name := range []string{"synthetic-divingfish.json", "synthetic-zetaraku.json", "synthetic-tachi.json"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`[{"id":"1","type":"DX","ds":[1e2],"level":["x"],"charts":[{"notes":[]}]}]`))
	f.Add([]byte(`{"songs":[{"sheets":[{"type":"utage","regions":{}}]}],"versions":[]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, region := range []maimai.Region{"", maimai.JP} {
			db, err := Load(bytes.NewReader(b), region)
			if err != nil {
				continue
			}
			for _, s := range db.Songs {
				for _, c := range s.Charts {
					if c.Song != s || !c.Difficulty.Valid() {
						t.Fatalf("chart %+v of song %q is broken", c, s.Title)
					}
				}
				if len(s.Charts) == 0 {
					continue
				}
				q := Query{Title: s.Title, Type: s.Type, Difficulty: s.Charts[0].Difficulty}
				if c, err := db.Match(q); err == nil && c.Difficulty != q.Difficulty {
					t.Fatalf("Match(%+v) = %s", q, c)
				}
			}
		}
	})
}

// FuzzParseConstant checks that a constant that parses prints back to a
// text that parses to the same value.
func FuzzParseConstant(f *testing.F) {
	for _, s := range []string{"13.7", "15", "1.37e1", ".5", "0.05", "1e9", "-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseConstant(s)
		if err != nil {
			return
		}
		if !c.Known() || c > 200 {
			t.Fatalf("ParseConstant(%q) = %d, outside 0.1–20.0 without an error", s, c)
		}
		back, err := ParseConstant(c.String())
		if err != nil || back != c {
			t.Fatalf("ParseConstant(%q) = %s, which reads back as %d, %v", s, c, back, err)
		}
	})
}
