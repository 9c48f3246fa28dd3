package capture

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httputil"
	"net/url"
	"strings"
	"time"

	"github.com/maiprobe/maiprobe/internal/dxnet"
	"github.com/maiprobe/maiprobe/internal/dxsite"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

// serveSite serves a request to one of the site's hosts: r.URL is
// absolute (plain HTTP through the proxy, or https inside an intercepted
// tunnel).
func (p *Proxy) serveSite(w http.ResponseWriter, r *http.Request) {
	host := hostOnly(r.URL.Host)
	switch {
	case strings.HasPrefix(r.URL.Path, ownPrefix):
		p.serveOwn(w, r)
	case host == HostCNAuth && r.URL.Path == authorizePath:
		p.authorize(w, r)
	case host == HostCNAuth && r.URL.Path == callbackPath && r.URL.Query().Get("code") != "":
		p.callback(w, r)
	case r.URL.Scheme == "https" && siteRegions[host] != "" && p.busy(w, r, host):
		// A capture of this site runs: the browser's requests would rotate
		// the session's _t under the fetcher, so they wait for it.
	case r.URL.Scheme == "https" && isHome(r) && siteRegions[host] != "":
		p.home(w, r, host)
	default:
		p.log.Info("capture: site request", "method", r.Method, "host", host, "path", r.URL.Path)
		p.forwardSite(w, r, nil)
	}
}

// isHome reports a logged-in browser's visit to the DX NET home page.
func isHome(r *http.Request) bool {
	path := strings.TrimSuffix(r.URL.Path, "/")
	return r.Method == http.MethodGet && path == "/maimai-mobile/home" && r.Header.Get("Cookie") != ""
}

// busy answers a page request inside an intercepted tunnel with the saving
// page while a capture of the site's region runs, and reports whether it
// did.
func (p *Proxy) busy(w http.ResponseWriter, r *http.Request, host string) bool {
	if !strings.HasPrefix(r.URL.Path, "/maimai-mobile/") || strings.HasPrefix(r.URL.Path, "/maimai-mobile/img/") {
		return false
	}
	j := p.running(siteRegions[host])
	if j == nil {
		return false
	}
	p.renderJob(w, r, j, http.StatusOK)
	return true
}

// forwardSite passes a request on to the site (through Hosts), changing the
// response with modify when given.
func (p *Proxy) forwardSite(w http.ResponseWriter, r *http.Request, modify func(*http.Response) error) {
	rp := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.Out.URL = cloneURL(pr.In.URL)
			pr.Out.Host = ""
			dropForwarding(pr.Out.Header)
		},
		Transport:      mapTransport{p},
		ModifyResponse: modify,
		ErrorLog:       nilLogger,
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			if re, ok := refused(err); ok {
				p.refuse(w, r, re)
				return
			}
			p.log.Warn("capture: the site did not answer", "host", hostOnly(r.URL.Host), "err", err.Error())
			w.WriteHeader(http.StatusBadGateway)
		},
	}
	rp.ServeHTTP(w, r)
}

// authorize passes the WeChat login's start to the site over HTTPS and
// rewrites the OAuth redirect it answers with, so that WeChat sends the
// browser back to the callback over plain HTTP, through this proxy.
func (p *Proxy) authorize(w http.ResponseWriter, r *http.Request) {
	p.log.Info("capture: WeChat login started", "host", HostCNAuth)
	r.URL.Scheme = "https"
	p.forwardSite(w, r, func(resp *http.Response) error {
		loc := resp.Header.Get("Location")
		if loc == "" {
			return nil
		}
		if rewritten, ok := rewriteRedirectURI(loc); ok {
			resp.Header.Set("Location", rewritten)
		} else {
			p.log.Warn("capture: the login's redirect has no redirect_uri to the callback; the site may have changed")
		}
		return nil
	})
}

// rewriteRedirectURI changes the redirect_uri parameter of WeChat's OAuth
// URL from https to http when it points at the callback. The rest of the
// URL is kept byte for byte: WeChat checks the parameters' order.
func rewriteRedirectURI(loc string) (string, bool) {
	head, frag, hasFrag := strings.Cut(loc, "#")
	base, query, ok := strings.Cut(head, "?")
	if !ok {
		return loc, false
	}
	parts := strings.Split(query, "&")
	done := false
	for i, part := range parts {
		v, ok := strings.CutPrefix(part, "redirect_uri=")
		if !ok {
			continue
		}
		raw, err := url.QueryUnescape(v)
		if err != nil {
			return loc, false
		}
		u, err := url.Parse(raw)
		if err != nil || u.Scheme != "https" || hostOnly(u.Host) != HostCNAuth || !strings.HasPrefix(u.Path, callbackPath) {
			return loc, false
		}
		u.Scheme = "http"
		parts[i] = "redirect_uri=" + url.QueryEscape(u.String())
		done = true
	}
	if !done {
		return loc, false
	}
	out := base + "?" + strings.Join(parts, "&")
	if hasFrag {
		out += "#" + frag
	}
	return out, true
}

// callback is the WeChat login coming back over plain HTTP: the proxy
// replays it to the site itself, as WeChat, to get the session, and shows
// the browser the saving page.
func (p *Proxy) callback(w http.ResponseWriter, r *http.Request) {
	cb := cloneURL(r.URL)
	cb.Scheme, cb.Host = "https", HostCNAuth
	key := "wechat:" + r.URL.Query().Get("code")
	if j := p.byKey(key); j != nil {
		// A reload of the callback: its code is spent, show the capture it
		// started.
		p.renderJob(w, r, j, http.StatusOK)
		return
	}
	p.log.Info("capture: WeChat login callback", "host", HostCNAuth)
	j := p.start(maimai.CN, key, func(ctx context.Context) (Session, error) {
		return p.replay(ctx, cb)
	})
	p.renderJob(w, r, j, http.StatusOK)
}

// replay requests the callback with WeChat's User-Agent, following the
// site's redirects with a fresh cookie jar, and returns the cookies the
// site left.
func (p *Proxy) replay(ctx context.Context, cb *url.URL) (Session, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Transport: mapTransport{p}, Jar: jar, Timeout: time.Minute}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, cb.String(), nil)
	if err != nil {
		return Session{}, err
	}
	req.Header.Set("User-Agent", dxsite.WeChatUA)
	req.Header.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
	req.Header.Set("Accept-Language", "zh-CN,zh;q=0.9")
	resp, err := c.Do(req)
	if err != nil {
		return Session{}, fmt.Errorf("capture: replay the login callback: %w", err)
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 8<<20))
	resp.Body.Close()
	base := &url.URL{Scheme: "https", Host: HostCN, Path: "/maimai-mobile/"}
	cookies := jar.Cookies(base)
	if len(cookies) == 0 {
		return Session{}, fmt.Errorf("capture: %w (the login link may have expired or been used already; open it again)", ErrNoSession)
	}
	return Session{Region: maimai.CN, Base: base, Site: p.mapped(base), Cookies: cookies, UserAgent: dxsite.WeChatUA}, nil
}

// home handles a logged-in visit to the home page inside an intercepted
// tunnel: the visit goes to the site, and when the site answers with the
// player's home page, its session is taken and the browser gets the saving
// page instead. Anything else (a login or error page) is passed back.
func (p *Proxy) home(w http.ResponseWriter, r *http.Request, host string) {
	out := r.Clone(r.Context())
	out.RequestURI = ""
	out.Header.Del("Accept-Encoding") // read the page as text
	dropClientHeaders(out.Header)
	resp, err := mapTransport{p}.RoundTrip(out)
	if err != nil {
		p.log.Warn("capture: the site did not answer", "host", host, "err", err.Error())
		w.WriteHeader(http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		w.WriteHeader(http.StatusBadGateway)
		return
	}
	page, perr := dxnet.Parse(body)
	if resp.StatusCode != http.StatusOK || perr != nil || page.Head().Kind != dxnet.KindHome {
		p.log.Info("capture: home visit without a logged-in home page; passed on", "host", host, "status", resp.StatusCode)
		for _, h := range hopHeaders {
			resp.Header.Del(h)
		}
		for k, vs := range resp.Header {
			w.Header()[k] = vs
		}
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		w.WriteHeader(resp.StatusCode)
		w.Write(body)
		return
	}
	base := &url.URL{Scheme: "https", Host: host, Path: "/maimai-mobile/"}
	s := Session{Region: siteRegions[host], Base: base, Site: p.mapped(base), Cookies: mergeCookies(r.Cookies(), resp.Cookies()), UserAgent: r.UserAgent()}
	p.log.Info("capture: session taken from the home page", "host", host)
	j := p.start(s.Region, "", func(context.Context) (Session, error) { return s, nil })
	// The site may have rotated the session's cookies; the browser keeps the
	// new ones so it stays logged in.
	for _, c := range resp.Cookies() {
		http.SetCookie(w, c)
	}
	p.renderJob(w, r, j, http.StatusOK)
}

// mergeCookies is the request's cookies updated by the response's
// Set-Cookie, as the browser would hold them next.
func mergeCookies(sent, set []*http.Cookie) []*http.Cookie {
	byName := map[string]int{}
	var out []*http.Cookie
	for _, c := range sent {
		byName[c.Name] = len(out)
		out = append(out, &http.Cookie{Name: c.Name, Value: c.Value})
	}
	for _, c := range set {
		expired := c.MaxAge < 0 || (!c.Expires.IsZero() && c.Expires.Before(time.Now()))
		i, seen := byName[c.Name]
		switch {
		case seen && expired:
			out[i] = nil
		case seen:
			out[i] = &http.Cookie{Name: c.Name, Value: c.Value}
		case !expired:
			byName[c.Name] = len(out)
			out = append(out, &http.Cookie{Name: c.Name, Value: c.Value})
		}
	}
	kept := out[:0]
	for _, c := range out {
		if c != nil {
			kept = append(kept, c)
		}
	}
	return kept
}
