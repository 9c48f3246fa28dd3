package web

import (
	"errors"
	"io"
	"net"
	"net/http"
	"time"
)

// Request-time defaults for the zero values of Config. A body may pause
// for BodyTimeout and must then average MinBodyRate: a 64 MB upload
// needs about 18 hours at 1 KB/s, so every real link (a phone on 2G sends
// 5–10 KB/s) finishes, while a client trickling a byte now and then is
// cut off after half a minute. http.Server.ReadTimeout cannot say this:
// it bounds the whole request, so a value long enough for a slow 64 MB
// upload would also hold a trickling connection open that long.
const (
	DefaultBodyTimeout  = 30 * time.Second
	DefaultMinBodyRate  = 1 << 10 // bytes a second
	DefaultWriteTimeout = time.Minute
)

// timeouts puts the body and write deadlines of Config on one request:
// the body must keep arriving (bodyReader), each write to the client must
// finish within WriteTimeout (deadlineWriter). They work through
// http.ResponseController, so they hold on a real connection and are
// skipped where the writer has no deadlines (httptest, serverless). The
// returned finish runs when the handler is done.
func (s *Server) timeouts(w http.ResponseWriter, r *http.Request) (http.ResponseWriter, *http.Request, func()) {
	rc := http.NewResponseController(w)
	var body *bodyReader
	if s.cfg.BodyTimeout > 0 && r.Body != nil && r.Body != http.NoBody {
		body = &bodyReader{ReadCloser: r.Body, rc: rc, start: time.Now(), pause: s.cfg.BodyTimeout, rate: s.cfg.MinBodyRate}
		r.Body = body
	}
	var dw *deadlineWriter
	if s.cfg.WriteTimeout > 0 {
		dw = &deadlineWriter{ResponseWriter: w, rc: rc, d: s.cfg.WriteTimeout}
		// From the start too: net/http writes "100 Continue" on the first
		// read of the body, and a keep-alive connection may still carry
		// the past deadline of its previous request.
		dw.extend(true)
		w = dw
	}
	finish := func() {
		if dw != nil {
			// net/http flushes the rest of the response after the handler.
			dw.extend(true)
		}
		if body != nil && !body.done {
			// net/http reads what the handler left of the body (up to
			// 256 KB) to reuse the connection: give it one more pause.
			rc.SetReadDeadline(time.Now().Add(body.pause))
		}
	}
	return w, r, finish
}

// bodyReader cuts off a request body that stalls or trickles. Before
// each read it sets the connection's read deadline to the earlier of
// BodyTimeout from now (no pause is longer) and BodyTimeout after the
// start plus one second per MinBodyRate bytes received so far (the
// average must keep up) — the rule of Apache's mod_reqtimeout
// (body=…,MinRate=…).
type bodyReader struct {
	io.ReadCloser
	rc    *http.ResponseController
	start time.Time
	pause time.Duration
	rate  int64 // bytes a second; 0: no rate rule
	n     int64 // bytes read so far
	done  bool  // the body ended or failed: no more deadlines
}

func (b *bodyReader) Read(p []byte) (int, error) {
	if b.done {
		return b.ReadCloser.Read(p)
	}
	now := time.Now()
	deadline := now.Add(b.pause)
	if b.rate > 0 {
		earned := time.Duration(b.n/b.rate)*time.Second + time.Duration(b.n%b.rate)*time.Second/time.Duration(b.rate)
		if d := b.start.Add(b.pause + earned); d.Before(deadline) {
			deadline = d
		}
	}
	b.rc.SetReadDeadline(deadline) // ErrNotSupported: no connection to bound
	n, err := b.ReadCloser.Read(p)
	b.n += int64(n)
	switch {
	case err == io.EOF:
		// The body is complete: no read deadline while the handler works
		// (net/http's watch for a vanished client would time out and
		// cancel the request; it lifts the deadline itself when it starts
		// watching, and this does not rely on that).
		b.done = true
		b.rc.SetReadDeadline(time.Time{})
	case err != nil:
		// Too slow (or broken): the deadline stays, so nothing more is
		// read from this connection and net/http closes it.
		b.done = true
	}
	return n, err
}

// isTimeout reports whether err is a read that ran out of time.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// deadlineWriter gives each write of a response WriteTimeout to reach the
// client, so a client that stops reading cannot hold the handler forever,
// while a handler that works long before it writes (an import of many
// pages) is not cut off: the clock starts at each write, not at the
// request.
type deadlineWriter struct {
	http.ResponseWriter
	rc   *http.ResponseController
	d    time.Duration
	last time.Time // when the deadline was last moved
}

// extend moves the write deadline to d from now; without force only when
// it was last moved more than an eighth of d ago, so a response written
// in many small pieces does not reset a timer for each.
func (w *deadlineWriter) extend(force bool) {
	now := time.Now()
	if !force && now.Sub(w.last) < w.d/8 {
		return
	}
	w.last = now
	w.rc.SetWriteDeadline(now.Add(w.d))
}

func (w *deadlineWriter) WriteHeader(code int) {
	w.extend(false)
	w.ResponseWriter.WriteHeader(code)
}

func (w *deadlineWriter) Write(b []byte) (int, error) {
	w.extend(false)
	return w.ResponseWriter.Write(b)
}

// FlushError flushes within the write deadline (http.ResponseController
// finds it before Unwrap).
func (w *deadlineWriter) FlushError() error {
	w.extend(false)
	return w.rc.Flush()
}

func (w *deadlineWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
