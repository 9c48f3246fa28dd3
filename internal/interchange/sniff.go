package interchange

import (
	"bytes"
	"encoding/json"
	"strings"
)

// Detection looks at the structure of a file's start, not at words in it:
// a Tachi file whose comment says "dxScore", or a record that has both
// diving-fish's and Lxns's keys, must not be taken for another format. The
// JSON formats are told apart by one function (jsonFormat), so no two can
// claim the same file.

// sniffed is the start of a file as the detectors see it; the JSON shape
// is read once, for all of them.
type sniffed struct {
	h     []byte
	shape *jsonShape
}

func sniff(b []byte) *sniffed { return &sniffed{h: head(b)} }

// jsonShape is what the start of a JSON file shows: whether it is an
// object, its top-level keys, and the keys of its first record (the first
// object inside the first non-empty array, at any depth: the records of
// every format read here are the first array of objects in the file).
type jsonShape struct {
	object bool
	keys   map[string]bool
	first  map[string]bool
	// broken: the start is not JSON (a syntax error before the head ends).
	broken bool
}

// maxSniffDepth bounds how deep the shape is looked for; the records of
// every format are at most three levels down (Lxns data.standard[0]).
const maxSniffDepth = 4

// json returns the shape of the start, nil when it is not JSON.
func (s *sniffed) json() *jsonShape {
	if s.shape != nil || !isJSON(s.h) {
		return s.shape
	}
	sh := &jsonShape{object: s.h[0] == '{', keys: map[string]bool{}}
	dec := json.NewDecoder(bytes.NewReader(s.h))
	dec.UseNumber()
	if _, err := dec.Token(); err == nil {
		var err error
		if sh.object {
			err = sh.walkObject(dec, 1, sh.keys)
		} else {
			err = sh.walkArray(dec, 1)
		}
		// The head ends in the middle of a long file: what was seen up to
		// there is the shape. Anything else is not JSON.
		sh.broken = err != nil && !truncated(err)
	}
	s.shape = sh
	return sh
}

// truncated reports whether a decoder error is the input ending early.
func truncated(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "unexpected EOF") || err.Error() == "EOF")
}

// walkObject reads the members of an object whose '{' was read, noting
// keys in keys when it is not nil.
func (sh *jsonShape) walkObject(dec *json.Decoder, depth int, keys map[string]bool) error {
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return err
		}
		if keys != nil {
			if s, ok := k.(string); ok {
				keys[s] = true
			}
		}
		if err := sh.walkValue(dec, depth+1); err != nil {
			return err
		}
	}
	_, err := dec.Token()
	return err
}

// walkArray reads the elements of an array whose '[' was read; the first
// object element of the first such array gives the first record's keys.
func (sh *jsonShape) walkArray(dec *json.Decoder, depth int) error {
	for dec.More() {
		if sh.first == nil {
			t, err := dec.Token()
			if err != nil {
				return err
			}
			switch t {
			case json.Delim('{'):
				sh.first = map[string]bool{}
				if err := sh.walkObject(dec, depth+1, sh.first); err != nil {
					return err
				}
			case json.Delim('['):
				if err := sh.walkArray(dec, depth+1); err != nil {
					return err
				}
			}
			continue
		}
		if err := sh.walkValue(dec, depth+1); err != nil {
			return err
		}
	}
	_, err := dec.Token()
	return err
}

// walkValue reads one value, looking inside it down to maxSniffDepth.
func (sh *jsonShape) walkValue(dec *json.Decoder, depth int) error {
	if depth > maxSniffDepth || sh.first != nil {
		var skip json.RawMessage
		return dec.Decode(&skip)
	}
	t, err := dec.Token()
	if err != nil {
		return err
	}
	switch t {
	case json.Delim('{'):
		return sh.walkObject(dec, depth, nil)
	case json.Delim('['):
		return sh.walkArray(dec, depth)
	}
	return nil
}

// jsonFormat names the JSON format of the start, "" for none. Each shape
// has at most one format:
//   - an object with "meta" and "scores" is Tachi BATCH-MANUAL;
//   - an object with "records" or "charts" is diving-fish's player body,
//     when its first record has a "title" (or it has none and the body its
//     "username");
//   - an object with "scores", or "data" beside "success" or "code", is
//     Lxns, when its first record has a "song_name" (or it has none);
//   - an array is DXRating's when its first entry has a "sheetId",
//     Lxns's with a "song_name", diving-fish's with a "title" beside
//     "level_index" or "dxScore" — and none when it has two of these;
//   - an object with "format" is a maiprobe export, never one of these.
func (s *sniffed) jsonFormat() Format {
	sh := s.json()
	if sh == nil || sh.broken {
		return ""
	}
	first := sh.first
	title, songName, sheet := first["title"], first["song_name"], first["sheetId"]
	if (title && songName) || (title && sheet) || (songName && sheet) {
		return "" // keys of two formats: no guess
	}
	if sh.object {
		k := sh.keys
		switch {
		case k["format"]:
			return ""
		case k["meta"]:
			if k["scores"] {
				return TachiBatch
			}
		case k["records"] || k["charts"]:
			if title || (first == nil && k["username"]) {
				return DivingFishJSON
			}
		case k["scores"] || (k["data"] && (k["success"] || k["code"])):
			if songName || first == nil {
				return LxnsJSON
			}
		}
		return ""
	}
	switch {
	case sheet:
		return DXRatingJSON
	case songName:
		return LxnsJSON
	case title && (first["level_index"] || first["dxScore"]):
		return DivingFishJSON
	}
	return ""
}
