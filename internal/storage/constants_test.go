package storage

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// TestPlayRatings: a detail stored with a play or later gets a
// play_ratings row with the rating it printed, numbered per player in the
// order stored; a row whose rating is not known yet (a detail stored
// before migration 20) comes with the detail and is filled in once; the
// constants' state is inserted, then replaced, without moving the
// archive's version; deleting the plays takes the rows and raises the
// epoch. On every database.
func TestPlayRatings(t *testing.T) {
	OpenEach(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		at := time.Date(2025, 6, 2, 10, 0, 0, 0, time.UTC)
		var player int64
		var ids []int64
		var err error // the transaction's steps set it too
		err = db.Update(ctx, func(tx *Tx) error {
			if player, err = tx.EnsurePlayer(ctx, "rated", at); err != nil {
				return err
			}
			pg := Page{PlayerID: player, SHA256: "rated", Kind: "record", Region: "cn", Name: "r.html", Size: 1,
				ObservedAt: at, ImportedAt: at, Compression: "zstd", Data: []byte{1}}
			if _, err := tx.InsertPage(ctx, &pg); err != nil {
				return err
			}
			for i, detail := range []string{`{"rating":15012,"rating_delta":34}`, ""} {
				p := Play{PlayerID: player, PageID: pg.ID, Region: maimai.CN, IdxTime: at.Unix() + int64(i),
					Play: maimai.Play{Track: i + 1, PlayedAt: at.Add(time.Duration(i) * time.Minute),
						Chart: maimai.Chart{Title: "Song", Type: maimai.DX, Difficulty: maimai.Master}, Level: "13",
						Achievement: 1000000, Idx: fmt.Sprintf("%d,%d", i, at.Unix())}}
				if detail != "" {
					p.Detail = []byte(detail)
				}
				if _, err := tx.InsertPlay(ctx, &p); err != nil {
					return err
				}
				ids = append(ids, p.ID)
			}
			// The second play's detail comes later, as a detail page does.
			return tx.SetPlayDetail(ctx, ids[1], []byte(`{"rating":15020,"rating_delta":8}`), "", pg.ID)
		})
		if err != nil {
			t.Fatal(err)
		}
		read := func(after int64) (epoch, seq int64, plays []RatedPlay) {
			t.Helper()
			err := db.View(ctx, func(tx *Tx) error {
				var err error
				if epoch, seq, err = tx.RatingsStamp(ctx, player); err != nil {
					return err
				}
				plays, err = tx.RatedPlaysAfter(ctx, player, after)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return epoch, seq, plays
		}
		epoch, seq, plays := read(0)
		if seq != 2 || len(plays) != 2 {
			t.Fatalf("seq %d, %d rated plays; want 2, 2", seq, len(plays))
		}
		for i, want := range [][2]int{{15012, 34}, {15020, 8}} {
			p := plays[i]
			if p.ID != ids[i] || !p.Known || p.Rating != want[0] || p.Delta != want[1] || p.Seq != int64(i+1) || p.Detail != nil {
				t.Errorf("rated play %d: %+v, want id %d, seq %d, rating %v", i, p, ids[i], i+1, want)
			}
		}
		if _, _, after := read(1); len(after) != 1 || after[0].ID != ids[1] {
			t.Errorf("plays after seq 1: %+v, want the second only", after)
		}

		// As migration 20 leaves the details stored before it.
		if _, err := db.w.ExecContext(ctx, "UPDATE play_ratings SET rating = NULL, rating_delta = NULL"); err != nil {
			t.Fatal(err)
		}
		_, _, plays = read(0)
		if plays[0].Known || string(plays[0].Detail) != `{"rating":15012,"rating_delta":34}` {
			t.Fatalf("a rating not read yet: %+v, want its detail", plays[0])
		}
		plays[0].Rating, plays[0].Delta = 15012, 34
		plays[1].Rating, plays[1].Delta = 15020, 8
		v0, err := db.Version(ctx)
		if err != nil {
			t.Fatal(err)
		}
		err = db.Update(ctx, func(tx *Tx) error {
			if err := tx.FillPlayRatings(ctx, plays); err != nil {
				return err
			}
			if err := tx.PutConstantState(ctx, player, "one", []byte("first")); err != nil {
				return err
			}
			return tx.PutConstantState(ctx, player, "two", []byte("second"))
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, plays = read(0); !plays[0].Known || plays[0].Rating != 15012 || plays[1].Delta != 8 {
			t.Errorf("after filling: %+v", plays)
		}
		err = db.View(ctx, func(tx *Tx) error {
			stamp, err := tx.ConstantStamp(ctx, player)
			if err != nil {
				return err
			}
			s2, data, err := tx.ConstantState(ctx, player)
			if stamp != "two" || s2 != "two" || string(data) != "second" {
				t.Errorf("state %q %q %q, want two, two, second", stamp, s2, data)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if v, _ := db.Version(ctx); v != v0 {
			t.Errorf("derived data moved the archive's version from %d to %d", v0, v)
		}

		if err := db.Update(ctx, func(tx *Tx) error { return tx.DeleteDerived(ctx, player) }); err != nil {
			t.Fatal(err)
		}
		e2, s2, plays := read(0)
		if e2 != epoch+1 || s2 != seq || len(plays) != 0 {
			t.Errorf("after deleting the plays: epoch %d, seq %d, %d rated plays; want %d, %d, 0", e2, s2, len(plays), epoch+1, seq)
		}
	})
}
