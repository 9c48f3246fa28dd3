package capture

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Remote sends pages to a maiprobe server's import API instead of a local
// archive (docs/proxy.md describes the request).
type Remote struct {
	// Base is the server's root URL, e.g. https://maiprobe.example/release.
	Base string
	// Token is the server's import token, sent as a bearer token.
	Token string
	// Player is the player to import for; empty means the token's own.
	Player string
	// Client is the HTTP client; nil means one with a one-minute timeout.
	Client *http.Client
}

// RemoteResult is the server's answer for one page, the same fields as
// `maiprobe import` reports.
type RemoteResult struct {
	Name   string `json:"name"`
	Kind   string `json:"kind,omitempty"`
	Region string `json:"region,omitempty"`
	Status string `json:"status"` // added, unchanged or rejected
	Error  string `json:"error,omitempty"`
}

// ErrRemote is wrapped by errors the server answered with.
var ErrRemote = errors.New("the maiprobe server refused the page")

// Import posts one page. A page the server rejected is a RemoteResult with
// Status "rejected", not an error; errors are for pages that did not get
// there (network, token, server failure).
func (rm *Remote) Import(ctx context.Context, name string, page []byte, observed time.Time) (RemoteResult, error) {
	u, err := url.Parse(strings.TrimSuffix(rm.Base, "/") + "/api/import")
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return RemoteResult{}, fmt.Errorf("capture: remote %q: want http(s)://host[/path]", rm.Base)
	}
	q := url.Values{}
	q.Set("name", name)
	if !observed.IsZero() {
		q.Set("observed_at", observed.UTC().Format(time.RFC3339))
	}
	if rm.Player != "" {
		q.Set("player", rm.Player)
	}
	u.RawQuery = q.Encode()
	c := rm.Client
	if c == nil {
		c = &http.Client{Timeout: time.Minute}
	}
	var resp *http.Response
	var body []byte
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(page))
		if err != nil {
			return RemoteResult{}, err
		}
		req.Header.Set("Authorization", "Bearer "+rm.Token)
		req.Header.Set("Content-Type", "text/html; charset=utf-8")
		req.Header.Set("Accept", "application/json")
		resp, err = c.Do(req)
		if err != nil {
			return RemoteResult{}, fmt.Errorf("capture: remote import %s: %w", name, err)
		}
		body, _ = io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		if resp.StatusCode != http.StatusTooManyRequests || attempt >= maxRemoteRetries {
			break
		}
		// The server paces each token (a burst, then one page a second).
		if err := sleep(ctx, retryAfter(resp.Header.Get("Retry-After"))); err != nil {
			return RemoteResult{}, err
		}
	}
	var res RemoteResult
	jsonErr := json.Unmarshal(body, &res)
	switch {
	case resp.StatusCode == http.StatusOK && jsonErr == nil && res.Status != "":
		return res, nil
	case resp.StatusCode == http.StatusUnprocessableEntity && jsonErr == nil:
		res.Status = "rejected"
		return res, nil
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return RemoteResult{}, fmt.Errorf("capture: remote import: %w: the token is wrong or may not import for this player (HTTP %d)", ErrRemote, resp.StatusCode)
	default:
		msg := res.Error
		if msg == "" {
			msg = strings.TrimSpace(string(body[:min(len(body), 200)]))
		}
		return RemoteResult{}, fmt.Errorf("capture: remote import %s: %w: HTTP %d %s", name, ErrRemote, resp.StatusCode, msg)
	}
}

// maxRemoteRetries is how often a page the server asked to wait for (429)
// is sent again.
const maxRemoteRetries = 8

// retryAfter reads a Retry-After in seconds: at least a second, at most a
// minute.
func retryAfter(v string) time.Duration {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 1 {
		return time.Second
	}
	return time.Duration(min(n, 60)) * time.Second
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
