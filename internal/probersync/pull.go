package probersync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/interchange"
)

// PullReport is what a pull did.
type PullReport struct {
	Service Service `json:"service"`
	Player  string  `json:"player"`
	DryRun  bool    `json:"dry_run,omitempty"`
	// Records is how many records the service answered; Utage how many of
	// them were left out (utage charts, which maiprobe's bests do not take
	// from another tool's file).
	Records int `json:"records"`
	Utage   int `json:"utage_left_out"`
	// Result is the import of the records as another tool's file; empty
	// on a dry run.
	Result archive.Result `json:"result"`
}

// Pull reads the player's records from diving-fish (GET /player/records
// with the Import-Token) and imports them as another tool's file, exactly
// as `maiprobe import` of a saved /player/records: a record raises the
// archive's best of its chart where it is higher, and the answer is kept
// as a page of the player. A dry run reads and parses, and stores nothing.
// Only diving-fish keeps bests to pull; Lxns is not offered.
func Pull(ctx context.Context, a *archive.Archive, player string, service Service, token string, opt Options) (PullReport, error) {
	rep := PullReport{Service: service, Player: player, DryRun: opt.DryRun}
	if service != DivingFish {
		return rep, fmt.Errorf("probersync: pulling is for diving-fish only (%s keeps every play, import its export instead)", service)
	}
	c, err := newClient(service, token, opt)
	if err != nil {
		return rep, err
	}
	body, err := c.records(ctx)
	if err != nil {
		return rep, err
	}
	data, err := withoutUtage(body, &rep)
	if err != nil {
		return rep, err
	}
	if rep.Records == rep.Utage {
		return rep, nil
	}
	if opt.DryRun {
		if _, err := interchange.Parse(data); err != nil {
			return rep, fmt.Errorf("probersync: diving-fish's records: %w", err)
		}
		return rep, nil
	}
	rep.Result = a.ImportWith(ctx, archive.Source{Name: "diving-fish player/records", Data: data, ObservedAt: a.Now()}, archive.ImportOptions{Player: player})
	if rep.Result.Err != nil {
		return rep, fmt.Errorf("probersync: importing diving-fish's records: %w", rep.Result.Err)
	}
	return rep, nil
}

// withoutUtage is a /player/records answer without its utage records
// (song ids from 100000): diving-fish gives them level_index 0, which
// the file reader would take for Basic, and a two-player utage's
// achievement reaches 202%, which it refuses with the whole file.
func withoutUtage(body []byte, rep *PullReport) ([]byte, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("probersync: diving-fish's /player/records: %w", err)
	}
	var recs []json.RawMessage
	if err := json.Unmarshal(doc["records"], &recs); err != nil {
		return nil, fmt.Errorf("probersync: diving-fish's /player/records: records: %w", err)
	}
	rep.Records = len(recs)
	kept := recs[:0]
	for _, r := range recs {
		var id struct {
			SongID int `json:"song_id"`
		}
		if err := json.Unmarshal(r, &id); err != nil {
			return nil, fmt.Errorf("probersync: diving-fish's /player/records: a record: %w", err)
		}
		if id.SongID >= 100000 {
			rep.Utage++
			continue
		}
		kept = append(kept, r)
	}
	b, err := json.Marshal(kept)
	if err != nil {
		return nil, err
	}
	doc["records"] = b
	out, err := json.Marshal(doc)
	if err != nil {
		return nil, errors.Join(errors.New("probersync: re-encoding diving-fish's records"), err)
	}
	return out, nil
}
