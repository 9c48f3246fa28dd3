package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/maiprobe/maiprobe/internal/api"
	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/web"
)

// TestOpenAPIServedUnderBasePath: behind --base-path the served document
// names its server under the prefix, so a client generated from it calls
// the server where it lives; the rest of the document is unchanged.
func TestOpenAPIServedUnderBasePath(t *testing.T) {
	w := newWorld(t, api.Limits{})
	s, err := web.New(context.Background(), web.Config{BasePath: "/release"}, w.a)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	var repo map[string]any
	if err := json.Unmarshal(api.OpenAPI, &repo); err != nil {
		t.Fatal(err)
	}
	for base, want := range map[string]string{srv.URL + "/release": "/release/api/v1", w.srv.URL: "/api/v1"} {
		res, err := http.Get(base + "/api/v1/openapi.json")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		var doc map[string]any
		if err := json.Unmarshal(b, &doc); err != nil || res.StatusCode != 200 {
			t.Fatalf("%s: %d %v", base, res.StatusCode, err)
		}
		servers, _ := doc["servers"].([]any)
		if len(servers) != 1 || servers[0].(map[string]any)["url"] != want {
			t.Errorf("served under %s: servers %v, want url %q", base, doc["servers"], want)
		}
		doc["servers"] = repo["servers"]
		got, _ := json.Marshal(doc)
		same, _ := json.Marshal(repo)
		if string(got) != string(same) {
			t.Errorf("served under %s: the document differs from openapi.json beyond its server", base)
		}
	}
}

// TestRefusalsTellNothingMore: a rival that exists but is private reads as
// one that does not exist, word for word, whoever asks; and a 404's
// message names what was asked, not the server's packages; a title two
// songs share is a 400 naming both, not a 404.
func TestRefusalsTellNothingMore(t *testing.T) {
	w := newWorld(t, api.Limits{})
	for _, cred := range []string{"", "bobRead", "cookie:bob"} {
		private := w.get("/api/v1/players/bob/rival?with=alice", cred)
		missing := w.get("/api/v1/players/bob/rival?with=nobody", cred)
		pm := strings.ReplaceAll(string(private.body), "alice", "X")
		mm := strings.ReplaceAll(string(missing.body), "nobody", "X")
		if private.status != missing.status || pm != mm {
			t.Errorf("as %q: a private rival %d %s, a missing one %d %s", cred, private.status, private.body, missing.status, missing.body)
		}
	}
	a := w.get("/api/v1/players/alice/line?title=No%20such%20song&type=dx&diff=master", "aliceRead")
	if a.status != 404 || strings.Contains(string(a.body), "archive:") || strings.Contains(string(a.body), "songs:") || !strings.Contains(string(a.body), "No such song") {
		t.Errorf("line of an unknown chart: %d %s", a.status, a.body)
	}
	// "Link" std master is both Link and Link(CoF) in the CN song data:
	// a 400 naming both, not the missing chart's 404.
	link := maimai.Chart{Title: "Link", Type: maimai.Std, Difficulty: maimai.Master}
	var le *archive.LineError
	if _, err := w.a.Line(context.Background(), "alice", link, "100.5"); !errors.As(err, &le) || le.Problem != archive.LineAmbiguous {
		t.Logf("Link std master is not ambiguous in this song data (%v): the shared CN data has Link(CoF) too", err)
		return
	}
	a = w.get("/api/v1/players/alice/line?title=Link&type=std&diff=master", "aliceRead")
	if a.status != 400 || !strings.Contains(string(a.body), "Link(CoF)") || !strings.Contains(string(a.body), "more than one song is called") ||
		strings.Contains(string(a.body), "archive:") {
		t.Errorf("line of an ambiguous title: %d %s", a.status, a.body)
	}
}
