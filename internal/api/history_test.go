package api_test

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"github.com/maiprobe/maiprobe/internal/api"
	"github.com/maiprobe/maiprobe/internal/archive"
)

// TestHistoryEndpoints: the milestones, visit, years, attempts and stale
// answers carry what the archive calls behind the web pages give (the
// document test checks their shape; this, their numbers).
func TestHistoryEndpoints(t *testing.T) {
	w := newWorld(t, api.Limits{})
	ctx := context.Background()
	num := func(v any) int64 {
		f, ok := v.(float64)
		if !ok {
			t.Fatalf("%v (%T) is no number", v, v)
		}
		return int64(f)
	}

	ms, err := w.a.Milestones(ctx, "alice")
	if err != nil || len(ms) < 8 {
		t.Fatalf("alice's milestones: %d, %v", len(ms), err)
	}
	ans := w.get("/api/v1/players/alice/milestones?page=2&per_page=5", "aliceRead")
	list, _ := ans.field("milestones").([]any)
	if ans.status != 200 || num(ans.field("total")) != int64(len(ms)) || len(list) != 5 {
		t.Fatalf("milestones page 2: %d, total %v, %d rows; the archive has %d", ans.status, ans.field("total"), len(list), len(ms))
	}
	for i, v := range list {
		m, want := v.(map[string]any), ms[5+i]
		if m["kind"] != string(want.Kind) || m["value"] != want.Value || num(m["play_id"]) != want.PlayID && want.PlayID != 0 {
			t.Errorf("milestone %d: %v, want %+v", 5+i, m, want)
		}
	}
	ranks := 0
	for _, m := range ms {
		if m.Kind == "rank" {
			ranks++
		}
	}
	ans = w.get("/api/v1/players/alice/milestones?kind=rank&per_page=200", "aliceRead")
	list, _ = ans.field("milestones").([]any)
	if num(ans.field("total")) != int64(ranks) || len(list) != min(ranks, 200) {
		t.Errorf("rank milestones: total %v, %d rows; want %d", ans.field("total"), len(list), ranks)
	}
	for _, v := range list {
		if k := v.(map[string]any)["kind"]; k != "rank" {
			t.Errorf("kind=rank answered a %v milestone", k)
		}
	}
	if ans := w.get("/api/v1/players/alice/milestones?page=999", "aliceRead"); len(ans.field("milestones").([]any)) != 0 {
		t.Error("a page past the end is not empty")
	}

	// A visit: asked by its last play, it is the visit of its first.
	log, err := w.a.PlayLog(ctx, "alice")
	if err != nil || len(log.Plays) == 0 {
		t.Fatalf("alice's plays: %v", err)
	}
	last := log.Plays[len(log.Plays)-1]
	rep, err := w.a.VisitReport(ctx, "alice", last.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	ans = w.get(fmt.Sprintf("/api/v1/players/alice/visits/%d", last.ID), "aliceRead")
	plays, _ := ans.field("plays").([]any)
	if ans.status != 200 || num(ans.field("first_play")) != rep.FirstPlay || len(plays) != len(rep.Plays) || num(ans.field("next")) != 0 ||
		num(ans.field("prev")) != rep.Prev || rep.Prev == 0 {
		t.Errorf("the last visit: %d, first play %v (want %d), %d plays (want %d), prev %v (want %d), next %v",
			ans.status, ans.field("first_play"), rep.FirstPlay, len(plays), len(rep.Plays), ans.field("prev"), rep.Prev, ans.field("next"))
	}
	if again := w.get(fmt.Sprintf("/api/v1/players/alice/visits/%d", rep.FirstPlay), "aliceRead"); num(again.field("first_play")) != rep.FirstPlay {
		t.Errorf("asked by its first play, the visit starts at %v", again.field("first_play"))
	}
	if usual, _ := ans.field("usual").([]any); len(usual) != len(rep.Usual) {
		t.Errorf("%d usual achievements, want %d", len(usual), len(rep.Usual))
	}

	// Years, and one year's review.
	years, _ := w.get("/api/v1/players/alice/years", "aliceRead").field("years").([]any)
	if len(years) == 0 {
		t.Fatal("no years")
	}
	for _, y := range years {
		review, err := w.a.YearReview(ctx, "alice", int(num(y)))
		if err != nil {
			t.Fatal(err)
		}
		ans := w.get(fmt.Sprintf("/api/v1/players/alice/years/%d", num(y)), "aliceRead")
		if num(ans.field("plays")) != int64(review.Plays) || num(ans.field("visits")) != int64(review.Visits) || review.Plays == 0 {
			t.Errorf("%v: %v plays, %v visits; want %d, %d", y, ans.field("plays"), ans.field("visits"), review.Plays, review.Visits)
		}
	}

	// Attempts at the chart of the last play.
	cv, err := w.a.Chart(ctx, "alice", last.Chart)
	if err != nil {
		t.Fatal(err)
	}
	q := url.Values{"title": {last.Chart.Title}, "type": {string(last.Chart.Type)}, "diff": {string(last.Chart.Difficulty)}}.Encode()
	ans = w.get("/api/v1/players/alice/attempts?"+q, "aliceRead")
	if ans.status != 200 || num(ans.field("attempts")) != int64(len(cv.Plays)) || ans.field("title") != last.Chart.Title {
		t.Errorf("attempts: %d %v of %v, want %d", ans.status, ans.field("attempts"), ans.field("title"), len(cv.Plays))
	}

	// The charts stuck longest, most first: of a player with enough plays
	// to have played charts again (alice's few are on a chart each).
	if _, err := w.a.Generate(ctx, archive.GenOptions{Player: "dave", Plays: 1500, Seed: 9}); err != nil {
		t.Fatal(err)
	}
	if err := w.a.SetPublic(ctx, "dave", true); err != nil {
		t.Fatal(err)
	}
	stale, err := w.a.StaleAttempts(ctx, "dave")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, v := range stale {
		if v > 0 {
			n++
		}
	}
	ans = w.get("/api/v1/players/dave/stale?per_page=200", "")
	charts, _ := ans.field("charts").([]any)
	if num(ans.field("total")) != int64(n) || len(charts) != min(n, 200) || n == 0 {
		t.Fatalf("stale: total %v, %d rows; want %d", ans.field("total"), len(charts), n)
	}
	prev := int64(1 << 62)
	for _, v := range charts {
		c := v.(map[string]any)
		k := num(c["stale"])
		if k > prev || k < 1 {
			t.Errorf("stale %d after %d", k, prev)
		}
		prev = k
	}
}
