package dxnet

import (
	"bytes"
	"errors"
	"testing"
)

// TestParseTail checks that what save tools append after </html> is
// accepted while a page cut off before it, or followed by page text, is
// ErrTruncated.
func TestParseTail(t *testing.T) {
	cut := func(b []byte) []byte {
		i := bytes.Index(b, []byte("</body>"))
		return b[:i/2]
	}
	tests := []struct {
		name  string
		page  page
		edit  func([]byte) []byte
		trunc bool
	}{
		{"comment", page{fixture: "cn/home-mainetcn-1.html"}, func(b []byte) []byte { return append(b, "<!-- tail -->"...) }, false},
		{"comment synthetic", page{testdata: "home-cn-2020.html"}, func(b []byte) []byte { return append(b, "\n<!-- saved by SingleFile -->\n"...) }, false},
		{"script", page{testdata: "home-cn-2020.html"}, func(b []byte) []byte {
			return append(b, "\n<script type=\"text/javascript\">var s = '<div>x</div>'; if (a < b) {}</script>\n"...)
		}, false},
		{"upper case, tags and whitespace", page{testdata: "playerData-cn-2025.html"}, func(b []byte) []byte {
			b = bytes.Replace(b, []byte("</html>"), []byte("</HTML>"), 1)
			return append(b, "\r\n<div id=\"ext-root\"></div><link rel=\"stylesheet\" href=\"x.css\">\r\n\x00"...)
		}, false},
		{"cut off", page{testdata: "home-cn-2020.html"}, cut, true},
		{"cut off real", page{fixture: "cn/home-mainetcn-1.html"}, cut, true},
		{"page text after", page{testdata: "home-cn-2020.html"}, func(b []byte) []byte {
			return append(b, "<html><body><div class=\"name_block\">ＳＣＨＷＩ"...)
		}, true},
		{"too much after", page{testdata: "home-cn-2020.html"}, func(b []byte) []byte {
			return append(b, bytes.Repeat([]byte("<!-- x -->"), 8000)...)
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.edit(bytes.Clone(tt.page.read(t)))
			p, err := Parse(b)
			if tt.trunc {
				if !errors.Is(err, ErrTruncated) {
					t.Fatalf("Parse = %T, %v; want ErrTruncated", p, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if p.Head().Kind != KindHome && p.Head().Kind != KindPlayerData {
				t.Errorf("kind %s", p.Head().Kind)
			}
		})
	}
}
