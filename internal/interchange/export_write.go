package interchange

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// ExportFormat is a file maiprobe export writes for another tool, besides
// its own lossless archive format.
type ExportFormat string

// The export formats. Which plays and bests each holds, and what it leaves
// out, is in docs/interchange.md ("Exports").
const (
	// ExportDivingFish is diving-fish's update_records body: one best per
	// chart.
	ExportDivingFish ExportFormat = "divingfish"
	// ExportLxns is Lxns's upload body: one score per play, with its
	// play_time.
	ExportLxns ExportFormat = "lxns"
	// ExportTachi is Tachi BATCH-MANUAL: one score per play.
	ExportTachi ExportFormat = "tachi"
	// ExportCSV is every play, one row each, with every column.
	ExportCSV ExportFormat = "csv"
	// ExportCSVBests is every best score, one row per chart.
	ExportCSVBests ExportFormat = "csv-bests"
)

// ExportFormats lists the export formats in the order they are offered.
var ExportFormats = []ExportFormat{ExportDivingFish, ExportLxns, ExportTachi, ExportCSV, ExportCSVBests}

// ParseExportFormat reads a --format value.
func ParseExportFormat(s string) (ExportFormat, error) {
	for _, f := range ExportFormats {
		if string(f) == s {
			return f, nil
		}
	}
	names := make([]string, len(ExportFormats))
	for i, f := range ExportFormats {
		names[i] = string(f)
	}
	return "", fmt.Errorf("format %q: want one of %s", s, strings.Join(names, ", "))
}

// Ext is the file name extension of the format, with its dot.
func (f ExportFormat) Ext() string {
	if f == ExportCSV || f == ExportCSVBests {
		return ".csv"
	}
	return ".json"
}

// ContentType is the format's media type for a download.
func (f ExportFormat) ContentType() string {
	if f.Ext() == ".csv" {
		return "text/csv; charset=utf-8"
	}
	return "application/json; charset=utf-8"
}

// Write writes s in format f and returns what the format could not hold.
func Write(w io.Writer, f ExportFormat, s *Scores) ([]Skipped, error) {
	switch f {
	case ExportDivingFish:
		recs, skipped := DivingFishRecords(s.Bests)
		return skipped, writeJSON(w, recs)
	case ExportLxns:
		scores, skipped := LxnsScores(s.Plays)
		return skipped, writeJSON(w, LxnsUpload{Scores: scores})
	case ExportTachi:
		batch, skipped := TachiFile(s.Plays)
		return skipped, writeJSON(w, batch)
	case ExportCSV:
		return nil, WritePlaysCSV(w, s)
	case ExportCSVBests:
		return nil, WriteBestsCSV(w, s)
	}
	return nil, fmt.Errorf("interchange: unknown export format %q", f)
}

// writeJSON writes v as one line of JSON. Titles keep their & < >: the
// file is data, not HTML.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
