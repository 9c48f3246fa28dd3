package web

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	pngcodec "image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/songs"
)

// TestRatingPNG: the picture is the player's B50 as the rating has it
// (the cards laid out are its tables, in order), a PNG of the layout's
// size, answered 304 while unchanged, and drawn again when the archive
// changes or the language does.
func TestRatingPNG(t *testing.T) {
	ap, b := songsApp(t, true)
	if page := getOK(t, b, "/p/default/rating"); !strings.Contains(page, `href="/p/default/rating.png" id="rating-png"`) {
		t.Error("the rating page does not link its picture")
	}
	res := b.get("/p/default/rating.png")
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("GET rating.png: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if cc := res.Header.Get("Cache-Control"); cc != "private, no-cache" {
		t.Errorf("Cache-Control %q: a private player's picture must not be kept by shared caches", cc)
	}
	img, err := pngcodec.Decode(bytes.NewReader([]byte(res.body)))
	if err != nil {
		t.Fatal(err)
	}
	pr, err := ap.a.Rating(context.Background(), "default", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	// Draw it again as the handler does, to read the layout beside the
	// bytes served.
	req := httptest.NewRequest(http.MethodGet, "/p/default/rating.png", nil)
	// (state(req) is Chinese on a request that never went through the app.)
	pic, l, err := ap.s.drawRating(req, pr, "")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(pic.png, []byte(res.body)) {
		t.Error("the picture served is not the one drawn from the rating")
	}
	if img.Bounds().Dx() != l.Width || img.Bounds().Dy() != l.Height || l.Width != 1200 {
		t.Errorf("picture %v, layout %dx%d", img.Bounds(), l.Width, l.Height)
	}
	want := append(append([]archive.RatingEntry{}, pr.New...), pr.Old...)
	if len(want) != 3 || len(l.Cards) != len(want) || l.Total != pr.Total || l.Total != 637 {
		t.Fatalf("%d cards, total %d; want the rating's %d cards and 637", len(l.Cards), l.Total, len(want))
	}
	for i, c := range l.Cards {
		e := want[i]
		if c.Title != e.Title || c.Achievement != e.Achievement.String()+"%" || c.Rating != e.Rating || c.Constant != e.Constant.String() {
			t.Errorf("card %d: %q %s %d %s, want %q %s %d %s", i, c.Title, c.Achievement, c.Rating, c.Constant,
				e.Title, e.Achievement, e.Rating, e.Constant)
		}
	}

	etag := res.Header.Get("ETag")
	b.headers["If-None-Match"] = etag
	if res := b.get("/p/default/rating.png"); res.StatusCode != http.StatusNotModified {
		t.Errorf("GET with If-None-Match %s: %d, want 304", etag, res.StatusCode)
	}
	delete(b.headers, "If-None-Match")

	key := func(lang string) string {
		ap.s.pictures.mu.Lock()
		defer ap.s.pictures.mu.Unlock()
		return ap.s.pictures.m["default|"+lang+"|"].key
	}
	before := key("zh")
	if before == "" {
		t.Fatal("the picture was not cached")
	}
	getOK(t, b, "/p/default/rating.png")
	if key("zh") != before {
		t.Error("the unchanged rating was drawn again under another key")
	}
	// A jacket stored later draws the picture again, with it.
	if pr.New[0].Jacket == "" {
		t.Fatalf("the rating's first chart has no jacket file: %+v", pr.New[0])
	}
	var jk bytes.Buffer
	red := image.NewRGBA(image.Rect(0, 0, 64, 64))
	draw.Draw(red, red.Bounds(), image.NewUniform(color.RGBA{200, 30, 30, 255}), image.Point{}, draw.Src)
	if err := pngcodec.Encode(&jk, red); err != nil {
		t.Fatal(err)
	}
	if _, err := ap.a.StoreJacket(context.Background(), pr.New[0].Jacket, jk.Bytes()); err != nil {
		t.Fatal(err)
	}
	again := getOK(t, b, "/p/default/rating.png")
	if key("zh") == before || again == res.body {
		t.Error("a jacket stored did not draw the picture again: a stale picture would be served")
	}
	if _, l, err := ap.s.drawRating(req, pr, ""); err != nil || !l.Cards[0].Jacket || l.Cards[1].Jacket {
		t.Errorf("jackets drawn: %v %v", err, l.Cards)
	}
	b.headers["Accept-Language"] = "en"
	en := b.get("/p/default/rating.png")
	if en.StatusCode != http.StatusOK || key("en") == "" {
		t.Errorf("English picture: %d, cached %q", en.StatusCode, key("en"))
	}
}

// TestRatingPNGPrivacy: the picture follows the rating page's visibility.
func TestRatingPNGPrivacy(t *testing.T) {
	ap := newApp(t, Config{})
	ap.addUser("owner", "default")
	ap.addUser("other", "other")
	ap.addUser("blank", "blank")
	importRecord(t, ap.a, "default", "")
	const path = "/p/default/rating.png"
	anon := ap.browser()
	if res := anon.get(path); res.StatusCode != http.StatusSeeOther || res.Header.Get("Content-Type") == "image/png" {
		t.Errorf("anonymous, private player: %d %s, want 303 to the login", res.StatusCode, res.Header.Get("Content-Type"))
	}
	other := ap.browser()
	ap.mustLogin(other, "", "other")
	if res := other.get(path); res.StatusCode != http.StatusForbidden {
		t.Errorf("another user, private player: %d, want 403", res.StatusCode)
	}
	owner := ap.browser()
	ap.mustLogin(owner, "", "owner")
	if res := owner.get(path); res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/png" {
		t.Errorf("owner: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if err := ap.a.SetPublic(context.Background(), "default", true); err != nil {
		t.Fatal(err)
	}
	if res := anon.get(path); res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/png" {
		t.Errorf("anonymous, public player: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if res := anon.get("/p/nobody/rating.png"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown player: %d", res.StatusCode)
	}
	blank := ap.browser()
	ap.mustLogin(blank, "", "blank")
	if res := blank.get("/p/blank/rating.png"); res.StatusCode != http.StatusNotFound {
		t.Errorf("a player with no pages (no region, no rating): %d, want 404", res.StatusCode)
	}
}

// TestRatingPNGAt: ?at= draws the B50 as archive.Rating has it at the end
// of that day in the region's clock (the cards laid out are its tables),
// kept apart from the picture of now; the rating page at a date links the
// picture of that date; a bad date is a 400.
func TestRatingPNGAt(t *testing.T) {
	ap := newApp(t, Config{})
	ap.addUser("owner", "default")
	ctx := context.Background()
	// The test songs with note counts, so the generated plays are of them.
	db := testSongs()
	for _, sg := range db.Songs {
		for i, c := range sg.Charts {
			c.Notes = songs.Notes{Tap: 300 + 50*i, Hold: 40, Slide: 30, Break: 20}
		}
	}
	if _, err := ap.a.SyncSongs(ctx, db); err != nil {
		t.Fatal(err)
	}
	// Plays of the synced charts over many days.
	if rep, err := ap.a.Generate(ctx, archive.GenOptions{Player: "default", Plays: 300, Seed: 9}); err != nil || rep.RealCharts == 0 {
		t.Fatalf("generate: %v, %+v", err, rep)
	}
	b := ap.browser()
	ap.mustLogin(b, "", "owner")
	current, err := ap.a.Rating(ctx, "default", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	pts, err := ap.a.RatingHistory(ctx, "default")
	if err != nil {
		t.Fatal(err)
	}
	// The first day whose rating at its end is neither 0 nor now's.
	ends := map[string]int{}
	for _, p := range pts {
		ends[p.At.In(maimai.CN.Location()).Format(time.DateOnly)] = p.Computed
	}
	day := ""
	for d, total := range ends {
		if total != 0 && total != current.Total && (day == "" || d < day) {
			day = d
		}
	}
	if day == "" {
		t.Fatalf("no day of the history has a rating between 0 and now's %d: %+v", current.Total, pts)
	}
	if page := getOK(t, b, "/p/default/rating?at="+day); !strings.Contains(page, `href="/p/default/rating.png?at=`+day+`" id="rating-png"`) {
		t.Errorf("the rating page at %s does not link the picture of that date", day)
	}
	now := getOK(t, b, "/p/default/rating.png")
	res := b.get("/p/default/rating.png?at=" + day)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("GET rating.png?at=%s: %d %s", day, res.StatusCode, res.Header.Get("Content-Type"))
	}
	if res.body == now {
		t.Error("the picture at the first day is the picture of now")
	}
	if cd := res.Header.Get("Content-Disposition"); !strings.Contains(cd, "b50-default-"+day+".png") {
		t.Errorf("Content-Disposition %q does not name the date", cd)
	}
	at, err := archive.ParseAt(day, maimai.CN)
	if err != nil {
		t.Fatal(err)
	}
	pr, err := ap.a.Rating(ctx, "default", at)
	if err != nil {
		t.Fatal(err)
	}
	if pr.Total != ends[day] || len(pr.New)+len(pr.Old) == 0 {
		t.Fatalf("the rating at %s: %d with %d cards, want the history's %d", day, pr.Total, len(pr.New)+len(pr.Old), ends[day])
	}
	pic, l, err := ap.s.drawRating(httptest.NewRequest(http.MethodGet, "/p/default/rating.png?at="+day, nil), pr, "")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(pic.png, []byte(res.body)) {
		t.Error("the picture served is not the one drawn from the rating at that day's end")
	}
	want := append(append([]archive.RatingEntry{}, pr.New...), pr.Old...)
	if len(l.Cards) != len(want) || l.Total != pr.Total {
		t.Fatalf("%d cards, total %d; want the rating's %d and %d", len(l.Cards), l.Total, len(want), pr.Total)
	}
	for i, c := range l.Cards {
		if e := want[i]; c.Title != e.Title || c.Achievement != e.Achievement.String()+"%" || c.Rating != e.Rating {
			t.Errorf("card %d: %q %s %d, want %q %s %d", i, c.Title, c.Achievement, c.Rating, e.Title, e.Achievement, e.Rating)
		}
	}
	// Both pictures are kept, each under its own moment.
	if again := getOK(t, b, "/p/default/rating.png"); again != now {
		t.Error("the picture of now changed after a past one was drawn")
	}
	if again := getOK(t, b, "/p/default/rating.png?at="+day); again != res.body {
		t.Error("the past picture is not served again as drawn")
	}
	// A date from today on is now; a bad one is a 400.
	if future := getOK(t, b, "/p/default/rating.png?at=2999-01-01"); future != now {
		t.Error("a future date is not the picture of now")
	}
	for _, bad := range []string{"yesterday", "2015-01-01"} {
		if res := b.get("/p/default/rating.png?at=" + bad); res.StatusCode != http.StatusBadRequest {
			t.Errorf("at=%s: %d, want 400", bad, res.StatusCode)
		}
	}
}

// TestPicturesKeepFewPast: past pictures beyond maxPastPictures drop the
// least recently served; the pictures of now stay.
func TestPicturesKeepFewPast(t *testing.T) {
	var p pictures
	p.keep("a||", picture{key: "now"})
	for i := range maxPastPictures + 3 {
		p.keep(fmt.Sprintf("a||%d", i), picture{key: "k", past: true})
		if i == 0 {
			time.Sleep(time.Millisecond)
		}
		if _, ok := p.cached("a||0", "k"); !ok {
			t.Fatalf("after %d: the most recently served past picture was dropped", i)
		}
	}
	if len(p.m) != maxPastPictures+1 {
		t.Errorf("%d pictures kept, want %d past and the current one", len(p.m), maxPastPictures)
	}
	if _, ok := p.cached("a||", "now"); !ok {
		t.Error("the picture of now was dropped")
	}
	if _, ok := p.cached("a||1", "k"); ok {
		t.Error("the least recently served past picture was kept")
	}
}
