package archive

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/maiprobe/maiprobe/internal/dxnet"
	"github.com/maiprobe/maiprobe/internal/interchange"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/storage"
)

// Source is one page (or export file) to import.
type Source struct {
	Name string // the file name, for messages
	Data []byte
	// ObservedAt is when the page was saved from the site; the zero time
	// means now.
	ObservedAt time.Time
}

// Status is what an import did with a file.
type Status string

// Statuses of a Result.
const (
	// Added: something new was stored (the page's bytes, a play, a detail,
	// a snapshot, a photo, a score or an improvement).
	Added Status = "added"
	// Unchanged: everything in the file was already in the archive.
	Unchanged Status = "unchanged"
	// Rejected: nothing was written; Err says why.
	Rejected Status = "rejected"
)

// KindExport is the Kind of a Result for a maiprobe export file.
const KindExport dxnet.Kind = "export"

// Counts counts rows by entity.
type Counts struct {
	Pages     int `json:"pages"`
	Plays     int `json:"plays"`
	Details   int `json:"details"` // playlogDetail data attached to a play
	Snapshots int `json:"snapshots"`
	Photos    int `json:"photos"`
	// Scores counts charts: Added a chart's first best, Unchanged a score
	// that did not raise the best.
	Scores int `json:"scores"`
	// Improvements counts bests raised (Added only).
	Improvements int `json:"improvements"`
	// History counts score history rows restored from an export (Added only).
	History int `json:"history,omitempty"`
	// PhotoImages counts album photo images restored from an export.
	PhotoImages int `json:"photo_images,omitempty"`
	// Jackets counts jacket images restored from an export (Added only).
	Jackets int `json:"jackets,omitempty"`
	// Ambiguous counts scores of a page or play that names no genre, of a
	// title two stored songs share, so no best was raised (Unchanged only).
	Ambiguous int `json:"ambiguous,omitempty"`
}

func (c Counts) nonzero() bool { return c != Counts{} }

// Result is the outcome of importing one file.
type Result struct {
	Name string `json:"name"`
	// Player is the archive player the file went into (for an export of
	// several players, empty).
	Player    string        `json:"player,omitempty"`
	Kind      dxnet.Kind    `json:"kind,omitempty"`
	Region    maimai.Region `json:"region,omitempty"`
	Status    Status        `json:"status"`
	Added     Counts        `json:"added"`
	Unchanged Counts        `json:"unchanged"`
	Err       error         `json:"-"`
}

// Errors a rejected Result wraps; test with errors.Is. Parse errors wrap
// dxnet's errors (dxnet.ErrNotDXNet, …) instead.
var (
	// ErrSitePage: the page is the site's error, login or maintenance page,
	// not player data.
	ErrSitePage = errors.New("not player data")
	// ErrMisparsed: the parsed page breaks a rule of the game (an
	// achievement over 101%, a rank that does not match it, a time before
	// maimai DX existed…), so the parser read it wrong.
	ErrMisparsed = errors.New("misparsed")
	// ErrExport: a maiprobe export file that cannot be restored.
	ErrExport = errors.New("bad maiprobe export")
)

// Import stores one saved page (or restores a maiprobe export file of one
// player) for player, creating the player when needed. The page and
// everything derived from it are written in one transaction; a rejected
// file writes nothing. A page of another in-game player than the one player
// is bound to is refused with ErrIdentity.
func (a *Archive) Import(ctx context.Context, player string, src Source) Result {
	return a.ImportWith(ctx, src, ImportOptions{Player: player})
}

// ImportOptions say which players an import may write.
type ImportOptions struct {
	// Player is the archive player the file is for (unused with Auto).
	Player string
	// Auto sends each page to the player of the in-game identity it shows
	// (maiprobe import --player auto): the player with its friend code or
	// name, or, for a page that shows neither, the one player of its region.
	Auto bool
	// Folders, for Auto, tells the in-game player of a region that the
	// other pages of the file's folder show, when they show exactly one
	// (else the zero Owner): a page that shows no name goes to that
	// player's archive player.
	Folders func(maimai.Region) dxnet.Owner
	// Candidates, when not nil, are the only players Auto may choose (a web
	// login's own players); Auto then never creates a player.
	Candidates []string
	// Renamed accepts a page whose in-game name is not the player's: the
	// player renamed themselves in the game.
	Renamed bool
	// AllPlayers lets an export of several players restore each under its
	// own name; without it such a file is refused whole.
	AllPlayers bool
	// Operator: the archive's operator imports (the command line), not a
	// login or a token. Only the operator's exports restore what all
	// players share (jackets).
	Operator bool
	// Region is the game region the importer says a file of another tool
	// holds, for the formats that do not say (Tachi, mai-tools,
	// DXRating) and a player whose region is not known yet; "" when not
	// said. Pages say their own region and ignore it.
	Region maimai.Region
}

// ImportWith is Import with the choices of opt.
func (a *Archive) ImportWith(ctx context.Context, src Source, opt ImportOptions) Result {
	res := a.importAny(ctx, src, opt)
	a.imported(res)
	return res
}

func (a *Archive) importAny(ctx context.Context, src Source, opt ImportOptions) Result {
	if isExport(src.Data) {
		if opt.Auto && opt.Candidates == nil {
			// An export names its players itself; a login's import keeps
			// to the player it was made on.
			opt.Player = ""
		}
		return a.restore(ctx, src, opt)
	}
	if _, ok := interchange.Detect(src.Data); ok {
		f, err := interchange.Parse(src.Data)
		if err != nil {
			return Result{Name: src.Name, Status: Rejected, Err: err}
		}
		return a.importForeign(ctx, src, f, opt)
	}
	page, err := dxnet.Parse(src.Data)
	if err != nil {
		return Result{Name: src.Name, Status: Rejected, Err: err}
	}
	return a.importParsed(ctx, src, page, opt)
}

// importPage is Import after parsing: tests give it hand-built pages.
func (a *Archive) importPage(ctx context.Context, player string, src Source, page dxnet.Page) Result {
	res := a.importParsed(ctx, src, page, ImportOptions{Player: player})
	a.imported(res)
	return res
}

// importParsed is ImportWith after parsing.
func (a *Archive) importParsed(ctx context.Context, src Source, page dxnet.Page, opt ImportOptions) Result {
	h := page.Head()
	res := Result{Name: src.Name, Kind: h.Kind, Region: h.Region}
	reject := func(err error) Result {
		res.Status, res.Err = Rejected, err
		return res
	}
	if opt.Player == "" && !opt.Auto {
		return reject(errors.New("no player name given"))
	}
	now := a.now()
	if err := check(page, now); err != nil {
		return reject(err)
	}
	observed := src.ObservedAt
	if observed.IsZero() {
		observed = now
	}
	if observed.After(now.Add(24 * time.Hour)) {
		// A wrong clock or file time would date snapshots and score
		// history in the future.
		return reject(fmt.Errorf("the page's save time %s is in the future; check the clock or give the time the page was saved",
			observed.Format(time.RFC3339)))
	}
	sum := sha256.Sum256(src.Data)
	stored := storage.Page{
		SHA256: hex.EncodeToString(sum[:]), Kind: string(h.Kind), Region: string(h.Region), Name: src.Name,
		Size: int64(len(src.Data)), ObservedAt: observed, ImportedAt: now,
		Compression: "zstd", Data: a.enc.EncodeAll(src.Data, nil),
	}
	err := a.db.Update(ctx, func(tx *storage.Tx) error {
		res.Added, res.Unchanged = Counts{}, Counts{}
		tx.SetHook(a.hook)
		owner := dxnet.OwnerOf(page)
		var pid int64
		var err error
		res.Player = opt.Player
		if opt.Auto {
			to := owner
			if to.Name == "" && to.FriendCode == "" && opt.Folders != nil {
				if f := opt.Folders(to.Region); f.Region == to.Region {
					to = f
				}
			}
			pid, res.Player, err = route(ctx, tx, to, opt.Candidates, opt.Candidates == nil, now)
		} else {
			pid, err = ensurePlayer(ctx, tx, opt.Player, now)
		}
		if err != nil {
			return err
		}
		if err := bind(ctx, tx, pid, res.Player, owner, observed, bindOptions{renamed: opt.Renamed}); err != nil {
			return err
		}
		p := stored
		p.PlayerID = pid
		added, err := tx.InsertPage(ctx, &p)
		if err != nil {
			return err
		}
		if added {
			res.Added.Pages++
		} else {
			res.Unchanged.Pages++
		}
		// Same bytes seen again: derive as of the first save time, as a
		// reparse would.
		m := &merger{tx: tx, player: pid, res: &res}
		return m.derive(ctx, page, p.ID, p.ObservedAt)
	})
	if err != nil {
		if errors.Is(err, ErrIdentity) || errors.Is(err, ErrPlayerName) {
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

// IsExport tells a maiprobe export (JSON) from a page (HTML) by its first
// bytes.
func IsExport(b []byte) bool { return isExport(b) }

// isExport tells a maiprobe export (JSON) from a page (HTML).
func isExport(b []byte) bool {
	b = bytes.TrimLeft(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(b) == 0 || b[0] != '{' {
		return false
	}
	head := b[:min(len(b), 200)]
	return bytes.Contains(head, []byte(`"`+exportFormat+`"`))
}
