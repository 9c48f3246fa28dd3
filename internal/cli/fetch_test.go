package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/maiprobe/maiprobe/internal/dxsite/fakesite"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

func TestFetchCommand(t *testing.T) {
	site := fakesite.New(t, fakesite.Options{Plays: 55})
	db := filepath.Join(t.TempDir(), "a.db")
	cookies := filepath.Join(t.TempDir(), "cookie.txt")
	if err := os.WriteFile(cookies, []byte(site.Cookie()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, nil, "", "--db", db, "--lang", "en", "fetch", "--site", site.URL(), "--cookie-file", cookies,
		"--interval", "0", "--quiet")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{
		"fetched 60 pages (100 requests): new 50 plays, 50 details,",
		"3 photo images, 37 jackets;",
		"loss meter: 55 plays in all; 50 plays wait in the site's window of 50, 0 more plays",
		"5 plays were made before the archive began",
		"album: 3 photos wait",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if c := rowCounts(t, db); c["plays"] != 50 {
		t.Errorf("archive rows %v", c)
	}

	// The cookie file now holds the rotated _t, so a second run works.
	site.AddPlays(2)
	code, out, errOut = run(t, nil, "", "--db", db, "--lang", "en", "fetch", "--site", site.URL(), "--cookie-file", cookies,
		"--interval", "0", "--quiet", "--only", "playerData,record,details")
	if code != 0 {
		t.Fatalf("second run: exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "new 2 plays, 2 details") || !strings.Contains(out, "2 plays wait in the site's window of 50, 48 more") {
		t.Errorf("second run:\n%s", out)
	}
}

func TestFetchCommandStops(t *testing.T) {
	for _, tc := range []struct {
		name, lang string
		setup      func(*fakesite.Server)
		want       string
	}{
		{"expired en", "en", func(s *fakesite.Server) { s.Expire() }, "maiprobe fetch: session expired, log in again"},
		{"expired zh", "zh", func(s *fakesite.Server) { s.Expire() }, "登录已过期，请重新登录"},
		{"maintenance", "en", func(s *fakesite.Server) { s.SetMaintenance(true) }, "the site is under maintenance"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			site := fakesite.New(t, fakesite.Options{Plays: 3})
			tc.setup(site)
			db := filepath.Join(t.TempDir(), "a.db")
			code, out, errOut := run(t, map[string]string{"MAIPROBE_COOKIE": site.Cookie()}, "", "--db", db, "--lang", tc.lang,
				"fetch", "--site", site.URL(), "--interval", "0")
			if code != exitFail || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q (stdout %s)", code, errOut, exitFail, tc.want, out)
			}
			if c := rowCounts(t, db); c["pages"] != 0 {
				t.Errorf("archived %v", c)
			}
		})
	}
}

func TestFetchCommandSegaID(t *testing.T) {
	site := fakesite.New(t, fakesite.Options{Region: maimai.Intl, SegaID: "minty", Password: "pw",
		Pages: map[string][]byte{"record/": mustRead(t, page("record-intl-level.html"))}})
	db := filepath.Join(t.TempDir(), "a.db")
	code, out, errOut := run(t, nil, "pw\n", "--db", db, "--lang", "en", "fetch", "--region", "intl", "--site", site.URL(),
		"--login-url", site.LoginURL(), "--sega-id", "minty", "--password-stdin", "--only", "record", "--interval", "0")
	if code != 0 || !strings.Contains(out, "fetched 1 pages") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	code, _, errOut = run(t, nil, "nope\n", "--db", db, "--lang", "en", "fetch", "--region", "intl", "--site", site.URL(),
		"--login-url", site.LoginURL(), "--sega-id", "minty", "--password-stdin", "--interval", "0")
	if code != exitFail || !strings.Contains(errOut, "login failed") {
		t.Errorf("wrong password: exit %d, %s", code, errOut)
	}
}

func TestFetchCommandUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"fetch"}, "give --cookie"},
		{[]string{"fetch", "--region", "kr", "--cookie", "a=b"}, `unknown site "kr"`},
		{[]string{"fetch", "--cookie", "a=b", "--only", "photos"}, `unknown part "photos"`},
		{[]string{"fetch", "--sega-id", "x"}, "CN site logs in through WeChat only"},
		{[]string{"fetch", "--region", "jp", "--sega-id", "x"}, "--password-stdin"},
	} {
		code, _, errOut := run(t, nil, "", append([]string{"--lang", "en", "--db", filepath.Join(t.TempDir(), "a.db")}, tc.args...)...)
		if code != exitUsage || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, %q; want %d and %q", tc.args, code, errOut, exitUsage, tc.want)
		}
	}
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
