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
	if ok, err := openNext(dec, '[', "a list"); !ok {
		return err
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
	if ok, err := openNext(dec, '{', "an object"); !ok {
		return err
	}
	return members(dec, fn)
}

// openNext reads the token that starts the next value: true when it
// opens want, false (and no error) for null, else an error saying that
// what was expected.
func openNext(dec *json.Decoder, want json.Delim, what string) (bool, error) {
	t, err := openValue(dec)
	switch {
	case err != nil:
		return false, err
	case t == nil:
		return false, nil
	case t != want:
		return false, fmt.Errorf("%v where %s was expected", t, what)
	}
	return true, nil
}

// skipValue reads past the value that comes next.
func skipValue(dec *json.Decoder) error {
	var v json.RawMessage
	return dec.Decode(&v)
}

// readEntries reads a JSON file of entries: a bare list, each element
// given to add, or an object whose members member reads (decoding or
// skipping each value; eachElement(dec, n, add) for a list of entries);
// then it checks that nothing follows.
func readEntries[T any](b []byte, add func(i int, v T) error, member func(dec *json.Decoder, n *entries, key string) error) error {
	dec, err := jsonDecoder(b)
	if err != nil {
		return err
	}
	top, err := topLevel(dec)
	if err != nil {
		return err
	}
	var n entries
	if top == '[' {
		err = elements(dec, &n, add)
	} else {
		err = members(dec, func(key string) error { return member(dec, &n, key) })
	}
	if err != nil {
		return err
	}
	return jsonEnd(dec)
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
