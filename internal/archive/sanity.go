package archive

import (
	"fmt"
	"time"

	"github.com/maiprobe/maiprobe/internal/dxnet"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

// dxLaunch is the first day of maimai DX: no record can be older.
var dxLaunch = time.Date(2019, 7, 1, 0, 0, 0, 0, time.UTC)

// check applies the sanity rules to a parsed page: a page that breaks one
// was misparsed (or is not player data) and must not reach the archive.
func check(page dxnet.Page, now time.Time) error {
	switch p := page.(type) {
	case *dxnet.ErrorPage:
		return fmt.Errorf("%w: the site answered with error %d (%s): log in again and save the page again", ErrSitePage, p.Code, p.Message)
	case *dxnet.LoginPage:
		return fmt.Errorf("%w: this is the site's login page: log in and save the page again", ErrSitePage)
	case *dxnet.MaintenancePage:
		return fmt.Errorf("%w: the site was under maintenance: save the page again after maintenance", ErrSitePage)
	case *dxnet.RecordPage:
		for i, pl := range p.Plays {
			if err := checkPlay(pl, now); err != nil {
				return fmt.Errorf("%w: play %d (%s): %v", ErrMisparsed, i+1, pl.Title, err)
			}
		}
	case *dxnet.PlaylogDetailPage:
		if err := checkPlay(p.Play, now); err != nil {
			return fmt.Errorf("%w: play (%s): %v", ErrMisparsed, p.Play.Title, err)
		}
		if n := p.Detail.Judgements.TotalNotes(); n > 0 && p.Play.DXScoreMax > 0 && p.Play.DXScoreMax != 3*n {
			return fmt.Errorf("%w: play (%s): DX score max %d is not 3 × %d notes of the judgement table",
				ErrMisparsed, p.Play.Title, p.Play.DXScoreMax, n)
		}
	case *dxnet.ScoresPage:
		return checkScores(p.Scores, "")
	case *dxnet.MusicDetailPage:
		return checkScores(p.Scores, p.Title)
	case *dxnet.HomePage:
		return checkProfile(p.Profile)
	case *dxnet.PlayerDataPage:
		return checkProfile(p.Profile)
	case *dxnet.FriendCodePage:
		return checkProfile(p.Profile)
	case *dxnet.FriendPage, *dxnet.FriendVsPage:
		// Stored raw only (merge.go): nothing of them becomes a row.
	case *dxnet.PhotoPage:
		for i, ph := range p.Photos {
			if err := checkTime(ph.TakenAt, now); err != nil {
				return fmt.Errorf("%w: photo %d (%s): %v", ErrMisparsed, i+1, ph.Title, err)
			}
			if err := checkChart(ph.Chart); err != nil {
				return fmt.Errorf("%w: photo %d: %v", ErrMisparsed, i+1, err)
			}
		}
	default:
		return fmt.Errorf("%w: %s pages are not stored", ErrSitePage, page.Head().Kind)
	}
	return nil
}

func checkPlay(p maimai.Play, now time.Time) error {
	if err := checkChart(p.Chart); err != nil {
		return err
	}
	if err := checkTime(p.PlayedAt, now); err != nil {
		return err
	}
	t, err := idxTime(p.Idx)
	if err != nil {
		return err
	}
	if t != 0 {
		if err := checkTime(time.Unix(t, 0), now); err != nil {
			return fmt.Errorf("idx %q: %v", p.Idx, err)
		}
	}
	if p.Track < 0 {
		return fmt.Errorf("track %d is negative", p.Track)
	}
	return checkScore(p.Difficulty, p.Achievement, p.Rank, p.FC, p.DXScore, p.DXScoreMax)
}

func checkScores(scores []maimai.Score, title string) error {
	for i, s := range scores {
		if !s.Played {
			continue
		}
		name := s.Title
		if name == "" {
			name = title
		}
		c := s.Chart
		c.Title = name
		if err := checkChart(c); err != nil {
			return fmt.Errorf("%w: score %d: %v", ErrMisparsed, i+1, err)
		}
		if err := checkScore(s.Difficulty, s.Achievement, s.Rank, s.FC, s.DXScore, s.DXScoreMax); err != nil {
			return fmt.Errorf("%w: score %d (%s %s %s): %v", ErrMisparsed, i+1, name, s.Type, s.Difficulty, err)
		}
	}
	return nil
}

func checkChart(c maimai.Chart) error {
	if c.Title == "" {
		return fmt.Errorf("no song title")
	}
	if !c.Difficulty.Valid() {
		return fmt.Errorf("unknown difficulty %q", c.Difficulty)
	}
	if c.Type != maimai.Std && c.Type != maimai.DX && c.Difficulty != maimai.Utage {
		return fmt.Errorf("unknown chart type %q", c.Type)
	}
	return nil
}

// checkScore holds an achievement to the game's limits: 0–101% per chart
// (202% for a utage buddy chart, two players' worth), AP+ only at exactly
// the maximum, the rank the achievement earns, a DX score within its max.
func checkScore(d maimai.Difficulty, a maimai.Achievement, r maimai.Rank, fc maimai.FC, dx, dxMax int) error {
	limit := maimai.MaxAchievement
	if d == maimai.Utage {
		limit = 2 * maimai.MaxAchievement
	}
	if a < 0 || a > limit {
		return fmt.Errorf("achievement %s%% is over %d%%", pct(a), limit/10000)
	}
	if fc == maimai.APP && a != maimai.MaxAchievement && a != limit {
		return fmt.Errorf("AP+ with achievement %s%% (AP+ is exactly 101%%)", pct(a))
	}
	if r != "" && a <= maimai.MaxAchievement && r != maimai.RankOf(a) {
		return fmt.Errorf("rank %s does not match achievement %s%% (that is %s)", r, pct(a), maimai.RankOf(a))
	}
	if dx < 0 || dxMax < 0 {
		return fmt.Errorf("negative DX score %d/%d", dx, dxMax)
	}
	if dxMax > 0 && dx > dxMax {
		return fmt.Errorf("DX score %d is over its max %d", dx, dxMax)
	}
	return nil
}

// checkTime: a record's time must exist, be after maimai DX launched and
// not be more than a day ahead of now.
func checkTime(t, now time.Time) error {
	switch {
	case t.IsZero():
		return fmt.Errorf("no time")
	case t.Before(dxLaunch):
		return fmt.Errorf("time %s is before maimai DX launched (2019-07-01)", t.Format(time.RFC3339))
	case t.After(now.Add(24 * time.Hour)):
		return fmt.Errorf("time %s is in the future", t.Format(time.RFC3339))
	}
	return nil
}

func checkProfile(p dxnet.Profile) error {
	if p.Rating < 0 || p.Stars < 0 || p.PlayCount < 0 {
		return fmt.Errorf("%w: profile: negative rating, stars or play count (%d, %d, %d)", ErrMisparsed, p.Rating, p.Stars, p.PlayCount)
	}
	return nil
}

// pct prints an achievement without trailing zeros: 102.3, 100.5432, 101.
func pct(a maimai.Achievement) string {
	b, _ := a.MarshalJSON()
	return string(b)
}
