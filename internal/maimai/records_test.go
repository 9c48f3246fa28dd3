package maimai

import (
	"encoding/json"
	"testing"
)

// TestScoreJSONZeros: a played 0.0000% / 0 DX score is written with its
// zeros (it was dropped as if absent), a chart never played without them,
// and both read back the same.
func TestScoreJSONZeros(t *testing.T) {
	tests := []struct {
		name string
		s    Score
		want string
	}{
		{"played zero", Score{Chart: Chart{Title: "x", Type: DX, Difficulty: Basic}, Level: "1", Played: true, DXScoreMax: 300, Rank: RankD},
			`{"title":"x","type":"dx","difficulty":"basic","level":"1","played":true,"dx_score_max":300,"fc":"","fs":"","rank":"d","achievement":0,"dx_score":0}`},
		{"not played", Score{Chart: Chart{Title: "x", Type: Std, Difficulty: Basic}, Level: "1"},
			`{"title":"x","type":"std","difficulty":"basic","level":"1","played":false,"fc":"","fs":""}`},
		{"utage buddy", Score{Chart: Chart{Title: "[協]x", Type: DX, Difficulty: Utage}, Level: "13?", Played: true, Achievement: 1981234, DXScore: 3001, DXScoreMax: 3300, Rank: RankSSSP, UtageMark: UtageMark{UtageKind: "協", Buddy: true}},
			`{"title":"[協]x","type":"dx","difficulty":"utage","level":"13?","played":true,"dx_score_max":3300,"fc":"","fs":"","rank":"sssp","utage_kind":"協","buddy":true,"achievement":198.1234,"dx_score":3001}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.s)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.want {
				t.Errorf("Marshal =\n%s\nwant\n%s", b, tt.want)
			}
			var back Score
			if err := json.Unmarshal(b, &back); err != nil || back != tt.s {
				t.Errorf("Unmarshal = %+v, %v; want %+v", back, err, tt.s)
			}
		})
	}
}

// TestPlayJSONZeros: a play always has an achievement and a DX score, so
// a 0.0000% play keeps both.
func TestPlayJSONZeros(t *testing.T) {
	b, err := json.Marshal(Play{Chart: Chart{Title: "x", Type: DX, Difficulty: Basic}, DXScoreMax: 300, Rank: RankD})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"achievement", "dx_score"} {
		if v, ok := m[k]; !ok || v != float64(0) {
			t.Errorf("%s = %v (present %v), want 0 in %s", k, v, ok, b)
		}
	}
}
