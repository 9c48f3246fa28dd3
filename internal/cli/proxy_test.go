//go:build !function

package cli

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestProxyEndToEnd runs maiprobe proxy --once against a fake WeChat
// login host and a fake DX NET site (plain HTTP on loopback, through
// --hosts): the callback through the proxy is replayed, dxsite fetches the
// home page with the session, and the archive has it.
func TestProxyEndToEnd(t *testing.T) {
	home, err := os.ReadFile(page("home-cn-2020.html"))
	if err != nil {
		t.Fatal(err)
	}
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/wc_auth/oauth/callback/maimai-dx":
			if r.URL.Query().Get("code") != "c0de" || !strings.Contains(r.UserAgent(), "MicroMessenger") {
				http.Error(w, "bad callback", http.StatusBadRequest)
				return
			}
			http.Redirect(w, r, "https://maimai.wahlap.com/maimai-mobile/?t=tk", http.StatusFound)
		case r.URL.Path == "/maimai-mobile/" && r.URL.Query().Get("t") == "tk":
			http.SetCookie(w, &http.Cookie{Name: "userId", Value: "u77", Path: "/"})
			http.Redirect(w, r, "/maimai-mobile/home/", http.StatusFound)
		case r.URL.Path == "/maimai-mobile/home/":
			if c, err := r.Cookie("userId"); err != nil || c.Value != "u77" {
				http.Error(w, "not logged in", http.StatusForbidden)
				return
			}
			w.Write(home)
		default:
			http.NotFound(w, r)
		}
	}))
	defer site.Close()

	db := filepath.Join(t.TempDir(), "proxy.db")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"proxy", "--db", db, "--player", "mai", "--lang", "en", "--once", "--only", "home",
			"--addr", "127.0.0.1:0", "--hosts", "maimai.wahlap.com=" + site.URL + ",tgk-wcaime.wahlap.com=" + site.URL},
			Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb})
	}()
	addrRE := regexp.MustCompile(`capture proxy is running \((127\.0\.0\.1:\d+)\)`)
	var addr string
	for deadline := time.Now().Add(10 * time.Second); addr == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := addrRE.FindStringSubmatch(out.String()); m != nil {
			addr = m[1]
		}
		select {
		case code := <-done:
			t.Fatalf("proxy exited with %d\nstdout: %s\nstderr: %s", code, out.String(), errb.String())
		default:
		}
	}
	if addr == "" {
		t.Fatalf("proxy printed no address\nstdout: %s\nstderr: %s", out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "open http://tgk-wcaime.wahlap.com/wc_auth/oauth/authorize/maimai-dx in WeChat") {
		t.Errorf("no login link in the instructions:\n%s", out.String())
	}
	// On loopback a phone cannot reach the proxy: the instructions say so
	// and how to open it to the LAN.
	if !strings.Contains(out.String(), "for this machine only") || !strings.Contains(out.String(), "maiprobe proxy --lan") {
		t.Errorf("the loopback instructions do not say how to use the proxy from a phone:\n%s", out.String())
	}

	client := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(&url.URL{Scheme: "http", Host: addr})}}
	defer client.CloseIdleConnections()
	res, err := client.Get("http://tgk-wcaime.wahlap.com/wc_auth/oauth/callback/maimai-dx?r=a&t=1&code=c0de&state=s")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "maiprobe") {
		t.Fatalf("callback answered %d: %s", res.StatusCode, body)
	}

	select {
	case code := <-done:
		if code != exitOK {
			t.Fatalf("proxy exited with %d\nstdout: %s\nstderr: %s", code, out.String(), errb.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("proxy --once did not end\nstdout: %s\nstderr: %s", out.String(), errb.String())
	}
	if want := "saved (cn): 1 pages, 1 added, 0 unchanged, 0 rejected"; !strings.Contains(out.String(), want) {
		t.Errorf("stdout lacks %q:\n%s", want, out.String())
	}
	if c := rowCounts(t, db); c["pages"] != 1 || c["snapshots"] < 1 {
		t.Errorf("archive rows %v, want the home page and its snapshot", c)
	}
}

func TestProxyRejectsBadSettings(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"remote without token", []string{"proxy", "--remote", "https://x.example"}, "give both --remote and --token"},
		{"token without remote", []string{"proxy", "--token", "t"}, "give both --remote and --token"},
		{"unknown part", []string{"proxy", "--only", "home,nope"}, `unknown part "nope"`},
		{"bad host map", []string{"proxy", "--hosts", "maimai.wahlap.com=ftp://x"}, "http://host[:port]"},
		{"argument", []string{"proxy", "extra"}, `unexpected argument "extra"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := run(t, nil, "", append(tc.args, "--lang", "en")...)
			if code != exitUsage || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, errOut, tc.want)
			}
		})
	}
}

func TestProxyListenAddr(t *testing.T) {
	if ap, err := netip.ParseAddrPort(DefaultProxyAddr); err != nil || !ap.Addr().IsLoopback() {
		t.Errorf("DefaultProxyAddr %q (%v): want a loopback address, the LAN only when asked", DefaultProxyAddr, err)
	}
	for _, tc := range []struct {
		addr string
		lan  bool
		want string
	}{
		{DefaultProxyAddr, false, "127.0.0.1:8866"},
		{DefaultProxyAddr, true, ":8866"},
		{"127.0.0.1:9000", true, ":9000"},
		{":8866", false, ":8866"},
		{"192.168.1.5:8866", false, "192.168.1.5:8866"},
		{"8866", true, ""},
	} {
		t.Run(fmt.Sprintf("%s lan=%v", tc.addr, tc.lan), func(t *testing.T) {
			got, err := listenAddr(tc.addr, tc.lan)
			if got != tc.want || (tc.want == "") != (err != nil) {
				t.Errorf("listenAddr(%q, %v) = %q, %v; want %q", tc.addr, tc.lan, got, err, tc.want)
			}
		})
	}
}

func TestProxyHelpOnTheLAN(t *testing.T) {
	for _, tc := range []struct {
		addr, want, not string
	}{
		{"127.0.0.1:8866", "maiprobe proxy --lan", "open on the LAN"},
		{"192.168.1.5:8866", "open on the LAN", "--lan"},
	} {
		t.Run(tc.addr, func(t *testing.T) {
			var out strings.Builder
			printProxyHelp(&runCtx{Env: Env{Stdout: &out}, msg: en}, tc.addr, nil)
			if !strings.Contains(out.String(), tc.want) || strings.Contains(out.String(), tc.not) {
				t.Errorf("instructions for %s lack %q or hold %q:\n%s", tc.addr, tc.want, tc.not, out.String())
			}
		})
	}
}
