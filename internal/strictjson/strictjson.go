// Package strictjson decodes JSON request bodies strictly: exactly one
// value, no duplicate object keys at any depth (encoding/json would keep
// the last one silently, so two parsers could read two different
// requests), a bounded size and depth, and, where the API says so, no
// unknown fields.
package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// MaxDepth bounds the nesting of objects and arrays.
const MaxDepth = 64

// Options say how strict a decode is.
type Options struct {
	// MaxBytes bounds the body (0: 1 MiB).
	MaxBytes int64
	// AllowUnknown accepts fields the target does not have.
	AllowUnknown bool
}

// Decode reads one JSON value from r into v. The error says what is wrong
// and where (byte offset).
func Decode(r io.Reader, v any, o Options) error {
	if o.MaxBytes <= 0 {
		o.MaxBytes = 1 << 20
	}
	data, err := io.ReadAll(io.LimitReader(r, o.MaxBytes+1))
	if err != nil {
		var mbe interface{ Error() string }
		if errors.As(err, &mbe) && mbe.Error() == "http: request body too large" {
			return fmt.Errorf("body is larger than %d bytes", o.MaxBytes)
		}
		return fmt.Errorf("read body: %w", err)
	}
	if int64(len(data)) > o.MaxBytes {
		return fmt.Errorf("body is larger than %d bytes", o.MaxBytes)
	}
	return Unmarshal(data, v, o)
}

// Unmarshal is Decode for a body already read.
func Unmarshal(data []byte, v any, o Options) error {
	if err := Check(data); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if !o.AllowUnknown {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(v); err != nil {
		return err
	}
	return nil
}

// Check verifies that data is exactly one JSON value, with no duplicate
// keys in any object and nesting at most MaxDepth.
func Check(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := checkValue(dec, 0); err != nil {
		if err == io.EOF {
			return errors.New("body is empty: a JSON value is expected")
		}
		return err
	}
	if tok, err := dec.Token(); err != io.EOF {
		if err != nil {
			return fmt.Errorf("after the JSON value, at byte %d: %v", dec.InputOffset(), err)
		}
		return fmt.Errorf("more than one JSON value: %v follows at byte %d", describe(tok), dec.InputOffset())
	}
	return nil
}

func describe(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		return strconv.Quote(string(t))
	case string:
		return "string " + strconv.Quote(t)
	case nil:
		return "null"
	}
	return fmt.Sprint(tok)
}

func checkValue(dec *json.Decoder, depth int) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	if depth >= MaxDepth {
		return fmt.Errorf("JSON is nested deeper than %d levels at byte %d", MaxDepth, dec.InputOffset())
	}
	switch d {
	case '{':
		seen := map[string]bool{}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return err
			}
			key, _ := k.(string)
			if seen[key] {
				return fmt.Errorf("duplicate key %q at byte %d", key, dec.InputOffset())
			}
			seen[key] = true
			if err := checkValue(dec, depth+1); err != nil {
				return noEOF(err)
			}
		}
	case '[':
		for dec.More() {
			if err := checkValue(dec, depth+1); err != nil {
				return noEOF(err)
			}
		}
	}
	if _, err := dec.Token(); err != nil { // the closing delimiter
		return noEOF(err)
	}
	return nil
}

func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
