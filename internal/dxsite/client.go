// Package dxsite talks to the maimai DX NET website itself: a Session keeps
// the login cookies as the site rotates them, paces and retries requests
// and recognises the site's error, login, bot-check and maintenance
// answers; Fetch saves a player's pages through archive.Import.
package dxsite

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/maiprobe/maiprobe/internal/dxnet"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

// Sites are the real sites' base URLs, by region.
var Sites = map[maimai.Region]string{
	maimai.CN:   "https://maimai.wahlap.com/maimai-mobile/",
	maimai.Intl: "https://maimaidx-eng.com/maimai-mobile/",
	maimai.JP:   "https://maimaidx.jp/maimai-mobile/",
}

// LoginURLs are the SEGA ID login pages of the intl and JP sites (CN logs
// in through WeChat only, so it takes cookies).
var LoginURLs = map[maimai.Region]string{
	maimai.Intl: "https://lng-tgk-aime-gw.am-all.net/common_auth/login?site_id=maimaidxex&redirect_url=https://maimaidx-eng.com/maimai-mobile/&back_url=https://maimai.sega.com/",
	maimai.JP:   "https://maimaidx.jp/maimai-mobile/",
}

// WeChatUA is the User-Agent sent to the CN site, which serves only the
// WeChat in-app browser.
const WeChatUA = "Mozilla/5.0 (Linux; Android 13; M2012K11AC Build/TKQ1.220829.002; wv) AppleWebKit/537.36 (KHTML, like Gecko) " +
	"Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160083 MMWEBSDK/20231202 MicroMessenger/8.0.47.2560(0x28002F35) " +
	"WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64"

// MobileUA is the User-Agent sent to the intl and JP sites.
const MobileUA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"

// StatusRateLimited is the status the CN site answers with when asked too
// often.
const StatusRateLimited = 567

// Errors a request can stop with; test with errors.Is.
var (
	// ErrSessionExpired: the cookies are no longer valid (error code
	// 100001 or 200002, or a redirect to logout/ or the login page).
	ErrSessionExpired = errors.New("session expired, log in again")
	// ErrMaintenance: the site is in its maintenance hours.
	ErrMaintenance = errors.New("the site is under maintenance, try again after it")
	// ErrChallenge: the CDN answered with its JavaScript bot check, which
	// happens when the __tst_status and EO_Bot_Ssid cookies are missing.
	ErrChallenge = errors.New("the site answered with its bot check page: copy all cookies of the site from the browser, including __tst_status and EO_Bot_Ssid")
	// ErrRateLimited: the site kept refusing with status 567 or 5xx after
	// every retry.
	ErrRateLimited = errors.New("the site keeps refusing requests (rate limit or server error); try again later")
	// ErrNotPage: the answer is not a maimai DX NET page.
	ErrNotPage = errors.New("the site answered with something that is not a maimai DX NET page")
	// ErrLogin: a SEGA ID login was refused.
	ErrLogin = errors.New("login failed: check the SEGA ID and password")
)

// SiteError is an error page of the site other than an expired session.
type SiteError struct {
	Code    int
	Message string
}

func (e *SiteError) Error() string {
	return fmt.Sprintf("the site answered with error %d: %s", e.Code, e.Message)
}

// Config is how a Session talks to the site.
type Config struct {
	Region maimai.Region
	// Site is the base URL (…/maimai-mobile/); empty means Sites[Region].
	Site string
	// Cookie is the site's cookies as a Cookie header ("userId=…; _t=…").
	Cookie string
	// UserAgent defaults to WeChatUA for CN, MobileUA otherwise.
	UserAgent string
	// Interval is the least time between two requests (default 1 s;
	// negative means none).
	Interval time.Duration
	// Timeout bounds one request (default 30 s).
	Timeout time.Duration
	// Retries is how often a 567, 5xx, timeout or dropped connection is
	// retried (default 4; negative means none).
	Retries int
	// Backoff is the first wait before a retry, doubled each time (default
	// 2 s, at most a minute).
	Backoff time.Duration
	// CheckHours refuses to start during the region's daily maintenance
	// hours instead of asking the site.
	CheckHours bool
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Session is a logged-in conversation with the site. Its methods are safe
// for one goroutine at a time; the site itself does not take parallel
// requests of one session (the _t cookie rotates with every answer).
type Session struct {
	cfg     Config
	base    *url.URL
	jar     *cookiejar.Jar
	hc      *http.Client
	mu      sync.Mutex
	last    time.Time
	referer string
	// Requests counts the HTTP requests made, retries included.
	Requests int
}

// Page is one page read from the site.
type Page struct {
	URL       string
	Body      []byte
	FetchedAt time.Time
	Parsed    dxnet.Page
}

// NewSession prepares a session; it makes no request.
func NewSession(cfg Config) (*Session, error) {
	if cfg.Site == "" {
		cfg.Site = Sites[cfg.Region]
	}
	if cfg.Site == "" {
		return nil, fmt.Errorf("dxsite: unknown region %q (cn, intl or jp)", cfg.Region)
	}
	if !strings.HasSuffix(cfg.Site, "/") {
		cfg.Site += "/"
	}
	base, err := url.Parse(cfg.Site)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("dxsite: site %q is not an http(s) URL", cfg.Site)
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = MobileUA
		if cfg.Region == maimai.CN {
			cfg.UserAgent = WeChatUA
		}
	}
	if cfg.Interval == 0 {
		cfg.Interval = time.Second
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.Retries == 0 {
		cfg.Retries = 4
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = 2 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	jar, _ := cookiejar.New(nil)
	s := &Session{cfg: cfg, base: base, jar: jar}
	s.hc = &http.Client{Jar: jar, Timeout: cfg.Timeout, CheckRedirect: s.checkRedirect}
	if cfg.Cookie != "" {
		cs, err := ParseCookies(cfg.Cookie)
		if err != nil {
			return nil, err
		}
		jar.SetCookies(base, cs)
	}
	return s, nil
}

// ParseCookies reads a Cookie header ("userId=…; _t=…"), as copied from a
// browser, into cookies for the whole site.
func ParseCookies(header string) ([]*http.Cookie, error) {
	header = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(header), "Cookie:"))
	cs, err := http.ParseCookie(header)
	if err != nil || len(cs) == 0 {
		return nil, fmt.Errorf("dxsite: the cookie %q is not name=value; name=value…", clip(header, 40))
	}
	for _, c := range cs {
		c.Path = "/"
	}
	return cs, nil
}

// Base is the site's base URL.
func (s *Session) Base() string { return s.base.String() }

// Region is the session's region.
func (s *Session) Region() maimai.Region { return s.cfg.Region }

// Cookie returns the session's current cookies as a Cookie header, to be
// kept for the next run (the site rotates _t with every answer).
func (s *Session) Cookie() string {
	var parts []string
	for _, c := range s.jar.Cookies(s.base) {
		parts = append(parts, c.Name+"="+c.Value)
	}
	return strings.Join(parts, "; ")
}

// errLoggedOut ends a redirect chain that leads out of the logged-in site.
var errLoggedOut = errors.New("redirected to logout")

func (s *Session) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("too many redirects")
	}
	if loginFlow(req) {
		return nil
	}
	p := strings.ToLower(req.URL.Path)
	if strings.Contains(p, "/logout") || strings.Contains(p, "common_auth") || req.URL.Host != s.base.Host {
		return errLoggedOut
	}
	return nil
}

// loginKey marks a request context of the login flow, whose redirects
// cross hosts.
type loginKey struct{}

func loginFlow(req *http.Request) bool { return req.Context().Value(loginKey{}) != nil }

// Get reads rel (relative to the site's base, like "record/") and parses
// it. Site pages that are not player data end in an error: the expired
// session (ErrSessionExpired), maintenance (ErrMaintenance), the bot check
// (ErrChallenge), another error code (*SiteError).
func (s *Session) Get(ctx context.Context, rel string) (*Page, error) {
	u, err := s.base.Parse(rel)
	if err != nil {
		return nil, fmt.Errorf("dxsite: %q: %w", rel, err)
	}
	if s.cfg.CheckHours && InMaintenance(s.cfg.Region, s.cfg.Now()) {
		return nil, fmt.Errorf("%w (daily %s)", ErrMaintenance, MaintenanceHours(s.cfg.Region))
	}
	body, final, err := s.fetch(ctx, u.String(), "text/html")
	if err != nil {
		return nil, err
	}
	pg := &Page{URL: u.String(), Body: body, FetchedAt: s.cfg.Now()}
	if err := s.classify(pg, final); err != nil {
		return nil, err
	}
	s.referer = u.String()
	return pg, nil
}

// classify parses the page and turns the site's own answers into errors.
func (s *Session) classify(pg *Page, final *url.URL) error {
	p, err := dxnet.Parse(pg.Body)
	if err != nil {
		if errors.Is(err, dxnet.ErrNotDXNet) && isChallenge(pg.Body) {
			return ErrChallenge
		}
		if errors.Is(err, dxnet.ErrNotDXNet) || errors.Is(err, dxnet.ErrUnknownPage) {
			return fmt.Errorf("%w: %s: %v", ErrNotPage, pg.URL, err)
		}
		// A page the parser cannot read is still imported (and rejected
		// there with the reason), so the raw bytes are not lost silently.
		return nil
	}
	pg.Parsed = p
	switch p := p.(type) {
	case *dxnet.ErrorPage:
		if p.Code == 100001 || p.Code == 200002 {
			return fmt.Errorf("%w (error %d)", ErrSessionExpired, p.Code)
		}
		return &SiteError{Code: p.Code, Message: p.Message}
	case *dxnet.LoginPage:
		return ErrSessionExpired
	case *dxnet.MaintenancePage:
		if p.Message != "" {
			return fmt.Errorf("%w: %s", ErrMaintenance, p.Message)
		}
		return ErrMaintenance
	}
	return nil
}

// isChallenge recognises the CDN's bot check: a script-only page that sets
// a cookie and reloads.
func isChallenge(b []byte) bool {
	l := bytes.ToLower(b)
	return bytes.Contains(l, []byte("<script")) &&
		(bytes.Contains(l, []byte("__tst_status")) || bytes.Contains(l, []byte("eo_bot")) || bytes.Contains(l, []byte("document.cookie")))
}

// GetImage reads an image under the site (an album photo).
func (s *Session) GetImage(ctx context.Context, rawURL string) ([]byte, string, error) {
	return s.GetImageMax(ctx, rawURL, dxnet.MaxPageSize)
}

// GetImageMax is GetImage reading at most max bytes: a longer answer is an
// error wrapping ErrTooLarge, read no further than max+1 bytes.
func (s *Session) GetImageMax(ctx context.Context, rawURL string, max int64) ([]byte, string, error) {
	u, err := s.base.Parse(rawURL)
	if err != nil {
		return nil, "", fmt.Errorf("dxsite: image %q: %w", rawURL, err)
	}
	var ct string
	body, _, err := s.do(ctx, func(ctx context.Context) (*http.Request, error) {
		return http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	}, "image/*", &ct, max)
	if err == nil && int64(len(body)) > max {
		return nil, "", fmt.Errorf("dxsite: image %s: %w: more than %d bytes", u.Path, ErrTooLarge, max)
	}
	return body, ct, err
}

// ErrTooLarge: an answer was larger than what was asked for may be.
var ErrTooLarge = errors.New("the answer is too large")

// StatusError is an answer with a status other than 200 that is neither a
// rate limit nor a server error (404 for an image the site does not have).
type StatusError struct {
	Path   string
	Status string
	Code   int
}

func (e *StatusError) Error() string { return fmt.Sprintf("dxsite: %s answered %s", e.Path, e.Status) }

func (s *Session) fetch(ctx context.Context, u, accept string) ([]byte, *url.URL, error) {
	var final *url.URL
	body, fu, err := s.do(ctx, func(ctx context.Context) (*http.Request, error) {
		return http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	}, accept, nil, dxnet.MaxPageSize)
	if fu != nil {
		final = fu
	}
	return body, final, err
}

// do sends a request with pacing, headers and retries. It returns the body
// of the final answer and its URL after redirects.
// At most limit+1 bytes of a body are read.
func (s *Session) do(ctx context.Context, build func(context.Context) (*http.Request, error), accept string, contentType *string, limit int64) ([]byte, *url.URL, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var lastErr error
	for attempt := 0; ; attempt++ {
		if err := s.pace(ctx); err != nil {
			return nil, nil, err
		}
		req, err := build(ctx)
		if err != nil {
			return nil, nil, err
		}
		s.headers(req, accept)
		s.Requests++
		resp, err := s.hc.Do(req)
		s.last = time.Now()
		retry := false
		switch {
		case err != nil:
			if errors.Is(err, errLoggedOut) {
				return nil, nil, ErrSessionExpired
			}
			if ctx.Err() != nil {
				return nil, nil, ctx.Err()
			}
			lastErr = describeNetErr(req.URL.String(), err)
			retry = true
		default:
			body, rerr := io.ReadAll(io.LimitReader(resp.Body, limit+1))
			resp.Body.Close()
			switch {
			case resp.StatusCode == StatusRateLimited || resp.StatusCode >= 500:
				lastErr = fmt.Errorf("%w: %s answered %d", ErrRateLimited, req.URL.Path, resp.StatusCode)
				retry = true
			case rerr != nil:
				if ctx.Err() != nil {
					return nil, nil, ctx.Err()
				}
				lastErr = describeNetErr(req.URL.String(), rerr)
				retry = true
			case resp.StatusCode != http.StatusOK:
				if isChallenge(body) {
					return nil, nil, ErrChallenge
				}
				return nil, nil, &StatusError{Path: req.URL.Path, Status: resp.Status, Code: resp.StatusCode}
			default:
				if contentType != nil {
					*contentType = resp.Header.Get("Content-Type")
				}
				return body, resp.Request.URL, nil
			}
		}
		if !retry || attempt >= max(s.cfg.Retries, 0) {
			return nil, nil, lastErr
		}
		wait := s.cfg.Backoff << attempt
		if wait > time.Minute || wait <= 0 {
			wait = time.Minute
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, nil, ctx.Err()
		case <-t.C:
		}
	}
}

// describeNetErr says what went wrong on the wire in words a player can act
// on.
func describeNetErr(u string, err error) error {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return fmt.Errorf("dxsite: %s: the site did not answer in time: %w", u, err)
	}
	return fmt.Errorf("dxsite: %s: connection failed: %w", u, err)
}

func (s *Session) pace(ctx context.Context) error {
	if s.cfg.Interval <= 0 || s.last.IsZero() {
		return nil
	}
	wait := time.Until(s.last.Add(s.cfg.Interval))
	if wait <= 0 {
		return nil
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (s *Session) headers(req *http.Request, accept string) {
	req.Header.Set("User-Agent", s.cfg.UserAgent)
	if accept == "text/html" {
		req.Header.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
	} else {
		req.Header.Set("Accept", accept)
	}
	if s.cfg.Region == maimai.CN {
		req.Header.Set("Accept-Language", "zh-CN,zh;q=0.9")
		req.Header.Set("X-Requested-With", "com.tencent.mm")
	}
	ref := s.referer
	if ref == "" {
		ref = s.base.String() + "home/"
	}
	if req.URL.Host == s.base.Host {
		req.Header.Set("Referer", ref)
	}
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
