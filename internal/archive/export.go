package archive

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/maiprobe/maiprobe/internal/dxnet"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/storage"
)

// exportFormat and exportVersion identify the export file
// (docs/archive-format.md).
const (
	exportFormat  = "maiprobe-export"
	exportVersion = 1
)

type exportFile struct {
	Format     string         `json:"format"`
	Version    int            `json:"version"`
	ExportedAt time.Time      `json:"exported_at"`
	Players    []exportPlayer `json:"players"`
	// Jackets are the song images the players' plays and scores show,
	// once for all of them; files written before they were exported have
	// none.
	Jackets []exportJacket `json:"jackets"`
}

type exportPlayer struct {
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	// Identity is the in-game player the player is bound to; files written
	// before players were bound have none.
	Identity  *exportedIdentity `json:"identity,omitempty"`
	Pages     []exportPage      `json:"pages"`
	Plays     []exportPlay      `json:"plays"`
	Snapshots []exportSnapshot  `json:"snapshots"`
	Photos    []exportPhoto     `json:"photos"`
	// PhotoImages are the album images the fetcher downloaded; files
	// written before they were exported have none.
	PhotoImages  []exportPhotoImage `json:"photo_images"`
	Scores       []exportScore      `json:"scores"`
	ScoreHistory []exportStep       `json:"score_history"`
}

type exportedIdentity struct {
	Region     string   `json:"region"`
	FriendCode string   `json:"friend_code,omitempty"`
	Names      []string `json:"names,omitempty"`
}

type exportPage struct {
	SHA256      string    `json:"sha256"`
	Kind        string    `json:"kind"`
	Region      string    `json:"region"`
	SourceName  string    `json:"source_name"`
	Size        int64     `json:"size"`
	ObservedAt  time.Time `json:"observed_at"`
	ImportedAt  time.Time `json:"imported_at"`
	Compression string    `json:"compression"`
	Data        []byte    `json:"data"` // base64 by encoding/json
}

type exportPlay struct {
	Page         string             `json:"page"` // sha256 of the page it came from
	Region       maimai.Region      `json:"region"`
	PlayedAt     time.Time          `json:"played_at"`
	Idx          string             `json:"idx,omitempty"`
	Track        int                `json:"track"`
	Title        string             `json:"title"`
	Type         maimai.ChartType   `json:"type"`
	Difficulty   maimai.Difficulty  `json:"difficulty"`
	Level        string             `json:"level"`
	Achievement  maimai.Achievement `json:"achievement"`
	Rank         maimai.Rank        `json:"rank"`
	DXScore      int                `json:"dx_score"`
	DXScoreMax   int                `json:"dx_score_max"`
	DXStars      int                `json:"dx_stars"`
	FC           maimai.FC          `json:"fc"`
	FS           maimai.FS          `json:"fs"`
	Clear        bool               `json:"clear"`
	NewRecord    bool               `json:"new_record"`
	NewDXRecord  bool               `json:"new_dx_record"`
	MatchingRank int                `json:"matching_rank"`
	Jacket       string             `json:"jacket"`
	Detail       json.RawMessage    `json:"detail,omitempty"`
	DetailPage   string             `json:"detail_page,omitempty"`
}

type exportSnapshot struct {
	Page       string          `json:"page,omitempty"`
	Kind       string          `json:"kind"`
	ObservedAt time.Time       `json:"observed_at"`
	Region     string          `json:"region"`
	Name       string          `json:"name"`
	Rating     int             `json:"rating"`
	Stars      int             `json:"stars"`
	PlayCount  int             `json:"play_count"`
	Digest     string          `json:"digest"`
	Data       json.RawMessage `json:"data"`
}

type exportPhoto struct {
	Page       string            `json:"page,omitempty"`
	Key        string            `json:"key"`
	Region     string            `json:"region"`
	ImageURL   string            `json:"image_url"`
	TakenAt    time.Time         `json:"taken_at"`
	Title      string            `json:"title"`
	Type       maimai.ChartType  `json:"type"`
	Difficulty maimai.Difficulty `json:"difficulty"`
	Level      string            `json:"level"`
}

type exportPhotoImage struct {
	URL         string    `json:"url"`
	ContentType string    `json:"content_type"`
	FetchedAt   time.Time `json:"fetched_at"`
	Data        []byte    `json:"data"` // base64 by encoding/json
}

type exportScore struct {
	Title       string             `json:"title"`
	Type        maimai.ChartType   `json:"type"`
	Difficulty  maimai.Difficulty  `json:"difficulty"`
	Level       string             `json:"level"`
	Genre       string             `json:"genre"`
	Achievement maimai.Achievement `json:"achievement"`
	Rank        maimai.Rank        `json:"rank"`
	DXScore     int                `json:"dx_score"`
	DXScoreMax  int                `json:"dx_score_max"`
	FC          maimai.FC          `json:"fc"`
	FS          maimai.FS          `json:"fs"`
	PlayCount   int                `json:"play_count"`
	UpdatedAt   time.Time          `json:"updated_at"`
	// Source, SourcePage (its sha256) and SourceAt are the best's
	// provenance (docs/interchange.md); files written before it was
	// exported have none.
	Source     string    `json:"source,omitempty"`
	SourcePage string    `json:"source_page,omitempty"`
	SourceAt   time.Time `json:"source_at,omitzero"`
}

type exportStep struct {
	Page        string             `json:"page,omitempty"`
	Title       string             `json:"title"`
	Type        maimai.ChartType   `json:"type"`
	Difficulty  maimai.Difficulty  `json:"difficulty"`
	Genre       string             `json:"genre,omitempty"`
	ObservedAt  time.Time          `json:"observed_at"`
	Achievement maimai.Achievement `json:"achievement"`
	Rank        maimai.Rank        `json:"rank"`
	DXScore     int                `json:"dx_score"`
	DXScoreMax  int                `json:"dx_score_max"`
	FC          maimai.FC          `json:"fc"`
	FS          maimai.FS          `json:"fs"`
	Source      string             `json:"source,omitempty"` // as exportScore's
}

// Export writes the named players (every player when none are named) as a
// maiprobe export file: JSON holding each player's raw pages and every row
// derived from them, documented in docs/archive-format.md. Importing the
// file into an empty archive gives back the same archive.
func (a *Archive) Export(ctx context.Context, w io.Writer, players ...string) error {
	f := exportFile{Format: exportFormat, Version: exportVersion, ExportedAt: a.now().UTC(), Players: []exportPlayer{}}
	err := a.db.View(ctx, func(tx *storage.Tx) error {
		all, err := tx.Players(ctx)
		if err != nil {
			return err
		}
		byName := map[string]storage.Player{}
		for _, p := range all {
			byName[p.Name] = p
		}
		var chosen []storage.Player
		if len(players) == 0 {
			chosen = all
		}
		for _, name := range players {
			p, ok := byName[name]
			if !ok {
				return fmt.Errorf("archive: export: no player %q in the archive", name)
			}
			chosen = append(chosen, p)
		}
		for _, p := range chosen {
			ep, err := exportOne(ctx, tx, p)
			if err != nil {
				return fmt.Errorf("archive: export %s: %w", p.Name, err)
			}
			f.Players = append(f.Players, ep)
		}
		f.Jackets, err = exportJackets(ctx, tx, chosen)
		return err
	})
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	if err := enc.Encode(f); err != nil {
		return fmt.Errorf("archive: export: %w", err)
	}
	return nil
}

func exportOne(ctx context.Context, tx *storage.Tx, p storage.Player) (exportPlayer, error) {
	ep := exportPlayer{Name: p.Name, CreatedAt: p.CreatedAt, Pages: []exportPage{}, Plays: []exportPlay{},
		Snapshots: []exportSnapshot{}, Photos: []exportPhoto{}, PhotoImages: []exportPhotoImage{}, Scores: []exportScore{}, ScoreHistory: []exportStep{}}
	id, err := tx.PlayerIdentity(ctx, p.ID)
	if err != nil {
		return ep, err
	}
	if id.Bound() {
		ep.Identity = &exportedIdentity{Region: id.Region, FriendCode: id.FriendCode, Names: id.Names}
	}
	pages, err := tx.Pages(ctx, p.ID)
	if err != nil {
		return ep, err
	}
	for _, pg := range pages {
		data, err := tx.PageData(ctx, pg.ID)
		if err != nil {
			return ep, err
		}
		ep.Pages = append(ep.Pages, exportPage{SHA256: pg.SHA256, Kind: pg.Kind, Region: pg.Region, SourceName: pg.Name,
			Size: pg.Size, ObservedAt: pg.ObservedAt, ImportedAt: pg.ImportedAt, Compression: pg.Compression, Data: data})
	}
	plays, err := tx.PlaysFull(ctx, p.ID)
	if err != nil {
		return ep, err
	}
	for _, r := range plays {
		ep.Plays = append(ep.Plays, exportPlay{Page: r.PageSHA, Region: r.Region, PlayedAt: r.PlayedAt, Idx: r.Idx,
			Track: r.Track, Title: r.Title, Type: r.Type, Difficulty: r.Difficulty, Level: r.Level,
			Achievement: r.Achievement, Rank: r.Rank, DXScore: r.DXScore, DXScoreMax: r.DXScoreMax, DXStars: r.DXStars,
			FC: r.FC, FS: r.FS, Clear: r.Clear, NewRecord: r.NewRecord, NewDXRecord: r.NewDXRecord,
			MatchingRank: r.MatchingRank, Jacket: r.Jacket, Detail: r.Detail, DetailPage: r.DetailSHA})
	}
	snaps, err := tx.Snapshots(ctx, p.ID)
	if err != nil {
		return ep, err
	}
	for _, s := range snaps {
		ep.Snapshots = append(ep.Snapshots, exportSnapshot{Page: s.PageSHA, Kind: s.Kind, ObservedAt: s.ObservedAt,
			Region: s.Region, Name: s.Name, Rating: s.Rating, Stars: s.Stars, PlayCount: s.PlayCount, Digest: s.Digest, Data: s.Data})
	}
	photos, err := tx.Photos(ctx, p.ID)
	if err != nil {
		return ep, err
	}
	for _, ph := range photos {
		ep.Photos = append(ep.Photos, exportPhoto{Page: ph.PageSHA, Key: ph.Key, Region: ph.Region, ImageURL: ph.ImageURL,
			TakenAt: ph.TakenAt, Title: ph.Title, Type: ph.Type, Difficulty: ph.Difficulty, Level: ph.Level})
	}
	urls, err := tx.PhotoImageURLs(ctx, p.ID)
	if err != nil {
		return ep, err
	}
	for _, u := range slices.Sorted(maps.Keys(urls)) {
		img, err := tx.PhotoImageData(ctx, p.ID, u)
		if err != nil {
			return ep, err
		}
		ep.PhotoImages = append(ep.PhotoImages, exportPhotoImage{URL: img.URL, ContentType: img.ContentType,
			FetchedAt: img.FetchedAt, Data: img.Data})
	}
	best, err := tx.BestScores(ctx, p.ID)
	if err != nil {
		return ep, err
	}
	shas := make(map[int64]string, len(ep.Pages))
	for _, pg := range pages {
		shas[pg.ID] = pg.SHA256
	}
	for _, b := range best {
		ep.Scores = append(ep.Scores, exportScore{Title: b.Title, Type: b.Type, Difficulty: b.Difficulty, Level: b.Level,
			Genre: b.Genre, Achievement: b.Achievement, Rank: b.Rank, DXScore: b.DXScore, DXScoreMax: b.DXScoreMax,
			FC: b.FC, FS: b.FS, PlayCount: b.PlayCount, UpdatedAt: b.UpdatedAt,
			Source: b.Source, SourcePage: shas[b.SourcePageID], SourceAt: b.SourceAt})
	}
	steps, err := tx.ScoreHistory(ctx, p.ID)
	if err != nil {
		return ep, err
	}
	for _, s := range steps {
		ep.ScoreHistory = append(ep.ScoreHistory, exportStep{Page: s.PageSHA, Title: s.Title, Type: s.Type,
			Difficulty: s.Difficulty, Genre: s.Genre, ObservedAt: s.ObservedAt, Achievement: s.Achievement, Rank: s.Rank,
			DXScore: s.DXScore, DXScoreMax: s.DXScoreMax, FC: s.FC, FS: s.FS, Source: s.Source})
	}
	return ep, nil
}

// restore imports a maiprobe export file in one transaction. A file of
// one player goes into opt.Player (its own name when that is empty); a
// file of several is refused unless opt.AllPlayers restores each under its
// own name (the command line's --all-players): a token or login may only
// ever write its own player. Every row passes the sanity rules a page
// import applies, and every player the identity rules. Rows merge with
// what is stored by the same identities as pages do, so restoring twice
// adds nothing.
func (a *Archive) restore(ctx context.Context, src Source, opt ImportOptions) Result {
	res := Result{Name: src.Name, Kind: KindExport}
	reject := func(err error) Result {
		res.Status, res.Err = Rejected, err
		return res
	}
	var f exportFile
	if err := json.Unmarshal(src.Data, &f); err != nil {
		return reject(fmt.Errorf("%w: %v", ErrExport, err))
	}
	if f.Format != exportFormat || f.Version != exportVersion {
		return reject(fmt.Errorf("%w: format %q version %d; this maiprobe reads %q version %d",
			ErrExport, f.Format, f.Version, exportFormat, exportVersion))
	}
	if len(f.Players) > 1 && !opt.AllPlayers {
		names := make([]string, len(f.Players))
		for i, p := range f.Players {
			names[i] = fmt.Sprintf("%q", p.Name)
		}
		return reject(fmt.Errorf("%w: the file holds %d players (%s), and an import writes one player only; "+
			"export one player (maiprobe export --player NAME) or, on the command line, restore them all with maiprobe import --all-players FILE",
			ErrIdentity, len(f.Players), strings.Join(names, ", ")))
	}
	// One restore at a time in the process: a restore decodes and parses
	// every page of its file, and a burst of them must not add up.
	select {
	case restoring <- struct{}{}:
		defer func() { <-restoring }()
	case <-ctx.Done():
		return reject(ctx.Err())
	}
	// Check everything before writing anything.
	now := a.now()
	budget := maxFileRatio * int64(len(src.Data))
	owners := make([][]dxnet.Owner, len(f.Players))
	seen := map[string]bool{}
	for i := range f.Players {
		ep := &f.Players[i]
		if seen[ep.Name] {
			return reject(fmt.Errorf("%w: player %q is in the file twice", ErrExport, ep.Name))
		}
		seen[ep.Name] = true
		var err error
		if owners[i], err = a.checkExport(ep, now, &budget); err != nil {
			return reject(fmt.Errorf("%w: player %q: %w", ErrExport, ep.Name, err))
		}
	}
	if err := checkJackets(f.Jackets); err != nil {
		return reject(fmt.Errorf("%w: %w", ErrExport, err))
	}
	err := a.db.Update(ctx, func(tx *storage.Tx) error {
		res.Added, res.Unchanged = Counts{}, Counts{}
		tx.SetHook(a.hook)
		for i, ep := range f.Players {
			name := ep.Name
			if len(f.Players) == 1 && opt.Player != "" {
				name = opt.Player
			}
			if opt.Auto && opt.Player == "" {
				// Sorted by player: the player of its in-game identity.
				o, _, err := exportIdentity(&ep, owners[i])
				if err != nil {
					return fmt.Errorf("player %q: %w", ep.Name, err)
				}
				if _, name, err = route(ctx, tx, o, opt.Candidates, opt.Candidates == nil, now); err != nil {
					return fmt.Errorf("player %q: %w", ep.Name, err)
				}
			}
			res.Player = name
			if err := a.restoreOne(ctx, tx, name, ep, owners[i], opt, &res); err != nil {
				return fmt.Errorf("player %q: %w", ep.Name, err)
			}
		}
		if !opt.Operator {
			// Jackets are shared by every player of the server: only the
			// operator's restore may bring them; the fetcher gets them
			// from the site for everyone else.
			return nil
		}
		return restoreJackets(ctx, tx, f.Jackets, &res)
	})
	if err != nil {
		return reject(fmt.Errorf("archive: restore %s: %w", src.Name, err))
	}
	if len(f.Players) > 1 {
		res.Player = ""
	}
	res.Status = Unchanged
	if res.Added.nonzero() {
		res.Status = Added
	}
	return res
}

// checkExport verifies an exported player before anything is written:
// each page's bytes match its digest and stay within the page limit (checked
// while decompressing, so a small file cannot unpack into gigabytes), every
// row names a page of the file, and every row passes the sanity rules a
// page import applies (an export is as untrusted as a page: it may have
// been edited by hand).
func (a *Archive) checkExport(ep *exportPlayer, now time.Time, budget *int64) ([]dxnet.Owner, error) {
	if ep.Name == "" {
		return nil, errors.New("a player has no name")
	}
	shas := map[string]bool{}
	var owners []dxnet.Owner
	for _, pg := range ep.Pages {
		if pg.Compression != "zstd" {
			return nil, fmt.Errorf("page %s: unknown compression %q", pg.SHA256, pg.Compression)
		}
		if shas[pg.SHA256] {
			return nil, fmt.Errorf("page %s (%s) is in the file twice", pg.SHA256, pg.SourceName)
		}
		if pg.Size < 0 || pg.Size > dxnet.MaxPageSize {
			return nil, fmt.Errorf("page %s (%s): %d bytes is over the %d MB page limit", pg.SHA256, pg.SourceName, pg.Size, dxnet.MaxPageSize>>20)
		}
		// Real pages compress 10–65 times; far more is a bomb, not a page.
		if pg.Size > maxRatio*int64(len(pg.Data))+minRatioSize {
			return nil, fmt.Errorf("page %s (%s): %d bytes from %d compressed is over the page limit of %d times (a decompression bomb?)",
				pg.SHA256, pg.SourceName, pg.Size, len(pg.Data), maxRatio)
		}
		if *budget -= pg.Size; *budget < 0 {
			return nil, fmt.Errorf("its pages decompress to more than %d times the file's size (a decompression bomb?)", maxFileRatio)
		}
		if err := checkRegion(pg.Region); err != nil {
			return nil, fmt.Errorf("page %s: %v", pg.SHA256, err)
		}
		raw, err := a.decode(pg.Data, pg.Size)
		if err != nil {
			return nil, fmt.Errorf("page %s (%s): %v", pg.SHA256, pg.SourceName, err)
		}
		sum := sha256.Sum256(raw)
		if hex.EncodeToString(sum[:]) != pg.SHA256 || int64(len(raw)) != pg.Size {
			return nil, fmt.Errorf("page %s (%s): its data does not match its sha256 and size", pg.SHA256, pg.SourceName)
		}
		if err := checkTime(pg.ObservedAt, now); err != nil {
			return nil, fmt.Errorf("page %s (%s): saved at: %v", pg.SHA256, pg.SourceName, err)
		}
		// A page the parser reads (or gen's JSON page) must be what the
		// file says it is, and pass the rules of a page import; its owner
		// binds the player as an imported page would. (Pages it cannot
		// read — of layouts a later parser may learn — are kept as they
		// are, as a page import would not; a reparse refuses while they
		// are there, naming them, rather than lose their rows.)
		if page, err := readStored(raw); err == nil {
			h := page.Head()
			if string(h.Kind) != pg.Kind || string(h.Region) != pg.Region {
				return nil, fmt.Errorf("page %s (%s) says it is a %s page (%s), but it is a %s page (%s)",
					pg.SHA256, pg.SourceName, pg.Kind, pg.Region, h.Kind, h.Region)
			}
			if err := check(page, now); err != nil {
				return nil, fmt.Errorf("page %s (%s): %w", pg.SHA256, pg.SourceName, err)
			}
			owners = append(owners, dxnet.OwnerOf(page))
		}
		shas[pg.SHA256] = true
	}
	ref := func(what, sha string, optional bool) error {
		if (sha == "" && optional) || shas[sha] {
			return nil
		}
		return fmt.Errorf("%s names page %q, which is not in the file", what, sha)
	}
	for i, p := range ep.Plays {
		if err := ref(fmt.Sprintf("play %d", i+1), p.Page, false); err != nil {
			return nil, err
		}
		if err := ref(fmt.Sprintf("play %d detail", i+1), p.DetailPage, true); err != nil {
			return nil, err
		}
		if err := checkRegion(string(p.Region)); err != nil {
			return nil, fmt.Errorf("play %d: %v", i+1, err)
		}
		pl := maimai.Play{Track: p.Track, PlayedAt: p.PlayedAt, Chart: maimai.Chart{Title: p.Title, Type: p.Type, Difficulty: p.Difficulty},
			Achievement: p.Achievement, Rank: p.Rank, DXScore: p.DXScore, DXScoreMax: p.DXScoreMax, FC: p.FC, Idx: p.Idx}
		if err := checkPlay(pl, now); err != nil {
			return nil, fmt.Errorf("%w: play %d (%s): %v", ErrMisparsed, i+1, p.Title, err)
		}
		if err := checkMarks(p.FC, p.FS); err != nil {
			return nil, fmt.Errorf("%w: play %d (%s): %v", ErrMisparsed, i+1, p.Title, err)
		}
		if p.DXStars < 0 || p.DXStars > 5 || p.MatchingRank < 0 || p.MatchingRank > 4 {
			return nil, fmt.Errorf("%w: play %d (%s): %d DX stars, matching rank %d", ErrMisparsed, i+1, p.Title, p.DXStars, p.MatchingRank)
		}
		if p.Detail != nil {
			var d maimai.PlayDetail
			if err := json.Unmarshal(p.Detail, &d); err != nil {
				return nil, fmt.Errorf("play %d detail: %v", i+1, err)
			}
			if n := d.Judgements.TotalNotes(); n > 0 && p.DXScoreMax > 0 && p.DXScoreMax != 3*n {
				return nil, fmt.Errorf("%w: play %d (%s): DX score max %d is not 3 × %d notes of the judgement table",
					ErrMisparsed, i+1, p.Title, p.DXScoreMax, n)
			}
		}
	}
	for i, s := range ep.Snapshots {
		if err := ref(fmt.Sprintf("snapshot %d", i+1), s.Page, true); err != nil {
			return nil, err
		}
		if err := checkRegion(s.Region); err != nil {
			return nil, fmt.Errorf("snapshot %d: %v", i+1, err)
		}
		if err := checkTime(s.ObservedAt, now); err != nil {
			return nil, fmt.Errorf("%w: snapshot %d: %v", ErrMisparsed, i+1, err)
		}
		if err := checkProfile(dxnet.Profile{Name: s.Name, Rating: s.Rating, Stars: s.Stars, PlayCount: s.PlayCount}); err != nil {
			return nil, fmt.Errorf("snapshot %d: %w", i+1, err)
		}
		// The pages show the data, not the columns: both must agree and
		// pass the rules.
		var prof dxnet.Profile
		if err := json.Unmarshal(s.Data, &prof); err != nil {
			return nil, fmt.Errorf("snapshot %d: its data is not a profile: %v", i+1, err)
		}
		if err := checkProfile(prof); err != nil {
			return nil, fmt.Errorf("snapshot %d: %w", i+1, err)
		}
		if prof.Name != s.Name || prof.Rating != s.Rating || prof.Stars != s.Stars || prof.PlayCount != s.PlayCount {
			return nil, fmt.Errorf("%w: snapshot %d: its data (%q, rating %d, %d stars, %d plays) is not its row (%q, rating %d, %d stars, %d plays)",
				ErrMisparsed, i+1, prof.Name, prof.Rating, prof.Stars, prof.PlayCount, s.Name, s.Rating, s.Stars, s.PlayCount)
		}
	}
	for i, s := range ep.Photos {
		if err := ref(fmt.Sprintf("photo %d", i+1), s.Page, true); err != nil {
			return nil, err
		}
		if err := checkTime(s.TakenAt, now); err != nil {
			return nil, fmt.Errorf("%w: photo %d (%s): %v", ErrMisparsed, i+1, s.Title, err)
		}
		if err := checkRegion(s.Region); err != nil {
			return nil, fmt.Errorf("photo %d: %v", i+1, err)
		}
		if err := checkChart(maimai.Chart{Title: s.Title, Type: s.Type, Difficulty: s.Difficulty}); err != nil {
			return nil, fmt.Errorf("%w: photo %d: %v", ErrMisparsed, i+1, err)
		}
	}
	for i, s := range ep.Scores {
		if err := checkChart(maimai.Chart{Title: s.Title, Type: s.Type, Difficulty: s.Difficulty}); err != nil {
			return nil, fmt.Errorf("%w: score %d: %v", ErrMisparsed, i+1, err)
		}
		if err := checkScore(s.Difficulty, s.Achievement, s.Rank, s.FC, s.DXScore, s.DXScoreMax); err != nil {
			return nil, fmt.Errorf("%w: score %d (%s %s %s): %v", ErrMisparsed, i+1, s.Title, s.Type, s.Difficulty, err)
		}
		if err := checkMarks(s.FC, s.FS); err != nil {
			return nil, fmt.Errorf("%w: score %d (%s): %v", ErrMisparsed, i+1, s.Title, err)
		}
		if s.PlayCount < 0 {
			return nil, fmt.Errorf("%w: score %d (%s): play count %d", ErrMisparsed, i+1, s.Title, s.PlayCount)
		}
		if err := checkTime(s.UpdatedAt, now); err != nil {
			return nil, fmt.Errorf("%w: score %d (%s): updated: %v", ErrMisparsed, i+1, s.Title, err)
		}
		if !knownSource(s.Source) {
			return nil, fmt.Errorf("%w: score %d (%s): unknown source %q", ErrMisparsed, i+1, s.Title, s.Source)
		}
		if err := ref(fmt.Sprintf("score %d source", i+1), s.SourcePage, true); err != nil {
			return nil, err
		}
		if !s.SourceAt.IsZero() {
			if err := checkTime(s.SourceAt, now); err != nil {
				return nil, fmt.Errorf("%w: score %d (%s): source time: %v", ErrMisparsed, i+1, s.Title, err)
			}
		}
	}
	for i, s := range ep.ScoreHistory {
		if err := ref(fmt.Sprintf("score history %d", i+1), s.Page, true); err != nil {
			return nil, err
		}
		if err := checkChart(maimai.Chart{Title: s.Title, Type: s.Type, Difficulty: s.Difficulty}); err != nil {
			return nil, fmt.Errorf("%w: score history %d: %v", ErrMisparsed, i+1, err)
		}
		if err := checkScore(s.Difficulty, s.Achievement, s.Rank, s.FC, s.DXScore, s.DXScoreMax); err != nil {
			return nil, fmt.Errorf("%w: score history %d (%s %s %s): %v", ErrMisparsed, i+1, s.Title, s.Type, s.Difficulty, err)
		}
		if err := checkTime(s.ObservedAt, now); err != nil {
			return nil, fmt.Errorf("%w: score history %d (%s): %v", ErrMisparsed, i+1, s.Title, err)
		}
		if err := checkMarks(s.FC, s.FS); err != nil {
			return nil, fmt.Errorf("%w: score history %d (%s): %v", ErrMisparsed, i+1, s.Title, err)
		}
		if !knownSource(s.Source) {
			return nil, fmt.Errorf("%w: score history %d (%s): unknown source %q", ErrMisparsed, i+1, s.Title, s.Source)
		}
	}
	for i, img := range ep.PhotoImages {
		if img.URL == "" || img.ContentType == "" || len(img.Data) == 0 {
			return nil, fmt.Errorf("photo image %d: no url, content type or data", i+1)
		}
		if len(img.Data) > maxPhotoImage {
			return nil, fmt.Errorf("photo image %d: %d bytes is over the %d MB limit of an album image", i+1, len(img.Data), maxPhotoImage>>20)
		}
	}
	return owners, nil
}

// Decompression limits of a restore: a page may unpack to at most maxRatio
// times its compressed size (plus minRatioSize, for tiny pages), and all of a
// file's pages to at most maxFileRatio times the file.
const (
	maxRatio     = 200
	minRatioSize = 64 << 10
	maxFileRatio = 100
)

// maxPhotoImage is the largest album image a restore accepts; the site's
// photos are a few hundred kilobytes.
const maxPhotoImage = 10 << 20

// checkMarks accepts the FC and FS marks the game has.
func checkMarks(fc maimai.FC, fs maimai.FS) error {
	if !fc.Valid() {
		return fmt.Errorf("unknown FC mark %q", fc)
	}
	if !fs.Valid() {
		return fmt.Errorf("unknown FS mark %q", fs)
	}
	return nil
}

// checkRegion accepts the three sites' regions.
func checkRegion(r string) error {
	if maimai.Region(r).Valid() {
		return nil
	}
	return fmt.Errorf("unknown region %q", r)
}

// restoring lets one restore run at a time (see restore).
var restoring = make(chan struct{}, 1)

func (a *Archive) restoreOne(ctx context.Context, tx *storage.Tx, name string, ep exportPlayer, owners []dxnet.Owner, opt ImportOptions, res *Result) error {
	pid, err := ensurePlayer(ctx, tx, name, ep.CreatedAt)
	if err != nil {
		return err
	}
	if err := tx.KeepEarlierCreation(ctx, pid, ep.CreatedAt); err != nil {
		return err
	}
	// The file's rows must be of the player's in-game identity, as pages are.
	if err := bindExport(ctx, tx, pid, name, &ep, owners, a.now(), opt.Renamed); err != nil {
		return err
	}
	// What the player's snapshots showed before, to merge the file's with.
	stored, err := playerSightings(ctx, tx, pid)
	if err != nil {
		return err
	}
	pageIDs := map[string]int64{}
	for _, pg := range ep.Pages {
		p := storage.Page{PlayerID: pid, SHA256: pg.SHA256, Kind: pg.Kind, Region: pg.Region, Name: pg.SourceName,
			Size: pg.Size, ObservedAt: pg.ObservedAt, ImportedAt: pg.ImportedAt, Compression: pg.Compression, Data: pg.Data}
		added, err := tx.InsertPage(ctx, &p)
		if err != nil {
			return err
		}
		count(added, &res.Added.Pages, &res.Unchanged.Pages)
		pageIDs[pg.SHA256] = p.ID
	}
	m := &merger{tx: tx, player: pid, res: res}
	in := make([]incoming, len(ep.Plays))
	for i, p := range ep.Plays {
		var detail []byte
		if p.Detail != nil {
			// Keep every field, even ones this version does not know, in the
			// compact form the importer writes, so a round trip gives back
			// the same bytes.
			var buf bytes.Buffer
			if err := json.Compact(&buf, p.Detail); err != nil {
				return fmt.Errorf("play %d detail: %w", i+1, err)
			}
			detail = buf.Bytes()
		}
		in[i] = incoming{region: p.Region, pageID: pageIDs[p.Page], detail: detail, detailPageID: pageIDs[p.DetailPage],
			play: maimai.Play{Track: p.Track, PlayedAt: p.PlayedAt,
				Chart: maimai.Chart{Title: p.Title, Type: p.Type, Difficulty: p.Difficulty}, Level: p.Level,
				Achievement: p.Achievement, Rank: p.Rank, DXScore: p.DXScore, DXScoreMax: p.DXScoreMax, DXStars: p.DXStars,
				FC: p.FC, FS: p.FS, Clear: p.Clear, NewRecord: p.NewRecord, NewDXRecord: p.NewDXRecord,
				MatchingRank: p.MatchingRank, Idx: p.Idx, Jacket: p.Jacket}}
	}
	// The export's best scores and history are restored as they are, so
	// plays do not raise scores here.
	if err := m.plays(ctx, in, false); err != nil {
		return err
	}
	snaps := make([]storage.Snapshot, 0, len(ep.Snapshots))
	for _, s := range ep.Snapshots {
		// The file may be indented; store the compact JSON the importer writes.
		var data bytes.Buffer
		if err := json.Compact(&data, s.Data); err != nil {
			return fmt.Errorf("snapshot %s: %w", s.ObservedAt, err)
		}
		snaps = append(snaps, storage.Snapshot{PlayerID: pid, Kind: s.Kind, ObservedAt: s.ObservedAt, PageID: pageIDs[s.Page],
			Region: s.Region, Name: s.Name, Rating: s.Rating, Stars: s.Stars, PlayCount: s.PlayCount, Digest: s.Digest,
			Data: data.Bytes()})
	}
	pages := make([]storage.Page, len(ep.Pages))
	for i, pg := range ep.Pages {
		pages[i] = storage.Page{ID: pageIDs[pg.SHA256], Kind: pg.Kind, Region: pg.Region, ObservedAt: pg.ObservedAt}
	}
	// Merged as page imports in any order would store them.
	added, err := mergeSnapshots(ctx, tx, pid, stored, sightings(snaps, pages))
	if err != nil {
		return err
	}
	res.Added.Snapshots += added
	res.Unchanged.Snapshots += max(len(ep.Snapshots)-added, 0)
	for _, ph := range ep.Photos {
		row := storage.Photo{PlayerID: pid, PageID: pageIDs[ph.Page], Key: ph.Key, Region: ph.Region,
			Photo: maimai.Photo{ImageURL: ph.ImageURL, TakenAt: ph.TakenAt, Level: ph.Level,
				Chart: maimai.Chart{Title: ph.Title, Type: ph.Type, Difficulty: ph.Difficulty}}}
		added, err := tx.InsertPhoto(ctx, &row)
		if err != nil {
			return err
		}
		count(added, &res.Added.Photos, &res.Unchanged.Photos)
	}
	for _, img := range ep.PhotoImages {
		row := storage.PhotoImage{PlayerID: pid, URL: img.URL, ContentType: img.ContentType, FetchedAt: img.FetchedAt, Data: img.Data}
		added, err := tx.InsertPhotoImage(ctx, &row)
		if err != nil {
			return err
		}
		if added {
			res.Added.PhotoImages++
		}
	}
	if err := restoreScores(ctx, tx, pid, ep.Scores, pageIDs, res); err != nil {
		return err
	}
	for _, s := range ep.ScoreHistory {
		row := storage.ScoreStep{PlayerID: pid, Chart: maimai.Chart{Title: s.Title, Type: s.Type, Difficulty: s.Difficulty},
			Genre: s.Genre, ObservedAt: s.ObservedAt, Achievement: s.Achievement, Rank: s.Rank, DXScore: s.DXScore,
			DXScoreMax: s.DXScoreMax, FC: s.FC, FS: s.FS, PageID: pageIDs[s.Page], Source: s.Source}
		added, err := tx.InsertStep(ctx, &row)
		if err != nil {
			return err
		}
		if added {
			res.Added.History++
		}
	}
	return nil
}

// restoreScores adds the export's best scores; where the archive has a
// best of the same chart and genre, each field keeps the better of the two.
//
// Each best keeps the provenance the file gives it (files written before
// provenance was exported give none: reparse derives it); where the file's
// best raises a field of the stored one, the file's provenance wins, as a
// page that raises a best becomes its source.
func restoreScores(ctx context.Context, tx *storage.Tx, pid int64, scores []exportScore, pageIDs map[string]int64, res *Result) error {
	charts := make([]maimai.Chart, len(scores))
	for i, s := range scores {
		charts[i] = maimai.Chart{Title: s.Title, Type: s.Type, Difficulty: s.Difficulty}
	}
	rows, err := tx.BestScoresForUpdate(ctx, pid, charts)
	if err != nil {
		return err
	}
	best := map[bestKey]storage.BestScore{}
	for _, b := range rows {
		best[bestKey{b.Chart, b.Genre}] = b
	}
	for _, s := range scores {
		in := storage.BestScore{PlayerID: pid, UpdatedAt: s.UpdatedAt, Score: maimai.Score{
			Chart: maimai.Chart{Title: s.Title, Type: s.Type, Difficulty: s.Difficulty}, Played: true,
			Level: s.Level, Genre: s.Genre, Achievement: s.Achievement, Rank: s.Rank, DXScore: s.DXScore,
			DXScoreMax: s.DXScoreMax, FC: s.FC, FS: s.FS, PlayCount: s.PlayCount},
			Provenance: storage.Provenance{Source: s.Source, SourcePageID: pageIDs[s.SourcePage], SourceAt: s.SourceAt}}
		b, ok := best[bestKey{in.Chart, in.Genre}]
		if !ok {
			if err := tx.InsertBest(ctx, &in); err != nil {
				return err
			}
			res.Added.Scores++
			continue
		}
		merged := b
		raised := false
		if in.Achievement > merged.Achievement {
			merged.Achievement, merged.Rank, raised = in.Achievement, in.Rank, true
		}
		if in.DXScore > merged.DXScore {
			merged.DXScore, raised = in.DXScore, true
		}
		merged.DXScoreMax = max(merged.DXScoreMax, in.DXScoreMax)
		if fcLevel(in.FC) > fcLevel(merged.FC) {
			merged.FC, raised = in.FC, true
		}
		if fsLevel(in.FS) > fsLevel(merged.FS) {
			merged.FS, raised = in.FS, true
		}
		if (raised || merged.Source == "") && in.Source != "" {
			merged.Provenance = in.Provenance
		}
		merged.PlayCount = max(merged.PlayCount, in.PlayCount)
		if in.UpdatedAt.After(merged.UpdatedAt) {
			merged.UpdatedAt = in.UpdatedAt
		}
		if merged == b {
			res.Unchanged.Scores++
			continue
		}
		if err := tx.UpdateBest(ctx, &merged); err != nil {
			return err
		}
		res.Added.Improvements++
	}
	return nil
}

func count(added bool, a, u *int) {
	if added {
		*a++
	} else {
		*u++
	}
}
