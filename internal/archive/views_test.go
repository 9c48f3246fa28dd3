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

// viewDay is the first day of the views' synthetic history.
var viewDay = time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC)

// recordOf is a record page of plays given oldest first.
func recordOf(plays ...maimai.Play) *dxnet.RecordPage {
	p := &dxnet.RecordPage{Header: dxnet.Header{Kind: dxnet.KindRecord, Region: maimai.CN}}
	for i := len(plays) - 1; i >= 0; i-- {
		pl := plays[i]
		pl.Idx = fmt.Sprintf("%d,%d", len(p.Plays), pl.PlayedAt.Unix())
		p.Plays = append(p.Plays, pl)
	}
	return p
}

func viewPlay(at time.Duration, title string, ach maimai.Achievement, dx int, fc maimai.FC) maimai.Play {
	return maimai.Play{Track: 1, PlayedAt: viewDay.Add(at), Chart: maimai.Chart{Title: title, Type: maimai.DX, Difficulty: maimai.Master},
		Achievement: ach, Rank: maimai.RankOf(ach), DXScore: dx, DXScoreMax: 3000, FC: fc, Clear: true}
}

// importAt imports a hand-built page saved at a given time.
func importAt(t *testing.T, a *Archive, page dxnet.Page, at time.Time) {
	t.Helper()
	b, err := json.Marshal(page)
	if err != nil {
		t.Fatal(err)
	}
	res := a.importPage(context.Background(), "viewer", Source{Name: fmt.Sprint(page.Head().Kind, at.Unix()), Data: b, ObservedAt: at}, page)
	if res.Status != Added {
		t.Fatalf("import %s: %s %v", page.Head().Kind, res.Status, res.Err)
	}
}

func home(rating int) *dxnet.HomePage {
	return &dxnet.HomePage{Header: dxnet.Header{Kind: dxnet.KindHome, Region: maimai.CN}, Profile: dxnet.Profile{Name: "VIEWER", Rating: rating, Stars: 3}}
}

// viewArchive: visit A on day 1 at 10:00 (Link three times: first, better,
// worse), visit B at 14:00 (Oshama, with a detail saying the rating after),
// visit C on day 2 (Link) between home snapshots, visit D on day 4 with a
// snapshot only after visit E on day 5.
func viewArchive(t *testing.T) *Archive {
	a := openTest(t, t.TempDir()+"/views.db")
	h := time.Hour
	importAt(t, a, recordOf(
		viewPlay(10*h, "Link", 975000, 2500, maimai.NoFC),
		viewPlay(10*h+4*time.Minute, "Link", 990500, 2600, maimai.FCN),
		viewPlay(10*h+8*time.Minute, "Link", 985000, 2650, maimai.NoFC),
		viewPlay(14*h, "Oshama Scramble!", 1002000, 2800, maimai.FCP),
		viewPlay(34*h, "Link", 995000, 2700, maimai.FCN),
		viewPlay(82*h, "Link", 996000, 2710, maimai.FCN),
		viewPlay(106*h, "Link", 997000, 2720, maimai.FCN),
	), viewDay.Add(107*h))
	detail := &dxnet.PlaylogDetailPage{Header: dxnet.Header{Kind: dxnet.KindPlaylogDetail, Region: maimai.CN},
		Play:   viewPlay(14*h, "Oshama Scramble!", 1002000, 2800, maimai.FCP),
		Detail: maimai.PlayDetail{Judgements: judgements(1000), Rating: 12345, RatingDelta: 12}}
	importAt(t, a, detail, viewDay.Add(107*h))
	importAt(t, a, home(12345), viewDay.Add(20*h))
	importAt(t, a, home(12360), viewDay.Add(40*h))
	importAt(t, a, home(12400), viewDay.Add(110*h))
	return a
}

func TestListPlaysMarksDetail(t *testing.T) {
	a := viewArchive(t)
	list, err := a.ListPlays(context.Background(), "viewer", PlayFilter{}, 0, 50)
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Plays) != 7 {
		t.Fatalf("%d plays listed, want 7", len(list.Plays))
	}
	for _, p := range list.Plays {
		t.Run(p.PlayedAt.Format(time.DateTime), func(t *testing.T) {
			// Only visit B's Oshama Scramble! has a detail page.
			want := p.Title == "Oshama Scramble!"
			if p.HasDetail != want {
				t.Errorf("%s: HasDetail %v, want %v", p.Title, p.HasDetail, want)
			}
			if p.Detail != nil {
				t.Error("the list carries the detail itself")
			}
		})
	}
}

func TestViewsDiff(t *testing.T) {
	a := viewArchive(t)
	ctx := context.Background()
	list, err := a.Diff(ctx, "viewer", PlayFilter{Title: "link"}, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if list.Total != 6 || len(list.Rows) != 6 {
		t.Fatalf("diff of Link: %d rows of %d, want 6", len(list.Rows), list.Total)
	}
	// Newest first: the last three are visit A's plays.
	first, better, worse := list.Rows[5], list.Rows[4], list.Rows[3]
	if !first.First || !first.NewBest || first.Before != (Best{}) {
		t.Errorf("first play: %+v, want First", first.Change)
	}
	if better.First || !better.NewBest || better.Before.Achievement != 975000 || better.AchievementDelta != 15500 ||
		better.RankDelta != 1 || better.FCDelta != 1 || better.DXScoreDelta != 100 {
		t.Errorf("improvement: %+v, want +1.5500%% S→SS, FC up, DX +100", better.Change)
	}
	if worse.NewBest != true || worse.AchievementDelta != -5500 || worse.RankDelta != -1 || worse.FCDelta != -1 || worse.DXScoreDelta != 50 {
		t.Errorf("worse play with a better DX score: %+v", worse.Change)
	}
	if worse.Before.Achievement != 990500 || worse.Before.FC != maimai.FCN {
		t.Errorf("best before the third play = %+v, want 99.0500%% FC", worse.Before)
	}
	// A page deeper in the list sees the plays before it that are not on
	// the page.
	page, err := a.Diff(ctx, "viewer", PlayFilter{Title: "link"}, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Rows) != 1 || page.Rows[0].Before.Achievement != 990500 {
		t.Errorf("offset 3: %+v, want the best before as 99.0500%%", page.Rows)
	}
}

func TestViewsVisits(t *testing.T) {
	a := viewArchive(t)
	ctx := context.Background()
	list, err := a.Visits(ctx, "viewer", 0, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range list.Visits {
		rating := "unknown"
		if v.RatingKnown {
			rating = fmt.Sprintf("%d→%d", v.RatingBefore, v.RatingAfter)
		}
		got = append(got, fmt.Sprintf("%s %d plays %d bests %s", v.Start.Format("02 15:04"), v.Plays, len(v.NewBests), rating))
	}
	want := []string{
		"05 10:00 1 plays 1 bests unknown",     // visit E: no snapshot before it after D, none after it
		"04 10:00 1 plays 1 bests unknown",     // visit D: the snapshot after it is after visit E
		"02 10:00 1 plays 1 bests 12345→12360", // visit C: home snapshots around it
		"01 14:00 1 plays 1 bests 12333→12345", // visit B: the play detail's rating and change
		"01 10:00 3 plays 3 bests unknown",     // visit A: nothing before it
	}
	if fmt.Sprint(got) != fmt.Sprint(want) || list.Total != 5 {
		t.Errorf("visits (%d):\n%q\nwant\n%q", list.Total, got, want)
	}
	// A longer gap joins visits A and B.
	joined, err := a.Visits(ctx, "viewer", 5*time.Hour, 4, 10)
	if err != nil {
		t.Fatal(err)
	}
	if joined.Total != 4 || len(joined.Visits) != 0 {
		t.Errorf("5-hour gap: %d visits, offset 4 lists %d; want 4 and 0", joined.Total, len(joined.Visits))
	}
	joined, _ = a.Visits(ctx, "viewer", 5*time.Hour, 3, 10)
	if len(joined.Visits) != 1 || joined.Visits[0].Plays != 4 {
		t.Errorf("5-hour gap: the first visit has %+v, want 4 plays", joined.Visits)
	}
}

func TestViewsChartAndOverview(t *testing.T) {
	a := viewArchive(t)
	ctx := context.Background()
	link := maimai.Chart{Title: "Link", Type: maimai.DX, Difficulty: maimai.Master}
	c, err := a.Chart(ctx, "viewer", link)
	if err != nil {
		t.Fatal(err)
	}
	if c.Best == nil || c.Best.Achievement != 997000 || len(c.Plays) != 6 || !c.Plays[0].First || c.Plays[1].AchievementDelta != 15500 {
		t.Errorf("chart: best %+v, %d plays", c.Best, len(c.Plays))
	}
	if len(c.History) < 4 || c.History[0].Achievement != 975000 {
		t.Errorf("chart history = %+v", c.History)
	}
	if _, err := a.Chart(ctx, "viewer", maimai.Chart{Title: "Nope", Type: maimai.DX, Difficulty: maimai.Master}); err == nil {
		t.Error("an unplayed chart was found")
	}
	pv, err := a.PlayByID(ctx, "viewer", c.Plays[1].ID)
	if err != nil || pv.Play.Achievement != 990500 || len(pv.Chart.Plays) != 6 {
		t.Errorf("play by id: %+v, %v", pv.Play, err)
	}
	o, err := a.Overview(ctx, "viewer", 2)
	if err != nil {
		t.Fatal(err)
	}
	if o.Plays != 7 || o.Profile == nil || o.Profile.Rating != 12400 || len(o.Points) != 3 {
		t.Errorf("overview: %d plays, profile %+v", o.Plays, o.Profile)
	}
	if len(o.Recent) != 2 || o.Recent[0].Achievement != 997000 {
		t.Errorf("overview: recent plays %+v", o.Recent)
	}
	if len(o.PlaysByMonth) != 1 || o.PlaysByMonth[0].Plays != 7 || o.Latest == nil || o.Latest.Start.Day() != 5 {
		t.Errorf("overview: months %+v, latest %+v", o.PlaysByMonth, o.Latest)
	}
	h, err := a.Profile(ctx, "viewer", 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Points) != 3 || h.Points[0].Rating != 12345 || len(h.Page) != 1 || h.Page[0].Rating != 12360 || h.Page[0].Name != "VIEWER" {
		t.Errorf("profile history: points %+v, page %+v", h.Points, h.Page)
	}
	if _, err := a.Overview(ctx, "nobody", 2); err == nil {
		t.Error("an unknown player has an overview")
	}
}
