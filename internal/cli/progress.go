package cli

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// progress draws a one-line progress bar on a terminal. It is used only
// when the output is a terminal and there are enough files to wait for;
// otherwise every method does nothing, so logs and pipes stay clean.
type progress struct {
	w     io.Writer
	total int
	on    bool
	width int
}

func newProgress(w io.Writer, total int, on bool) *progress {
	return &progress{w: w, total: total, on: on && total > 1, width: 30}
}

// step redraws the bar after file done of total, named name.
func (p *progress) step(done int, name string) {
	if !p.on {
		return
	}
	fill := p.width * done / p.total
	if utf8.RuneCountInString(name) > 40 {
		r := []rune(name)
		name = "…" + string(r[len(r)-39:])
	}
	fmt.Fprintf(p.w, "\r\x1b[K[%s%s] %d/%d %s", strings.Repeat("#", fill), strings.Repeat("-", p.width-fill), done, p.total, name)
}

// clear erases the bar so a normal line can be printed.
func (p *progress) clear() {
	if p.on {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}
