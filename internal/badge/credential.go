package badge

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"time"
)

// Credential types.
const (
	TypeVerifiableCredential      = "VerifiableCredential"
	TypeOpenBadgeCredential       = "OpenBadgeCredential"
	TypeStatusListCredential      = "BitstringStatusListCredential"
	TypeStatusListEntry           = "BitstringStatusListEntry"
	TypeStatusList                = "BitstringStatusList"
	maxCredentialBytes            = 1 << 20
	defaultStatusListLengthInBits = 131072
)

// Credential is the parsed view of a verifiable credential, enough to check
// it; Document keeps the JSON as received so that proofs are computed over
// exactly what was signed.
type Credential struct {
	ID          string
	DataModel   string // "VC 2.0" or "VC 1.1", from the first @context
	Types       []string
	IssuerID    string
	IssuerName  string
	Name        string
	ValidFrom   time.Time // zero when absent
	ValidUntil  time.Time // zero when absent
	SubjectID   string    // credentialSubject.id, empty when the subject has none
	Achievement string    // credentialSubject.achievement.name (Open Badges)
	Status      []StatusEntry
	Proof       *Proof // nil for a credential secured as a VC-JWT

	Document map[string]any
}

// HasType reports whether the credential lists t among its types.
func (c *Credential) HasType(t string) bool { return slices.Contains(c.Types, t) }

// StatusEntry is one BitstringStatusListEntry of a credential's
// credentialStatus.
type StatusEntry struct {
	ID             string
	Purpose        string // "revocation" or "suspension"
	ListIndex      int
	ListCredential string
	StatusSize     int // bits per entry; 1 when absent
}

// ParseCredential parses a credential in its JSON-LD form (with or without
// a Data Integrity proof) and checks the structure the VC Data Model 2.0
// requires. It does not verify anything: see Verifier.
func ParseCredential(data []byte) (*Credential, error) {
	if len(data) > maxCredentialBytes {
		return nil, fmt.Errorf("credential is %d bytes, more than the %d certlab accepts", len(data), maxCredentialBytes)
	}
	if err := checkJSONShape(data, defaultShapeLimits); err != nil {
		return nil, err
	}
	doc, err := decodeJSONObject(data)
	if err != nil {
		return nil, fmt.Errorf("credential is not a JSON object: %w", err)
	}
	c, err := credentialFromDocument(doc)
	if err != nil {
		return nil, err
	}
	if _, ok := doc["proof"]; ok {
		if c.Proof, err = parseProof(doc); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// credentialFromDocument reads the credential fields of doc.
func credentialFromDocument(doc map[string]any) (*Credential, error) {
	c := &Credential{Document: doc}
	ctxs, err := stringList(doc["@context"], "@context")
	if err != nil {
		return nil, err
	}
	switch {
	case len(ctxs) > 0 && ctxs[0] == ContextCredentialsV2:
		c.DataModel = "VC 2.0"
	case len(ctxs) > 0 && ctxs[0] == ContextCredentialsV1:
		c.DataModel = "VC 1.1"
	default:
		return nil, fmt.Errorf("@context must start with %q (VC Data Model 2.0) or %q (1.1)", ContextCredentialsV2, ContextCredentialsV1)
	}
	if c.Types, err = stringList(doc["type"], "type"); err != nil {
		return nil, err
	}
	if !c.HasType(TypeVerifiableCredential) {
		return nil, fmt.Errorf("type %v does not include %q", c.Types, TypeVerifiableCredential)
	}
	if v, ok := doc["id"]; ok {
		s, ok := v.(string)
		if !ok {
			return nil, errors.New("id is not a string")
		}
		c.ID = s
	}
	if v, ok := doc["name"]; ok {
		if s, ok := v.(string); ok {
			c.Name = s
		}
	}
	switch iss := doc["issuer"].(type) {
	case string:
		c.IssuerID = iss
	case map[string]any:
		id, err := stringField(iss, "id", "issuer")
		if err != nil {
			return nil, err
		}
		c.IssuerID = id
		if n, ok := iss["name"].(string); ok {
			c.IssuerName = n
		}
	case nil:
		return nil, errors.New("credential has no issuer")
	default:
		return nil, errors.New("issuer is neither a URL nor an object with an id")
	}
	if c.IssuerID == "" {
		return nil, errors.New("issuer id is empty")
	}
	// VC Data Model 1.1 names the validity period issuanceDate and
	// expirationDate; 2.0 names it validFrom and validUntil.
	from, until := "validFrom", "validUntil"
	if c.DataModel == "VC 1.1" {
		from, until = "issuanceDate", "expirationDate"
		if _, ok := doc[from]; !ok {
			return nil, errors.New("a VC 1.1 credential needs an issuanceDate")
		}
	}
	for _, f := range []struct {
		name string
		dst  *time.Time
	}{{from, &c.ValidFrom}, {until, &c.ValidUntil}} {
		v, ok := doc[f.name]
		if !ok {
			continue
		}
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("%s is not a string", f.name)
		}
		if *f.dst, err = parseDateTime(s); err != nil {
			return nil, fmt.Errorf("%s: %w", f.name, err)
		}
	}
	switch subj := doc["credentialSubject"].(type) {
	case map[string]any:
		c.SubjectID, _ = subj["id"].(string)
		if a, ok := subj["achievement"].(map[string]any); ok {
			c.Achievement, _ = a["name"].(string)
		}
	case []any:
		if len(subj) == 0 {
			return nil, errors.New("credentialSubject is an empty list")
		}
	case nil:
		return nil, errors.New("credential has no credentialSubject")
	default:
		return nil, errors.New("credentialSubject is not an object")
	}
	if c.HasType(TypeOpenBadgeCredential) {
		subj, ok := doc["credentialSubject"].(map[string]any)
		if !ok {
			return nil, errors.New("an OpenBadgeCredential needs one credentialSubject object")
		}
		if _, ok := subj["achievement"].(map[string]any); !ok {
			return nil, errors.New("an OpenBadgeCredential's credentialSubject needs an achievement object")
		}
	}
	if v, ok := doc["credentialStatus"]; ok {
		if c.Status, err = parseStatusEntries(v); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// parseStatusEntries reads credentialStatus (one object or a list).
func parseStatusEntries(v any) ([]StatusEntry, error) {
	var items []any
	switch t := v.(type) {
	case []any:
		items = t
	default:
		items = []any{t}
	}
	var out []StatusEntry
	for i, it := range items {
		where := fmt.Sprintf("credentialStatus[%d]", i)
		m, ok := it.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s is not an object", where)
		}
		typ, err := stringField(m, "type", where)
		if err != nil {
			return nil, err
		}
		if typ != TypeStatusListEntry {
			// Other status mechanisms are reported by the verifier as not checkable.
			out = append(out, StatusEntry{Purpose: "unknown type " + typ})
			continue
		}
		e := StatusEntry{StatusSize: 1}
		e.ID, _ = m["id"].(string)
		if e.Purpose, err = stringField(m, "statusPurpose", where); err != nil {
			return nil, err
		}
		if e.ListCredential, err = stringField(m, "statusListCredential", where); err != nil {
			return nil, err
		}
		idx, err := stringField(m, "statusListIndex", where)
		if err != nil {
			return nil, err
		}
		if e.ListIndex, err = strconv.Atoi(idx); err != nil || e.ListIndex < 0 {
			return nil, fmt.Errorf("%s.statusListIndex %q is not a non-negative integer", where, idx)
		}
		if sz, ok := m["statusSize"]; ok {
			f, ok := sz.(float64)
			if !ok || f != float64(int(f)) || f < 1 || f > 8 {
				return nil, fmt.Errorf("%s.statusSize must be an integer from 1 to 8", where)
			}
			e.StatusSize = int(f)
		}
		out = append(out, e)
	}
	return out, nil
}

// parseDateTime parses an XML Schema dateTimeStamp as VC Data Model 2.0 uses
// it (RFC 3339 with a time zone).
func parseDateTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		// xsd:dateTime without a time zone, as some VC 1.1 credentials
		// write issuanceDate: read as UTC.
		if t, err2 := time.Parse("2006-01-02T15:04:05.999999999", s); err2 == nil {
			return t.UTC(), nil
		}
		return time.Time{}, fmt.Errorf("%q is not a date-time with time zone (like 2026-01-31T12:00:00Z)", s)
	}
	return t, nil
}

// stringField returns the string member name of m; where names m in errors.
func stringField(m map[string]any, name, where string) (string, error) {
	v, ok := m[name]
	if !ok {
		return "", fmt.Errorf("%s has no %s", where, name)
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%s.%s is not a string", where, name)
	}
	if s == "" {
		return "", fmt.Errorf("%s.%s is empty", where, name)
	}
	return s, nil
}

// stringList reads a JSON value that is one string or a list of strings.
// Objects in a list (such as inline @context definitions) are rejected:
// certlab only processes contexts it knows.
func stringList(v any, where string) ([]string, error) {
	switch t := v.(type) {
	case string:
		return []string{t}, nil
	case []any:
		out := make([]string, 0, len(t))
		for i, e := range t {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("%s[%d] is not a string", where, i)
			}
			out = append(out, s)
		}
		return out, nil
	case nil:
		return nil, fmt.Errorf("%s is missing", where)
	default:
		return nil, fmt.Errorf("%s is neither a string nor a list of strings", where)
	}
}

// jsonEqual compares two JSON values.
func jsonEqual(a, b any) bool { return reflect.DeepEqual(a, b) }

// MarshalDocument encodes a credential document as indented JSON, the form
// certlab exports.
func MarshalDocument(doc map[string]any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("encode credential: %w", err)
	}
	return buf.Bytes(), nil
}
