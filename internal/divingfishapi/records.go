package divingfishapi

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/dxnet"
	"github.com/maiprobe/maiprobe/internal/interchange"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/rating"
	"github.com/maiprobe/maiprobe/internal/songs"
	"github.com/maiprobe/maiprobe/internal/storage"
)

// What the endpoints answer, built from the archive. The records are
// diving-fish's wire type (interchange.DivingFishRecord); ds and ra are
// maiprobe's constant and chart rating, so a bot draws the B50 maiprobe
// computes, not one of its own.

// playerAnswer is /query/player's body: the player's fields, the B50 in
// charts, and user_general_data, which diving-fish always sends (null).
// The outer fields win over the embedded ones of the same name, so
// records is left out and charts and user_general_data are never omitted.
type playerAnswer struct {
	interchange.DivingFishPlayer
	Charts          interchange.DivingFishCharts `json:"charts"`
	UserGeneralData any                          `json:"user_general_data"`
}

// recordsAnswer is the body of /player/records and /dev/player/records:
// the player's fields and every best, records being [] (not absent) for a
// player with none.
type recordsAnswer struct {
	interchange.DivingFishPlayer
	Records []interchange.DivingFishRecord `json:"records"`
}

// plateAnswer is /query/plate's body.
type plateAnswer struct {
	Verlist []interchange.DivingFishPlateRecord `json:"verlist"`
}

// ds is a constant as diving-fish sends it (13.7), 0 when unknown.
func ds(c songs.Constant) float64 {
	if !c.Known() {
		return 0
	}
	return float64(c) / 10
}

// entryRecord is one chart of maiprobe's rating tables as a diving-fish
// record: ra is the rating maiprobe counted for it.
func entryRecord(e archive.RatingEntry) interchange.DivingFishRecord {
	r := interchange.DivingFishRecordOf(interchange.Record{
		Score: maimai.Score{Chart: maimai.Chart{Title: e.Title, Type: e.Type, Difficulty: e.Difficulty}, Level: e.Level,
			Played: true, Achievement: e.Achievement, DXScore: e.DXScore, FC: e.FC, FS: e.FS},
		Constant: ds(e.Constant),
		SongID:   e.SongID,
	})
	r.RA = e.Rating
	return r
}

// chartRecord is one chart of the song list with the player's best as a
// diving-fish record; ok is false for a chart without a best, one
// diving-fish has no level_index for (utage), and one learned from pages
// (not in the song data): without a song_id a bot can look nothing up.
func chartRecord(c archive.SongListChart) (interchange.DivingFishRecord, bool) {
	if c.Best == nil || c.Learned || interchange.LevelIndex(c.Difficulty) < 0 {
		return interchange.DivingFishRecord{}, false
	}
	b := *c.Best
	b.Title, b.Type, b.Difficulty = c.Title, c.Type, c.Difficulty
	if c.Level != "" {
		b.Level = c.Level
	}
	r := interchange.DivingFishRecordOf(interchange.Record{Score: b, Constant: ds(c.Constant), SongID: c.SongID})
	r.RA = c.Rating
	return r, true
}

// errNoPlayer is returned for a username that is no player of the archive.
var errNoPlayer = errors.New("no such player")

// profile fills the player fields diving-fish sends beside the records:
// username, the in-game name as nickname, the rating maiprobe computes and
// the course rank as additional_rating. plate stays "": maiprobe does not
// know which plate the player chose to show.
func (h *Handler) profile(ctx context.Context, player string, total int) (interchange.DivingFishPlayer, error) {
	p := interchange.DivingFishPlayer{Username: player, Rating: total}
	hist, err := h.a.Profile(ctx, player, 0, 1)
	if errors.Is(err, storage.ErrNotFound) {
		return p, errNoPlayer
	}
	if err != nil {
		return p, err
	}
	if len(hist.Page) > 0 {
		s := hist.Page[0]
		p.Nickname = s.Name
		p.AdditionalRating = additionalRating(s.Profile)
	}
	if p.Nickname == "" {
		// What diving-fish shows for a player without a nickname.
		p.Nickname = player
		if r := []rune(player); len(r) > 8 {
			p.Nickname = string(r[:8]) + "…"
		}
	}
	return p, nil
}

// additionalRating is the course rank as diving-fish numbers it: 0–10
// 初心者 to 十段, 11–20 真初段 to 真十段, 21 真皆伝, 22 裏皆伝. The site's
// picture numbers are the same up to 十段 and one higher after it (it
// skips 11), so the number drops by one there. 0 when the page showed no
// course rank.
func additionalRating(p dxnet.Profile) int {
	kind, n, ok := maimai.RankPicture(p.CourseRank)
	if !ok || kind != maimai.CourseRankKind {
		return 0
	}
	switch {
	case n <= 10:
		return n
	case n >= 12 && n <= 23:
		return n - 1
	}
	return 0
}

// b50 is the player's B50 as /query/player answers it: dx the new table,
// sd the old one, split as maiprobe's rating splits them (the current
// version's charts against the rest). b40 keeps the old table's best 25,
// as diving-fish does when the request has no "b50".
func (h *Handler) b50(ctx context.Context, player string, b40 bool) (playerAnswer, error) {
	ans := playerAnswer{Charts: interchange.DivingFishCharts{DX: []interchange.DivingFishRecord{}, SD: []interchange.DivingFishRecord{}}}
	r, err := h.rating(ctx, player)
	if err != nil {
		return ans, err
	}
	total := 0
	if r != nil {
		old := r.Old
		if b40 && len(old) > 25 {
			old = old[:25]
		}
		for _, e := range r.New {
			ans.Charts.DX = append(ans.Charts.DX, entryRecord(e))
		}
		for _, e := range old {
			ans.Charts.SD = append(ans.Charts.SD, entryRecord(e))
		}
		total = r.Total
	}
	ans.DivingFishPlayer, err = h.profile(ctx, player, total)
	return ans, err
}

// rating is the player's current rating, nil for a player without saved
// pages (whose region, and so rating, is not known: diving-fish shows an
// empty B50 then).
func (h *Handler) rating(ctx context.Context, player string) (*archive.PlayerRating, error) {
	if _, err := h.a.PlayerRegion(ctx, player); errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	return h.a.Rating(ctx, player, time.Time{})
}

// maxCharts is more charts than any region's song data has: the song
// list is asked for all of them at once.
const maxCharts = 1 << 20

// records is every best of the player with a chart of the song data, as
// /player/records answers them.
func (h *Handler) records(ctx context.Context, player string) (recordsAnswer, error) {
	ans := recordsAnswer{Records: []interchange.DivingFishRecord{}}
	r, err := h.rating(ctx, player)
	if err != nil {
		return ans, err
	}
	total := 0
	if r != nil {
		total = r.Total
		list, err := h.a.SongList(ctx, player, archive.SongFilter{Played: true}, 0, maxCharts)
		if err != nil {
			return ans, err
		}
		for _, c := range list.Charts {
			if rec, ok := chartRecord(c); ok {
				ans.Records = append(ans.Records, rec)
			}
		}
	}
	ans.DivingFishPlayer, err = h.profile(ctx, player, total)
	return ans, err
}

// plate is the player's bests on the songs of the named versions, as
// /query/plate answers them. Versions are diving-fish's names (a song's
// music_data "from": "maimai でらっくす PRiSM", "MiLK PLUS"); a name that
// is no version of the song data matches nothing, as on diving-fish.
func (h *Handler) plate(ctx context.Context, player string, versions []string) (plateAnswer, error) {
	ans := plateAnswer{Verlist: []interchange.DivingFishPlateRecord{}}
	if _, err := h.a.PlayerRegion(ctx, player); errors.Is(err, storage.ErrNotFound) {
		return ans, nil
	} else if err != nil {
		return ans, err
	}
	seen := map[rating.Version]bool{}
	for _, name := range versions {
		v, ok := rating.VersionFromDF(strings.TrimSpace(name))
		if !ok || seen[v] {
			continue
		}
		seen[v] = true
		list, err := h.a.SongList(ctx, player, archive.SongFilter{Played: true, Version: v}, 0, maxCharts)
		if err != nil {
			return ans, err
		}
		for _, c := range list.Charts {
			if rec, ok := chartRecord(c); ok {
				ans.Verlist = append(ans.Verlist, interchange.DivingFishPlateRecordOf(rec))
			}
		}
	}
	return ans, nil
}
