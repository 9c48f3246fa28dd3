package dxnet

// Temporary scaffold: replaced by playlog_detail.go and photo.go; delete
// this file when they land.

import (
	"errors"

	"golang.org/x/net/html"
)

var errScaffoldRecord = errors.New("parser not written yet")

func parsePhoto(doc *html.Node, h *Header) (Page, error) { return nil, errScaffoldRecord }
