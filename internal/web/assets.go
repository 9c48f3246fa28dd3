package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

// The stylesheet and any other static files; each is served under a name
// carrying a hash of its content (style.3f2a….css), so browsers may cache
// it forever and still get a new one after an upgrade.
//
//go:embed static
var staticFS embed.FS

type asset struct {
	body  []byte
	ctype string
}

type assets struct {
	hashed map[string]string // plain name → hashed name
	files  map[string]asset  // hashed name → file
}

func loadAssets() (*assets, error) {
	a := &assets{hashed: map[string]string{}, files: map[string]asset{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(b)
		ext := path.Ext(name)
		h := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:])[:12] + ext
		ct := mime.TypeByExtension(ext)
		if ct == "" {
			ct = "application/octet-stream"
		}
		a.hashed[name] = h
		a.files[h] = asset{body: b, ctype: ct}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web: assets: %w", err)
	}
	return a, nil
}

// url returns the template helper {{asset "style.css"}}: the hashed URL
// of a static file under the base path. An unknown name fails the
// template, so a typo is caught when the page is first rendered in tests.
func (a *assets) url(base string) func(string) (string, error) {
	return func(name string) (string, error) {
		h, ok := a.hashed[name]
		if !ok {
			return "", fmt.Errorf("web: no static file %q", name)
		}
		return base + "/static/" + h, nil
	}
}

func (a *assets) serve(w http.ResponseWriter, r *http.Request) {
	f, ok := a.files[r.PathValue("name")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", f.ctype)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(f.body)
}

// favicon answers /favicon.ico, which browsers ask for on their own,
// with the embedded SVG icon the layout links to under its hashed name.
func (a *assets) favicon(w http.ResponseWriter, r *http.Request) {
	f := a.files[a.hashed["favicon.svg"]]
	w.Header().Set("Content-Type", f.ctype)
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Write(f.body)
}
