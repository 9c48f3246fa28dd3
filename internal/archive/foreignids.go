package archive

import (
	"context"
	"fmt"

	"github.com/maiprobe/maiprobe/internal/interchange"
)

// nameByID names the records of a file that name their song by the
// official music id only (a Tachi score matched by inGameID, as maiprobe's
// own Tachi export writes them) with the site's title from the player's
// region's song data. A
// record whose id the song data does not know, or whose chart type is not
// that song's, refuses the file: a best cannot be kept without its chart.
func (m *merger) nameByID(ctx context.Context, f *interchange.File) error {
	var set *chartSet
	for i := range f.Records {
		r := &f.Records[i]
		if r.Title != "" || r.SongID == 0 {
			continue
		}
		if set == nil {
			region, err := m.tx.PlayerRegion(ctx, m.player)
			if err != nil {
				return fmt.Errorf("%w: %s record %d names song id %d only, and the player's region (whose song data names it) is not known yet: import a page of the player first",
					ErrMisparsed, f.Format, i+1, r.SongID)
			}
			if set, err = loadCharts(ctx, m.tx, region); err != nil {
				return err
			}
		}
		s := set.db.Song(r.SongID)
		if s == nil {
			return fmt.Errorf("%w: %s record %d: song id %d is not in the song data: run maiprobe songs sync, then import the file again",
				ErrMisparsed, f.Format, i+1, r.SongID)
		}
		if s.Type != r.Type || s.Chart(r.Difficulty) == nil {
			return fmt.Errorf("%w: %s record %d: song id %d (%s) has no %s %s chart", ErrMisparsed, f.Format, i+1, r.SongID, s.Title, r.Type, r.Difficulty)
		}
		// The site's title, and no genre: the records of the other
		// formats carry none either, and a genre in another wording than
		// the pages' would file the best apart from theirs.
		r.Title = cmpOr(s.SiteTitle, s.Title)
	}
	return nil
}
