package dxnet

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestPageLimits: a record page shows the last 50 plays and the album the
// last 10 photos. A crafted record page of 20,050 plays was accepted and
// would have added them all (a synthetic page of 5,000 stays under the
// 50 MB page limit); more than the site shows is now ErrLayout
// naming the count and the limit, while the limit itself still parses.
func TestPageLimits(t *testing.T) {
	recordBlock := func(doc *html.Node) *html.Node {
		blocks, _, _ := scanRecord(doc)
		if len(blocks) == 0 {
			return nil
		}
		return blocks[0]
	}
	photoBlock := func(doc *html.Node) *html.Node {
		return find(doc, func(n *html.Node) bool { _, ok, _ := scoreBackDiff(n); return ok })
	}
	tests := []struct {
		name    string
		file    string
		block   func(*html.Node) *html.Node
		total   int
		wantErr string // "" when the page must parse
	}{
		{"record at the limit", "record-cn-mixed.html", recordBlock, MaxRecordPlays, ""},
		{"record one over", "record-cn-mixed.html", recordBlock, MaxRecordPlays + 1, "51 plays, but the record page shows at most 50"},
		{"record of 5,000 plays", "record-cn-mixed.html", recordBlock, 5000, "5000 plays, but the record page shows at most 50"},
		{"album at the limit", "photo-intl-album.html", photoBlock, MaxPhotos, ""},
		{"album one over", "photo-intl-album.html", photoBlock, MaxPhotos + 1, "11 photos, but the album shows at most 10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := grow(t, readTestdata(t, tt.file), tt.block, tt.total)
			p, err := Parse(b)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				n := 0
				switch p := p.(type) {
				case *RecordPage:
					n = len(p.Plays)
				case *PhotoPage:
					n = len(p.Photos)
				}
				if n != tt.total {
					t.Fatalf("got %d entries, want %d", n, tt.total)
				}
				return
			}
			if !errors.Is(err, ErrLayout) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Parse = %T, %v; want ErrLayout saying %q", p, err, tt.wantErr)
			}
		})
	}
}

// grow makes a page hold total copies of its entries: it keeps the first
// entry block() finds and adds copies after it, replacing the others.
func grow(t *testing.T, page []byte, block func(*html.Node) *html.Node, total int) []byte {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	first := block(doc)
	if first == nil {
		t.Fatal("no entry block in the page")
	}
	// Drop the other entries so exactly total remain.
	for {
		var others []*html.Node
		walk(doc, func(n *html.Node) bool {
			if n.Type == html.ElementNode && n != first && block(n) == n {
				others = append(others, n)
				return false
			}
			return n != first
		})
		if len(others) == 0 {
			break
		}
		for _, n := range others {
			n.Parent.RemoveChild(n)
		}
	}
	for i := 1; i < total; i++ {
		first.Parent.InsertBefore(clone(first), first.NextSibling)
	}
	var out bytes.Buffer
	if err := html.Render(&out, doc); err != nil {
		t.Fatal(err)
	}
	if total > 1 && bytes.Count(out.Bytes(), []byte("<")) < total {
		t.Fatalf("page did not grow to %d entries", total)
	}
	return out.Bytes()
}

// clone deep-copies a node and everything below it.
func clone(n *html.Node) *html.Node {
	c := &html.Node{Type: n.Type, DataAtom: n.DataAtom, Data: n.Data, Namespace: n.Namespace, Attr: append([]html.Attribute(nil), n.Attr...)}
	for x := n.FirstChild; x != nil; x = x.NextSibling {
		c.AppendChild(clone(x))
	}
	return c
}
