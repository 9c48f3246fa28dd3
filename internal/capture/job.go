package capture

import (
	"context"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// States of a job.
const (
	stateLogin    = "login"    // taking the session
	stateFetching = "fetching" // the fetcher runs
	stateDone     = "done"
	stateFailed   = "failed"
)

// job is one capture: a session taken and its fetch.
type job struct {
	id     string
	region maimai.Region
	key    string // what started it (the login's code), to show it again on a reload

	mu       sync.Mutex
	state    string
	progress Progress
	report   Report
	err      string
}

// jobStatus is a job's JSON for the saving page's polling.
type jobStatus struct {
	ID       string        `json:"id"`
	Region   maimai.Region `json:"region"`
	State    string        `json:"state"`
	Progress Progress      `json:"progress"`
	Report   *Report       `json:"report,omitempty"`
	Error    string        `json:"error,omitempty"`
}

func (j *job) status() jobStatus {
	j.mu.Lock()
	defer j.mu.Unlock()
	s := jobStatus{ID: j.id, Region: j.region, State: j.state, Progress: j.progress, Error: j.err}
	if j.state == stateDone || j.report.Pages > 0 {
		r := j.report
		s.Report = &r
	}
	return s
}

// report is the status's report, zero when there is none.
func (s jobStatus) report() Report {
	if s.Report == nil {
		return Report{}
	}
	return *s.Report
}

func (j *job) set(f func(j *job)) {
	j.mu.Lock()
	f(j)
	j.mu.Unlock()
}

// running is a capture of region still under way, or nil.
func (p *Proxy) running(region maimai.Region) *job {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, j := range p.jobs {
		if st := j.status().State; j.region == region && (st == stateLogin || st == stateFetching) {
			return j
		}
	}
	return nil
}

// byKey is the job key started, or nil.
func (p *Proxy) byKey(key string) *job {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, j := range p.jobs {
		if j.key == key {
			return j
		}
	}
	return nil
}

// maxJobs bounds the jobs kept for their saving pages.
const maxJobs = 64

// start runs a capture in the background: session takes the session, then
// the fetcher runs. The job outlives the request that started it.
func (p *Proxy) start(region maimai.Region, key string, session func(context.Context) (Session, error)) *job {
	var b [16]byte
	rand.Read(b[:])
	j := &job{id: hex.EncodeToString(b[:]), region: region, key: key, state: stateLogin}
	p.mu.Lock()
	if len(p.jobs) >= maxJobs {
		for id, old := range p.jobs {
			if st := old.status().State; st == stateDone || st == stateFailed {
				delete(p.jobs, id)
			}
		}
	}
	p.jobs[j.id] = j
	p.mu.Unlock()

	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		ctx, cancel := context.WithTimeout(p.ctx, 30*time.Minute)
		defer cancel()
		fail := func(err error) {
			p.log.Warn("capture: failed", "region", string(region), "err", err.Error())
			j.set(func(j *job) { j.state, j.err = stateFailed, err.Error() })
			if p.cfg.Done != nil {
				p.cfg.Done(region, j.status().report(), err)
			}
		}
		s, err := session(ctx)
		if err != nil {
			fail(err)
			return
		}
		j.set(func(j *job) { j.state = stateFetching })
		if p.cfg.Fetch == nil {
			fail(errNoFetcher)
			return
		}
		rep, err := p.cfg.Fetch(ctx, s, func(pr Progress) {
			j.set(func(j *job) { j.progress = pr })
		})
		if err != nil {
			j.set(func(j *job) { j.report = rep })
			fail(err)
			return
		}
		p.log.Info("capture: saved", "region", string(region), "pages", rep.Pages, "added", rep.Added,
			"unchanged", rep.Unchanged, "rejected", rep.Rejected)
		j.set(func(j *job) { j.state, j.report = stateDone, rep })
		if p.cfg.Done != nil {
			p.cfg.Done(region, rep, nil)
		}
	}()
	return j
}

var errNoFetcher = errors.New("capture: no fetcher configured")

//go:embed templates/*.html
var templateFS embed.FS

var pages = template.Must(template.New("").ParseFS(templateFS, "templates/*.html"))

// jobPage is the saving page's view.
type jobPage struct {
	T      *texts
	Lang   string
	Status jobStatus
	Poll   string // the JSON status URL
	Self   string // the page's own URL (refresh without JavaScript)
}

// renderJob writes the saving page of j.
func (p *Proxy) renderJob(w http.ResponseWriter, r *http.Request, j *job, code int) {
	lang := p.lang(r)
	v := jobPage{T: catalogue(lang), Lang: lang, Status: j.status(),
		Poll: ownPrefix + "job/" + j.id + ".json", Self: ownPrefix + "job/" + j.id}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	pages.ExecuteTemplate(w, "saving.html", v)
}

// serveOwn serves the proxy's own pages under ownPrefix: a job's saving
// page and its JSON status.
func (p *Proxy) serveOwn(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, ownPrefix)
	id, isJSON := strings.CutSuffix(strings.TrimPrefix(rest, "job/"), ".json")
	if !strings.HasPrefix(rest, "job/") {
		http.NotFound(w, r)
		return
	}
	p.mu.Lock()
	j := p.jobs[id]
	p.mu.Unlock()
	if j == nil {
		http.Error(w, catalogue(p.lang(r)).NoJob, http.StatusNotFound)
		return
	}
	if isJSON {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		json.NewEncoder(w).Encode(j.status())
		return
	}
	p.renderJob(w, r, j, http.StatusOK)
}

// servePortal answers requests addressed to the proxy itself: how to use
// it, and the CA certificate to install.
func (p *Proxy) servePortal(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/ca.pem" && p.cfg.CA != nil:
		w.Header().Set("Content-Type", "application/x-x509-ca-cert")
		w.Header().Set("Content-Disposition", `attachment; filename="maiprobe-ca.pem"`)
		w.Write(p.cfg.CA.CertPEM())
	case strings.HasPrefix(r.URL.Path, ownPrefix):
		p.serveOwn(w, r)
	case r.URL.Path == "/":
		lang := p.lang(r)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		pages.ExecuteTemplate(w, "portal.html", struct {
			T        *texts
			Lang     string
			LoginURL string
			TLS      bool
		}{catalogue(lang), lang, LoginURL, p.cfg.CA != nil})
	default:
		http.NotFound(w, r)
	}
}

// LoginURL is the link a CN player opens in WeChat, with the proxy set,
// to start a capture.
const LoginURL = "http://" + HostCNAuth + authorizePath

// lang picks the page language from the browser, else the configured one.
func (p *Proxy) lang(r *http.Request) string {
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag := strings.ToLower(strings.TrimSpace(part))
		switch {
		case strings.HasPrefix(tag, "zh"):
			return "zh"
		case strings.HasPrefix(tag, "en"):
			return "en"
		}
	}
	if strings.HasPrefix(p.cfg.Lang, "en") {
		return "en"
	}
	return "zh"
}
