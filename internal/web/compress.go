package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
)

// minCompress is the smallest body worth compressing: below it the
// encodings' headers eat the gain.
const minCompress = 1024

// Pages are compressed at cheap levels: they are compressed once per
// rendering and then kept compressed (pagecache.go), and at these levels
// compression costs a small part of rendering (docs/benchmarks.md).
// Static files are compressed once at the best levels (assets.go).
var (
	gzipPool   = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed); return w }}
	brotliPool = sync.Pool{New: func() any { return brotli.NewWriterLevel(nil, 2) }}
)

// compress encodes responses with brotli or gzip when the client accepts
// it, the type is text-like and the body is not tiny.
func compress(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Accept-Encoding")
		enc := negotiate(r.Header.Get("Accept-Encoding"))
		if enc == "" || r.Method == http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		cw := &compressWriter{ResponseWriter: w, encoding: enc}
		defer cw.close()
		next.ServeHTTP(cw, r)
	})
}

// negotiate picks br or gzip from an Accept-Encoding header, honouring
// q=0 refusals; "" means identity.
func negotiate(header string) string {
	q := map[string]float64{}
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" {
			continue
		}
		v := 1.0
		if k, val, ok := strings.Cut(strings.TrimSpace(params), "="); ok && strings.TrimSpace(k) == "q" {
			if f, err := strconv.ParseFloat(strings.TrimSpace(val), 64); err == nil {
				v = f
			}
		}
		q[name] = v
	}
	pick := func(name string) float64 {
		if v, ok := q[name]; ok {
			return v
		}
		if v, ok := q["*"]; ok {
			return v
		}
		return 0
	}
	br, gz := pick("br"), pick("gzip")
	switch {
	case br > 0 && br >= gz:
		return "br"
	case gz > 0:
		return "gzip"
	}
	return ""
}

// compressible reports whether a Content-Type is worth compressing:
// images (but SVG), archives and fonts are compressed already.
func compressible(ct string) bool {
	ct, _, _ = strings.Cut(strings.ToLower(ct), ";")
	ct = strings.TrimSpace(ct)
	switch {
	case strings.HasPrefix(ct, "text/"):
		return true
	case ct == "application/json", ct == "application/javascript", ct == "application/xml",
		ct == "image/svg+xml", ct == "application/manifest+json":
		return true
	}
	return false
}

// compressWriter holds the first bytes of a body until it knows whether
// to compress: the status and headers are sent on that decision.
type compressWriter struct {
	http.ResponseWriter
	encoding string
	status   int
	buf      bytes.Buffer
	decided  bool
	enc      io.WriteCloser // nil: passing through
}

func (w *compressWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	// Informational and empty responses go out at once, unencoded.
	if code < 200 || code == http.StatusNoContent || code == http.StatusNotModified {
		w.decide(false)
	}
}

func (w *compressWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if !w.decided {
		w.buf.Write(b)
		if w.buf.Len() < minCompress {
			return len(b), nil
		}
		if err := w.decide(true); err != nil {
			return 0, err
		}
		return len(b), nil
	}
	if w.enc != nil {
		return w.enc.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

// decide sends the headers, compressing when big is set and the response
// qualifies, then the held bytes.
func (w *compressWriter) decide(big bool) error {
	if w.decided {
		return nil
	}
	w.decided = true
	h := w.Header()
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if h.Get("Content-Type") == "" && w.buf.Len() > 0 {
		h.Set("Content-Type", http.DetectContentType(w.buf.Bytes()))
	}
	if big && h.Get("Content-Encoding") == "" && compressible(h.Get("Content-Type")) &&
		w.status != http.StatusNoContent && w.status != http.StatusNotModified && w.status >= 200 {
		h.Del("Content-Length")
		h.Set("Content-Encoding", w.encoding)
		switch w.encoding {
		case "br":
			bw := brotliPool.Get().(*brotli.Writer)
			bw.Reset(w.ResponseWriter)
			w.enc = bw
		default:
			gw := gzipPool.Get().(*gzip.Writer)
			gw.Reset(w.ResponseWriter)
			w.enc = gw
		}
	}
	w.ResponseWriter.WriteHeader(w.status)
	if w.buf.Len() == 0 {
		return nil
	}
	var err error
	if w.enc != nil {
		_, err = w.enc.Write(w.buf.Bytes())
	} else {
		_, err = w.ResponseWriter.Write(w.buf.Bytes())
	}
	w.buf.Reset()
	return err
}

// Flush sends what is held (compressed if it qualifies) to the client.
func (w *compressWriter) Flush() {
	w.decide(true)
	switch e := w.enc.(type) {
	case *gzip.Writer:
		e.Flush()
	case *brotli.Writer:
		e.Flush()
	}
	http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *compressWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *compressWriter) close() {
	if !w.decided {
		if w.status == 0 && w.buf.Len() == 0 {
			return // the handler wrote nothing; net/http sends its 200
		}
		w.decide(false)
	}
	if w.enc == nil {
		return
	}
	w.enc.Close()
	switch e := w.enc.(type) {
	case *gzip.Writer:
		e.Reset(io.Discard)
		gzipPool.Put(e)
	case *brotli.Writer:
		e.Reset(io.Discard)
		brotliPool.Put(e)
	}
}
