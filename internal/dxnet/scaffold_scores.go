package dxnet

// Temporary scaffold: replaced by scores.go and music_detail.go; delete
// this file when they land.

import (
	"errors"

	"golang.org/x/net/html"
)

var errScaffoldScores = errors.New("parser not written yet")

func parseScores(doc *html.Node, h *Header) (Page, error)      { return nil, errScaffoldScores }
func parseMusicDetail(doc *html.Node, h *Header) (Page, error) { return nil, errScaffoldScores }
