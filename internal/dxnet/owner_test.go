package dxnet

import (
	"bytes"
	"errors"
	"testing"

	"golang.org/x/net/html"

	"github.com/maiprobe/maiprobe/internal/fixtures"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

// TestOwnerOfFixtures lists, for every real page, whose page OwnerOf says
// it is. A fixture added without a row fails, so none goes unchecked. The
// old CN templates hold Jinja placeholders and Parse refuses them
// (TestParseTemplates), so they have no owner: their rows are nil.
func TestOwnerOfFixtures(t *testing.T) {
	tests := map[string]*Owner{
		"cn/error-bakapiano-1.html":                &Owner{Region: maimai.CN},
		"cn/friend-truerou-1.html":                 &Owner{Region: maimai.CN}, // only friends' cards
		"cn/friendCode-truerou-1.html":             &Owner{Region: maimai.CN, Name: "Ｃｉａ～（・ω", FriendCode: "386587586148257"},
		"cn/friendVs-bakapiano-1.html":             &Owner{Region: maimai.CN, Name: "ｍａｉｂｏｔ♪"}, // the "you" side, never the friend's ｍａｉｍａｉ
		"cn/home-mainetcn-1.html":                  &Owner{Region: maimai.CN, Name: "ＳＣＨＷＩ"},
		"cn/musicGenre-truerou-1.html":             &Owner{Region: maimai.CN},
		"cn/record-mainetcn-1.html":                &Owner{Region: maimai.CN},
		"cn/record-truerou-1.html":                 &Owner{Region: maimai.CN},
		"intl/musicDetail-minty-1.html":            &Owner{Region: maimai.Intl},
		"intl/musicDetail-minty-3.html":            &Owner{Region: maimai.Intl},
		"intl/musicGenre-minty-1.html":             &Owner{Region: maimai.Intl},
		"intl/musicGenre-minty-3.html":             &Owner{Region: maimai.Intl},
		"intl/musicGenre-minty-5.html":             &Owner{Region: maimai.Intl},
		"intl/musicLevel-minty-1.html":             &Owner{Region: maimai.Intl},
		"intl/musicLevel-minty-3.html":             &Owner{Region: maimai.Intl},
		"intl/musicLevel-minty-5.html":             &Owner{Region: maimai.Intl},
		"intl/musicVersion-minty-1.html":           &Owner{Region: maimai.Intl},
		"intl/musicVersion-minty-3.html":           &Owner{Region: maimai.Intl},
		"intl/playerData-minty-1.html":             &Owner{Region: maimai.Intl, Name: "ＭＩＮＴＹ"},
		"intl/ratingTargetMusic-minty-1.html":      &Owner{Region: maimai.Intl, Name: "ＭＩＮＴＹ"},
		"intl/record-minty-1.html":                 &Owner{Region: maimai.Intl},
		"jp/error-zetarakuissue-1.html":            &Owner{Region: maimai.JP},
		"jp/musicLevel-jietng-1.html":              &Owner{Region: maimai.JP},
		"templates/cn/home-yuange-1.html":          nil,
		"templates/cn/photo-yuange-1.html":         nil,
		"templates/cn/playerData-yuange-1.html":    nil,
		"templates/cn/playlogDetail-yuange-1.html": nil,
		"templates/cn/record-yuange-1.html":        nil,
	}
	for _, name := range fixturePages(t) {
		if _, ok := tests[name]; !ok {
			t.Errorf("fixture %s has no expected owner in this test", name)
		}
	}
	for name, want := range tests {
		t.Run(name, func(t *testing.T) {
			p, err := Parse(readFixture(t, name))
			if want == nil {
				if !errors.Is(err, ErrLayout) {
					t.Fatalf("Parse = %T, %v; want the template refused with ErrLayout", p, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := OwnerOf(p); got != *want {
				t.Errorf("OwnerOf = %+v, want %+v", got, want)
			}
		})
	}
}

// TestOwnerOfFragments reads the player cards of the fragment excerpts
// (a card without a page around it) the way the page parsers do.
func TestOwnerOfFragments(t *testing.T) {
	tests := []struct {
		file   string
		region maimai.Region
		want   Owner
	}{
		{"fragments/intl/playerData-leomotors-1.frag.html", maimai.Intl, Owner{Region: maimai.Intl, Name: "Ｌｅｏψｒθφ"}},
		{"fragments/jp/playerData-leomotors-1.frag.html", maimai.JP, Owner{Region: maimai.JP, Name: "Ｌｅｏψｒθφ"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			doc, err := html.Parse(bytes.NewReader(fixtures.ReadDXNet(t, tt.file)))
			if err != nil {
				t.Fatal(err)
			}
			prof, err := parseProfile(doc, KindPlayerData)
			if err != nil {
				t.Fatalf("parseProfile: %v", err)
			}
			p := &PlayerDataPage{Header: Header{Kind: KindPlayerData, Region: tt.region}, Profile: prof}
			if got := OwnerOf(p); got != tt.want {
				t.Errorf("OwnerOf = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestOwnerOfTrims: a name is compared as displayed, without the white
// space around it; a nil page has no owner.
func TestOwnerOfTrims(t *testing.T) {
	p := &HomePage{Header: Header{Kind: KindHome, Region: maimai.CN}, Profile: Profile{Name: " ＭＩＮＴＹ\u00a0"}}
	if got, want := OwnerOf(p), (Owner{Region: maimai.CN, Name: "ＭＩＮＴＹ"}); got != want {
		t.Errorf("OwnerOf = %+v, want %+v", got, want)
	}
	if got := OwnerOf(nil); got != (Owner{}) {
		t.Errorf("OwnerOf(nil) = %+v", got)
	}
}
