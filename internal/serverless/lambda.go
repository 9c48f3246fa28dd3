package serverless

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

// ServeLambda serves Lambda events until the runtime stops the process:
// aws-lambda-go's runtime loop over AWS_LAMBDA_RUNTIME_API (or, with
// _LAMBDA_SERVER_PORT, the RPC of the retired go1.x runtime).
func (a *Adapter) ServeLambda(ctx context.Context) {
	lambda.StartWithOptions(a.Lambda, lambda.WithContext(ctx))
}

// shape is what tells one Lambda event from another.
type shape struct {
	Version        string `json:"version"`
	Source         string `json:"source"`
	DetailType     string `json:"detail-type"`
	HTTPMethod     string `json:"httpMethod"`
	RequestContext struct {
		HTTP *struct {
			Method string `json:"method"`
		} `json:"http"`
	} `json:"requestContext"`
}

// Lambda answers one Lambda event: an API Gateway REST API (payload 1.0)
// or HTTP API (2.0) request, a function URL request (2.0 too), or an
// EventBridge/CloudWatch schedule, which runs the fetches due now.
func (a *Adapter) Lambda(ctx context.Context, raw json.RawMessage) (any, error) {
	var s shape
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("serverless: the event is not a JSON object: %w", err)
	}
	switch {
	case s.Source == "aws.events" || s.DetailType == "Scheduled Event":
		n, err := a.RunDue(ctx)
		if err != nil {
			return nil, err
		}
		return map[string]int{"fetches": n}, nil
	case s.Version == "2.0" || s.RequestContext.HTTP != nil:
		var ev events.APIGatewayV2HTTPRequest
		if err := json.Unmarshal(raw, &ev); err != nil {
			return nil, fmt.Errorf("serverless: HTTP API event: %w", err)
		}
		return a.lambdaV2(ctx, ev)
	case s.HTTPMethod != "":
		var ev events.APIGatewayProxyRequest
		if err := json.Unmarshal(raw, &ev); err != nil {
			return nil, fmt.Errorf("serverless: REST API event: %w", err)
		}
		return a.lambdaV1(ctx, ev)
	}
	return nil, fmt.Errorf("serverless: an event maiprobe does not serve (want an API Gateway, function URL or scheduled event)")
}

// lambdaV2 serves an HTTP API or function URL request. The path has the
// stage in it already (none for $default and function URLs); cookies come
// and go in their own arrays.
func (a *Adapter) lambdaV2(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	app, base, err := a.app(ctx, stageBase(ev.RequestContext.Stage))
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	h := http.Header{}
	for k, v := range ev.Headers {
		h.Set(k, v)
	}
	if len(ev.Cookies) > 0 {
		h.Set("Cookie", strings.Join(ev.Cookies, "; "))
	}
	if h.Get("Host") == "" {
		h.Set("Host", ev.RequestContext.DomainName)
	}
	r, err := request{
		method:   ev.RequestContext.HTTP.Method,
		path:     withBase(base, ev.RawPath),
		rawQuery: ev.RawQueryString,
		header:   h,
		body:     ev.Body,
		base64:   ev.IsBase64Encoded,
		sourceIP: ev.RequestContext.HTTP.SourceIP,
		https:    gatewayHTTPS(h),
	}.httpRequest(ctx)
	if err != nil {
		return events.APIGatewayV2HTTPResponse{StatusCode: http.StatusBadRequest}, nil
	}
	w := serve(app, r)
	body, b64 := w.encodedBody()
	return events.APIGatewayV2HTTPResponse{
		StatusCode:      w.status,
		Headers:         w.singleHeaders(),
		Cookies:         w.header.Values("Set-Cookie"),
		Body:            body,
		IsBase64Encoded: b64,
	}, nil
}

// lambdaV1 serves a REST API request. Its path is without the stage;
// headers and query parameters come with all their values, and the
// answer's headers (every Set-Cookie among them) go back the same way.
func (a *Adapter) lambdaV1(ctx context.Context, ev events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	app, base, err := a.app(ctx, stageBase(ev.RequestContext.Stage))
	if err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	h := http.Header{}
	for k, vs := range ev.MultiValueHeaders {
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	for k, v := range ev.Headers {
		if len(h.Values(k)) == 0 {
			h.Set(k, v)
		}
	}
	if h.Get("Host") == "" {
		h.Set("Host", ev.RequestContext.DomainName)
	}
	q := url.Values{}
	for k, vs := range ev.MultiValueQueryStringParameters {
		q[k] = vs
	}
	for k, v := range ev.QueryStringParameters {
		if _, ok := q[k]; !ok {
			q.Set(k, v)
		}
	}
	r, err := request{
		method:   ev.HTTPMethod,
		path:     withBase(base, ev.Path),
		rawQuery: q.Encode(),
		header:   h,
		body:     ev.Body,
		base64:   ev.IsBase64Encoded,
		sourceIP: ev.RequestContext.Identity.SourceIP,
		https:    gatewayHTTPS(h),
	}.httpRequest(ctx)
	if err != nil {
		return events.APIGatewayProxyResponse{StatusCode: http.StatusBadRequest}, nil
	}
	w := serve(app, r)
	body, b64 := w.encodedBody()
	return events.APIGatewayProxyResponse{
		StatusCode:        w.status,
		MultiValueHeaders: w.multiHeaders(),
		Body:              body,
		IsBase64Encoded:   b64,
	}, nil
}

// gatewayHTTPS says whether the browser reached the gateway over HTTPS.
// The gateway sets X-Forwarded-Proto itself (AWS endpoints are HTTPS only,
// so it is https unless a header says otherwise).
func gatewayHTTPS(h http.Header) bool {
	p := strings.ToLower(strings.TrimSpace(firstOf(h.Get("X-Forwarded-Proto"))))
	return p == "" || p == "https"
}

func firstOf(v string) string {
	v, _, _ = strings.Cut(v, ",")
	return v
}
