package archive

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/dxnet"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

// importSaved imports a hand-built page saved at at.
func importSaved(t *testing.T, a *Archive, page dxnet.Page, at time.Time) {
	t.Helper()
	b, err := json.Marshal(page)
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("%s-%d.json", page.Head().Kind, at.Unix())
	if res := a.importPage(context.Background(), "p", Source{Name: name, Data: b, ObservedAt: at}, page); res.Status == Rejected {
		t.Fatalf("import %s: %v", name, res.Err)
	}
}

// homeAt is a home page showing a play count.
func homeAt(count int) *dxnet.HomePage {
	return &dxnet.HomePage{Header: dxnet.Header{Kind: dxnet.KindHome, Region: maimai.CN},
		Profile: dxnet.Profile{Name: "ＬＯＳＳ", Rating: 12000, PlayCount: count}}
}

// albumOf is an album page of one photo of play n.
func albumOf(n int) *dxnet.PhotoPage {
	p := playAt(n)
	return &dxnet.PhotoPage{Header: dxnet.Header{Kind: dxnet.KindPhoto, Region: maimai.CN}, Photos: []maimai.Photo{{
		ImageURL: fmt.Sprintf("https://maimai.wahlap.com/maimai-mobile/img/photo/%d.jpg", n),
		TakenAt:  p.PlayedAt.Truncate(time.Minute), Chart: p.Chart, Level: p.Level}}}
}

// TestLossMeter builds histories of 100 plays before the archive began,
// then plays 0…49 saved by a record page with the home page beside it, and
// later home pages showing further plays that were never saved.
func TestLossMeter(t *testing.T) {
	const before = 100
	// savedAt is a moment just after play n.
	savedAt := func(n int) time.Time { return playAt(n).PlayedAt.Add(20 * time.Second) }
	for _, tc := range []struct {
		name  string
		later int // plays after play 49 that a later home page shows; -1: no later page
		// second saves a second record page of plays 30…79 (with its home
		// page) after the later plays.
		second bool
		want   Loss
		since  int // plays known after the album's save
	}{
		{"saved, nothing since", -1, false, Loss{Known: true, SlotsLeft: 50, LostBefore: before}, 0},
		{"none rolled out", 30, false, Loss{Known: true, Waiting: 30, SlotsLeft: 20, LostBefore: before}, 30},
		{"window just full", 50, false, Loss{Known: true, Waiting: 50, LostBefore: before}, 50},
		{"plays rolled out", 80, false, Loss{Known: true, Waiting: 50, LostSince: 30, LostBefore: before}, 80},
		{"saved again in time", 30, true, Loss{Known: true, SlotsLeft: 50, LostBefore: before}, 30},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := openDB(t, "sqlite")
			importSaved(t, a, homeAt(before+50), savedAt(49))
			importSaved(t, a, window(0, 50), savedAt(49).Add(20*time.Second))
			importSaved(t, a, albumOf(49), savedAt(49).Add(40*time.Second))
			if tc.later >= 0 {
				importSaved(t, a, homeAt(before+50+tc.later), savedAt(49+tc.later))
			}
			if tc.second {
				importSaved(t, a, homeAt(before+80), savedAt(79).Add(time.Hour))
				importSaved(t, a, window(30, 80), savedAt(79).Add(time.Hour+time.Minute))
			}
			m, err := a.LossMeter(context.Background(), "p")
			if err != nil {
				t.Fatal(err)
			}
			if m.Plays != tc.want {
				t.Errorf("plays %+v, want %+v", m.Plays, tc.want)
			}
			if m.PlaysSinceAlbum != tc.since || m.PhotosMayBeLost != max(tc.since-AlbumWindow, 0) {
				t.Errorf("album: %d plays since, %d photos may be lost; want %d, %d", m.PlaysSinceAlbum, m.PhotosMayBeLost, tc.since, max(tc.since-AlbumWindow, 0))
			}
			wantRecord := savedAt(49).Add(20 * time.Second)
			if tc.second {
				wantRecord = savedAt(79).Add(time.Hour + time.Minute)
			}
			if !m.RecordSaved.Equal(wantRecord) || !m.AlbumSaved.Equal(savedAt(49).Add(40*time.Second)) || m.Region != maimai.CN {
				t.Errorf("saved record %s, album %s, region %q", m.RecordSaved, m.AlbumSaved, m.Region)
			}
		})
	}
}

// TestLossMeterUnknown: without a play count the meter says so rather than
// guess, and an empty archive has no meter at all.
func TestLossMeterUnknown(t *testing.T) {
	a := openDB(t, "sqlite")
	m, err := a.LossMeter(context.Background(), "p")
	if err == nil {
		t.Errorf("meter of an unknown player: %+v", m)
	}
	importSaved(t, a, window(0, 50), playAt(49).PlayedAt.Add(time.Minute))
	if m, err = a.LossMeter(context.Background(), "p"); err != nil {
		t.Fatal(err)
	}
	if m.Plays.Known || m.PlayCount != 0 || m.RecordSaved.IsZero() || !m.AlbumSaved.IsZero() {
		t.Errorf("meter without a play count: %+v", m)
	}
}
