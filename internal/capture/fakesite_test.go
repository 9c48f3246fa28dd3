package capture

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/maiprobe/maiprobe/internal/dxsite"
	"github.com/maiprobe/maiprobe/internal/dxsite/fakesite"
)

// fakeSiteRig is the proxy with the real fetcher (dxsite.Fetch into a
// SQLite archive) in front of dxsite's fake DX NET site and a fake WeChat
// login host.
func fakeSiteRig(t *testing.T, o fakesite.Options, withCA bool) (*rig, *fakesite.Server, *fakeAuth, *pageCounter) {
	t.Helper()
	site := fakesite.New(t, o)
	siteURL, _ := url.Parse(site.URL())
	auth := &fakeAuth{next: "https://" + HostCN + "/maimai-mobile/?ssid=wx-login"}
	authSrv := httptest.NewTLSServer(auth)
	t.Cleanup(authSrv.Close)
	hosts, err := ParseHostMap(HostCN + "=http://" + siteURL.Host + "," + HostCNAuth + "=" + authSrv.URL)
	if err != nil {
		t.Fatal(err)
	}
	a := openArchive(t)
	pc := &pageCounter{a: a}
	cfg := Config{
		Fetch:       ArchiveFetcher(a, "mai", FetchOptions{Interval: -1}),
		Hosts:       hosts,
		UpstreamTLS: clientTLS(pool(authSrv)),
	}
	roots := pool()
	if withCA {
		ca, _, err := LoadOrCreateCA(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		cfg.CA = ca
		roots.AddCert(ca.cert)
	}
	return newRig(t, cfg, roots), site, auth, pc
}

// pageCounter reads what the fetch stored.
type pageCounter struct {
	a interface {
		RowCounts(context.Context) (map[string]int, error)
	}
}

func (p *pageCounter) counts(t *testing.T) map[string]int {
	t.Helper()
	c, err := p.a.RowCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestWeChatLoginFakeSite(t *testing.T) {
	// The login's redirect lands on the CN site without the CDN's
	// bot-check cookies, which a WeChat replay cannot have.
	r, site, auth, pc := fakeSiteRig(t, fakesite.Options{Plays: 12, NoBotCheck: true}, false)
	req, _ := http.NewRequest(http.MethodGet, LoginURL, nil)
	resp, _ := getBody(t, r.client, req)
	if resp.Header.Get("Location") != wantRewritten {
		t.Fatalf("authorize redirect %q", resp.Header.Get("Location"))
	}
	req = mustReq(t, "http://"+HostCNAuth+callbackPath+"?r=xK4fT2e9&t=214115533&code=071code&state=F1E2D3C4B5A69788", "zh-CN")
	_, page := getBody(t, r.client, req)
	st := waitJob(t, r.client, "http://"+HostCNAuth, page)
	if st.State != stateDone || st.Report == nil || st.Report.Rejected != 0 || st.Report.Pages < 10 {
		t.Fatalf("capture ended %+v (report %+v), want done with every page", st, st.Report)
	}
	if auth.callbacks.Load() != 1 {
		t.Errorf("%d callbacks", auth.callbacks.Load())
	}
	c := pc.counts(t)
	// Identical pages (the same empty detail twice) are stored once.
	if c["plays"] != 12 || c["pages"] < 10 || c["pages"] > st.Report.Pages || c["best_scores"] == 0 {
		t.Errorf("archive %v, want the 12 plays, their scores and at most %d pages", c, st.Report.Pages)
	}
	if site.Requests("home/") < 2 { // the login's landing and the fetch
		t.Errorf("the site served home %d times", site.Requests("home/"))
	}
}

func TestTLSCaptureFakeSite(t *testing.T) {
	r, site, _, pc := fakeSiteRig(t, fakesite.Options{Plays: 7}, true)
	req := mustReq(t, "https://"+HostCN+"/maimai-mobile/home/", "en")
	req.Header.Set("Cookie", site.Cookie())
	// CN serves WeChat's browser only.
	req.Header.Set("User-Agent", dxsite.WeChatUA)
	resp, page := getBody(t, r.client, req)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "maiprobe is saving") {
		t.Fatalf("home visit %d:\n%s", resp.StatusCode, page)
	}
	st := waitJob(t, r.client, "https://"+HostCN, page)
	if st.State != stateDone || st.Report == nil || st.Report.Rejected != 0 {
		t.Fatalf("capture ended %+v (report %+v)", st, st.Report)
	}
	if c := pc.counts(t); c["plays"] != 7 || c["pages"] < 10 || c["best_scores"] == 0 {
		t.Errorf("archive %v, want the 7 plays and their pages", c)
	}
	// The fake site takes only the latest _t: the fetch worked with the
	// one its answer to the browser's visit rotated in.
	if got := resp.Cookies(); len(got) == 0 {
		t.Error("the browser did not get the rotated cookies")
	}
}
