package web

import (
	_ "embed"
	"encoding/json"
	"html/template"
	"net/url"
	"strings"

	"github.com/maiprobe/maiprobe/internal/dxsite"
)

// bookmarkletJS is the script the bookmarklet and the userscript run on
// the site's pages: a function expression taking its settings.
//
//go:embed assets/bookmarklet.js
var bookmarkletJS string

// bookmarkletSettings are what the script is called with.
type bookmarkletSettings struct {
	API    string `json:"api"`    // the import API's URL
	Token  string `json:"token"`  // the import token
	Pace   int    `json:"pace"`   // milliseconds between two requests to the site
	Button bool   `json:"button"` // userscript: show a button instead of the panel at once
	// Lists are the score lists to read, the same as the server's fetcher.
	Lists []string `json:"lists"`
}

// bookmarkletPace keeps the script to about one request a second on the
// site, as a player clicking through it would.
const bookmarkletPace = 1000

// bookmarkletSource is the script called with its settings. The settings
// are JSON (with <, > and & escaped), so no URL or token can break out of
// the string they are in.
func bookmarkletSource(set bookmarkletSettings) string {
	b, _ := json.Marshal(set) // a struct of strings, ints and bools always marshals
	return strings.TrimSpace(bookmarkletJS) + "(" + string(b) + ");"
}

// bookmarkletURL is the javascript: link to drag to the bookmarks bar.
// The script is percent-encoded, which browsers undo before running it.
func bookmarkletURL(api, token string) template.URL {
	src := "void " + bookmarkletSource(bookmarkletSettings{API: api, Token: token, Pace: bookmarkletPace, Lists: dxsite.ScoreLists})
	// It is our own script with JSON-escaped settings, hence trusted as a URL.
	return template.URL("javascript:" + url.PathEscape(src))
}

// userscriptMatches are the pages the userscript runs on.
var userscriptMatches = []string{
	"https://maimai.wahlap.com/maimai-mobile/*",
	"https://maimaidx-eng.com/maimai-mobile/*",
	"https://maimaidx.jp/maimai-mobile/*",
}

// userscript is the same script for Tampermonkey/Violentmonkey: it adds a
// maiprobe button to every page of the sites.
func userscript(api, token string) string {
	var b strings.Builder
	b.WriteString("// ==UserScript==\n// @name        maiprobe import\n// @namespace   maiprobe\n// @description Send maimai DX NET pages to maiprobe\n")
	for _, m := range userscriptMatches {
		b.WriteString("// @match       " + m + "\n")
	}
	b.WriteString("// @grant       none\n// @run-at      document-idle\n// ==/UserScript==\n")
	b.WriteString(bookmarkletSource(bookmarkletSettings{API: api, Token: token, Pace: bookmarkletPace, Button: true, Lists: dxsite.ScoreLists}))
	b.WriteString("\n")
	return b.String()
}
