package archive

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/dxnet"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/storage/storagetest"
)

// testNow is the clock of the synthetic tests.
var testNow = time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)

// openTest opens an archive at location with the test clock, closed at the
// end of the test.
func openTest(t testing.TB, location string) *Archive {
	t.Helper()
	a, err := Open(context.Background(), location)
	if err != nil {
		t.Fatal(err)
	}
	a.now = func() time.Time { return testNow }
	t.Cleanup(func() { a.Close() })
	return a
}

// openDB opens a fresh archive on db ("sqlite", "mysql", "postgres").
func openDB(t testing.TB, db string) *Archive {
	t.Helper()
	return openTest(t, storagetest.Location(t, db))
}

// playAt builds play number n of a synthetic history: plays are three
// minutes apart from base, four tracks a credit, charts cycling.
func playAt(n int) maimai.Play {
	at := time.Date(2025, 11, 1, 10, 0, 0, 0, time.UTC).Add(time.Duration(n) * 3 * time.Minute)
	diffs := []maimai.Difficulty{maimai.Basic, maimai.Advanced, maimai.Expert, maimai.Master, maimai.ReMaster}
	ach := maimai.Achievement(900000 + (n*7919)%110000) // 90% … 100.9999%
	return maimai.Play{
		Track:       n%4 + 1,
		PlayedAt:    at.Add(time.Duration(n%60) * time.Second),
		Chart:       maimai.Chart{Title: fmt.Sprintf("Song %d", n%37), Type: []maimai.ChartType{maimai.Std, maimai.DX}[n%2], Difficulty: diffs[n%5]},
		Level:       "12+",
		Achievement: ach,
		Rank:        maimai.RankOf(ach),
		DXScore:     1000 + n%500,
		DXScoreMax:  1800,
		FS:          maimai.Sync,
		Clear:       true,
		Jacket:      fmt.Sprintf("%016x.png", n%37),
	}
}

// window is the record page of plays from..to-1 as the site shows it at
// that moment: newest first, the idx position counting from the newest.
func window(from, to int) *dxnet.RecordPage {
	p := &dxnet.RecordPage{Header: dxnet.Header{Kind: dxnet.KindRecord, Region: maimai.CN}}
	for n := to - 1; n >= from; n-- {
		pl := playAt(n)
		pl.Idx = fmt.Sprintf("%d,%d", len(p.Plays), pl.PlayedAt.Unix())
		p.Plays = append(p.Plays, pl)
	}
	return p
}

// source makes a Source for a hand-built page: its bytes are the page's
// JSON, so different pages have different bytes.
func source(t testing.TB, name string, page dxnet.Page) Source {
	t.Helper()
	b, err := json.Marshal(page)
	if err != nil {
		t.Fatal(err)
	}
	return Source{Name: name, Data: b, ObservedAt: testNow.Add(-time.Hour)}
}

// mustImport imports a hand-built page and fails the test unless the
// result has the wanted status.
func mustImport(t testing.TB, a *Archive, player, name string, page dxnet.Page, want Status) Result {
	t.Helper()
	res := a.importPage(context.Background(), player, source(t, name, page), page)
	if res.Status != want {
		t.Fatalf("import %s: status %s (%v), want %s", name, res.Status, res.Err, want)
	}
	return res
}

func rowCounts(t testing.TB, a *Archive) map[string]int {
	t.Helper()
	c, err := a.RowCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func countPlays(t testing.TB, a *Archive, player string) int {
	t.Helper()
	n, err := a.CountPlays(context.Background(), player)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// judgements builds a judgement table of n notes, all critical perfect
// taps.
func judgements(n int) maimai.Judgements {
	return maimai.Judgements{Tap: &maimai.NoteJudgement{CriticalPerfect: n}}
}
