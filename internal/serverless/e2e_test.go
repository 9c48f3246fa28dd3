package serverless_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/cli"
	"github.com/maiprobe/maiprobe/internal/dxsite/fakesite"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/storage/storagetest"
)

// TestMain makes the test binary the maiprobe binary when a test starts it
// with MAIPROBE_TEST_AS_MAIPROBE=1: the function runtime then runs the
// real command line, in a process of its own, as on the platform.
func TestMain(m *testing.M) {
	if os.Getenv("MAIPROBE_TEST_AS_MAIPROBE") == "1" {
		os.Exit(cli.Run(context.Background(), os.Args[1:], cli.Env{
			Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}))
	}
	os.Exit(m.Run())
}

// runtimeAPI is a local Lambda Runtime API: it hands the function one
// event at a time on /2018-06-01/runtime/invocation/next and takes its
// answer on …/{id}/response or …/{id}/error.
type runtimeAPI struct {
	t      *testing.T
	srv    *httptest.Server
	events chan invocation
	mu     sync.Mutex
	wait   map[string]chan result
	n      int
}

type invocation struct {
	id      string
	payload []byte
}

type result struct {
	body  []byte
	isErr bool
}

func newRuntimeAPI(t *testing.T) *runtimeAPI {
	rt := &runtimeAPI{t: t, events: make(chan invocation), wait: map[string]chan result{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", func(w http.ResponseWriter, r *http.Request) {
		select {
		case ev := <-rt.events:
			w.Header().Set("Lambda-Runtime-Aws-Request-Id", ev.id)
			w.Header().Set("Lambda-Runtime-Deadline-Ms", fmt.Sprint(time.Now().Add(time.Minute).UnixMilli()))
			w.Header().Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:ap-northeast-1:123456789012:function:maiprobe")
			w.Write(ev.payload)
		case <-r.Context().Done():
		}
	})
	answer := func(isErr bool) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			rt.mu.Lock()
			ch := rt.wait[r.PathValue("id")]
			rt.mu.Unlock()
			if ch == nil {
				http.Error(w, "unknown request id", http.StatusBadRequest)
				return
			}
			ch <- result{b, isErr}
			w.WriteHeader(http.StatusAccepted)
		}
	}
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/response", answer(false))
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/error", answer(true))
	mux.HandleFunc("POST /2018-06-01/runtime/init/error", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		t.Errorf("init error: %s", b)
	})
	rt.srv = httptest.NewServer(mux)
	t.Cleanup(rt.srv.Close)
	return rt
}

// addr is AWS_LAMBDA_RUNTIME_API: host:port.
func (rt *runtimeAPI) addr() string { return strings.TrimPrefix(rt.srv.URL, "http://") }

// invoke hands the function an event and returns its answer.
func (rt *runtimeAPI) invoke(event any) []byte {
	rt.t.Helper()
	payload, err := json.Marshal(event)
	if err != nil {
		rt.t.Fatal(err)
	}
	rt.mu.Lock()
	rt.n++
	id := fmt.Sprintf("req-%d", rt.n)
	ch := make(chan result, 1)
	rt.wait[id] = ch
	rt.mu.Unlock()
	select {
	case rt.events <- invocation{id, payload}:
	case <-time.After(30 * time.Second):
		rt.t.Fatal("the function did not ask for the next event within 30 s")
	}
	select {
	case res := <-ch:
		if res.isErr {
			rt.t.Fatalf("the function failed the event: %s", res.body)
		}
		return res.body
	case <-time.After(60 * time.Second):
		rt.t.Fatal("no answer within 60 s")
	}
	return nil
}

// archiveLocation is the archive the function runs on: PostgreSQL when
// MAIPROBE_TEST_POSTGRES is set, else MariaDB when MAIPROBE_TEST_MYSQL is.
// A function deployment has only these (the release zip's function build
// has no SQLite, docs/deploy.md#size), so without either the test skips.
func archiveLocation(t *testing.T) string {
	switch {
	case os.Getenv("MAIPROBE_TEST_POSTGRES") != "":
		return storagetest.Location(t, "postgres")
	case os.Getenv("MAIPROBE_TEST_MYSQL") != "":
		return storagetest.Location(t, "mysql")
	}
	t.Skip("a function runs on PostgreSQL or MariaDB: set MAIPROBE_TEST_POSTGRES or MAIPROBE_TEST_MYSQL (.ci/run sets both)")
	return ""
}

const testKey = "KioqKioqKioqKioqKioqKioqKioqKioqKioqKioqKio=" // 32 × 42

// prepare makes the archive: the user mai owning player mai with a stored
// site login on the fake site, due now.
func prepare(t *testing.T, db string, site *fakesite.Server) {
	ctx := context.Background()
	a, err := archive.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := a.AddUser(ctx, "mai", "password-mai", "mai", false); err != nil {
		t.Fatal(err)
	}
	key, err := archive.ParseSecretKey(testKey)
	if err != nil {
		t.Fatal(err)
	}
	if site != nil {
		if err := a.StoreSiteLogin(ctx, key, "mai", archive.SiteLogin{Region: maimai.CN, Cookie: site.Cookie()}, 6*time.Hour); err != nil {
			t.Fatal(err)
		}
	}
}

// startFunction runs maiprobe (this test binary) as a function runtime
// would, with env on top of a clean environment.
func startFunction(t *testing.T, env ...string) *exec.Cmd {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return startProgram(t, exe, env...)
}

// startProgram runs path (this test binary, or a script starting it).
func startProgram(t *testing.T, path string, env ...string) *exec.Cmd {
	cmd := exec.Command(path)
	cmd.Dir = t.TempDir()
	cmd.Env = append([]string{"MAIPROBE_TEST_AS_MAIPROBE=1", "PATH=" + os.Getenv("PATH"), "HOME=" + cmd.Dir,
		"MAIPROBE_SECRET_KEY=" + testKey}, env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("function log:\n%s", stderr.String())
		}
	})
	return cmd
}

// v1Event is a REST API (payload 1.0) event as API Gateway sends it.
func v1Event(method, path, stage string, header http.Header, body string) map[string]any {
	mv := map[string][]string{}
	single := map[string]string{}
	for k, v := range header {
		mv[k] = v
		single[k] = v[len(v)-1]
	}
	u, _ := url.Parse(path)
	q := map[string][]string{}
	for k, v := range u.Query() {
		q[k] = v
	}
	return map[string]any{
		"resource": "/{proxy+}", "path": u.Path, "httpMethod": method,
		"headers": single, "multiValueHeaders": mv,
		"queryStringParameters": nil, "multiValueQueryStringParameters": q,
		"pathParameters": map[string]string{"proxy": strings.TrimPrefix(u.Path, "/")}, "stageVariables": nil,
		"requestContext": map[string]any{
			"resourcePath": "/{proxy+}", "httpMethod": method, "path": "/" + stage + u.Path, "stage": stage,
			"accountId": "123456789012", "apiId": "abc123", "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
			"domainName": "abc123.execute-api.ap-northeast-1.amazonaws.com",
			"identity":   map[string]any{"sourceIp": "203.0.113.7", "userAgent": "Mozilla/5.0"},
		},
		"body": body, "isBase64Encoded": false,
	}
}

// v2Event is an HTTP API (payload 2.0) or function URL event; stage is
// "$default" for both unless the API has a named stage, which is then
// part of rawPath.
func v2Event(method, path, stage, domain string, header http.Header, cookies []string, body string) map[string]any {
	u, _ := url.Parse(path)
	h := map[string]string{}
	for k, v := range header {
		h[strings.ToLower(k)] = strings.Join(v, ",")
	}
	raw := u.Path
	if stage != "$default" {
		raw = "/" + stage + u.Path
	}
	ev := map[string]any{
		"version": "2.0", "routeKey": "$default", "rawPath": raw, "rawQueryString": u.RawQuery,
		"headers": h,
		"requestContext": map[string]any{
			"accountId": "123456789012", "apiId": "abc123", "domainName": domain, "domainPrefix": strings.Split(domain, ".")[0],
			"http":      map[string]any{"method": method, "path": raw, "protocol": "HTTP/1.1", "sourceIp": "203.0.113.7", "userAgent": "Mozilla/5.0"},
			"requestId": "JKJaXmPLvHcESHA=", "routeKey": "$default", "stage": stage, "time": "10/Mar/2026:00:00:00 +0000", "timeEpoch": 1773100800000,
		},
		"isBase64Encoded": false,
	}
	if body != "" {
		ev["body"] = base64.StdEncoding.EncodeToString([]byte(body))
		ev["isBase64Encoded"] = true
	}
	if len(cookies) > 0 {
		ev["cookies"] = cookies
	}
	return ev
}

// answer is an API Gateway answer of either payload version.
type answer struct {
	StatusCode        int                 `json:"statusCode"`
	Headers           map[string]string   `json:"headers"`
	MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
	Cookies           []string            `json:"cookies"`
	Body              string              `json:"body"`
	IsBase64Encoded   bool                `json:"isBase64Encoded"`
}

func (a answer) header(k string) string {
	for hk, v := range a.Headers {
		if strings.EqualFold(hk, k) {
			return v
		}
	}
	for hk, v := range a.MultiValueHeaders {
		if strings.EqualFold(hk, k) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// setCookies is every Set-Cookie of the answer: v2's cookies array, or
// v1's multiValueHeaders.
func (a answer) setCookies() []string {
	out := append([]string(nil), a.Cookies...)
	for k, v := range a.MultiValueHeaders {
		if strings.EqualFold(k, "Set-Cookie") {
			out = append(out, v...)
		}
	}
	return out
}

// text is the body, decoded and uncompressed.
func (a answer) text(t *testing.T) string {
	t.Helper()
	b := []byte(a.Body)
	if a.IsBase64Encoded {
		var err error
		if b, err = base64.StdEncoding.DecodeString(a.Body); err != nil {
			t.Fatal(err)
		}
	}
	if a.header("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if b, err = io.ReadAll(zr); err != nil {
			t.Fatal(err)
		}
	}
	return string(b)
}

func decode(t *testing.T, b []byte) answer {
	t.Helper()
	var a answer
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatalf("answer %s: %v", b, err)
	}
	return a
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// jar keeps the cookies a browser would, by name.
type jar map[string]string

func (j jar) take(setCookies []string) {
	for _, c := range setCookies {
		kv, _, _ := strings.Cut(c, ";")
		k, v, _ := strings.Cut(kv, "=")
		if strings.Contains(strings.ToLower(c), "max-age=0") || strings.Contains(strings.ToLower(c), "max-age=-1") {
			delete(j, k)
			continue
		}
		j[k] = v
	}
}

func (j jar) list() []string {
	var out []string
	for k, v := range j {
		out = append(out, k+"="+v)
	}
	return out
}

func (j jar) header() string { return strings.Join(j.list(), "; ") }

// TestLambdaEvents drives maiprobe through a local Lambda Runtime API with
// REST API, HTTP API and function URL events, and a scheduled event.
func TestLambdaEvents(t *testing.T) {
	db := archiveLocation(t)
	site := fakesite.New(t, fakesite.Options{Plays: 3})
	prepare(t, db, site)
	rt := newRuntimeAPI(t)
	startFunction(t, "AWS_LAMBDA_RUNTIME_API="+rt.addr(), "MAIPROBE_DB="+db,
		"MAIPROBE_SITE="+site.URL(), "MAIPROBE_SITE_INTERVAL=0")

	const restHost = "abc123.execute-api.ap-northeast-1.amazonaws.com"
	t.Run("REST API under its stage, with a login", func(t *testing.T) {
		j := jar{}
		h := http.Header{"Host": {restHost}, "Accept-Encoding": {"gzip"}, "X-Forwarded-Proto": {"https"}}
		res := decode(t, rt.invoke(v1Event("GET", "/login", "release", h, "")))
		page := res.text(t)
		if res.StatusCode != 200 || !strings.Contains(page, `action="/release/login"`) {
			t.Fatalf("GET /release/login: %d\n%s", res.StatusCode, page)
		}
		if !res.IsBase64Encoded || res.header("Content-Encoding") != "gzip" {
			t.Errorf("a gzip page is not base64-flagged: base64 %v, encoding %q", res.IsBase64Encoded, res.header("Content-Encoding"))
		}
		j.take(res.setCookies())
		m := csrfRE.FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no csrf field:\n%s", page)
		}
		form := url.Values{"csrf": {m[1]}, "name": {"mai"}, "password": {"password-mai"}}.Encode()
		ph := http.Header{"Host": {restHost}, "Content-Type": {"application/x-www-form-urlencoded"},
			"Origin": {"https://" + restHost}, "Sec-Fetch-Site": {"same-origin"}, "X-Forwarded-Proto": {"https"},
			"Cookie": {j.header()}}
		res = decode(t, rt.invoke(v1Event("POST", "/login", "release", ph, form)))
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("POST login: %d %v\n%s", res.StatusCode, res.MultiValueHeaders, res.text(t))
		}
		if loc := res.header("Location"); !strings.HasPrefix(loc, "/release/") && !strings.HasPrefix(loc, "https://"+restHost+"/release/") {
			t.Errorf("login redirects to %q, not under the stage", loc)
		}
		sc := res.setCookies()
		if len(sc) < 2 {
			t.Errorf("the login set %d cookies in multiValueHeaders, want the session and the CSRF cookie's removal: %v", len(sc), sc)
		}
		j.take(sc)
		if !strings.Contains(j.header(), "maiprobe_session=") {
			t.Fatalf("no session cookie: %v", sc)
		}
		h.Set("Cookie", j.header())
		res = decode(t, rt.invoke(v1Event("GET", "/p/mai/settings", "release", h, "")))
		page = res.text(t)
		if res.StatusCode != 200 || !strings.Contains(page, `href="/release/p/mai/`) {
			t.Fatalf("the owner's settings page through the session: %d\n%.2000s", res.StatusCode, page)
		}
	})

	t.Run("HTTP API with a named stage, cookies in their array", func(t *testing.T) {
		const host = "def456.execute-api.ap-northeast-1.amazonaws.com"
		j := jar{}
		h := http.Header{"Host": {host}, "Accept-Encoding": {"gzip"}, "X-Forwarded-Proto": {"https"}}
		res := decode(t, rt.invoke(v2Event("GET", "/login", "prod", host, h, nil, "")))
		page := res.text(t)
		if res.StatusCode != 200 || !strings.Contains(page, `action="/prod/login"`) || !res.IsBase64Encoded {
			t.Fatalf("GET /prod/login: %d base64 %v\n%s", res.StatusCode, res.IsBase64Encoded, page)
		}
		if len(res.Cookies) == 0 {
			t.Fatalf("no cookies array: %+v", res.Headers)
		}
		for k := range res.Headers {
			if strings.EqualFold(k, "Set-Cookie") {
				t.Errorf("Set-Cookie in headers, where one would be lost: %v", res.Headers)
			}
		}
		j.take(res.Cookies)
		m := csrfRE.FindStringSubmatch(page)
		form := url.Values{"csrf": {m[1]}, "name": {"mai"}, "password": {"password-mai"}}.Encode()
		ph := http.Header{"Host": {host}, "Content-Type": {"application/x-www-form-urlencoded"},
			"Origin": {"https://" + host}, "Sec-Fetch-Site": {"same-origin"}, "X-Forwarded-Proto": {"https"}}
		res = decode(t, rt.invoke(v2Event("POST", "/login", "prod", host, ph, j.list(), form)))
		if res.StatusCode != http.StatusSeeOther || len(res.Cookies) < 2 {
			t.Fatalf("POST login: %d cookies %v\n%s", res.StatusCode, res.Cookies, res.text(t))
		}
		j.take(res.Cookies)
		res = decode(t, rt.invoke(v2Event("GET", "/p/mai/settings", "prod", host, h, j.list(), "")))
		page = res.text(t)
		if res.StatusCode != 200 || !strings.Contains(page, `href="/prod/p/mai/`) {
			t.Fatalf("settings through the session: %d\n%.2000s", res.StatusCode, page)
		}
		// Without the cookies the same page asks for a login.
		res = decode(t, rt.invoke(v2Event("GET", "/p/mai/settings", "prod", host, h, nil, "")))
		if res.StatusCode == 200 {
			t.Errorf("the settings page answered 200 without the session")
		}
	})

	t.Run("function URL at the root", func(t *testing.T) {
		const host = "abcdefghij.lambda-url.ap-northeast-1.on.aws"
		h := http.Header{"Host": {host}, "X-Forwarded-Proto": {"https"}}
		res := decode(t, rt.invoke(v2Event("GET", "/login?next=%2Fp%2Fmai%2F", "$default", host, h, nil, "")))
		page := res.text(t)
		if res.StatusCode != 200 || !strings.Contains(page, `action="/login"`) || res.IsBase64Encoded {
			t.Fatalf("GET /login: %d base64 %v\n%s", res.StatusCode, res.IsBase64Encoded, page)
		}
		res = decode(t, rt.invoke(v2Event("GET", "/healthz", "$default", host, h, nil, "")))
		if res.StatusCode != 200 || res.text(t) != "ok\n" {
			t.Fatalf("healthz: %d %q", res.StatusCode, res.text(t))
		}
	})

	t.Run("scheduled event fetches once", func(t *testing.T) {
		sched := map[string]any{
			"version": "0", "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa", "detail-type": "Scheduled Event",
			"source": "aws.events", "account": "123456789012", "time": "2026-03-10T00:00:00Z", "region": "ap-northeast-1",
			"resources": []string{"arn:aws:events:ap-northeast-1:123456789012:rule/maiprobe-fetch"}, "detail": map[string]any{},
		}
		var got struct{ Fetches int }
		json.Unmarshal(rt.invoke(sched), &got)
		if got.Fetches != 1 {
			t.Fatalf("the first scheduled event ran %d fetches, want 1", got.Fetches)
		}
		requests := site.Requests("")
		json.Unmarshal(rt.invoke(sched), &got)
		if got.Fetches != 0 || site.Requests("") != requests {
			t.Errorf("the second scheduled event ran %d fetches (%d site requests), want none: the next is hours away", got.Fetches, site.Requests("")-requests)
		}
		a, err := archive.Open(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		n, err := a.CountPlays(context.Background(), "mai")
		if err != nil || n != 3 {
			t.Errorf("the archive has %d plays (%v), want the fake site's 3", n, err)
		}
	})
}

// freePort is a loopback port nobody listens on (for servers the test
// starts as other processes).
func freePort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}
