package storage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/analysis"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/storage"
)

// TestJudgementTotals: plays with a detail add to their player's sums by
// month (in the region's clock) and chart as they are stored, whatever
// order they arrive in; a chart's level is its newest play's (equal
// times: the greater label); a chart with no link counts as unlinked; a
// reparse's DeleteDerived takes the sums with the plays.
func TestJudgementTotals(t *testing.T) {
	storage.OpenEach(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		chart := maimai.Chart{Title: "Unlinked & 'quoted'", Type: maimai.DX, Difficulty: maimai.Master}
		row := func(great, miss int) maimai.NoteJudgement {
			return maimai.NoteJudgement{CriticalPerfect: 300 - great - miss, Great: great, Miss: miss}
		}
		// Stored newest first: 16:30 UTC on 31 May is 1 June in China.
		plays := []struct {
			at    time.Time
			level string
			ach   maimai.Achievement
			great int
		}{
			{time.Date(2025, 6, 2, 10, 0, 0, 0, time.UTC), "13", 1002000, 4},
			{time.Date(2025, 6, 2, 10, 0, 0, 0, time.UTC), "13+", 1003000, 3},
			{time.Date(2025, 5, 31, 16, 30, 0, 0, time.UTC), "12+", 995000, 9},
			{time.Date(2025, 5, 20, 9, 0, 0, 0, time.UTC), "14", 990000, 12},
		}
		var want analysis.Totals
		wantMonth := map[string]analysis.Totals{}
		var player int64
		var err error // the transaction's steps set it too
		err = db.Update(ctx, func(tx *storage.Tx) error {
			if player, err = tx.EnsurePlayer(ctx, "judged", plays[0].at); err != nil {
				return err
			}
			pg := storage.Page{PlayerID: player, SHA256: "judged", Kind: "record", Region: "cn", Name: "r.html", Size: 1,
				ObservedAt: plays[0].at, ImportedAt: plays[0].at, Compression: "zstd", Data: []byte{1}}
			if _, err := tx.InsertPage(ctx, &pg); err != nil {
				return err
			}
			for i, p := range plays {
				d := maimai.PlayDetail{Judgements: maimai.Judgements{Tap: ptr(row(p.great, 1)), Break: ptr(row(0, 0))}, Fast: i, Late: 2 * i}
				enc := analysis.Encode(d)
				sp := storage.Play{PlayerID: player, PageID: pg.ID, Region: maimai.CN, IdxTime: p.at.Unix() + int64(i), Detail: []byte(`{}`),
					Judgements: enc, Play: maimai.Play{Track: i + 1, PlayedAt: p.at, Chart: chart, Level: p.level, Achievement: p.ach,
						Rank: maimai.RankOf(p.ach), Idx: fmt.Sprintf("%d,%d", i, p.at.Unix())}}
				if _, err := tx.InsertPlay(ctx, &sp); err != nil {
					return err
				}
				tab, fast, late, err := analysis.Decode(enc)
				if err != nil {
					return err
				}
				tot := analysis.TotalsOf(tab, p.ach, fast, late)
				want.Add(tot)
				m := wantMonth[storage.MonthKey(p.at, maimai.CN)]
				m.Add(tot)
				wantMonth[storage.MonthKey(p.at, maimai.CN)] = m
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(wantMonth) != 2 || wantMonth["2025-06"].Plays != 3 {
			t.Fatalf("test's months %v: want June (China) to hold three plays", wantMonth)
		}
		err = db.View(ctx, func(tx *storage.Tx) error {
			judged, ok, rows, err := tx.JudgementState(ctx, player)
			if err != nil || !ok || judged != 4 || rows != 4 {
				t.Errorf("state %d (%v) of %d rows, %v; want 4 of 4", judged, ok, rows, err)
			}
			months, err := tx.JudgementMonths(ctx, player)
			if err != nil || len(months) != 2 {
				t.Fatalf("months %+v, %v", months, err)
			}
			for _, m := range months {
				if m.Totals != wantMonth[m.Month] {
					t.Errorf("month %s: %+v, want %+v", m.Month, m.Totals, wantMonth[m.Month])
				}
			}
			top, err := tx.JudgementTopCharts(ctx, player, 20)
			if err != nil || len(top) != 1 {
				t.Fatalf("charts %+v, %v", top, err)
			}
			if g := top[0]; g.Chart != chart || g.Level != "13+" || !g.LastAt.Equal(plays[0].at) || g.Totals != want {
				t.Errorf("chart %+v, want %v at 13+ (the newest play's, the greater of two at one time), last %v, %+v", g, chart, plays[0].at, want)
			}
			levels, err := tx.JudgementLevels(ctx, player)
			if err != nil || len(levels) != 1 || levels[0].Level != "13+" || levels[0].Unlinked != 1 || levels[0].Totals != want {
				t.Errorf("levels %+v, %v; want all at 13+, one chart unlinked", levels, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.Update(ctx, func(tx *storage.Tx) error {
			if err := tx.DeleteDerived(ctx, player); err != nil {
				return err
			}
			judged, ok, rows, err := tx.JudgementState(ctx, player)
			top, err2 := tx.JudgementTopCharts(ctx, player, 20)
			if err != nil || err2 != nil || ok || judged != 0 || rows != 0 || len(top) != 0 {
				t.Errorf("after DeleteDerived: state %d (%v) of %d rows, %d charts, %v %v", judged, ok, rows, len(top), err, err2)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func ptr[T any](v T) *T { return &v }
