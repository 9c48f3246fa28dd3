package web

import (
	"context"
	"html"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/fixtures"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/songs"
)

// playRowRE finds a plays-list row's title, level cell and rating cell.
var playRowRE = regexp.MustCompile(`(?s)<td class="title"><a [^>]*>([^<]*)</a>.*?<td class="chartlevel">(.*?)</td>.*?<td class="num rating"[^>]*>(.*?)</td>`)

// playRows maps each title of a plays list to its level cell and rating
// cell (the first row of a title wins: the newest play).
func playRows(body string) map[string][2]string {
	out := map[string][2]string{}
	for _, m := range playRowRE.FindAllStringSubmatch(body, -1) {
		title := html.UnescapeString(m[1])
		if _, ok := out[title]; !ok {
			out[title] = [2]string{html.UnescapeString(strings.TrimSpace(m[2])), strings.TrimSpace(m[3])}
		}
	}
	return out
}

// TestPlaysShowCNLevelAfterSync is issue 9's case: a CN record page shows
// no level; after `songs sync` the plays list shows each play's level and
// constant from the song data, and the rating the play earned.
func TestPlaysShowCNLevelAfterSync(t *testing.T) {
	src := fixtures.Shared(t, "data/songs/divingfish-music_data.cn.json")
	page := fixtures.ReadDXNet(t, "cn/record-mainetcn-1.html")
	ap := newApp(t, Config{})
	ap.addUser("owner", "default")
	ctx := context.Background()
	res := ap.a.Import(ctx, "default", archive.Source{Name: "record.html", Data: page, ObservedAt: time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)})
	if res.Err != nil {
		t.Fatalf("import: %v", res.Err)
	}
	b := ap.browser()
	ap.mustLogin(b, "", "owner")

	before := playRows(getOK(t, b, "/p/default/plays"))
	if len(before) < 20 {
		t.Fatalf("only %d titles on the plays list", len(before))
	}
	// The page shows no level and nothing knows a constant yet.
	if got := before["conflict"][0]; got != `<span class="diff diff-master">MASTER</span>` {
		t.Errorf("before the sync conflict's level cell is %q, want the difficulty alone", got)
	}

	db, err := songs.Open(ctx, src, maimai.CN)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ap.a.SyncSongs(ctx, db); err != nil {
		t.Fatal(err)
	}
	after := playRows(getOK(t, b, "/p/default/plays"))
	// diving-fish: conflict (std) MASTER is 14 at 14.2, 六兆年と一夜物語
	// (DX) MASTER 13+ at 13.8. conflict 100.1143% (SSS): 14.2 × 21.6 ×
	// 100.1143% = 307.1; 六兆年と一夜物語 100.7257% counts as 100.5% (SSS+):
	// 13.8 × 22.4 × 100.5% = 310.7.
	for _, tt := range []struct{ title, level, rating string }{
		{"conflict", `<span class="diff diff-master">MASTER</span> 14 <span class="constant" title="定数">14.2</span>`, "307"},
		{"六兆年と一夜物語", `<span class="diff diff-master">MASTER</span> 13+ <span class="constant" title="定数">13.8</span>`, "310"},
	} {
		got := after[tt.title]
		if got[0] != tt.level || got[1] != tt.rating {
			t.Errorf("%s after the sync: level cell %q, rating %q; want %q, %q", tt.title, got[0], got[1], tt.level, tt.rating)
		}
	}
	// The sessions' new bests and the diff carry them too.
	for _, path := range []string{"/p/default/sessions", "/p/default/diff"} {
		if body := html.UnescapeString(getOK(t, b, path)); !strings.Contains(body, `MASTER</span> 14 <span class="constant" title="定数">14.2</span>`) {
			t.Errorf("%s lacks conflict's level and constant", path)
		}
	}
	// The chart page's header: today's constant and what the best is worth.
	chart := html.UnescapeString(getOK(t, b, "/p/default/chart?title=conflict&type=std&diff=master"))
	for _, want := range []string{"定数 14.2", "单曲 Rating 307"} {
		if !strings.Contains(chart, want) {
			t.Errorf("conflict's chart page lacks %q", want)
		}
	}
	// Every non-utage chart of the page is in the data: each row has a
	// level and a constant.
	for title, cells := range after {
		if !strings.Contains(cells[0], `class="constant"`) && !strings.Contains(cells[0], "diff-utage") {
			t.Errorf("%s has no constant after the sync: %q", title, cells[0])
		}
	}

	// The level and constant filters see the song data.
	for _, tt := range []struct {
		query string
		want  []string // some titles that must be listed
		not   []string // titles that must not
	}{
		{"lv_min=14&lv_max=14%2B", []string{"conflict", "最強STRONGER"}, []string{"六兆年と一夜物語"}},
		{"lv_min=13%2B&lv_max=13%2B", []string{"六兆年と一夜物語"}, []string{"conflict"}},
		{"cmin=13.8&cmax=13.8", []string{"六兆年と一夜物語"}, []string{"conflict", "最強STRONGER"}},
		{"cmin=14.2&cmax=14.5", []string{"conflict", "最強STRONGER"}, []string{"六兆年と一夜物語"}},
	} {
		rows := playRows(getOK(t, b, "/p/default/plays?"+tt.query))
		for _, w := range tt.want {
			if _, ok := rows[w]; !ok {
				t.Errorf("?%s does not list %s: %v", tt.query, w, keys(rows))
			}
		}
		for _, n := range tt.not {
			if _, ok := rows[n]; ok {
				t.Errorf("?%s lists %s", tt.query, n)
			}
		}
	}
}

func keys(m map[string][2]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestLampFilterAtLeast: the FC and FS filters keep that mark and every
// higher one (FC+ keeps AP and AP+), and say so in their options.
func TestLampFilterAtLeast(t *testing.T) {
	ap := newApp(t, Config{})
	ap.addUser("owner", "default")
	ctx := context.Background()
	if _, err := ap.a.Generate(ctx, archive.GenOptions{Player: "default", Plays: 800, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	all, err := ap.a.ListPlays(ctx, "default", archive.PlayFilter{}, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	fcs, fss := map[maimai.FC]int{}, map[maimai.FS]int{}
	for _, p := range all.Plays {
		fcs[p.FC]++
		fss[p.FS]++
	}
	if fcs[maimai.AP] == 0 || fcs[maimai.FCP] == 0 || fss[maimai.FSN] == 0 {
		t.Fatalf("the generated plays lack the marks the test needs: %v %v", fcs, fss)
	}
	b := ap.browser()
	ap.mustLogin(b, "", "owner")
	for _, tt := range []struct {
		query string
		want  int
	}{
		{"fc=fc", fcs[maimai.FCN] + fcs[maimai.FCP] + fcs[maimai.AP] + fcs[maimai.APP]},
		{"fc=fcp", fcs[maimai.FCP] + fcs[maimai.AP] + fcs[maimai.APP]},
		{"fc=ap", fcs[maimai.AP] + fcs[maimai.APP]},
		{"fc=app", fcs[maimai.APP]},
		{"fs=sync", fss[maimai.Sync] + fss[maimai.FSN] + fss[maimai.FSP] + fss[maimai.FSD] + fss[maimai.FSDP]},
		{"fs=fs", fss[maimai.FSN] + fss[maimai.FSP] + fss[maimai.FSD] + fss[maimai.FSDP]},
	} {
		body := getOK(t, b, "/p/default/plays?"+tt.query)
		if want := "共 " + strconv.Itoa(tt.want) + " 次游玩符合条件"; !strings.Contains(body, want) {
			t.Errorf("?%s: no %q on the page", tt.query, want)
		}
	}
	body := getOK(t, b, "/p/default/plays?"+url.Values{"fc": {"fcp"}}.Encode())
	if !strings.Contains(html.UnescapeString(body), `<option value="fcp" selected>FC+ 及以上</option>`) {
		t.Error("the FC+ option does not say it keeps the marks above it")
	}
}

// TestConstantBound: a typed bound of a constant range never takes in a
// chart outside what was typed (13.99 as the upper bound once let 14.0
// charts in, being refused as "more than one decimal" and dropped).
func TestConstantBound(t *testing.T) {
	for _, tt := range []struct {
		in    string
		upper bool
		want  songs.Constant
		ok    bool
	}{
		{"13.7", true, 137, true}, {"13.7", false, 137, true},
		{"13.99", true, 139, true}, {"13.01", false, 131, true}, {"13.05", false, 131, true},
		{"13,5", false, 135, true}, {" 14 ", true, 140, true},
		{"", true, 0, false}, {"x", false, 0, false}, {"-1", false, 0, false}, {"99", true, 0, false},
	} {
		got, ok := constantBound(tt.in, tt.upper)
		if got != tt.want || ok != tt.ok {
			t.Errorf("constantBound(%q, upper %v) = %v %v, want %v %v", tt.in, tt.upper, got, ok, tt.want, tt.ok)
		}
	}
}
