package interchange

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// The JSON readers decode a file one record at a time (json.Decoder over
// the array) instead of the whole array at once: a file of 300,000 Tachi
// plays would otherwise be held twice, as bytes and as 300,000 structs,
// when all the archive keeps is one best per chart.

// bom is the UTF-8 byte order mark some editors and Excel add.
var bom = []byte("\xef\xbb\xbf")

// jsonDecoder starts decoding a JSON file. JSON is UTF-8 (RFC 8259):
// encoding/json would turn invalid bytes into U+FFFD silently, and a
// title with a lost character would become a chart no page shows, so a
// file with invalid UTF-8 is refused, as the CSV readers refuse one.
func jsonDecoder(b []byte) (*json.Decoder, error) {
	b = bytes.TrimPrefix(b, bom)
	if !utf8.Valid(b) {
		return nil, errors.New("not UTF-8 text: JSON files are UTF-8; save or export the file again as UTF-8")
	}
	return json.NewDecoder(bytes.NewReader(b)), nil
}

// entries counts the entries (records, scores, lines) of one file against
// MaxEntries, so that a file of repeats, which merge into few charts, is
// still bounded in the work it costs.
type entries struct{ n int }

func (e *entries) next() error {
	e.n++
	if e.n > MaxEntries {
		return fmt.Errorf("more than %d entries: split the file", MaxEntries)
	}
	return nil
}

// openValue reads the token that starts a value: a json.Delim for an
// object or array, nil for null, else the scalar.
func openValue(dec *json.Decoder) (json.Token, error) { return dec.Token() }

// elements streams the array whose '[' was read: each element is decoded
// into a fresh T and given to fn with its 1-based number in the file.
func elements[T any](dec *json.Decoder, n *entries, fn func(i int, v T) error) error {
	for dec.More() {
		if err := n.next(); err != nil {
			return err
		}
		var v T
		if err := dec.Decode(&v); err != nil {
			return fmt.Errorf("entry %d: %w", n.n, err)
		}
		if err := fn(n.n, v); err != nil {
			return err
		}
	}
	_, err := dec.Token() // ']'
	return err
}

// eachElement streams the array that comes next (null is an empty one).
func eachElement[T any](dec *json.Decoder, n *entries, fn func(i int, v T) error) error {
	t, err := openValue(dec)
	switch {
	case err != nil:
		return err
	case t == nil:
		return nil
	case t != json.Delim('['):
		return fmt.Errorf("%v where a list was expected", t)
	}
	return elements(dec, n, fn)
}

// members walks the object whose '{' was read: fn gets each key and must
// read its value (decode it, stream it or skip it).
func members(dec *json.Decoder, fn func(key string) error) error {
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		if err := fn(t.(string)); err != nil {
			return err
		}
	}
	_, err := dec.Token() // '}'
	return err
}

// eachMember walks the object that comes next (null is an empty one).
func eachMember(dec *json.Decoder, fn func(key string) error) error {
	t, err := openValue(dec)
	switch {
	case err != nil:
		return err
	case t == nil:
		return nil
	case t != json.Delim('{'):
		return fmt.Errorf("%v where an object was expected", t)
	}
	return members(dec, fn)
}

// skipValue reads past the value that comes next.
func skipValue(dec *json.Decoder) error {
	var v json.RawMessage
	return dec.Decode(&v)
}

// jsonEnd checks that nothing but space follows the file's value.
func jsonEnd(dec *json.Decoder) error {
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("more data after the end of the JSON value")
	}
	return nil
}

// topLevel reads the first token of the file: '[' or '{'.
func topLevel(dec *json.Decoder) (json.Delim, error) {
	t, err := dec.Token()
	if err != nil {
		return 0, err
	}
	d, ok := t.(json.Delim)
	if !ok || (d != '[' && d != '{') {
		return 0, fmt.Errorf("%v: want a JSON object or list", t)
	}
	return d, nil
}
