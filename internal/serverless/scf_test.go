package serverless_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/rpc"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/dxsite/fakesite"
	"github.com/maiprobe/maiprobe/internal/serverless"
)

// dialRetry connects to a server a process is still starting.
func dialRetry(t *testing.T, addr string) *rpc.Client {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := rpc.Dial("tcp", addr)
		if err == nil {
			return c
		}
		if time.Now().After(deadline) {
			t.Fatalf("dial %s: %v", addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestSCFEventFunction calls maiprobe as SCF's Go1 runtime does (net/rpc
// Function.Invoke on _LAMBDA_SERVER_PORT, the environment in the call)
// with an API Gateway trigger's request and a timer trigger's tick.
func TestSCFEventFunction(t *testing.T) {
	db := archiveLocation(t)
	site := fakesite.New(t, fakesite.Options{Plays: 2})
	prepare(t, db, site)
	port := freePort(t)
	startFunction(t, serverless.SCFPortEnv+"="+port, "MAIPROBE_SCF_RPC_HOST=127.0.0.1")
	c := dialRetry(t, "127.0.0.1:"+port)
	defer c.Close()
	env, _ := json.Marshal(map[string]string{"MAIPROBE_DB": db, "MAIPROBE_SITE": site.URL(), "MAIPROBE_SITE_INTERVAL": "0"})
	call := func(event string) []byte {
		t.Helper()
		var out serverless.SCFInvokeResponse
		req := serverless.SCFInvokeRequest{Payload: []byte(event), RequestId: "r1", Environment: string(env),
			Deadline: serverless.SCFTimestamp{Seconds: time.Now().Add(time.Minute).Unix()}, Namespace: "default", FunctionName: "maiprobe"}
		if err := c.Call("Function.Invoke", &req, &out); err != nil {
			t.Fatal(err)
		}
		if out.Error != nil {
			t.Fatalf("the function failed: %+v", out.Error)
		}
		return out.Payload
	}
	var ping serverless.SCFPing
	if err := c.Call("Function.Ping", &serverless.SCFPing{}, &ping); err != nil {
		t.Fatal(err)
	}
	// Recorded shape of SCF's API Gateway event (scf-go-lib events/apigw_test.go).
	gw := `{"headerParameters": {}, "headers": {"accept": "text/html", "accept-encoding": "gzip", "host": "service-abc-123456.gz.apigw.tencentcs.com", "x-api-scheme": "https", "x-anonymous-consumer": "true", "x-qualifier": "$LATEST"}, "httpMethod": "GET", "path": "/login", "pathParameters": {}, "queryString": {"next": "/p/mai/", "i": true}, "queryStringParameters": {}, "requestContext": {"httpMethod": "ANY", "identity": {}, "path": "/", "serviceId": "service-abc", "sourceIp": "203.0.113.8", "stage": "release"}, "isBase64Encoded": false, "body": ""}`
	res := decode(t, call(gw))
	page := res.text(t)
	if res.StatusCode != 200 || !strings.Contains(page, `action="/release/login"`) || !res.IsBase64Encoded {
		t.Fatalf("API Gateway event: %d base64 %v\n%.1500s", res.StatusCode, res.IsBase64Encoded, page)
	}
	if len(res.setCookies()) == 0 {
		t.Errorf("no Set-Cookie in multiValueHeaders: %+v", res.Headers)
	}
	timer := `{"Type": "Timer", "TriggerName": "fetch", "Time": "2026-03-10T00:00:00Z", "Message": ""}`
	var got struct{ Fetches int }
	json.Unmarshal(call(timer), &got)
	if got.Fetches != 1 {
		t.Fatalf("the timer ran %d fetches, want 1", got.Fetches)
	}
	json.Unmarshal(call(timer), &got)
	if got.Fetches != 0 {
		t.Errorf("the second tick ran %d fetches, want 0", got.Fetches)
	}
	a, err := archive.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if n, _ := a.CountPlays(context.Background(), "mai"); n != 2 {
		t.Errorf("%d plays after the timer, want the fake site's 2", n)
	}
}

// TestSCFWebFunction runs deploy/scf/scf_bootstrap beside a binary named
// bootstrap, as an SCF web function does, and asks the server it starts
// (on MAIPROBE_SCF_LISTEN instead of 0.0.0.0:9000, which may be taken).
func TestSCFWebFunction(t *testing.T) {
	db := archiveLocation(t)
	prepare(t, db, nil)
	dir := t.TempDir()
	exe, _ := os.Executable()
	b, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bootstrap"), b, 0o755); err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile("../../deploy/scf/scf_bootstrap")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "scf_bootstrap"), script, 0o755); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(script), "0.0.0.0:9000") {
		t.Errorf("scf_bootstrap does not listen on 0.0.0.0:9000 by default")
	}
	addr := "127.0.0.1:" + freePort(t)
	startProgram(t, filepath.Join(dir, "scf_bootstrap"), "MAIPROBE_DB="+db, "MAIPROBE_SCF_LISTEN="+addr, "TENCENTCLOUD_RUNENV=SCF")
	deadline := time.Now().Add(20 * time.Second)
	for {
		res, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != 200 || string(body) != "ok\n" {
				t.Fatalf("healthz: %d %q", res.StatusCode, body)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the web function does not answer on %s: %v", addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
