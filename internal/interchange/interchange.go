// Package interchange reads and writes the files other maimai probers and
// rating tools exchange — diving-fish (水鱼) and Lxns (落雪) records, Tachi
// BATCH-MANUAL, mai-tools TSV, DXRating exports — so that scores flow
// between them and the archive. Readers are pure functions, like the DX NET
// parsers: bytes in, typed records out, no database and no network.
package interchange

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// Format names one kind of file another tool reads or writes.
type Format string

// The formats read and written here.
const (
	DivingFishJSON Format = "divingfish-json" // /player/records and update_records
	DivingFishCSV  Format = "divingfish-csv"  // the prober's CSV export
	LxnsJSON       Format = "lxns-json"       // /api/v0/…/scores
	LxnsCSV        Format = "lxns-csv"        // the site's CSV export
	TachiBatch     Format = "tachi-batch"     // Tachi BATCH-MANUAL
	MaiToolsTSV    Format = "maitools-tsv"    // mai-tools score download
	DXRatingJSON   Format = "dxrating-json"   // gekichumai/dxrating export
	CSV            Format = "csv"             // maiprobe's own CSV (export only)
)

// Record is one best score another tool holds for a chart. Files of other
// tools hold bests, not plays: a Record never becomes a play.
type Record struct {
	maimai.Score
	// Constant is the chart constant the file states (diving-fish "ds"),
	// 0 when it states none.
	Constant float64
	// SongID is the tool's own id of the song, 0 when the file has none.
	SongID int
	// AchievedAt is when the file says the score was set (Lxns
	// play_time, Tachi timeAchieved); the zero time when it does not say.
	AchievedAt time.Time
}

// File is one parsed file of another tool.
type File struct {
	Format Format
	// Region is the game region the file's scores are from, where the
	// format tells (diving-fish and Lxns hold CN scores); "" when unknown.
	Region maimai.Region
	// Player is the player name the file shows, "" when it shows none.
	Player string
	// ExportedAt is when the file says it was made; zero when it does not.
	ExportedAt time.Time
	Records    []Record
}

// ErrUnknown is returned by Parse for bytes that are no file it reads.
var ErrUnknown = errors.New("not a file of diving-fish, Lxns, Tachi, mai-tools or DXRating")

// ErrBadFile is the category of a file Parse recognises but refuses (a
// record that breaks the rules, no records, a wrong encoding); the error
// goes on to say the format, the record and what is wrong.
var ErrBadFile = errors.New("not a valid file of another tool")

// ErrExportOnly refuses maiprobe's own CSVs: they are for spreadsheets
// (every column of a play, times in the region's clock) and hold nothing
// the archive export does not; reading them back would be a second,
// lossy way in.
var ErrExportOnly = errors.New("maiprobe's CSV is export-only")

// reader is one format's detector and parser.
type reader struct {
	format Format
	// detect tells from the start of the content alone whether it is of
	// this format; it must be cheap, must not accept a DX NET page or a
	// maiprobe export, and no two detectors may accept the same file.
	detect func(s *sniffed) bool
	parse  func(b []byte) (File, error)
}

// readers are the formats Parse knows, registered by each format's file.
var readers []reader

func register(r reader) { readers = append(readers, r) }

// Readable reports whether f is a format Parse reads.
func Readable(f Format) bool {
	for _, r := range readers {
		if r.format == f {
			return true
		}
	}
	return false
}

// Detect names the format of b, or false when b is none of them. It looks
// at the first HeadSize bytes only. maiprobe's own CSVs are named (CSV),
// so that an import says they are export-only instead of "not a page".
func Detect(b []byte) (Format, bool) {
	s := sniff(b)
	if maiprobeCSV(s) {
		return CSV, true
	}
	r, ok := detect(s)
	return r.format, ok
}

// detect finds the one reader of a file.
func detect(s *sniffed) (reader, bool) {
	for _, r := range readers {
		if r.detect(s) {
			return r, true
		}
	}
	return reader{}, false
}

// maiprobeCSV reports whether the file starts with the header of one of
// maiprobe's CSV exports.
func maiprobeCSV(s *sniffed) bool {
	l := string(firstLine(s.h))
	return l == strings.Join(PlaysCSVHeader, ",") || l == strings.Join(BestsCSVHeader, ",")
}

// Parse reads a file of any known format. Errors wrap ErrBadFile and name
// the format and the record (line or index) that is wrong; a file with one
// bad record is refused whole, and so is a file with no records.
func Parse(b []byte) (File, error) {
	if len(b) > MaxFileSize {
		return File{}, fmt.Errorf("%w: the file is %d bytes; files of other tools are at most %d", ErrBadFile, len(b), MaxFileSize)
	}
	s := sniff(b)
	if maiprobeCSV(s) {
		return File{}, fmt.Errorf("%w: it is for spreadsheets and cannot be imported; to move scores between archives, import maiprobe's JSON export (maiprobe export, or the web's export download) instead", ErrExportOnly)
	}
	r, ok := detect(s)
	if !ok {
		return File{}, ErrUnknown
	}
	f, err := r.parse(b)
	if err == nil && len(f.Records) == 0 {
		err = errors.New("no scores: the file holds no record")
	}
	if err != nil {
		return File{}, fmt.Errorf("%w: %s: %w", ErrBadFile, r.format, err)
	}
	f.Format = r.format
	return f, nil
}
