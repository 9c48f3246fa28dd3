package api_test

import (
	"context"
	"encoding/json"
	"net/url"
	"testing"

	"github.com/maiprobe/maiprobe/internal/analysis"
	"github.com/maiprobe/maiprobe/internal/api"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

// TestAnalysisAndLine: the analysis answer is the analysis package's over
// the archive's samples, and the line answer is archive.Line's, what
// maiprobe line --json prints.
func TestAnalysisAndLine(t *testing.T) {
	w := newWorld(t, api.Limits{})
	ctx := context.Background()
	j, err := w.a.JudgementSamples(ctx, "alice")
	if err != nil || len(j.Samples) == 0 {
		t.Fatalf("alice's samples: %d %v", len(j.Samples), err)
	}
	ans := w.get("/api/v1/players/alice/analysis?limit=3", "aliceRead")
	var got struct {
		Summary analysis.Summary      `json:"summary"`
		Charts  []analysis.ChartGroup `json:"charts"`
		Months  []analysis.Period     `json:"months"`
	}
	if err := json.Unmarshal(ans.body, &got); err != nil || ans.status != 200 {
		t.Fatalf("%d %v: %.300s", ans.status, err, ans.body)
	}
	want := analysis.Summarize(j.Samples)
	if got.Summary.Plays != want.Plays || got.Summary.Loss != want.Loss || got.Summary.Kinds != want.Kinds ||
		len(got.Charts) != min(3, len(analysis.ByChart(j.Samples))) || len(got.Months) != len(analysis.Monthly(j.Samples, j.Region.Location())) {
		t.Errorf("analysis %+v, want summary %+v", got, want)
	}

	c := j.Samples[0].Chart
	q := url.Values{"title": {c.Title}, "type": {string(c.Type)}, "diff": {string(c.Difficulty)}, "target": {"sss+"}}
	l, err := w.a.Line(ctx, "alice", maimai.Chart(c), "sss+")
	if err != nil {
		t.Fatal(err)
	}
	ans = w.get("/api/v1/players/alice/line?"+q.Encode(), "aliceRead")
	wantJSON, _ := json.Marshal(l)
	var a, b any
	json.Unmarshal(ans.body, &a)
	json.Unmarshal(wantJSON, &b)
	if ans.status != 200 || !jsonEqual(a, b) {
		t.Errorf("line: %d %.500s\nwant %.500s", ans.status, ans.body, wantJSON)
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}
