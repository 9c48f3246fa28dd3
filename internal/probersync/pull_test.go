package probersync_test

import (
	"context"
	"errors"
	"testing"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/probersync"
)

// TestPullDivingFish: a pull brings diving-fish's better records into the
// archive as another tool's bests (each field raised where diving-fish's
// is higher, nothing lowered), leaves utage out, and the next sync brings
// diving-fish up to the archive without lowering anything.
func TestPullDivingFish(t *testing.T) {
	ctx := context.Background()
	a := testArchive(t)
	df := newFakeDivingFish(t, tokens)
	ours := expectedDivingFish(t, a, "alice")
	seeded, _ := betterOnDivingFish(t, ours, 40)
	utage := dfChart{"[宴]test utage", "DX", 0}
	df.seed("alice", seeded, nil)
	df.seed("alice", map[dfChart]dfBest{utage: {Achievements: 150.5, DXScore: 3000}}, map[dfChart]dfSong{utage: {SongID: 100042, DS: 14, Level: "14?"}})

	dry, err := probersync.Pull(ctx, a, "alice", probersync.DivingFish, aliceToken, probersync.Options{BaseURL: df.URL(), DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if dry.Records != len(seeded)+1 || dry.Utage != 1 || dry.Result.Status != "" {
		t.Errorf("dry run: %+v", dry)
	}
	sameDF(t, "alice's archive after a dry run", expectedDivingFish(t, a, "alice"), ours)

	rep, err := probersync.Pull(ctx, a, "alice", probersync.DivingFish, aliceToken, probersync.Options{BaseURL: df.URL()})
	if err != nil {
		t.Fatal(err)
	}
	want := map[dfChart]dfBest{}
	raised := 0
	for c, o := range ours {
		want[c] = o
		if s, ok := seeded[c]; ok {
			want[c] = fieldMax(o, s)
			if want[c] != o {
				raised++
			}
		}
	}
	if rep.Result.Status != archive.Added || rep.Result.Added.Improvements != raised || rep.Utage != 1 {
		t.Errorf("pull: %+v, want %d bests raised and the utage record left out", rep, raised)
	}
	sameDF(t, "alice's archive after the pull", expectedDivingFish(t, a, "alice"), want)
	if df.Requests() != 0 {
		t.Errorf("a pull posted %d times", df.Requests())
	}

	// The pull again: nothing new.
	again, err := probersync.Pull(ctx, a, "alice", probersync.DivingFish, aliceToken, probersync.Options{BaseURL: df.URL()})
	if err != nil || again.Result.Added.Improvements != 0 || again.Result.Added.Scores != 0 {
		t.Errorf("the same pull again: %+v, %v; want nothing added", again.Result, err)
	}

	// The sync after it: diving-fish ends with the archive's bests, and
	// the charts where it had them already are not sent.
	srep, err := probersync.Sync(ctx, a, "alice", probersync.DivingFish, aliceToken, probersync.Options{BaseURL: df.URL()})
	if err != nil {
		t.Fatal(err)
	}
	got := df.Records("alice")
	if _, ok := got[utage]; !ok {
		t.Error("the sync removed diving-fish's utage record")
	}
	delete(got, utage)
	sameDF(t, "alice's diving-fish after pull and sync", got, want)
	had := 0 // charts where diving-fish's record is the archive's best now
	for c, s := range seeded {
		if want[c] == s {
			had++
		}
	}
	if srep.Kept != had || srep.Sent != len(want)-had || srep.Merged != 0 {
		t.Errorf("sync after the pull: %+v, want the %d charts whose best came from diving-fish kept, the rest sent, nothing merged", srep, had)
	}

	if _, err := probersync.Pull(ctx, a, "alice", probersync.DivingFish, "not-a-token-diving-fish-knows-0123456789", probersync.Options{BaseURL: df.URL()}); !errors.Is(err, probersync.ErrTokenRefused) {
		t.Errorf("a pull with a wrong token: %v, want ErrTokenRefused", err)
	}
	if _, err := probersync.Pull(ctx, a, "alice", probersync.Lxns, aliceToken, probersync.Options{BaseURL: df.URL()}); err == nil {
		t.Error("a pull from Lxns ran")
	}
}
