package api

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
)

// OpenAPI is the API's OpenAPI 3 document, as in the repository: its
// server is "/api/v1", for a server without a base path.
//
//go:embed openapi.json
var OpenAPI []byte

// documentFor is OpenAPI with its server URL under basePath ("" or
// "/something"), so that a client generated from the served document
// calls the server where it lives (behind a proxy's path prefix).
func documentFor(basePath string) ([]byte, error) {
	if basePath == "" {
		return OpenAPI, nil
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(OpenAPI, &doc); err != nil {
		return nil, fmt.Errorf("api: openapi.json: %w", err)
	}
	servers, err := json.Marshal([]map[string]string{{"url": basePath + Prefix}})
	if err != nil {
		return nil, err
	}
	doc["servers"] = servers
	return json.MarshalIndent(doc, "", " ")
}

func (a *API) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(a.doc)
}
