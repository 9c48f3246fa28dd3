package probersync_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/fixtures"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/probersync"
	"github.com/maiprobe/maiprobe/internal/songs"
)

// Tokens of the two players' accounts on the fakes.
const (
	aliceToken = "alice0123456789abcdef0123456789abcdef0123456789abcdef"
	bobToken   = "bob-9876543210fedcba9876543210fedcba9876543210fedcba="
)

var tokens = map[string]string{aliceToken: "alice", bobToken: "bob"}

// sharedArchive is a generated archive of two players, alice and bob, on
// the real CN song data (built once: the tests only read it, and each
// sync test records its state under its own service or clears it).
var shared struct {
	once sync.Once
	dir  string
	err  error
}

// testArchive opens a copy of an archive with CN song data and two
// generated players, alice (300 plays) and bob (200); it skips without
// ../shared/data/songs.
func testArchive(t *testing.T) *archive.Archive {
	t.Helper()
	songsFile := fixtures.Shared(t, "data/songs/divingfish-music_data.cn.json")
	shared.once.Do(func() {
		shared.dir, shared.err = os.MkdirTemp("", "probersync")
		if shared.err != nil {
			return
		}
		shared.err = buildArchive(filepath.Join(shared.dir, "base.db"), songsFile,
			archive.GenOptions{Player: "alice", Plays: 300, Seed: 1}, archive.GenOptions{Player: "bob", Plays: 200, Seed: 2})
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	raw, err := os.ReadFile(filepath.Join(shared.dir, "base.db"))
	if err != nil {
		t.Fatal(err)
	}
	loc := filepath.Join(t.TempDir(), "archive.db")
	if err := os.WriteFile(loc, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	a, err := archive.Open(context.Background(), loc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// buildArchive makes an archive at loc with the song data of songsFile
// (CN) and the generated players.
func buildArchive(loc, songsFile string, players ...archive.GenOptions) error {
	ctx := context.Background()
	a, err := archive.Open(ctx, loc)
	if err != nil {
		return err
	}
	defer a.Close()
	db, err := songs.Open(ctx, songsFile, maimai.CN)
	if err != nil {
		return err
	}
	if _, err := a.SyncSongs(ctx, db); err != nil {
		return err
	}
	for _, g := range players {
		if _, err := a.Generate(ctx, g); err != nil {
			return err
		}
	}
	return nil
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

// expectedDivingFish is what diving-fish should hold for the player after
// a sync, read off the archive's bests: every played chart of the song
// data but utage, under the song data's title.
func expectedDivingFish(t *testing.T, a *archive.Archive, player string) map[dfChart]dfBest {
	t.Helper()
	sc, err := a.ExportScores(context.Background(), player, archive.ScoresSince{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[dfChart]dfBest{}
	for _, b := range sc.Bests {
		if !b.Played || b.Difficulty == maimai.Utage || b.SongID == 0 {
			continue
		}
		title := b.Title
		if b.SongTitle != "" {
			title = b.SongTitle
		}
		typ := "SD"
		if b.Type == maimai.DX {
			typ = "DX"
		}
		out[dfChart{title, typ, b.Difficulty.Index()}] = dfBest{float64(b.Achievement) / 10000, b.DXScore, string(b.FC), string(b.FS)}
	}
	if len(out) < 50 {
		t.Fatalf("%s has %d bests to send: too few for the test to mean anything", player, len(out))
	}
	return out
}

// expectedLxns is what Lxns should hold for the player: every play on a
// chart of the song data, once, with its time to the minute.
func expectedLxns(t *testing.T, a *archive.Archive, player string) map[lxScore]int {
	t.Helper()
	sc, err := a.ExportScores(context.Background(), player, archive.ScoresSince{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[lxScore]int{}
	for _, p := range sc.Plays {
		if p.SongID == 0 {
			continue
		}
		s := lxScore{ID: p.SongID % 10000, Type: "standard", LevelIndex: p.Difficulty.Index(), Achievements: float64(p.Achievement) / 10000,
			FC: string(p.FC), FS: string(p.FS), DXScore: p.DXScore, PlayTime: p.PlayedAt.UTC().Truncate(time.Minute)}
		switch {
		case p.Difficulty == maimai.Utage:
			s.ID, s.Type, s.LevelIndex = p.SongID, "utage", 0
		case p.Type == maimai.DX:
			s.Type = "dx"
		}
		out[s] = 1
	}
	if len(out) < 100 {
		t.Fatalf("%s has %d plays to send: too few for the test to mean anything", player, len(out))
	}
	return out
}

func sameDF(t *testing.T, who string, got, want map[dfChart]dfBest) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s holds %d records, want %d", who, len(got), len(want))
	}
	n := 0
	for c, w := range want {
		if g, ok := got[c]; !ok || g != w {
			if n++; n <= 3 {
				t.Errorf("%s: %+v is %+v (held: %v), want %+v", who, c, g, ok, w)
			}
		}
	}
}

func sameLxns(t *testing.T, who string, got, want map[lxScore]int) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s holds %d plays, want %d", who, len(got), len(want))
	}
	n := 0
	for s, w := range want {
		if got[s] != w {
			if n++; n <= 3 {
				t.Errorf("%s: %+v received %d times, want %d", who, s, got[s], w)
			}
		}
	}
}

// TestSyncDivingFish: a sync leaves diving-fish holding exactly the
// player's bests, in bounded batches, and a second sync sends nothing.
func TestSyncDivingFish(t *testing.T) {
	ctx := context.Background()
	a := testArchive(t)
	df := newFakeDivingFish(t, tokens)
	want := expectedDivingFish(t, a, "alice")

	rep, err := probersync.Sync(ctx, a, "alice", probersync.DivingFish, aliceToken, probersync.Options{BaseURL: df.URL(), BatchSize: 40})
	if err != nil {
		t.Fatal(err)
	}
	sameDF(t, "alice's diving-fish", df.Records("alice"), want)
	if rep.Sent != len(want) || rep.Pending != len(want) || rep.Batches != (len(want)+39)/40 || df.Requests() != rep.Batches {
		t.Errorf("report %+v after %d requests, want %d sent in %d batches", rep, df.Requests(), len(want), (len(want)+39)/40)
	}
	if len(df.Records("bob")) != 0 {
		t.Error("alice's sync wrote to bob's account")
	}

	again, err := probersync.Sync(ctx, a, "alice", probersync.DivingFish, aliceToken, probersync.Options{BaseURL: df.URL(), BatchSize: 40})
	if err != nil {
		t.Fatal(err)
	}
	if again.Sent != 0 || again.Pending != 0 || df.Requests() != rep.Batches {
		t.Errorf("the second sync: %+v, %d requests in all; want nothing sent", again, df.Requests())
	}

	// --full checks everything again: diving-fish holds each record
	// already, so nothing is sent; after the player deleted their records
	// there, all of them are, in one batch of the default size.
	full, err := probersync.Sync(ctx, a, "alice", probersync.DivingFish, aliceToken, probersync.Options{BaseURL: df.URL(), Full: true})
	if err != nil {
		t.Fatal(err)
	}
	if full.Sent != 0 || full.Kept != len(want) || full.Pending != len(want) {
		t.Errorf("full sync over the same records: %+v, want all %d kept and none sent", full, len(want))
	}
	df.deleteAll("alice")
	full, err = probersync.Sync(ctx, a, "alice", probersync.DivingFish, aliceToken, probersync.Options{BaseURL: df.URL(), Full: true})
	if err != nil {
		t.Fatal(err)
	}
	if full.Sent != len(want) || full.Batches != 1 {
		t.Errorf("full sync after the records were deleted: %+v, want all %d in one batch of the default size", full, len(want))
	}
	sameDF(t, "alice's diving-fish after a full sync", df.Records("alice"), want)

	// New plays raise some bests and add charts: the next sync sends
	// those, and only those.
	if _, err := a.Generate(ctx, archive.GenOptions{Player: "alice", Plays: 400, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	after := expectedDivingFish(t, a, "alice")
	changed, added := 0, 0
	for c, b := range after {
		old, ok := want[c]
		switch {
		case !ok:
			added++
		case old != b:
			changed++
		}
	}
	if changed == 0 || added == 0 {
		t.Fatalf("more plays changed %d bests and added %d: the test needs both", changed, added)
	}
	next, err := probersync.Sync(ctx, a, "alice", probersync.DivingFish, aliceToken, probersync.Options{BaseURL: df.URL()})
	if err != nil {
		t.Fatal(err)
	}
	if next.Sent != changed+added {
		t.Errorf("after %d raised and %d new bests the sync sent %d", changed, added, next.Sent)
	}
	sameDF(t, "alice's diving-fish after new plays", df.Records("alice"), after)
}

// TestSyncLxns: every play reaches Lxns once with its time, and a second
// sync sends nothing.
func TestSyncLxns(t *testing.T) {
	ctx := context.Background()
	a := testArchive(t)
	lx := newFakeLxns(t, tokens)
	want := expectedLxns(t, a, "alice")

	rep, err := probersync.Sync(ctx, a, "alice", probersync.Lxns, aliceToken, probersync.Options{BaseURL: lx.URL()})
	if err != nil {
		t.Fatal(err)
	}
	sameLxns(t, "alice's Lxns", lx.Scores("alice"), want)
	if rep.Batches != (len(want)+199)/200 || rep.Sent != len(want) {
		t.Errorf("report %+v, want %d plays in batches of 200", rep, len(want))
	}
	requests := lx.Requests()
	again, err := probersync.Sync(ctx, a, "alice", probersync.Lxns, aliceToken, probersync.Options{BaseURL: lx.URL()})
	if err != nil {
		t.Fatal(err)
	}
	if again.Sent != 0 || lx.Requests() != requests {
		t.Errorf("the second sync sent %d plays in %d requests, want none", again.Sent, lx.Requests()-requests)
	}

	// Plays imported later go on the next sync, and only they.
	if _, err := a.Generate(ctx, archive.GenOptions{Player: "alice", Plays: 400, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	more := expectedLxns(t, a, "alice")
	if len(more) <= len(want) {
		t.Fatalf("generating more plays added none (%d, then %d)", len(want), len(more))
	}
	next, err := probersync.Sync(ctx, a, "alice", probersync.Lxns, aliceToken, probersync.Options{BaseURL: lx.URL()})
	if err != nil {
		t.Fatal(err)
	}
	if next.Sent != len(more)-len(want) {
		t.Errorf("after %d new plays the sync sent %d", len(more)-len(want), next.Sent)
	}
	sameLxns(t, "alice's Lxns after new plays", lx.Scores("alice"), more)
}

// TestSyncResumes: a sync cut off by a failing service (an error answer,
// a dropped connection, an answer lost after the service kept the batch)
// keeps what was accepted, and the next sync sends only the rest.
func TestSyncResumes(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		how  failure
	}{{"error status", fail500}, {"dropped connection", failDrop}, {"answer lost", failAfter}} {
		t.Run(tc.name, func(t *testing.T) {
			a := testArchive(t)
			lx := newFakeLxns(t, tokens)
			want := expectedLxns(t, a, "alice")
			lx.failOn(3, tc.how)
			opt := probersync.Options{BaseURL: lx.URL(), BatchSize: 50}
			rep, err := probersync.Sync(ctx, a, "alice", probersync.Lxns, aliceToken, opt)
			if err == nil {
				t.Fatal("the sync through a failing service reported no error")
			}
			if rep.Sent != 100 || rep.Batches != 2 {
				t.Errorf("interrupted at the third batch: %+v, want 100 sent in 2 batches", rep)
			}
			if strings.Contains(err.Error(), aliceToken) {
				t.Errorf("the error shows the token: %v", err)
			}
			sent, err := a.ProberSentItems(ctx, "alice", string(probersync.Lxns))
			if err != nil || len(sent) != 100 {
				t.Errorf("%d plays recorded as accepted, want 100 (%v)", len(sent), err)
			}
			rest, err := probersync.Sync(ctx, a, "alice", probersync.Lxns, aliceToken, opt)
			if err != nil {
				t.Fatal(err)
			}
			if rest.Sent != len(want)-100 {
				t.Errorf("the resumed sync sent %d, want the %d left", rest.Sent, len(want)-100)
			}
			got := lx.Scores("alice")
			if tc.how == failAfter {
				// The lost answer's batch was kept and is sent again:
				// exactly those 50 plays arrive twice.
				twice := 0
				for s, n := range got {
					if n == 2 {
						twice++
						got[s] = 1
					}
				}
				if twice != 50 {
					t.Errorf("%d plays arrived twice, want the 50 of the batch whose answer was lost", twice)
				}
			}
			sameLxns(t, "alice's Lxns after resuming", got, want)
		})
	}
}

// TestSyncDryRun sends and records nothing, and lists what would go.
func TestSyncDryRun(t *testing.T) {
	ctx := context.Background()
	a := testArchive(t)
	df := newFakeDivingFish(t, tokens)
	want := expectedDivingFish(t, a, "bob")
	rep, err := probersync.Sync(ctx, a, "bob", probersync.DivingFish, bobToken, probersync.Options{BaseURL: df.URL(), DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if df.Requests() != 0 || rep.Sent != 0 || len(rep.Would) != len(want) || rep.Pending != len(want) {
		t.Errorf("dry run: %d requests, %+v; want none sent and %d listed", df.Requests(), rep, len(want))
	}
	if !strings.Contains(string(rep.Would[0]), `"level_index"`) {
		t.Errorf("a listed record is not diving-fish's shape: %s", rep.Would[0])
	}
	if sent, _ := a.ProberSentItems(ctx, "bob", string(probersync.DivingFish)); len(sent) != 0 {
		t.Errorf("a dry run recorded %d items as sent", len(sent))
	}
	if _, err := probersync.Sync(ctx, a, "bob", probersync.DivingFish, bobToken, probersync.Options{BaseURL: df.URL()}); err != nil {
		t.Fatal(err)
	}
	sameDF(t, "bob's diving-fish after the real sync", df.Records("bob"), want)
}

// TestSyncTokens: a refused token is a clear error that records nothing;
// a player's token sends only that player's data, never another's.
func TestSyncTokens(t *testing.T) {
	ctx := context.Background()
	a := testArchive(t)
	df := newFakeDivingFish(t, tokens)
	lx := newFakeLxns(t, tokens)
	const wrong = "not-a-token-either-service-knows-0123456789"
	for _, tc := range []struct {
		service probersync.Service
		url     string
	}{{probersync.DivingFish, df.URL()}, {probersync.Lxns, lx.URL()}} {
		rep, err := probersync.Sync(ctx, a, "alice", tc.service, wrong, probersync.Options{BaseURL: tc.url})
		if !errors.Is(err, probersync.ErrTokenRefused) {
			t.Errorf("%s with a wrong token: %v, want ErrTokenRefused", tc.service, err)
		} else if strings.Contains(err.Error(), wrong) {
			t.Errorf("%s: the error shows the token: %v", tc.service, err)
		}
		if rep.Sent != 0 {
			t.Errorf("%s: %d sent with a wrong token", tc.service, rep.Sent)
		}
		if sent, _ := a.ProberSentItems(ctx, "alice", string(tc.service)); len(sent) != 0 {
			t.Errorf("%s: a refused token recorded %d items as sent", tc.service, len(sent))
		}
	}
	if len(df.Records("alice"))+len(df.Records("bob"))+len(lx.Scores("alice"))+len(lx.Scores("bob")) != 0 {
		t.Error("a wrong token stored something")
	}

	// Each player with their own token: each account holds exactly its
	// player's data.
	for _, p := range []struct{ player, token string }{{"alice", aliceToken}, {"bob", bobToken}} {
		if _, err := probersync.Sync(ctx, a, p.player, probersync.DivingFish, p.token, probersync.Options{BaseURL: df.URL()}); err != nil {
			t.Fatal(err)
		}
		if _, err := probersync.Sync(ctx, a, p.player, probersync.Lxns, p.token, probersync.Options{BaseURL: lx.URL()}); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{"alice", "bob"} {
		sameDF(t, p+"'s diving-fish", df.Records(p), expectedDivingFish(t, a, p))
		sameLxns(t, p+"'s Lxns", lx.Scores(p), expectedLxns(t, a, p))
	}
	if _, err := probersync.Sync(ctx, a, "nobody", probersync.Lxns, aliceToken, probersync.Options{BaseURL: lx.URL()}); err == nil {
		t.Error("a sync of an unknown player ran")
	}
}

// TestSyncNoRedirect: a service address that redirects does not get the
// token carried to the redirect's target.
func TestSyncNoRedirect(t *testing.T) {
	a := testArchive(t)
	var leaked []string
	var mu sync.Mutex
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		leaked = append(leaked, r.Header.Get("Import-Token"))
		mu.Unlock()
		w.Write([]byte(`{"message": "更新成功"}`))
	}))
	defer target.Close()
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer redirect.Close()
	_, err := probersync.Sync(context.Background(), a, "alice", probersync.DivingFish, aliceToken, probersync.Options{BaseURL: redirect.URL})
	if err == nil {
		t.Error("a redirect was taken for the service's answer")
	}
	if len(leaked) != 0 {
		t.Errorf("the redirect's target got %d requests with the token", len(leaked))
	}
}

// TestSyncRefusedSaysWhatToCheck: a batch refused for no reason the
// client knows (Lxns's 404 with an empty message, a 500) says what to
// check, the address or the token, in words without the package's name.
func TestSyncRefusedSaysWhatToCheck(t *testing.T) {
	a := testArchive(t)
	for _, tc := range []struct {
		service probersync.Service
		status  int
		body    string
		want    []string
	}{
		{probersync.Lxns, http.StatusNotFound, `{"success": false, "code": 404, "message": ""}`,
			[]string{"lxns answered 404 Not Found to the batch: check the address (--base-url or MAIPROBE_LXNS_URL; the real one is https://maimai.lxns.net)"}},
		{probersync.DivingFish, http.StatusInternalServerError, `{"message": "boom"}`,
			[]string{`diving-fish refused the batch with HTTP 500 (it said "boom"): check the token`, "MAIPROBE_DIVINGFISH_URL"}},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet {
				// diving-fish's records are read first: none there.
				w.Write([]byte(`{"records": []}`))
				return
			}
			w.WriteHeader(tc.status)
			w.Write([]byte(tc.body))
		}))
		_, err := probersync.Sync(context.Background(), a, "alice", tc.service, aliceToken, probersync.Options{BaseURL: srv.URL})
		srv.Close()
		if err == nil {
			t.Errorf("%s %d: no error", tc.service, tc.status)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s %d: %v\nwant it to say %q", tc.service, tc.status, err, w)
			}
		}
		if strings.Contains(err.Error(), "probersync:") {
			t.Errorf("%s %d: %v names the package", tc.service, tc.status, err)
		}
	}
}

// TestCheckInput: base URLs and tokens that could make a request go
// elsewhere or add headers are refused, and the error never repeats a
// token.
func TestCheckInput(t *testing.T) {
	for _, u := range []string{"https://www.diving-fish.com", "http://127.0.0.1:8080", "https://mirror.example/prober"} {
		if err := probersync.CheckBaseURL(u); err != nil {
			t.Errorf("CheckBaseURL(%q): %v", u, err)
		}
	}
	for _, u := range []string{"", "ftp://x", "https://", "https://user:pw@host", "https://host/?q=1", "file:///etc/passwd", "//host"} {
		if err := probersync.CheckBaseURL(u); err == nil {
			t.Errorf("CheckBaseURL(%q) accepted it", u)
		}
	}
	for _, tok := range []string{"", "a b", "abc\r\nX-Evil: 1", "токен", strings.Repeat("a", 513)} {
		err := probersync.CheckToken(tok)
		if err == nil {
			t.Errorf("CheckToken(%q) accepted it", tok)
		} else if tok != "" && strings.Contains(err.Error(), tok) {
			t.Errorf("CheckToken's error repeats the token: %v", err)
		}
	}
	for _, s := range []string{"diving-fish", "divingfish", "lxns", "LXNS"} {
		if _, err := probersync.ParseService(s); err != nil {
			t.Errorf("ParseService(%q): %v", s, err)
		}
	}
	if _, err := probersync.ParseService("tachi"); err == nil {
		t.Error("ParseService(tachi) accepted it")
	}
}
