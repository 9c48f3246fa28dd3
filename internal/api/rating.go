package api

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

// dxRatingStart is the first day of DX rating anywhere (maimai でらっくす,
// JP, 2019-07-11): the web's rating page refuses an earlier ?at= alike.
var dxRatingStart = time.Date(2019, 7, 11, 0, 0, 0, 0, maimai.JP.Location())

// at reads ?at= for player: the zero time for now (also for a time not
// before now), else the moment asked. A player without saved pages has
// no region, so no rating at any time: not_found.
func (a *API) at(r *http.Request, player string) (time.Time, error) {
	region, err := a.region(r, player)
	if err != nil {
		return time.Time{}, err
	}
	raw := strings.TrimSpace(r.URL.Query().Get("at"))
	if raw == "" {
		return time.Time{}, nil
	}
	t, err := archive.ParseAt(raw, region)
	if err != nil {
		return time.Time{}, errBadRequest("at: " + err.Error())
	}
	if !t.Before(a.now()) {
		return time.Time{}, nil
	}
	if _, err := archive.RulesFor(region, t); err != nil || t.Before(dxRatingStart) {
		return time.Time{}, errBadRequest(fmt.Sprintf("at %s: there was no DX rating then; ask for a date from 2019-07-11 on", raw))
	}
	return t, nil
}

// region is the player's game region; a player without saved pages has
// none, so no rating, rating history or learned constants: not_found, as
// for the B50 (the archive's own error for it is no ErrNotFound).
func (a *API) region(r *http.Request, player string) (maimai.Region, error) {
	region, err := a.a.PlayerRegion(r.Context(), player)
	if errors.Is(err, archive.ErrNotFound) || (err == nil && region == "") {
		return "", errNotFound(fmt.Sprintf("player %q has no saved page yet, so no region and no rating: import a page first", player))
	}
	return region, err
}

// b50 is GET /players/{player}/b50: archive.Rating, the same value
// `maiprobe rating --json` prints and the web rating page shows.
func (a *API) b50(w http.ResponseWriter, r *http.Request, acc Access) {
	at, err := a.at(r, acc.Player)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	pr, err := a.a.Rating(r.Context(), acc.Player, at)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, pr)
}

// ratingHistoryAnswer is GET /players/{player}/rating-history.
type ratingHistoryAnswer struct {
	Points []archive.RatingPoint `json:"points"`
}

func (a *API) ratingHistory(w http.ResponseWriter, r *http.Request, acc Access) {
	if _, err := a.region(r, acc.Player); err != nil {
		a.fail(w, r, err)
		return
	}
	hist, err := a.a.RatingHistory(r.Context(), acc.Player)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if hist == nil {
		hist = []archive.RatingPoint{}
	}
	WriteJSON(w, http.StatusOK, ratingHistoryAnswer{Points: hist})
}

// plates is GET /players/{player}/plates: progress to every plate, now
// or ?at=.
func (a *API) plates(w http.ResponseWriter, r *http.Request, acc Access) {
	at, err := a.at(r, acc.Player)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	rep, err := a.a.PlatesAt(r.Context(), acc.Player, at)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, rep)
}

// target is one chart of GET /players/{player}/targets: the B50 entry,
// where it counts, and the goal with what it takes and gives.
type target struct {
	archive.RatingEntry
	New     bool       `json:"new"`
	InTable bool       `json:"in_table"`
	Goal    targetGoal `json:"goal"`
	// Need is the goal's achievement minus the best now; Gain how much
	// the player's total rises when the chart reaches the goal.
	Need maimai.Achievement `json:"need"`
	Gain int                `json:"gain"`
}

type targetGoal struct {
	Achievement maimai.Achievement `json:"achievement"`
	Rating      int                `json:"rating"`
	Rank        maimai.Rank        `json:"rank"`
}

type targetsAnswer struct {
	Region   maimai.Region `json:"region"`
	Total    int           `json:"total"`
	NewFloor int           `json:"new_floor"`
	OldFloor int           `json:"old_floor"`
	Targets  []target      `json:"targets"`
}

// maxTargets caps ?limit= of the targets.
const maxTargets = 200

func (a *API) targets(w http.ResponseWriter, r *http.Request, acc Access) {
	limit := 50
	if s := r.URL.Query().Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxTargets {
			a.fail(w, r, errBadRequest(fmt.Sprintf("limit %q: want a number from 1 to %d", s, maxTargets)))
			return
		}
		limit = n
	}
	at, err := a.at(r, acc.Player)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	t, err := a.a.RatingTargetsAt(r.Context(), acc.Player, at, limit)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := targetsAnswer{Region: t.Region, Total: t.Total, NewFloor: t.NewFloor, OldFloor: t.OldFloor, Targets: []target{}}
	for _, x := range t.Targets {
		out.Targets = append(out.Targets, target{RatingEntry: x.RatingEntry, New: x.New, InTable: x.InTable,
			Goal: targetGoal{Achievement: x.Goal.Achievement, Rating: x.Goal.Rating, Rank: x.Goal.Rank}, Need: x.Need, Gain: x.Gain})
	}
	WriteJSON(w, http.StatusOK, out)
}
