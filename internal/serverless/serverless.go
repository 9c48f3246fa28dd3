// Package serverless runs the web app on function platforms: AWS Lambda
// (API Gateway REST and HTTP APIs, function URLs, EventBridge schedules)
// and Tencent SCF event functions (API Gateway and timer triggers). Each
// event becomes an http.Request served by the same handler `maiprobe
// serve` listens with, and the answer goes back in the event's format.
package serverless

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"unicode/utf8"
)

// App is the web app under one base path, and the scheduled work it does.
type App interface {
	http.Handler
	// RunDue runs the scheduled fetches due now and returns how many ran.
	RunDue(ctx context.Context) int
}

// Build makes the App for a base path ("" or e.g. "/release"). It is
// called once per base path, on the first event that needs it.
type Build func(ctx context.Context, basePath string) (App, error)

// Adapter turns function events into requests of the App.
type Adapter struct {
	build Build
	// base is the configured base path (MAIPROBE_BASE_PATH); when set it
	// wins over the gateway's stage.
	base string
	log  *slog.Logger

	mu   sync.Mutex
	apps map[string]App
}

// New returns an Adapter over build. basePath, when not "", is used for
// every event instead of the one the gateway's stage implies.
func New(build Build, basePath string, log *slog.Logger) *Adapter {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Adapter{build: build, base: basePath, log: log, apps: map[string]App{}}
}

// app returns the App for the base path a stage implies (or the
// configured one), building it on first use.
func (a *Adapter) app(ctx context.Context, stageBase string) (App, string, error) {
	base := stageBase
	if a.base != "" {
		base = a.base
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if app, ok := a.apps[base]; ok {
		return app, base, nil
	}
	app, err := a.build(ctx, base)
	if err != nil {
		return nil, "", err
	}
	a.apps[base] = app
	return app, base, nil
}

// RunDue runs the scheduled work due now (a schedule's event).
func (a *Adapter) RunDue(ctx context.Context) (int, error) {
	app, _, err := a.app(ctx, "")
	if err != nil {
		return 0, err
	}
	n := app.RunDue(ctx)
	a.log.Info("scheduled event", "fetches", n)
	return n, nil
}

// stageBase is the base path of an API Gateway stage: "" for none or
// "$default" (served at the root), else "/stage".
func stageBase(stage string) string {
	if stage == "" || stage == "$default" {
		return ""
	}
	return "/" + strings.Trim(stage, "/")
}

// withBase puts base before an event's path unless it is there already:
// REST APIs (and SCF's gateway) give the path without the stage, HTTP
// APIs with it.
func withBase(base, path string) string {
	if path == "" || path[0] != '/' {
		path = "/" + path
	}
	if base == "" || path == base || strings.HasPrefix(path, base+"/") {
		return path
	}
	return base + path
}

// request is what an event says about one HTTP request.
type request struct {
	method, path, rawQuery string
	header                 http.Header
	body                   string
	base64                 bool
	sourceIP               string
	// https: the gateway took the request over TLS.
	https bool
}

// httpRequest makes the http.Request the App serves.
func (q request) httpRequest(ctx context.Context) (*http.Request, error) {
	body := []byte(q.body)
	if q.base64 {
		b, err := base64.StdEncoding.DecodeString(q.body)
		if err != nil {
			return nil, errors.New("serverless: the event's body is not valid base64")
		}
		body = b
	}
	target := q.path
	if q.rawQuery != "" {
		target += "?" + q.rawQuery
	}
	r, err := http.NewRequestWithContext(ctx, q.method, target, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if len(body) == 0 {
		r.Body = http.NoBody
	}
	r.ContentLength = int64(len(body))
	r.Header = q.header
	r.Host = q.header.Get("Host")
	r.Header.Del("Host")
	r.RequestURI = target
	if q.sourceIP != "" {
		r.RemoteAddr = net.JoinHostPort(q.sourceIP, "0")
	}
	if q.https {
		// The gateway ended TLS; the app sees what the browser used, for
		// redirects, Secure cookies and HSTS.
		r.TLS = fakeTLS
	}
	return r, nil
}

// fakeTLS marks a request the gateway received over HTTPS.
var fakeTLS = &tls.ConnectionState{HandshakeComplete: true}

// serve runs one request through app and records the answer.
func serve(app http.Handler, r *http.Request) *recorder {
	w := &recorder{header: http.Header{}}
	app.ServeHTTP(w, r)
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w
}

// recorder is the http.ResponseWriter of one event: a function answers
// with the whole response at once.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *recorder) Header() http.Header { return w.header }

func (w *recorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.body.Write(b)
}

// Flush does nothing: the answer leaves when the handler returns.
func (w *recorder) Flush() {}

// encodedBody is the body as the event's answer carries it: base64 (and
// flagged so) when it is compressed, binary or not UTF-8, so the gateway
// sends the bytes back unchanged.
func (w *recorder) encodedBody() (string, bool) {
	b := w.body.Bytes()
	if w.header.Get("Content-Encoding") != "" || !textual(w.header.Get("Content-Type")) || !utf8.Valid(b) {
		return base64.StdEncoding.EncodeToString(b), true
	}
	return string(b), false
}

// textual says whether a content type is text the gateway may carry as a
// string.
func textual(ct string) bool {
	ct = strings.ToLower(ct)
	if ct == "" {
		return true // an empty body (redirects, 304)
	}
	return strings.HasPrefix(ct, "text/") || strings.Contains(ct, "json") || strings.Contains(ct, "xml") ||
		strings.Contains(ct, "javascript") || strings.HasPrefix(ct, "image/svg")
}

// singleHeaders is the answer's headers one value each (joined with ", "),
// without Set-Cookie, which cannot be joined.
func (w *recorder) singleHeaders() map[string]string {
	out := make(map[string]string, len(w.header))
	for k, v := range w.header {
		if http.CanonicalHeaderKey(k) == "Set-Cookie" {
			continue
		}
		out[k] = strings.Join(v, ", ")
	}
	return out
}

// multiHeaders is every header of the answer with all its values.
func (w *recorder) multiHeaders() map[string][]string {
	out := make(map[string][]string, len(w.header))
	for k, v := range w.header {
		out[k] = v
	}
	return out
}
