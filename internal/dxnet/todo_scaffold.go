package dxnet

// This file is a temporary scaffold while the per-kind parsers are written
// in parallel; each function moves to its own file and this file goes away.

import (
	"errors"

	"golang.org/x/net/html"
)

var errScaffold = errors.New("parser not written yet")

func detect(doc *html.Node, raw []byte) (*Header, error)         { return nil, errScaffold }
func parseHome(doc *html.Node, h *Header) (Page, error)          { return nil, errScaffold }
func parsePlayerData(doc *html.Node, h *Header) (Page, error)    { return nil, errScaffold }
func parsePhoto(doc *html.Node, h *Header) (Page, error)         { return nil, errScaffold }
func parseRecord(doc *html.Node, h *Header) (Page, error)        { return nil, errScaffold }
func parsePlaylogDetail(doc *html.Node, h *Header) (Page, error) { return nil, errScaffold }
func parseScores(doc *html.Node, h *Header) (Page, error)        { return nil, errScaffold }
func parseMusicDetail(doc *html.Node, h *Header) (Page, error)   { return nil, errScaffold }
func parseFriendCode(doc *html.Node, h *Header) (Page, error)    { return nil, errScaffold }
func parseError(doc *html.Node, h *Header) (Page, error)         { return nil, errScaffold }
func parseLogin(doc *html.Node, h *Header) (Page, error)         { return nil, errScaffold }
func parseMaintenance(doc *html.Node, h *Header) (Page, error)   { return nil, errScaffold }
