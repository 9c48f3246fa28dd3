package web

import (
	"io/fs"
	"net/http"
	"path"
	"testing"
)

// TestTemplatesParse parses every page in every language: pages are
// parsed on their first render (a function's cold start parses only the
// page it answers), so this is where a broken template fails.
func TestTemplatesParse(t *testing.T) {
	ap := newApp(t, Config{})
	n := 0
	for l, pages := range ap.s.pages {
		for name, pt := range pages {
			if _, err := pt.get(); err != nil {
				t.Errorf("%s %s: %v", l, name, err)
			}
			n++
		}
	}
	if n < 2*20 {
		t.Errorf("%d page templates, want every page in both languages", n)
	}
}

// TestTemplatesLazy: starting the server parses no page; the first
// request parses the one page it renders, in its language.
func TestTemplatesLazy(t *testing.T) {
	ap := newApp(t, Config{})
	ap.addUser("owner", "default") // no setup page
	parsed := func() (out []string) {
		for l, pages := range ap.s.pages {
			for name, pt := range pages {
				if pt.t != nil {
					out = append(out, l+"/"+name)
				}
			}
		}
		return out
	}
	if p := parsed(); len(p) != 0 {
		t.Errorf("New parsed %v before any request", p)
	}
	b := ap.browser()
	b.headers["Accept-Language"] = "en"
	if res := b.get("/"); res.StatusCode != http.StatusOK {
		t.Fatalf("GET /: %d\n%s", res.StatusCode, res.body)
	}
	if p := parsed(); len(p) != 1 || p[0] != "en/index" {
		t.Errorf("after GET / in English: parsed %v, want [en/index]", p)
	}
}

// TestStaticTypes: every static file's type comes from staticTypes, not
// from the system's MIME database (read on first use: time at a cold
// start, and machine-dependent).
func TestStaticTypes(t *testing.T) {
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if staticTypes[path.Ext(p)] == "" {
			t.Errorf("%s: no type in staticTypes", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
