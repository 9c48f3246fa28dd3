package dxsite

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/maiprobe/maiprobe/internal/dxsite/fakesite"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

// TestFetchJackets: a fetch downloads the jackets of the record page from
// the site's img/Music/ path, at most MaxJackets a run, the record's
// newest plays' first; a jacket the site answers 404 for is counted and
// tried again by the next run, which goes on with the ones left; a run
// with everything stored asks the site for no jacket.
func TestFetchJackets(t *testing.T) {
	ctx := context.Background()
	site := fakesite.New(t, fakesite.Options{Plays: 60})
	var mu sync.Mutex
	var asked []string
	failNext := 0
	site.OnRequest(func(path string) {
		file, ok := strings.CutPrefix(path, "/maimai-mobile/img/Music/")
		if !ok {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		asked = append(asked, file)
		if failNext > 0 && len(asked) == failNext {
			site.Fail(1, http.StatusNotFound)
		}
	})
	a := openArchive(t)
	s := session(t, site, site.Cookie())

	// The second jacket asked for is not on the site.
	failNext = 2
	rep, err := Fetch(ctx, a, "p", s, Options{MaxJackets: 10})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Jackets != 9 || rep.JacketErrors != 1 || len(asked) != 10 {
		t.Fatalf("first run: %d jackets stored, %d errors, %d asked; want 9, 1, 10", rep.Jackets, rep.JacketErrors, len(asked))
	}
	// The newest play's jacket came first: the record lists it first.
	newest, err := a.Plays(ctx, "p", 1)
	if err != nil || len(newest) != 1 {
		t.Fatal(newest, err)
	}
	if asked[0] != newest[0].Jacket {
		t.Errorf("first jacket asked %s, want the newest play's %s", asked[0], newest[0].Jacket)
	}
	j, err := a.Jacket(ctx, asked[0])
	if err != nil || string(j.Data) != string(fakesite.PhotoBytes("/maimai-mobile/img/Music/"+asked[0])) || j.ContentType != "image/jpeg" {
		t.Errorf("stored jacket %q %s %v", j.Data, j.ContentType, err)
	}
	if got := a.JacketFor(ctx, maimai.CN, newest[0].Title); got != newest[0].Jacket {
		t.Errorf("JacketFor(%q) = %q, want %q", newest[0].Title, got, newest[0].Jacket)
	}
	if _, err := a.Jacket(ctx, asked[1]); err == nil {
		t.Errorf("the jacket the site had not (%s) is stored", asked[1])
	}

	// The next runs fetch the 404 one again and the rest, 10 at a time,
	// until all 37 are stored.
	failNext = 0
	total := rep.Jackets
	for run := 2; total < 37; run++ {
		if run > 6 {
			t.Fatalf("after 5 runs %d of 37 jackets are stored", total)
		}
		before := len(asked)
		rep, err = Fetch(ctx, a, "p", s, Options{MaxJackets: 10})
		if err != nil {
			t.Fatal(err)
		}
		if n := len(asked) - before; n != min(10, 37-total) || rep.Jackets != n || rep.JacketErrors != 0 {
			t.Fatalf("run %d: asked %d, stored %d, %d errors (had %d)", run, n, rep.Jackets, rep.JacketErrors, total)
		}
		if run == 2 && !strings.Contains(fmt.Sprint(asked[before:]), asked[1]) {
			t.Errorf("run 2 did not ask again for %s", asked[1])
		}
		total += rep.Jackets
	}
	before := len(asked)
	if rep, err := Fetch(ctx, a, "p", s, Options{}); err != nil || rep.Jackets != 0 || len(asked) != before {
		t.Errorf("with every jacket stored: %d stored, %d asked, %v", rep.Jackets, len(asked)-before, err)
	}
	// MaxJackets < 0 fetches none.
	site.AddPlays(1)
	if rep, err := Fetch(ctx, a, "p", s, Options{MaxJackets: -1}); err != nil || rep.Jackets != 0 || len(asked) != before {
		t.Errorf("MaxJackets -1: %d stored, %d asked, %v", rep.Jackets, len(asked)-before, err)
	}
}

// TestFetchJacketsStopOnRateLimit: a site that keeps refusing stops the
// fetch at the jackets as it does at a page, keeping what was read.
func TestFetchJacketsStopOnRateLimit(t *testing.T) {
	ctx := context.Background()
	site := fakesite.New(t, fakesite.Options{Plays: 60})
	n := 0
	site.OnRequest(func(path string) {
		if strings.Contains(path, "/img/Music/") {
			n++
			if n == 3 {
				site.RateLimit(100)
			}
		}
	})
	a := openArchive(t)
	rep, err := Fetch(ctx, a, "p", session(t, site, site.Cookie()), Options{})
	if err == nil || !strings.Contains(err.Error(), "jacket") || rep.Jackets != 2 {
		t.Errorf("rate limited at the third jacket: %d stored, %v", rep.Jackets, err)
	}
	// What was read before is kept.
	if rep.Added.Plays != 50 {
		t.Errorf("%d plays added, want 50", rep.Added.Plays)
	}
}
