package dxnet

import (
	"encoding/json"
	"testing"
)

// TestZeroScoreJSON is what `maiprobe parse` prints (the page as JSON) for
// a played chart at 0.0000% and 0 DX score: both zeros are there. They
// were dropped as if absent; a chart never played still leaves them out.
func TestZeroScoreJSON(t *testing.T) {
	p, err := Parse(readTestdata(t, "musicLevel-cn-zero.html"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var page struct {
		Scores []map[string]any `json:"scores"`
	}
	if err := json.Unmarshal(b, &page); err != nil {
		t.Fatal(err)
	}
	if len(page.Scores) != 2 {
		t.Fatalf("%d scores in %s, want 2", len(page.Scores), b)
	}
	tests := []struct {
		title   string
		present bool
	}{{"Zero Played", true}, {"Never Played", false}}
	for i, tt := range tests {
		t.Run(tt.title, func(t *testing.T) {
			s := page.Scores[i]
			if s["title"] != tt.title {
				t.Fatalf("score %d is %v, want %s", i+1, s["title"], tt.title)
			}
			for _, k := range []string{"achievement", "dx_score"} {
				v, ok := s[k]
				if ok != tt.present || ok && v != float64(0) {
					t.Errorf("%s = %v (present %v), want present %v and 0 in %v", k, v, ok, tt.present, s)
				}
			}
		})
	}
}
