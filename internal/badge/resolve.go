package badge

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"
)

// ErrUnknownKey is returned by a KeyResolver that does not know the
// verification method it was asked about; a ChainResolver then asks the
// next one.
var ErrUnknownKey = errors.New("verification method not known")

// ResolvedKey is a public key found for a verification method, together
// with who controls it and how it was found.
type ResolvedKey struct {
	PublicKey ed25519.PublicKey
	// Controller is the identifier (issuer profile URL or DID) the key
	// belongs to; the verifier requires it to be the credential's issuer.
	Controller string
	// Source says in plain words where the key came from.
	Source string
	// Revoked is when the key's controller withdrew it; zero if it has not.
	Revoked time.Time
	// Expires is when the key stops being valid; zero for never.
	Expires time.Time
	// Operator is true for keys the person running the verifier supplied
	// (--public-key): they vouch for the key, so no controller check applies.
	Operator bool
}

// KeyResolver finds the public key of a verification method.
type KeyResolver interface {
	ResolveKey(ctx context.Context, verificationMethod string) (*ResolvedKey, error)
}

// ChainResolver asks each resolver in turn and returns the first answer
// other than ErrUnknownKey.
type ChainResolver []KeyResolver

// ResolveKey implements KeyResolver.
func (c ChainResolver) ResolveKey(ctx context.Context, vm string) (*ResolvedKey, error) {
	for _, r := range c {
		k, err := r.ResolveKey(ctx, vm)
		if errors.Is(err, ErrUnknownKey) {
			continue
		}
		return k, err
	}
	return nil, fmt.Errorf("%w: no resolver knows %s", ErrUnknownKey, vm)
}

// OperatorKey is a public key given by the person running the verifier,
// trusted for whichever verification method a credential names.
type OperatorKey struct {
	PublicKey ed25519.PublicKey
}

// ParseOperatorKey parses a Multikey (z6Mk…) given on the command line.
func ParseOperatorKey(multibase string) (OperatorKey, error) {
	pub, err := DecodeMultikey(strings.TrimSpace(multibase))
	if err != nil {
		return OperatorKey{}, err
	}
	return OperatorKey{PublicKey: pub}, nil
}

// ResolveKey implements KeyResolver.
func (k OperatorKey) ResolveKey(context.Context, string) (*ResolvedKey, error) {
	return &ResolvedKey{
		PublicKey: k.PublicKey,
		Source:    "the public key you supplied (" + EncodeMultikey(k.PublicKey) + ")",
		Operator:  true,
	}, nil
}

// WebResolver resolves did:key verification methods (no network),
// did:web ones (GET https://host/.well-known/did.json or
// https://host/path/did.json) and issuer profile URLs (GET the profile and
// look the key up in its verificationMethod list).
type WebResolver struct {
	// Client makes the HTTP requests; nil means a client with a 10 s timeout.
	Client *http.Client
	// AllowHTTP permits plain http:// profile URLs (development only).
	AllowHTTP bool
	// AllowLoopbackHTTP permits plain http:// URLs whose host is a
	// loopback address or "localhost": a certlab server run locally for
	// development, checked from the same machine.
	AllowLoopbackHTTP bool
}

// IsLoopbackURL reports whether u is an http(s) URL whose host is
// "localhost" or a loopback IP address (127.0.0.0/8, ::1).
func IsLoopbackURL(u string) bool {
	pu, err := url.Parse(u)
	if err != nil || (pu.Scheme != "http" && pu.Scheme != "https") {
		return false
	}
	host := pu.Hostname()
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

// httpAllowed reports whether a plain http:// URL may be fetched.
func httpAllowed(u string, any, loopback bool) bool {
	return any || (loopback && IsLoopbackURL(u))
}

const maxFetchBytes = 1 << 20

// ResolveKey implements KeyResolver.
func (r *WebResolver) ResolveKey(ctx context.Context, vm string) (*ResolvedKey, error) {
	switch {
	case strings.HasPrefix(vm, "did:key:"):
		return resolveDIDKey(vm)
	case strings.HasPrefix(vm, "did:web:"):
		base, _, _ := strings.Cut(vm, "#")
		docURL, err := DIDWebURL(base)
		if err != nil {
			return nil, err
		}
		return r.resolveFromDocument(ctx, vm, base, docURL, "the DID document of "+base+" at "+docURL)
	case strings.HasPrefix(vm, "https://") || (strings.HasPrefix(vm, "http://") && httpAllowed(vm, r.AllowHTTP, r.AllowLoopbackHTTP)):
		base, _, _ := strings.Cut(vm, "#")
		return r.resolveFromDocument(ctx, vm, base, base, "the issuer profile at "+base)
	case strings.HasPrefix(vm, "http://"):
		return nil, fmt.Errorf("verification method %s: a plain http:// issuer profile is not trusted; it must be https:// (http:// is accepted only from a loopback address)", vm)
	default:
		return nil, fmt.Errorf("%w: %s is neither did:key, did:web nor an https:// URL", ErrUnknownKey, vm)
	}
}

// resolveDIDKey decodes a did:key verification method. The key is the
// identifier itself, so its controller is the DID.
func resolveDIDKey(vm string) (*ResolvedKey, error) {
	did, frag, hasFrag := strings.Cut(vm, "#")
	id := strings.TrimPrefix(did, "did:key:")
	if hasFrag && frag != id {
		return nil, fmt.Errorf("did:key verification method %s: fragment must repeat the key %s", vm, id)
	}
	pub, err := DecodeMultikey(id)
	if err != nil {
		return nil, fmt.Errorf("did:key %s: %w", did, err)
	}
	return &ResolvedKey{PublicKey: pub, Controller: did, Source: "the did:key identifier " + did}, nil
}

// DIDWebURL returns the URL of the DID document of a did:web DID:
// did:web:example.com → https://example.com/.well-known/did.json,
// did:web:example.com:issuers:1 → https://example.com/issuers/1/did.json,
// and a port is written %3A (did:web:127.0.0.1%3A8443).
func DIDWebURL(did string) (string, error) {
	rest, ok := strings.CutPrefix(did, "did:web:")
	if !ok || rest == "" {
		return "", fmt.Errorf("%q is not a did:web DID", did)
	}
	parts := strings.Split(rest, ":")
	host, err := url.PathUnescape(parts[0])
	if err != nil || host == "" || strings.ContainsAny(host, "/?#@") {
		return "", fmt.Errorf("did:web %q: %q is not a host name", did, parts[0])
	}
	path := "/.well-known"
	if len(parts) > 1 {
		segs := make([]string, 0, len(parts)-1)
		for _, p := range parts[1:] {
			s, err := url.PathUnescape(p)
			if err != nil || s == "" || s == "." || s == ".." || strings.Contains(s, "/") {
				return "", fmt.Errorf("did:web %q: path segment %q is not allowed", did, p)
			}
			segs = append(segs, url.PathEscape(s))
		}
		path = "/" + strings.Join(segs, "/")
	}
	return "https://" + host + path + "/did.json", nil
}

// VerificationMethod is one public key as issuer profiles and DID
// documents publish it (type Multikey).
type VerificationMethod struct {
	ID                 string `json:"id"`
	Type               string `json:"type"`
	Controller         string `json:"controller"`
	PublicKeyMultibase string `json:"publicKeyMultibase"`
	Revoked            string `json:"revoked,omitempty"`
	Expires            string `json:"expires,omitempty"`
}

// controllerDocument is the part of an issuer profile or DID document that
// key resolution reads.
type controllerDocument struct {
	ID                 string            `json:"id"`
	VerificationMethod []json.RawMessage `json:"verificationMethod"`
	AssertionMethod    []json.RawMessage `json:"assertionMethod"`
}

// resolveFromDocument fetches the controller document at docURL and finds
// vm in it. The document's id must be controllerID, the key must be listed
// for assertionMethod, and its controller must be the document's subject.
func (r *WebResolver) resolveFromDocument(ctx context.Context, vm, controllerID, docURL, source string) (*ResolvedKey, error) {
	body, err := fetchJSON(ctx, r.client(), docURL)
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", vm, err)
	}
	return keyFromControllerDocument(body, vm, controllerID, source)
}

// keyFromControllerDocument finds verification method vm in the JSON
// controller document body (an issuer profile or a DID document).
func keyFromControllerDocument(body []byte, vm, controllerID, source string) (*ResolvedKey, error) {
	var doc controllerDocument
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("%s is not a JSON controller document: %w", source, err)
	}
	if doc.ID != controllerID {
		return nil, fmt.Errorf("%s has id %q, not %q", source, doc.ID, controllerID)
	}
	absolute := func(id string) string {
		if strings.HasPrefix(id, "#") {
			return doc.ID + id
		}
		return id
	}
	var found *VerificationMethod
	consider := func(raw json.RawMessage) {
		var m VerificationMethod
		if json.Unmarshal(raw, &m) == nil && absolute(m.ID) == vm && found == nil {
			found = &m
		}
	}
	for _, raw := range doc.VerificationMethod {
		consider(raw)
	}
	authorized := false
	for _, raw := range doc.AssertionMethod {
		var ref string
		if json.Unmarshal(raw, &ref) == nil {
			if absolute(ref) == vm {
				authorized = true
			}
			continue
		}
		var m VerificationMethod
		if json.Unmarshal(raw, &m) == nil && absolute(m.ID) == vm {
			authorized = true
			consider(raw)
		}
	}
	if found == nil {
		return nil, fmt.Errorf("%s does not list the key %s", source, vm)
	}
	k := &ResolvedKey{Controller: doc.ID, Source: source}
	if found.Controller != "" && found.Controller != doc.ID {
		return nil, fmt.Errorf("%s lists key %s with controller %q, not %q", source, vm, found.Controller, doc.ID)
	}
	if found.Type != "Multikey" && found.Type != "Ed25519VerificationKey2020" {
		return nil, fmt.Errorf("%s lists key %s with type %q; certlab reads Multikey", source, vm, found.Type)
	}
	pub, err := DecodeMultikey(found.PublicKeyMultibase)
	if err != nil {
		return nil, fmt.Errorf("%s, key %s: %w", source, vm, err)
	}
	k.PublicKey = pub
	if found.Revoked != "" {
		if k.Revoked, err = parseDateTime(found.Revoked); err != nil {
			return nil, fmt.Errorf("%s, key %s: revoked: %w", source, vm, err)
		}
	}
	if found.Expires != "" {
		if k.Expires, err = parseDateTime(found.Expires); err != nil {
			return nil, fmt.Errorf("%s, key %s: expires: %w", source, vm, err)
		}
	}
	if !authorized && k.Revoked.IsZero() {
		return nil, fmt.Errorf("%s lists key %s but not for assertionMethod, so it may not sign credentials", source, vm)
	}
	return k, nil
}

func (r *WebResolver) client() *http.Client {
	if r.Client != nil {
		return r.Client
	}
	return &http.Client{Timeout: 10 * time.Second}
}

// fetchJSON GETs u and returns its body, at most 1 MiB.
func fetchJSON(ctx context.Context, c *http.Client, u string) ([]byte, error) {
	return fetch(ctx, c, u, maxFetchBytes)
}

// fetch GETs u and returns its body, at most limit bytes.
func fetch(ctx context.Context, c *http.Client, u string, limit int) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", u, err)
	}
	req.Header.Set("Accept", "application/json, application/ld+json, application/vc+ld+json, application/vc+jwt, application/did+json")
	resp, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: HTTP status %s", u, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, int64(limit)+1))
	if err != nil {
		return nil, fmt.Errorf("GET %s: read body: %w", u, err)
	}
	if len(body) > limit {
		return nil, fmt.Errorf("GET %s: body larger than %d bytes", u, limit)
	}
	return body, nil
}

// HTTPStatusFetcher fetches status list credentials over HTTP(S).
type HTTPStatusFetcher struct {
	Client            *http.Client // nil means a client with a 10 s timeout
	AllowHTTP         bool         // permit plain http:// lists (development only)
	AllowLoopbackHTTP bool         // permit plain http:// lists on a loopback host
}

// FetchStatusList implements StatusFetcher.
func (f *HTTPStatusFetcher) FetchStatusList(ctx context.Context, u string) ([]byte, error) {
	if !strings.HasPrefix(u, "https://") && !(strings.HasPrefix(u, "http://") && httpAllowed(u, f.AllowHTTP, f.AllowLoopbackHTTP)) {
		return nil, fmt.Errorf("status list %s: only https:// URLs are fetched (and http:// on a loopback address when allowed)", u)
	}
	c := f.Client
	if c == nil {
		c = &http.Client{Timeout: 10 * time.Second}
	}
	return fetchJSON(ctx, c, u)
}
