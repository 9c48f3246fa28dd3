package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
)

// TestStaticAssetsPrecompressed checks that a text asset goes out in the
// encoding asked for, from bytes compressed once, with its length, and
// without the session (no cookie for a first visit).
func TestStaticAssetsPrecompressed(t *testing.T) {
	ap := newApp(t, Config{})
	name := ap.s.assets.hashed["style.css"]
	plain := ap.s.assets.files[name].body
	for _, tc := range []struct {
		enc    string
		decode func(io.Reader) (io.Reader, error)
	}{
		{"br", func(r io.Reader) (io.Reader, error) { return brotli.NewReader(r), nil }},
		{"gzip", func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) }},
		{"", func(r io.Reader) (io.Reader, error) { return r, nil }},
	} {
		b := ap.browser()
		if tc.enc != "" {
			b.headers["Accept-Encoding"] = tc.enc
		}
		res := b.get("/static/" + name)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != tc.enc {
			t.Fatalf("%q: %d, Content-Encoding %q", tc.enc, res.StatusCode, res.Header.Get("Content-Encoding"))
		}
		if tc.enc != "" && len(res.body) >= len(plain) {
			t.Errorf("%s: %d bytes, the file has %d", tc.enc, len(res.body), len(plain))
		}
		if cl := res.Header.Get("Content-Length"); cl != itoa(int64(len(res.body))) {
			t.Errorf("%q: Content-Length %s for %d bytes", tc.enc, cl, len(res.body))
		}
		r, err := tc.decode(strings.NewReader(res.body))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(r)
		if err != nil || !bytes.Equal(got, plain) {
			t.Errorf("%q: the body does not decode to the file (%v)", tc.enc, err)
		}
		if len(res.Header.Values("Set-Cookie")) != 0 || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
			t.Errorf("%q: cookies %v, Cache-Control %q", tc.enc, res.Header.Values("Set-Cookie"), res.Header.Get("Cache-Control"))
		}
	}
	if res := ap.browser().get("/static/nothing.css"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown asset: %d", res.StatusCode)
	}
}
