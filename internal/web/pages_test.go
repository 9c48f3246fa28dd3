package web

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
)

// importTestdata imports pages of the parser's synthetic testdata.
func importTestdata(t *testing.T, a *archive.Archive, player string, names ...string) {
	t.Helper()
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join("..", "dxnet", "testdata", n))
		if err != nil {
			t.Fatal(err)
		}
		// The synthetic pages show two in-game names (ＹＧＺＺ, ｍａｉｍａｉ):
		// taken as one player who renamed themselves.
		res := a.ImportWith(context.Background(), archive.Source{Name: n, Data: b, ObservedAt: time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)},
			archive.ImportOptions{Player: player, Renamed: true})
		if res.Status != archive.Added {
			t.Fatalf("import %s: %s %v", n, res.Status, res.Err)
		}
	}
}

// publicApp is a server whose player "default" is public, with the given
// testdata pages imported.
func publicApp(t *testing.T, pages ...string) *app {
	ap := newApp(t, Config{})
	importTestdata(t, ap.a, "default", pages...)
	if err := ap.a.SetPublic(context.Background(), "default", true); err != nil {
		t.Fatal(err)
	}
	return ap
}

// generated is a server over a generated archive of n plays for the
// public player "gen".
func generated(t *testing.T, n int) *app {
	ap := newApp(t, Config{})
	ctx := context.Background()
	if _, err := ap.a.Generate(ctx, archive.GenOptions{Player: "gen", Plays: n, Seed: 3, End: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	if err := ap.a.SetPublic(ctx, "gen", true); err != nil {
		t.Fatal(err)
	}
	return ap
}

var titleCell = regexp.MustCompile(`<td class="title">`)

func mustGet(t *testing.T, b *browser, path string) string {
	t.Helper()
	res := b.get(path)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", path, res.StatusCode, res.body)
	}
	return res.body
}

func TestPlaysPage(t *testing.T) {
	ap := publicApp(t, "record-cn-mixed.html")
	b := ap.browser()
	tests := []struct {
		query string
		rows  int
		want  []string
	}{
		{"", 5, []string{"Help me, ERINNNNNN!!", "99.0012%", "Re:MASTER", "共 5 次游玩"}},
		{"?q=erinn", 1, []string{"Help me, ERINNNNNN!!", "共 1 次游玩符合条件", `value="erinn"`}},
		{"?diff=master", 0, nil},
		{"?q=no+such+song", 0, []string{"没有符合条件的游玩"}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			body := mustGet(t, b, "/p/default/plays"+tt.query)
			n := len(titleCell.FindAllString(body, -1))
			if tt.query == "?diff=master" {
				// Only the MASTER plays of the page remain, and fewer than all.
				if n == 0 || n >= 5 || strings.Contains(body, "Re:MASTER</span>") {
					t.Errorf("?diff=master lists %d rows", n)
				}
				return
			}
			if n != tt.rows {
				t.Errorf("%d rows, want %d", n, tt.rows)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("no %q on the page", w)
				}
			}
		})
	}
}

func TestListsPaginate(t *testing.T) {
	ap := generated(t, 120)
	b := ap.browser()
	list, err := ap.a.ListPlays(context.Background(), "gen", archive.PlayFilter{}, 100, 50)
	if err != nil {
		t.Fatal(err)
	}
	first := mustGet(t, b, "/p/gen/plays")
	if n := len(titleCell.FindAllString(first, -1)); n != 50 || !strings.Contains(first, `rel="next" href="/p/gen/plays?page=2"`) || strings.Contains(first, `rel="prev"`) {
		t.Errorf("first page: %d rows, links wrong", n)
	}
	last := mustGet(t, b, "/p/gen/plays?page=3")
	if n := len(titleCell.FindAllString(last, -1)); n != 20 || !strings.Contains(last, `rel="prev" href="/p/gen/plays?page=2"`) || strings.Contains(last, `rel="next"`) {
		t.Errorf("last page: %d rows, want 20 and a link back", n)
	}
	// The oldest play is the last row of the last page.
	oldest := list.Plays[len(list.Plays)-1]
	if want := fmt.Sprintf(`href="/p/gen/plays/%d"`, oldest.ID); !strings.Contains(last, want) {
		t.Errorf("last page lacks the oldest play %s", want)
	}
	// Past the end shows the last page; the filter is kept in the links.
	past := mustGet(t, b, "/p/gen/plays?page=99")
	if !strings.Contains(past, "第 3 / 3 页") {
		t.Errorf("page 99 is not shown as the last page")
	}
	dx := mustGet(t, b, "/p/gen/plays?type=dx")
	if strings.Contains(dx, `<span class="type">STD</span>`) {
		t.Error("?type=dx lists standard charts")
	}
	if strings.Contains(dx, `rel="next"`) && !strings.Contains(dx, `page=2&amp;type=dx`) {
		t.Error("the next link drops the filter")
	}
}

func TestDiffPage(t *testing.T) {
	ap := generated(t, 400)
	b := ap.browser()
	ctx := context.Background()
	// Find, through the archive, a first play and an improvement on the
	// first page of the diff, then look for them on the page.
	list, err := ap.a.Diff(ctx, "gen", archive.PlayFilter{}, 0, listPageSize)
	if err != nil {
		t.Fatal(err)
	}
	var first, better *archive.DiffRow
	for i := range list.Rows {
		r := &list.Rows[i]
		if r.First && first == nil {
			first = r
		}
		if !r.First && r.AchievementDelta > 0 && better == nil {
			better = r
		}
	}
	if first == nil || better == nil {
		t.Fatalf("the generated diff has no first play or no improvement on its first page")
	}
	body := mustGet(t, b, "/p/gen/diff")
	row := func(id int64) string {
		i := strings.Index(body, fmt.Sprintf(`href="/p/gen/plays/%d"`, id))
		if i < 0 {
			t.Fatalf("play %d is not on the diff page", id)
		}
		end := strings.Index(body[i:], "</tr>")
		return body[i : i+end]
	}
	if r := row(first.ID); !strings.Contains(r, "首次游玩") {
		t.Errorf("the first play is not marked:\n%s", r)
	}
	r := row(better.ID)
	// html/template writes + as &#43;.
	for _, want := range []string{better.Before.Achievement.String() + "%", "&#43;" + better.AchievementDelta.String() + "%", `class="num up"`} {
		if !strings.Contains(r, want) {
			t.Errorf("the improvement's row lacks %q:\n%s", want, r)
		}
	}
}

func TestSessionsPage(t *testing.T) {
	// The record page's five plays lie over three days.
	ap := publicApp(t, "record-cn-mixed.html")
	b := ap.browser()
	ctx := context.Background()
	short, err := ap.a.Visits(ctx, "default", 0, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	long, err := ap.a.Visits(ctx, "default", 48*time.Hour, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if short.Total < 2 || long.Total >= short.Total {
		t.Fatalf("visits: %d with a 3-hour gap, %d with 48 hours", short.Total, long.Total)
	}
	body := mustGet(t, b, "/p/default/sessions")
	if !strings.Contains(body, fmt.Sprintf("共 %d 次出勤", short.Total)) {
		t.Errorf("sessions page does not count %d sessions", short.Total)
	}
	v := short.Visits[0]
	if !strings.Contains(body, fmt.Sprintf("%d 次游玩", v.Plays)) || !strings.Contains(body, localTime(v.Start, v.Region)) {
		t.Errorf("the latest session (%d plays from %s) is not shown", v.Plays, v.Start)
	}
	if !strings.Contains(body, "首次游玩") || !strings.Contains(body, "Rating 变化未知") {
		t.Error("the sessions' first plays or unknown rating change are not shown")
	}
	joined := mustGet(t, b, "/p/default/sessions?gap=48")
	if !strings.Contains(joined, fmt.Sprintf("共 %d 次出勤", long.Total)) || !strings.Contains(joined, `value="48"`) {
		t.Errorf("a 48-hour gap does not give %d sessions", long.Total)
	}
}

func TestChartAndPlayPages(t *testing.T) {
	ap := publicApp(t, "playlogDetail-cn-dx.html", "record-cn-mixed.html")
	b := ap.browser()
	list, err := ap.a.ListPlays(context.Background(), "default", archive.PlayFilter{Title: "BREaK!"}, 0, 10)
	if err != nil || len(list.Plays) != 1 {
		t.Fatalf("the detail page's play: %v %+v", err, list)
	}
	plays := mustGet(t, b, "/p/default/plays")
	// The row of the play with a detail says so; the others only open.
	if want := fmt.Sprintf(`<a href="/p/default/plays/%d">详情</a>`, list.Plays[0].ID); !strings.Contains(plays, want) {
		t.Errorf("plays list lacks %s", want)
	}
	if strings.Count(plays, ">详情</a>") != 1 || !strings.Contains(plays, ">查看</a>") {
		t.Errorf("plays list marks %d plays with a detail, want 1", strings.Count(plays, ">详情</a>"))
	}
	play := mustGet(t, b, fmt.Sprintf("/p/default/plays/%d", list.Plays[0].ID))
	for _, want := range []string{"BREaK! BREaK! BREaK!", "99.2315%", "<td class=\"num\">420</td>", "FAST 61 · LATE 46",
		"最大连击 402/710", "游玩后 Rating：15432（&#43;12）", "ＭＡＩＭＡＩ", `<script type="application/json">`} {
		if !strings.Contains(play, want) {
			t.Errorf("play page lacks %q", want)
		}
	}
	chart := mustGet(t, b, "/p/default/chart?title=BREaK%21+BREaK%21+BREaK%21&type=dx&diff=master")
	for _, want := range []string{"最佳成绩", "99.2315%", "首次游玩", `"x":[`} {
		if !strings.Contains(chart, want) {
			t.Errorf("chart page lacks %q", want)
		}
	}
	for _, path := range []string{"/p/default/chart?title=Nope&type=dx&diff=master", "/p/default/chart", "/p/default/plays/999999", "/p/default/plays/x"} {
		if res := b.get(path); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, res.StatusCode)
		}
	}
}

func TestProfileAlbumOverview(t *testing.T) {
	ap := publicApp(t, "home-cn-2020.html", "playerData-cn-2025.html", "record-cn-mixed.html")
	// The album is an intl player's: a player of its own.
	importTestdata(t, ap.a, "intl", "photo-intl-album.html")
	if err := ap.a.SetPublic(context.Background(), "intl", true); err != nil {
		t.Fatal(err)
	}
	b := ap.browser()
	profile := mustGet(t, b, "/p/default/profile")
	for _, want := range []string{"共保存了 2 份个人资料", "ＹＧＺＺ", ">4829<", ">15120<", "SSS&#43; 12/1139", "band-platinum", `<script type="application/json">`} {
		if !strings.Contains(profile, want) {
			t.Errorf("profile page lacks %q", want)
		}
	}
	album := mustGet(t, b, "/p/intl/album")
	for _, want := range []string{"共 3 张照片", `src="https://maimaidx-eng.com/maimai-mobile/img/photo/2c7e9a41f0b35d68.jpg" loading="lazy"`,
		`alt="ヴィラン 的照片`} {
		if !strings.Contains(album, want) {
			t.Errorf("album lacks %q", want)
		}
	}
	// Newest first: ヴィラン (22 Nov 19:00 JST) before Garakuta Doll Play.
	if strings.Index(album, "ヴィラン") > strings.Index(album, "Garakuta Doll Play") {
		t.Error("the album is not newest first")
	}
	overview := mustGet(t, b, "/p/default/")
	for _, want := range []string{"<h1>default</h1>", "ｍａｉｍａｉ", "15120", "共 5 次游玩", "最近一次游玩", "Help me, ERINNNNNN!!", `<span title="course_rank_05QwErTyUi.png">段位 五段</span>`, `<span title="class_rank_s_12AsDfGhJk.png">阶级 S3</span>`} {
		if !strings.Contains(overview, want) {
			t.Errorf("overview lacks %q", want)
		}
	}
	en := ap.browser()
	en.headers["Accept-Language"] = "en"
	if body := mustGet(t, en, "/p/default/"); !strings.Contains(body, "Latest session") || !strings.Contains(body, "5 plays") {
		t.Error("the English overview is not in English")
	}
}

// multipartForm builds an upload of files (name → content) plus fields.
func multipartForm(t *testing.T, fields map[string]string, files map[string][]byte) (*bytes.Buffer, string) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	for name, data := range files {
		f, err := w.CreateFormFile("files", name)
		if err != nil {
			t.Fatal(err)
		}
		f.Write(data)
	}
	w.Close()
	return &buf, w.FormDataContentType()
}

func TestImportPage(t *testing.T) {
	ap := newApp(t, Config{})
	ap.addUser("owner", "default")
	ap.addUser("eve", "eves")
	owner := ap.browser()
	ap.mustLogin(owner, "", "owner")
	form := mustGet(t, owner, "/p/default/import")
	if !strings.Contains(form, `enctype="multipart/form-data"`) || !strings.Contains(form, `name="files" multiple`) {
		t.Fatal("no upload form")
	}
	tok := csrfRE.FindStringSubmatch(form)[1]
	record, err := os.ReadFile(filepath.Join("..", "dxnet", "testdata", "record-cn-mixed.html"))
	if err != nil {
		t.Fatal(err)
	}
	post := func(b *browser, fields map[string]string, files map[string][]byte) response {
		body, ct := multipartForm(t, fields, files)
		req := httptest.NewRequest(http.MethodPost, "/p/default/import", body)
		req.Header.Set("Content-Type", ct)
		return b.do(req)
	}
	res := post(owner, map[string]string{"csrf": tok}, map[string][]byte{"record.html": record, "notes.txt": []byte("hello")})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("upload: %d\n%s", res.StatusCode, res.body)
	}
	for _, want := range []string{"新增 1 个，拒绝 1 个，共 2 个文件", "record.html", "<td>游玩记录 (cn)</td>", "游玩 &#43;5", "notes.txt",
		"不是 maimai DX NET 的页面（not a maimai DX NET page"} {
		if !strings.Contains(res.body, want) {
			t.Errorf("results lack %q", want)
		}
	}
	if strings.Contains(res.body, "record (cn)") {
		t.Error("the Chinese page names the kind in English")
	}
	// The English page says the same in English, with the parser's detail alone.
	owner.cookies[langCookie] = "en"
	res = post(owner, map[string]string{"csrf": tok}, map[string][]byte{"record.html": record, "notes.txt": []byte("hello")})
	for _, want := range []string{"<td>record (cn)</td>", "<td>not a maimai DX NET page"} {
		if !strings.Contains(res.body, want) {
			t.Errorf("English results lack %q", want)
		}
	}
	delete(owner.cookies, langCookie)
	if n, _ := ap.a.CountPlays(context.Background(), "default"); n != 5 {
		t.Errorf("%d plays stored, want 5", n)
	}
	// Pasting the same page again adds nothing.
	res = post(owner, map[string]string{"csrf": tok, "html": string(record)}, nil)
	if !strings.Contains(res.body, "无变化") || !strings.Contains(res.body, "5 次游玩已存档") {
		t.Errorf("pasting again:\n%s", res.body)
	}
	if res := post(owner, map[string]string{"csrf": tok}, nil); res.StatusCode != http.StatusBadRequest || !strings.Contains(res.body, "请先选择文件") {
		t.Errorf("empty form: %d", res.StatusCode)
	}
	// Without the token, or as someone else, nothing is imported.
	if res := post(owner, map[string]string{"csrf": "wrong"}, map[string][]byte{"r.html": record}); res.StatusCode != http.StatusForbidden {
		t.Errorf("wrong token: %d", res.StatusCode)
	}
	eve := ap.browser()
	ap.mustLogin(eve, "", "eve")
	if res := eve.get("/p/default/import"); res.StatusCode != http.StatusForbidden {
		t.Errorf("eve sees the import form: %d", res.StatusCode)
	}
	evetok := eve.csrf("/p/eves/import")
	if res := post(eve, map[string]string{"csrf": evetok}, map[string][]byte{"r.html": record}); res.StatusCode != http.StatusForbidden {
		t.Errorf("eve imports into default: %d", res.StatusCode)
	}
}

func TestRankCode(t *testing.T) {
	tests := []struct{ file, prefix, want string }{
		{"course_rank_05QwErTyUi.png", "course_rank_", "05"},
		{"class_rank_s_12AsDfGhJk.png", "class_rank_", "S 12"},
		{"class_rank_s_10FODgtQo4.png", "class_rank_", "S 10"}, // the tail ends in a digit
		{"class_rank_l_10FODgtQo4.png", "class_rank_", "L 10"},
		{"grade_04u9HDshZA.png", "grade_", "04"},
		{"course_rank_05.png", "course_rank_", "05"},
		{"course_rank_x.png", "course_rank_", "course_rank_x.png"},
		{"other.png", "course_rank_", "other.png"},
		{"", "course_rank_", ""},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			if got := rankCode(tt.file, tt.prefix); got != tt.want {
				t.Errorf("rankCode(%q) = %q, want %q", tt.file, got, tt.want)
			}
		})
	}
}
