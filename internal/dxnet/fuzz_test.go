package dxnet

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// seedPages returns every saved page we have: the real ones in ../shared
// (when present) and our own under testdata/, keyed by file name.
func seedPages(tb testing.TB) map[string][]byte {
	tb.Helper()
	out := map[string][]byte{}
	add := func(dir string) {
		_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
				return nil
			}
			b, err := os.ReadFile(p)
			if err == nil {
				out[filepath.Base(p)] = b
			}
			return nil
		})
	}
	add(filepath.Join("..", "..", "..", "shared", "fixtures", "dxnet"))
	add("testdata")
	return out
}

// FuzzParse feeds arbitrary bytes, seeded with every page we have, through
// detection and whichever parser the page selects. Parse may refuse input
// but must never panic, and a page it accepts must say what it is.
func FuzzParse(f *testing.F) {
	for _, b := range seedPages(f) {
		f.Add(b)
	}
	f.Add([]byte(""))
	f.Add([]byte("<html><body>hello</body></html>"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Parse(b)
		if err != nil {
			if p != nil {
				t.Fatalf("Parse returned a page and an error: %v", err)
			}
			return
		}
		h := p.Head()
		if h.Kind == "" || !h.Region.Valid() {
			t.Fatalf("accepted page without kind or region: %+v", h)
		}
	})
}

// fuzzParser fuzzes one parser directly, past detection, so mutations
// that would no longer be detected as its kind still reach it.
func fuzzParser(f *testing.F, prefixes []string, kind Kind, parse func(*html.Node, *Header) (Page, error)) {
	for name, b := range seedPages(f) {
		for _, p := range prefixes {
			if strings.HasPrefix(name, p) {
				f.Add(b)
			}
		}
	}
	f.Add([]byte("<html></html>"))
	f.Fuzz(func(t *testing.T, b []byte) {
		doc, err := html.Parse(bytes.NewReader(b))
		if err != nil {
			return
		}
		for _, r := range []maimai.Region{maimai.CN, maimai.Intl, maimai.JP} {
			_, _ = parse(doc, &Header{Kind: kind, Region: r})
		}
	})
}

func FuzzRecord(f *testing.F) { fuzzParser(f, []string{"record"}, KindRecord, parseRecord) }
func FuzzPlaylogDetail(f *testing.F) {
	fuzzParser(f, []string{"playlogDetail"}, KindPlaylogDetail, parsePlaylogDetail)
}
func FuzzPhoto(f *testing.F) { fuzzParser(f, []string{"photo"}, KindPhoto, parsePhoto) }
func FuzzHome(f *testing.F)  { fuzzParser(f, []string{"home"}, KindHome, parseHome) }
func FuzzPlayerData(f *testing.F) {
	fuzzParser(f, []string{"playerData"}, KindPlayerData, parsePlayerData)
}
func FuzzScores(f *testing.F) {
	fuzzParser(f, []string{"music", "scores", "ratingTarget"}, KindScores, parseScores)
}
func FuzzMusicDetail(f *testing.F) {
	fuzzParser(f, []string{"musicDetail"}, KindMusicDetail, parseMusicDetail)
}
func FuzzFriendCode(f *testing.F) {
	fuzzParser(f, []string{"friendCode"}, KindFriendCode, parseFriendCode)
}
func FuzzStatus(f *testing.F) {
	fuzzParser(f, []string{"error", "login", "maintenance"}, KindError, parseError)
}
func FuzzFriend(f *testing.F) {
	fuzzParser(f, []string{"friend-"}, KindFriend, parseFriend)
}
func FuzzFriendVs(f *testing.F) {
	fuzzParser(f, []string{"friendVs"}, KindFriendVs, parseFriendVs)
}
