package archive

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/dxnet"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/storage/storagetest"
)

// TestFetchState runs the fetcher's state (photo images, fetch runs,
// detailed plays) on every configured database.
func TestFetchState(t *testing.T) {
	storagetest.Run(t, func(t *testing.T, location string) {
		ctx := context.Background()
		a := openTest(t, location)
		const url = "https://maimai.wahlap.com/maimai-mobile/img/photo/2c7e9a41f0b35d68.jpg"
		img := PhotoImage{URL: url, ContentType: "image/jpeg", Data: []byte{0xff, 0xd8, 1, 2, 3}}
		for i, want := range []bool{true, false} {
			added, err := a.StorePhotoImage(ctx, "p", img)
			if err != nil || added != want {
				t.Fatalf("store %d: added %v, %v; want %v", i+1, added, err, want)
			}
		}
		got, err := a.PhotoImage(ctx, "p", url)
		if err != nil || string(got.Data) != string(img.Data) || got.ContentType != "image/jpeg" {
			t.Errorf("read back %+v, %v", got, err)
		}
		if _, err := a.PhotoImage(ctx, "p", url+"x"); !errors.Is(err, ErrNotFound) {
			t.Errorf("missing image: %v", err)
		}
		urls, err := a.PhotoImageURLs(ctx, "p")
		if err != nil || len(urls) != 1 || !urls[url] {
			t.Errorf("urls %v, %v", urls, err)
		}
		if urls, err := a.PhotoImageURLs(ctx, "nobody"); err != nil || len(urls) != 0 {
			t.Errorf("unknown player: %v, %v", urls, err)
		}

		if _, err := a.LastFetchRun(ctx, "p", "cn"); !errors.Is(err, ErrNotFound) {
			t.Errorf("no run yet: %v", err)
		}
		r := FetchRun{Region: "cn", StartedAt: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)}
		if err := a.SaveFetchRun(ctx, "p", &r); err != nil || r.ID == 0 {
			t.Fatalf("insert run: %v (id %d)", err, r.ID)
		}
		r.Steps, r.PlayCount, r.NewestPlayAt = "home/,record/", 7546, time.Date(2026, 11, 1, 11, 0, 17, 0, time.UTC)
		if err := a.SaveFetchRun(ctx, "p", &r); err != nil {
			t.Fatal(err)
		}
		last, err := a.LastFetchRun(ctx, "p", "cn")
		if err != nil || last.ID != r.ID || last.Steps != "home/,record/" || last.PlayCount != 7546 ||
			!last.NewestPlayAt.Equal(r.NewestPlayAt) || !last.FinishedAt.IsZero() {
			t.Errorf("last run %+v, %v", last, err)
		}
		r2 := FetchRun{Region: "cn", StartedAt: r.StartedAt.Add(time.Hour), FinishedAt: r.StartedAt.Add(2 * time.Hour)}
		if err := a.SaveFetchRun(ctx, "p", &r2); err != nil {
			t.Fatal(err)
		}
		if last, err := a.LastFetchRun(ctx, "p", "cn"); err != nil || last.ID != r2.ID || !last.FinishedAt.Equal(r2.FinishedAt) {
			t.Errorf("newest run %+v, %v", last, err)
		}
		if _, err := a.LastFetchRun(ctx, "p", "intl"); !errors.Is(err, ErrNotFound) {
			t.Errorf("other region: %v", err)
		}

		// DetailedPlays tells plays with details from those without.
		page := window(0, 3)
		mustImport(t, a, "p", "record", page, Added)
		times := []int64{IdxTime(page.Plays[0].Idx), IdxTime(page.Plays[1].Idx), IdxTime(page.Plays[2].Idx)}
		have, err := a.DetailedPlays(ctx, "p", times)
		if err != nil || len(have) != 0 {
			t.Errorf("before details: %v, %v", have, err)
		}
		detail := &dxnet.PlaylogDetailPage{Header: dxnet.Header{Kind: dxnet.KindPlaylogDetail, Region: maimai.CN},
			Play: page.Plays[1], Detail: maimai.PlayDetail{Judgements: judgements(600)}}
		detail.Play.Idx = ""
		mustImport(t, a, "p", "detail", detail, Added)
		have, err = a.DetailedPlays(ctx, "p", times)
		if err != nil || len(have) != 1 || !have[times[1]] {
			t.Errorf("after one detail: %v, %v; want only %d", have, err, times[1])
		}
	})
}

func TestIdxTime(t *testing.T) {
	for in, want := range map[string]int64{"26,1763819495": 1763819495, "": 0, "abc": 0, "1,x": 0, " 3 , 1700000000": 1700000000} {
		if got := IdxTime(in); got != want {
			t.Errorf("IdxTime(%q) = %d, want %d", in, got, want)
		}
	}
}
