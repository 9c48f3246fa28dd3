package archive

import (
	"context"
	"fmt"
	"sort"

	"github.com/maiprobe/maiprobe/internal/dxnet"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/storage"
)

// SplitPart is one in-game player found among a player's pages.
type SplitPart struct {
	Player     string `json:"player"`
	Region     string `json:"region"`
	Name       string `json:"name,omitempty"`
	FriendCode string `json:"friend_code,omitempty"`
	Pages      int    `json:"pages"`
	// New: the part was moved to a player of its own.
	New bool `json:"new"`
}

// SplitReport says what Split did.
type SplitReport struct {
	Player string      `json:"player"`
	Parts  []SplitPart `json:"parts"`
	// Unsure counts pages that show no player name, of a region with
	// several named players: they stayed with Player.
	Unsure int `json:"unsure,omitempty"`
}

// Split sorts the pages of a player that holds several in-game players
// (an archive filled before identities were checked) into one player per
// in-game identity: the identity with the most pages stays, each other one
// moves to a new player named after it, owned by the same logins, and every
// player involved is derived again from its raw pages (as Reparse does).
// A page that shows no name, and a file of another tool, goes with the one
// named player of its region; where there are several, it stays and is
// counted as unsure. A stored page that can no longer be read stops the
// split with an *UnreadableError naming every such page, as it stops a
// reparse: its player could not be derived without losing its rows. One
// transaction: on failure nothing changes.
func (a *Archive) Split(ctx context.Context, player string) (SplitReport, error) {
	rep := SplitReport{Player: player}
	err := a.db.Update(ctx, func(tx *storage.Tx) error {
		rep.Parts, rep.Unsure = nil, 0
		tx.SetHook(a.hook)
		pid, err := tx.PlayerID(ctx, player)
		if err != nil {
			return err
		}
		pages, err := tx.Pages(ctx, pid)
		if err != nil {
			return err
		}
		type group struct {
			owner dxnet.Owner
			pages []int64
		}
		named := map[[2]string]*group{}  // region, name
		nameless := map[string][]int64{} // region → pages
		codes := map[[2]string]string{}  // region, name → friend code
		var unread []Result
		for _, pg := range pages {
			if IsForeignKind(pg.Kind) {
				// Another tool's file shows no in-game player maiprobe can
				// trust (docs/interchange.md), only its region: it goes
				// like a page that shows no name, with the one named player
				// of its region, and stays where that is unsure.
				nameless[pg.Region] = append(nameless[pg.Region], pg.ID)
				continue
			}
			comp, err := tx.PageData(ctx, pg.ID)
			if err != nil {
				return err
			}
			raw, err := a.decode(comp, pg.Size)
			if err != nil {
				unread = append(unread, Result{Name: pg.Name, Kind: dxnet.Kind(pg.Kind), Status: Rejected,
					Err: fmt.Errorf("stored page %s: %w", pg.SHA256, err)})
				continue
			}
			page, err := readStored(raw)
			if err != nil {
				unread = append(unread, Result{Name: pg.Name, Kind: dxnet.Kind(pg.Kind), Status: Rejected, Err: err})
				continue
			}
			o := dxnet.OwnerOf(page)
			if o.Name == "" {
				nameless[string(o.Region)] = append(nameless[string(o.Region)], pg.ID)
				continue
			}
			k := [2]string{string(o.Region), o.Name}
			g := named[k]
			if g == nil {
				g = &group{owner: dxnet.Owner{Region: o.Region, Name: o.Name}}
				named[k] = g
			}
			g.pages = append(g.pages, pg.ID)
			if o.FriendCode != "" {
				codes[k] = o.FriendCode
			}
		}
		if len(unread) > 0 {
			// Which in-game player such a page belongs to is unknown, and
			// the reparse of whoever kept it would lose its rows.
			return &UnreadableError{Pages: unread}
		}
		var groups []*group
		for k, g := range named {
			g.owner.FriendCode = codes[k]
			groups = append(groups, g)
		}
		sort.Slice(groups, func(i, j int) bool {
			a, b := groups[i].owner, groups[j].owner
			return a.Region < b.Region || a.Region == b.Region && a.Name < b.Name
		})
		perRegion := map[string][]*group{}
		for _, g := range groups {
			perRegion[string(g.owner.Region)] = append(perRegion[string(g.owner.Region)], g)
		}
		var ambiguous []string
		for _, region := range sortedKeys(nameless) {
			switch gs := perRegion[region]; len(gs) {
			case 0:
				groups = append(groups, &group{owner: dxnet.Owner{Region: maimai.Region(region)}, pages: nameless[region]})
			case 1:
				gs[0].pages = append(gs[0].pages, nameless[region]...)
			default:
				ambiguous = append(ambiguous, region)
			}
		}
		// The identity with the most pages stays with the player.
		sort.SliceStable(groups, func(i, j int) bool { return len(groups[i].pages) > len(groups[j].pages) })
		if len(groups) == 0 {
			return nil
		}
		kept := groups[0]
		for _, region := range ambiguous {
			if string(kept.owner.Region) == region {
				rep.Unsure += len(nameless[region])
				continue
			}
			groups = append(groups, &group{owner: dxnet.Owner{Region: maimai.Region(region)}, pages: nameless[region]})
		}
		rep.Parts = append(rep.Parts, SplitPart{Player: player, Region: string(kept.owner.Region), Name: kept.owner.Name,
			FriendCode: kept.owner.FriendCode, Pages: len(kept.pages) + rep.Unsure})
		if len(groups) == 1 {
			return nil // one in-game player: nothing to move
		}
		all, err := tx.Players(ctx)
		if err != nil {
			return err
		}
		taken := map[string]bool{}
		for _, p := range all {
			taken[p.Name] = true
		}
		now := a.now()
		if err := tx.ClearIdentity(ctx, pid); err != nil {
			return err
		}
		ids := []int64{pid}
		for i, g := range groups {
			to, name := pid, player
			if i > 0 {
				name = newPlayerName(g.owner, taken)
				taken[name] = true
				if to, err = ensurePlayer(ctx, tx, name, now); err != nil {
					return err
				}
				if err := tx.MovePages(ctx, g.pages, to); err != nil {
					return err
				}
				if err := tx.CopyOwners(ctx, pid, to); err != nil {
					return err
				}
				ids = append(ids, to)
				rep.Parts = append(rep.Parts, SplitPart{Player: name, Region: string(g.owner.Region), Name: g.owner.Name,
					FriendCode: g.owner.FriendCode, Pages: len(g.pages), New: true})
			}
			if err := tx.SetIdentity(ctx, to, string(g.owner.Region), g.owner.FriendCode); err != nil {
				return err
			}
			if g.owner.Name != "" {
				if err := tx.AddPlayerName(ctx, to, g.owner.Name, now); err != nil {
					return err
				}
			}
		}
		for _, id := range ids {
			var r ReparseReport
			if err := a.rederive(ctx, tx, id, &r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return SplitReport{Player: player}, fmt.Errorf("archive: split %s: %w", player, err)
	}
	return rep, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
