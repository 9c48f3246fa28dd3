package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"sync"
)

// Templates: layout.html holds the page frame and its partials, cards.html
// the score card's; every other file is one page that defines "title" and
// "content".
//
//go:embed templates/*.html
var templateFS embed.FS

// Page is what every template gets: the request's facts for the layout
// and the page's own typed view in View.
type Page struct {
	Lang    string   // zh or en
	User    string   // the logged-in user's name, "" when anonymous
	Player  string   // the {player} of the URL, "" on pages without one
	Players []string // the players this viewer may switch to: owned, then the first public ones
	More    bool     // there are public players beyond Players: the header links to /players
	Owner   bool     // the viewer owns Player: may import and change it
	CSRF    string   // the token every form must carry ({{template "csrf" .}})
	Path    string   // this page's path and query inside the app, for "come back here" links
	Nav     string   // the nav item to highlight (the page's name)
	View    any      // the page's view struct
}

// pageTemplate is one page parsed with the layout for one language, on
// its first render: parsing all of them (about 25 pages × 2 languages,
// each a clone of the layout and partials) was half of a function's cold
// start, before its first answer, which needs one.
type pageTemplate struct {
	once  sync.Once
	parse func() (*template.Template, error)
	t     *template.Template
	err   error
}

// get parses the page on its first use.
func (p *pageTemplate) get() (*template.Template, error) {
	p.once.Do(func() { p.t, p.err = p.parse() })
	return p.t, p.err
}

// funcs are the template helpers. t and url are the two every page uses:
// {{t "key" args…}} for text, {{url "/p/%s/plays" .Player}} for every
// link, form action and asset, so the base path is never forgotten.
func (s *Server) funcs(c catalogue) template.FuncMap {
	return template.FuncMap{
		"t":       c.translate,
		"url":     s.url,
		"asset":   s.assets.url(s.cfg.BasePath),
		"jacket":  s.jacketURL,
		"icon":    s.icon,
		"iconURL": s.iconURL,
		"add":     func(a, b int) int { return a + b },
		"group":   group,
	}
}

// url builds an app URL from a path format: string arguments are escaped
// (path-escaped before the ?, so a player called "a/b" stays one
// segment; query-escaped after it), and the base path is put in front.
// Without arguments the path is taken as it is.
func (s *Server) url(format string, args ...any) string {
	if len(args) == 0 {
		return s.cfg.BasePath + format
	}
	pathPart, _, _ := strings.Cut(format, "?")
	inPath := strings.Count(pathPart, "%") - 2*strings.Count(pathPart, "%%")
	esc := make([]any, len(args))
	for i, a := range args {
		str, ok := a.(string)
		switch {
		case !ok:
			esc[i] = a
		case i < inPath:
			esc[i] = url.PathEscape(str)
		default:
			esc[i] = url.QueryEscape(str)
		}
	}
	return s.cfg.BasePath + fmt.Sprintf(format, esc...)
}

// partials are the template files that are no page: they are parsed
// into every page.
var partials = []string{"layout", "cards", "rows", "at", "history"}

// loadTemplates prepares every page with the layout, once per language
// (each with its own t); a page is parsed on its first render
// (pageTemplate), and TestTemplatesParse parses them all, so a broken
// template fails the tests.
func (s *Server) loadTemplates() (map[string]map[string]*pageTemplate, error) {
	cats, err := loadCatalogues()
	if err != nil {
		return nil, err
	}
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]*pageTemplate{}
	for _, l := range langs {
		base := sync.OnceValues(func() (*template.Template, error) {
			base := template.New("layout.html").Funcs(s.funcs(cats[l]))
			for _, p := range partials {
				if _, err := base.ParseFS(templateFS, "templates/"+p+".html"); err != nil {
					return nil, fmt.Errorf("web: template %s.html: %w", p, err)
				}
			}
			return base, nil
		})
		out[l] = map[string]*pageTemplate{}
		for _, f := range files {
			name := strings.TrimSuffix(path.Base(f), ".html")
			if slices.Contains(partials, name) {
				continue
			}
			out[l][name] = &pageTemplate{parse: func() (*template.Template, error) {
				b, err := base()
				if err != nil {
					return nil, err
				}
				c, err := b.Clone()
				if err != nil {
					return nil, fmt.Errorf("web: template %s: %w", f, err)
				}
				if c, err = c.ParseFS(templateFS, f); err != nil {
					return nil, fmt.Errorf("web: template %s: %w", f, err)
				}
				return c, nil
			}}
		}
	}
	return out, nil
}

// render writes page name (templates/name.html) with view as the
// response. Rendering goes to a buffer first so a template error becomes
// a clean 500 rather than half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, view any) {
	st := state(r)
	if s.onRender != nil {
		s.onRender(name)
	}
	p := Page{Lang: st.Lang, Owner: st.access.Owner, Nav: name, View: view, CSRF: st.anonCSRF, Path: r.URL.RequestURI()}
	if st.access.Owner || st.access.Public {
		// Only a player the viewer may see gets its nav (not on a 403 or 404).
		p.Player = r.PathValue("player")
	}
	var uid int64
	if st.Session != nil {
		p.User, p.CSRF, uid = st.Session.User.Name, st.Session.CSRF, st.Session.User.ID
	}
	owned, public, more, err := s.archive.HeaderPlayers(r.Context(), uid, headerPlayers)
	if err != nil {
		s.log.Error("list players", "err", err)
	}
	p.Players, p.More = mergeNames(owned, public), more
	pt, ok := s.pages[st.Lang][name]
	if !ok {
		s.log.Error("render: no such template", "page", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	t, err := pt.get()
	if err != nil {
		s.log.Error("render: parse", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		s.log.Error("render", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	if status == http.StatusOK && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		// Pages depend on the login and the language: only the browser
		// may keep one, and must ask again (If-None-Match) before showing
		// it; the response cache (pagecache.go) answers that.
		h.Set("Cache-Control", "private, no-cache")
		// A page with an anonymous visitor's own token (the login form) is
		// theirs only: the response cache keys anonymous pages as one.
		st.page = st.Session != nil || st.anonCSRF == "" || !bytes.Contains(buf.Bytes(), []byte(st.anonCSRF))
	} else {
		// Errors, and pages answering a form's post: these may show what
		// is shown once (a new token's secret), so nothing keeps them.
		h.Set("Cache-Control", "no-store")
	}
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// headerPlayers is how many public players the header names; past them
// it links to the list of all (/players), so a page of an archive of a
// thousand players does not read and print them all.
const headerPlayers = 10

func mergeNames(a, b []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range append(append([]string(nil), a...), b...) {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// redirect sends the browser to an app path (without the base path) with
// a See Other, as an absolute URL of the external origin.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, path string) {
	http.Redirect(w, r, s.external(r, path), http.StatusSeeOther)
}

// errorView is the view of the error page.
type errorView struct {
	Status  int
	Message string // a catalogue key
	Args    []any  // the key's format arguments, if it has any
}

// fail shows the error page with a status and a catalogue key saying
// what went wrong.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, key string) {
	s.render(w, r, status, "error", errorView{Status: status, Message: key})
}

// tooLarge answers 413 with the upload limit, so the player knows how
// much to leave out.
func (s *Server) tooLarge(w http.ResponseWriter, r *http.Request) {
	limit := s.cfg.MaxUpload
	if l := state(r).bodyLimit; l > 0 {
		limit = l
	}
	s.render(w, r, http.StatusRequestEntityTooLarge, "error", errorView{Status: http.StatusRequestEntityTooLarge,
		Message: "error.too_large", Args: []any{byteSize(limit)}})
}

// byteSize writes a size in bytes the way people say it: 64 MB, 1.5 MB, 2 KB.
func byteSize(n int64) string {
	unit, name := int64(1), "B"
	switch {
	case n >= 1<<20:
		unit, name = 1<<20, "MB"
	case n >= 1<<10:
		unit, name = 1<<10, "KB"
	}
	if n%unit == 0 {
		return fmt.Sprintf("%d %s", n/unit, name)
	}
	return fmt.Sprintf("%.1f %s", float64(n)/float64(unit), name)
}

// failErr logs an unexpected error and shows a 500.
func (s *Server) failErr(w http.ResponseWriter, r *http.Request, err error) {
	s.log.Error("request failed", "path", r.URL.Path, "err", err)
	s.fail(w, r, http.StatusInternalServerError, "error.internal")
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, http.StatusNotFound, "error.not_found")
}
