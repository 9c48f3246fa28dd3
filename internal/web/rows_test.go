package web

import (
	"context"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/maiprobe/maiprobe/internal/archive"
)

// TestPlayFilterFolds: the plays and changes pages' filter form is folded
// into a <details> that is closed while no filter is set and open when one
// is, its summary naming the filters in the page's language, and the range
// ends say which range they end.
func TestPlayFilterFolds(t *testing.T) {
	ap := newApp(t, Config{})
	ap.addUser("owner", "default")
	if _, err := ap.a.Generate(context.Background(), archive.GenOptions{Player: "default", Plays: 200, Seed: 5}); err != nil {
		t.Fatal(err)
	}
	filtered := url.Values{"diff": {"master"}, "lv_min": {"13"}, "lv_max": {"14+"}, "cmin": {"13.0"}, "fc": {"fcp"},
		"from": {"2024-01-01"}}.Encode()
	for _, tt := range []struct {
		lang, path string
		open       bool
		summary    string
		labels     []string
	}{
		{"zh", "/p/default/plays", false, "筛选", []string{"等级 从", "等级 到", "定数 从", "定数 到", "日期 从", "日期 到"}},
		{"zh", "/p/default/plays?" + filtered, true, "筛选：MASTER · 等级 13–14+ · 定数 ≥ 13.0 · 日期 ≥ 2024-01-01 · FC+ 及以上", nil},
		{"zh", "/p/default/diff?q=BREaK&type=dx&cmax=14.5", true, "筛选：“BREaK” · DX · 定数 ≤ 14.5", nil},
		{"en", "/p/default/diff", false, "Filters", []string{"Level from", "Level to", "Constant from", "Constant to", "Date from", "Date to"}},
		{"en", "/p/default/plays?" + filtered, true, "Filters: MASTER · Level 13–14+ · Constant ≥ 13.0 · Date ≥ 2024-01-01 · FC+ or better", nil},
	} {
		b := ap.browser()
		b.headers["Accept-Language"] = tt.lang
		ap.mustLogin(b, "", "owner")
		body := html.UnescapeString(getOK(t, b, tt.path))
		checkFilterBox(t, tt.lang+" "+tt.path, body, tt.open, tt.summary)
		for _, l := range tt.labels {
			if !strings.Contains(body, "<label>"+l+" <") {
				t.Errorf("%s %s: no field labelled %q", tt.lang, tt.path, l)
			}
		}
	}
}

// checkFilterBox: body (of the page where names) has the filter form
// folded into a <details>, open or not, whose summary is summary.
func checkFilterBox(t *testing.T, where, body string, open bool, summary string) {
	t.Helper()
	tag := `<details class="filter-box">`
	if open {
		tag = `<details class="filter-box" open>`
	}
	if !strings.Contains(body, tag) {
		t.Errorf("%s: no %s", where, tag)
	}
	if want := "<summary>" + summary + "</summary>"; !strings.Contains(body, want) {
		t.Errorf("%s: no %s", where, want)
	}
}

var markRE = regexp.MustCompile(`<img class="mark mark-(rank|fc|fs)" src="[^"]+" alt="([^"]+)" title="([^"]+)"`)

// TestPlayRowsShowMarkIcons: the plays page writes each play's rank, FC
// and FS as the project's icons, named by their alt and title text (the
// game's word), and no longer as bare words in the cells.
func TestPlayRowsShowMarkIcons(t *testing.T) {
	ap := newApp(t, Config{})
	ap.addUser("owner", "default")
	ctx := context.Background()
	if _, err := ap.a.Generate(ctx, archive.GenOptions{Player: "default", Plays: 300, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	list, err := ap.a.ListPlays(ctx, "default", archive.PlayFilter{}, 0, listPageSize)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]int{"rank": {}, "fc": {}, "fs": {}}
	for _, p := range list.Plays {
		want["rank"][markLabel(string(p.Rank))]++
		if p.FC != "" {
			want["fc"][markLabel(string(p.FC))]++
		}
		if p.FS != "" {
			want["fs"][markLabel(string(p.FS))]++
		}
	}
	if len(want["fs"]) == 0 || len(want["fc"]) == 0 {
		t.Fatalf("the generated page of plays has no FC or FS marks: %v", want)
	}
	b := ap.browser()
	ap.mustLogin(b, "", "owner")
	body := getOK(t, b, "/p/default/plays")
	got := map[string]map[string]int{"rank": {}, "fc": {}, "fs": {}}
	for _, m := range markRE.FindAllStringSubmatch(body, -1) {
		if m[2] != m[3] {
			t.Errorf("%s icon: alt %q, title %q", m[1], m[2], m[3])
		}
		got[m[1]][m[2]]++
	}
	for kind := range want {
		for label, n := range want[kind] {
			if got[kind][label] != n {
				t.Errorf("%s %s: %d icons, want %d (all: %v)", kind, label, got[kind][label], n, got[kind])
			}
		}
		if len(got[kind]) != len(want[kind]) {
			t.Errorf("%s icons %v, want %v", kind, got[kind], want[kind])
		}
	}
	if regexp.MustCompile(`<td>(SYNC|FS|FDX|FC|AP)`).MatchString(body) {
		t.Error("a cell still writes a mark as a word")
	}
	// The changes and sessions pages show the same icons.
	for _, path := range []string{"/p/default/diff", "/p/default/sessions"} {
		if body := getOK(t, b, path); !strings.Contains(body, `class="mark mark-fs"`) || !strings.Contains(body, `class="marks"`) {
			t.Errorf("%s shows no FS icon in its marks cells", path)
		}
	}
}
