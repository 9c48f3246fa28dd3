package archive

import (
	"context"
	"sort"
	"time"

	"github.com/maiprobe/maiprobe/internal/dxnet"
	"github.com/maiprobe/maiprobe/internal/storage"
)

// sighting is one observation of a profile: a snapshot row, or a page of
// a snapshot kind that repeated the snapshot before it and so has no row.
type sighting struct {
	at   time.Time
	page int64 // 0 for a snapshot whose page is not stored
	snap storage.Snapshot
}

// snapshotKinds are the page kinds stored as snapshots.
var snapshotKinds = map[string]bool{
	string(dxnet.KindHome): true, string(dxnet.KindPlayerData): true, string(dxnet.KindFriendCode): true,
}

// sightings lists, by kind, every observation that snaps and pages imply:
// the stored rows are the observations with consecutive repeats left out,
// so a page without a row showed the latest row of its kind before it.
func sightings(snaps []storage.Snapshot, pages []storage.Page) map[string][]sighting {
	out := map[string][]sighting{}
	own := map[int64]bool{}
	for _, s := range snaps {
		out[s.Kind] = append(out[s.Kind], sighting{at: s.ObservedAt, page: s.PageID, snap: s})
		if s.PageID != 0 {
			own[s.PageID] = true
		}
	}
	for _, ss := range out {
		sortSightings(ss)
	}
	rows := map[string][]sighting{}
	for k, ss := range out {
		rows[k] = append([]sighting(nil), ss...)
	}
	for _, p := range pages {
		if !snapshotKinds[p.Kind] || own[p.ID] {
			continue
		}
		rs := rows[p.Kind]
		i := sort.Search(len(rs), func(i int) bool { return rs[i].at.After(p.ObservedAt) })
		if i == 0 {
			continue // no profile read from it (a page a reparse rejected)
		}
		s := rs[i-1].snap
		s.ID, s.ObservedAt, s.PageID, s.Region = 0, p.ObservedAt, p.ID, p.Region
		out[p.Kind] = append(out[p.Kind], sighting{at: p.ObservedAt, page: p.ID, snap: s})
	}
	for _, ss := range out {
		sortSightings(ss)
	}
	return out
}

func sortSightings(ss []sighting) {
	sort.SliceStable(ss, func(i, j int) bool {
		if !ss[i].at.Equal(ss[j].at) {
			return ss[i].at.Before(ss[j].at)
		}
		return ss[i].page < ss[j].page
	})
}

// playerSightings reads the player's stored snapshots and pages as
// sightings.
func playerSightings(ctx context.Context, tx *storage.Tx, pid int64) (map[string][]sighting, error) {
	snaps, err := tx.Snapshots(ctx, pid)
	if err != nil {
		return nil, err
	}
	pages, err := tx.Pages(ctx, pid)
	if err != nil {
		return nil, err
	}
	return sightings(snaps, pages), nil
}

// mergeSnapshots stores the snapshots of both sets of sightings together,
// the archive's before a restore and the export's, as page imports in any
// order would: every observation in time order, consecutive repeats left
// out. It returns how many rows it added.
func mergeSnapshots(ctx context.Context, tx *storage.Tx, pid int64, stored, restored map[string][]sighting) (int, error) {
	added := 0
	for kind := range snapshotKinds {
		seen := map[int64]bool{}
		var all []sighting
		for _, s := range stored[kind] {
			all = append(all, s)
			if s.page != 0 {
				seen[s.page] = true
			}
		}
		for _, s := range restored[kind] {
			if s.page == 0 || !seen[s.page] {
				all = append(all, s)
			}
		}
		sortSightings(all)
		want := map[snapKey]bool{}
		var rows []storage.Snapshot
		last := ""
		for _, s := range all {
			if s.snap.Digest == last {
				continue
			}
			last = s.snap.Digest
			rows = append(rows, s.snap)
			want[key(s.snap)] = true
		}
		have := map[snapKey]bool{}
		for _, s := range stored[kind] {
			if s.snap.ID == 0 {
				continue // a page without a row
			}
			if !want[key(s.snap)] {
				if err := tx.DeleteSnapshot(ctx, s.snap.ID); err != nil {
					return added, err
				}
				continue
			}
			have[key(s.snap)] = true
		}
		for i := range rows {
			if have[key(rows[i])] {
				continue
			}
			row := rows[i]
			row.PlayerID = pid
			ok, err := tx.InsertSnapshot(ctx, &row)
			if err != nil {
				return added, err
			}
			if ok {
				added++
			}
		}
	}
	return added, nil
}

// snapKey is a snapshot's identity as a comparable value.
type snapKey struct {
	at           int64 // unix microseconds, the stored precision
	page         int64
	kind, digest string
}

func key(s storage.Snapshot) snapKey {
	return snapKey{at: s.ObservedAt.UnixMicro(), page: s.PageID, kind: s.Kind, digest: s.Digest}
}
