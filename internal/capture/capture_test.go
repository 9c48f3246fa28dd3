package capture

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/maiprobe/maiprobe/internal/dxsite"
)

// The WeChat OAuth redirect as the CN site sends it (parameters in
// WeChat's required order, the fragment WeChat expects).
const (
	wechatAuthorize = "https://open.weixin.qq.com/connect/oauth2/authorize?appid=wxd2b6ddf2a8bc7df0" +
		"&redirect_uri=https%3A%2F%2Ftgk-wcaime.wahlap.com%2Fwc_auth%2Foauth%2Fcallback%2Fmaimai-dx%3Fr%3DxK4fT2e9%26t%3D214115533" +
		"&response_type=code&scope=snsapi_base&state=F1E2D3C4B5A69788#wechat_redirect"
	wantRewritten = "https://open.weixin.qq.com/connect/oauth2/authorize?appid=wxd2b6ddf2a8bc7df0" +
		"&redirect_uri=http%3A%2F%2Ftgk-wcaime.wahlap.com%2Fwc_auth%2Foauth%2Fcallback%2Fmaimai-dx%3Fr%3DxK4fT2e9%26t%3D214115533" +
		"&response_type=code&scope=snsapi_base&state=F1E2D3C4B5A69788#wechat_redirect"
)

// fakeSite is a DX NET site (home, record) that wants the cookies its
// login left; a visit to /maimai-mobile/?t=ticket logs in.
type fakeSite struct {
	home, record []byte
	visits       atomic.Int32
}

func (f *fakeSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/maimai-mobile/":
		if r.URL.Query().Get("t") != "ticket-8812" {
			http.Error(w, "no ticket", http.StatusForbidden)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "userId", Value: "u-5521", Path: "/", Secure: true, HttpOnly: true})
		http.SetCookie(w, &http.Cookie{Name: "_t", Value: "t-0001", Path: "/", Secure: true})
		http.Redirect(w, r, "/maimai-mobile/home/", http.StatusFound)
		return
	}
	u, err := r.Cookie("userId")
	if err != nil || u.Value != "u-5521" {
		http.Redirect(w, r, "/maimai-mobile/error/", http.StatusFound)
		return
	}
	f.visits.Add(1)
	// The site rotates _t with every answer.
	http.SetCookie(w, &http.Cookie{Name: "_t", Value: "t-0002", Path: "/", Secure: true})
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	switch r.URL.Path {
	case "/maimai-mobile/home/":
		w.Write(f.home)
	case "/maimai-mobile/record/":
		w.Write(f.record)
	default:
		http.NotFound(w, r)
	}
}

// fakeAuth is tgk-wcaime.wahlap.com: the authorize redirect to WeChat and
// the callback, which only WeChat's browser may use.
type fakeAuth struct {
	next      string // where the callback sends the browser
	callbacks atomic.Int32
	gotUA     atomic.Value
}

func (f *fakeAuth) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case authorizePath:
		http.Redirect(w, r, wechatAuthorize, http.StatusFound)
	case callbackPath:
		f.callbacks.Add(1)
		f.gotUA.Store(r.UserAgent())
		q := r.URL.Query()
		if !strings.Contains(r.UserAgent(), "MicroMessenger") || q.Get("r") != "xK4fT2e9" || q.Get("t") != "214115533" ||
			q.Get("code") != "071code" || q.Get("state") != "F1E2D3C4B5A69788" {
			http.Error(w, "bad callback", http.StatusBadRequest)
			return
		}
		http.Redirect(w, r, f.next, http.StatusFound)
	default:
		http.NotFound(w, r)
	}
}

// siteRig is the fake site and auth host behind a proxy.
type siteRig struct {
	*rig
	site    *fakeSite
	auth    *fakeAuth
	fetcher *pageFetcher
}

func newSiteRig(t *testing.T, withCA bool) *siteRig {
	t.Helper()
	site := &fakeSite{home: readPage(t, "home-cn-2020.html"), record: readPage(t, "record-cn-mixed.html")}
	auth := &fakeAuth{next: "https://" + HostCN + "/maimai-mobile/?t=ticket-8812"}
	siteSrv := httptest.NewTLSServer(site)
	t.Cleanup(siteSrv.Close)
	authSrv := httptest.NewTLSServer(auth)
	t.Cleanup(authSrv.Close)
	hosts, err := ParseHostMap(HostCN + "=" + siteSrv.URL + "," + HostCNAuth + "=" + authSrv.URL)
	if err != nil {
		t.Fatal(err)
	}
	var p *Proxy
	f := &pageFetcher{p: &p, a: openArchive(t), player: "mai", paths: []string{"home/", "record/"}}
	cfg := Config{Fetch: f.fetch, Hosts: hosts, UpstreamTLS: clientTLS(pool(siteSrv, authSrv))}
	roots := pool()
	if withCA {
		ca, created, err := LoadOrCreateCA(t.TempDir())
		if err != nil || !created {
			t.Fatalf("CA: created %v, %v", created, err)
		}
		cfg.CA = ca
		roots.AddCert(ca.cert)
	}
	r := newRig(t, cfg, roots)
	p = r.p
	return &siteRig{rig: r, site: site, auth: auth, fetcher: f}
}

func (s *siteRig) checkArchive(t *testing.T) {
	t.Helper()
	counts, err := s.fetcher.a.RowCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if counts["pages"] != 2 {
		t.Errorf("the archive has %d pages, want 2 (home, record)", counts["pages"])
	}
	n, err := s.fetcher.a.CountPlays(context.Background(), "mai")
	if err != nil || n == 0 {
		t.Errorf("the archive has %d plays of mai (%v), want the record page's", n, err)
	}
}

func TestWeChatLogin(t *testing.T) {
	s := newSiteRig(t, false)

	// 1. The player opens the login link in WeChat: the proxy passes it to
	// the site over HTTPS and rewrites WeChat's redirect_uri to http.
	req, _ := http.NewRequest(http.MethodGet, LoginURL, nil)
	resp, _ := getBody(t, s.client, req)
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize answered %d, want 302", resp.StatusCode)
	}
	if loc := resp.Header.Get("Location"); loc != wantRewritten {
		t.Fatalf("Location\n%s\nwant\n%s", loc, wantRewritten)
	}

	// 2. WeChat sends the browser to redirect_uri with code and state; over
	// plain HTTP, that comes through the proxy.
	wx, _ := url.Parse(resp.Header.Get("Location"))
	cb, _ := url.Parse(wx.Query().Get("redirect_uri"))
	if cb.Scheme != "http" {
		t.Fatalf("callback scheme %q", cb.Scheme)
	}
	cb.RawQuery += "&code=071code&state=" + wx.Query().Get("state")
	req, _ = http.NewRequest(http.MethodGet, cb.String(), nil)
	req.Header.Set("User-Agent", "Mozilla/5.0 (iPhone) MicroMessenger/8.0.50")
	req.Header.Set("Accept-Language", "en-US,en;q=0.9")
	resp, page := getBody(t, s.client, req)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "maiprobe is saving") {
		t.Fatalf("the callback answered %d:\n%s", resp.StatusCode, page)
	}

	// 3. The saving page polls until the fetch has ended.
	st := waitJob(t, s.client, "http://"+HostCNAuth, page)
	if st.State != stateDone || st.Report == nil || st.Report.Pages != 2 || st.Report.Added != 2 {
		t.Fatalf("capture ended %+v, want done with 2 pages added", st)
	}
	if got := s.auth.callbacks.Load(); got != 1 {
		t.Errorf("the site saw %d callbacks, want the one replay", got)
	}
	if ua, _ := s.auth.gotUA.Load().(string); ua != dxsite.WeChatUA {
		t.Errorf("the callback was replayed with User-Agent %q, want WeChat's", ua)
	}
	sess := s.fetcher.sessions[0]
	if sess.Region != "cn" || sess.Base.String() != "https://maimai.wahlap.com/maimai-mobile/" {
		t.Errorf("session %v %v", sess.Region, sess.Base)
	}
	// The login's redirects end on home, which rotated _t once.
	if got := cookieHeader(sess.Cookies); got != "userId=u-5521; _t=t-0002" {
		t.Errorf("session cookies %q, want the ones the login left", got)
	}
	s.checkArchive(t)

	// 4. The saving page, loaded again, shows the result.
	_, final := getBody(t, s.client, mustReq(t, "http://"+HostCNAuth+ownPrefix+"job/"+st.ID, "en"))
	if want := "2 pages: 2 added, 0 unchanged, 0 rejected"; !strings.Contains(final, want) || !strings.Contains(final, "Saved.") {
		t.Errorf("the saving page after the fetch lacks %q:\n%s", want, final)
	}
	_, zh := getBody(t, s.client, mustReq(t, "http://"+HostCNAuth+ownPrefix+"job/"+st.ID, "zh-CN"))
	if want := "共 2 页：新增 2，无变化 0，拒绝 0"; !strings.Contains(zh, want) {
		t.Errorf("the Chinese saving page lacks %q", want)
	}
	if log := s.log.String(); contains(log, "071code", "u-5521", "t-0001", "xK4fT2e9") != "" {
		t.Errorf("the log holds a secret of the login (%q):\n%s", contains(log, "071code", "u-5521", "t-0001", "xK4fT2e9"), log)
	}
}

func TestWeChatLoginExpiredLink(t *testing.T) {
	s := newSiteRig(t, false)
	req, _ := http.NewRequest(http.MethodGet, "http://"+HostCNAuth+callbackPath+"?r=xK4fT2e9&t=214115533&code=used&state=F1E2D3C4B5A69788", nil)
	_, page := getBody(t, s.client, req)
	st := waitJob(t, s.client, "http://"+HostCNAuth, page)
	if st.State != stateFailed || !strings.Contains(st.Error, "no session cookies") {
		t.Errorf("capture ended %+v, want failed for want of session cookies", st)
	}
	if len(s.fetcher.sessions) != 0 {
		t.Error("the fetcher ran without a session")
	}
}

func TestTLSCapture(t *testing.T) {
	s := newSiteRig(t, true)
	// The player's browser, logged in, opens the home page over HTTPS
	// through the proxy, trusting the maiprobe CA.
	req := mustReq(t, "https://"+HostCN+"/maimai-mobile/home/", "zh-CN,zh;q=0.9")
	req.Header.Set("User-Agent", "Mozilla/5.0 (iPhone) MicroMessenger/8.0.50")
	req.AddCookie(&http.Cookie{Name: "userId", Value: "u-5521"})
	req.AddCookie(&http.Cookie{Name: "_t", Value: "t-0001"})
	resp, page := getBody(t, s.client, req)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "maiprobe 正在保存") {
		t.Fatalf("the home visit answered %d:\n%s", resp.StatusCode, page)
	}
	if resp.TLS == nil || resp.TLS.PeerCertificates[0].Subject.CommonName != HostCN ||
		resp.TLS.PeerCertificates[0].CheckSignatureFrom(s.p.cfg.CA.cert) != nil {
		t.Fatal("the home page was not served with the CA's certificate for the site")
	}
	// The browser keeps the rotated cookie.
	if c := resp.Cookies(); len(c) != 1 || c[0].Name != "_t" || c[0].Value != "t-0002" {
		t.Errorf("Set-Cookie to the browser %v, want the rotated _t", c)
	}
	st := waitJob(t, s.client, "https://"+HostCN, page)
	if st.State != stateDone || st.Report == nil || st.Report.Pages != 2 {
		t.Fatalf("capture ended %+v, want done with 2 pages", st)
	}
	sess := s.fetcher.sessions[0]
	if got := cookieHeader(sess.Cookies); got != "userId=u-5521; _t=t-0002" {
		t.Errorf("session cookies %q, want the browser's with the rotated _t", got)
	}
	if sess.Region != "cn" || sess.UserAgent != "Mozilla/5.0 (iPhone) MicroMessenger/8.0.50" {
		t.Errorf("session %v %q", sess.Region, sess.UserAgent)
	}
	s.checkArchive(t)
	if got := s.site.visits.Load(); got != 3 {
		t.Errorf("the site saw %d logged-in requests, want 3 (the visit, home, record)", got)
	}
}

func TestTLSCapturePassesOtherPages(t *testing.T) {
	s := newSiteRig(t, true)
	for _, tc := range []struct {
		name, path string
		cookie     bool
		want       int
	}{
		{"home without a login", "/maimai-mobile/home/", false, http.StatusFound},
		{"home with stale cookies", "/maimai-mobile/home/", true, http.StatusFound},
		{"another page", "/maimai-mobile/nothing/", false, http.StatusFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := mustReq(t, "https://"+HostCN+tc.path, "en")
			if tc.cookie {
				req.AddCookie(&http.Cookie{Name: "userId", Value: "stale"})
			}
			resp, body := getBody(t, s.client, req)
			if resp.StatusCode != tc.want || resp.Header.Get("Location") != "/maimai-mobile/error/" {
				t.Errorf("answered %d %q, want the site's own %d to error/", resp.StatusCode, resp.Header.Get("Location"), tc.want)
			}
			if strings.Contains(body, "maiprobe") {
				t.Error("the proxy answered instead of the site")
			}
		})
	}
	if len(s.fetcher.sessions) != 0 {
		t.Error("a capture started without a logged-in home page")
	}
}

func mustReq(t *testing.T, u, lang string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept-Language", lang)
	return req
}

func cookieHeader(cs []*http.Cookie) string {
	var parts []string
	for _, c := range cs {
		parts = append(parts, c.Name+"="+c.Value)
	}
	return strings.Join(parts, "; ")
}

func TestCallbackReloadShowsTheSameCapture(t *testing.T) {
	s := newSiteRig(t, false)
	cb := "http://" + HostCNAuth + callbackPath + "?r=xK4fT2e9&t=214115533&code=071code&state=F1E2D3C4B5A69788"
	_, first := getBody(t, s.client, mustReq(t, cb, "en"))
	_, again := getBody(t, s.client, mustReq(t, cb, "en"))
	id1, id2 := jobIDRE.FindStringSubmatch(first), jobIDRE.FindStringSubmatch(again)
	if id1 == nil || id2 == nil || id1[1] != id2[1] {
		t.Fatalf("the reload shows another capture: %v %v", id1, id2)
	}
	if st := waitJob(t, s.client, "http://"+HostCNAuth, again); st.State != stateDone {
		t.Errorf("capture ended %+v", st)
	}
	if n := s.auth.callbacks.Load(); n != 1 {
		t.Errorf("the login's code was replayed %d times, want once", n)
	}
}

func TestBrowserWaitsDuringTLSCapture(t *testing.T) {
	s := newSiteRig(t, true)
	release := make(chan struct{})
	started := make(chan struct{})
	s.p.cfg.Fetch = func(ctx context.Context, _ Session, _ func(Progress)) (Report, error) {
		close(started)
		select {
		case <-release:
		case <-ctx.Done():
		}
		return Report{Pages: 1, Added: 1}, nil
	}
	home := func() (*http.Response, string) {
		req := mustReq(t, "https://"+HostCN+"/maimai-mobile/home/", "en")
		req.AddCookie(&http.Cookie{Name: "userId", Value: "u-5521"})
		return getBody(t, s.client, req)
	}
	_, page := home()
	<-started
	before := s.site.visits.Load()
	for _, path := range []string{"/maimai-mobile/home/", "/maimai-mobile/record/"} {
		req := mustReq(t, "https://"+HostCN+path, "en")
		req.AddCookie(&http.Cookie{Name: "userId", Value: "u-5521"})
		_, body := getBody(t, s.client, req)
		if jobIDRE.FindString(body) != jobIDRE.FindString(page) {
			t.Errorf("%s during the capture: not the running capture's saving page", path)
		}
	}
	if got := s.site.visits.Load(); got != before {
		t.Errorf("the site got %d requests from the browser during the capture, want none", got-before)
	}
	close(release)
	if st := waitJob(t, s.client, "https://"+HostCN, page); st.State != stateDone {
		t.Errorf("capture ended %+v", st)
	}
	// Afterwards the browser reaches the site again.
	req := mustReq(t, "https://"+HostCN+"/maimai-mobile/record/", "en")
	req.AddCookie(&http.Cookie{Name: "userId", Value: "u-5521"})
	if _, body := getBody(t, s.client, req); strings.Contains(body, "maiprobe") {
		t.Error("the site is still held after the capture")
	}
}
