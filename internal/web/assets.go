package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
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
	// br and gz are the body compressed once at the highest levels, on
	// the first request that accepts them (nil: not worth it).
	once   sync.Once
	br, gz []byte
}

// compressed returns the body in encoding enc ("br" or "gzip"), computed
// once, or nil when the file is not text or does not shrink.
func (f *asset) compressed(enc string) []byte {
	f.once.Do(func() {
		if !compressible(f.ctype) || len(f.body) < minCompress {
			return
		}
		var b bytes.Buffer
		bw := brotli.NewWriterLevel(&b, brotli.BestCompression)
		bw.Write(f.body)
		bw.Close()
		if b.Len() < len(f.body) {
			f.br = bytes.Clone(b.Bytes())
		}
		b.Reset()
		gw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		gw.Write(f.body)
		gw.Close()
		if b.Len() < len(f.body) {
			f.gz = bytes.Clone(b.Bytes())
		}
	})
	switch enc {
	case "br":
		return f.br
	case "gzip":
		return f.gz
	}
	return nil
}

type assets struct {
	hashed map[string]string // plain name → hashed name
	files  map[string]*asset // hashed name → file
}

// staticTypes are the content types of the static files' extensions:
// mime.TypeByExtension reads the system's MIME database on its first call
// (a few ms of a function's cold start), and may answer differently from
// one machine to the next.
var staticTypes = map[string]string{
	".css": "text/css; charset=utf-8",
	".js":  "text/javascript; charset=utf-8",
	".svg": "image/svg+xml",
	".png": "image/png",
}

func loadAssets() (*assets, error) {
	a := &assets{hashed: map[string]string{}, files: map[string]*asset{}}
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
		ct := staticTypes[ext]
		if ct == "" {
			ct = mime.TypeByExtension(ext)
		}
		if ct == "" {
			ct = "application/octet-stream"
		}
		a.hashed[name] = h
		a.files[h] = &asset{body: b, ctype: ct}
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

// serveStatic answers GET and HEAD of /static/NAME outside the session
// and the compression of pages: a text file goes out compressed as the
// browser accepts it, from bytes compressed once (brotli and gzip at their
// best levels), with its length.
func (a *assets) serveStatic(w http.ResponseWriter, r *http.Request) {
	f, ok := a.files[strings.TrimPrefix(r.URL.Path, "/static/")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.ctype)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	body := f.body
	if compressible(f.ctype) {
		h.Add("Vary", "Accept-Encoding")
		enc := negotiate(r.Header.Get("Accept-Encoding"))
		if c := f.compressed(enc); c != nil {
			h.Set("Content-Encoding", enc)
			body = c
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if r.Method == http.MethodHead {
		return
	}
	w.Write(body)
}

// favicon answers /favicon.ico, which browsers ask for on their own,
// with the embedded SVG icon the layout links to under its hashed name.
func (a *assets) favicon(w http.ResponseWriter, r *http.Request) {
	f := a.files[a.hashed["favicon.svg"]]
	w.Header().Set("Content-Type", f.ctype)
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Write(f.body)
}
