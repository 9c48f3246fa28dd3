package api_test

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
)

// A validator of the JSON Schema subset openapi.json uses: type (object,
// array, string, integer, number, boolean), nullable, properties,
// required, items, enum, format date-time, allOf and $ref to
// #/components/schemas/…. An object may hold only the properties its
// schema names, unless additionalProperties is true: a field the server
// sends and the document does not describe fails, so the document cannot
// fall behind the answers.
//
// It reads nullable as OpenAPI 3.0.3 does: null is allowed only by a
// schema that says nullable itself. Beside a $ref every other keyword is
// ignored (a "nullable": true there allows nothing, so a client generated
// from the document would refuse the null the server sends); a nullable
// reference is written {"nullable": true, "allOf": [{"$ref": …}]}.

type schema struct {
	Ref                  string             `json:"$ref"`
	Type                 string             `json:"type"`
	Format               string             `json:"format"`
	Nullable             bool               `json:"nullable"`
	Properties           map[string]*schema `json:"properties"`
	Required             []string           `json:"required"`
	Items                *schema            `json:"items"`
	AllOf                []*schema          `json:"allOf"`
	Enum                 []any              `json:"enum"`
	AdditionalProperties *bool              `json:"additionalProperties"`
}

type response struct {
	Ref     string `json:"$ref"`
	Content map[string]struct {
		Schema *schema `json:"schema"`
	} `json:"content"`
}

type operation struct {
	Responses map[string]response `json:"responses"`
}

type document struct {
	OpenAPI string                          `json:"openapi"`
	Servers []struct{ URL string }          `json:"servers"`
	Paths   map[string]map[string]operation `json:"paths"`
	Comps   struct {
		Schemas   map[string]*schema  `json:"schemas"`
		Responses map[string]response `json:"responses"`
	} `json:"components"`
}

func parseDocument(b []byte) (*document, error) {
	var d document
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, err
	}
	if !strings.HasPrefix(d.OpenAPI, "3.") || len(d.Servers) != 1 {
		return nil, fmt.Errorf("openapi %q with %d servers: want OpenAPI 3 with one server", d.OpenAPI, len(d.Servers))
	}
	return &d, nil
}

// responseSchema is the schema of the JSON answer of path's GET with
// status; an error when the document does not describe it.
func (d *document) responseSchema(path string, status int) (*schema, error) {
	op, ok := d.Paths[path]["get"]
	if !ok {
		return nil, fmt.Errorf("%s: no GET in the document", path)
	}
	resp, ok := op.Responses[fmt.Sprint(status)]
	if !ok {
		return nil, fmt.Errorf("GET %s: status %d is not documented", path, status)
	}
	if resp.Ref != "" {
		resp, ok = d.Comps.Responses[strings.TrimPrefix(resp.Ref, "#/components/responses/")]
		if !ok {
			return nil, fmt.Errorf("GET %s %d: dangling %s", path, status, resp.Ref)
		}
	}
	c, ok := resp.Content["application/json"]
	if !ok || c.Schema == nil {
		return nil, fmt.Errorf("GET %s %d: no application/json schema", path, status)
	}
	return c.Schema, nil
}

// validate returns every way v breaks s, each with its JSON path.
func (d *document) validate(s *schema, v any, at string) []string {
	if s.Ref != "" {
		// Keywords beside a $ref are ignored (OpenAPI 3.0.3).
		name := strings.TrimPrefix(s.Ref, "#/components/schemas/")
		ref, ok := d.Comps.Schemas[name]
		if !ok {
			return []string{at + ": dangling " + s.Ref}
		}
		return d.validate(ref, v, at)
	}
	if v == nil {
		if s.Nullable {
			return nil
		}
		return []string{at + ": null, but the schema is not nullable"}
	}
	var errs []string
	for _, part := range s.AllOf {
		errs = append(errs, d.validate(part, v, at)...)
	}
	bad := func(format string, args ...any) { errs = append(errs, at+": "+fmt.Sprintf(format, args...)) }
	if len(s.Enum) > 0 && !slices.Contains(s.Enum, v) {
		bad("%v is none of %v", v, s.Enum)
	}
	switch s.Type {
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			bad("%T, want an object", v)
			break
		}
		for _, k := range s.Required {
			if _, ok := m[k]; !ok {
				bad("lacks required %q", k)
			}
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			ps, ok := s.Properties[k]
			if !ok {
				if s.AdditionalProperties == nil || !*s.AdditionalProperties {
					bad("property %q is not in the document", k)
				}
				continue
			}
			errs = append(errs, d.validate(ps, m[k], at+"."+k)...)
		}
	case "array":
		a, ok := v.([]any)
		if !ok {
			bad("%T, want an array", v)
			break
		}
		for i, x := range a {
			errs = append(errs, d.validate(s.Items, x, fmt.Sprintf("%s[%d]", at, i))...)
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			bad("%T, want a string", v)
			break
		}
		if s.Format == "date-time" {
			if _, err := parseTime(str); err != nil {
				bad("%q is no RFC 3339 time", str)
			}
		}
	case "integer":
		f, ok := v.(float64)
		if !ok || f != math.Trunc(f) {
			bad("%v, want an integer", v)
		}
	case "number":
		if _, ok := v.(float64); !ok {
			bad("%T, want a number", v)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			bad("%T, want a boolean", v)
		}
	case "":
	default:
		bad("unknown schema type %q", s.Type)
	}
	return errs
}

// refSiblings lists the places in a JSON document where a $ref has other
// keywords beside it, which OpenAPI 3.0.3 ignores.
func refSiblings(v any, at string) []string {
	var out []string
	switch x := v.(type) {
	case map[string]any:
		if _, ok := x["$ref"]; ok && len(x) > 1 {
			out = append(out, at)
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			out = append(out, refSiblings(x[k], at+"/"+k)...)
		}
	case []any:
		for i, e := range x {
			out = append(out, refSiblings(e, fmt.Sprintf("%s/%d", at, i))...)
		}
	}
	return out
}
