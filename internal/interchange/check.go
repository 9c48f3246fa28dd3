package interchange

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// The rules every record passes, whatever its format, on top of each
// reader's own (codes, ranges): those of a page's score that the formats
// do not enforce themselves. A record that breaks one refuses the file.

// dxLaunch is maimai DX's first day: no record is older.
var dxLaunch = time.Date(2019, 7, 1, 0, 0, 0, 0, time.UTC)

// maxRecordTime bounds a record's time: after 2100 it is not a play's,
// the file is corrupt or forged (the archive then refuses times past
// tomorrow, which needs its clock).
var maxRecordTime = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)

// checkRecord applies the shared rules: text fields are printable UTF-8
// (a NUL is refused by PostgreSQL and a direction override would make a
// title show as another), AP+ only at 101% (every note a critical
// perfect), a time, when given, within maimai DX's life, and a DX score
// within the maximum the record states.
func checkRecord(r Record) error {
	for _, f := range []struct{ name, s string }{{"title", r.Title}, {"genre", r.Genre}, {"level", r.Level}} {
		if err := checkText(f.s); err != nil {
			return fmt.Errorf("%s %s: %w", f.name, Short(f.s), err)
		}
	}
	if r.FC == maimai.APP && r.Achievement != maimai.MaxAchievement {
		return fmt.Errorf("AP+ with achievement %v%%: AP+ is exactly 101%%", Percent(r.Achievement))
	}
	if t := r.AchievedAt; !t.IsZero() && (t.Before(dxLaunch) || !t.Before(maxRecordTime)) {
		return fmt.Errorf("time %s: want a time of a maimai DX play (2019-07-01 to 2100)", t.UTC().Format(time.RFC3339))
	}
	if r.DXScoreMax > 0 && r.DXScore > r.DXScoreMax {
		return fmt.Errorf("DX score %d is over its maximum %d", r.DXScore, r.DXScoreMax)
	}
	return nil
}

// checkText refuses text no page shows: invalid UTF-8, the replacement
// character (what a decoder leaves of invalid bytes or a broken \u
// escape), control characters (NUL among them) and the bidirectional
// overrides and isolates, which make text show in another order than it
// is stored (U+202E turns "abc" into "cba" on screen).
func checkText(s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("not UTF-8 text")
	}
	for _, c := range s {
		switch {
		case c == utf8.RuneError:
			return fmt.Errorf("holds U+FFFD, a character lost to a wrong encoding")
		case unicode.IsControl(c):
			return fmt.Errorf("holds the control character %U", c)
		case (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069):
			return fmt.Errorf("holds the text direction control %U", c)
		}
	}
	return nil
}

// shortTitle is how many characters of a title an error message shows.
const shortTitle = 40

// Short is s for an error message: at most 40 characters (a refused
// 600-byte title is not echoed whole, "…" marks the cut), and quoted with
// escapes when it holds anything but printable characters, so that a
// message stays one readable line.
func Short(s string) string {
	cut, more := clip(s)
	if !utf8.ValidString(cut) || strings.ContainsFunc(cut, func(c rune) bool { return !unicode.IsPrint(c) && c != ' ' }) {
		cut = strconv.Quote(cut)
	}
	if more {
		cut += "…"
	}
	return cut
}

// clip is the first 40 characters of s, and whether s is longer.
func clip(s string) (string, bool) {
	n := 0
	for i := range s {
		if n == shortTitle {
			return s[:i], true
		}
		n++
	}
	return s, false
}
