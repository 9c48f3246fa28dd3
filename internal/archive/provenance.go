package archive

import (
	"github.com/maiprobe/maiprobe/internal/dxnet"
	"github.com/maiprobe/maiprobe/internal/interchange"
	"github.com/maiprobe/maiprobe/internal/storage"
)

// Provenance and the conflict rules between other tools' files and real
// pages (docs/interchange.md#conflict-rules).

// dxnetSource is the provenance of what a DX NET page of kind shows.
func dxnetSource(k dxnet.Kind) string { return "dxnet:" + string(k) }

// bestList reports whether a source is the site's own list of bests (a
// best-score list or a musicDetail page): what it shows is the player's
// best at its time, not one play.
func bestList(source string) bool {
	return source == dxnetSource(dxnet.KindScores) || source == dxnetSource(dxnet.KindMusicDetail)
}

// knownSource reports whether s is a provenance the archive writes: a
// restored export may name no other (the web shows it as a label).
func knownSource(s string) bool {
	switch s {
	case "", dxnetSource(dxnet.KindScores), dxnetSource(dxnet.KindMusicDetail), dxnetSource(dxnet.KindRecord),
		dxnetSource(dxnet.KindPlaylogDetail):
		return true
	}
	return interchange.Readable(interchange.Format(s))
}

func (o observation) provenance() storage.Provenance {
	return storage.Provenance{Source: o.source, SourcePageID: o.PageID, SourceAt: o.At}
}

// foreign reports whether the observation is another tool's claim.
func (o observation) foreign() bool { return o.provenance().Foreign() }

// resolution is what a best does with an observation that conflicts.
type resolution int

const (
	merge   resolution = iota // the usual rule: each field may only rise
	ignore                    // the observation changes nothing
	replace                   // the observation's values replace the best's
)

// conflict decides between the best (last raised by have) and o:
//   - a foreign record no later than the site's best list that last set the
//     best is ignored: the page already shows everything up to its time;
//   - the site's best list seen after a foreign claim that last set the best
//     replaces it, lower fields too: the site knows the player's best;
//   - everything else merges, each field only rising.
func conflict(have storage.Provenance, o observation) resolution {
	switch {
	case o.foreign() && bestList(have.Source) && !o.At.After(have.SourceAt):
		return ignore
	case bestList(o.source) && have.Foreign() && o.At.After(have.SourceAt):
		return replace
	}
	return merge
}
