package api

import (
	"errors"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
)

// The error codes of the API: stable, documented in docs/api.md and in
// openapi.json's Error schema; clients branch on them, not on messages.
const (
	CodeBadRequest        = "bad_request"        // a parameter is malformed (the message says which)
	CodeUnauthorized      = "unauthorized"       // no credential for a private player, or a wrong or revoked token
	CodeForbidden         = "forbidden"          // the credential does not reach this player
	CodeInsufficientScope = "insufficient_scope" // the token lacks the read scope
	CodeNotFound          = "not_found"          // no such player, play, chart or endpoint
	CodeMethodNotAllowed  = "method_not_allowed" // the API takes GET
	CodeRateLimited       = "rate_limited"       // over the budget: wait Retry-After seconds
	CodeInternal          = "internal"           // the server failed; the log says why
)

// Codes lists every error code, for the document check.
var Codes = []string{CodeBadRequest, CodeUnauthorized, CodeForbidden, CodeInsufficientScope, CodeNotFound, CodeMethodNotAllowed, CodeRateLimited, CodeInternal}

// Error is an API error: the HTTP status, the stable code and a message
// saying what to do. RetryAfter is set for rate_limited.
type Error struct {
	Status     int
	Code       string
	Message    string
	RetryAfter time.Duration
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// errorBody is an error as the client reads it.
type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// WriteError answers err: an *Error as it says, anything else as 500
// internal (its text is not shown: it may name tables or paths).
func WriteError(w http.ResponseWriter, err error) {
	var e *Error
	if !errors.As(err, &e) {
		e = &Error{Status: http.StatusInternalServerError, Code: CodeInternal, Message: "internal error; try again later"}
	}
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(e.RetryAfter.Seconds()))))
	}
	if e.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="maiprobe"`)
	}
	var b errorBody
	b.Error.Code, b.Error.Message = e.Code, e.Message
	WriteJSON(w, e.Status, b)
}

func errBadRequest(msg string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: CodeBadRequest, Message: msg}
}

func errNotFound(msg string) *Error {
	return &Error{Status: http.StatusNotFound, Code: CodeNotFound, Message: msg}
}

func errorsIsNotFound(err error) bool { return errors.Is(err, archive.ErrNotFound) }
