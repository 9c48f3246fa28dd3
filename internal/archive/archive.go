// Package archive is the one way into a player's archive: every page the
// CLI, the web upload, the fetcher or the proxy brings goes through Import,
// which parses it, checks it against the game's rules and stores it with
// everything derived from it in one transaction. Nothing is lost (the raw
// page is kept, compressed) and nothing is counted twice (plays, scores,
// snapshots and photos have identities enforced by the database).
package archive

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/maiprobe/maiprobe/internal/dxnet"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/storage"
)

// Archive is an open archive.
type Archive struct {
	db  *storage.DB
	enc *zstd.Encoder
	// now is the clock; tests replace it.
	now func() time.Time
	// hook runs before each insert of an import; tests use it to fail a
	// transaction midway.
	hook func(what string) error
	// charts caches each region's chart database for ratings (songs.go).
	charts chartCache
	// ratings caches each player's current rating (rating.go).
	ratings ratingCache
	// linkedUpTo maps a player to the highest play id of the archive when
	// the player's charts were last matched for a level or constant filter
	// (views.go).
	linkedUpTo sync.Map
	// points caches each player's snapshot numbers (version.go), and
	// pointReads counts the reads that missed it (for tests).
	points     pointsCache
	pointReads atomic.Int64
	// hist caches each player's play log and milestones (history.go).
	hist histCache
	// jackets caches the jacket each title's plays showed (playjackets.go).
	jackets jacketCache
	// steps caches each player's score history (scoresteps.go).
	steps stepCache
	// warm computes a player's history pages in the background after an
	// import, when the server asked for it (prewarm.go).
	warm prewarm
}

// Open opens the archive at location (a SQLite file path,
// mysql://user:pass@host:port/db or postgres://…), creating and migrating
// its schema as needed.
func Open(ctx context.Context, location string) (*Archive, error) {
	return OpenWith(ctx, location, storage.ServerPool)
}

// OpenWith is Open with the database server's connection pool sized by
// pool (storage.OpenWith).
func OpenWith(ctx context.Context, location string, pool storage.Pool) (*Archive, error) {
	db, err := storage.OpenWith(ctx, location, pool)
	if err != nil {
		return nil, err
	}
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1))
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("archive: zstd: %w", err)
	}
	return &Archive{db: db, enc: enc, now: time.Now}, nil
}

// maxWindow is the largest zstd window a page may ask the decoder for:
// the encoder here uses 8 MB (zstd's usual), and a decoder keeps a window.
const maxWindow = 16 << 20

// readers are streaming zstd decoders for decode, reused between pages.
var readers = sync.Pool{New: func() any {
	d, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true),
		zstd.WithDecoderMaxWindow(maxWindow), zstd.WithDecoderMaxMemory(dxnet.MaxPageSize))
	if err != nil {
		return err
	}
	return d
}}

// decode decompresses a stored or exported page of the given raw size into
// a buffer of exactly that size: a page over the page limit is refused
// before decoding, and one that decodes to more than it says stops there.
// So a small crafted frame never unpacks into more memory than its page
// could hold (a 200 KB frame of 1 GB of zeros costs one read, not 1 GB).
func (a *Archive) decode(comp []byte, size int64) ([]byte, error) {
	if size < 0 || size > dxnet.MaxPageSize {
		return nil, fmt.Errorf("%d bytes is over the %d MB page limit", size, dxnet.MaxPageSize>>20)
	}
	v := readers.Get()
	d, ok := v.(*zstd.Decoder)
	if !ok {
		return nil, fmt.Errorf("zstd: %v", v)
	}
	defer readers.Put(d)
	if err := d.Reset(bytes.NewReader(comp)); err != nil {
		return nil, fmt.Errorf("cannot decompress: %w", err)
	}
	defer d.Reset(nil)
	raw := make([]byte, size)
	if _, err := io.ReadFull(d, raw); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("it decompresses to less than its size of %d bytes", size)
		}
		return nil, fmt.Errorf("cannot decompress: %w", err)
	}
	var one [1]byte
	if n, _ := d.Read(one[:]); n > 0 {
		limit := "its size"
		if size == dxnet.MaxPageSize {
			limit = "the page limit"
		}
		return nil, fmt.Errorf("it decompresses to more than %s of %d bytes (the %d MB page limit is checked while decoding)", limit, size, dxnet.MaxPageSize>>20)
	}
	return raw, nil
}

// Close closes the archive.
func (a *Archive) Close() error {
	a.stopPrewarm()
	a.enc.Close()
	return a.db.Close()
}

// Player is one person of the archive.
type Player struct {
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

// Players lists the archive's players by name.
func (a *Archive) Players(ctx context.Context) ([]Player, error) {
	var out []Player
	err := a.db.View(ctx, func(tx *storage.Tx) error {
		ps, err := tx.Players(ctx)
		for _, p := range ps {
			out = append(out, Player{Name: p.Name, CreatedAt: p.CreatedAt})
		}
		return err
	})
	return out, err
}

// Play is a stored play with its region and, once a playlogDetail page
// was imported, its detail.
type Play struct {
	maimai.Play
	Region maimai.Region      `json:"region"`
	Detail *maimai.PlayDetail `json:"detail,omitempty"`
}

// CountPlays counts the player's plays (0 for an unknown player).
func (a *Archive) CountPlays(ctx context.Context, player string) (int, error) {
	var n int
	err := a.db.View(ctx, func(tx *storage.Tx) error {
		id, err := tx.PlayerID(ctx, player)
		if err != nil {
			return err
		}
		n, err = tx.CountPlays(ctx, id)
		return err
	})
	if isNotFound(err) {
		return 0, nil
	}
	return n, err
}

// Plays lists the player's plays newest first, at most limit of them
// (all when limit <= 0). An unknown player has none.
func (a *Archive) Plays(ctx context.Context, player string, limit int) ([]Play, error) {
	var out []Play
	err := a.db.View(ctx, func(tx *storage.Tx) error {
		id, err := tx.PlayerID(ctx, player)
		if err != nil {
			return err
		}
		rows, err := tx.Plays(ctx, id, limit)
		if err != nil {
			return err
		}
		for _, r := range rows {
			p := Play{Play: r.Play, Region: r.Region}
			if r.Detail != nil {
				p.Detail = new(maimai.PlayDetail)
				if err := json.Unmarshal(r.Detail, p.Detail); err != nil {
					return fmt.Errorf("archive: play %d detail: %w", r.ID, err)
				}
			}
			out = append(out, p)
		}
		return nil
	})
	if isNotFound(err) {
		return nil, nil
	}
	return out, err
}

// RowCounts counts the rows of every table of the archive (all players),
// for status displays and tests.
func (a *Archive) RowCounts(ctx context.Context) (map[string]int, error) {
	var c map[string]int
	err := a.db.View(ctx, func(tx *storage.Tx) error {
		var err error
		c, err = tx.RowCounts(ctx)
		return err
	})
	return c, err
}
