package srs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// ParseCard decodes a Card stored as JSON (the encoding of json.Marshal on a
// Card) and validates it. Unknown fields and trailing data are errors.
func ParseCard(data []byte) (Card, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var c Card
	if err := dec.Decode(&c); err != nil {
		return Card{}, fmt.Errorf("srs: decode card: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Card{}, fmt.Errorf("srs: decode card: trailing data after the card object")
	}
	if err := c.Validate(); err != nil {
		return Card{}, fmt.Errorf("srs: decode card: %w", err)
	}
	return c, nil
}
