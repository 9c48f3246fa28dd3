package dxnet

import (
	"bytes"
	"fmt"
	"io"

	"golang.org/x/net/html"
)

// MaxPageSize is the largest page Parse accepts. The biggest real page (an
// intl best-score list of every song) is about 2 MB.
const MaxPageSize = 50 << 20

// Parse reads one saved page. It returns a *HomePage, *RecordPage, … (see
// Kind) or an error wrapping ErrNotDXNet, ErrUnknownPage, ErrTruncated or
// ErrLayout. An error page of the site parses without error as *ErrorPage.
func Parse(b []byte) (Page, error) {
	if len(b) > MaxPageSize {
		return nil, fmt.Errorf("%w: %d bytes is over the %d MB limit", ErrNotDXNet, len(b), MaxPageSize>>20)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, fmt.Errorf("%w: the file is empty", ErrNotDXNet)
	}
	if !looksLikeText(b) {
		return nil, fmt.Errorf("%w: binary data, not HTML", ErrNotDXNet)
	}
	doc, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotDXNet, err)
	}
	h, err := detect(doc, b)
	if err != nil {
		return nil, err
	}
	if h.IsData() && !complete(b) {
		return nil, fmt.Errorf("%w: %s page ends before </html>", ErrTruncated, h.Kind)
	}
	switch h.Kind {
	case KindHome:
		return parseHome(doc, h)
	case KindPlayerData:
		return parsePlayerData(doc, h)
	case KindPhoto:
		return parsePhoto(doc, h)
	case KindRecord:
		return parseRecord(doc, h)
	case KindPlaylogDetail:
		return parsePlaylogDetail(doc, h)
	case KindScores:
		return parseScores(doc, h)
	case KindMusicDetail:
		return parseMusicDetail(doc, h)
	case KindFriendCode:
		return parseFriendCode(doc, h)
	case KindFriend:
		return parseFriend(doc, h)
	case KindFriendVs:
		return parseFriendVs(doc, h)
	case KindError:
		return parseError(doc, h)
	case KindLogin:
		return parseLogin(doc, h)
	case KindMaintenance:
		return parseMaintenance(doc, h)
	}
	return nil, fmt.Errorf("%w: kind %q", ErrUnknownPage, h.Kind)
}

// complete reports whether the page reaches its closing </html> tag: every
// saved DX NET page does, and a download or paste that was cut off does not.
// Save tools and browser extensions may append comments, scripts or a few
// tags after </html>; those are allowed, page text after it is not.
func complete(b []byte) bool {
	end := lastIndexFold(b, []byte("</html>"))
	if end < 0 {
		return false
	}
	rest := b[end+len("</html>"):]
	if len(rest) > maxTail {
		return false
	}
	z := html.NewTokenizer(bytes.NewReader(rest))
	raw := false // inside <script> or <style>, where text is code
	for {
		switch z.Next() {
		case html.ErrorToken:
			return z.Err() == io.EOF
		case html.TextToken:
			if !raw && len(bytes.Trim(z.Text(), " \t\r\n\f\x00")) > 0 {
				return false
			}
		case html.StartTagToken:
			name, _ := z.TagName()
			raw = string(name) == "script" || string(name) == "style"
		case html.EndTagToken:
			raw = false
		}
	}
}

// maxTail bounds what complete accepts after </html>: an injected script
// is small, a second page is not.
const maxTail = 64 << 10

// lastIndexFold is bytes.LastIndex ignoring ASCII case; sep is lower case.
func lastIndexFold(b, sep []byte) int {
	for i := len(b) - len(sep); i >= 0; i-- {
		j := 0
		for j < len(sep) && b[i+j]|0x20 == sep[j]|0x20 {
			j++
		}
		if j == len(sep) {
			return i
		}
	}
	return -1
}

// looksLikeText rejects binary junk before the HTML parser, which accepts
// anything, turns it into an empty document.
func looksLikeText(b []byte) bool {
	n := len(b)
	if n > 4096 {
		n = 4096
	}
	ctl := 0
	for _, c := range b[:n] {
		if c == 0 {
			return false
		}
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' {
			ctl++
		}
	}
	return ctl*20 < n // tolerate a few stray control bytes
}
