package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
)

// Each language's text is a flat JSON catalogue, key → text (a
// fmt format when the page passes arguments): locales/zh.json is the
// default, locales/en.json the English, and a feature may keep its own
// text beside them in locales/FEATURE.zh.json and locales/FEATURE.en.json
// (a key in two files of one language is refused). Templates say
// {{t "key" args…}}.
//
//go:embed locales/*.json
var localeFS embed.FS

// langs are the page languages, the default first.
var langs = []string{"zh", "en"}

// langCookie remembers the language a visitor switched to.
const langCookie = "maiprobe_lang"

type catalogue map[string]string

func loadCatalogues() (map[string]catalogue, error) {
	out := map[string]catalogue{}
	for _, l := range langs {
		files, err := fs.Glob(localeFS, "locales/*"+l+".json")
		if err != nil {
			return nil, fmt.Errorf("web: catalogue %s: %w", l, err)
		}
		c := catalogue{}
		for _, name := range files {
			base := strings.TrimPrefix(name, "locales/")
			if base != l+".json" && !strings.HasSuffix(base, "."+l+".json") {
				continue
			}
			b, err := localeFS.ReadFile(name)
			if err != nil {
				return nil, fmt.Errorf("web: catalogue %s: %w", name, err)
			}
			part := catalogue{}
			if err := json.Unmarshal(b, &part); err != nil {
				return nil, fmt.Errorf("web: catalogue %s: %w", name, err)
			}
			for k, v := range part {
				if _, dup := c[k]; dup {
					return nil, fmt.Errorf("web: catalogue %s: key %q is also in another %s file", name, k, l)
				}
				c[k] = v
			}
		}
		if len(c) == 0 {
			return nil, fmt.Errorf("web: catalogue %s: no locales/%s.json", l, l)
		}
		out[l] = c
	}
	// A key in one language but not the other would show a raw key.
	for _, l := range langs[1:] {
		for k := range out[langs[0]] {
			if _, ok := out[l][k]; !ok {
				return nil, fmt.Errorf("web: catalogue %s lacks %q", l, k)
			}
		}
		for k := range out[l] {
			if _, ok := out[langs[0]][k]; !ok {
				return nil, fmt.Errorf("web: catalogue %s lacks %q", langs[0], k)
			}
		}
	}
	return out, nil
}

// translate returns the text of key, formatted with args; a missing key
// shows as itself so it stands out on the page (and tests catch it).
func (c catalogue) translate(key string, args ...any) string {
	s, ok := c[key]
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// pickLang chooses the page language: the switch's cookie, else the best
// of zh and en in Accept-Language, else Chinese.
func pickLang(r *http.Request) string {
	if c, err := r.Cookie(langCookie); err == nil && knownLang(c.Value) {
		return c.Value
	}
	best, bestQ := "zh", 0.0
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if k, v, ok := strings.Cut(strings.TrimSpace(params), "="); ok && strings.TrimSpace(k) == "q" {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		primary, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
		if knownLang(primary) && q > bestQ {
			best, bestQ = primary, q
		}
	}
	return best
}

func knownLang(l string) bool {
	for _, k := range langs {
		if k == l {
			return true
		}
	}
	return false
}

// switchLang is the language switch: GET /lang/{lang}?next=/path sets the
// cookie and goes back to the page.
func (s *Server) switchLang(w http.ResponseWriter, r *http.Request) {
	l := r.PathValue("lang")
	if !knownLang(l) {
		s.notFound(w, r)
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: langCookie, Value: l, Path: s.cookiePath(), MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: state(r).Scheme == "https", SameSite: http.SameSiteLaxMode,
	})
	s.redirect(w, r, localPath(r.URL.Query().Get("next")))
}

// localPath keeps next only when it is a path of this app, so a crafted
// link cannot send a visitor to another site after login.
func localPath(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") ||
		strings.ContainsAny(next, "\r\n\t") {
		return "/"
	}
	return next
}
