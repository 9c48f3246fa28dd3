package api

// routes registers every endpoint, one line each; the handlers live in
// the file of their noun. Every one is described in openapi.json.
func (a *API) routes() {
	a.handle("GET /api/v1/openapi.json", a.openAPI)
	a.handle("GET /api/v1/players", a.players)
	a.player("GET /api/v1/players/{player}", a.profile)
	a.player("GET /api/v1/players/{player}/b50", a.b50)
	a.player("GET /api/v1/players/{player}/rating-history", a.ratingHistory)
	a.player("GET /api/v1/players/{player}/bests", a.bests)
	a.player("GET /api/v1/players/{player}/plays", a.plays)
	a.player("GET /api/v1/players/{player}/plays/{id}", a.play)
	a.player("GET /api/v1/players/{player}/chart", a.chart)
	a.player("GET /api/v1/players/{player}/plates", a.plates)
	a.player("GET /api/v1/players/{player}/targets", a.targets)
	a.player("GET /api/v1/players/{player}/constants", a.constants)
	a.player("GET /api/v1/players/{player}/analysis", a.analysis)
	a.player("GET /api/v1/players/{player}/line", a.line)
	a.player("GET /api/v1/players/{player}/rival", a.rival)
	a.player("GET /api/v1/players/{player}/milestones", a.milestones)
	a.player("GET /api/v1/players/{player}/visits/{id}", a.visit)
	a.player("GET /api/v1/players/{player}/years", a.years)
	a.player("GET /api/v1/players/{player}/years/{year}", a.year)
	a.player("GET /api/v1/players/{player}/attempts", a.attempts)
	a.player("GET /api/v1/players/{player}/stale", a.stale)
}
