package web

import (
	"context"
	"fmt"
	"html"
	"strings"
	"testing"

	"github.com/maiprobe/maiprobe/internal/analysis"
	"github.com/maiprobe/maiprobe/internal/archive"
)

// TestPlayLoss: a play's page says what each note kind cost that play,
// the numbers analysis.LossOf gives for its judgement table and
// achievement, in both languages, with the BREAKs' caveat; a play without
// a detail says nothing of it.
func TestPlayLoss(t *testing.T) {
	ap := generated(t, 200)
	ctx := context.Background()
	list, err := ap.a.ListPlays(ctx, "gen", archive.PlayFilter{}, 0, 200)
	if err != nil {
		t.Fatal(err)
	}
	var with, without int64
	for _, p := range list.Plays {
		if p.HasDetail && with == 0 {
			with = p.ID
		}
		if !p.HasDetail && without == 0 {
			without = p.ID
		}
	}
	if with == 0 || without == 0 {
		t.Fatalf("need a play with and one without a detail (%d, %d)", with, without)
	}
	pv, err := ap.a.PlayByID(ctx, "gen", with)
	if err != nil {
		t.Fatal(err)
	}
	tbl := analysis.TableOf(pv.Play.Detail.Judgements)
	l := analysis.LossOf(tbl, pv.Play.Achievement)
	if l.ByKind[analysis.Break] == 0 && l.ByKind[analysis.Tap] == 0 {
		t.Fatalf("the play lost nothing to test with: %+v", l)
	}
	for _, c := range []struct{ accept, lead, slide, total string }{
		{"zh-CN", "这一局各类音符让你损失的达成率：", "SLIDE（星星） %.4f%%", "合计 %.4f%%（满分 101%%）"},
		{"en", "What each note kind cost this play: ", "slides %.4f%%", ", %.4f%% in all (out of 101%%)"},
	} {
		b := ap.browser()
		b.headers["Accept-Language"] = c.accept
		page := html.UnescapeString(mustGet(t, b, fmt.Sprintf("/p/gen/plays/%d", with)))
		for _, w := range []string{c.lead, fmt.Sprintf(c.slide, l.ByKind[analysis.Slide]), fmt.Sprintf(c.total, l.Total()), "BREAK"} {
			if !strings.Contains(page, w) {
				t.Errorf("%s: the play page lacks %q", c.accept, w)
			}
		}
		if tbl.Notes()[analysis.Touch] == 0 && strings.Contains(page, map[string]string{"zh-CN": "TOUCH 0.", "en": "touches 0."}[c.accept]) {
			t.Errorf("%s: a chart without TOUCH shows a TOUCH loss", c.accept)
		}
		if other := mustGet(t, b, fmt.Sprintf("/p/gen/plays/%d", without)); strings.Contains(other, `class="play-loss"`) {
			t.Errorf("%s: a play without a detail shows a loss", c.accept)
		}
	}
}
