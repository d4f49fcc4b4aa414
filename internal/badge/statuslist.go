package badge

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"
)

// Status purposes of the W3C Bitstring Status List.
const (
	StatusPurposeRevocation = "revocation"
	StatusPurposeSuspension = "suspension"
)

// MinStatusListBits is the smallest list the Bitstring Status List
// specification allows (16 KiB), so that one credential's index tells
// little about its holder.
const MinStatusListBits = defaultStatusListLengthInBits

// maxStatusListBits bounds the decoded size of a list certlab accepts.
const maxStatusListBits = 1 << 26

// StatusList is a W3C Bitstring Status List: one bit per credential,
// index 0 being the most significant bit of the first byte. A set bit
// means the credential has the list's status (revoked, suspended).
// It is not safe for concurrent mutation.
type StatusList struct {
	bits []byte
}

// NewStatusList returns a list of n bits, all clear. n is raised to
// MinStatusListBits and rounded up to a whole number of bytes.
func NewStatusList(n int) *StatusList {
	n = max(n, MinStatusListBits)
	return &StatusList{bits: make([]byte, (n+7)/8)}
}

// Len is the number of bits in the list.
func (s *StatusList) Len() int { return len(s.bits) * 8 }

// Set sets or clears the bit at index i.
func (s *StatusList) Set(i int, on bool) error {
	if i < 0 || i >= s.Len() {
		return fmt.Errorf("status list index %d is outside the list of %d entries", i, s.Len())
	}
	mask := byte(0x80) >> (i % 8)
	if on {
		s.bits[i/8] |= mask
	} else {
		s.bits[i/8] &^= mask
	}
	return nil
}

// Get reports whether the bit at index i is set.
func (s *StatusList) Get(i int) (bool, error) {
	if i < 0 || i >= s.Len() {
		return false, fmt.Errorf("status list index %d is outside the list of %d entries", i, s.Len())
	}
	return s.bits[i/8]&(byte(0x80)>>(i%8)) != 0, nil
}

// Encode returns the encodedList form: the GZIP-compressed bitstring as
// multibase base64url without padding (prefix "u").
func (s *StatusList) Encode() (string, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(s.bits); err != nil {
		return "", fmt.Errorf("compress status list: %w", err)
	}
	if err := zw.Close(); err != nil {
		return "", fmt.Errorf("compress status list: %w", err)
	}
	return "u" + base64RawURL(buf.Bytes()), nil
}

// DecodeStatusList parses an encodedList value. It accepts multibase
// base64url (the current specification) and, for lists written against
// earlier drafts, plain base64url without a multibase prefix.
func DecodeStatusList(encoded string) (*StatusList, error) {
	if encoded == "" {
		return nil, errors.New("encodedList is empty")
	}
	var (
		compressed []byte
		err        error
	)
	if encoded[0] == 'u' {
		compressed, err = DecodeMultibase(encoded)
	} else {
		compressed, err = decodeBase64RawURL(encoded)
	}
	if err != nil {
		return nil, fmt.Errorf("encodedList: %w", err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(compressed))
	if err != nil {
		return nil, fmt.Errorf("encodedList is not GZIP data: %w", err)
	}
	bits, err := io.ReadAll(io.LimitReader(zr, maxStatusListBits/8+1))
	if err != nil {
		return nil, fmt.Errorf("decompress encodedList: %w", err)
	}
	if len(bits) > maxStatusListBits/8 {
		return nil, fmt.Errorf("encodedList expands to more than %d bits", maxStatusListBits)
	}
	if len(bits) == 0 {
		return nil, errors.New("encodedList holds an empty list")
	}
	return &StatusList{bits: bits}, nil
}

// StatusListCredentialParams describes a status list credential to build.
type StatusListCredentialParams struct {
	ID         string // URL the list is served at; also statusListCredential in entries
	IssuerID   string // must be the issuer of the credentials it covers
	Purpose    string // StatusPurposeRevocation or StatusPurposeSuspension
	ValidFrom  time.Time
	ValidUntil time.Time // zero for none; verifiers refetch after it
}

// StatusListCredentialDocument returns the unsecured
// BitstringStatusListCredential for list; sign it with SignDataIntegrity
// (or as a VC-JWT) and serve it at p.ID.
func StatusListCredentialDocument(p StatusListCredentialParams, list *StatusList) (map[string]any, error) {
	if p.ID == "" || p.IssuerID == "" {
		return nil, errors.New("status list credential needs an id and an issuer")
	}
	if p.Purpose != StatusPurposeRevocation && p.Purpose != StatusPurposeSuspension {
		return nil, fmt.Errorf("status purpose %q is not %q or %q", p.Purpose, StatusPurposeRevocation, StatusPurposeSuspension)
	}
	enc, err := list.Encode()
	if err != nil {
		return nil, err
	}
	doc := map[string]any{
		"@context":  []any{ContextCredentialsV2},
		"id":        p.ID,
		"type":      []any{TypeVerifiableCredential, TypeStatusListCredential},
		"issuer":    p.IssuerID,
		"validFrom": formatDateTime(p.ValidFrom),
		"credentialSubject": map[string]any{
			"id":            p.ID + "#list",
			"type":          TypeStatusList,
			"statusPurpose": p.Purpose,
			"encodedList":   enc,
		},
	}
	if !p.ValidUntil.IsZero() {
		doc["validUntil"] = formatDateTime(p.ValidUntil)
	}
	return doc, nil
}

// StatusEntryDocument returns the credentialStatus member that points a
// credential at bit index of the list served at listURL.
func StatusEntryDocument(listURL string, index int, purpose string) map[string]any {
	return map[string]any{
		"id":                   listURL + "#" + strconv.Itoa(index),
		"type":                 TypeStatusListEntry,
		"statusPurpose":        purpose,
		"statusListIndex":      strconv.Itoa(index),
		"statusListCredential": listURL,
	}
}

// parseStatusListCredential reads the list from a status list credential.
func parseStatusListCredential(c *Credential) (purpose string, list *StatusList, err error) {
	if !c.HasType(TypeStatusListCredential) {
		return "", nil, fmt.Errorf("type %v does not include %s", c.Types, TypeStatusListCredential)
	}
	subj, ok := c.Document["credentialSubject"].(map[string]any)
	if !ok {
		return "", nil, errors.New("status list credential has no credentialSubject object")
	}
	if purpose, err = stringField(subj, "statusPurpose", "credentialSubject"); err != nil {
		return "", nil, err
	}
	enc, err := stringField(subj, "encodedList", "credentialSubject")
	if err != nil {
		return "", nil, err
	}
	if list, err = DecodeStatusList(enc); err != nil {
		return "", nil, err
	}
	return purpose, list, nil
}

// formatDateTime writes t as the VC Data Model's dateTimeStamp, in UTC with
// second precision.
func formatDateTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }
