package badge

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// ShapeLimits bound the shape of a credential's JSON before any JSON-LD
// processing. JSON-LD expansion and conversion to RDF cost time in
// proportion to the nodes and values of a document (and more for each node
// with a type-scoped context), so the verifier counts them in one cheap
// streaming pass and refuses a document that could not be a credential
// before it spends anything on expansion. The statement cap applied after
// conversion (maxQuads) stays as a second line.
type ShapeLimits struct {
	MaxBytes      int // size of the JSON text
	MaxDepth      int // nesting of objects and arrays
	MaxValues     int // JSON values of any kind, containers included
	MaxObjects    int // JSON objects: each becomes a node of the RDF graph
	MaxBlankNodes int // objects with neither "id" nor "@id": blank nodes
}

// DefaultShapeLimits are the limits the verifier applies unless told
// otherwise: an Open Badges credential has a few dozen objects and a few
// hundred values, so these leave room for large but honest credentials
// (many alignments, results or evidence entries) and stop hostile ones
// long before the 5,000-statement cap would.
func DefaultShapeLimits() ShapeLimits { return defaultShapeLimits }

var defaultShapeLimits = ShapeLimits{
	MaxBytes:      maxCredentialBytes,
	MaxDepth:      32,
	MaxValues:     maxQuads,
	MaxObjects:    300,
	MaxBlankNodes: 100,
}

// ErrTooLarge is wrapped by the errors of CheckShape.
var ErrTooLarge = errors.New("document larger than certlab verifies")

// CheckShape reports whether data, a JSON text, stays within l; it reads
// the text as a stream of tokens and builds nothing. A limit of zero or
// less is not checked. Data that is not JSON is not its concern: the
// parser reports it.
func CheckShape(data []byte, l ShapeLimits) error { return checkJSONShape(data, l) }

func checkJSONShape(data []byte, l ShapeLimits) error {
	if l.MaxBytes > 0 && len(data) > l.MaxBytes {
		return fmt.Errorf("%w: %d bytes (at most %d)", ErrTooLarge, len(data), l.MaxBytes)
	}
	type frame struct {
		object    bool
		hasID     bool
		expectKey bool // inside an object, the next token is a member name
	}
	var (
		stack                  []frame
		values, objects, blank int
	)
	over := func(what string, max int) error {
		return fmt.Errorf("%w: more than %d %s (a credential has far fewer); refused before JSON-LD processing", ErrTooLarge, max, what)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // numbers are counted, never converted
	for {
		tok, err := dec.Token()
		if err != nil {
			// io.EOF, or malformed JSON: the parser that follows says where.
			return nil
		}
		d, isDelim := tok.(json.Delim)
		if !isDelim && len(stack) > 0 && stack[len(stack)-1].expectKey {
			top := &stack[len(stack)-1]
			if k, _ := tok.(string); k == "id" || k == "@id" {
				top.hasID = true
			}
			top.expectKey = false
			continue
		}
		switch {
		case isDelim && (d == '}' || d == ']'):
			if n := len(stack); n > 0 {
				if f := stack[n-1]; f.object && !f.hasID {
					if blank++; l.MaxBlankNodes > 0 && blank > l.MaxBlankNodes {
						return over("objects without an id (blank nodes)", l.MaxBlankNodes)
					}
				}
				stack = stack[:n-1]
			}
		default:
			if values++; l.MaxValues > 0 && values > l.MaxValues {
				return over("JSON values", l.MaxValues)
			}
			if isDelim { // '{' or '['
				if d == '{' {
					if objects++; l.MaxObjects > 0 && objects > l.MaxObjects {
						return over("JSON objects", l.MaxObjects)
					}
				}
				stack = append(stack, frame{object: d == '{', expectKey: d == '{'})
				if l.MaxDepth > 0 && len(stack) > l.MaxDepth {
					return fmt.Errorf("%w: nested more than %d levels deep; refused before JSON-LD processing", ErrTooLarge, l.MaxDepth)
				}
				continue
			}
		}
		// A value (scalar, or a container just closed) ends a member: the
		// enclosing object expects a name next.
		if n := len(stack); n > 0 && stack[n-1].object {
			stack[n-1].expectKey = true
		}
	}
}
