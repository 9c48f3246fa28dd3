package dxnet

import (
	"path"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The helpers below are the whole of our "selector engine": the site's
// markup is old-fashioned and flat, and matching on class names and image
// file names by hand is both faster than a CSS selector library and keeps
// the parse within a small factor of html.Parse itself.

// attr returns the value of n's attribute key, or "".
func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// hasClass reports whether n is an element whose class list contains c.
func hasClass(n *html.Node, c string) bool {
	if n.Type != html.ElementNode {
		return false
	}
	for _, a := range n.Attr {
		if a.Key != "class" {
			continue
		}
		v := a.Val
		for len(v) > 0 {
			i := strings.IndexByte(v, ' ')
			var f string
			if i < 0 {
				f, v = v, ""
			} else {
				f, v = v[:i], v[i+1:]
			}
			if f == c {
				return true
			}
		}
		return false
	}
	return false
}

// walk calls f for n and every node below it in document order; f returns
// false to skip a node's children.
func walk(n *html.Node, f func(*html.Node) bool) {
	if !f(n) {
		return
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, f)
	}
}

// findAll returns every element below n (n included) that match accepts,
// not descending into matches.
func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	walk(n, func(x *html.Node) bool {
		if x.Type == html.ElementNode && match(x) {
			out = append(out, x)
			return false
		}
		return true
	})
	return out
}

// find returns the first element below n (n included) that match accepts.
func find(n *html.Node, match func(*html.Node) bool) *html.Node {
	var out *html.Node
	walk(n, func(x *html.Node) bool {
		if out != nil {
			return false
		}
		if x.Type == html.ElementNode && match(x) {
			out = x
			return false
		}
		return true
	})
	return out
}

// class is a matcher for find and findAll.
func class(c string) func(*html.Node) bool {
	return func(n *html.Node) bool { return hasClass(n, c) }
}

// isAtom is a matcher for elements of one tag.
func isAtom(a atom.Atom) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.DataAtom == a }
}

// byClass returns the elements below n having class c.
func byClass(n *html.Node, c string) []*html.Node { return findAll(n, class(c)) }

// firstClass returns the first element below n having class c, or nil.
func firstClass(n *html.Node, c string) *html.Node { return find(n, class(c)) }

// text is the text below n with runs of white space folded to one space
// and the ends trimmed, the way a browser shows it.
func text(n *html.Node) string {
	if n == nil {
		return ""
	}
	var b strings.Builder
	walk(n, func(x *html.Node) bool {
		switch x.Type {
		case html.TextNode:
			b.WriteString(x.Data)
		case html.ElementNode:
			switch x.DataAtom {
			case atom.Script, atom.Style:
				return false
			case atom.Br:
				b.WriteByte('\n')
			}
		}
		return true
	})
	return strings.Join(strings.Fields(b.String()), " ")
}

// rawText is the text below n as the page has it, with only the markup's
// own indentation (ASCII white space) trimmed at the ends. Song titles need
// it: "　" (one U+3000) is a real title, and "D✪N’T  ST✪P  R✪CKIN’" has
// double spaces that text would fold away.
func rawText(n *html.Node) string {
	if n == nil {
		return ""
	}
	var b strings.Builder
	walk(n, func(x *html.Node) bool {
		if x.Type == html.TextNode {
			b.WriteString(x.Data)
		}
		return x.DataAtom != atom.Script && x.DataAtom != atom.Style
	})
	return strings.Trim(b.String(), " \t\r\n\f")
}

// ownText is the text directly inside n, not inside its child elements,
// folded like text.
func ownText(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
			b.WriteByte(' ')
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// imgName is the file name of an image URL without directory, query and
// extension: ".../playlog/sssp.png?ver=1.50" is "sssp".
func imgName(src string) string {
	if i := strings.IndexAny(src, "?#"); i >= 0 {
		src = src[:i]
	}
	base := path.Base(src)
	return strings.TrimSuffix(base, path.Ext(base))
}

// imgFile is the file name of an image URL with its extension but without
// directory and query: ".../Music/9cf73e43ce65b3a9.png" is "9cf73e43ce65b3a9.png".
func imgFile(src string) string {
	if i := strings.IndexAny(src, "?#"); i >= 0 {
		src = src[:i]
	}
	return path.Base(src)
}

// atoiComma reads an integer printed with thousands separators ("3,306").
func atoiComma(s string) (int, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, ",", ""))
	return strconv.Atoi(s)
}
