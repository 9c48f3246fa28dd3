package dxnet

// Temporary scaffold: replaced by detect.go, home.go, player_data.go,
// friend_code.go and status.go; delete this file when they land.

import (
	"errors"

	"golang.org/x/net/html"
)

var errScaffoldDetect = errors.New("parser not written yet")

func parseHome(doc *html.Node, h *Header) (Page, error)        { return nil, errScaffoldDetect }
func parsePlayerData(doc *html.Node, h *Header) (Page, error)  { return nil, errScaffoldDetect }
func parseFriendCode(doc *html.Node, h *Header) (Page, error)  { return nil, errScaffoldDetect }
func parseError(doc *html.Node, h *Header) (Page, error)       { return nil, errScaffoldDetect }
func parseLogin(doc *html.Node, h *Header) (Page, error)       { return nil, errScaffoldDetect }
func parseMaintenance(doc *html.Node, h *Header) (Page, error) { return nil, errScaffoldDetect }
