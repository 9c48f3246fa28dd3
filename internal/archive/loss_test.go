package archive

import "testing"

func TestLossOf(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   LossInput
		want Loss
	}{
		{"no play count", LossInput{PlayCount: 0, SavedThrough: 10, Archived: 10}, Loss{}},
		{"newest archived play unknown", LossInput{PlayCount: 100, SavedThrough: -1, Archived: 10}, Loss{}},
		{"empty archive, young player", LossInput{PlayCount: 12}, Loss{Known: true, Waiting: 12, SlotsLeft: 38}},
		{"empty archive, window full", LossInput{PlayCount: 7546}, Loss{Known: true, Waiting: 50, LostBefore: 7496}},
		{"up to date", LossInput{PlayCount: 300, SavedThrough: 300, Archived: 120}, Loss{Known: true, SlotsLeft: 50, LostBefore: 180}},
		{"some waiting", LossInput{PlayCount: 307, SavedThrough: 300, Archived: 300}, Loss{Known: true, Waiting: 7, SlotsLeft: 43}},
		{"exactly full", LossInput{PlayCount: 350, SavedThrough: 300, Archived: 300}, Loss{Known: true, Waiting: 50}},
		{"some lost", LossInput{PlayCount: 362, SavedThrough: 300, Archived: 250}, Loss{Known: true, Waiting: 50, LostSince: 12, LostBefore: 50}},
		{"archive ahead of the count", LossInput{PlayCount: 10, SavedThrough: 12, Archived: 12}, Loss{Known: true, SlotsLeft: 50}},
		{"own window", LossInput{PlayCount: 20, SavedThrough: 15, Archived: 15, Window: 3}, Loss{Known: true, Waiting: 3, LostSince: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := LossOf(tc.in); got != tc.want {
				t.Errorf("LossOf(%+v) = %+v, want %+v", tc.in, got, tc.want)
			}
		})
	}
}

func TestAlbumLossOf(t *testing.T) {
	for _, tc := range []struct {
		name  string
		saved []bool
		want  AlbumLoss
	}{
		{"empty album", nil, AlbumLoss{SlotsLeft: 10}},
		{"all saved", []bool{true, true, true}, AlbumLoss{SlotsLeft: 10}},
		{"newest unsaved", []bool{false, true}, AlbumLoss{Waiting: 1, SlotsLeft: 9}},
		{"three new of three", []bool{false, false, false}, AlbumLoss{Waiting: 3, SlotsLeft: 7}},
		{"oldest of a full album unsaved", []bool{true, true, true, true, true, true, true, true, true, false}, AlbumLoss{Waiting: 1, SlotsLeft: 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := AlbumLossOf(tc.saved); got != tc.want {
				t.Errorf("AlbumLossOf(%v) = %+v, want %+v", tc.saved, got, tc.want)
			}
		})
	}
}
