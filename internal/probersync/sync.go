package probersync

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/interchange"
	"github.com/maiprobe/maiprobe/internal/storage"
)

// Options tune one sync.
type Options struct {
	// BaseURL replaces the service's address (DefaultBaseURL); "" is the
	// real service.
	BaseURL string
	// DryRun builds what would be sent and sends nothing, recording
	// nothing.
	DryRun bool
	// Full sends everything again, as if the service had accepted
	// nothing (after the player's data was deleted there, or a token of
	// another account).
	Full bool
	// BatchSize caps the items of one request; 0 is DefaultBatchSize.
	BatchSize int
	// HTTP is the client requests go through; nil is one that does not
	// follow redirects and gives each request two minutes.
	HTTP *http.Client
	// Progress, when set, is called after each batch the service accepted.
	Progress func(sent, pending int)
}

// DefaultBatchSize is how many items one request carries: about 100 KB of
// JSON, well under what either service takes in one request, and small
// enough that an interrupted sync loses little.
func (s Service) DefaultBatchSize() int {
	if s == Lxns {
		return 200
	}
	return 500
}

// MaxBatchSize caps Options.BatchSize.
const MaxBatchSize = 2000

// Report is what a sync did.
type Report struct {
	Service Service `json:"service"`
	Player  string  `json:"player"`
	DryRun  bool    `json:"dry_run,omitempty"`
	// Items is how many items the archive holds for the service (bests
	// for diving-fish, plays for Lxns); Pending how many of them the
	// service had not accepted; Sent how many it accepted in this run, in
	// Batches requests.
	Items   int `json:"items"`
	Pending int `json:"pending"`
	Sent    int `json:"sent"`
	Batches int `json:"batches"`
	// Skipped are the plays or bests the service cannot take (utage
	// charts for diving-fish, charts the song data does not know), with
	// the reason for each.
	Skipped []string `json:"skipped,omitempty"`
	// Kept counts, for diving-fish, the pending bests not sent because
	// diving-fish's record of the chart is at least as good in every
	// field; Merged those sent with some field raised to diving-fish's
	// (update_records overwrites, so nothing it holds may go down).
	Kept   int `json:"kept,omitempty"`
	Merged int `json:"merged,omitempty"`
	// Would is, on a dry run, every item that would be sent, as it would
	// be sent (for diving-fish, after the merge).
	Would []json.RawMessage `json:"would_send,omitempty"`
}

// Summary is the report in one line, for logs and the web page.
func (r Report) Summary() string {
	req := "requests"
	if r.Batches == 1 {
		req = "request"
	}
	s := fmt.Sprintf("%s: %d sent in %d %s, %d were already there, %d skipped", r.Service, r.Sent, r.Batches, req, r.Had(), len(r.Skipped))
	if r.DryRun {
		s = fmt.Sprintf("%s (dry run): %d would be sent, %d are already there, %d skipped", r.Service, len(r.Would), r.Had(), len(r.Skipped))
	}
	if r.Merged > 0 {
		s += fmt.Sprintf(", %d merged with higher fields the service had", r.Merged)
	}
	return s
}

// Had is how many items the service already had, or had better: those
// it accepted before and, for diving-fish, the charts whose record there
// is at least as good.
func (r Report) Had() int { return r.Items - r.Pending + r.Kept }

// item is one thing a service keeps: a chart's best (diving-fish) or a
// play (Lxns). key names it (a best's chart; a play's own content, as
// plays never change), hash what was sent of it: an item is pending
// while the service's recorded hash differs.
type item struct {
	key, hash string
	body      json.RawMessage
	// df is a diving-fish item's record, merged with what diving-fish
	// holds before it is sent (merge.go).
	df *interchange.DivingFishRecord
}

// Sync sends the player's items the service has not accepted, in batches,
// recording each batch the service accepts. An error ends the sync; what
// was accepted before it stays recorded, so the next sync resumes. The
// token is only ever put in the service's header.
func Sync(ctx context.Context, a *archive.Archive, player string, service Service, token string, opt Options) (Report, error) {
	rep := Report{Service: service, Player: player, DryRun: opt.DryRun}
	if service != DivingFish && service != Lxns {
		return rep, fmt.Errorf("probersync: unknown service %q", service)
	}
	c, err := newClient(service, token, opt)
	if err != nil {
		return rep, err
	}
	size := opt.BatchSize
	if size <= 0 {
		size = service.DefaultBatchSize()
	}
	size = min(size, MaxBatchSize)

	items, skipped, err := build(ctx, a, player, service)
	if err != nil {
		return rep, err
	}
	rep.Items, rep.Skipped = len(items), skipped
	sent := map[string]string{}
	if !opt.Full {
		if sent, err = a.ProberSentItems(ctx, player, string(service)); err != nil {
			return rep, err
		}
	}
	var pending []item
	for _, it := range items {
		if sent[it.key] != it.hash {
			pending = append(pending, it)
		}
	}
	rep.Pending = len(pending)
	if service == DivingFish && len(pending) > 0 {
		// update_records overwrites: merge with what diving-fish holds
		// so that no field of its records goes down (merge.go).
		var kept []storage.SentItem
		if pending, kept, err = mergePending(ctx, c, pending, &rep); err != nil {
			return rep, err
		}
		if len(kept) > 0 && !opt.DryRun {
			// Settled: diving-fish holds at least this best, so the chart
			// is pending again only when maiprobe's best changes.
			if err := a.MarkProberSent(context.WithoutCancel(ctx), player, string(service), kept, a.Now()); err != nil {
				return rep, err
			}
		}
	}
	if opt.DryRun {
		for _, it := range pending {
			rep.Would = append(rep.Would, it.body)
		}
		return rep, nil
	}
	for start := 0; start < len(pending); start += size {
		batch := pending[start:min(start+size, len(pending))]
		body, err := encodeBatch(service, batch)
		if err != nil {
			return rep, err
		}
		if err := c.post(ctx, body); err != nil {
			return rep, err
		}
		// Recorded after the service answered: a batch it accepted but
		// whose record failed is sent again next time, which both
		// services take (diving-fish overwrites the chart, Lxns keeps the
		// best of a play it already has).
		marks := make([]storage.SentItem, len(batch))
		for i, it := range batch {
			marks[i] = storage.SentItem{Key: it.key, Hash: it.hash}
		}
		if err := a.MarkProberSent(context.WithoutCancel(ctx), player, string(service), marks, a.Now()); err != nil {
			return rep, err
		}
		rep.Sent += len(batch)
		rep.Batches++
		if opt.Progress != nil {
			opt.Progress(rep.Sent, rep.Pending)
		}
	}
	return rep, nil
}

// encodeBatch writes a request body: a JSON list for diving-fish, {"scores":
// […]} for Lxns.
func encodeBatch(service Service, batch []item) ([]byte, error) {
	list := make([]json.RawMessage, len(batch))
	for i, it := range batch {
		list[i] = it.body
	}
	var v any = list
	if service == Lxns {
		v = struct {
			Scores []json.RawMessage `json:"scores"`
		}{list}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("probersync: encode a batch: %w", err)
	}
	return b, nil
}

// build reads the player's scores and makes the service's items with the
// interchange writers.
func build(ctx context.Context, a *archive.Archive, player string, service Service) ([]item, []string, error) {
	// Each service needs one half of the export: diving-fish the bests,
	// Lxns the plays. The other half is narrowed to nothing (a play id
	// above every id, bests changed after the end of time), which spares
	// matching its charts with the song data.
	since := archive.ScoresSince{PlaysAfter: math.MaxInt64}
	if service == Lxns {
		since = archive.ScoresSince{BestsSince: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)}
	}
	scores, err := a.ExportScores(ctx, player, since)
	if err != nil {
		if errors.Is(err, archive.ErrNotFound) {
			return nil, nil, fmt.Errorf("probersync: %w: %q", archive.ErrNoPlayer, player)
		}
		return nil, nil, err
	}
	var items []item
	var skipped []interchange.Skipped
	seen := map[string]bool{}
	add := func(it item) {
		if !seen[it.key] {
			seen[it.key] = true
			items = append(items, it)
		}
	}
	switch service {
	case DivingFish:
		recs, sk := interchange.DivingFishRecords(scores.Bests)
		skipped = sk
		for _, r := range recs {
			body, err := json.Marshal(r)
			if err != nil {
				return nil, nil, err
			}
			// update_records matches a chart by title, type and
			// level_index and keeps only achievements, dxScore, fc and fs:
			// those decide whether it changed, not ds or ra, which move
			// with the song data.
			add(item{
				key:  digest(r.Title, r.Type, strconv.Itoa(r.LevelIndex)),
				hash: digest(strconv.FormatFloat(r.Achievements, 'f', 4, 64), strconv.Itoa(r.DXScore), r.FC, r.FS),
				body: body,
				df:   &r,
			})
		}
	case Lxns:
		scs, sk := interchange.LxnsScores(scores.Plays)
		skipped = sk
		for _, s := range scs {
			// Only what the upload takes: the rest is Lxns's own
			// derivation (song_name, level, rate, dx_rating), and would
			// make an unchanged play look new after a songs sync.
			s.SongName, s.Level, s.Rate, s.DXRating, s.UploadTime = "", "", "", 0, time.Time{}
			body, err := json.Marshal(s)
			if err != nil {
				return nil, nil, err
			}
			h := digest(string(body))
			add(item{key: h, hash: h, body: body})
		}
	}
	out := make([]string, len(skipped))
	for i, s := range skipped {
		out[i] = s.String()
	}
	return items, out, nil
}

// digest is a hex SHA-256 of parts, each ended by a NUL so that no two
// lists of parts share one.
func digest(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// mergePending reads what diving-fish holds and turns the pending bests
// into what to send: each merged so that it lowers no field there, and
// none for a chart where diving-fish's record is at least as good (those
// come back as kept, to be recorded as settled).
func mergePending(ctx context.Context, c *client, pending []item, rep *Report) ([]item, []storage.SentItem, error) {
	body, err := c.records(ctx)
	if err != nil {
		return nil, nil, err
	}
	held, err := dfHeldRecords(body)
	if err != nil {
		return nil, nil, err
	}
	var send []item
	var kept []storage.SentItem
	for _, it := range pending {
		h, ok := held[dfKey{it.df.Title, it.df.Type, it.df.LevelIndex}]
		rec, how := mergeDivingFish(*it.df, h, ok)
		switch how {
		case mergeKept:
			kept = append(kept, storage.SentItem{Key: it.key, Hash: it.hash})
			rep.Kept++
			continue
		case mergeMixed:
			b, err := json.Marshal(rec)
			if err != nil {
				return nil, nil, err
			}
			// The hash stays that of maiprobe's best: it says which of
			// maiprobe's bests diving-fish has been brought up to.
			it.body = b
			rep.Merged++
		}
		send = append(send, it)
	}
	return send, kept, nil
}
