package interchange

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// MaxFileSize bounds one file of another tool. The largest real ones, a
// diving-fish /player/records of every chart played, are about 3 MB.
const MaxFileSize = 32 << 20

// HeadSize is how much of a file Detect looks at (after a UTF-8 byte
// order mark): a caller that sniffs many files may read only this much.
const HeadSize = 64 << 10

// head is the start of b that detectors look at: the keys that tell the
// formats apart are in the first record, so detection does not read a
// whole file that turns out to be something else.
func head(b []byte) []byte {
	b = bytes.TrimPrefix(b, bom)
	if len(b) > HeadSize {
		b = b[:HeadSize]
	}
	return bytes.TrimLeft(b, " \t\r\n")
}

// isJSON reports whether h starts like a JSON object or array.
func isJSON(h []byte) bool { return len(h) > 0 && (h[0] == '{' || h[0] == '[') }

// firstLine is h's first line without its line ending.
func firstLine(h []byte) []byte {
	if i := bytes.IndexByte(h, '\n'); i >= 0 {
		h = h[:i]
	}
	return bytes.TrimRight(h, "\r")
}

// bests gathers a file's records, one per chart (of a song: the two
// "Link"s share their chart and differ by genre): a file that names a
// chart twice (Lxns score history, a hand-edited file) keeps the best of
// each field, as the site's own best list does, and the time of the
// record with the best achievement.
type bests struct {
	recs  []Record
	index map[songChart]int
}

// songChart is a chart of one song: its chart and its genre.
type songChart struct {
	maimai.Chart
	genre string
}

// addConverted adds what an entry converted to, taking the converter's
// answer as it is (all.addConverted(r.Record())): a conversion's error and
// a refused record come back alike, for the caller to say which entry.
func (b *bests) addConverted(r Record, err error) error {
	if err != nil {
		return err
	}
	return b.add(r)
}

func (b *bests) add(r Record) error {
	if err := checkRecord(r); err != nil {
		return err
	}
	if b.index == nil {
		b.index = map[songChart]int{}
	}
	k := songChart{r.Chart, r.Genre}
	i, ok := b.index[k]
	if !ok {
		if len(b.recs) >= MaxRecords {
			return fmt.Errorf("more than %d records", MaxRecords)
		}
		b.index[k] = len(b.recs)
		b.recs = append(b.recs, r)
		return nil
	}
	have := &b.recs[i]
	if r.Achievement > have.Achievement {
		have.Achievement, have.Rank, have.AchievedAt = r.Achievement, r.Rank, r.AchievedAt
	}
	have.DXScore = max(have.DXScore, r.DXScore)
	if fcOrder(r.FC) > fcOrder(have.FC) {
		have.FC = r.FC
	}
	if fsOrder(r.FS) > fsOrder(have.FS) {
		have.FS = r.FS
	}
	have.Constant = max(have.Constant, r.Constant)
	return nil
}

func fcOrder(f maimai.FC) int {
	for i, c := range []maimai.FC{maimai.NoFC, maimai.FCN, maimai.FCP, maimai.AP, maimai.APP} {
		if c == f {
			return i
		}
	}
	return -1
}

func fsOrder(f maimai.FS) int {
	for i, c := range []maimai.FS{maimai.NoFS, maimai.Sync, maimai.FSN, maimai.FSP, maimai.FSD, maimai.FSDP} {
		if c == f {
			return i
		}
	}
	return -1
}

// readCSV reads every row of a UTF-8 CSV file after its header, calling
// row with the 1-based line number. Errors name the line.
func readCSV(b []byte, row func(line int, fields []string) error) error {
	b = bytes.TrimPrefix(b, bom)
	if !utf8.Valid(b) {
		return fmt.Errorf("not UTF-8 text: export the file again as UTF-8")
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true // diving-fish quotes titles with commas but not their quotes
	r.ReuseRecord = true
	if _, err := r.Read(); err != nil {
		return fmt.Errorf("header: %w", err)
	}
	for n := 0; ; n++ {
		fields, err := r.Read()
		if err == io.EOF {
			return nil
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
		if n >= MaxEntries {
			return fmt.Errorf("line %d: more than %d entries: split the file", line, MaxEntries)
		}
		if len(fields) == 1 && fields[0] == "" {
			continue
		}
		if err := row(line, fields); err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
	}
}
