package archive

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/maiprobe/maiprobe/internal/dxnet"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/storage"
)

// An archive player is one in-game player: the first page that shows who it
// belongs to binds the player to that region, name and friend code, and a
// page of anyone else is refused (ErrIdentity) rather than merged into the
// archive, where it would mix two people's plays, ratings and regions.

var (
	// ErrIdentity: the page (or export) belongs to another in-game player
	// than the archive player it was imported for.
	ErrIdentity = errors.New("another player's page")
	// ErrPlayerName: a player name that cannot be used.
	ErrPlayerName = errors.New("bad player name")
)

// MaxPlayerName is the longest player name, in characters.
const MaxPlayerName = 64

// ValidPlayerName checks a name for an archive player: it appears in URLs
// (/p/NAME/), file names and logs, so it must be printable text without
// surrounding space or slashes.
func ValidPlayerName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("%w: the name is empty", ErrPlayerName)
	case !utf8.ValidString(name):
		return fmt.Errorf("%w: %q is not UTF-8 text", ErrPlayerName, name)
	case strings.TrimSpace(name) != name:
		return fmt.Errorf("%w: %q starts or ends with white space", ErrPlayerName, name)
	case utf8.RuneCountInString(name) > MaxPlayerName:
		return fmt.Errorf("%w: %q is longer than %d characters", ErrPlayerName, name, MaxPlayerName)
	case name == "." || name == "..":
		return fmt.Errorf("%w: %q", ErrPlayerName, name)
	case name == AutoPlayer:
		return fmt.Errorf("%w: %q is kept for import --player auto, which sorts pages by player", ErrPlayerName, name)
	}
	for _, r := range name {
		if !unicode.IsPrint(r) || r == '/' || r == '\\' {
			return fmt.Errorf("%w: %q holds %U, which is not allowed (control characters, slashes, invisible space)", ErrPlayerName, name, r)
		}
	}
	return nil
}

// ensurePlayer is tx.EnsurePlayer for a checked name.
// The name is checked only when the player is new: players made before
// names were checked keep working.
func ensurePlayer(ctx context.Context, tx *storage.Tx, name string, at time.Time) (int64, error) {
	if id, err := tx.PlayerID(ctx, name); err == nil {
		return id, nil
	} else if !isNotFound(err) {
		return 0, err
	}
	if err := ValidPlayerName(name); err != nil {
		return 0, err
	}
	return tx.EnsurePlayer(ctx, name, at)
}

// AutoPlayer is the --player value that sends each page to the player of
// the in-game player it shows; no player may have it as its name.
const AutoPlayer = "auto"

// describe names an in-game identity for messages: "the cn player ＳＣＨＷＩ
// (friend code 123…)".
func describe(region, name, code string) string {
	s := "a " + region + " player"
	switch region {
	case "":
		s = "a player"
	case "intl":
		s = "an intl player"
	}
	if name != "" {
		s = "the " + region + " player " + name
	}
	if code != "" {
		s += " (friend code " + code + ")"
	}
	return s
}

func describeIdentity(id storage.Identity) string {
	return describe(id.Region, strings.Join(id.Names, " / "), id.FriendCode)
}

// identityOf returns the player's identity, binding a player of an archive
// made before identities to what its stored pages show. A player whose
// stored pages already belong to several regions is reported: it must be
// split first (Split).
func identityOf(ctx context.Context, tx *storage.Tx, pid int64, player string, renamed bool) (storage.Identity, error) {
	id, err := tx.LockPlayerIdentity(ctx, pid)
	if err != nil || id.Bound() {
		return id, err
	}
	seen, err := tx.StoredIdentities(ctx, pid)
	if err != nil {
		return id, err
	}
	split := "split it first: maiprobe split --player " + player
	switch {
	case len(seen) == 0:
		return id, nil
	case len(seen) == 1 && (len(seen[0].Names) <= 1 || renamed):
		// One region and one name, or the renames the player confirmed.
		id.Region, id.Names = seen[0].Region, seen[0].Names
		if err := tx.SetIdentity(ctx, pid, id.Region, ""); err != nil {
			return id, err
		}
		for _, n := range id.Names {
			if err := tx.AddPlayerName(ctx, pid, n, time.Time{}); err != nil {
				return id, err
			}
		}
		return id, nil
	case len(seen) == 1:
		return id, fmt.Errorf("%w: player %q holds pages showing several in-game names (%s): if the player renamed themselves in the game, import with --renamed; if they are different players, %s",
			ErrIdentity, player, strings.Join(seen[0].Names, ", "), split)
	}
	var parts []string
	for _, s := range seen {
		parts = append(parts, sightingText(s))
	}
	return id, fmt.Errorf("%w: player %q already holds pages of several in-game players (%s); %s",
		ErrIdentity, player, strings.Join(parts, "; "), split)
}

// sightingText says what a player's pages of one region show: "cn: 12
// pages, ＡＬＩＣＥ / ＢＯＢ".
func sightingText(s storage.Sighting) string {
	t := fmt.Sprintf("%s: %d pages", s.Region, s.Pages)
	if s.Pages == 1 {
		t = fmt.Sprintf("%s: 1 page", s.Region)
	}
	if len(s.Names) > 0 {
		t += ", " + strings.Join(s.Names, " / ")
	}
	return t
}

// bindOptions are the choices an importer made about identities.
type bindOptions struct {
	// renamed accepts a page whose in-game name is not the player's: the
	// player changed their name in the game.
	renamed bool
	// what is checked, for messages: "page" (the default) or "file".
	what string
}

// bind checks that a page of owner o may go into player pid, and binds
// the player to what the page shows that it did not know yet.
func bind(ctx context.Context, tx *storage.Tx, pid int64, player string, o dxnet.Owner, at time.Time, opt bindOptions) error {
	if o.Region == "" {
		return nil
	}
	id, err := identityOf(ctx, tx, pid, player, opt.renamed)
	if err != nil {
		return err
	}
	page := describe(string(o.Region), o.Name, o.FriendCode)
	what := cmp.Or(opt.what, "page")
	refuse := func(why, hint string) error {
		return fmt.Errorf("%w: this %s is of %s, but player %q is %s%s; %s",
			ErrIdentity, what, page, player, describeIdentity(id), why, hint)
	}
	const other = "import it as another player (--player NAME, or --player auto to send each page to its own player)"
	if id.Region != "" && id.Region != string(o.Region) {
		return refuse("", other)
	}
	if o.FriendCode != "" && id.FriendCode != "" && o.FriendCode != id.FriendCode {
		return refuse("", other)
	}
	sameCode := o.FriendCode != "" && o.FriendCode == id.FriendCode
	if o.Name != "" && len(id.Names) > 0 && !id.HasName(o.Name) && !sameCode {
		if !opt.renamed && !id.AcceptRename {
			return refuse("", other+"; if the player renamed themselves in the game, confirm it on the player's settings page (or import with --renamed)")
		}
		if id.AcceptRename {
			if err := tx.SetAcceptRename(ctx, pid, false); err != nil { // once
				return err
			}
		}
	}
	if id.Region == "" || (id.FriendCode == "" && o.FriendCode != "") {
		if err := tx.SetIdentity(ctx, pid, string(o.Region), cmp.Or(id.FriendCode, o.FriendCode)); err != nil {
			return err
		}
	}
	if o.Name != "" && !id.HasName(o.Name) {
		return tx.AddPlayerName(ctx, pid, o.Name, at)
	}
	return nil
}

// route finds the player a page of owner o goes to when pages are sorted by
// player (--player auto): the player with its friend code, else the one with
// its name, else, for a page that shows no name, the one player of its
// region. A page that matches nobody gets a new player named after it when
// create is set. candidates, when not nil, are the only players it may go
// to (a web login's own). It returns the player's id and name.
func route(ctx context.Context, tx *storage.Tx, o dxnet.Owner, candidates []string, create bool, now time.Time) (int64, string, error) {
	rows, err := tx.Identities(ctx)
	if err != nil {
		return 0, "", err
	}
	allowed := func(name string) bool { return candidates == nil || slices.Contains(candidates, name) }
	var sameRegion, empty []storage.PlayerIdentityRow
	taken := map[string]bool{}
	for _, r := range rows {
		taken[r.Name] = true
		if !allowed(r.Name) {
			continue
		}
		if !r.Bound() {
			// A player of an archive made before identities, or one with no
			// page yet: what its pages show, if anything.
			id, err := identityOf(ctx, tx, r.ID, r.Name, false)
			if err != nil {
				continue // mixed: Split reports it; never route to it
			}
			r.Identity = id
			if !id.Bound() {
				empty = append(empty, r) // no page yet
				continue
			}
		}
		if r.Region == string(o.Region) {
			sameRegion = append(sameRegion, r)
		}
	}
	pick := func(match func(storage.PlayerIdentityRow) bool) []storage.PlayerIdentityRow {
		var out []storage.PlayerIdentityRow
		for _, r := range sameRegion {
			if match(r) {
				out = append(out, r)
			}
		}
		return out
	}
	names := func(rs []storage.PlayerIdentityRow) string {
		var ns []string
		for _, r := range rs {
			ns = append(ns, fmt.Sprintf("%q", r.Name))
		}
		return strings.Join(ns, ", ")
	}
	page := describe(string(o.Region), o.Name, o.FriendCode)
	if o.FriendCode != "" {
		if m := pick(func(r storage.PlayerIdentityRow) bool { return r.FriendCode == o.FriendCode }); len(m) == 1 {
			return m[0].ID, m[0].Name, nil
		}
	}
	if o.Name != "" {
		m := pick(func(r storage.PlayerIdentityRow) bool {
			return r.HasName(o.Name) && (o.FriendCode == "" || r.FriendCode == "")
		})
		switch len(m) {
		case 1:
			return m[0].ID, m[0].Name, nil
		case 0:
			// A player made from pages that showed no name (a record page
			// first) takes the name of the first page that shows one, when
			// it is the only such player of the region.
			if un := pick(func(r storage.PlayerIdentityRow) bool { return len(r.Names) == 0 && r.FriendCode == "" }); len(un) == 1 {
				return un[0].ID, un[0].Name, nil
			}
		default:
			return 0, "", fmt.Errorf("%w: this page is of %s, and several players have that name (%s); import it with --player NAME",
				ErrIdentity, page, names(m))
		}
	} else {
		switch len(sameRegion) {
		case 1:
			return sameRegion[0].ID, sameRegion[0].Name, nil
		case 0:
		default:
			return 0, "", fmt.Errorf("%w: this %s page shows no player name, and there are several %s players (%s); import it with --player NAME, or keep each player's pages in a folder of their own with their home or player data page",
				ErrIdentity, o.Region, o.Region, names(sameRegion))
		}
	}
	if !create {
		// A login's one player with no page yet (made for this account
		// with user grant --create) takes the first pages of a new one.
		if len(empty) == 1 {
			return empty[0].ID, empty[0].Name, nil
		}
		return 0, "", fmt.Errorf("%w: this page is of %s, who is none of your players (%s); import it on the import page of the player it belongs to",
			ErrIdentity, page, strings.Join(candidates, ", "))
	}
	name := newPlayerName(o, taken)
	pid, err := ensurePlayer(ctx, tx, name, now)
	return pid, name, err
}

// newPlayerName makes a player name for an in-game identity: its name in
// plain width ("ＭＩＮＴＹ" → "MINTY"), else the region, made unique.
func newPlayerName(o dxnet.Owner, taken map[string]bool) string {
	base := strings.Map(func(r rune) rune {
		if !unicode.IsPrint(r) || r == '/' || r == '\\' || unicode.IsSpace(r) {
			return '_'
		}
		return r
	}, norm.NFKC.String(o.Name))
	base = strings.Trim(base, "_.")
	if utf8.RuneCountInString(base) > MaxPlayerName-8 {
		base = string([]rune(base)[:MaxPlayerName-8])
	}
	if base == "" {
		base = string(o.Region)
	} else if taken[base] {
		base += "-" + string(o.Region)
	}
	if base == "" {
		base = "player"
	}
	name := base
	for i := 2; taken[name] || ValidPlayerName(name) != nil; i++ {
		name = fmt.Sprintf("%s-%d", base, i)
	}
	return name
}

// exportIdentity is the in-game identity an exported player shows: the
// region of its rows (pages, plays, snapshots, photos) and of its pages as
// parsed, the names of its snapshots, of its parsed pages and of the
// identity the file states, and a friend code. A file mixing regions or
// friend codes is refused, as pages of different players are. It returns
// the owner to route by (its first name) and every name.
func exportIdentity(ep *exportPlayer, owners []dxnet.Owner) (dxnet.Owner, []string, error) {
	regions := map[string]bool{}
	var names []string
	addName := func(n string) {
		if n != "" && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	var code string
	addCode := func(c string) error {
		if c != "" && code != "" && c != code {
			return fmt.Errorf("%w: the file shows two friend codes (%s, %s), so two in-game players", ErrIdentity, code, c)
		}
		code = cmp.Or(code, c)
		return nil
	}
	if id := ep.Identity; id != nil {
		regions[id.Region] = true
		for _, n := range id.Names {
			addName(n)
		}
		if err := addCode(id.FriendCode); err != nil {
			return dxnet.Owner{}, nil, err
		}
	}
	for _, pg := range ep.Pages {
		regions[pg.Region] = true
	}
	for _, p := range ep.Plays {
		regions[string(p.Region)] = true
	}
	for _, ph := range ep.Photos {
		regions[ph.Region] = true
	}
	for _, s := range ep.Snapshots {
		regions[s.Region] = true
		addName(s.Name)
	}
	for _, o := range owners {
		regions[string(o.Region)] = true
		addName(o.Name)
		if err := addCode(o.FriendCode); err != nil {
			return dxnet.Owner{}, nil, err
		}
	}
	delete(regions, "")
	if len(regions) > 1 {
		rs := slices.Sorted(maps.Keys(regions))
		return dxnet.Owner{}, nil, fmt.Errorf("%w: the file's pages are of several regions (%s), so of several in-game players: "+
			"split the player in the archive it came from (maiprobe split) and export each player", ErrIdentity, strings.Join(rs, ", "))
	}
	o := dxnet.Owner{FriendCode: code}
	for r := range regions {
		o.Region = maimai.Region(r)
	}
	if len(names) > 0 {
		o.Name = names[0]
	}
	return o, names, nil
}

// bindExport checks an exported player against the archive player it is
// restored into, as page imports are checked: the same region and friend
// code, and, when both know names, at least one name in common. Several
// names go into a player that has none only when the file's identity says
// the player confirmed them as renames (or with renamed).
func bindExport(ctx context.Context, tx *storage.Tx, pid int64, player string, ep *exportPlayer, owners []dxnet.Owner, at time.Time, renamed bool) error {
	o, names, err := exportIdentity(ep, owners)
	if err != nil {
		return err
	}
	if err := bind(ctx, tx, pid, player, dxnet.Owner{Region: o.Region, FriendCode: o.FriendCode}, at, bindOptions{renamed: renamed, what: "file"}); err != nil {
		return err
	}
	id, err := tx.PlayerIdentity(ctx, pid)
	if err != nil {
		return err
	}
	confirmed := renamed
	if ep.Identity != nil {
		confirmed = confirmed || !slices.ContainsFunc(names, func(n string) bool { return !slices.Contains(ep.Identity.Names, n) })
	}
	file := describe(string(o.Region), strings.Join(names, " / "), o.FriendCode)
	if len(id.Names) == 0 && len(names) > 1 && !confirmed {
		return fmt.Errorf("%w: the file shows several in-game names (%s): if the player renamed themselves in the game, restore it with --renamed; "+
			"if they are different players, split the player in the archive it came from (maiprobe split)", ErrIdentity, strings.Join(names, ", "))
	}
	common := len(id.Names) == 0 || len(names) == 0 || renamed || (o.FriendCode != "" && o.FriendCode == id.FriendCode)
	for _, n := range names {
		common = common || id.HasName(n)
	}
	if !common {
		return fmt.Errorf("%w: the file is of %s, but player %q is %s; restore it as another player, or with --renamed if the player renamed themselves in the game",
			ErrIdentity, file, player, describeIdentity(id))
	}
	for _, n := range names {
		if err := tx.AddPlayerName(ctx, pid, n, at); err != nil {
			return err
		}
	}
	return nil
}

// AcceptRename records that the player renamed themselves in the game (or
// forgets it): the next page showing a new in-game name is accepted, once,
// whatever way it comes in (web, API, fetch, proxy).
func (a *Archive) AcceptRename(ctx context.Context, player string, accept bool) error {
	return a.db.Update(ctx, func(tx *storage.Tx) error {
		id, err := tx.PlayerID(ctx, player)
		if err != nil {
			return err
		}
		return tx.SetAcceptRename(ctx, id, accept)
	})
}

// RenamePending reports whether the player's owner confirmed a rename that
// no page has used yet.
func (a *Archive) RenamePending(ctx context.Context, player string) (bool, error) {
	var ok bool
	err := a.db.View(ctx, func(tx *storage.Tx) error {
		pid, err := tx.PlayerID(ctx, player)
		if err != nil {
			return err
		}
		id, err := tx.PlayerIdentity(ctx, pid)
		ok = id.AcceptRename
		return err
	})
	return ok, err
}

// PlayerIdentity is a player's in-game identity as bound, and what its
// stored pages show, for status reports.
type PlayerIdentity struct {
	Player     string   `json:"player"`
	Region     string   `json:"region,omitempty"`
	FriendCode string   `json:"friend_code,omitempty"`
	Names      []string `json:"names,omitempty"`
	// Mixed: the stored pages belong to several in-game players (several
	// regions, or several names the player did not confirm as renames);
	// Problem says how, with the command that splits the player.
	Mixed bool `json:"mixed,omitempty"`
	// MixedRegions: of several regions, which no rename explains.
	MixedRegions bool   `json:"mixed_regions,omitempty"`
	Problem      string `json:"problem,omitempty"`
	// Seen is what the stored pages show, region by region:
	// "cn: 12 pages Ａ / Ｂ; intl: 3 pages".
	Seen string `json:"seen,omitempty"`
}

// Identities lists every player's in-game identity, and which players hold
// pages of several in-game players (filled before identities were checked).
func (a *Archive) Identities(ctx context.Context) ([]PlayerIdentity, error) {
	var out []PlayerIdentity
	err := a.db.View(ctx, func(tx *storage.Tx) error {
		rows, err := tx.Identities(ctx)
		if err != nil {
			return err
		}
		for _, r := range rows {
			pi := PlayerIdentity{Player: r.Name, Region: r.Region, FriendCode: r.FriendCode, Names: r.Names}
			seen, err := tx.StoredIdentities(ctx, r.ID)
			if err != nil {
				return err
			}
			var parts []string
			mixedNames := false
			for _, s := range seen {
				parts = append(parts, sightingText(s))
				for _, n := range s.Names {
					if !r.HasName(n) {
						mixedNames = true
					}
				}
				if r.Region != "" && s.Region != r.Region {
					mixedNames = true
				}
			}
			if !r.Bound() && len(seen) == 1 {
				pi.Region = seen[0].Region
				if len(seen[0].Names) <= 1 {
					pi.Names = seen[0].Names
					mixedNames = false
				}
			}
			pi.Seen = strings.Join(parts, "; ")
			switch {
			case len(seen) > 1:
				pi.Mixed, pi.MixedRegions = true, true
				pi.Problem = fmt.Sprintf("its pages are of several regions (%s), so of several in-game players: split it with maiprobe split --player %s",
					pi.Seen, r.Name)
			case mixedNames:
				pi.Mixed = true
				pi.Problem = fmt.Sprintf("its pages show several in-game names (%s): split it with maiprobe split --player %s, or, if the player renamed themselves, import with --renamed",
					pi.Seen, r.Name)
			}
			out = append(out, pi)
		}
		return nil
	})
	return out, err
}
