package web

import (
	"strings"
	"testing"
)

// targetRows reads title, table, outside badge, goal, need and gain off
// the targets page's cards.
func targetRows(body string) [][]string {
	var out [][]string
	for _, part := range strings.Split(body, `<div class="target-card">`)[1:] {
		out = append(out, []string{cardField(part, "title"), strings.TrimSpace(cardField(part, "table")), cardField(part, "badge"),
			cardField(part, "goal"), cardField(part, "need"), cardField(part, "gain")})
	}
	return out
}

func TestTargetsPage(t *testing.T) {
	_, b := songsApp(t, true)
	body := getOK(t, b, "/p/default/targets")
	want := [][]string{
		// Scatman (8.0, 72.5%, 64): 72.5447% makes 65, +1 for 0.0447%.
		{"Scatman (Ski Ba Bop Ba Dop Bop)", "旧曲", "", "72.5447% BB → 65", "&#43;0.0447%", "+1"},
		// Help me (12.9, 99.0012%, 265): SS+ at 99.5% makes 12.9 × 21.1 ×
		// 99.5% = 270.8, +5 for 0.4988% — more per step than the next
		// rating step (99.1354% for +1).
		{"Help me, ERINNNNNN!!", "旧曲", "", "99.5000% SS&#43; → 270", "&#43;0.4988%", "+5"},
		// ウミユリ海底譚 is at 100.5% already: no target.
	}
	got := targetRows(body)
	if strings.Join(flatten(got), "|") != strings.Join(flatten(want), "|") {
		t.Errorf("targets %q, want %q", got, want)
	}
	if !strings.Contains(body, `id="rating-total">637</span>`) {
		t.Error("the targets page lacks the total 637")
	}
}

func flatten(rows [][]string) []string {
	var out []string
	for _, r := range rows {
		out = append(out, strings.Join(r, ","))
	}
	return out
}

// TestTargetsRealCN: with the old table full, charts outside it are
// listed with the score that beats its lowest entry.
func TestTargetsRealCN(t *testing.T) {
	_, b := realCNApp(t)
	body := getOK(t, b, "/p/default/targets")
	if !strings.Contains(body, "新曲 0，旧曲 296") {
		t.Error("the floors are not new 0 (empty), old 296 (Got more raves？ 14.1 at 99.8286%)")
	}
	rows := targetRows(body)
	if len(rows) < 2 {
		t.Fatalf("targets %q", rows)
	}
	// 天火明命 (14.0, 303) is 0.0096% short of SSS+: 14.0 × 22.4 × 100.5% = 315.2.
	if got, want := strings.Join(rows[0], ","), "天火明命,旧曲,,100.5000% SSS&#43; → 315,&#43;0.0096%,+12"; got != want {
		t.Errorf("first target %q, want %q", got, want)
	}
	// Λzure Vixen is outside the old table; SS (99%) makes 300, 4 over the floor.
	if got, want := strings.Join(rows[1], ","), "Λzure Vixen,旧曲,表外,99.0000% SS → 300,&#43;0.0056%,+4"; got != want {
		t.Errorf("second target %q, want %q", got, want)
	}
}
