package web

import (
	"fmt"
	"net/http"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// targetRow is one chart worth improving.
type targetRow struct {
	Title, Type, Diff, DiffKey, Level string
	Constant                          string
	ChartURL                          string
	Achievement, Rank                 string
	Rating                            int
	New, InTable                      bool
	Goal, GoalRank                    string
	GoalRating                        int
	Need                              string // "+0.2500%"
	Gain                              int
	PerTenth                          string // gain per 0.1% of achievement
	Card                              scoreCard
}

// targetsView is the charts where a small gain in achievement raises the
// rating most.
type targetsView struct {
	Known              bool
	Total              int
	NewFloor, OldFloor int
	Rows               []targetRow
	Pager              Pager
	At                 atView // the date picker: ?at= shows the targets of then
}

// maxTargets is how many targets the archive ranks; the page lists them
// listPageSize at a time.
const maxTargets = 500

func (s *Server) targets(w http.ResponseWriter, r *http.Request) {
	player := r.PathValue("player")
	at, ok := s.pageAt(w, r, player)
	if !ok {
		return
	}
	t, err := s.archive.RatingTargetsAt(r.Context(), player, at.Time, maxTargets)
	if err != nil {
		s.archiveFail(w, r, err)
		return
	}
	pg := newPager(r, listPageSize, len(t.Targets))
	v := targetsView{Known: t.Region != "", Total: t.Total, NewFloor: t.NewFloor, OldFloor: t.OldFloor, Pager: pg, At: at}
	for _, x := range t.Targets[pg.Offset():min(len(t.Targets), pg.Offset()+pg.Size)] {
		row := targetRow{Title: x.Title, Type: label(string(x.Type)), Diff: label(string(x.Difficulty)), DiffKey: string(x.Difficulty),
			Level: x.Level, Constant: x.Constant.String(), Achievement: x.Achievement.String() + "%", Rank: markLabel(string(x.Rank)),
			Rating: x.Rating, New: x.New, InTable: x.InTable, Goal: x.Goal.Achievement.String() + "%", GoalRank: markLabel(string(x.Goal.Rank)),
			GoalRating: x.Goal.Rating, Need: signedAchievement(x.Need), Gain: x.Gain,
			PerTenth: fmt.Sprintf("%.2f", float64(x.Gain)*1000/float64(x.Need))}
		row.ChartURL = chartPath(player, maimai.Chart{Title: x.Title, Type: x.Type, Difficulty: x.Difficulty})
		// The target under the card says where to aim, so the card leaves out its own next step.
		row.Card = entryCard(player, 0, x.RatingEntry, nil)
		row.Card.NextStep = ""
		v.Rows = append(v.Rows, row)
	}
	s.render(w, r, http.StatusOK, "targets", v)
}
