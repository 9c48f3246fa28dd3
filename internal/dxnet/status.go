package dxnet

import (
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// parseError reads the site's error page: "错误码：200002",
// "ERROR CODE：100001" or "エラーコード：100001" and the message below it.
func parseError(doc *html.Node, h *Header) (Page, error) {
	var line *html.Node
	var code string
	find(doc, func(n *html.Node) bool {
		label, v, ok := cutLabel(ownText(n))
		if ok && isErrorLabel(label) {
			line, code = n, v
			return true
		}
		return false
	})
	if line == nil {
		return nil, layoutErr(h.Kind, "no error code (错误码 / ERROR CODE / エラーコード)")
	}
	c, err := strconv.Atoi(code)
	if err != nil {
		return nil, layoutErr(h.Kind, "error code %q is not a number", code)
	}
	// The message is the rest of the box the code is in (container_red).
	var lines []string
	for n := line.Parent.FirstChild; n != nil; n = n.NextSibling {
		if n != line && n.Type == html.ElementNode {
			lines = append(lines, messageLines(n)...)
		}
	}
	return &ErrorPage{Header: *h, Code: c, Message: strings.Join(lines, "\n")}, nil
}

func isErrorLabel(s string) bool {
	return s == "错误码" || s == "エラーコード" || strings.EqualFold(s, "error code")
}

// parseLogin reads a login page: the WeChat authorisation page of CN or
// the SEGA ID form of intl and JP. Its message is what it asks the player
// to do, when it says so.
func parseLogin(doc *html.Node, h *Header) (Page, error) {
	p := &LoginPage{Header: *h}
	for _, c := range []string{"weui-msg__title", "attention", "see_through_block", "container_red"} {
		if n := firstClass(doc, c); n != nil {
			if lines := firstLines(n); len(lines) > 0 {
				p.Message = lines[0]
				break
			}
		}
	}
	return p, nil
}

// parseMaintenance reads a maintenance page: its message box, or failing
// one the page title.
func parseMaintenance(doc *html.Node, h *Header) (Page, error) {
	p := &MaintenancePage{Header: *h}
	if box := firstClass(doc, "container_red"); box != nil {
		p.Message = strings.Join(firstLines(box), "\n")
	}
	if p.Message == "" {
		p.Message = text(find(doc, isAtom(atom.Title)))
	}
	return p, nil
}

// firstLines is the text lines below n in document order, each element's
// own text split at its <br>s; form fields and scripts are left out.
func firstLines(n *html.Node) []string {
	var lines []string
	walk(n, func(x *html.Node) bool {
		switch x.DataAtom {
		case atom.Script, atom.Style, atom.Form, atom.Select:
			return false
		}
		if x.Type == html.ElementNode {
			lines = append(lines, messageLines(x)...)
		}
		return true
	})
	return lines
}

// messageLines is n's own text split only where the page breaks lines
// (<br>), each line folded like text. Unlike the player card's textLines
// it keeps "，" inside a line: "登录失败，请重试。" is one sentence.
func messageLines(n *html.Node) []string {
	var lines []string
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.TextNode {
			continue
		}
		if f := strings.Join(strings.Fields(c.Data), " "); f != "" {
			lines = append(lines, f)
		}
	}
	return lines
}
