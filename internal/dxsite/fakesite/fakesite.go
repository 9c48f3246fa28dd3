// Package fakesite is a fake maimai DX NET on loopback for tests: it serves
// a synthetic CN player (or pages given to it) under /maimai-mobile/,
// rotates the _t cookie with every answer and refuses a stale one, asks
// for the CDN's bot-check cookies, offers a SEGA ID login form, and has
// switches to expire the session, go into maintenance, rate-limit, fail,
// stall or drop connections. It counts the requests it gets.
package fakesite

import (
	"bytes"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"text/template"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// Options configure a Server.
type Options struct {
	// Region is the site's region (default CN). The synthetic player is a
	// CN one; other regions serve Pages only.
	Region maimai.Region
	// Plays is how many plays the synthetic player has made (default 60).
	Plays int
	// Start is the time of the first play (default 2026-10-01 10:00 UTC).
	Start time.Time
	// Pages overrides pages: keys are paths under /maimai-mobile/ with
	// their query ("record/musicGenre/search/?genre=99&diff=2") or without
	// it (matching any query, as "record/playlogDetail/" does).
	Pages map[string][]byte
	// NoBotCheck turns off the CDN bot check (on for CN by default).
	NoBotCheck bool
	// RequireWeChat makes the CN site refuse a User-Agent that is not the
	// WeChat browser's, as the real one does.
	RequireWeChat bool
	// SegaID and Password are the login the fake accepts (intl and JP).
	SegaID, Password string
}

// Server is a running fake site.
type Server struct {
	// Region is the site's region.
	Region maimai.Region
	srv    *httptest.Server
	o      Options

	mu        sync.Mutex
	plays     []maimai.Play // oldest first
	userID    string
	token     string
	bot       string
	expired   bool
	logout    bool
	maint     bool
	limit     int // answer the next limit requests with 567
	fail      int // … with failStatus
	failCode  int
	stall     int
	stallFor  time.Duration
	drop      int
	counts    map[string]int
	total     int
	header    http.Header // of the last request
	onRequest func(path string)
}

// New starts a fake site on loopback; it stops when the test ends.
func New(tb testing.TB, o Options) *Server {
	tb.Helper()
	if o.Region == "" {
		o.Region = maimai.CN
	}
	if o.Plays == 0 {
		o.Plays = 60
	}
	if o.Start.IsZero() {
		o.Start = time.Date(2026, 10, 1, 10, 0, 0, 0, time.UTC)
	}
	s := &Server{Region: o.Region, o: o, userID: "8000" + randHex(4), token: randHex(16), bot: randHex(8), counts: map[string]int{}}
	s.addPlays(o.Plays)
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	tb.Cleanup(s.srv.Close)
	return s
}

// URL is the site's base URL, …/maimai-mobile/.
func (s *Server) URL() string { return s.srv.URL + "/maimai-mobile/" }

// LoginURL is the SEGA ID login page.
func (s *Server) LoginURL() string { return s.srv.URL + "/common_auth/login?site_id=maimaidxex" }

// Cookie is a valid Cookie header for the site now: userId, the current _t
// and (CN) the bot-check cookies.
func (s *Server) Cookie() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := "userId=" + s.userID + "; _t=" + s.token
	if s.botCheck() {
		c += "; __tst_status=" + s.bot + "; EO_Bot_Ssid=" + s.bot
	}
	return c
}

// CookieWithoutBot is Cookie without the bot-check cookies.
func (s *Server) CookieWithoutBot() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return "userId=" + s.userID + "; _t=" + s.token
}

// Expire ends the session: every request is redirected to error/, which
// shows error code 200002 (CN) or 100001.
func (s *Server) Expire() { s.set(func() { s.expired = true }) }

// LogOut ends the session by redirecting every request to logout/.
func (s *Server) LogOut() { s.set(func() { s.logout = true }) }

// SetMaintenance makes every page the maintenance page (or not).
func (s *Server) SetMaintenance(on bool) { s.set(func() { s.maint = on }) }

// RateLimit answers the next n requests with status 567.
func (s *Server) RateLimit(n int) { s.set(func() { s.limit = n }) }

// Fail answers the next n requests with status (503, 502, …).
func (s *Server) Fail(n, status int) { s.set(func() { s.fail, s.failCode = n, status }) }

// Stall holds the next n requests for d before answering.
func (s *Server) Stall(n int, d time.Duration) { s.set(func() { s.stall, s.stallFor = n, d }) }

// Drop closes the connection of the next n requests without an answer.
func (s *Server) Drop(n int) { s.set(func() { s.drop = n }) }

// OnRequest calls fn with the path (and query) of every request before it
// is answered; tests use it to cancel a fetch midway.
func (s *Server) OnRequest(fn func(path string)) { s.set(func() { s.onRequest = fn }) }

// AddPlays makes the player play n more times.
func (s *Server) AddPlays(n int) { s.set(func() { s.addPlays(n) }) }

// PlayCount is the player's total play count.
func (s *Server) PlayCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.plays)
}

// Requests counts the requests whose path (without query) under
// /maimai-mobile/ is path ("record/playlogDetail/"); "" counts all.
func (s *Server) Requests(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if path == "" {
		return s.total
	}
	return s.counts[path]
}

// LastHeader is the header of the last request the site got.
func (s *Server) LastHeader() http.Header {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.header.Clone()
}

func (s *Server) set(fn func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn()
}

func (s *Server) botCheck() bool { return s.Region == maimai.CN && !s.o.NoBotCheck }

// serve answers one request in the order the real site's layers do: the
// network (drop, stall), the CDN (limits, bot check), then the site.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	rel := strings.TrimPrefix(r.URL.Path, "/maimai-mobile/")
	s.total++
	s.counts[rel]++
	s.header = r.Header.Clone()
	hook := s.onRequest
	var drop, stall bool
	var stallFor time.Duration
	switch {
	case s.drop > 0:
		s.drop--
		drop = true
	case s.stall > 0:
		s.stall--
		stall, stallFor = true, s.stallFor
	}
	s.mu.Unlock()
	if hook != nil {
		hook(r.URL.RequestURI())
	}
	if drop {
		if hj, ok := w.(http.Hijacker); ok {
			if c, _, err := hj.Hijack(); err == nil {
				c.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	}
	if stall {
		select {
		case <-r.Context().Done():
			return
		case <-time.After(stallFor):
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.limit > 0:
		s.limit--
		w.WriteHeader(567)
		fmt.Fprint(w, "<html><body>567 Too many requests</body></html>")
		return
	case s.fail > 0:
		s.fail--
		http.Error(w, http.StatusText(s.failCode), s.failCode)
		return
	}
	if strings.HasPrefix(r.URL.Path, "/common_auth/") {
		s.serveLogin(w, r)
		return
	}
	if !strings.HasPrefix(r.URL.Path, "/maimai-mobile/") {
		http.NotFound(w, r)
		return
	}
	if s.Region == maimai.CN && s.o.RequireWeChat && !strings.Contains(r.UserAgent(), "MicroMessenger") {
		// The CN site serves the WeChat browser only.
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprint(w, "请在微信客户端打开链接")
		return
	}
	if s.botCheck() && !s.hasBotCookies(r) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, challengePage)
		return
	}
	switch rel {
	case "error/":
		s.page(w, s.errorPage())
		return
	case "logout/":
		http.Redirect(w, r, s.LoginURL(), http.StatusFound)
		return
	case "":
		// The login's last stop: ?ssid= starts a session.
		if r.URL.Query().Get("ssid") != "" {
			s.token = randHex(16)
			s.setCookies(w)
			http.Redirect(w, r, s.URL()+"home/", http.StatusFound)
			return
		}
	}
	if s.maint {
		s.page(w, s.file("maintenance"))
		return
	}
	if strings.HasPrefix(rel, "img/") {
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write(PhotoBytes(r.URL.Path))
		return
	}
	if s.expired {
		http.Redirect(w, r, s.URL()+"error/", http.StatusFound)
		return
	}
	if s.logout {
		http.Redirect(w, r, s.URL()+"logout/", http.StatusFound)
		return
	}
	if !s.authorised(r) {
		// A stale _t is the site's 200002 (CN) or 100001.
		http.Redirect(w, r, s.URL()+"error/", http.StatusFound)
		return
	}
	body := s.content(rel, r.URL.Query())
	if body == nil {
		http.NotFound(w, r)
		return
	}
	// The site answers every page with a new _t and takes only that one.
	s.token = randHex(16)
	s.setCookies(w)
	s.page(w, body)
}

// PhotoBytes is the fake image served at path: a JPEG header and the path.
func PhotoBytes(path string) []byte {
	return append([]byte{0xff, 0xd8, 0xff, 0xe0}, path...)
}

func (s *Server) page(w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(b)
}

func (s *Server) setCookies(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: "userId", Value: s.userID, Path: "/", HttpOnly: true})
	http.SetCookie(w, &http.Cookie{Name: "_t", Value: s.token, Path: "/", HttpOnly: true})
}

func (s *Server) hasBotCookies(r *http.Request) bool {
	a, err1 := r.Cookie("__tst_status")
	b, err2 := r.Cookie("EO_Bot_Ssid")
	return err1 == nil && err2 == nil && a.Value != "" && b.Value != ""
}

func (s *Server) authorised(r *http.Request) bool {
	u, err1 := r.Cookie("userId")
	t, err2 := r.Cookie("_t")
	return err1 == nil && err2 == nil && u.Value == s.userID && t.Value == s.token
}

// serveLogin is the SEGA ID login: the form, and its post.
func (s *Server) serveLogin(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost {
		r.ParseForm()
		if s.o.SegaID == "" || r.PostForm.Get("sid") != s.o.SegaID || r.PostForm.Get("password") != s.o.Password ||
			r.PostForm.Get("retention") != "1" {
			s.page(w, s.loginPage())
			return
		}
		http.Redirect(w, r, s.URL()+"?ssid="+randHex(8), http.StatusFound)
		return
	}
	s.page(w, s.loginPage())
}

func (s *Server) loginPage() []byte {
	b := s.file("login")
	return bytes.ReplaceAll(b, []byte("https://lng-tgk-aime-gw.am-all.net/common_auth/login/sid/"), []byte(s.srv.URL+"/common_auth/login/sid/"))
}

// content is the page at rel: an override, else the synthetic player's.
func (s *Server) content(rel string, q url.Values) []byte {
	if b, ok := s.o.Pages[rel+"?"+q.Encode()]; ok {
		return b
	}
	if b, ok := s.o.Pages[rel]; ok {
		return b
	}
	if s.Region != maimai.CN {
		if rel == "home/" {
			// The login ends on home/, so every region has one.
			return s.file("homeIntl")
		}
		return nil
	}
	switch rel {
	case "home/":
		return s.file("home")
	case "playerData/":
		// One player's site: the 2025 player data page shows the home
		// page's player (the archive refuses another player's pages).
		b := bytes.Replace(s.file("playerData"), []byte("ｍａｉｍａｉ"), []byte("ＹＧＺＺ"), 1)
		return bytes.Replace(b, []byte("累计游玩次数：7,546"), []byte("累计游玩次数："+comma(len(s.plays))), 1)
	case "playerData/photo/":
		return s.file("photo")
	case "record/":
		return s.record()
	case "record/playlogDetail/":
		return s.detail(q.Get("idx"))
	case "record/musicGenre/search/":
		return s.file("musicGenre")
	case "record/musicSort/search/":
		// dxnet's musicSort-cn-utage.html breaks an archive rule (AP+
		// below 101%), so the utage list is the genre page as well.
		return s.file("musicGenre")
	}
	return nil
}

// window is the record page's plays, newest first, with their idx tokens.
func (s *Server) window() []maimai.Play {
	var out []maimai.Play
	for i := len(s.plays) - 1; i >= 0 && len(out) < 50; i-- {
		p := s.plays[i]
		p.Idx = fmt.Sprintf("%d,%d", len(out), p.PlayedAt.Unix())
		out = append(out, p)
	}
	return out
}

func (s *Server) record() []byte {
	var b bytes.Buffer
	if err := tmpl.ExecuteTemplate(&b, "record", s.window()); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// detail is the playlogDetail page of the play whose idx is given: the
// synthetic detail page with the play's own block, or the error page the
// site shows for an idx out of its window.
func (s *Server) detail(idx string) []byte {
	for _, p := range s.window() {
		if p.Idx != idx {
			continue
		}
		p.Idx = ""
		var blk bytes.Buffer
		if err := tmpl.ExecuteTemplate(&blk, "play", p); err != nil {
			panic(err)
		}
		page := s.file("playlogDetail")
		i := bytes.Index(page, []byte(`<div class="p_10 t_l f_0 v_b">`))
		j := bytes.Index(page, []byte(`<div class="gray_block`))
		return append(append(append([]byte{}, page[:i]...), blk.Bytes()...), page[j:]...)
	}
	return s.errorPageCode(100001)
}

func (s *Server) errorPage() []byte {
	if s.Region == maimai.CN {
		return s.errorPageCode(200002)
	}
	return s.errorPageCode(100001)
}

func (s *Server) errorPageCode(code int) []byte {
	return bytes.Replace(s.file("error"), []byte("100001"), []byte(strconv.Itoa(code)), 1)
}

// addPlays appends n plays of the synthetic player, four minutes apart in
// visits of 10, each with a DX score out of the 710 notes of the detail
// page's judgement table.
func (s *Server) addPlays(n int) {
	for range n {
		i := len(s.plays)
		at := s.o.Start.Add(time.Duration(i/10)*24*time.Hour + time.Duration(i%10)*4*time.Minute + 17*time.Second)
		ach := maimai.Achievement(970000 + (i*7919)%35000)
		diffs := []maimai.Difficulty{maimai.Basic, maimai.Advanced, maimai.Expert, maimai.Master}
		p := maimai.Play{
			Track:       i%4 + 1,
			PlayedAt:    at,
			Chart:       maimai.Chart{Title: fmt.Sprintf("Fake Song %03d", i%37), Type: maimai.DX, Difficulty: diffs[i%4]},
			Achievement: ach, Rank: maimai.RankOf(ach),
			DXScore: 1700 + i%400, DXScoreMax: 2130, Clear: true,
			Jacket: fmt.Sprintf("%016x.png", i%37+1),
		}
		s.plays = append(s.plays, p)
	}
}

// file is one of dxnet's synthetic pages for the server's region.
func (s *Server) file(kind string) []byte {
	names := map[string]string{
		"home": "home-cn-2020", "homeIntl": "home-intl-2025", "playerData": "playerData-cn-2025", "photo": "photo-intl-album",
		"playlogDetail": "playlogDetail-cn-dx", "musicGenre": "musicGenre-tabs",
		"error": "error-intl", "login": "login-intl-sid", "maintenance": "maintenance-cn",
	}
	switch s.Region {
	case maimai.Intl:
		names["maintenance"] = "maintenance-intl"
	case maimai.JP:
		names["maintenance"] = "maintenance-jp"
	}
	b, err := os.ReadFile(filepath.Join(testdata, names[kind]+".html"))
	if err != nil {
		panic(fmt.Sprintf("fakesite: %v", err))
	}
	if s.Region == maimai.CN {
		// The intl pages stand in for CN ones the testdata lacks.
		b = bytes.ReplaceAll(b, []byte("https://maimaidx-eng.com/"), []byte("https://maimai.wahlap.com/"))
	}
	return b
}

// testdata is internal/dxnet/testdata, found from this file.
var testdata = func() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "dxnet", "testdata")
}()

//go:embed play.html.tmpl
var playTmpl string

var tmpl = template.Must(template.New("").Funcs(template.FuncMap{
	"cnTime": func(t time.Time) string { return t.In(maimai.CN.Location()).Format("2006/01/02 15:04") },
	"achievement": func(a maimai.Achievement) string {
		return strings.Replace(a.String(), ".", `<span class="f_20">.`, 1) + "%</span>"
	},
	"comma": comma,
	"typeImg": func(t maimai.ChartType) string {
		if t == maimai.DX {
			return "music_dx.png"
		}
		return "music_standard.png"
	},
	"rankImg": func(r maimai.Rank) string {
		if strings.HasSuffix(string(r), "p") {
			return strings.TrimSuffix(string(r), "p") + "plus.png"
		}
		return string(r) + ".png"
	},
}).Parse(playTmpl))

func comma(n int) string {
	if n >= 1000 {
		return fmt.Sprintf("%d,%03d", n/1000, n%1000)
	}
	return strconv.Itoa(n)
}

func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// challengePage is the CDN's bot check: a script that sets the cookies and
// reloads.
const challengePage = `<!DOCTYPE html><html><head><meta charset="utf-8"><title></title></head><body>
<script>document.cookie="__tst_status=" + Math.random() + "#;path=/";document.cookie="EO_Bot_Ssid=" + Date.now() + ";path=/";location.reload();</script>
</body></html>`
