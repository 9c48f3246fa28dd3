package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/dxnet"
)

// playerList is GET /players: the players the caller may read.
type playerList struct {
	Players []playerName `json:"players"`
}

type playerName struct {
	Name  string `json:"name"`
	Owned bool   `json:"owned"` // the caller's own (its login owns it, or its token is of it)
}

func (a *API) players(w http.ResponseWriter, r *http.Request) {
	c, err := a.Caller(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := playerList{Players: []playerName{}}
	owned, public, err := a.a.VisiblePlayers(r.Context(), c.UserID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	seen := map[string]bool{}
	if c.Token != nil && c.Token.Scopes.Has(archive.ScopeRead) {
		owned = []string{c.Token.Player}
	}
	for _, p := range owned {
		out.Players, seen[p] = append(out.Players, playerName{Name: p, Owned: true}), true
	}
	for _, p := range public {
		if !seen[p] {
			out.Players = append(out.Players, playerName{Name: p})
		}
	}
	WriteJSON(w, http.StatusOK, out)
}

// profileAnswer is GET /players/{player}: who the player is in the game,
// from the newest saved profile page.
type profileAnswer struct {
	Name   string `json:"name"`
	Region string `json:"region"` // "" before the first saved page
	Plays  int    `json:"plays"`  // plays archived
	// Profile is the newest saved home, playerData or friend page; null
	// when none was saved.
	Profile *profileSnapshot `json:"profile"`
}

type profileSnapshot struct {
	ObservedAt time.Time `json:"observed_at"`
	Kind       string    `json:"kind"`
	dxnet.Profile
	FriendCode string `json:"friend_code,omitempty"`
}

func (a *API) profile(w http.ResponseWriter, r *http.Request, acc Access) {
	ctx := r.Context()
	out := profileAnswer{Name: acc.Player}
	region, err := a.a.PlayerRegion(ctx, acc.Player)
	if err != nil && !errors.Is(err, archive.ErrNotFound) {
		a.fail(w, r, err)
		return
	}
	out.Region = string(region)
	if out.Plays, err = a.a.CountPlays(ctx, acc.Player); err != nil {
		a.fail(w, r, err)
		return
	}
	h, err := a.a.Profile(ctx, acc.Player, 0, 1)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if len(h.Page) > 0 {
		s := h.Page[0]
		out.Profile = &profileSnapshot{ObservedAt: s.ObservedAt, Kind: string(s.Kind), Profile: s.Profile, FriendCode: s.FriendCode}
	}
	WriteJSON(w, http.StatusOK, out)
}
