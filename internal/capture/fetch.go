package capture

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/dxnet"
	"github.com/maiprobe/maiprobe/internal/dxsite"
)

// FetchOptions tune the site fetcher the proxy runs.
type FetchOptions struct {
	// Only limits the fetch to these parts of the site (all when empty).
	Only []dxsite.Part
	// Interval is the least time between two requests to the site
	// (dxsite's default when zero).
	Interval time.Duration
}

// ArchiveFetcher fetches a captured session's pages into the local
// archive a for player, with dxsite.Fetch.
func ArchiveFetcher(a *archive.Archive, player string, o FetchOptions) Fetcher {
	return func(ctx context.Context, s Session, progress func(Progress)) (Report, error) {
		return fetchInto(ctx, a, player, s, o, progress)
	}
}

func fetchInto(ctx context.Context, a *archive.Archive, player string, s Session, o FetchOptions, progress func(Progress)) (Report, error) {
	site := s.Site
	if site == nil {
		site = s.Base
	}
	var cookie []string
	for _, c := range s.Cookies {
		cookie = append(cookie, c.Name+"="+c.Value)
	}
	ds, err := dxsite.NewSession(dxsite.Config{
		Region: s.Region, Site: site.String(), Cookie: strings.Join(cookie, "; "),
		UserAgent: s.UserAgent, Interval: o.Interval,
	})
	if err != nil {
		return Report{}, err
	}
	rep, err := dxsite.Fetch(ctx, a, player, ds, dxsite.Options{
		Only: o.Only,
		Progress: func(p dxsite.Progress) {
			progress(Progress{Pages: p.Done, Total: p.Total, Current: p.Name})
		},
	})
	out := Report{Pages: len(rep.Results), Rejected: rep.Rejected}
	for _, r := range rep.Results {
		switch r.Status {
		case archive.Added:
			out.Added++
		case archive.Unchanged:
			out.Unchanged++
		}
	}
	progress(Progress{Pages: out.Pages, Total: out.Pages})
	return out, err
}

// RemoteFetcher fetches a captured session's pages and posts each to a
// maiprobe server. The pages pass through a scratch archive in a temporary
// directory (dxsite.Fetch writes to an archive), which is removed after.
func RemoteFetcher(rm *Remote, o FetchOptions) Fetcher {
	return func(ctx context.Context, s Session, progress func(Progress)) (Report, error) {
		dir, err := os.MkdirTemp("", "maiprobe-proxy-")
		if err != nil {
			return Report{}, fmt.Errorf("capture: scratch archive: %w", err)
		}
		defer os.RemoveAll(dir)
		a, err := archive.Open(ctx, filepath.Join(dir, "scratch.db"))
		if err != nil {
			return Report{}, err
		}
		defer a.Close()
		const player = "capture"
		_, ferr := fetchInto(ctx, a, player, s, o, progress)
		// Whatever was fetched before an error is still worth sending.
		pages, err := scratchPages(ctx, a, player)
		if err != nil {
			return Report{}, err
		}
		var rep Report
		for i, pg := range pages {
			progress(Progress{Pages: i, Total: len(pages), Current: pg.name})
			res, err := rm.Import(ctx, pg.name, pg.data, pg.observed)
			if err != nil {
				return rep, err
			}
			rep.Pages++
			switch res.Status {
			case "added":
				rep.Added++
			case "unchanged":
				rep.Unchanged++
			default:
				rep.Rejected++
			}
		}
		progress(Progress{Pages: rep.Pages, Total: rep.Pages})
		if ferr == nil && rep.Rejected > 0 {
			ferr = fmt.Errorf("capture: the server rejected %d pages", rep.Rejected)
		}
		return rep, ferr
	}
}

// scratchPage is a raw page read back from the scratch archive.
type scratchPage struct {
	name     string
	data     []byte
	observed time.Time
}

// scratchPages reads the raw pages of player back from a, through the
// archive's export (docs/archive-format.md), oldest first.
func scratchPages(ctx context.Context, a *archive.Archive, player string) ([]scratchPage, error) {
	var buf bytes.Buffer
	if err := a.Export(ctx, &buf, player); err != nil {
		return nil, fmt.Errorf("capture: read the fetched pages: %w", err)
	}
	var ex struct {
		Players []struct {
			Pages []struct {
				SourceName  string    `json:"source_name"`
				ObservedAt  time.Time `json:"observed_at"`
				Compression string    `json:"compression"`
				Data        []byte    `json:"data"`
			} `json:"pages"`
		} `json:"players"`
	}
	if err := json.Unmarshal(buf.Bytes(), &ex); err != nil {
		return nil, fmt.Errorf("capture: read the fetched pages: %w", err)
	}
	// Pages of its own scratch archive, bounded all the same (docs/security.md).
	dec, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(dxnet.MaxPageSize))
	if err != nil {
		return nil, err
	}
	defer dec.Close()
	var out []scratchPage
	for _, p := range ex.Players {
		for _, pg := range p.Pages {
			data := pg.Data
			switch pg.Compression {
			case "", "none":
			case "zstd":
				if data, err = dec.DecodeAll(pg.Data, nil); err != nil {
					return nil, fmt.Errorf("capture: page %s: %w", pg.SourceName, err)
				}
			default:
				return nil, fmt.Errorf("capture: page %s: unknown compression %q", pg.SourceName, pg.Compression)
			}
			out = append(out, scratchPage{name: pg.SourceName, data: data, observed: pg.ObservedAt})
		}
	}
	return out, nil
}
