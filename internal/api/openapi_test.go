package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/maiprobe/maiprobe/internal/api"
)

// TestOpenAPI requests every endpoint of a real server over a real
// archive, as owner, as a read token, as nobody on a public player, and
// into each documented error, and checks every answer against the schema
// openapi.json gives for its path and status. It fails for a route the
// document lacks, a documented path no route serves, and a documented
// path no request here answered with 200.
func TestOpenAPI(t *testing.T) {
	w := newWorld(t, api.Limits{})
	served := w.get("/api/v1/openapi.json", "")
	if served.status != 200 || string(served.body) != string(api.OpenAPI) {
		t.Fatalf("openapi.json: %d, %d bytes; want the embedded %d", served.status, len(served.body), len(api.OpenAPI))
	}
	doc, err := parseDocument(api.OpenAPI)
	if err != nil {
		t.Fatal(err)
	}
	prefix := doc.Servers[0].URL

	// The routes and the document name the same paths.
	routes := map[string]bool{}
	for _, r := range api.Routes() {
		method, path, _ := strings.Cut(r, " ")
		if method != "GET" || !strings.HasPrefix(path, prefix) {
			t.Errorf("route %q: want GET under %s", r, prefix)
			continue
		}
		routes[strings.TrimPrefix(path, prefix)] = true
	}
	for p := range routes {
		if _, ok := doc.Paths[p]; !ok {
			t.Errorf("route %s%s is not in openapi.json", prefix, p)
		}
	}
	for p := range doc.Paths {
		if !routes[p] {
			t.Errorf("openapi.json documents %s, which no route serves", p)
		}
	}

	// A play and a chart of alice's to ask about.
	list := w.get("/api/v1/players/alice/plays?per_page=5", "aliceRead")
	plays, _ := list.field("plays").([]any)
	if list.status != 200 || len(plays) == 0 {
		t.Fatalf("alice's plays: %d %.300s", list.status, list.body)
	}
	first := plays[0].(map[string]any)
	playID := fmt.Sprint(first["id"])
	chartQ := url.Values{"title": {first["title"].(string)}, "type": {first["type"].(string)}, "diff": {first["difficulty"].(string)}}.Encode()
	// A year of alice's plays, for the year in review.
	years, _ := w.get("/api/v1/players/alice/years", "aliceRead").field("years").([]any)
	if len(years) == 0 {
		t.Fatal("alice has no years with plays")
	}
	year := fmt.Sprint(years[len(years)-1])

	ok200 := map[string]bool{}
	for _, tc := range []struct {
		path, cred string
		status     int
		code       string
	}{
		{"/api/v1/players", "", 200, ""},
		{"/api/v1/players", "cookie:alice", 200, ""},
		{"/api/v1/players", "aliceRead", 200, ""},
		{"/api/v1/players/alice", "aliceRead", 200, ""},
		{"/api/v1/players/carol", "", 200, ""},
		{"/api/v1/players/alice/b50", "aliceRead", 200, ""},
		{"/api/v1/players/alice/b50?at=2025-06-01", "cookie:alice", 200, ""},
		{"/api/v1/players/carol/b50", "", 200, ""},
		{"/api/v1/players/alice/rating-history", "aliceBoth", 200, ""},
		{"/api/v1/players/alice/bests?per_page=20", "aliceRead", 200, ""},
		{"/api/v1/players/bob/bests?diff=master&lv_min=12", "", 200, ""},
		{"/api/v1/players/alice/plays?diff=master&page=2&per_page=10", "aliceRead", 200, ""},
		{"/api/v1/players/carol/plays", "", 200, ""},
		{"/api/v1/players/alice/plays/" + playID, "aliceRead", 200, ""},
		{"/api/v1/players/alice/chart?" + chartQ, "aliceRead", 200, ""},
		{"/api/v1/players/alice/plates", "aliceRead", 200, ""},
		{"/api/v1/players/alice/plates?at=2025-01-01", "aliceRead", 200, ""},
		{"/api/v1/players/alice/targets?limit=10", "aliceRead", 200, ""},
		{"/api/v1/players/alice/constants", "aliceRead", 200, ""},
		{"/api/v1/players/alice/constants", "bobRead", 403, "forbidden"},
		{"/api/v1/players/alice/analysis", "aliceRead", 200, ""},
		{"/api/v1/players/carol/analysis?limit=5", "", 200, ""},
		{"/api/v1/players/alice/analysis?limit=0", "aliceRead", 400, "bad_request"},
		{"/api/v1/players/alice/line?" + chartQ + "&target=sss", "aliceRead", 200, ""},
		{"/api/v1/players/alice/line?" + chartQ, "cookie:alice", 200, ""},
		{"/api/v1/players/alice/line?" + chartQ + "&target=sss%2B%2B", "aliceRead", 400, "bad_request"},
		{"/api/v1/players/alice/line?title=x", "aliceRead", 400, "bad_request"},
		{"/api/v1/players/alice/line?title=No%20such%20song&type=dx&diff=master", "aliceRead", 404, "not_found"},
		{"/api/v1/players/alice/rival?with=bob", "cookie:alice", 200, ""},
		{"/api/v1/players/bob/rival?with=carol&per_page=5", "", 200, ""},
		{"/api/v1/players/alice/milestones", "aliceRead", 200, ""},
		{"/api/v1/players/alice/milestones?kind=rank&page=2&per_page=5", "cookie:alice", 200, ""},
		{"/api/v1/players/bob/milestones?kind=band", "", 200, ""},
		{"/api/v1/players/alice/visits/" + playID, "aliceRead", 200, ""},
		{"/api/v1/players/alice/visits/" + playID + "?gap=24", "aliceBoth", 200, ""},
		{"/api/v1/players/carol/visits/1", "", 404, "not_found"},
		{"/api/v1/players/alice/years", "aliceRead", 200, ""},
		{"/api/v1/players/alice/years/" + year, "aliceRead", 200, ""},
		{"/api/v1/players/alice/attempts?" + chartQ, "aliceRead", 200, ""},
		{"/api/v1/players/alice/stale?per_page=10", "aliceRead", 200, ""},
		{"/api/v1/players/bob/stale", "", 200, ""},
		{"/api/v1/players/alice/milestones?kind=nope", "aliceRead", 400, "bad_request"},
		{"/api/v1/players/alice/visits/x", "aliceRead", 400, "bad_request"},
		{"/api/v1/players/alice/visits/" + playID + "?gap=0", "aliceRead", 400, "bad_request"},
		{"/api/v1/players/alice/years/abc", "aliceRead", 400, "bad_request"},
		{"/api/v1/players/alice/attempts?title=x", "aliceRead", 400, "bad_request"},
		{"/api/v1/players/alice/stale?page=0", "aliceRead", 400, "bad_request"},
		{"/api/v1/players/alice/milestones", "", 401, "unauthorized"},
		{"/api/v1/players/alice/visits/" + playID, "bobRead", 403, "forbidden"},
		{"/api/v1/players/alice/years", "cookie:bob", 403, "forbidden"},
		{"/api/v1/players/alice/stale", "aliceImport", 403, "insufficient_scope"},
		{"/api/v1/players/alice/visits/999999999", "aliceRead", 404, "not_found"},
		{"/api/v1/players/alice/years/2001", "aliceRead", 404, "not_found"},
		{"/api/v1/players/alice/attempts?title=No%20such%20song&type=dx&diff=master", "aliceRead", 404, "not_found"},

		{"/api/v1/players/alice/b50?at=yesterday", "aliceRead", 400, "bad_request"},
		{"/api/v1/players/alice/b50?at=2010-01-01", "aliceRead", 400, "bad_request"},
		{"/api/v1/players/alice/plays?per_page=1000", "aliceRead", 400, "bad_request"},
		{"/api/v1/players/alice/plays/abc", "aliceRead", 400, "bad_request"},
		{"/api/v1/players/alice/chart?title=x", "aliceRead", 400, "bad_request"},
		{"/api/v1/players/alice/targets?limit=0", "aliceRead", 400, "bad_request"},
		{"/api/v1/players/alice/rival", "aliceRead", 400, "bad_request"},
		{"/api/v1/players/alice", "", 401, "unauthorized"},
		{"/api/v1/players/alice/b50", "revoked", 401, "unauthorized"},
		{"/api/v1/players", "raw:Basic YWxpY2U6eA==", 401, "unauthorized"},
		{"/api/v1/players/alice/b50", "bobRead", 403, "forbidden"},
		{"/api/v1/players/alice/plays", "cookie:bob", 403, "forbidden"},
		{"/api/v1/players/alice/b50", "aliceImport", 403, "insufficient_scope"},
		{"/api/v1/players/bob/rival?with=alice", "bobRead", 404, "not_found"},
		{"/api/v1/players/bob/rival?with=alice", "", 404, "not_found"},
		{"/api/v1/players/bob/rival?with=alice", "cookie:bob", 404, "not_found"},
		{"/api/v1/players/bob/rival?with=alice", "cookie:alice", 200, ""},
		{"/api/v1/players/empty/rating-history", "cookie:alice", 404, "not_found"},
		{"/api/v1/players/empty/constants", "cookie:alice", 404, "not_found"},
		{"/api/v1/players/empty/b50", "cookie:alice", 404, "not_found"},
		{"/api/v1/players/alice/plays?diff=Master", "aliceRead", 400, "bad_request"},
		{"/api/v1/players/alice/plays?from=2025-13-01", "aliceRead", 400, "bad_request"},
		{"/api/v1/players/alice/plays?type=deluxe", "aliceRead", 400, "bad_request"},
		{"/api/v1/players/alice/plays?lv_min=15%2B", "aliceRead", 400, "bad_request"},
		{"/api/v1/players/alice/plays?diff=&from=", "aliceRead", 200, ""},
		{"/api/v1/players/alice/bests?cmin=abc", "aliceRead", 400, "bad_request"},
		{"/api/v1/players/alice/bests?fc=FC", "aliceRead", 400, "bad_request"},
		{"/api/v1/players/bob/rival?with=carol&version=x", "", 400, "bad_request"},
		{"/api/v1/players/nobody", "", 404, "not_found"},
		{"/api/v1/players/alice/plays/999999999", "aliceRead", 404, "not_found"},
		{"/api/v1/players/alice/chart?title=No%20such%20song&type=dx&diff=master", "aliceRead", 404, "not_found"},
		{"/api/v1/players/alice/rival?with=nobody", "aliceRead", 404, "not_found"},
	} {
		ans := w.get(tc.path, tc.cred)
		if ans.status != tc.status || ans.errorCode() != tc.code {
			t.Errorf("GET %s as %q: %d %q, want %d %q: %.300s", tc.path, tc.cred, ans.status, ans.errorCode(), tc.status, tc.code, ans.body)
			continue
		}
		docPath := matchPath(doc, strings.TrimPrefix(strings.SplitN(tc.path, "?", 2)[0], prefix))
		if docPath == "" {
			t.Errorf("GET %s: no documented path matches", tc.path)
			continue
		}
		s, err := doc.responseSchema(docPath, ans.status)
		if err != nil {
			t.Error(err)
			continue
		}
		for _, e := range doc.validate(s, ans.json, "$") {
			t.Errorf("GET %s (%d): %s", tc.path, ans.status, e)
		}
		if ans.status == 200 {
			ok200[docPath] = true
		}
	}
	for p := range doc.Paths {
		if !ok200[p] && p != "/openapi.json" {
			t.Errorf("no request here answered %s with 200: the test does not cover it", p)
		}
	}
	// Every error code the package has is in the document's Error schema.
	codes := doc.Comps.Schemas["Error"].Properties["error"].Properties["code"].Enum
	for _, c := range api.Codes {
		if !slices.Contains(codes, any(c)) {
			t.Errorf("error code %q is not in the document", c)
		}
	}
}

// matchPath finds the documented path a request path falls under
// ({name} matches one segment).
func matchPath(doc *document, path string) string {
	for p := range doc.Paths {
		re := "^" + regexp.MustCompile(`\\\{[^/]+\\\}`).ReplaceAllString(regexp.QuoteMeta(p), `[^/]+`) + "$"
		if regexp.MustCompile(re).MatchString(path) {
			return p
		}
	}
	return ""
}

// TestValidatorCatches: the validator the document test leans on fails
// what it must (a validator that passes everything would make that test
// unable to fail).
func TestValidatorCatches(t *testing.T) {
	doc, err := parseDocument(api.OpenAPI)
	if err != nil {
		t.Fatal(err)
	}
	s, err := doc.responseSchema("/players/{player}/b50", 401)
	if err != nil {
		t.Fatal(err)
	}
	good := map[string]any{"error": map[string]any{"code": "unauthorized", "message": "m"}}
	if errs := doc.validate(s, good, "$"); len(errs) != 0 {
		t.Fatalf("a good error fails: %v", errs)
	}
	for name, bad := range map[string]any{
		"unknown code":    map[string]any{"error": map[string]any{"code": "nope", "message": "m"}},
		"missing message": map[string]any{"error": map[string]any{"code": "unauthorized"}},
		"extra field":     map[string]any{"error": map[string]any{"code": "unauthorized", "message": "m"}, "x": 1.0},
		"wrong type":      map[string]any{"error": "unauthorized"},
		"null":            nil,
	} {
		if errs := doc.validate(s, bad, "$"); len(errs) == 0 {
			t.Errorf("%s passes", name)
		}
	}
	ps, _ := doc.responseSchema("/players/{player}/plays", 200)
	if errs := doc.validate(ps, map[string]any{"total": 1.5, "page": 1.0, "per_page": 1.0, "plays": []any{}}, "$"); len(errs) == 0 {
		t.Error("a fractional integer passes")
	}
	if errs := doc.validate(ps, map[string]any{"total": 1.0, "page": 1.0, "per_page": 1.0, "plays": []any{map[string]any{"id": 1.0}}}, "$"); len(errs) == 0 {
		t.Error("a play lacking its fields passes")
	}
	// Null as OpenAPI 3.0.3 reads it: "nullable" beside a $ref is
	// ignored, so null fails there; nullable with allOf allows it.
	doc.Comps.Schemas["T"] = &schema{Type: "object"}
	beside := &schema{Ref: "#/components/schemas/T", Nullable: true}
	if errs := doc.validate(beside, nil, "$"); len(errs) == 0 {
		t.Error("null passes a $ref with nullable beside it")
	}
	wrapped := &schema{Nullable: true, AllOf: []*schema{{Ref: "#/components/schemas/T"}}}
	if errs := doc.validate(wrapped, nil, "$"); len(errs) != 0 {
		t.Errorf("null fails a nullable allOf: %v", errs)
	}
	if errs := doc.validate(wrapped, "x", "$"); len(errs) == 0 {
		t.Error("a string passes a nullable allOf of an object")
	}
	if errs := doc.validate(&schema{}, nil, "$"); len(errs) == 0 {
		t.Error("null passes a schema that does not say nullable")
	}
	var raw any
	json.Unmarshal([]byte(`{"a": {"$ref": "#/x", "nullable": true}, "b": [{"$ref": "#/y"}]}`), &raw)
	if got := refSiblings(raw, "#"); len(got) != 1 || got[0] != "#/a" {
		t.Errorf("refSiblings: %v, want [#/a]", got)
	}
}

// TestOpenAPIRefsStandAlone: no $ref of the document has keywords beside
// it, which OpenAPI 3.0.3 ignores (a "nullable" there would mislead every
// generated client).
func TestOpenAPIRefsStandAlone(t *testing.T) {
	var raw any
	if err := json.Unmarshal(api.OpenAPI, &raw); err != nil {
		t.Fatal(err)
	}
	for _, at := range refSiblings(raw, "#") {
		t.Errorf("%s: a $ref with keywords beside it: write {\"nullable\": true, \"allOf\": [{\"$ref\": …}]}", at)
	}
}

// TestMethodNotAllowedDocumented: a write to any path is 405 with Allow,
// in the shape the document's MethodNotAllowed response gives.
func TestMethodNotAllowedDocumented(t *testing.T) {
	w := newWorld(t, api.Limits{})
	doc, err := parseDocument(api.OpenAPI)
	if err != nil {
		t.Fatal(err)
	}
	resp, ok := doc.Comps.Responses["MethodNotAllowed"]
	if !ok || resp.Content["application/json"].Schema == nil {
		t.Fatal("the document has no MethodNotAllowed response")
	}
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
		req, _ := http.NewRequest(m, w.srv.URL+"/api/v1/players/bob/b50", nil)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body any
		json.NewDecoder(res.Body).Decode(&body)
		res.Body.Close()
		if res.StatusCode != 405 || res.Header.Get("Allow") == "" {
			t.Errorf("%s: %d Allow %q", m, res.StatusCode, res.Header.Get("Allow"))
		}
		for _, e := range doc.validate(resp.Content["application/json"].Schema, body, "$") {
			t.Errorf("%s: %s", m, e)
		}
	}
}
