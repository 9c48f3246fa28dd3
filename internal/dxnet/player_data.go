package dxnet

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// parsePlayerData reads playerData/: the player card, the play counts, the
// counters of ranks, combo and sync marks and DX stars (for every chart or
// one difficulty), and the maimile balance.
func parsePlayerData(doc *html.Node, h *Header) (Page, error) {
	prof, err := parseProfile(doc, h.Kind)
	if err != nil {
		return nil, err
	}
	p := &PlayerDataPage{Header: *h, Profile: prof, Counts: map[string]maimai.Count{}}

	for _, b := range byClass(doc, "musiccount_block") {
		img := find(b, isAtom(atom.Img))
		if img == nil {
			return nil, layoutErr(h.Kind, "a counter (musiccount_block) without its icon")
		}
		key := iconKey(attr(img, "src"))
		if !counterKeys[key] {
			return nil, layoutErr(h.Kind, "a counter with the unknown icon %s", imgName(attr(img, "src")))
		}
		if _, dup := p.Counts[key]; dup {
			return nil, layoutErr(h.Kind, "two counters with the icon %s", imgName(attr(img, "src")))
		}
		c, err := parseCount(text(firstClass(b, "musiccount_counter_block")))
		if err != nil {
			return nil, layoutErr(h.Kind, "counter %s: %v", key, err)
		}
		p.Counts[key] = c
	}
	if len(p.Counts) == 0 {
		return nil, layoutErr(h.Kind, "no counters (musiccount_block)")
	}
	if n := len(byClass(doc, "musiccount_counter_block")); n != len(p.Counts) {
		return nil, layoutErr(h.Kind, "%d counter values (musiccount_counter_block) but %d counters (musiccount_block)", n, len(p.Counts))
	}

	diff, err := selectedDiff(doc)
	if err != nil {
		return nil, layoutErr(h.Kind, "%v", err)
	}
	p.Diff = diff
	if m := firstClass(doc, "mile_block"); m != nil {
		v, err := atoiComma(text(m))
		if err != nil {
			return nil, layoutErr(h.Kind, "maimile %q (mile_block) is not a number", text(m))
		}
		p.Mile = v
	} else if find(doc, func(n *html.Node) bool { return n.DataAtom == atom.Img && imgName(attr(n, "src")) == "mile_base_count" }) != nil {
		return nil, layoutErr(h.Kind, "the maimile image without its count (mile_block)")
	}
	return p, nil
}

// counterKeys are the icon keys (see iconKey) of the playerData counters:
// ranks from S, clears, combo and sync marks, DX stars.
var counterKeys = map[string]bool{
	"sssp": true, "sss": true, "ssp": true, "ss": true, "sp": true, "s": true, "clear": true,
	"app": true, "ap": true, "fcp": true, "fc": true,
	"fsdp": true, "fsd": true, "fsp": true, "fs": true, "sync": true,
	"dxstar_1": true, "dxstar_2": true, "dxstar_3": true, "dxstar_4": true, "dxstar_5": true,
}

// parseCount reads a counter: "48/5,562", or "48 / 5,562" on older pages.
func parseCount(s string) (maimai.Count, error) {
	got, total, ok := strings.Cut(s, "/")
	if !ok {
		return maimai.Count{}, errNotCount(s)
	}
	g, err1 := atoiComma(got)
	t, err2 := atoiComma(total)
	if err1 != nil || err2 != nil || g > t {
		return maimai.Count{}, errNotCount(s)
	}
	return maimai.Count{Got: g, Total: t}, nil
}

func errNotCount(s string) error {
	return fmt.Errorf("%q is not a count like 48/5,562", s)
}

// selectedDiff reads which difficulty the counters are for from the
// button marked diffbtn_selected: diff=0…4 and 10 are a difficulty, 99
// (and a page without the buttons) is every chart.
func selectedDiff(doc *html.Node) (maimai.Difficulty, error) {
	sel := firstClass(doc, "diffbtn_selected")
	if sel == nil {
		if find(doc, func(n *html.Node) bool { return n.DataAtom == atom.Button && attr(n, "name") == "diff" }) != nil {
			return "", fmt.Errorf("difficulty buttons but none marked diffbtn_selected")
		}
		return "", nil
	}
	var btn *html.Node
	for n := sel.Parent; n != nil; n = n.Parent {
		if n.DataAtom == atom.Button {
			btn = n
			break
		}
	}
	if btn == nil {
		return "", nil
	}
	v := attr(btn, "value")
	i, err := strconv.Atoi(v)
	if err != nil {
		return "", fmt.Errorf("the selected difficulty button has value %q, not a number", v)
	}
	for _, d := range maimai.Difficulties {
		if d.Index() == i {
			return d, nil
		}
	}
	return "", nil // 99: all difficulties
}
