// Package probersync pushes a player's archive to the other probers CN
// players keep their scores in: bests to diving-fish (水鱼,
// POST /api/maimaidxprober/player/update_records with the player's
// Import-Token) and plays, each with its play_time, to Lxns (落雪, the
// personal API POST /api/v0/user/maimai/player/scores with the player's
// X-User-Token). Only what the service has not accepted yet is sent, in
// bounded batches; what a service accepted is recorded in the archive
// batch by batch, so an interrupted sync resumes where it stopped.
package probersync

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Service names a prober a sync pushes to.
type Service string

// The services.
const (
	DivingFish Service = "diving-fish"
	Lxns       Service = "lxns"
)

// Services lists every service, in the order pages show them.
var Services = []Service{DivingFish, Lxns}

// ParseService reads a service's name as the command line takes it.
func ParseService(s string) (Service, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "diving-fish", "divingfish", "df", "水鱼":
		return DivingFish, nil
	case "lxns", "落雪":
		return Lxns, nil
	}
	return "", fmt.Errorf("probersync: unknown service %q: want diving-fish or lxns", s)
}

// DefaultBaseURL is the public address of each service.
func (s Service) DefaultBaseURL() string {
	if s == Lxns {
		return "https://maimai.lxns.net"
	}
	return "https://www.diving-fish.com"
}

// EnvBaseURL is the environment variable that replaces the service's
// address (tests, a mirror): the operator's setting, never a player's.
func (s Service) EnvBaseURL() string {
	if s == Lxns {
		return "MAIPROBE_LXNS_URL"
	}
	return "MAIPROBE_DIVINGFISH_URL"
}

// endpoint is the path a sync posts to, and the header the token goes in.
func (s Service) endpoint() (path, header string) {
	if s == Lxns {
		return "/api/v0/user/maimai/player/scores", "X-User-Token"
	}
	return "/api/maimaidxprober/player/update_records", "Import-Token"
}

// ErrTokenRefused: the service does not accept the token (wrong, revoked,
// or replaced by a newer one). Only a new token helps; the scheduled sync
// stops until the owner stores one.
var ErrTokenRefused = errors.New("the service refused the token: make a new one on the service's site and store it again")

// Limits of one request.
const (
	// requestTimeout caps one batch's request: diving-fish recomputes the
	// player's rating after every update.
	requestTimeout = 2 * time.Minute
	// maxResponse caps what is read of an answer: both services answer a
	// few dozen bytes; anything bigger is not theirs.
	maxResponse = 1 << 20
	// maxRecordsResponse caps diving-fish's /player/records: every chart
	// of the game played is about 3 MB; a file reader takes no more
	// (interchange.MaxFileSize).
	maxRecordsResponse = 32 << 20
	// maxToken caps a token's length (diving-fish's are 128 characters,
	// Lxns's 44).
	maxToken = 512
)

// CheckBaseURL says what is wrong with a service address, or nil: an
// http or https URL with a host, no user, query or fragment.
func CheckBaseURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("probersync: base URL %q: want http(s)://host[:port][/path] without user, query or fragment", raw)
	}
	return nil
}

// CheckToken says what is wrong with a token, or nil. It never repeats the
// token: errors may be logged.
func CheckToken(token string) error {
	if token == "" {
		return errors.New("probersync: the token is empty")
	}
	if len(token) > maxToken {
		return fmt.Errorf("probersync: the token is longer than %d characters: is it the right file?", maxToken)
	}
	for _, r := range token {
		// A header value: printable ASCII only, so a token cannot add a
		// header or a line of its own.
		if r <= ' ' || r > '~' {
			return errors.New("probersync: the token holds spaces, line breaks or non-ASCII characters: copy it again")
		}
	}
	return nil
}

// client posts batches to one service for one token.
type client struct {
	service Service
	base    string
	token   string
	http    *http.Client
}

// newClient checks the token and the address (opt.BaseURL, else the
// service's own) and makes the client a sync or a pull talks through:
// opt.HTTP, else one that follows no redirect.
func newClient(service Service, token string, opt Options) (*client, error) {
	if err := CheckToken(token); err != nil {
		return nil, err
	}
	base := opt.BaseURL
	if base == "" {
		base = service.DefaultBaseURL()
	}
	if err := CheckBaseURL(base); err != nil {
		return nil, err
	}
	hc := opt.HTTP
	if hc == nil {
		hc = newHTTPClient()
	}
	return &client{service: service, base: base, token: token, http: hc}, nil
}

// newHTTPClient is the client a sync uses unless it is given one: it does
// not follow redirects, as a redirect would carry the token header to
// wherever it points.
func newHTTPClient() *http.Client {
	return &http.Client{
		Timeout: requestTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// post sends one batch (body, JSON) and reads the service's answer.
func (c *client) post(ctx context.Context, body []byte) error {
	path, _ := c.service.endpoint()
	status, ans, err := c.do(ctx, http.MethodPost, path, body, maxResponse)
	if err != nil {
		return err
	}
	if c.service == Lxns {
		return lxnsAnswer(status, ans)
	}
	return divingFishAnswer(status, ans)
}

// divingFishRecordsPath is where diving-fish gives the token's player
// every record they hold (the doc's 3.1.5; the Import-Token is accepted).
const divingFishRecordsPath = "/api/maimaidxprober/player/records"

// records reads diving-fish's /player/records for the token's player:
// the raw body, checked to be the documented object with a records list.
func (c *client) records(ctx context.Context) ([]byte, error) {
	status, ans, err := c.do(ctx, http.MethodGet, divingFishRecordsPath, nil, maxRecordsResponse)
	if err != nil {
		return nil, err
	}
	var a struct {
		Status  string           `json:"status"`
		Message string           `json:"message"`
		Records *json.RawMessage `json:"records"`
	}
	jsonErr := json.Unmarshal(ans, &a)
	switch {
	case status == http.StatusOK && jsonErr == nil && a.Records != nil:
		return ans, nil
	case status == http.StatusBadRequest && strings.Contains(strings.ToLower(a.Message), "token"),
		status == http.StatusUnauthorized, status == http.StatusForbidden:
		return nil, fmt.Errorf("probersync: diving-fish: %w (it said %q)", ErrTokenRefused, clip(a.Message))
	case jsonErr != nil:
		return nil, fmt.Errorf("probersync: diving-fish answered /player/records with %d and no JSON (%q): is the base URL diving-fish's?", status, clip(string(ans)))
	case status == http.StatusOK:
		return nil, errors.New("probersync: diving-fish's /player/records answer has no records list: is the base URL diving-fish's?")
	}
	return nil, fmt.Errorf("probersync: diving-fish refused to give the player's records: %d %q; nothing was sent", status, clip(a.Message))
}

// do sends one request with the token in the service's header and reads
// at most limit bytes of the answer.
func (c *client) do(ctx context.Context, method, path string, body []byte, limit int64) (int, []byte, error) {
	_, header := c.service.endpoint()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(c.base, "/")+path, rd)
	if err != nil {
		return 0, nil, fmt.Errorf("probersync: %s: %w", c.service, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("User-Agent", "maiprobe (+https://github.com/maiprobe/maiprobe)")
	req.Header.Set(header, c.token)
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("probersync: %s: %w", c.service, redactURL(err))
	}
	defer resp.Body.Close()
	ans, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return 0, nil, fmt.Errorf("probersync: %s: reading the answer: %w", c.service, err)
	}
	if int64(len(ans)) > limit {
		return 0, nil, fmt.Errorf("probersync: %s answered with more than %d bytes: is the base URL the service's?", c.service, limit)
	}
	return resp.StatusCode, ans, nil
}

// redactURL keeps a transport error's message but not its URL's query
// (there is none today; the habit keeps tokens out of logs if one is ever
// added).
func redactURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}

// divingFishAnswer reads update_records' answer: 200 {"message": "更新成功",
// …}; a wrong Import-Token is 400 {"status": "error", "message":
// "导入token有误"} (the doc's 2.2).
func divingFishAnswer(status int, body []byte) error {
	var a struct {
		Status  string `json:"status"`
		Message string `json:"message"`
	}
	jsonErr := json.Unmarshal(body, &a)
	switch {
	case status == http.StatusOK && jsonErr == nil:
		return nil
	case status == http.StatusBadRequest && strings.Contains(strings.ToLower(a.Message), "token"),
		status == http.StatusUnauthorized, status == http.StatusForbidden:
		return fmt.Errorf("probersync: diving-fish: %w (it said %q)", ErrTokenRefused, clip(a.Message))
	case jsonErr != nil:
		return fmt.Errorf("probersync: diving-fish answered %d with no JSON (%q): is the base URL diving-fish's?", status, clip(string(body)))
	}
	return refusedBatch(DivingFish, status, a.Message)
}

// lxnsAnswer reads the Lxns envelope {success, code, message, data}; the
// personal API answers 401 (or 403) for a token it does not know.
func lxnsAnswer(status int, body []byte) error {
	var a struct {
		Success bool   `json:"success"`
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	jsonErr := json.Unmarshal(body, &a)
	switch {
	case status == http.StatusOK && jsonErr == nil && a.Success:
		return nil
	case status == http.StatusUnauthorized, status == http.StatusForbidden, a.Code == http.StatusUnauthorized, a.Code == http.StatusForbidden:
		return fmt.Errorf("probersync: lxns: %w (it said %q)", ErrTokenRefused, clip(a.Message))
	case jsonErr != nil:
		return fmt.Errorf("probersync: lxns answered %d with no JSON (%q): is the base URL Lxns's?", status, clip(string(body)))
	}
	return refusedBatch(Lxns, status, a.Message)
}

// refusedBatch is a batch the service refused for no reason the client
// knows: the reader can only check the address and the token, so the
// error says which is likelier. It has no package prefix: it is shown
// as it is on the command line and the sync page.
func refusedBatch(s Service, status int, message string) error {
	said := ""
	if m := clip(message); m != "" {
		said = fmt.Sprintf(" (it said %q)", m)
	}
	if status == http.StatusNotFound {
		return fmt.Errorf("%s answered 404 Not Found to the batch%s: check the address (--base-url or %s; the real one is %s) and that the account of the token has a maimai DX player there",
			s, said, s.EnvBaseURL(), s.DefaultBaseURL())
	}
	return fmt.Errorf("%s refused the batch with HTTP %d%s: check the token (make a new one on %s's site) and the address (--base-url or %s; the real one is %s)",
		s, status, said, s, s.EnvBaseURL(), s.DefaultBaseURL())
}

// clip shortens a service's message for an error.
func clip(s string) string {
	s = strings.ToValidUTF8(s, "?")
	if r := []rune(s); len(r) > 200 {
		return string(r[:200]) + "…"
	}
	return s
}
