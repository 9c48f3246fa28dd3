package web

import (
	"net/url"
	"strings"
	"testing"
)

// TestPlateURLSpellings: a plate's URL may write its characters the
// simplified or the traditional/Japanese way (极/極, 将/將, 华/華, 霸/覇).
func TestPlateURLSpellings(t *testing.T) {
	_, b := songsApp(t, true)
	for _, tc := range []struct{ plate, kind, want string }{
		{"彩", "极", "彩极"}, {"彩", "極", "彩极"}, {"彩", "將", "彩将"}, {"華", "将", "华将"}, {"华", "極", "华极"},
		{"舞", "者", "霸者"},
	} {
		path := "/p/default/plates?" + url.Values{"plate": {tc.plate}, "kind": {tc.kind}}.Encode()
		res := b.get(path)
		if res.StatusCode != 200 || !strings.Contains(res.body, "<title>"+tc.want+" ·") {
			t.Errorf("%s%s: %d, want the page of %s", tc.plate, tc.kind, res.StatusCode, tc.want)
		}
	}
	if res := b.get("/p/default/plates?" + url.Values{"plate": {"王"}, "kind": {"極"}}.Encode()); res.StatusCode != 404 {
		t.Errorf("an unknown plate: %d, want 404", res.StatusCode)
	}
}
