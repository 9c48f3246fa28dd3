package dxnet

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// TestParseJSONRoundTrip: every data page we have, real and synthetic,
// parsed and written as JSON, reads back from that JSON as the same page.
// This is what lets a reparse derive an archive of such pages again.
func TestParseJSONRoundTrip(t *testing.T) {
	kinds := map[Kind]int{}
	for name, b := range seedPages(t) {
		p, err := Parse(b)
		if err != nil || !p.Head().IsData() {
			continue
		}
		want, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		back, err := ParseJSON(want)
		if err != nil {
			t.Errorf("%s: ParseJSON of its own JSON: %v", name, err)
			continue
		}
		got, err := json.Marshal(back)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: JSON round trip changed the page:\n got %s\nwant %s", name, got, want)
		}
		kinds[p.Head().Kind]++
	}
	// The kinds gen writes must be among those checked.
	for _, k := range []Kind{KindHome, KindPlayerData, KindPhoto, KindRecord, KindPlaylogDetail, KindScores, KindMusicDetail} {
		if kinds[k] == 0 {
			t.Errorf("no %s page was round-tripped", k)
		}
	}
}

// TestParseJSONRefuses: what is not a page maiprobe wrote is refused, with
// the error kind a caller tests for.
func TestParseJSONRefuses(t *testing.T) {
	plays := strings.Repeat(`{"track":1},`, MaxRecordPlays) + `{"track":1}`
	for _, c := range []struct {
		name, in string
		want     error
	}{
		{"empty", "", ErrNotDXNet},
		{"html", "<html></html>", ErrNotDXNet},
		{"array", `[{"page":"home"}]`, ErrNotDXNet},
		{"no kind", `{"region":"cn"}`, ErrNotDXNet},
		{"broken", `{"page":"home","region":`, ErrNotDXNet},
		{"error page", `{"page":"error","region":"cn"}`, ErrLayout},
		{"unknown kind", `{"page":"shop","region":"cn"}`, ErrLayout},
		{"unknown field", `{"page":"home","region":"cn","name":"A","admin":true}`, ErrLayout},
		{"unknown region", `{"page":"home","region":"us","name":"A"}`, ErrLayout},
		{"no region", `{"page":"home","name":"A"}`, ErrLayout},
		{"wrong type", `{"page":"home","region":"cn","rating":"high"}`, ErrLayout},
		{"two objects", `{"page":"home","region":"cn"}{"page":"home","region":"cn"}`, ErrNotDXNet},
		{"too many plays", `{"page":"record","region":"cn","plays":[` + plays + `]}`, ErrLayout},
		{"too many photos", `{"page":"photo","region":"cn","photos":[` + strings.Repeat(`{},`, MaxPhotos) + `{}]}`, ErrLayout},
		{"too big", `{"page":"home","region":"cn","comment":"` + strings.Repeat("a", MaxPageSize) + `"}`, ErrNotDXNet},
	} {
		p, err := ParseJSON([]byte(c.in))
		if !errors.Is(err, c.want) || p != nil {
			t.Errorf("%s: %v, %v; want %v", c.name, p, err, c.want)
		}
	}
	if p, err := ParseJSON([]byte(` {"page":"home","region":"cn","name":"Ａ"}` + "\n")); err != nil || p.(*HomePage).Name != "Ａ" {
		t.Errorf("a home page with white space around it: %v, %v", p, err)
	}
}

// FuzzParseJSON: ParseJSON may refuse input but never panics, and a page
// it accepts has a data kind and a known region.
func FuzzParseJSON(f *testing.F) {
	for _, b := range seedPages(f) {
		if p, err := Parse(b); err == nil && p.Head().IsData() {
			if j, err := json.Marshal(p); err == nil {
				f.Add(j)
			}
		}
	}
	f.Add([]byte(`{"page":"record","region":"cn","plays":[{"track":1}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParseJSON(b)
		if err != nil {
			if p != nil {
				t.Fatalf("ParseJSON returned a page and an error: %v", err)
			}
			return
		}
		if h := p.Head(); !h.IsData() || !h.Region.Valid() {
			t.Fatalf("accepted page without data kind or region: %+v", h)
		}
	})
}
