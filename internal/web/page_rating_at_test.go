package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// TestRatingAt: ?at= shows the rating, targets and plates as they were at
// the end of a day in the region's clock; a bad or too early date is a 400
// in the page's language.
func TestRatingAt(t *testing.T) {
	ap, b := songsApp(t, true)
	ctx := context.Background()
	pts, err := ap.a.RatingHistory(ctx, "default")
	if err != nil || len(pts) < 2 {
		t.Fatalf("history %v: %+v", err, pts)
	}
	cn := maimai.CN.Location()
	first := pts[0]
	day := first.At.In(cn).Format(time.DateOnly)
	before := first.At.In(cn).AddDate(0, 0, -1).Format(time.DateOnly)
	now := getOK(t, b, "/p/default/rating")
	if !strings.Contains(now, `id="rating-total">637</span>`) || strings.Contains(now, "at-notice") {
		t.Fatalf("the page now is not 637 without a date notice")
	}
	// The end of the first day (the fixture's plays span two): its
	// rating and unknown charts, the date in the picker and the notice.
	then := getOK(t, b, "/p/default/rating?at="+day)
	total := 0
	for _, p := range pts {
		if p.At.In(cn).Format(time.DateOnly) == day {
			total = p.Computed // the day's last point
		}
	}
	if total == 637 || !strings.Contains(then, `id="rating-total">`+strconv.Itoa(total)+`</span>`) ||
		!strings.Contains(then, "有 1 张玩过的谱面定数未知") {
		t.Errorf("rating at %s is not %d with one chart of unknown constant", day, total)
	}
	if !strings.Contains(then, `value="`+day+`"`) || !strings.Contains(then, "显示的是 "+day+" 当天结束时") {
		t.Errorf("the page at %s lacks the picked date or its notice", day)
	}
	// The day before any play: nothing yet.
	empty := getOK(t, b, "/p/default/rating?at="+before)
	if !strings.Contains(empty, `id="rating-total">0</span>`) || strings.Contains(empty, "张玩过的谱面定数未知") {
		t.Errorf("the rating before the first play is not 0")
	}
	// An RFC 3339 time works too; a future date is now.
	if body := getOK(t, b, "/p/default/rating?at="+url.QueryEscape(first.At.Add(-time.Second).Format(time.RFC3339))); !strings.Contains(body, `id="rating-total">0</span>`) {
		t.Errorf("the rating a second before the first improvement is not 0")
	}
	if body := getOK(t, b, "/p/default/rating?at=2999-01-01"); !strings.Contains(body, `id="rating-total">637</span>`) {
		t.Errorf("a future date does not show the rating now")
	}
	// Targets and plates take the date too, and keep it in their links.
	if body := getOK(t, b, "/p/default/targets?at="+before); !strings.Contains(body, "显示的是 "+before) || !strings.Contains(body, `id="rating-total">0</span>`) {
		t.Errorf("targets at %s: no notice or not 0", before)
	}
	if body := getOK(t, b, "/p/default/targets"); !strings.Contains(body, `id="rating-total">637</span>`) {
		t.Errorf("targets now are not at 637")
	}
	plates := getOK(t, b, "/p/default/plates?at="+before)
	if !strings.Contains(plates, "显示的是 "+before) || !strings.Contains(plates, "at="+before) {
		t.Errorf("plates at %s: no notice, or plate links without the date", before)
	}

	for _, tc := range []struct {
		name, lang, at, want string
	}{
		{"not a date", "", "yesterday", "无法识别日期 “yesterday”"},
		{"not a date, English", "en", "31/01/2026", "Cannot read the date “31/01/2026”"},
		{"no DX rating yet", "", "2015-01-01", "2015-01-01 时还没有 DX Rating"},
		{"no DX rating yet, English", "en", "2015-01-01", "There was no DX Rating on 2015-01-01"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b.headers["Accept-Language"] = tc.lang
			defer delete(b.headers, "Accept-Language")
			for _, page := range []string{"rating", "targets", "plates"} {
				res := b.get("/p/default/" + page + "?at=" + url.QueryEscape(tc.at))
				if res.StatusCode != http.StatusBadRequest || !strings.Contains(res.body, tc.want) {
					t.Errorf("%s?at=%s: %d, want 400 with %q", page, tc.at, res.StatusCode, tc.want)
				}
			}
		})
	}
}
