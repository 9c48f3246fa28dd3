package api

import "net/http"

// constants is GET /players/{player}/constants: archive.ConstantEstimates,
// the same value `maiprobe constants --json` prints and the web's
// constants page shows (docs/constants.md).
func (a *API) constants(w http.ResponseWriter, r *http.Request, acc Access) {
	if _, err := a.region(r, acc.Player); err != nil {
		a.fail(w, r, err)
		return
	}
	rep, err := a.a.ConstantEstimates(r.Context(), acc.Player)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, rep)
}
