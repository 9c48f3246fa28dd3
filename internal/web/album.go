package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/maiprobe/maiprobe/internal/archive"
)

// photoView is one album photo.
type photoView struct {
	ImageURL                         string
	When, Title, Type, Diff, DiffKey string
	Level, Place, ChartURL           string
}

// albumView is the album, newest first.
type albumView struct {
	Total  int
	Photos []photoView
	Pager  Pager
}

// albumPageSize is how many photos a page shows.
const albumPageSize = 24

func (s *Server) album(w http.ResponseWriter, r *http.Request) {
	player := r.PathValue("player")
	want := requestedPage(r)
	list, err := s.archive.Photos(r.Context(), player, (want-1)*albumPageSize, albumPageSize)
	if err != nil {
		s.archiveFail(w, r, err)
		return
	}
	pg := newPager(r, albumPageSize, list.Total)
	if pg.Page != want {
		if list, err = s.archive.Photos(r.Context(), player, pg.Offset(), pg.Size); err != nil {
			s.archiveFail(w, r, err)
			return
		}
	}
	// Times in the region's clock, as the plays show theirs: a player's
	// pages are one in-game player's, so of one region.
	region, err := s.archive.PlayerRegion(r.Context(), player)
	if err != nil && !errors.Is(err, archive.ErrNotFound) {
		s.archiveFail(w, r, err)
		return
	}
	v := albumView{Total: list.Total, Pager: pg}
	for _, p := range list.Photos {
		pv := photoView{When: localTime(p.TakenAt, region), Title: p.Title, Type: label(string(p.Type)),
			Diff: label(string(p.Difficulty)), DiffKey: string(p.Difficulty), Level: p.Level, Place: p.Place}
		// The image stays on the site; only https links are shown, so a
		// page cannot make the browser fetch something else.
		if strings.HasPrefix(p.ImageURL, "https://") {
			pv.ImageURL = p.ImageURL
		}
		if p.Title != "" {
			pv.ChartURL = chartPath(player, p.Chart)
		}
		v.Photos = append(v.Photos, pv)
	}
	s.render(w, r, http.StatusOK, "album", v)
}
