package serverless

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/rpc"
	"net/url"
	"os"
	"strings"
	"time"
)

// SCF event functions (the Go1 runtime) call the binary the way
// github.com/tencentyun/scf-go-lib/cloudfunction expects: net/rpc (gob)
// on the TCP port in _LAMBDA_SERVER_PORT, methods Function.Ping and
// Function.Invoke. That library is not on the Go module proxy, so the
// few types of its wire format are repeated here, field for field.

// SCFPortEnv names the port an SCF event function serves its RPC on.
const SCFPortEnv = "_LAMBDA_SERVER_PORT"

// SCFInvokeRequest is scf-go-lib's messages.InvokeRequest.
type SCFInvokeRequest struct {
	Payload               []byte
	RequestId             string //nolint:revive // the wire name
	TraceId               string //nolint:revive
	Deadline              SCFTimestamp
	InvokedFunctionUnique string
	ClientContext         []byte
	Namespace             string
	FunctionName          string
	FunctionVersion       string
	MemoryLimitInMb       int32
	TimeLimitInMs         int32
	// Environment is the function's environment variables as a JSON
	// object; the runtime sends them with each call.
	Environment        string
	TencentcloudRegion string
	TencentcloudAppID  string
	TencentcloudUin    string
	FunctionTrace      string
}

// SCFTimestamp is scf-go-lib's messages.InvokeRequest_Timestamp.
type SCFTimestamp struct {
	Seconds int64
	Nanos   int64
}

// SCFInvokeResponse is scf-go-lib's messages.InvokeResponse.
type SCFInvokeResponse struct {
	Payload []byte
	Error   *SCFInvokeError
}

// SCFInvokeError is scf-go-lib's messages.InvokeResponse_Error.
type SCFInvokeError struct {
	Message    string
	Type       string
	StackTrace []*SCFStackFrame
	ShouldExit bool
}

// SCFStackFrame is scf-go-lib's messages.InvokeResponse_Error_StackFrame.
type SCFStackFrame struct {
	Path  string `json:"path"`
	Line  int32  `json:"line"`
	Label string `json:"label"`
}

// SCFPing is scf-go-lib's messages.PingRequest and PingResponse.
type SCFPing struct{}

// Function is the RPC service of an SCF event function. Its name is the
// service name the runtime calls ("Function.Invoke").
type Function struct {
	a *Adapter
}

// Ping answers the runtime's health check.
func (f *Function) Ping(_ *SCFPing, out *SCFPing) error {
	*out = SCFPing{}
	return nil
}

// Invoke answers one event. As scf-go-lib does, the environment the call
// carries is put into the process's before the event is served.
func (f *Function) Invoke(req *SCFInvokeRequest, out *SCFInvokeResponse) (err error) {
	defer func() {
		if p := recover(); p != nil {
			*out = SCFInvokeResponse{Error: &SCFInvokeError{Message: fmt.Sprint(p), Type: "panic", ShouldExit: true}}
		}
	}()
	ctx := context.Background()
	if req.Deadline.Seconds > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, time.Unix(req.Deadline.Seconds, req.Deadline.Nanos))
		defer cancel()
	}
	if req.Environment != "" {
		var env map[string]string
		if err := json.Unmarshal([]byte(req.Environment), &env); err != nil {
			*out = SCFInvokeResponse{Error: &SCFInvokeError{Message: "serverless: the call's environment: " + err.Error(), Type: "Environment"}}
			return nil
		}
		for k, v := range env {
			os.Setenv(k, v)
		}
	}
	res, err := f.a.SCF(ctx, req.Payload)
	if err == nil {
		var b []byte
		if b, err = json.Marshal(res); err == nil {
			*out = SCFInvokeResponse{Payload: b}
			return nil
		}
	}
	*out = SCFInvokeResponse{Error: &SCFInvokeError{Message: err.Error(), Type: "Error"}}
	return nil
}

// ServeSCF serves SCF's RPC on port (from _LAMBDA_SERVER_PORT) until ctx
// ends. It listens on every interface, as scf-go-lib does: the runtime
// is the only one that can reach the function's network.
func (a *Adapter) ServeSCF(ctx context.Context, host, port string) error {
	ln, err := net.Listen("tcp", net.JoinHostPort(host, port))
	if err != nil {
		return err
	}
	srv := rpc.NewServer()
	if err := srv.Register(&Function{a: a}); err != nil {
		ln.Close()
		return err
	}
	go func() { <-ctx.Done(); ln.Close() }()
	for {
		conn, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		go srv.ServeConn(conn)
	}
}

// SCFGatewayRequest is the event of SCF's API Gateway trigger.
type SCFGatewayRequest struct {
	Headers         map[string]string `json:"headers"`
	HTTPMethod      string            `json:"httpMethod"`
	Path            string            `json:"path"`
	QueryString     scfQuery          `json:"queryString"`
	Body            string            `json:"body"`
	IsBase64Encoded bool              `json:"isBase64Encoded"`
	RequestContext  struct {
		ServiceID string `json:"serviceId"`
		RequestID string `json:"requestId"`
		Path      string `json:"path"`
		SourceIP  string `json:"sourceIp"`
		Stage     string `json:"stage"`
	} `json:"requestContext"`
}

// SCFGatewayResponse is the answer API Gateway's integration response
// reads. SCF's headers are one value each; multiValueHeaders carries
// every Set-Cookie besides.
type SCFGatewayResponse struct {
	IsBase64Encoded   bool                `json:"isBase64Encoded"`
	StatusCode        int                 `json:"statusCode"`
	Headers           map[string]string   `json:"headers"`
	MultiValueHeaders map[string][]string `json:"multiValueHeaders,omitempty"`
	Body              string              `json:"body"`
}

// scfQuery is the gateway's query string: each value a string, a list of
// strings, or true for a key without a value.
type scfQuery url.Values

func (q *scfQuery) UnmarshalJSON(b []byte) error {
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	out := scfQuery{}
	for k, v := range m {
		switch v := v.(type) {
		case bool:
			out[k] = []string{""}
		case string:
			out[k] = []string{v}
		case []any:
			for _, e := range v {
				s, ok := e.(string)
				if !ok {
					return fmt.Errorf("serverless: query value %v of %q is no string", e, k)
				}
				out[k] = append(out[k], s)
			}
		default:
			return fmt.Errorf("serverless: query value %v of %q is no string", v, k)
		}
	}
	*q = out
	return nil
}

// scfShape tells SCF's events apart.
type scfShape struct {
	Type       string `json:"Type"`
	HTTPMethod string `json:"httpMethod"`
}

// SCF answers one SCF event: an API Gateway trigger's request, or a timer
// trigger's tick, which runs the fetches due now.
func (a *Adapter) SCF(ctx context.Context, payload []byte) (any, error) {
	var s scfShape
	if err := json.Unmarshal(payload, &s); err != nil {
		return nil, fmt.Errorf("serverless: the event is not a JSON object: %w", err)
	}
	switch {
	case s.Type == "Timer":
		n, err := a.RunDue(ctx)
		if err != nil {
			return nil, err
		}
		return map[string]int{"fetches": n}, nil
	case s.HTTPMethod != "":
		var ev SCFGatewayRequest
		if err := json.Unmarshal(payload, &ev); err != nil {
			return nil, fmt.Errorf("serverless: API Gateway event: %w", err)
		}
		return a.scfGateway(ctx, ev)
	}
	return nil, errors.New("serverless: an event maiprobe does not serve (want an API Gateway or timer trigger)")
}

// scfGateway serves an API Gateway trigger's request. Its path is without
// the stage (release, test, prepub), which becomes the base path.
func (a *Adapter) scfGateway(ctx context.Context, ev SCFGatewayRequest) (SCFGatewayResponse, error) {
	app, base, err := a.app(ctx, stageBase(ev.RequestContext.Stage))
	if err != nil {
		return SCFGatewayResponse{}, err
	}
	h := http.Header{}
	for k, v := range ev.Headers {
		h.Set(k, v)
	}
	// The gateway says which scheme the browser used in X-Api-Scheme.
	scheme := strings.ToLower(firstOf(h.Get("X-Api-Scheme")))
	if scheme == "" {
		scheme = strings.ToLower(firstOf(h.Get("X-Forwarded-Proto")))
	}
	r, err := request{
		method:   ev.HTTPMethod,
		path:     withBase(base, ev.Path),
		rawQuery: url.Values(ev.QueryString).Encode(),
		header:   h,
		body:     ev.Body,
		base64:   ev.IsBase64Encoded,
		sourceIP: ev.RequestContext.SourceIP,
		https:    strings.TrimSpace(scheme) == "https",
	}.httpRequest(ctx)
	if err != nil {
		return SCFGatewayResponse{StatusCode: http.StatusBadRequest, Headers: map[string]string{}}, nil
	}
	w := serve(app, r)
	body, b64 := w.encodedBody()
	res := SCFGatewayResponse{StatusCode: w.status, Headers: w.singleHeaders(), Body: body, IsBase64Encoded: b64}
	if c := w.header.Values("Set-Cookie"); len(c) > 0 {
		res.Headers["Set-Cookie"] = c[0]
		res.MultiValueHeaders = map[string][]string{"Set-Cookie": c}
	}
	return res, nil
}
