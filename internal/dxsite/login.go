package dxsite

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/html"

	"github.com/maiprobe/maiprobe/internal/dxnet"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

// MaintenanceHours is the site's daily maintenance window, for messages.
func MaintenanceHours(r maimai.Region) string {
	return "04:00–07:00 " + r.Location().String()
}

// InMaintenance reports whether t falls in the region's daily maintenance
// hours (04:00–07:00 local time on every site), when the site answers
// with its maintenance page only.
func InMaintenance(r maimai.Region, t time.Time) bool {
	h := t.In(r.Location()).Hour()
	return h >= 4 && h < 7
}

// Login signs in with a SEGA ID (intl and JP): it opens loginURL (empty
// means LoginURLs[region]), fills the form's ID and password fields, posts
// it and follows the redirects back to the site, whose cookies the session
// then holds.
func (s *Session) Login(ctx context.Context, loginURL, id, password string) error {
	if loginURL == "" {
		loginURL = LoginURLs[s.cfg.Region]
	}
	if loginURL == "" {
		return fmt.Errorf("dxsite: the %s site has no SEGA ID login; give its cookies", s.cfg.Region)
	}
	if id == "" || password == "" {
		return fmt.Errorf("%w: the SEGA ID or the password is empty", ErrLogin)
	}
	ctx = context.WithValue(ctx, loginKey{}, true)
	page, final, err := s.fetch(ctx, loginURL, "text/html")
	if err != nil {
		return fmt.Errorf("dxsite: open the login page: %w", err)
	}
	f, err := findLoginForm(page)
	if err != nil {
		return err
	}
	action, err := final.Parse(f.action)
	if err != nil || (action.Scheme != "https" && action.Scheme != "http") {
		return fmt.Errorf("dxsite: the login form posts to %q, not a web address", f.action)
	}
	f.values.Set(f.idField, id)
	f.values.Set(f.passwordField, password)
	form := f.values.Encode()
	body, landed, err := s.do(ctx, func(ctx context.Context) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, action.String(), strings.NewReader(form))
		if err == nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Referer", final.String())
		}
		return req, err
	}, "text/html", nil, dxnet.MaxPageSize)
	if err != nil {
		return fmt.Errorf("dxsite: log in: %w", err)
	}
	if landed != nil && strings.Contains(landed.Path, "/aimeList") {
		// JP: the account's first Aime card is the player.
		body, _, err = s.fetch(ctx, s.base.String()+"aimeList/submit/?idx=0", "text/html")
		if err != nil {
			return fmt.Errorf("dxsite: log in: choose the Aime: %w", err)
		}
	}
	if p, perr := dxnet.Parse(body); perr == nil && !p.Head().IsData() {
		return ErrLogin
	}
	for _, c := range s.jar.Cookies(s.base) {
		if c.Name == "userId" && c.Value != "" {
			return nil
		}
	}
	return fmt.Errorf("%w: the site set no userId cookie", ErrLogin)
}

// loginForm is the login page's form: where it posts and its fields.
type loginForm struct {
	action                 string
	values                 url.Values
	idField, passwordField string
}

// findLoginForm reads the first form with a password field: its hidden
// fields are kept, the text field before the password is the ID.
func findLoginForm(page []byte) (*loginForm, error) {
	z := html.NewTokenizer(bytes.NewReader(page))
	var cur *loginForm
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken && tt != html.EndTagToken {
			continue
		}
		t := z.Token()
		switch {
		case t.Data == "form" && tt == html.StartTagToken:
			cur = &loginForm{action: attr(t, "action"), values: url.Values{}}
		case t.Data == "form" && tt == html.EndTagToken:
			if cur != nil && cur.passwordField != "" && cur.idField != "" {
				return cur, nil
			}
			cur = nil
		case t.Data == "input" && cur != nil:
			name := attr(t, "name")
			if name == "" {
				continue
			}
			switch strings.ToLower(attr(t, "type")) {
			case "password":
				cur.passwordField = name
			case "hidden":
				cur.values.Set(name, attr(t, "value"))
			case "", "text", "email":
				if cur.idField == "" {
					cur.idField = name
				}
			case "checkbox":
				if _, ok := attrOK(t, "checked"); ok {
					cur.values.Set(name, orOn(attr(t, "value")))
				}
			}
		}
	}
	return nil, fmt.Errorf("%w: the login page has no form with an ID and a password field", ErrLogin)
}

func attr(t html.Token, name string) string {
	v, _ := attrOK(t, name)
	return v
}

func attrOK(t html.Token, name string) (string, bool) {
	for _, a := range t.Attr {
		if a.Key == name {
			return a.Val, true
		}
	}
	return "", false
}

func orOn(v string) string {
	if v == "" {
		return "on"
	}
	return v
}
