package web

import (
	"net/http"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
)

// lossView is the overview's loss meter (archive.LossMeter) as sentences'
// numbers: when the record and album pages were last saved, and what the
// site's 50-play and 10-photo windows may have pushed out since.
type lossView struct {
	// Level is ok, warn or lost: how urgent saving is (the section's
	// colour).
	Level                  string
	RecordSaved, RecordAgo string // "" when no record page was saved
	CountAt                string // when the newest play count was saved
	PlayCount              int
	Known                  bool // the waiting plays could be counted
	Waiting, SlotsLeft     int
	Lost, LostBefore       int
	AlbumSaved, AlbumAgo   string // "" when no album page was saved
	PlaysSinceAlbum        int
	PhotosMayBeLost        int
	PhotoPlaysLeft         int // plays before a photo can leave the album
}

func newLossView(r *http.Request, m archive.LossMeter, now time.Time) lossView {
	v := lossView{Level: "ok", Known: m.Plays.Known, Waiting: m.Plays.Waiting, SlotsLeft: m.Plays.SlotsLeft,
		Lost: m.Plays.LostSince, LostBefore: m.Plays.LostBefore, PlayCount: m.PlayCount,
		PlaysSinceAlbum: m.PlaysSinceAlbum, PhotosMayBeLost: m.PhotosMayBeLost,
		PhotoPlaysLeft: max(archive.AlbumWindow-m.PlaysSinceAlbum, 0)}
	if !m.RecordSaved.IsZero() {
		v.RecordSaved, v.RecordAgo = localTime(m.RecordSaved, m.Region), ago(r, now.Sub(m.RecordSaved))
	}
	if !m.CountAt.IsZero() {
		v.CountAt = localTime(m.CountAt, m.Region)
	}
	if !m.AlbumSaved.IsZero() {
		v.AlbumSaved, v.AlbumAgo = localTime(m.AlbumSaved, m.Region), ago(r, now.Sub(m.AlbumSaved))
	}
	switch {
	case v.Lost > 0 || v.Known && v.SlotsLeft == 0 && v.Waiting > 0 || m.PhotosMayBeLost > 0:
		v.Level = "lost"
	case v.RecordSaved == "" || !v.Known || v.Waiting >= 40:
		v.Level = "warn"
	}
	return v
}

// ago is how long ago in the page's language: minutes under two hours,
// hours under two days, days after.
func ago(r *http.Request, d time.Duration) string {
	switch {
	case d < 0:
		d = 0
		fallthrough
	case d < 2*time.Hour:
		return textf(r, "loss.ago_minutes", int(d/time.Minute))
	case d < 48*time.Hour:
		return textf(r, "loss.ago_hours", int(d/time.Hour))
	}
	return textf(r, "loss.ago_days", int(d/(24*time.Hour)))
}

// textf is text with fmt arguments.
func textf(r *http.Request, key string, args ...any) string {
	cats, err := texts()
	if err != nil {
		return key
	}
	return cats[state(r).Lang].translate(key, args...)
}
