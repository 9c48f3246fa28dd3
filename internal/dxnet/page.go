// Package dxnet reads the pages of maimai DX NET (CN, intl and JP) into
// plain Go types. Parsing is a pure function: bytes in, a typed page out,
// no database and no network. Pages are recognised by class names and image
// file names, never by position, and a page that looks like DX NET but does
// not have the structure its kind needs fails with ErrLayout rather than
// returning part of its data.
package dxnet

import (
	"errors"
	"fmt"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// Kind names a kind of page. The values are the "page" field of
// `maiprobe parse` and of the archive's stored pages.
type Kind string

// Page kinds.
const (
	KindHome          Kind = "home"
	KindPlayerData    Kind = "playerData"
	KindPhoto         Kind = "photo"
	KindRecord        Kind = "record"
	KindPlaylogDetail Kind = "playlogDetail"
	KindScores        Kind = "scores" // musicGenre, musicLevel, musicVersion, musicSort, ratingTargetMusic
	KindMusicDetail   Kind = "musicDetail"
	KindFriendCode    Kind = "friendCode"
	KindFriend        Kind = "friend"   // friend/: the friend list
	KindFriendVs      Kind = "friendVs" // friend/friendGenreVs/, friendLevelVs/
	KindError         Kind = "error"
	KindLogin         Kind = "login"
	KindMaintenance   Kind = "maintenance"
)

// Errors a parse can fail with; test with errors.Is. Each is wrapped with
// what was wrong on the page.
var (
	// ErrNotDXNet: the bytes are not a maimai DX NET page at all (another
	// site, binary junk, an empty file).
	ErrNotDXNet = errors.New("not a maimai DX NET page")
	// ErrUnknownPage: a DX NET page of a kind maiprobe does not read.
	ErrUnknownPage = errors.New("unknown maimai DX NET page")
	// ErrTruncated: the page stops before its end, as a download or a copy
	// that was cut off does.
	ErrTruncated = errors.New("page is cut off (truncated)")
	// ErrLayout: the page is of a known kind but its markup is not the
	// layout maiprobe knows; nothing is returned rather than part of it.
	ErrLayout = errors.New("unfamiliar page layout")
)

// Page is what Parse returns: one of the *XxxPage types below.
type Page interface {
	Head() *Header
}

// Header is common to every page.
type Header struct {
	Kind   Kind          `json:"page"`
	Region maimai.Region `json:"region"`
	// SiteVersion is the site's asset version ("1.50") when the page shows it.
	SiteVersion string `json:"site_version,omitempty"`
	// list is the best-score list detect recognised on a KindScores page
	// ("musicGenre", …, "ratingTargetMusic"), for the scores parser.
	list string
}

// Head returns the header; it makes every page type a Page.
func (h *Header) Head() *Header { return h }

// IsData reports whether the page carries player data to archive (false
// for error, login and maintenance pages).
func (h *Header) IsData() bool {
	switch h.Kind {
	case KindError, KindLogin, KindMaintenance:
		return false
	}
	return true
}

// HomePage is home/: the player's profile card.
type HomePage struct {
	Header
	Profile
}

// Profile is the player card shown on home/ and at the top of playerData/.
type Profile struct {
	Name        string `json:"name"`
	Rating      int    `json:"rating"`
	RatingBand  string `json:"rating_band,omitempty"` // rating_base_* image: "rainbow", "platinum", …
	Stars       int    `json:"stars"`                 // the ×N beside the star icon
	Trophy      string `json:"trophy"`
	TrophyColor string `json:"trophy_color"` // trophy_Normal, trophy_Bronze, …: "normal", "bronze", …
	Icon        string `json:"icon"`         // icon image URL
	CourseRank  string `json:"course_rank"`  // course_rank_* image file name
	ClassRank   string `json:"class_rank"`   // class_rank_* image file name
	Comment     string `json:"comment,omitempty"`
	// PlayCount is the total play count; PlayCountVersion the current
	// version's, where the page shows them.
	PlayCount        int `json:"play_count,omitempty"`
	PlayCountVersion int `json:"play_count_version,omitempty"`
	// RatingMax is the highest rating reached, which older CN pages show
	// beside the rating ("MAX：5077").
	RatingMax int `json:"rating_max,omitempty"`
	// Grade is the grade_* image file name older CN pages show where
	// today's pages show the course and class ranks.
	Grade string `json:"grade,omitempty"`
	// Partner is the image URL of the travel partner shown on home/.
	Partner string `json:"partner,omitempty"`
}

// PlayerDataPage is playerData/: the profile plus the achievement counters.
type PlayerDataPage struct {
	Header
	Profile
	// Diff is the difficulty the counters are for ("" for all).
	Diff maimai.Difficulty `json:"diff,omitempty"`
	// Counts maps each counter's icon name to its value: "sssp", "sss",
	// "ssp", "ss", "sp", "s", "clear", "app", "ap", "fcp", "fc", "fsdp",
	// "fsd", "fsp", "fs", "sync", "dxstar_1"…"dxstar_5".
	Counts map[string]maimai.Count `json:"counts"`
	// Mile is the player's maimile balance, where the page shows it.
	Mile int `json:"mile,omitempty"`
}

// PhotoPage is playerData/photo/: the album of the last 10 photos.
type PhotoPage struct {
	Header
	Photos []maimai.Photo `json:"photos"`
}

// RecordPage is record/: the last 50 plays, newest first.
type RecordPage struct {
	Header
	Plays []maimai.Play `json:"plays"`
}

// ScoresPage is any best-score list: record/musicGenre, musicLevel,
// musicVersion, musicSort, and home/ratingTargetMusic.
type ScoresPage struct {
	Header
	// List is the list's own name: "musicGenre", "musicLevel",
	// "musicVersion", "musicSort" or "ratingTargetMusic".
	List string `json:"list"`
	// Filter is the list's selection as the page shows it (a level, a
	// genre, a version name, a difficulty), for reference.
	Filter string `json:"filter,omitempty"`
	// Player is the name on the player's own card, which
	// ratingTargetMusic shows above the list ("" on the other lists).
	Player string         `json:"player,omitempty"`
	Scores []maimai.Score `json:"scores"`
}

// MusicDetailPage is record/musicDetail/: one song, every difficulty.
type MusicDetailPage struct {
	Header
	Title  string         `json:"title"`
	Artist string         `json:"artist"`
	Genre  string         `json:"genre,omitempty"`
	Jacket string         `json:"jacket,omitempty"`
	Scores []maimai.Score `json:"scores"`
}

// FriendCodePage is friend/userFriendCode/: the player's own friend code.
type FriendCodePage struct {
	Header
	Profile
	FriendCode string `json:"friend_code"`
}

// FriendPage is friend/: the player's friends, one card each. The cards
// are the friends', never the player's own.
type FriendPage struct {
	Header
	// Count is "好友数 1/100" (friends / the most allowed) and
	// FavoriteCount "喜爱的好友数 0/20", where the page shows them.
	Count         *maimai.Count `json:"count,omitempty"`
	FavoriteCount *maimai.Count `json:"favorite_count,omitempty"`
	Friends       []Friend      `json:"friends"`
}

// Friend is one friend's card on the friend list.
type Friend struct {
	// Profile is the friend's card as the list shows it: name, rating,
	// trophy, icon, ranks, stars and comment.
	Profile
	// FriendCode is the friend's code, which the card's forms send as idx.
	FriendCode string `json:"friend_code,omitempty"`
	// Favorite is true for a friend marked as favourite (the card offers
	// to unmark it: favoriteOff).
	Favorite bool `json:"favorite"`
}

// FriendVsPage is the friend comparison (friend/friendGenreVs/,
// friendLevelVs/): the player's and one friend's best on every chart of a
// genre or level, side by side. Charts[i].Player is the logged-in player's
// own score, Charts[i].Friend the friend's: the friend's column must never
// be taken for the player's own bests.
type FriendVsPage struct {
	Header
	Player VsPlayer `json:"player"` // the logged-in player (friend_vs_you)
	Friend VsPlayer `json:"friend"`
	// ScoreType is what the values are: "achievement" or "dx_score".
	ScoreType VsScoreType `json:"score_type"`
	// Filter is the search's selection as the page shows it (genre or
	// level, difficulty), for reference.
	Filter []string  `json:"filter,omitempty"`
	Charts []VsChart `json:"charts"`
}

// VsPlayer is one side's card on the comparison.
type VsPlayer struct {
	Name       string `json:"name"`
	Rating     int    `json:"rating"`
	RatingBand string `json:"rating_band,omitempty"`
	Icon       string `json:"icon,omitempty"`
	// FriendCode is the friend's code (the page's idx); the player's own
	// side has none.
	FriendCode string `json:"friend_code,omitempty"`
}

// VsScoreType is what a comparison compares.
type VsScoreType string

// The comparison's score types (the page's scoreType 2 and 1).
const (
	VsAchievement VsScoreType = "achievement"
	VsDXScore     VsScoreType = "dx_score"
)

// VsResult is a chart's outcome from the player's side.
type VsResult string

// Outcomes of one chart (vs_win, vs_lose, vs_draw).
const (
	VsWin  VsResult = "win"
	VsLose VsResult = "lose"
	VsDraw VsResult = "draw"
)

// VsChart is one chart of the comparison with both sides' scores.
type VsChart struct {
	maimai.Chart
	Level   string `json:"level"`
	Section string `json:"section,omitempty"` // the genre or level heading the chart is under
	maimai.UtageMark
	Player VsScore  `json:"player"` // the logged-in player's own best
	Friend VsScore  `json:"friend"` // the friend's best: not the player's
	Result VsResult `json:"result"`
}

// VsScore is one side's best on a chart of the comparison. Played is false
// for "― %" (never played); then nothing else is set. Achievement or
// DXScore is set, by the page's score type.
type VsScore struct {
	Played      bool                `json:"played"`
	Achievement *maimai.Achievement `json:"achievement,omitempty"`
	DXScore     *int                `json:"dx_score,omitempty"`
	Rank        maimai.Rank         `json:"rank,omitempty"`
	FC          maimai.FC           `json:"fc,omitempty"`
	FS          maimai.FS           `json:"fs,omitempty"`
}

// ErrorPage is the site's error page (错误码 / ERROR CODE / エラーコード).
type ErrorPage struct {
	Header
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// LoginPage is a login page (the site asks to sign in again).
type LoginPage struct {
	Header
	Message string `json:"message,omitempty"`
}

// MaintenancePage is shown during the site's maintenance hours.
type MaintenancePage struct {
	Header
	Message string `json:"message,omitempty"`
}

// layoutErr wraps ErrLayout with what was missing.
func layoutErr(kind Kind, format string, args ...any) error {
	return fmt.Errorf("%w: %s page: %s", ErrLayout, kind, fmt.Sprintf(format, args...))
}

// PlaylogDetailPage is record/playlogDetail/: one play with its judgement
// table, fast/late, combo, sync, rating change, characters and partners.
type PlaylogDetailPage struct {
	Header
	Play   maimai.Play       `json:"play"`
	Detail maimai.PlayDetail `json:"detail"`
}
