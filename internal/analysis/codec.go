package analysis

import (
	"errors"
	"strconv"
	"strings"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// Encode writes a detail's judgement table and FAST/LATE as the short text
// the archive keeps beside each play (play_judgements.judgements): 27
// numbers, the five rows' CRITICAL PERFECT, PERFECT, GREAT, GOOD and MISS
// in table order, then FAST and LATE, separated by spaces. Reading 10,000 of these
// is a few milliseconds; decoding the detail's JSON took twenty times that.
func Encode(d maimai.PlayDetail) string {
	t := TableOf(d.Judgements)
	b := make([]byte, 0, 96)
	for _, r := range t {
		for _, v := range [5]int{r.CriticalPerfect, r.Perfect, r.Great, r.Good, r.Miss} {
			b = strconv.AppendInt(b, int64(v), 10)
			b = append(b, ' ')
		}
	}
	b = strconv.AppendInt(b, int64(d.Fast), 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(d.Late), 10)
	return string(b)
}

var errEncoded = errors.New("analysis: judgements are not 27 numbers")

// Decode reads what Encode wrote.
func Decode(s string) (t Table, fast, late int, err error) {
	var v [27]int
	i := 0
	for f := range strings.FieldsSeq(s) {
		if i == len(v) {
			return t, 0, 0, errEncoded
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 0 {
			return t, 0, 0, errEncoded
		}
		v[i] = n
		i++
	}
	if i != len(v) {
		return t, 0, 0, errEncoded
	}
	for k := range t {
		t[k] = maimai.NoteJudgement{CriticalPerfect: v[5*k], Perfect: v[5*k+1], Great: v[5*k+2], Good: v[5*k+3], Miss: v[5*k+4]}
	}
	return t, v[25], v[26], nil
}
