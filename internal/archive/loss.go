package archive

// RecordWindow is how many plays the site's record page keeps; AlbumWindow
// how many photos the album keeps.
const (
	RecordWindow = 50
	AlbumWindow  = 10
)

// LossInput is what the loss meter is computed from.
type LossInput struct {
	// PlayCount is the site's total play count now (home/ or playerData/);
	// 0 when the page did not show it.
	PlayCount int
	// SavedThrough is the number (1 = the player's first play) of the
	// newest archived play: 0 when nothing is archived, -1 when unknown.
	SavedThrough int
	// Archived is how many plays the archive holds.
	Archived int
	// Window is the site's window (RecordWindow; 0 means that).
	Window int
}

// Loss is the loss meter: what the site still holds that the archive does
// not, and what is gone for good.
type Loss struct {
	// Known is false when the play count or the newest archived play's
	// number is unknown; the other fields are then zero.
	Known bool `json:"known"`
	// Waiting is how many plays newer than the archive the window holds.
	Waiting int `json:"waiting"`
	// SlotsLeft is how many more plays push the oldest waiting one out.
	SlotsLeft int `json:"slots_left"`
	// LostSince is how many plays were pushed out of the window after the
	// newest archived one, unsaved.
	LostSince int `json:"lost_since"`
	// LostBefore is how many plays were made before the archive's first.
	LostBefore int `json:"lost_before"`
}

// LossOf computes the loss meter. The arithmetic: the plays after the
// newest archived one number PlayCount−SavedThrough; the window holds the
// newest Window of them, the rest are lost; the plays before the archive's
// first are SavedThrough−Archived (the archive is taken to be gapless), or
// all that left the window when nothing is archived yet.
func LossOf(in LossInput) Loss {
	w := in.Window
	if w <= 0 {
		w = RecordWindow
	}
	if in.PlayCount <= 0 || in.SavedThrough < 0 {
		return Loss{}
	}
	saved := min(in.SavedThrough, in.PlayCount)
	after := in.PlayCount - saved
	l := Loss{Known: true, Waiting: min(after, w)}
	l.SlotsLeft = w - l.Waiting
	if saved == 0 {
		// Nothing archived yet: what left the window was before the archive.
		l.LostBefore = after - l.Waiting
	} else {
		l.LostSince = after - l.Waiting
		l.LostBefore = max(saved-in.Archived, 0)
	}
	return l
}

// AlbumLoss is the album's loss meter: the album shows the newest
// AlbumWindow photos, newest first; saved tells which of them the archive
// has.
type AlbumLoss struct {
	// Waiting is how many photos of the album the archive lacks.
	Waiting int `json:"waiting"`
	// SlotsLeft is how many more photos push the oldest unsaved one out
	// (AlbumWindow when none waits).
	SlotsLeft int `json:"slots_left"`
}

// AlbumLossOf computes the album's loss meter from the album's photos,
// newest first, each true when archived.
func AlbumLossOf(savedNewestFirst []bool) AlbumLoss {
	l := AlbumLoss{SlotsLeft: AlbumWindow}
	for i, ok := range savedNewestFirst {
		if !ok {
			l.Waiting++
			// The photo at position i (0 = newest) leaves the album after
			// AlbumWindow−i more photos.
			l.SlotsLeft = max(AlbumWindow-i-1, 0)
		}
	}
	return l
}
