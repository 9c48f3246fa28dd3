package archive

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/dxnet"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/storage/storagetest"
)

// TestPlaysByMonthInRegionClock: the overview counts plays by the month of
// the region's clock (CN UTC+8, intl and JP UTC+9), which the chart labels,
// not by the UTC month: a play in the first hours of a month is the new
// month's. On every database.
func TestPlaysByMonthInRegionClock(t *testing.T) {
	utc := func(mo time.Month, d, h, m int) time.Time { return time.Date(2025, mo, d, h, m, 0, 0, time.UTC) }
	cases := []struct {
		region maimai.Region
		plays  []time.Time
		want   map[time.Month]int // months of 2025 in the region's clock
	}{
		{maimai.CN, []time.Time{
			utc(10, 31, 15, 30), // 23:30 on 31 October in Beijing
			utc(10, 31, 16, 30), // 00:30 on 1 November
			utc(11, 30, 15, 59), // 23:59 on 30 November
			utc(11, 30, 17, 0),  // 01:00 on 1 December
		}, map[time.Month]int{10: 1, 11: 2, 12: 1}},
		{maimai.Intl, []time.Time{
			utc(10, 31, 14, 30), // 23:30 on 31 October in Tokyo
			utc(10, 31, 15, 30), // 00:30 on 1 November (still October in Beijing)
			utc(11, 30, 16, 0),  // 01:00 on 1 December
		}, map[time.Month]int{10: 1, 11: 1, 12: 1}},
	}
	for _, db := range storagetest.Databases {
		t.Run(db, func(t *testing.T) {
			a := openDB(t, db)
			ctx := context.Background()
			for _, c := range cases {
				page := &dxnet.RecordPage{Header: dxnet.Header{Kind: dxnet.KindRecord, Region: c.region}}
				for i := len(c.plays) - 1; i >= 0; i-- {
					p := playAt(i)
					p.PlayedAt = c.plays[i]
					p.Idx = fmt.Sprintf("%d,%d", len(page.Plays), p.PlayedAt.Unix())
					page.Plays = append(page.Plays, p)
				}
				player := "p-" + string(c.region)
				mustImport(t, a, player, "record.html", page, Added)
				o, err := a.Overview(ctx, player, 1)
				if err != nil {
					t.Fatal(err)
				}
				got := map[time.Month]int{}
				for _, m := range o.PlaysByMonth {
					start := time.Date(2025, m.Month.Month(), 1, 0, 0, 0, 0, c.region.Location())
					if !m.Month.Equal(start) || m.Month.Day() != 1 || m.Month.Hour() != 0 || m.Month.Year() != 2025 {
						t.Errorf("%s: month %v is not the first moment of a month in the region's clock", c.region, m.Month)
					}
					got[m.Month.Month()] = m.Plays
				}
				if fmt.Sprint(got) != fmt.Sprint(c.want) || o.Plays != len(c.plays) {
					t.Errorf("%s: plays by month %v (%d plays), want %v", c.region, got, o.Plays, c.want)
				}
			}
		})
	}
}
