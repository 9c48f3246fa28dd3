package probersync_test

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/probersync"
)

// Codes in rising order, to tell which of two is higher.
var (
	fcOrder = []string{"", "fc", "fcp", "ap", "app"}
	fsOrder = []string{"", "sync", "fs", "fsp", "fsd", "fsdp"}
)

func higherCode(order []string, a, b string) string {
	if slices.Index(order, b) > slices.Index(order, a) {
		return b
	}
	return a
}

// fieldMax is a record no lower than either in any field: what diving-fish
// must hold of a chart after a sync of ours when it held theirs.
func fieldMax(ours, theirs dfBest) dfBest {
	return dfBest{
		Achievements: math.Max(ours.Achievements, theirs.Achievements),
		DXScore:      max(ours.DXScore, theirs.DXScore),
		FC:           higherCode(fcOrder, ours.FC, theirs.FC),
		FS:           higherCode(fsOrder, ours.FS, theirs.FS),
	}
}

// atLeast reports whether a is at least b in every field.
func atLeast(a, b dfBest) bool {
	return a.Achievements >= b.Achievements && a.DXScore >= b.DXScore &&
		slices.Index(fcOrder, a.FC) >= slices.Index(fcOrder, b.FC) && slices.Index(fsOrder, a.FS) >= slices.Index(fsOrder, b.FS)
}

// sortedCharts lists a record set's charts in a fixed order, so the
// test picks the same charts every run.
func sortedCharts(m map[dfChart]dfBest) []dfChart {
	out := make([]dfChart, 0, len(m))
	for c := range m {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b dfChart) int {
		return strings.Compare(a.Title+"\x00"+a.Type+string(rune('0'+a.LevelIndex)), b.Title+"\x00"+b.Type+string(rune('0'+b.LevelIndex)))
	})
	return out
}

// round4 keeps a percentage to the site's four decimals.
func round4(x float64) float64 { return math.Round(x*10000) / 10000 }

// betterOnDivingFish makes, from maiprobe's bests, records that only
// diving-fish knows, of five kinds in turn: a higher achievement; a higher
// achievement with a lower DX score (each side better in one field); a
// better FC only; the same record; lower in every field. It returns them
// and how many are at least as good as maiprobe's in every field.
func betterOnDivingFish(t *testing.T, ours map[dfChart]dfBest, n int) (map[dfChart]dfBest, int) {
	t.Helper()
	seeded := map[dfChart]dfBest{}
	kinds := [5]int{}
	for _, c := range sortedCharts(ours) {
		o := ours[c]
		k := len(seeded) % 5
		s := o
		switch k {
		case 0, 1:
			if o.Achievements >= 100.9 {
				continue
			}
			s.Achievements = round4(o.Achievements + (101-o.Achievements)/2)
			if k == 1 {
				if o.DXScore == 0 {
					continue
				}
				s.DXScore = o.DXScore - 1
			}
		case 2:
			// One step up, short of AP (which the achievement would
			// have to agree with).
			if i := slices.Index(fcOrder, o.FC); i >= 2 {
				continue
			} else {
				s.FC = fcOrder[i+1]
			}
		case 4:
			if o.Achievements < 1 || o.DXScore == 0 {
				continue
			}
			s = dfBest{Achievements: round4(o.Achievements - 1), DXScore: o.DXScore - 1}
		}
		seeded[c] = s
		kinds[k]++
		if len(seeded) == n {
			break
		}
	}
	if slices.Contains(kinds[:], 0) {
		t.Fatalf("the archive gave charts of each kind %v: the test needs every kind", kinds)
	}
	kept := 0
	for c, s := range seeded {
		if atLeast(s, ours[c]) {
			kept++
		}
	}
	return seeded, kept
}

// TestSyncDivingFishNeverLowers: diving-fish's update_records overwrites
// (the fake does, as the real one does), so a better score that only
// diving-fish knows must survive a sync: it holds, per chart, the higher
// of each field afterwards, and charts where it was at least as good are
// not sent at all. Without the merge this test fails: the fake ends up
// with maiprobe's lower records.
func TestSyncDivingFishNeverLowers(t *testing.T) {
	ctx := context.Background()
	a := testArchive(t)
	df := newFakeDivingFish(t, tokens)
	ours := expectedDivingFish(t, a, "alice")

	// The fake behaves like diving-fish: a lower record replaces a higher one.
	probe := dfChart{"only on diving-fish", "DX", 3}
	df.seed("alice", map[dfChart]dfBest{probe: {Achievements: 100.5, DXScore: 900, FC: "fc"}}, map[dfChart]dfSong{probe: {SongID: 99999, DS: 13.5, Level: "13+"}})
	req, _ := http.NewRequest(http.MethodPost, df.URL()+"/api/maimaidxprober/player/update_records",
		strings.NewReader(`[{"title":"only on diving-fish","type":"DX","level_index":3,"achievements":80,"dxScore":10,"fc":"","fs":""}]`))
	req.Header.Set("Import-Token", aliceToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := df.Records("alice")[probe]; got != (dfBest{Achievements: 80, DXScore: 10}) {
		t.Fatalf("the fake kept %+v after a lower record: it must overwrite, as diving-fish does", got)
	}
	df.seed("alice", map[dfChart]dfBest{probe: {Achievements: 100.5, DXScore: 900, FC: "fc"}}, nil)

	seeded, kept := betterOnDivingFish(t, ours, 60)
	df.seed("alice", seeded, nil)
	want := map[dfChart]dfBest{probe: {Achievements: 100.5, DXScore: 900, FC: "fc"}}
	for c, o := range ours {
		want[c] = o
		if s, ok := seeded[c]; ok {
			want[c] = fieldMax(o, s)
		}
	}

	rep, err := probersync.Sync(ctx, a, "alice", probersync.DivingFish, aliceToken, probersync.Options{BaseURL: df.URL(), BatchSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	sameDF(t, "alice's diving-fish after a sync over better records", df.Records("alice"), want)
	if rep.Kept != kept || rep.Sent != len(ours)-kept || rep.Merged == 0 || rep.Had() != kept {
		t.Errorf("report %+v: want %d kept, %d sent, some merged", rep, kept, len(ours)-kept)
	}
	if df.Reads() != 1 {
		t.Errorf("%d reads of /player/records, want 1", df.Reads())
	}

	// Nothing new: no request at all, not even a read.
	posts := df.Requests()
	again, err := probersync.Sync(ctx, a, "alice", probersync.DivingFish, aliceToken, probersync.Options{BaseURL: df.URL()})
	if err != nil || again.Pending != 0 || df.Requests() != posts || df.Reads() != 1 {
		t.Errorf("a sync with nothing new: %+v, %v; %d posts and %d reads, want none", again, err, df.Requests()-posts, df.Reads()-1)
	}

	// A player's report: maiprobe's best of a chart changes after diving-fish got
	// a better score from elsewhere; the next sync must not lower it.
	if _, err := a.Generate(ctx, archive.GenOptions{Player: "alice", Plays: 400, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	after := expectedDivingFish(t, a, "alice")
	held := df.Records("alice")
	elsewhere := map[dfChart]dfBest{}
	for _, c := range sortedCharts(after) {
		if prev, ok := ours[c]; !ok || prev == after[c] || after[c].Achievements >= 100.9 {
			continue
		}
		b := fieldMax(held[c], after[c])
		b.Achievements = round4(after[c].Achievements + (101-after[c].Achievements)/2)
		elsewhere[c] = b
		if len(elsewhere) == 10 {
			break
		}
	}
	if len(elsewhere) == 0 {
		t.Fatal("more plays changed no best below 100.9%: the test needs some")
	}
	df.seed("alice", elsewhere, nil)
	if _, err := probersync.Sync(ctx, a, "alice", probersync.DivingFish, aliceToken, probersync.Options{BaseURL: df.URL()}); err != nil {
		t.Fatal(err)
	}
	now := df.Records("alice")
	for c, b := range elsewhere {
		if !atLeast(now[c], b) {
			t.Errorf("%+v: diving-fish held %+v from elsewhere, after the sync %+v", c, b, now[c])
		}
		if !atLeast(now[c], after[c]) {
			t.Errorf("%+v: maiprobe's new best %+v did not reach diving-fish (%+v)", c, after[c], now[c])
		}
	}
	for c, b := range held {
		if !atLeast(now[c], b) {
			t.Errorf("%+v went down: %+v, then %+v", c, b, now[c])
		}
	}
}

// TestSyncDivingFishDryRunMerged: a dry run reads diving-fish's records
// and lists the records as they would be sent, after the merge; it posts
// and records nothing.
func TestSyncDivingFishDryRunMerged(t *testing.T) {
	ctx := context.Background()
	a := testArchive(t)
	df := newFakeDivingFish(t, tokens)
	ours := expectedDivingFish(t, a, "bob")
	seeded, kept := betterOnDivingFish(t, ours, 25)
	df.seed("bob", seeded, nil)
	before := df.Records("bob")

	rep, err := probersync.Sync(ctx, a, "bob", probersync.DivingFish, bobToken, probersync.Options{BaseURL: df.URL(), DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if df.Requests() != 0 || df.Reads() != 1 {
		t.Errorf("a dry run made %d posts and %d reads, want none and one", df.Requests(), df.Reads())
	}
	if len(rep.Would) != len(ours)-kept || rep.Kept != kept {
		t.Errorf("dry run: %d would be sent, %d kept; want %d and %d", len(rep.Would), rep.Kept, len(ours)-kept, kept)
	}
	for _, raw := range rep.Would {
		var r struct {
			Title        string  `json:"title"`
			Type         string  `json:"type"`
			LevelIndex   int     `json:"level_index"`
			Achievements float64 `json:"achievements"`
			DXScore      int     `json:"dxScore"`
			FC           string  `json:"fc"`
			FS           string  `json:"fs"`
		}
		if err := json.Unmarshal(raw, &r); err != nil {
			t.Fatal(err)
		}
		c := dfChart{r.Title, r.Type, r.LevelIndex}
		want := ours[c]
		if s, ok := seeded[c]; ok {
			want = fieldMax(want, s)
		}
		if got := (dfBest{r.Achievements, r.DXScore, r.FC, r.FS}); got != want {
			t.Errorf("%+v would be sent as %+v, want %+v", c, got, want)
		}
	}
	if sent, _ := a.ProberSentItems(ctx, "bob", string(probersync.DivingFish)); len(sent) != 0 {
		t.Errorf("a dry run recorded %d items", len(sent))
	}
	sameDF(t, "bob's diving-fish after a dry run", df.Records("bob"), before)
}

// TestSyncDivingFishReadFails: when diving-fish's records cannot be read,
// nothing is sent (sending blind could lower them) and nothing recorded;
// the next sync does it all.
func TestSyncDivingFishReadFails(t *testing.T) {
	ctx := context.Background()
	for _, how := range []failure{fail500, failDrop} {
		a := testArchive(t)
		df := newFakeDivingFish(t, tokens)
		df.readFail = how
		_, err := probersync.Sync(ctx, a, "alice", probersync.DivingFish, aliceToken, probersync.Options{BaseURL: df.URL()})
		if err == nil || strings.Contains(err.Error(), aliceToken) {
			t.Errorf("failure %d: %v, want an error without the token", how, err)
		}
		if df.Requests() != 0 {
			t.Errorf("failure %d: %d posts after a failed read", how, df.Requests())
		}
		if sent, _ := a.ProberSentItems(ctx, "alice", string(probersync.DivingFish)); len(sent) != 0 {
			t.Errorf("failure %d: %d recorded after a failed read", how, len(sent))
		}
		if _, err := probersync.Sync(ctx, a, "alice", probersync.DivingFish, aliceToken, probersync.Options{BaseURL: df.URL()}); err != nil {
			t.Fatal(err)
		}
		sameDF(t, "alice's diving-fish after the retry", df.Records("alice"), expectedDivingFish(t, a, "alice"))
	}
}
