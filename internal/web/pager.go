package web

import (
	"net/http"
	"net/url"
	"strconv"
)

// Pager is the pagination of a list: the page shown (from 1), the page
// size and the total count. A handler makes one with newPager, asks the
// archive for Size rows from Offset, and puts it in its view; the
// template shows it with {{template "pager" .View.Pager}}.
type Pager struct {
	Page, Size, Total int
	path              string     // the list's path inside the app
	query             url.Values // the list's other query parameters (filters)
}

// newPager reads ?page= of the request (1 when absent or wrong) for a
// list of total items shown size at a time.
func newPager(r *http.Request, size, total int) Pager {
	q := r.URL.Query()
	n, err := strconv.Atoi(q.Get("page"))
	if err != nil || n < 1 {
		n = 1
	}
	p := Pager{Page: n, Size: size, Total: total, path: r.URL.Path, query: q}
	if last := p.Pages(); p.Page > last {
		p.Page = last
	}
	return p
}

// Pages is the number of pages (at least 1).
func (p Pager) Pages() int {
	if p.Total <= 0 || p.Size <= 0 {
		return 1
	}
	return (p.Total + p.Size - 1) / p.Size
}

// Offset is how many items come before this page.
func (p Pager) Offset() int { return (p.Page - 1) * p.Size }

// HasPrev reports whether there is a page before this one.
func (p Pager) HasPrev() bool { return p.Page > 1 }

// HasNext reports whether there is a page after this one.
func (p Pager) HasNext() bool { return p.Page < p.Pages() }

// Link is the app path of page n of the same list, keeping its other
// query parameters; templates pass it to url.
func (p Pager) Link(n int) string {
	q := url.Values{}
	for k, v := range p.query {
		q[k] = v
	}
	q.Set("page", strconv.Itoa(n))
	return p.path + "?" + q.Encode()
}
