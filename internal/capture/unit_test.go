package capture

import (
	"crypto/x509"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRewriteRedirectURI(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		ok             bool
	}{
		{"the site's redirect", wechatAuthorize, wantRewritten, true},
		{"without fragment", "https://open.weixin.qq.com/connect/oauth2/authorize?redirect_uri=https%3A%2F%2Ftgk-wcaime.wahlap.com%2Fwc_auth%2Foauth%2Fcallback%2Fmaimai-dx%3Fr%3Dz&appid=a",
			"https://open.weixin.qq.com/connect/oauth2/authorize?redirect_uri=http%3A%2F%2Ftgk-wcaime.wahlap.com%2Fwc_auth%2Foauth%2Fcallback%2Fmaimai-dx%3Fr%3Dz&appid=a", true},
		{"another host's callback", "https://open.weixin.qq.com/connect/oauth2/authorize?appid=a&redirect_uri=https%3A%2F%2Fevil.example%2Fwc_auth%2Foauth%2Fcallback%2Fmaimai-dx", "", false},
		{"another game", "https://open.weixin.qq.com/connect/oauth2/authorize?appid=a&redirect_uri=https%3A%2F%2Ftgk-wcaime.wahlap.com%2Fwc_auth%2Foauth%2Fcallback%2Fchunithm", "", false},
		{"already http", "https://open.weixin.qq.com/connect/oauth2/authorize?redirect_uri=http%3A%2F%2Ftgk-wcaime.wahlap.com%2Fwc_auth%2Foauth%2Fcallback%2Fmaimai-dx", "", false},
		{"no redirect_uri", "https://open.weixin.qq.com/connect/oauth2/authorize?appid=a&state=b", "", false},
		{"no query", "https://maimai.wahlap.com/maimai-mobile/", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := rewriteRedirectURI(tc.in)
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v (%s)", ok, tc.ok, got)
			}
			if !ok && got != tc.in {
				t.Errorf("an unrewritten URL changed: %s", got)
			}
			if ok && got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestParseHostMap(t *testing.T) {
	m, err := ParseHostMap(" maimai.wahlap.com=https://127.0.0.1:8443/ignored , MaimaiDX.jp=http://localhost:9 ")
	if err != nil {
		t.Fatal(err)
	}
	if got := m["maimai.wahlap.com"].String(); got != "https://127.0.0.1:8443" {
		t.Errorf("maimai.wahlap.com → %s", got)
	}
	if got := m["maimaidx.jp"].String(); got != "http://localhost:9" {
		t.Errorf("maimaidx.jp → %s", got)
	}
	for _, bad := range []string{"maimai.wahlap.com", "=http://x", "maimai.wahlap.com=ftp://x", "maimai.wahlap.com=http://"} {
		if _, err := ParseHostMap(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestCA(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ca")
	ca, created, err := LoadOrCreateCA(dir)
	if err != nil || !created {
		t.Fatalf("first load: created %v, %v", created, err)
	}
	st, err := os.Stat(filepath.Join(dir, CAKeyFile))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key mode %v (%v), want 0600", st.Mode().Perm(), err)
	}
	again, created, err := LoadOrCreateCA(dir)
	if err != nil || created || again.Fingerprint() != ca.Fingerprint() {
		t.Fatalf("second load: created %v, same %v, %v", created, again.Fingerprint() == ca.Fingerprint(), err)
	}

	t.Run("leaf for a site host", func(t *testing.T) {
		l, err := ca.leaf(HostIntl)
		if err != nil {
			t.Fatal(err)
		}
		if l2, _ := ca.leaf(HostIntl); l2 != l {
			t.Error("the leaf was not cached")
		}
		if _, err := l.Leaf.Verify(x509.VerifyOptions{DNSName: HostIntl, Roots: ca.Pool()}); err != nil {
			t.Errorf("the leaf does not verify: %v", err)
		}
		if d := l.Leaf.NotAfter.Sub(l.Leaf.NotBefore); d > 398*24*time.Hour {
			t.Errorf("the leaf is valid for %v, over browsers' limit", d)
		}
	})
	t.Run("name constraint", func(t *testing.T) {
		l, err := ca.leaf("www.example.com")
		if err != nil {
			t.Fatal(err)
		}
		_, err = l.Leaf.Verify(x509.VerifyOptions{DNSName: "www.example.com", Roots: ca.Pool()})
		if err == nil || !strings.Contains(err.Error(), "constraint") {
			t.Errorf("a certificate for another site verified (%v); the CA must be limited to the site's domains", err)
		}
	})
	t.Run("key readable by others", func(t *testing.T) {
		if err := os.Chmod(filepath.Join(dir, CAKeyFile), 0o644); err != nil {
			t.Fatal(err)
		}
		_, _, err := LoadOrCreateCA(dir)
		if err == nil || !strings.Contains(err.Error(), "chmod 600") {
			t.Errorf("a world-readable key was accepted: %v", err)
		}
	})
}

func TestPortal(t *testing.T) {
	ca, _, err := LoadOrCreateCA(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	r := newRig(t, Config{CA: ca}, nil)
	resp, body := getBody(t, http.DefaultClient, mustReq(t, r.srv.URL+"/", "en"))
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, LoginURL) || !strings.Contains(body, `href="/ca.pem"`) {
		t.Errorf("portal %d:\n%s", resp.StatusCode, body)
	}
	resp, body = getBody(t, http.DefaultClient, mustReq(t, r.srv.URL+"/ca.pem", "en"))
	if resp.StatusCode != http.StatusOK || body != string(ca.CertPEM()) {
		t.Errorf("/ca.pem %d, %d bytes; want the CA certificate", resp.StatusCode, len(body))
	}
	resp, _ = getBody(t, http.DefaultClient, mustReq(t, r.srv.URL+ownPrefix+"job/0123", "en"))
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown job answered %d", resp.StatusCode)
	}
}

func TestMergeCookies(t *testing.T) {
	sent := []*http.Cookie{{Name: "userId", Value: "u"}, {Name: "_t", Value: "old"}, {Name: "gone", Value: "x"}}
	set := []*http.Cookie{{Name: "_t", Value: "new"}, {Name: "gone", MaxAge: -1}, {Name: "fresh", Value: "f"}}
	if got := cookieHeader(mergeCookies(sent, set)); got != "userId=u; _t=new; fresh=f" {
		t.Errorf("merged %q", got)
	}
}
