package web

import (
	"fmt"
	"net/http"
)

// targetRow is one chart worth improving: its score card and the goal
// shown under it.
type targetRow struct {
	Card           scoreCard
	New, InTable   bool
	Goal, GoalRank string
	GoalRating     int
	Need           string // "+0.2500%"
	Gain           int
	PerTenth       string // gain per 0.1% of achievement
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
		row := targetRow{New: x.New, InTable: x.InTable, Goal: x.Goal.Achievement.String() + "%", GoalRank: markLabel(string(x.Goal.Rank)),
			GoalRating: x.Goal.Rating, Need: signedAchievement(x.Need), Gain: x.Gain,
			PerTenth: fmt.Sprintf("%.2f", float64(x.Gain)*1000/float64(x.Need))}
		// The target under the card says where to aim, so the card leaves out its own next step.
		row.Card = entryCard(player, 0, x.RatingEntry, nil)
		row.Card.NextStep = ""
		v.Rows = append(v.Rows, row)
	}
	s.render(w, r, http.StatusOK, "targets", v)
}
