package api

import (
	"fmt"
	"net/http"

	"github.com/maiprobe/maiprobe/internal/query"
	"github.com/maiprobe/maiprobe/internal/rival"
)

// rivalAnswer is GET /players/{player}/rival?with=OTHER: both players'
// bests per chart, one page of the rows and the summary over all.
type rivalAnswer struct {
	Me      string        `json:"me"`
	Rival   string        `json:"rival"`
	Summary rival.Summary `json:"summary"`
	Total   int           `json:"total"`
	Page    int           `json:"page"`
	PerPage int           `json:"per_page"`
	Rows    []rival.Row   `json:"rows"`
}

// rival compares the path's player with ?with=, on the charts the song
// filters keep. The other player must be readable too: public, or owned
// by the caller's login. A token reads its own player only, so with one
// the other must be public. A rival the caller may not read is answered
// as one that does not exist.
func (a *API) rival(w http.ResponseWriter, r *http.Request, acc Access) {
	other := r.URL.Query().Get("with")
	if other == "" {
		a.fail(w, r, errBadRequest("name the player to compare with: ?with=NAME (to compare with a diving-fish or Lxns export, import it into a player of its own first)"))
		return
	}
	if other == acc.Player {
		a.fail(w, r, errBadRequest("compare with another player, not the same one"))
		return
	}
	c := acc.Caller
	if c.Token != nil {
		// The token does not speak for the other player: read it as
		// nobody would.
		c = Caller{IP: c.IP}
	}
	if err := a.May(r.Context(), c, other); err != nil {
		// A private rival reads as a missing one, as on the web's rival
		// page: a different answer would tell who has a private archive.
		if _, ok := err.(*Error); ok {
			err = errNotFound(fmt.Sprintf("no player %q to compare with: there is none, or it is private and not yours (a private player is compared with only while logged in as its owner; a token reads its own player only)", other))
		}
		a.fail(w, r, err)
		return
	}
	page, per, err := filteredPaging(r, query.CheckSongFilter)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	cmp, err := rival.Load(r.Context(), a.a, acc.Player, other, query.SongFilter(r.URL.Query()))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := rivalAnswer{Me: cmp.Me, Rival: cmp.Rival, Summary: cmp.Summary, Total: len(cmp.Rows), Page: page, PerPage: per, Rows: []rival.Row{}}
	if from := (page - 1) * per; from < len(cmp.Rows) {
		out.Rows = cmp.Rows[from:min(from+per, len(cmp.Rows))]
	}
	WriteJSON(w, http.StatusOK, out)
}
