package archive

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/maiprobe/maiprobe/internal/dxnet"
	"github.com/maiprobe/maiprobe/internal/interchange"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/songs"
	"github.com/maiprobe/maiprobe/internal/storage"
)

// Files of other tools (diving-fish, Lxns, Tachi, …) are stored like
// pages, as a page of kind "interchange:FORMAT", so that reparse, export
// and restore keep them; what they hold becomes best-score observations
// with their provenance, never plays. See docs/interchange.md.

// foreignKindPrefix starts the page kind of another tool's file.
const foreignKindPrefix = "interchange:"

// ForeignKind is the stored page kind of a file of format f.
func ForeignKind(f interchange.Format) string { return foreignKindPrefix + string(f) }

// IsForeignKind reports whether a stored page kind is another tool's file.
func IsForeignKind(kind string) bool { return strings.HasPrefix(kind, foreignKindPrefix) }

// ErrForeignAuto refuses a file of another tool under --player auto.
var ErrForeignAuto = errors.New("files of other tools (diving-fish, Lxns, Tachi, mai-tools, DXRating) show no in-game player the archive can trust: import them with --player NAME (on the web: from the player's import page)")

// importForeign stores a file of another tool for opt.Player.
func (a *Archive) importForeign(ctx context.Context, src Source, f interchange.File, opt ImportOptions) Result {
	kind := ForeignKind(f.Format)
	res := Result{Name: src.Name, Kind: dxnet.Kind(kind), Region: f.Region}
	reject := func(err error) Result {
		res.Status, res.Err = Rejected, err
		return res
	}
	if opt.Auto && (opt.Candidates == nil || opt.Player == "") {
		// Their player names are accounts of other services, set by
		// whoever made the file: routing on them would let a file pick the
		// archive player it lands in. (A web upload with auto on still
		// names the player whose import page it is: the file goes there.)
		return reject(ErrForeignAuto)
	}
	if opt.Player == "" {
		return reject(errors.New("no player name given"))
	}
	now := a.now()
	observed := src.ObservedAt
	if observed.IsZero() {
		observed = now
	}
	if observed.After(now.Add(24 * time.Hour)) {
		return reject(fmt.Errorf("the file's save time %s is in the future; check the clock or give the time the file was saved",
			observed.Format(time.RFC3339)))
	}
	if err := checkForeign(f, now); err != nil {
		return reject(err)
	}
	sum := sha256.Sum256(src.Data)
	err := a.db.Update(ctx, func(tx *storage.Tx) error {
		res.Added, res.Unchanged = Counts{}, Counts{}
		tx.SetHook(a.hook)
		pid, err := ensurePlayer(ctx, tx, opt.Player, now)
		if err != nil {
			return err
		}
		res.Player = opt.Player
		// The player's region, from its identity or, for a player of an
		// archive made before identities, its stored pages (as a page's
		// import reads it).
		id, err := identityOf(ctx, tx, pid, opt.Player, false)
		if err != nil {
			return err
		}
		region, err := foreignRegion(f, id, opt)
		if err != nil {
			return err
		}
		if !id.Bound() {
			// The file's region binds the player's, as a page's does, so
			// that every path agrees on it; never its name or friend code,
			// which these files do not show.
			if err := tx.SetIdentity(ctx, pid, string(region), ""); err != nil {
				return err
			}
		}
		res.Region = region
		set, err := a.cachedCharts(ctx, tx, region)
		if err != nil {
			return err
		}
		if err := checkForeignCharts(f, set); err != nil {
			return err
		}
		p := storage.Page{
			PlayerID: pid, SHA256: hex.EncodeToString(sum[:]), Kind: kind, Region: string(region), Name: src.Name,
			Size: int64(len(src.Data)), ObservedAt: observed, ImportedAt: now,
			Compression: "zstd", Data: a.enc.EncodeAll(src.Data, nil),
		}
		added, err := tx.InsertPage(ctx, &p)
		if err != nil {
			return err
		}
		if added {
			res.Added.Pages++
		} else {
			res.Unchanged.Pages++
		}
		m := &merger{tx: tx, player: pid, res: &res}
		return m.foreign(ctx, f, p.ID, p.ObservedAt)
	})
	if err != nil {
		if errors.Is(err, ErrIdentity) || errors.Is(err, ErrPlayerName) || errors.Is(err, ErrMisparsed) || errors.Is(err, ErrNeedRegion) ||
			errors.Is(err, errBadRegion) || errors.Is(err, interchange.ErrBadFile) {
			return reject(err)
		}
		return reject(fmt.Errorf("archive: import %s: %w", src.Name, err))
	}
	res.Status = Unchanged
	if res.Added.nonzero() {
		res.Status = Added
	}
	return res
}

// ErrNeedRegion refuses a file that does not say its game region (Tachi,
// mai-tools, DXRating) for a player whose region is not known yet.
var ErrNeedRegion = errors.New("the file does not say its game region")

// errBadRegion: ImportOptions.Region is no game region.
var errBadRegion = errors.New("region")

// foreignRegion is the game region of a file's scores for a player of
// identity id: the file's own (diving-fish and Lxns hold CN scores), else
// the player's, else the one the importer names (opt.Region: import
// --region, the web form's region, /api/import?region=). A region that
// disagrees with another is refused.
func foreignRegion(f interchange.File, id storage.Identity, opt ImportOptions) (maimai.Region, error) {
	player := maimai.Region(id.Region)
	switch {
	case opt.Region != "" && !opt.Region.Valid():
		return "", fmt.Errorf("%w %q: want cn, intl or jp", errBadRegion, opt.Region)
	case f.Region != "" && opt.Region != "" && f.Region != opt.Region:
		return "", fmt.Errorf("%w: the %s file holds %s scores, not %s as the import says", ErrIdentity, f.Format, f.Region, opt.Region)
	case f.Region != "" && id.Bound() && f.Region != player:
		return "", fmt.Errorf("%w: the %s file holds %s scores, player %q is a %s player", ErrIdentity, f.Format, f.Region, opt.Player, id.Region)
	case f.Region != "":
		return f.Region, nil
	case id.Bound() && opt.Region != "" && opt.Region != player:
		return "", fmt.Errorf("%w: the import says the %s file holds %s scores, but player %q is a %s player", ErrIdentity, f.Format, opt.Region, opt.Player, id.Region)
	case id.Bound():
		return player, nil
	case opt.Region != "":
		return opt.Region, nil
	}
	return "", fmt.Errorf("%w: a %s file can hold scores of any region and player %q has none yet: say which (import --region cn|intl|jp; on the web, the import form's region; /api/import?region=), or import a page of the player first",
		ErrNeedRegion, f.Format, opt.Player)
}

// foreign derives the records of a stored file of another tool: each is a
// best-score observation at the time the file says it was set, else when
// the file was saved.
func (m *merger) foreign(ctx context.Context, f interchange.File, pageID int64, observed time.Time) error {
	if err := m.nameByID(ctx, &f); err != nil {
		return err
	}
	obs := make([]observation, 0, len(f.Records))
	for _, r := range f.Records {
		at := observed
		if !r.AchievedAt.IsZero() && r.AchievedAt.Before(observed) {
			at = r.AchievedAt
		}
		obs = append(obs, observation{Chart: r.Chart, Level: r.Level, Genre: r.Genre, Achievement: r.Achievement,
			Rank: rankOr(r.Rank, r.Achievement), DXScore: r.DXScore, DXScoreMax: r.DXScoreMax, FC: r.FC, FS: r.FS,
			At: at, PageID: pageID, source: string(f.Format)})
	}
	return m.raise(ctx, obs)
}

// checkForeignCharts refuses a record whose DX score is over its chart's
// maximum (3 per note) where the song data knows the chart and its notes:
// Lxns and diving-fish files carry no maximum of their own, and a forged
// DX score would stay the best forever. A chart the song data does not
// know, or cannot tell from another, is not checked. The fault is the
// file's, not a parser's: interchange.ErrBadFile, so the reader is told
// to fix the file rather than that a page was misread.
func checkForeignCharts(f interchange.File, set *chartSet) error {
	if set == nil || set.db == nil {
		return nil
	}
	for i, r := range f.Records {
		if r.DXScore == 0 {
			continue
		}
		c, err := set.db.Match(songs.QueryOf(r.Chart, r.Level, r.Genre, ""))
		if err != nil || !c.Notes.Known() {
			continue
		}
		if most := 3 * c.Notes.Total(); r.DXScore > most {
			return fmt.Errorf("%w: %s record %d (%s, %s %s): DX score %d is over the chart's maximum %d (%d notes × 3 in the song data); fix or remove the record and import the file again",
				interchange.ErrBadFile, f.Format, i+1, interchange.Short(r.Title), r.Type, r.Difficulty, r.DXScore, most, c.Notes.Total())
		}
	}
	return nil
}

// checkForeign applies the rules of a page to a file's records: the
// readers check each record's codes and ranges; here what needs the
// archive's clock. A record dated after now is forged or from a wrong
// clock and would order the conflict rules wrongly.
func checkForeign(f interchange.File, now time.Time) error {
	for i, r := range f.Records {
		if r.AchievedAt.After(now.Add(24 * time.Hour)) {
			return fmt.Errorf("%w: %s record %d (%s): set at %s, in the future", ErrMisparsed, f.Format, i+1, interchange.Short(r.Title),
				r.AchievedAt.Format(time.RFC3339))
		}
		if r.DXScoreMax > 0 && r.DXScore > r.DXScoreMax {
			return fmt.Errorf("%w: %s record %d (%s): DX score %d over the chart's %d", ErrMisparsed, f.Format, i+1, interchange.Short(r.Title),
				r.DXScore, r.DXScoreMax)
		}
		if !r.Difficulty.Valid() || (r.Type != maimai.DX && r.Type != maimai.Std) || r.Achievement > maimai.MaxAchievement {
			return fmt.Errorf("%w: %s record %d (%s): unknown chart or achievement over 101%%", ErrMisparsed, f.Format, i+1, interchange.Short(r.Title))
		}
		// The rules of a page's score (sanity.go), as for any page: the
		// readers check them too, but a file stored by an older maiprobe
		// is checked again here by reparse.
		c := r.Chart
		if c.Title == "" && r.SongID != 0 {
			c.Title = "#" + strconv.Itoa(r.SongID) // named from the song data later (Tachi inGameID)
		}
		err := checkChart(c)
		if err == nil {
			err = checkScore(r.Difficulty, r.Achievement, r.Rank, r.FC, r.DXScore, r.DXScoreMax)
		}
		if err == nil && !r.AchievedAt.IsZero() {
			err = checkTime(r.AchievedAt, now)
		}
		if err != nil {
			return fmt.Errorf("%w: %s record %d (%s): %v", ErrMisparsed, f.Format, i+1, interchange.Short(r.Title), err)
		}
	}
	return nil
}
